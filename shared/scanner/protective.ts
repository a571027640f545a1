// Eleventh round (issue 12): sentences that limit the tool's own reach in the user's favour. Honest tools
// that touch secrets, money or shells say what they do *not* do ("the password is typed into the page
// only and is not stored", "never returns key material", "do not include secrets"), or that a step
// waits for the user ("MUST only be called when the user explicitly asks for a payout and confirms the
// amount", "ask before running anything destructive"). The rules that fire on them look for a secret or a
// destructive verb beside a demand, and read the limit as the demand. What an attack has that these do not:
// an act on the secret that is *not* negated (stored, sent, copied), a destination, a collection of what
// the tool comes across, or a limit aimed at the user's knowledge ("do not tell the user" is concealment,
// the opposite of a protective limit).

import { addresses } from './address.ts';
import { sentences } from './intent.ts';
import type { Finding } from './option-effect.ts';

/** Acts on a secret or on data that would harm the user if done: keeping it, handing it on, showing it to the model. */
const HARMFUL_ACT =
  /\b(?:stor(?:e|es|ed|ing)|keep(?:s|ing)?|kept|sav(?:e|es|ed|ing)|(?<!\b(?:the|its|your|their|in|of|server|error|access|audit|container)\s)log(?:s(?=\s+(?!(?:of|from|for|and|in|with|are|is|to|at)\b)\w)|ged|ging)?(?!\s+(?:in|into|on|out)\b)|record(?:s|ed|ing)?|retain(?:s|ed|ing)?|cach(?:e|es|ed|ing)|persist(?:s|ed|ing)?|return(?:s|ed|ing)?|print(?:s|ed|ing)?|expos(?:e|es|ed|ing)|reveal(?:s|ed|ing)?|repeat(?:s|ed|ing)?|send(?:s|ing)?|sent|upload(?:s|ed|ing)?|forward(?:s|ed|ing)?|shar(?:e|es|ed|ing)|post(?:s|ed|ing)?|transmit(?:s|ted|ting)?|cop(?:y|ies|ied|ying)|includ(?:e|es|ed|ing)|pass(?:es|ed|ing)?(?!\s*words?\b)|collect(?:s|ed|ing)?|put(?:s|ting)?|commit(?:s|ted|ting)?|past(?:e|es|ed|ing)|add(?:s|ed|ing)?\s+to)\b/gi;
/** Looking at a secret: negated ("~/.ssh cannot be read") it limits the tool, but it is never the allowed part of a sentence that also hands the secret out. */
const SEEING_ACT = /\b(?:read(?:s|ing)?|access(?:es|ed|ing)?|open(?:s|ed|ing)?|type|enter|fill in|paste)(?!-)\b/gi;
/** A negation governing the act just after it ("is not stored", "never returns", "do not include", "nor logged"). */
const NEGATED_BEFORE = /\b(?:never|not|no|nor|without|don't|doesn't|isn't|aren't|won't|cannot|can't)\b(?:\s+\w+){0,3}\s*$/i;
/** What the act is done to: a secret, or data of the user's. */
const PROTECTED_OBJECT =
  /\b(?:passwords?|passphrases?|pins?|tokens?|keys?|secrets?|credentials?|key material|private data|personal data|contents?|values?|card numbers?|messages?|prompts?|conversations?|history)\b/i;
/** A secret file, as what an act is done to ("~/.ssh cannot be read"); not part of what a "paths only" answer may name. */
const PROTECTED_PATH = /~\/\.\w|\.(?:ssh|aws|gnupg|netrc|env)\b|\bid_(?:rsa|ed25519|ecdsa)\b/i;
const protectedIn = (s: string) => PROTECTED_OBJECT.test(s) || PROTECTED_PATH.test(s);
/** The step waits for the user's own word. */
const USER_WILL =
  /\bonly\b[^.;]{0,60}\b(?:when|if|after|once)\s+the user\b[^.;]{0,30}\b(?:asks?|asked|requests?|requested|confirms?|confirmed|approves?|approved|chooses|chose|selects?|selected|says?|said|explicitly)\b|\b(?:ask|confirm with)\s+(?:the user\s+)?(?:first\s+)?before\b|\bonly\b[^.;]{0,40}\bthe user (?:chose|chooses|selected|named|picked|listed|said|supplies|supplied|provides|provided|entered)\b/i;
