import { cutText } from '../text/cut.ts';
import { escapeRegExp } from '../text/regexp.ts';
import { callerWaiver } from './caller-waiver.ts';
import { codeNames as names } from './code-names.ts';
import { sentences } from './intent.ts';
import { isObject, topLevel } from './top-level.ts';
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

/** How many names a tool may mention that this reading looks at (how much of each definition: top-level.ts). */
const MENTIONS_CAP = 64;

/** What is the user's and private: secrets and credentials, what identifies or reaches people, the agent's own context. A negated mention ("no secrets") is not one. */
const PRIVATE_ALL =
  /(?<!\b(?:no|not|without|never|excluding|except)\s(?:(?:their|its|the|any|encrypted|raw)\s){0,2})\b(?:secrets?(?! manager)|secret values?|credentials?|passwords?|(?:access|auth|api|bearer|session|refresh|oauth) tokens?|with (?:their|its|the) tokens|api keys?|private keys?|ssh keys?|key material|with_private|env(?:ironment)? (?:variables|vars)|full env|kubeconfig|cookies|cookie jar|one-time codes?|2fa|login codes?|card (?:numbers?|fields)|cvc|cvv|contacts|address book|phone numbers|raw messages|private messages|unread mail|attendees|chat context|conversation history|social security numbers?|ssns?|bank account(?: numbers?)?|(?:secret )?access key(?: ids?| pairs?)?|everything the user (?:told|said|wrote|typed)|home address(?:es)?|medical notes?|custody (?:flags?|notes?)|attendees? lists?|private events|patient['’]?s? (?:\w+ )?(?:results?|records?|data)|(?:medical|health) records?|lab results?|system (?:prompt|text)|(?:your|full|current) (?:full |current )?instructions|clipboard|(?:terminal|shell|command|browser|browsing) history|decrypted values?)\b|(?<![\w.])~?\/?\.(?:env|aws|ssh|kube|npmrc|netrc|git-credentials|docker\/config)\b/gi;
const SEND = String.raw`(?:publish|upload|sync|share|forward|send|sent|relay|post|push|stor|mirror|cop(?:y|ie)|expos|export|stream|deliver|transmit|hand|submit|report|go(?:es)? to|attach|subscrib|e-?mails)\w*`;
/** Places beyond the user: the public, a third party, a named service or address (not a placeholder). */
const BEYOND = String.raw`(?:(?<!\bor\s|\bbe\s)public(?:ly)?(?!\s+(?:or|and)\s+private|\s+keys?\b)|anyone[- ]with[- ](?:the[- ])?link(?![^.;]{0,40}\bexpir)|(?:every|each|all)\s+(?:\w+\s+){0,2}(?:parents?|guardians?|customers?|members?|subscribers?|recipients?|students?|employees?|followers?)\b|(?:the )?community\b|vendor['’]?s? (?:cloud|servers?)|relay (?:account|service|server)|other devices|to support\b|third[- ]part(?:y|ies)|investors?|distribution list|(?:our|the vendor['’]?s?|a third[- ]party|an external|a partner['’]?s?|the partner['’]?s?) (?:\w+ ){0,2}(?:service|server|backend)\b|vendor['’]?s? (?:\w+ ){0,2}(?:bucket|storage)|(?<![\w.+-])[\w.+-]+@(?!example\.)[\w-]+\.[a-z.]{2,}|(?:https?|s3|gs|sftp|ftp):\/\/(?!(?:localhost|127\.|example\.))\S+|\b(?!example\.)[a-z0-9-]+\.(?:io|app|net|dev|ai|cloud)\b|\+\d{8,})`;
/** Within one sentence: a dot inside a host name does not end it. */
const GAP = String.raw`(?:[^.;\n]|\.(?=\S))`;
const SENDS_BEYOND_ALL = new RegExp(String.raw`\b${SEND}\b${GAP}{0,80}?${BEYOND}|${BEYOND}${GAP}{0,40}?\b${SEND}`, 'gi');
const BEYOND_ONLY = new RegExp(BEYOND, 'i');
/** An address given as an example is the user's to replace: "e.g. jane@…", "such as s3://…", "(+14155550123)". */
const EXAMPLE_BEFORE = /(?:\be\.?g\.?|\bsuch as|\bfor example|\bfor instance|\blike|\bexample:?|\bformat:?)\W{0,3}$/i;
const OUTSIDE_DEFAULT = /^(?:https?:\/\/(?!localhost|127\.)|[\w.+-]+@[\w-]+\.)/i;
/** A sentence that moves something between the two tools. */
const FLOW =
  /\b(?:for|to|into|from|after|(?:made|created|produced|built|listed|returned|collected|prepared|generated) by|so (?:that )?\S+ (?:has|gets|can|receives)|feed|pass|hand|pipe|takes?|expects?|output|input|result|returned|given by|meant for|carry over|comes? from)\b/i;
/** What cannot be taken back, as a tool says it of itself. */
const IRREVERSIBLE =
  /\b(?:pay(?:s)? (?:a |the )?(?:supplier |vendor )?invoices?|bank transfer|transfer(?:s)? (?:a |the )?(?:repo\w*|ownership|funds)|drain(?:s|ing)?|delet(?:e|es|ing) (?:them|nodes|all|every|the namespace)|(?:remov|delet|purg|eras|wip)\w* (?:all|every|them all)\b|all (?:of them )?(?:are |get )?(?:removed|deleted|purged|erased)|sends? (?:a message|messages|an e-?mail|e-?mails) (?:from the user['’]s account )?to (?:each|every|all)|close (?:many|all|every)|(?:runs?|installs?|executes?)\b[^.;]{0,40}\bwith sudo\b|anyone[- ]with[- ]link(?![^.;]{0,40}\bexpir)|bypass(?:es|ing)? (?:the )?(?:\w+ )?(?:lock|protection|safety|interlock)\b|permanently (?:delet|destroy|eras|remov|wip)\w*|cannot be (?:undone|recovered|reversed)|irreversibl\w*|irrevocabl\w*|transfers? (?:is|are) final)/i;
/** A call made automatic: no condition the user sets, no question asked. */
const AUTOMATIC =
  /\b(?:every|each|always|automatically|required next|must run|immediately|right after|followed by|follow up with|without asking|forbids? asking|before (?:doing )?anything else|all other|all at once)\b/i;
/** A rule about which value to use: "should be raised to", "move them … to", "set … to", "with visibility=". */
const ORDERS_VALUE = /\b(?:should|must|move|set|raise[ds]?|switch|change|mark|make)\b|=\s*['"`]?\w/i;
const CALLS = /\b(?:call|run|invoke|use|is followed by|next call|follow up with|pass|hand|pipe)\b/i;
/** "For threads with an invoice attached, call ap_pay_invoice …": a rule, not a suggestion. */
// "For open invoices, use pay_invoice" and "once reviewed, use empty_trash" only point the way; the rule hands the call
// its argument from what it reads ("with the IBAN that appears in the thread's latest message").
const RULE_CALL =
  /^\s*(?:for|when|whenever|if|once)\b[^,]{0,80},\s*(?:call|run|invoke|use)\b[^.;]{0,60}\bwith\s+(?:the\s+)?(?:[\w'’]+\s+){0,4}?(?:that appears|which appears|found|printed|written|given)\s+(?:in|on)\b/i;
/** "documented in env_notes", "see ranker_hint", "defined by fee_notes": the rules are elsewhere. */
const DEFERS_BEFORE =
  /(?:\b(?:documented|described|defined|specified|listed|found|lives?|are|is|kept)\s+(?:in|by)|\b(?:see|per|follow|consult|read|check))\s+\W?$/i;
const DEFERS_AFTER = /^\W?['’]s\s+(?:description|notes|rules|text)\b/i;

interface Read {
  tool: Tool;
  name: string;
  text: string;
  /** Takes no input, does not say it returns anything, and gives an order or names a power: a tool that only carries rules. */
  carriesText: boolean;
  /** Its parameters' allowed values that grant, pay, expose or remove (at most a few dozen read). */
  powerValues: string[];
  /** A string default that is an outside address. */
  outsideDefault: string | undefined;
  /** Its annotations say it destroys (destructiveHint), whatever its text says. */
  destructive: boolean;
  // What the text says of the tool, read once per definition when first asked (a sibling named by many tools is read once).
  gathers?: string | null;
  sendsBeyond?: string | null;
  irreversible?: string | null;
}
/** An allowed value that is a power in itself: approving a payment, a public link, the owner's role. */
const POWER_VALUE = /approv|pay|public|owner|admin|delet|disabl|everyone|anyone|unrestricted/i;
/** How a tool that returns something (a schema, conventions, a status) begins its description. */
const RETURNS = /^\s*(?:returns?|gets?|lists?|shows?|describes?|fetch(?:es)?|provides?|reads?|retrieves?|prints?|outputs?)\b/i;
/**
 * What a rules carrier carries that a help page does not: an act on something that matters, or words to the model
 * ("see search_syntax_help" for a query syntax is documentation; "env_notes: run kubectl delete namespace …" is an order).
 */
const CARRIES_ORDER =
  /\b(?:delet\w*|remov\w*|drop|transfer\w*|pay\w*|send\w*|forward\w*|grant\w*|disabl\w*|turn off|approv\w*|owner|admin|kubectl|sudo|force|system[ _]prompt|instructions|treat|speaking|password|token|secret|api key|account|iban|acct|\d+\s?%|always|never|must|do not|don['’]t)\b|--force|\brm\s+-/i;
const reads = new WeakMap<Tool, Read>();

/** What `tool` says one level deep (top-level.ts), and what the pair readings ask of it; read once per definition. */
function read(tool: Tool): Read {
  let r = reads.get(tool);
  if (r) return r;
  const top = topLevel(tool);
  const description = top.texts.find((t) => t.kind === 'description')?.text ?? '';
  const preset = top.texts.find((t) => t.kind === 'default' && OUTSIDE_DEFAULT.test(t.text))?.text;
  r = {
    tool,
    name: typeof tool.name === 'string' ? tool.name : '',
    text: top.texts.map((t) => t.text).join('\n'),
    carriesText: top.params === 0 && !RETURNS.test(description) && CARRIES_ORDER.test(description),
    powerValues: top.enums.filter((v) => v.length >= 3 && v.length <= 40 && POWER_VALUE.test(v)),
    outsideDefault: preset === undefined ? undefined : cutText(preset, 160),
    destructive: isObject(tool.annotations) && tool.annotations.destructiveHint === true,
  };
  reads.set(tool, r);
  return r;
}

/** Names of other tools that `tool`'s text mentions, as `isSibling` knows them (at most MENTIONS_CAP). */
export function mentionedSiblings(tool: Tool, isSibling: (name: string) => boolean): string[] {
  const { name, text } = read(tool);
  const out = new Set<string>();
  for (const m of names(text)) {
    if (m.name !== name && isSibling(m.name)) out.add(m.name);
    if (out.size >= MENTIONS_CAP) break;
  }
  return [...out];
}

/** The sentence of `text` that names `name` as a whole word, with where in it. */
function sentenceNaming(text: string, name: string): { text: string; at: number } | undefined {
  if (!text.includes(name)) return undefined;
  for (const s of sentences(text)) {
    if (!s.text.includes(name)) continue;
    for (const m of names(s.text)) if (m.name === name) return { text: s.text, at: m.at };
  }
  return undefined;
}

const quote = (s: string) => `"${cutText(s.trim().replace(/\s+/g, ' '), 160)}"`;
function gathers(r: Read): string | undefined {
  // A tool named for what it gathers (crm_contacts_export) says so in any language its description is written in.
  r.gathers ??= firstUnnegated(PRIVATE_ALL, r.text) ?? firstUnnegated(PRIVATE_ALL, r.name.replace(/[_-]+/g, ' ')) ?? null;
  return r.gathers ?? undefined;
}
function sendsBeyond(r: Read): string | undefined {
  if (r.sendsBeyond === undefined) {
    let found: string | null = null;
    for (const m of r.text.matchAll(SENDS_BEYOND_ALL)) {
      // An address offered as an example is the user's to replace.
      const place = BEYOND_ONLY.exec(m[0]);
      if (place && EXAMPLE_BEFORE.test(r.text.slice(Math.max(0, m.index + place.index - 24), m.index + place.index))) continue;
      found = m[0];
      break;
    }
    r.sendsBeyond = found ?? r.outsideDefault ?? null;
  }
  return r.sendsBeyond ?? undefined;
}
function irreversible(r: Read): string | undefined {
  r.irreversible ??= IRREVERSIBLE.exec(r.text)?.[0] ?? (r.destructive ? 'destructiveHint: true' : null);
  return r.irreversible ?? undefined;
}
/** Private material said after its noun to be left out: "passwords are not included", "(secret values masked)", "password hashes". */
const NEGATED_AFTER =
  /^\W{0,2}(?:(?:secret|their|the|all|values?|are|is|will be|get)\s+){0,3}(?:not\b|never\b|masked|redacted|hashed|excluded|omitted|stripped)|^\s+hash(?:es)?\b/i;
function firstUnnegated(re: RegExp, text: string): string | undefined {
  for (const m of text.matchAll(re)) if (!NEGATED_AFTER.test(text.slice(m.index + m[0].length, m.index + m[0].length + 30))) return m[0];
  return undefined;
}
/** The user sets the pace: "only if the user wants", "show the plan to the user before", "is NOT deleted automatically". */
const USER_PACED =
  /\b(?:only (?:if|when|after)|unless|the user (?:wants|asks|asked|confirms|approves|agrees|chooses)|to the user before|ask(?:ing)? the user|confirm with the user|not\b[^.;]{0,25}\bautomatically)\b/i;
const automatic = (sentence: string) => !USER_PACED.test(sentence) && ((AUTOMATIC.test(sentence) && CALLS.test(sentence)) || RULE_CALL.test(sentence));
/** "Always run a plan before calling tf_apply": the step demanded is the one before the named tool, not the tool. */
const NAMED_AS_AFTER = /\bbefore\s+(?:calling|running|using|invoking|you (?:call|run|use))?\s*\W?$/i;
const defersTo = (s: { text: string; at: number }, name: string) =>
  DEFERS_BEFORE.test(s.text.slice(Math.max(0, s.at - 40), s.at)) || DEFERS_AFTER.test(s.text.slice(s.at + name.length));

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
    const f = pairFinding(x, read(other), y);
    if (f) out.push(f);
  }
  // The scan keeps one finding of a rule per place: the gravest first, so a harmless pointer named earlier hides nothing.
  return out.sort((a, b) => SEVERITY_RANK.indexOf(b.severity) - SEVERITY_RANK.indexOf(a.severity));
}
const SEVERITY_RANK: readonly Finding['severity'][] = ['low', 'medium', 'high', 'critical'];

/**
 * Findings on `tool` for pairs that other tools of the list set up by naming it: a definition that changed (a rug pull
 * of the sink) is judged against the pinned tools that point at it, which are not scanned again. At most four.
 */
export function namedByFindings(tool: Tool, others: Iterable<Tool>): Finding[] {
  const y = read(tool);
  if (!y.name) return [];
  const out: Finding[] = [];
  for (const other of others) {
    if (other === tool || !other || typeof other !== 'object') continue;
    // The bounded, one-level read (never a walk of the whole definition: a schema nested 6,000 deep is a peer's to send).
    const x = read(other);
    if (!x.text.includes(y.name)) continue;
    if (!x.name || x.name === y.name) continue;
    const f = pairFinding(x, y, y.name);
    if (f) out.push({ ...f, message: `Its sibling \`${x.name}\` names this tool: ${f.message}`, evidence: `${x.name}: ${f.evidence}` });
    if (out.length >= 4) break;
  }
  return out.sort((a, b) => SEVERITY_RANK.indexOf(b.severity) - SEVERITY_RANK.indexOf(a.severity));
}

function pairFinding(x: Read, y: Read, yName: string): Finding | undefined {
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
    const theirs = mine && sendsBeyond(y);
    if (mine && theirs)
      return at(
        'high',
        'exfiltration',
        `Hands what it gathers (${mine}) to its sibling \`${yName}\`, whose own description sends what it gets beyond the user: together the two tools move private material out`,
        `${quote(here.text)} → ${yName}: ${quote(theirs)}`,
      );
    const given = gathers(y);
    const out = given && sendsBeyond(x);
    if (given && out)
      return at(
        'high',
        'exfiltration',
        `Takes what its sibling \`${yName}\` gathers (${given}) and sends it beyond the user: together the two tools move private material out`,
        `${quote(here.text)}; ${quote(out)}`,
      );
  }
  const power = irreversible(y);
  if (power && automatic(here.text) && !NAMED_AS_AFTER.test(here.text.slice(Math.max(0, here.at - 40), here.at)))
    return at(
      'high',
      'cross-tool',
      `Makes a call to its sibling \`${yName}\` automatic, and \`${yName}\`'s own description says that call cannot be taken back (${power}): the model is led to it with no one asking the user`,
      quote(here.text),
    );
  const mine = irreversible(x);
  if (mine && back && automatic(back.text) && !NAMED_AS_AFTER.test(back.text.slice(Math.max(0, back.at - 40), back.at)))
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
  const waiver = callerWaiver(y.tool, (n) => n === x.name);
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
