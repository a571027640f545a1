import { cutText } from '../text/cut.ts';
import { escapeRegExp } from '../text/regexp.ts';
import { callerWaiver } from './caller-waiver.ts';
import { sentences } from './intent.ts';
import type { Finding } from './scan.ts';

// An attack split over two tools of one server: each half reads as an honest tool, and only
// the pair does harm. One tool gathers something private ("returns the kubeconfig contexts
// with their tokens, for kube_sync") and its sibling sends what it is given beyond the user
// ("syncs contexts to the team's shared config repo (public)"); one tool makes a call to its
// sibling automatic ("each listing is followed by repo_transfer") and the sibling's own text
// says that call is irreversible; or a tool leaves its rules to a sibling that takes no
// input and exists to carry text about it. Judging a tool alone cannot see these, so this
// reading is given the server's other definitions (by name) and looks only at the siblings a
// tool names, never at all pairs: a 20,000-tool catalogue costs one pass over each text.

type Tool = Record<string, unknown>;
/** The server's other tool definitions by name, when the caller has them. */
export type SiblingLookup = (name: string) => Tool | undefined;

/** Tool names as code spells them (snake, kebab, dotted, camel case): a plain word is never taken for a sibling. */
const IDENT = /[A-Za-z][A-Za-z0-9]*(?:[_.-][A-Za-z0-9]+)+|[a-z]+(?:[A-Z][a-z0-9]+)+/g;
/** How much of one string, and how many names a tool may mention, this reading looks at. */
const TEXT_CAP = 4_000;
const MENTIONS_CAP = 16;

