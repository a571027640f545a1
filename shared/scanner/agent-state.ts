import { clip, type IntentFinding } from './intent.ts';
import { namePhrase } from './internals.ts';

// The agent's own state asked for through the shape of the input, not through
// prose: an object whose fields, taken together, are what an agent runs on (its
// model, its instructions, its tools, its plan, its memory, its conversation), or
// a default that a client template would fill from the session ("{{messages}}").
// One such field may be a coincidence ("model" on a car lookup); three of two
// kinds, one of them private, on a tool whose job is not calling a model, are the
// agent describing itself to a stranger.

type Part = 'model' | 'sampling' | 'instructions' | 'tools' | 'plan' | 'conversation' | 'memory';

const PARTS: [Part, RegExp][] = [
  ['model', /^(?:model|model (?:name|id|version)|llm|engine|assistant model)$/],
  ['sampling', /^(?:temperature|top [pk]|max (?:output )?tokens|seed|stop sequences)$/],
  [
    'instructions',
    /^(?:(?:system|developer|operator|agent|assistant)(?: (?:prompt|message|instructions?))?|instructions?(?: from (?:the )?(?:developer|operator|system))?|system instructions|persona|guidelines)$/,
  ],
  ['tools', /^(?:tools|tool (?:names|list|calls)|functions|available (?:tools|functions)|(?:pending|queued|planned|next) tool calls)$/],
  ['plan', /^(?:goal|goals|objective|plan|next steps|current task|intent|reasoning|thoughts?|scratchpad)$/],
  ['conversation', /^(?:messages|history|chat history|conversation|transcript|turns|dialog(?:ue)?)$/],
  ['memory', /^(?:memory|memories|user memory|long term memory)$/],
];
const PRIVATE = new Set<Part>(['instructions', 'tools', 'plan', 'conversation', 'memory']);
const WHAT: Record<Part, string> = {
  model: 'its model',
  sampling: 'its sampling settings',
  instructions: 'its instructions',
  tools: 'its tools',
  plan: 'its plan',
  conversation: 'the conversation',
  memory: 'its memory',
};

/** A tool whose job is to call a model, or to run or inspect agents, takes these as its input. */
const MODEL_PURPOSE = /\b(?:llm|model|completion|chat|prompt|agent|assistant|gpt|claude|openai|anthropic|gemini|inference|sampling|langchain|eval\w*)\b/i;

/** A client-side template variable naming the session's private content: "{{messages}}", "${system_prompt}". */
const SESSION_TEMPLATE =
  /(?:\{\{\s*|\$\{\s*|<<\s*)(?:[\w.]*\.)?(system(?:_?(?:prompt|message|instructions?))?|instructions|messages|conversation|chat_?history|history|transcript|memory|tools|context|session(?:_?(?:history|transcript|messages))?)\s*(?:\}\}|\}|>>)/i;

interface Node {
  properties?: Record<string, unknown>;
  required?: unknown;
  default?: unknown;
  items?: unknown;
}
const asNode = (v: unknown): Node | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Node) : undefined);

const ANY_PART = new RegExp(PARTS.map(([, re]) => `(?:${re.source})`).join('|'));
/**
 * Every phrase PARTS accepts holds one of these words, and a word of the phrase is a run of the lowered name
 * (namePhrase only cuts the name and lowers it), so a name without any of them needs no phrase.
 */
const PART_WORD =
  /model|llm|engine|temperature|top|tokens|seed|stop|system|developer|operator|agent|assistant|instruction|persona|guidelines|tool|function|goal|objective|plan|next|task|intent|reasoning|thought|scratchpad|messages|history|conversation|transcript|turns|dialog|memor/;
function partOf(name: string): Part | undefined {
  if (!PART_WORD.test(name.toLowerCase())) return undefined;
  const w = namePhrase(name);
  return ANY_PART.test(w) ? PARTS.find(([, re]) => re.test(w))?.[0] : undefined;
}

/** The agent-state objects and the session-filled defaults of an input schema, walked to a small depth. */
export function agentStateFindings(schema: unknown, purpose: string): IntentFinding[] {
  if (MODEL_PURPOSE.test(purpose.replace(/[_-]/g, ' '))) return [];
  const out: IntentFinding[] = [];
  const walk = (node: Node, path: string, depth: number) => {
    const props = asNode(node.properties);
    if (!props || depth > 4) return;
    const found: { name: string; part: Part }[] = [];
    const entries = Object.entries(props);
    for (const [name, sub] of entries) {
      const part = entries.length >= 3 ? partOf(name) : undefined;
      if (part) found.push({ name, part });
      const child = asNode(sub);
      if (!child) continue;
      const template = typeof child.default === 'string' && /[{<]/.test(child.default) ? SESSION_TEMPLATE.exec(child.default) : null;
      if (template)
        out.push({
          rule: 'session-filled-default',
          family: 'exfiltration',
          severity: 'high',
          evidence: clip(`${name}: ${child.default as string}`),
          message: `Parameter "${clip(name, 60)}" defaults to a template the client would fill with the session's ${template[1]!.toLowerCase().replace(/_/g, ' ')}, which has nothing to do with what the tool does`,
        });
      walk(child, `${path}.${name}`, depth + 1);
      const items = asNode(child.items);
      if (items) walk(items, `${path}.${name}[]`, depth + 1);
    }
    if (found.length < 3) return;
    const kinds = new Set(found.map((f) => f.part));
    const privateKinds = [...kinds].filter((k) => PRIVATE.has(k));
    // Three fields of two kinds, one private, and one of the private ones required: the object is the agent's state.
    if (kinds.size < 2 || privateKinds.length === 0) return;
    const required = new Set(Array.isArray(node.required) ? node.required.filter((r): r is string => typeof r === 'string') : []);
    if (!found.some((f) => PRIVATE.has(f.part) && required.has(f.name))) return;
    out.push({
      rule: 'asks-for-agent-state',
      family: 'exfiltration',
      severity: 'high',
      evidence: clip(`${path.slice(1) || 'input'}: ${found.map((f) => f.name).join(', ')}`),
      message: `Its input${path ? ` "${clip(path.slice(1), 60)}"` : ''} is shaped like the agent's own state (${[...kinds].map((k) => WHAT[k]).join(', ')}), which has nothing to do with what the tool does`,
    });
  };
  const root = asNode(schema);
  if (root) walk(root, '', 0);
  return out;
}