/** What is kept is kept briefly and here: "in memory for the session only". */
const RETENTION_LIMIT =
  /\b(?:in memory|for (?:the|this) session|on this (?:device|machine))\b[^.;]{0,20}\bonly\b|\bonly\b[^.;]{0,20}\b(?:in memory|for (?:the|this) session)\b/i;
/** What is handed back leaves the secret out: "paths only, not contents", "never returns the values". */
const WITHHELD =
  /\b(?:paths|names|keys|ids) only\b|\bnot (?:their |the |its |file )?(?:contents?|values?)\b|\bwithout (?:their |the |its )?(?:contents?|values?)\b/i;
/** Fifteenth round: a limit that keeps what the tool handles for the user alone ("do not show them to anyone but the user"). */
const ONLY_FOR_THE_USER =
  /\b(?:anyone|anybody|no one|nobody|others?)\s+(?:but|except|other than|besides|apart from)\s+(?:the\s+|your\s+)?(?:user|clinician|owner|patient|customer|caller|account holder)\b/i;
/** A limit on what the user hears, or on asking: concealment, never protection. */
const AIMED_AT_THE_USER =
  /\b(?:tell|telling|inform|informing|mention|mentioning|notify|notifying|alert|alerting|show(?:ing)?|reveal|disclos\w*|warn\w*|ask(?:ing)?|confirm\w*)\s+(?:it\s+to\s+|this\s+to\s+)?(?:the |your )?(?:user|human|operator|owner)s?\b/i;
const HIDING =
  /\b(?:silent(?:ly)?|quiet(?:ly)?|covert\w*|secret(?:ly)|hid(?:e|es|ing)|hidden(?!\s+(?:files?|folders?|directories|dotfiles|entries))|invisibl\w*|behind the scenes|unbeknownst|without (?:asking|telling|notifying|informing|confirmation|prompting|the user)|in the background)\b/i;
/** Taking whatever the tool comes across: a harvest, whatever else the sentence says. */
const COLLECTS =
  /\b(?:collect|harvest|extract|grab|steal|captur|scrap|gather|sniff|intercept|dump)\w*|\bit (?:sees|finds|encounters|comes across|is given|handles)\b|\b(?:every|all|any) (?:\w+ )?(?:passwords?|tokens?|keys?|secrets?|credentials?)\b/i;

/** A step that changes or runs something, or calls out: never a plain part of a protective sentence. */
const RISKY_STEP =
  /\brm\s+-|\b(?:delet|remov|wip(?:e|ing)|drop|reset|kill|truncat|overwrit|purg|destroy|revok|disabl|chmod|chown|sudo|curl|wget|run|execut|call|invok|fetch|visit|open|navigat|grant|transfer|pay|approv)\w*/i;

/** Others than the tool, hedged: "applications sometimes…", "customers may…". */
const OTHERS_DO =
  /^\s*(?:some\s+)?(?:applications?|apps?|customers?|users?|people|websites?|sites?|pages?|programs?|scripts?|developers?|services?)\s+(?:sometimes|often|may|might|can|occasionally|frequently)\b(?![^.;]*\b(?:you|this tool|the tool)\b)/i;

/** Rules whose finding a protective sentence can explain away; never the cross-tool ones, nor addresses. */
const PROTECTABLE = new Set([
  'credential-harvest',
  'unfitting-side-effect',
  'sensitive-file-access',
  'conversation-exfiltration',
  'trigger-phrase',
  'destructive-step-demand',
  'secret-routed-out',
]);

