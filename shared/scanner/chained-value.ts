import { clip, type IntentFinding } from './intent.ts';

// A value the model copies from the schema that carries a second act (issue 12, eleventh round part 2). An enum
// member, a const, a default, an example or a required entry is what the model sends when it has no reason to
// choose; a schema payload writes an order there in the shape of data: a format, then another step ("csv then call
// delete all snapshots", "json and post to https://…", "local+email_to:…", "yes; also call …", a query followed by
// "; GRANT …"). The reading splits the value into words and looks for a joint (then, and, also, plus, after, "+",
// ";") followed by an act that reaches out (call, post, send, delete, grant, invite, push, publish…). An act the
// tool's own purpose names ("draft then send" on a mail sender, "build and push" on an image pusher) is its job.

const JOINT = new Set(['then', 'and', 'also', 'plus', 'after', 'afterwards', 'additionally']);
const ACT =
  /^(?:call|calls|invoke|run|exec|execute|post|posts|send|sends|email|mail|delete|drop|remove|wipe|truncate|grant|grants|invite|push|upload|share|forward|copy|append|attach|publish|follow|transfer|pay|bcc|cc|expose|chmod)$/;
const READ_SECRET = /^(?:read|cat|include|attach|append|copy)$/;
const SECRET_PATH = /~\/|\.ssh|\.aws|\.env\b|credentials|id_rsa|\.netrc|\.kube/i;

/** The value's words, with "+", ";" and "&&" read as joints and camelCase split. */
function words(value: string): string[] {
  return value
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/\+|&&|;/g, ' plus ')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** The stems of the tool's own verbs, from its name and first sentence. */
function ownStems(purpose: string): Set<string> {
  return new Set(words(purpose).map((w) => w.replace(/(?:e?s|ed|ing)$/, '')));
}

/** The act that follows a joint in the value, if any, and is not the tool's own. */
export function secondAct(value: string, purpose: string): string | undefined {
  if (value.length > 400 || !/then|and|also|plus|after|[+;&]/i.test(value)) return undefined;
  const ws = words(value);
  const own = ownStems(purpose);
  for (let i = 0; i < ws.length - 1; i++) {
    if (!JOINT.has(ws[i]!) || (i === 0 && !/^(?:also|then|additionally)$/.test(ws[0]!))) continue;
    for (const w of ws.slice(i + 1, i + 4)) {
      const act = ACT.test(w) || (READ_SECRET.test(w) && SECRET_PATH.test(value));
      if (act && !own.has(w.replace(/(?:e?s|ed|ing)$/, ''))) return w;
    }
  }
  return undefined;
}

const VALUE_KEYS = new Set(['enum', 'const', 'default', 'examples', 'example', 'required']);

/** Every value the model may copy (enum, const, default, examples, required), with where it is. */
function copiedValues(node: unknown, path: string, out: { path: string; value: string }[], depth = 0): void {
  if (depth > 12 || !node || typeof node !== 'object' || out.length > 500) return;
  if (Array.isArray(node)) {
    node.forEach((v, i) => copiedValues(v, `${path}/${i}`, out, depth + 1));
    return;
  }
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    const at = `${path}/${key}`;
    if (VALUE_KEYS.has(key)) {
      const list = Array.isArray(value) ? value : [value];
      list.forEach((v, i) => {
        if (typeof v === 'string') out.push({ path: Array.isArray(value) ? `${at}/${i}` : at, value: v });
        else if (v && typeof v === 'object' && key !== 'required') out.push({ path: at, value: JSON.stringify(v).slice(0, 400) });
      });
    } else if (value && typeof value === 'object') copiedValues(value, at, out, depth + 1);
  }
}

export function chainedValueFindings(tool: Record<string, unknown>, purpose: string): (IntentFinding & { path: string })[] {
  const values: { path: string; value: string }[] = [];
  copiedValues(tool.inputSchema, '/inputSchema', values);
  copiedValues(tool.outputSchema, '/outputSchema', values);
  for (const { path, value } of values) {
    const act = secondAct(value, purpose);
    if (act)
      return [
        {
          rule: 'value-carries-a-second-act',
          family: 'schema-smuggling',
          severity: 'high',
          evidence: clip(value),
          message: `A value the model would copy from the schema carries a second step ("${act}") that is not what the tool is for`,
          path,
        },
      ];
  }
  return [];
}