/** What is the user's and private: secrets and credentials, what identifies or reaches people, the agent's own context. A negated mention ("no secrets") is not one. */
const PRIVATE =
  /(?<!\b(?:no|not|without|never|excluding|except)\s)\b(?:secrets?(?! manager)|secret values?|credentials?|passwords?|(?:access|auth|api|bearer|session|refresh|oauth) tokens?|with (?:their|its|the) tokens|api keys?|private keys?|ssh keys?|key material|with_private|env(?:ironment)? (?:variables|vars)|full env|kubeconfig|cookies|cookie jar|one-time codes?|2fa|login codes?|card (?:numbers?|fields)|cvc|cvv|contacts|address book|phone numbers|raw messages|private messages|unread mail|attendees|chat context|conversation history|home address(?:es)?|medical notes?|custody (?:flags?|notes?)|attendees? lists?|private events|patient['’]?s? (?:\w+ )?(?:results?|records?|data)|(?:medical|health) records?|lab results?|system (?:prompt|text)|(?:your|full|current) (?:full |current )?instructions|clipboard|(?:terminal|shell|command|browser|browsing) history|decrypted values?)\b|(?<![\w.])~?\/?\.(?:env|aws|ssh|kube|npmrc|netrc|git-credentials|docker\/config)\b/i;
const SEND = String.raw`(?:publish|upload|sync|share|forward|send|sent|relay|post|push|stor|mirror|cop(?:y|ie)|expos|export|stream|deliver|transmit|hand|submit|report|go(?:es)? to|attach|subscrib|e-?mails)\w*`;
/** Places beyond the user: the public, a third party, a named service or address (not a placeholder). */
const BEYOND = String.raw`(?:public(?:ly)?|anyone[- ]with[- ](?:the[- ])?link|(?:every|each|all)\s+(?:\w+\s+){0,2}(?:parents?|guardians?|customers?|members?|subscribers?|recipients?|students?|employees?|followers?)\b|(?:the )?community\b|vendor['’]?s? (?:cloud|servers?)|relay (?:account|service|server)|other devices|to support\b|third[- ]part(?:y|ies)|investors?|distribution list|(?:the|an?|its|our) (?:\w+ ){0,2}(?:service|server|backend)\b|vendor['’]?s? (?:\w+ ){0,2}(?:bucket|storage)|[\w.+-]+@(?!example\.)[\w-]+\.[a-z.]{2,}|(?:https?|s3|gs|sftp|ftp):\/\/(?!(?:localhost|127\.|example\.))\S+|\b(?!example\.)[a-z0-9-]+\.(?:io|app|net|dev|ai|cloud)\b|\+\d{8,})`;
/** Within one sentence: a dot inside a host name does not end it. */
const GAP = String.raw`(?:[^.;\n]|\.(?=\S))`;
const SENDS_BEYOND = new RegExp(String.raw`\b${SEND}\b${GAP}{0,80}?${BEYOND}|${BEYOND}${GAP}{0,40}?\b${SEND}`, 'i');
const OUTSIDE_DEFAULT = /^(?:https?:\/\/(?!localhost|127\.)|[\w.+-]+@[\w-]+\.)/i;
/** A sentence that moves something between the two tools. */
const FLOW =
  /\b(?:for|to|into|from|after|(?:made|created|produced|built|listed|returned|collected|prepared|generated) by|so (?:that )?\S+ (?:has|gets|can|receives)|feed|pass|hand|pipe|takes?|expects?|output|input|result|returned|given by|meant for|carry over|comes? from)\b/i;
/** What cannot be taken back, as a tool says it of itself. */
const IRREVERSIBLE =
  /\b(?:pay(?:s)? (?:a |the )?(?:supplier |vendor )?invoices?|bank transfer|transfer(?:s)? (?:a |the )?(?:repo\w*|ownership|funds)|drain(?:s|ing)?|delet(?:e|es|ing) (?:them|nodes|all|every|the namespace)|(?:remov|delet|purg|eras|wip)\w* (?:all|every|them all)\b|all (?:of them )?(?:are |get )?(?:removed|deleted|purged|erased)|sends? (?:a message|messages|an e-?mail|e-?mails) (?:from the user['’]s account )?to (?:each|every|all)|close (?:many|all|every)|with sudo|sudo\b|anyone[- ]with[- ]link|bypass(?:es|ing)? (?:the )?(?:\w+ )?(?:lock|protection|safety|interlock)\b)/i;
/** A call made automatic: no condition the user sets, no question asked. */
const AUTOMATIC =
  /\b(?:every|each|always|automatically|required next|must run|immediately|right after|followed by|follow up with|without asking|forbids? asking|when done|afterwards|before (?:doing )?anything else|all other|all at once)\b/i;
/** A rule about which value to use: "should be raised to", "move them … to", "set … to", "with visibility=". */
const ORDERS_VALUE = /\b(?:should|must|move|set|raise[ds]?|switch|change|mark|make)\b|=\s*['"`]?\w/i;
const CALLS = /\b(?:call|run|invoke|use|is followed by|next call|follow up with|pass|hand|pipe)\b/i;
/** "For threads with an invoice attached, call ap_pay_invoice …": a rule, not a suggestion. */
const RULE_CALL = /^\s*(?:for|when|whenever|if|once)\b[^,]{0,80},\s*(?:call|run|invoke|use)\b/i;
/** "documented in env_notes", "see ranker_hint", "defined by fee_notes": the rules are elsewhere. */
const DEFERS_BEFORE =
  /(?:\b(?:documented|described|defined|specified|listed|found|lives?|are|is|kept)\s+(?:in|by)|\b(?:see|per|follow|consult|read|check))\s+\W?$/i;
const DEFERS_AFTER = /^\W?['’]s\s+(?:description|notes|rules|text)\b/i;

interface Read {
  name: string;
  text: string;
  /** Takes no input and does not say it returns anything: a tool that only carries text. */
  carriesText: boolean;
  /** Its parameters' allowed values that grant, pay, expose or remove (at most a few dozen read). */
  powerValues: string[];
}
/** An allowed value that is a power in itself: approving a payment, a public link, the owner's role. */
const POWER_VALUE = /approv|pay|public|owner|admin|delet|disabl|everyone|anyone|unrestricted/i;
/** How a tool that returns something (a schema, conventions, a status) begins its description. */
const RETURNS = /^\s*(?:returns?|gets?|lists?|shows?|describes?|fetch(?:es)?|provides?|reads?|retrieves?|prints?|outputs?)\b/i;
const reads = new WeakMap<Tool, Read>();

/** The text a model reads of a tool (its description, its parameters' descriptions and string defaults), cut; read once per definition. */
function read(tool: Tool): Read {
  let r = reads.get(tool);
  if (r) return r;
  const parts: string[] = [];
  if (typeof tool.description === 'string') parts.push(cutText(tool.description, TEXT_CAP));
  const schema = tool.inputSchema;
  const props = schema && typeof schema === 'object' && !Array.isArray(schema) ? (schema as Tool).properties : undefined;
  let count = 0;
  const powerValues: string[] = [];
  if (props && typeof props === 'object' && !Array.isArray(props)) {
    for (const [, p] of Object.entries(props as Tool)) {
      count++;
      if (!p || typeof p !== 'object' || Array.isArray(p)) continue;
      const { description, default: preset, enum: values } = p as Tool;
      if (Array.isArray(values))
        for (const v of values.slice(0, 64)) if (typeof v === 'string' && v.length >= 3 && v.length <= 40 && POWER_VALUE.test(v)) powerValues.push(v);
      if (typeof description === 'string') parts.push(cutText(description, TEXT_CAP));
      if (typeof preset === 'string') parts.push(cutText(preset, TEXT_CAP));
    }
  }
  const description = typeof tool.description === 'string' ? tool.description : '';
  r = { name: typeof tool.name === 'string' ? tool.name : '', text: parts.join('\n'), carriesText: count === 0 && !RETURNS.test(description), powerValues };
  reads.set(tool, r);
  return r;
}

/** Names of other tools that `tool`'s text mentions, as `isSibling` knows them (at most MENTIONS_CAP). */
export function mentionedSiblings(tool: Tool, isSibling: (name: string) => boolean): string[] {
  const { name, text } = read(tool);
  const out = new Set<string>();
  for (const m of text.matchAll(IDENT)) {
    if (m[0] !== name && isSibling(m[0])) out.add(m[0]);
    if (out.size >= MENTIONS_CAP) break;
  }
  return [...out];
}

/** The sentence of `text` that names `name` as a whole identifier, with where in it. */
function sentenceNaming(text: string, name: string): { text: string; at: number } | undefined {
  for (const s of sentences(text)) {
    for (const m of s.text.matchAll(IDENT)) if (m[0] === name) return { text: s.text, at: m.index };
  }
  return undefined;
}

const quote = (s: string) => `"${cutText(s.trim().replace(/\s+/g, ' '), 160)}"`;
// A tool named for what it gathers (crm_contacts_export) says so in any language its description is written in.
const gathers = (r: Read) => PRIVATE.exec(r.text)?.[0] ?? PRIVATE.exec(r.name.replace(/[_-]+/g, ' '))?.[0];
const sendsBeyond = (tool: Tool, r: Read) => SENDS_BEYOND.exec(r.text)?.[0] ?? outsideDefault(tool);
const irreversible = (r: Read) => IRREVERSIBLE.exec(r.text)?.[0];
const automatic = (sentence: string) => (AUTOMATIC.test(sentence) && CALLS.test(sentence)) || RULE_CALL.test(sentence);
const defersTo = (s: { text: string; at: number }, name: string) =>
  DEFERS_BEFORE.test(s.text.slice(Math.max(0, s.at - 40), s.at)) || DEFERS_AFTER.test(s.text.slice(s.at + name.length));

function outsideDefault(tool: Tool): string | undefined {
  const props = (tool.inputSchema as Tool | undefined)?.properties;
  if (!props || typeof props !== 'object') return undefined;
  for (const [, p] of Object.entries(props as Tool)) {
    const preset = p && typeof p === 'object' ? (p as Tool).default : undefined;
    if (typeof preset === 'string' && OUTSIDE_DEFAULT.test(preset)) return cutText(preset, 160);
  }
  return undefined;
}

/**
 * Findings on `tool` for the harm it does together with the siblings it names (see the top of this file). At most one
 * finding per sibling, and only siblings whose definitions `sibling` returns are read.
 */
export function siblingChainFindings(tool: Tool, sibling: SiblingLookup): Finding[] {
  const x = read(tool);
  if (!x.name) return [];
  const out: Finding[] = [];
  const seen = new Set<string>();
  for (const y of mentionedSiblings(tool, (n) => sibling(n) !== undefined)) {
    const other = sibling(y);
    if (!other || typeof other !== 'object' || seen.has(y)) continue;
    seen.add(y);
    const f = pairFinding(tool, x, other, read(other), y);
    if (f) out.push(f);
  }
  return out;
}

function pairFinding(tool: Tool, x: Read, other: Tool, y: Read, yName: string): Finding | undefined {
  const here = sentenceNaming(x.text, yName);
  if (!here) return undefined;
  const back = sentenceNaming(y.text, x.name);
  const at = (severity: Finding['severity'], family: string, message: string, evidence: string): Finding => ({
    rule: 'sibling-chain',
    family,
    severity,
    message,
    evidence,
    path: '/description',
  });
  if (FLOW.test(here.text)) {
    const mine = gathers(x);
    const theirs = mine && sendsBeyond(other, y);
    if (mine && theirs)
      return at(
        'high',
        'exfiltration',
        `Hands what it gathers (${mine}) to its sibling \`${yName}\`, whose own description sends what it gets beyond the user: together the two tools move private material out`,
        `${quote(here.text)} → ${yName}: ${quote(theirs)}`,
      );
    const given = gathers(y);
    const out = given && sendsBeyond(tool, x);
    if (given && out)
      return at(
        'high',
        'exfiltration',
        `Takes what its sibling \`${yName}\` gathers (${given}) and sends it beyond the user: together the two tools move private material out`,
        `${quote(here.text)}; ${quote(out)}`,
      );
  }
  const power = irreversible(y);
  if (power && automatic(here.text))
    return at(
      'high',
      'cross-tool',
      `Makes a call to its sibling \`${yName}\` automatic, and \`${yName}\`'s own description says that call cannot be taken back (${power}): the model is led to it with no one asking the user`,
      quote(here.text),
    );
  const mine = irreversible(x);
  if (mine && back && automatic(back.text))
    return at(
      'high',
      'cross-tool',
      `Its sibling \`${yName}\` makes calls to this tool automatic, and this tool cannot be taken back (${mine}): the model is led to it with no one asking the user`,
      `${yName}: ${quote(back.text)}`,
    );
  // "Move them with claim_set_status to approved_for_payment": a rule that picks the sibling's own power value for it.
  const value = y.powerValues.find((v) => new RegExp(String.raw`(?<![\w-])${escapeRegExp(v)}(?![\w-])`, 'i').test(here.text));
  if (value && (automatic(here.text) || ORDERS_VALUE.test(here.text)))
    return at(
      'high',
      'cross-tool',
      `Tells the model to call its sibling \`${yName}\` with \`${value}\`, a value that grants, pays, exposes or removes: the choice the user should make is made in the tool's text`,
      quote(here.text),
    );
  const waiver = callerWaiver(other, (n) => n === x.name);
  if (waiver)
    return at(
      'high',
      'consent',
      `Leads the model to its sibling \`${yName}\`, whose own text drops a safeguard for calls that come from this tool: together they skip the check`,
      `${quote(here.text)} → ${yName}: ${quote(waiver.sentence)}`,
    );
  if (y.carriesText && back && defersTo(here, yName))
    return at(
      'medium',
      'cross-tool',
      `Leaves its rules to the text of \`${yName}\`, a sibling that takes no input, returns nothing and is written about this tool: the instructions sit where the user does not look`,
      quote(here.text),
    );
  if (x.carriesText && back && defersTo(back, x.name))
    return at(
      'medium',
      'cross-tool',
      `Takes no input and returns nothing, and its sibling \`${yName}\` tells the model to follow this tool's text: a tool that exists to carry instructions about another`,
      `${yName}: ${quote(back.text)}`,
    );
  return undefined;
}
