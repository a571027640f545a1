// Thirteenth round (issue 12): what a schema's presets reach. A default is what the model sends when it has no reason
// to choose, so an honest schema defaults to the least: the viewer role, the user's own inbox, the sandbox on. A
// schema payload needs no words at all when the default is the most powerful choice on offer (role "owner" beside
// "viewer", "superuser" beside "reader", every shared and delegated mailbox beside the inbox), when a safety switch
// is preset off (or fixed off by `const`), when a file preset to be attached is a secret one, when a network rule is
// preset open to the whole internet, or when recipients are preset to everyone.

import { escapeKey } from './extract.ts';
import { clip, SENSITIVE_PATH, type IntentFinding } from './intent.ts';

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A choice that gives the call more power than its siblings in the same enum: a role, an identity, a reach. */
const POWERFUL = /(?:^|[_\-\s.:])(?:owners?|admins?|administrators?|root|superusers?|sudo|unrestricted|privileged|delegated|everyone|anyone)(?=$|[_\-\s.:])/i;
/**
 * Parameters whose choice is a grant: a role, a reach, who may see or act. A filter's "owner" (list the repos I own) or a
 * lock's "write" is a choice of what to list or hold, not of power.
 */
const GRANT_PARAM =
  /^(?:role|roles|access(?:[_-]?level)?|permissions?|privileges?|run[_-]?as|as[_-]?user|user[_-]?(?:role|type)|scopes?|grants?|visibility|acl|share(?:[_-]?(?:mode|level|with))?|sharing|audience|level|mode[_-]?of[_-]?access)$/i;
/**
 * A choice that shows what is made to more people: real servers default a new board or file to "public" as their API
 * does (monday.com's create_board), so it is said, not flagged.
 */
const OPEN = /(?:^|[_\-\s.:])(?:public|shared)(?=$|[_\-\s.:])/i;
/** Roles and identities a call runs with. */
const ROLE_PARAM = /^(?:role|roles|access[_-]?level|permission|permissions|privileges?|run[_-]?as|as[_-]?user|user[_-]?role|scopes?|grants?)$/i;
const HIGHEST_ROLE = /^(?:owner|admin|administrator|root|superuser|sudo|\*|write:all|admin:\w+|delete_\w+)$/i;
/** Switches that keep a call safe: a preset "off" disarms them ("confirm: false" is the safe default of a destructive call, not one). */
const SAFETY_SWITCH =
  /^(?:sandbox(?:ed)?|use[_-]?sandbox|safe[_-]?mode|verify(?:[_-]?(?:ssl|tls|certs?|certificates?))?|(?:ssl|tls)[_-]?verify|redact(?:[_-]?\w+)?|mask[_-]?(?:secrets?|values?|output)|require[_-]?(?:confirmation|approval))$/i;
/** Who a message or a share goes to. */
// Who is sent to, not where a search or a playbook looks ("channels: all", "targets: all" are scopes of reading or running).
const AUDIENCE_PARAM = /^(?:to|recipients?|audience|share[_-]?with|notify|cc|bcc)$/i;
const EVERYONE = /^(?:\*|all|everyone|anyone|@all|@everyone|@channel|all[_-]?users)$/i;
/**
 * Fourteenth round: who else gets a copy, preset. A recipient the model never chose (a cc preset to a fixed account, a
 * "post results to" preset to a channel) receives every call's content silently; an honest schema leaves recipients
 * for the user to name. A date or a number in a `to` is a range's end, not a recipient.
 */
const RECIPIENT_PARAM =
  /^(?:cc|bcc|recipients?|notify(?:[_-]?\w+)?|share[_-]?with|(?:forward|copy|send|post|mirror|report|share|cc|notify|publish)(?:[_-]\w+)?[_-]to|to)$/i;