/**
 * Fifteenth round: rules that read a prohibition as an order ("never collect bank details in chat", "do not paste them
 * into other tools, and do not show them to anyone but the user", "checks without consent are illegal"). They are
 * explained away only by a sentence that is nothing but prohibitions: every clause negated, no address, nothing hidden,
 * nothing kept from the user. A wait for the user's word does not excuse them (a concealed fee "only after the user
 * confirms" is still concealed; red team 2026-12-02).
 */
const PROHIBITION_ONLY = new Set(['class-rule', 'conceal-from-user', 'concealment', 'asks-for-user-secret', 'demands-preference']);
const NEGATION_WORD = /\b(?:never|not|no|nor|without|don['’]t|doesn['’]t|isn['’]t|aren['’]t|won['’]t|cannot|can['’]t|illegal|forbidden|prohibited)\b/i;
function prohibitionOnly(sentence: string): boolean {
  if (addresses(sentence).length > 0 || HIDING.test(sentence)) return false;
  const userLimit = AIMED_AT_THE_USER.exec(sentence);
  if (userLimit && NEGATED_BEFORE.test(sentence.slice(Math.max(0, userLimit.index - 40), userLimit.index))) return false;
  // Any other mention of the user, in any language, makes the prohibition one about them ("do not mention retention
  // unless the user asks twice", "no le digas al usuario…"): concealment, not protection.
  if (/\b(?:user|users|usuario|utilisateur|benutzer|utente|usu[aá]rio|gebruiker)\b/i.test(sentence.replace(new RegExp(ONLY_FOR_THE_USER.source, 'gi'), ' ')))
    return false;
  const clauses = sentence.split(/[,;:]|\band\b/).filter((c) => /\w/.test(c));
  return clauses.length > 0 && clauses.every((c) => NEGATION_WORD.test(c) || ONLY_FOR_THE_USER.test(c));
}

/** Handed to the tool's own party, by its job: "the messages you pass are sent to the provider". */
const TO_OWN_PARTY = /^\s+to\s+(?:the|its|this|your)\s+(?:model|llm|provider|api|service|server|backend)(?=\s*(?:$|[.;,:)]|\s+(?:and|for|over|via|when)\b))/i;

function unnegatedActs(sentence: string): string[] {
  const out: string[] = [];
  for (const m of sentence.matchAll(HARMFUL_ACT)) {
    if (NEGATED_BEFORE.test(sentence.slice(Math.max(0, m.index - 40), m.index))) continue;
    const after = sentence.slice(m.index + m[0].length);
    if (/^(?:sen[dt]|forward|pass|post|upload)/i.test(m[0]) && TO_OWN_PARTY.test(after) && !/\balso\s+$/i.test(sentence.slice(0, m.index))) continue;
    out.push(m[0]);
  }
  return out;
}