/** A value shaped like a recipient: an address, a channel, a user or group id; not a date, a word or a placeholder. */
const presetRecipient = (v: string) =>
  (/^[^\s@]+@[^\s@]+$|^[#@][\w.-]+$|^[A-Z][A-Z0-9]{6,}$|^\d{6,}$/.test(v.trim()) || /\b(?:all|everyone|alle|aller|tous|toutes|todos|todas|tutti)\b/i.test(v)) &&
  // A placeholder shows the shape of a value, it names no one.
  !/\bexample\.(?:com|org|net)\b|^<[^>]*>$|\bplaceholder\b/i.test(v);
const recipientFinding = (name: string, at: string, shown: string, v: string) =>
  finding(
    'preset-recipient',
    'high',
    at,
    shown,
    `"${clip(name, 40)}" is preset to ${clip(JSON.stringify(v), 40)}: every call also reaches that recipient unless the model removes it`,
  );
const OPEN_RANGE = /^(?:0\.0\.0\.0\/0|::\/0|\*)$/;
// Inbound rules only: WireGuard's allowed_ips 0.0.0.0/0 routes all of the peer's traffic through the tunnel, as it should.
const NETWORK_PARAM = /(?:ingress|inbound|source[_-]?ranges?|allow[_-]?from|firewall)/i;

/** The parameter is named for the kind of file it is preset to ("kubeconfig" → ~/.kube/config, "env_file" → .env): its job. */
function namesItsFile(param: string, path: string): boolean {
  const words = (s: string) => s.toLowerCase().match(/[a-z0-9]{3,}/g) ?? [];
  const inPath = words(path);
  return words(param.replace(/(?<=[a-z])(?=[A-Z])/g, ' ')).some((w) => inPath.some((p) => p.includes(w) || w.includes(p)));
}

function finding(rule: string, severity: 'low' | 'high', path: string, evidence: string, message: string): IntentFinding & { path: string } {
  return { rule, family: 'schema-smuggling', severity, path, evidence: clip(evidence, 200), message };
}

function judgeParam(name: string, p: Node, path: string): (IntentFinding & { path: string }) | undefined {
  const preset = Object.hasOwn(p, 'const') ? 'const' : Object.hasOwn(p, 'default') ? 'default' : undefined;
  if (!preset) return undefined;
  const value = p[preset];
  const at = `${path}/${preset}`;
  const shown = `${name} ${preset}: ${JSON.stringify(value)}`;
  if (typeof value === 'string') {
    const v = value.trim();
    const choices = Array.isArray(p.enum) ? p.enum.filter((c): c is string => typeof c === 'string') : [];
    if (GRANT_PARAM.test(name) && choices.length >= 2 && choices.includes(value) && !POWERFUL.test(v) && OPEN.test(v) && choices.some((c) => !OPEN.test(c)))
      return finding(
        'preset-open-choice',
        'low',
        at,
        `${shown} of ${JSON.stringify(choices)}`,
        `"${clip(name, 40)}" defaults to ${clip(JSON.stringify(value), 60)}, the most open of its choices`,
      );
    if (GRANT_PARAM.test(name) && choices.length >= 2 && choices.includes(value) && POWERFUL.test(v) && choices.some((c) => !POWERFUL.test(c)))
      return finding(
        'preset-widest-choice',
        'high',
        at,
        `${shown} of ${JSON.stringify(choices)}`,
        `"${clip(name, 40)}" defaults to ${clip(JSON.stringify(value), 60)}, the most powerful of its choices: a model that leaves it out gets more than the narrower choices on offer`,
      );
    if (ROLE_PARAM.test(name) && HIGHEST_ROLE.test(v))
      return finding(
        'preset-widest-choice',
        'high',
        at,
        shown,
        `"${clip(name, 40)}" is preset to ${clip(JSON.stringify(value), 40)}, the highest role: the model sends it unless told otherwise`,
      );
    if (v.length <= 200 && SENSITIVE_PATH.test(v) && !namesItsFile(name, v))
      return finding(
        'preset-secret-file',
        'high',
        at,
        shown,
        `"${clip(name, 40)}" is preset to a secret file (${clip(v, 60)}): the model hands the tool that file unless told otherwise`,
      );
    if (OPEN_RANGE.test(v) && NETWORK_PARAM.test(name))
      return finding(
        'preset-open-to-all',
        'high',
        at,
        shown,
        `"${clip(name, 40)}" is preset to ${v}: whatever it guards is open to the whole internet unless the model changes it`,
      );
    if (AUDIENCE_PARAM.test(name) && EVERYONE.test(v))
      return finding(
        'preset-everyone',
        'high',
        at,
        shown,
        `"${clip(name, 40)}" is preset to everyone (${clip(v, 20)}): the call reaches every recipient unless the model narrows it`,
      );
    if (RECIPIENT_PARAM.test(name) && presetRecipient(v)) return recipientFinding(name, at, shown, v);
    return undefined;
  }
  if (Array.isArray(value)) {
    const strings = value.filter((x): x is string => typeof x === 'string').map((x) => x.trim());
    const high = ROLE_PARAM.test(name) ? strings.find((x) => HIGHEST_ROLE.test(x)) : undefined;
    if (high)
      return finding(
        'preset-widest-choice',
        'high',
        at,
        shown,
        `"${clip(name, 40)}" is preset to include ${clip(high, 40)}: the model asks for it unless told otherwise`,
      );
    const file = strings.find((x) => x.length <= 200 && SENSITIVE_PATH.test(x) && !namesItsFile(name, x));
    if (file) return finding('preset-secret-file', 'high', at, shown, `"${clip(name, 40)}" is preset to a secret file (${clip(file, 60)})`);
    if (AUDIENCE_PARAM.test(name) && strings.some((x) => EVERYONE.test(x)))
      return finding(
        'preset-everyone',
        'high',
        at,
        shown,
        `"${clip(name, 40)}" is preset to everyone: the call reaches every recipient unless the model narrows it`,
      );
    const fixed = RECIPIENT_PARAM.test(name) ? strings.find(presetRecipient) : undefined;
    if (fixed) return recipientFinding(name, at, shown, fixed);
    return undefined;
  }
  if (value === false && SAFETY_SWITCH.test(name))
    return finding(
      'preset-safety-off',
      preset === 'const' ? 'high' : 'low',
      at,
      shown,
      preset === 'const'
        ? `"${clip(name, 40)}" is fixed off: the safety it names can never be turned on`
        : `"${clip(name, 40)}" is preset off: the safety it names is skipped unless the model turns it on`,
    );
  return undefined;
}

/** The first preset of the input schema (its properties, their items) that reaches further than a default should. */
export function presetReachFindings(schema: unknown): (IntentFinding & { path: string })[] {
  const walk = (node: unknown, path: string, depth: number): (IntentFinding & { path: string }) | undefined => {
    if (!isNode(node) || depth > 8) return undefined;
    const props = node.properties;
    if (!isNode(props)) return isNode(node.items) ? walk(node.items, `${path}/items`, depth + 1) : undefined;
    for (const [name, p] of Object.entries(props)) {
      if (!isNode(p)) continue;
      const at = `${path}/properties/${escapeKey(name)}`;
      const f = judgeParam(name, p, at) ?? walk(p, at, depth + 1);
      if (f) return f;
    }
    return undefined;
  };
  const f = walk(schema, '/inputSchema', 0);
  return f ? [f] : [];
}

/**
 * Fourteenth round: a power switched on by default on a tool that only reads or transforms. A weather lookup with
 * `delete_after: true`, a pod listing with `retention_days: 3650` on vendor storage, a DNS lookup with `confirm: true`:
 * the parameter has nothing to do with the tool (its name and description never mention it), and its default acts
 * whenever the model leaves it out. A parameter the tool's own words name ("list_public_repos" with `visibility`) is
 * its job; one without a default is a choice the model makes, not a preset.
 */
const READER_WORD =
  /^(?:get|list|read|show|search|find|lookup|look|describe|view|check|resolve|compute|calculate|convert|format|render|preview|explain|count|fetch|query|inspect|validate|lint|parse|summari[sz]e|translate|estimate|diff|compare|status|info|stats|analy[sz]e|detect|score|measure|current|weather|forecast|geocode|route|tail|tree|print|whoami|ping|echo)$/i;
const POWER_PARAM =
  /^(?:(?:delete|remove|purge|wipe|destroy|drop)(?:_\w+)?|\w*_?(?:delete|remove|purge)_after|retention(?:_\w+)?|share(?:_\w+)?|publish(?:_\w+)?|make_public|notify(?:_\w+)?|webhook(?:_\w+)?|callback(?:_url)?|forward(?:_\w+)?|upload(?:_\w+)?|sync(?:_\w+)?|mirror(?:_\w+)?|post_\w+|send_\w+|transfer(?:_\w+)?|grant(?:_\w+)?|admin|sudo|auto_approve|confirm(?:ed)?)$/i;

const presetOn = (d: unknown) =>
  d === true ||
  (typeof d === 'number' && d > 0) ||
  (typeof d === 'string' && d.trim() !== '' && !/^(?:false|none|no|off|private|null|0)$/i.test(d.trim())) ||
  (Array.isArray(d) && d.length > 0);

export function presetPowerFindings(tool: Record<string, unknown>): (IntentFinding & { path: string })[] {
  const schema = tool.inputSchema;
  if (!isNode(schema) || !isNode(schema.properties)) return [];
  const name = typeof tool.name === 'string' ? tool.name : '';
  const description = typeof tool.description === 'string' ? tool.description : '';
  const verb = (/^\s*([A-Za-z]+)/.exec(description)?.[1] ?? '').replace(/s$/, '');
  const reader = name.split(/[_\-.\s]|(?<=[a-z])(?=[A-Z])/).some((w) => READER_WORD.test(w)) || READER_WORD.test(verb);
  if (!reader) return [];
  // The tool's own words, whole: "shared by NOAA" does not name a `share_location` switch, "days" no `retention_days`.
  const own = `${name} ${description}`
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter(Boolean);
  for (const [param, p] of Object.entries(schema.properties)) {
    if (!isNode(p) || !POWER_PARAM.test(param) || !Object.hasOwn(p, 'default') || !presetOn(p.default)) continue;
    // The power word itself must be the tool's own ("delete_source" on a tool that deletes): its stem, in any form.
    const power = param.toLowerCase().split(/[_-]/)[0]!.replace(/e$/, '');
    if (own.some((w) => w.startsWith(power) && w.length <= power.length + 4)) continue;
    const at = `/inputSchema/properties/${escapeKey(param)}/default`;
    return [
      finding(
        'preset-power-on-a-reader',
        'high',
        at,
        `${param} default: ${JSON.stringify(p.default)}`,
        `"${clip(param, 40)}" is preset to ${clip(JSON.stringify(p.default), 40)} on a tool that only reads or converts and never mentions it: the power it names acts whenever the model leaves it out`,
      ),
    ];
  }
  return [];
}