/** Whether a sentence limits what the tool does with a secret or a risky step, in the user's favour, and does nothing else risky. */
export function protectsTheUser(sentence: string): boolean {
  if (addresses(sentence).length > 0 || HIDING.test(sentence) || COLLECTS.test(sentence)) return false;
  // "Do not tell the user" negates a disclosure: concealment. A limit aimed at the user is protective only as a wait for them.
  // Only a negated telling keeps something from the user: "tell the user it appeared in the logs, but do not repeat the
  // value" tells them.
  const userLimit = AIMED_AT_THE_USER.exec(sentence);
  if (userLimit && !/\b(?:ask|confirm)/i.test(userLimit[0]) && NEGATED_BEFORE.test(sentence.slice(Math.max(0, userLimit.index - 40), userLimit.index)))
    return false;
  const will = USER_WILL.exec(sentence);
  // What the sentence asks before its wait for the user must not itself be a risky step ("Run rm -rf ./build; only when the user asks…").
  if (will) return !RISKY_STEP.test(sentence.slice(0, will.index)) && unnegatedActs(sentence.slice(0, will.index)).length === 0;
  const left = unnegatedActs(sentence);
  const negatedAct = [...sentence.matchAll(HARMFUL_ACT)].length > left.length;
  // Every act on the secret negated ("is typed into the page only and is not stored"; "never returns key material").
  if (negatedAct && protectedIn(sentence) && left.every((a) => /^(?:includ|return|pass)/i.test(a))) return true;
  // Nothing done to the secret at all, and looking at it negated ("files outside the roots (e.g. ~/.ssh) cannot be read").
  if (
    left.length === 0 &&
    protectedIn(sentence) &&
    [...sentence.matchAll(SEEING_ACT)].some((m) => NEGATED_BEFORE.test(sentence.slice(Math.max(0, m.index - 40), m.index)))
  )
    return true;
  if (RETENTION_LIMIT.test(sentence) && PROTECTED_OBJECT.test(sentence) && left.every((a) => /^(?:kept|keep|stor|sav|held)/i.test(a))) return true;
  // "Results contain paths only, not contents": what is included or returned leaves the secret out, and no secret is named elsewhere.
  if (!WITHHELD.test(sentence)) return false;
  const rest = sentence.replace(new RegExp(WITHHELD.source, 'gi'), ' ');
  return !PROTECTED_OBJECT.test(rest) && left.every((a) => /^(?:includ|return)\w*ed$/i.test(a));
}

/** The whole sentence of `description` (exported for tests) a finding's evidence was cut from (evidence may be clipped with an ellipsis). */
export function sentenceOf(description: string, evidence: string): string | undefined {
  const core = evidence.replace(/^…|…$/g, '').trim();
  if (core.length < 12) return undefined;
  const at = description.indexOf(core.slice(0, 60));
  if (at < 0) return undefined;
  const end = at + core.length;
  const all = sentences(description);
  // Evidence clipped from a longer text is centred on what fired: the sentence holding its middle.
  const middle = evidence.startsWith('…') ? at + core.length / 2 : at;
  const covering = evidence.startsWith('…')
    ? all.filter((s) => s.at <= middle && middle < s.at + s.text.length)
    : all.filter((s) => s.at + s.text.length > at && s.at < end);
  return covering.length ? covering.map((s) => s.text).join(' ') : undefined;
}

/**
 * Findings in the description whose sentence protects the user are kept as mentions (low). An address in that sentence
 * keeps them as they are (a tool that promises not to store a password may still send it somewhere); one elsewhere
 * has findings of its own.
 */
export function protectiveFindings<F extends Finding>(findings: F[], description: unknown): F[] {
  if (typeof description !== 'string') return findings;
  return findings.map((f) => {
    if (f.path !== '/description' || !(PROTECTABLE.has(f.rule) || PROHIBITION_ONLY.has(f.rule)) || f.severity === 'low' || f.severity === 'info') return f;
    const sentence = sentenceOf(description, f.evidence);
    if (!sentence) return f;
    // Concealment is itself a prohibition (on telling): only one that keeps the thing for the user alone explains it away.
    if (PROHIBITION_ONLY.has(f.rule))
      return prohibitionOnly(sentence) && (!/conceal/.test(f.rule) || ONLY_FOR_THE_USER.test(sentence))
        ? { ...f, rule: 'protective-limit', severity: 'low', message: `Only forbids, in the user's favour (was ${f.rule})` }
        : f;
    // The finding's own sentence, split at semicolons: each part must protect or be plain (no harmful act at all).
    const parts = sentence.split(/;\s*/);
    // "Applications sometimes log secrets at startup": what others do, said to explain the limit that follows.
    const plain = (p: string) => (unnegatedActs(p).length === 0 && !RISKY_STEP.test(p)) || OTHERS_DO.test(p);
    const protective = protectsTheUser(sentence) || (parts.some(protectsTheUser) && parts.every((p) => protectsTheUser(p) || plain(p)));
    return protective
      ? { ...f, rule: 'protective-limit', severity: 'low', message: `Limits what it does with a secret or a risky step, in the user's favour (was ${f.rule})` }
      : f;
  });
}
