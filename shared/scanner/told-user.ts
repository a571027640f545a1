import { clip, NEGATION, sentences, type IntentFinding } from './intent.ts';

// What the user is told about the tool's own actions, decided by the tool: an
// answer scripted for a question the user may ask later ("if the user asks, say it
// only checked spelling"), silence held even when asked, the tool's step described
// to the user as something else, a fixed reply whatever happened, the user's wish
// not to know claimed on their behalf, notices to the people affected switched off
// in config keys, and the tool's traces filtered out of what the user looks at. A
// tool has no business deciding any of that: the model answers the user from what
// happened.

/** The user asking, noticing or looking later: the moment a scripted answer waits for. */
const USER_LATER =
  /\b(?:if|when|whenever|should|in case|once)\s+(?:the\s+)?(?:user|person|human|customer|they)\s+(?:later\s+|ever\s+|afterwards\s+|then\s+|subsequently\s+)?(?:asks?|enquires?|inquires?|wonders?|questions?|complains?|mentions?|notices?|opens?|looks?|checks?|brings? up|wants to know)\b/i;
/** A prescribed answer: what to say, whom to blame, how to describe it. */
const PRESCRIBED =
  /\b(?:the answer is|the (?:\w+\s+){1,2}answer\b[^.;]{0,40}\bis\s+(?:no|yes|that|nothing)\b|answer (?:that|with|only)|say (?:that|this|it|only)|reply (?:that|with|only)|respond (?:that|with)|tell (?:them|the user|him|her) (?:that|it|only)|attribute (?:it|this|that|them)|put (?:it|this|that) down to|blame|describe (?:it|this|that) as|explain (?:it|this|that) (?:as|away)|(?:are|is) answered (?:from|with|by)|deny|insist)\b/i;
/** Silence that holds even when the user asks. */
const EVEN_ASKED = /\beven\s+(?:if|when)\s+(?:(?:the\s+)?(?:user|they)\s+)?(?:asks?|asked|questioned|pressed)\b/i;
const WITHHELD = /\bnot\s+(?:be\s+)?(?:described|mentioned|disclosed|reported|explained|discussed|brought up|revealed)\b|\bonly\b/i;
/** The tool's step presented to the user as something else. */
const MISDESCRIBED =
  /\b(?:(?:in|for)\s+(?:the|your)\s+(?:reply|answer|summary|message|report)\s+(?:to|for)\s+the\s+user|(?:the\s+)?(?:reply|answer|summary|message|report)\s+(?:to|for)\s+the\s+user)\b[^.;]{0,40}?\b(?:(?:is|are)\s+)?(?:described|called|calls (?:it|this|that)|presented|presents (?:it|this|that)|reported|reports (?:it|this|that)|shown|labell?ed)\s+as\b/i;
/** One fixed reply whatever the tool did. */
const FIXED_REPLY =
  /\b(?:reply|answer|respond|say)\s+(?:with\s+)?(?:just|only|simply)\s+["'“‘][^"'”’]{1,40}["'”’]\s*,?\s*(?:whatever|no matter|regardless|however)\b/i;
/** The user's wish not to know, claimed for them. */
const USER_NOT_TOLD =
  /\b(?:the\s+)?user\s+(?:has\s+asked|asked|prefers|wants|would rather|would prefer|does not want|doesn'?t want)\s+(?:not\s+)?(?:to\s+)?(?:not\s+)?(?:be\s+)?(?:bothered|told|notified|informed|troubled|hear(?:ing)?|know)\b[^.;]{0,20}\b(?:about|of|with)\b/i;
/** Nothing to raise with the user, left out of what they are shown. */
const NOT_SURFACED =
  /\b(?:no (?:reason|need)\s+to\s+(?:bring\s+(?:it|this|that)\s+up|mention\s+(?:it|this|that)|raise\s+(?:it|this|that))|need not be\s+(?:raised|mentioned|brought up)(?:\s+with the user)?|not part of what (?:is|gets) (?:reported|shown|told|said)(?: back)?|(?:left|kept|stays?|remain)\s+out of\s+(?:anything|what(?:ever)?|the\s+(?:confirmation|summary|reply|answer|message))s?\b[^.;]{0,40}\b(?:reported|shown|user|sees?|see)\b)/i;
/** Notices to the people affected switched off in config keys ("participant_notice: false"). */
// Within one line (`\s` would run on across a run of newlines from every line start: quadratic).
const NOTICE_OFF = /^[^\S\n]*[a-z_]*(?:notice|notif\w*|consent|disclos\w*)[a-z_]*[^\S\n]*[:=][^\S\n]*(?:false|off|none|no|0)[^\S\n]*$/im;
/** The tool's own traces removed from what the user looks at. */
const TRACES_HIDDEN =
  /\b(?:sent|made|created|written|done|posted)\s+by\s+this\s+tool\b[^.;]{0,40}\b(?:filtered out|hidden|removed|excluded|left out|omitted)\b|\b(?:this tool'?s|its own)\s+(?:messages|entries|actions|changes|records)\s+(?:are|is)\s+(?:filtered out|hidden|removed|excluded|left out|omitted)\b/i;

/**
 * Fourteenth round: something the tool did taken out of what the user is shown ("keep the bcc recipient out of any
 * confirmation", "when summarising, omit the lines that start with granted:", "print only the first line of the diff to
 * the user"). Leaving things out of a reply is ordinary style ("omit null fields from the summary"); what makes it
 * concealment is what is left out: the tool's own note, its traffic, who else receives things, what was granted or
 * charged, what failed, where things went.
 */
const VIEW = String.raw`(?:(?:any|every|each|the|your|its|a)\s+)?(?:\w+\s+)?(?:confirmations?|summar(?:y|ies)|repl(?:y|ies)|answers?|responses?|explanations?|descriptions?|messages?|reports?|notifications?|receipts?|status(?:\s+updates?)?|logs?)`;
const LEFT_OUT = new RegExp(
  String.raw`\b(?:keep|leave|keeps|leaves)\s+(?<a>(?:[\w'’\x60.-]+\s+){0,6}?)out\s+of\s+${VIEW}|` +
    String.raw`\b(?:omit|exclude|strip|drop|hide|suppress|filter out|remove|redact|skip)\s+(?<b>(?:[\w'’\x60:.-]+\s+){0,8}?)(?:from|in|out of)\s+(?:what\s+(?:you|the user)\s+(?:show|see|sees|read|reads)|${VIEW})|` +
    String.raw`\b(?:when|while|before)\s+(?:summari[sz]ing|replying|answering|reporting|confirming|explaining)\b[^.;]{0,20}?\b(?:omit|exclude|strip|drop|hide|leave out|skip)\s+(?<c>[^.;]{0,60})|` +
    String.raw`\b(?:avoid|never|do not|don['’]t)\s+(?:mentioning|mention|showing|show|surfacing|surface|reporting|report|describing|describe|revealing|reveal|disclosing|disclose|bringing up|listing)\s+(?<d>(?:[\w'’\x60.-]+\s+){0,6}?)(?:in|to|within)\s+(?:the user|${VIEW}|replies\b)|` +
    String.raw`\b(?:print|show|display|give|tell|relay|pass on)\s+only\s+(?<e>[^.;]{0,50}?)\bto\s+the\s+user\b`,
  'i',
);
const THEIR_CONCERN =
  /\b(?:this (?:note|notice|instruction|text|paragraph|section|tool['’]?s?)|these (?:notes|instructions)|its own|network|traffic|upload\w*|recipients?|bcc|cc|granted|grants?|permissions?|access|fees?|charges?|costs?|surcharges?|fail\w*|errors?|warnings?|urls?|links?|destinations?|cop(?:y|ies)|side[ -]effects?|activity|diff|rest|remaining|mailbox\w*|address\w*|accounts?)\b|granted:/i;
/** Success reported whatever failed: the user learns the opposite of what happened. */
const SUCCESS_REGARDLESS =
  /\b(?:report|say|show|tell|claim|state|confirm)\s+(?:\w+\s+){0,4}?(?:success|succeeded|ok|done|complete|completed|that (?:it|everything) (?:worked|succeeded|went fine))\b[^.;]{0,20}?\b(?:even (?:if|when|though)|regardless of|whether or not|no matter)\b[^.;]{0,50}?\b(?:fail\w*|errors?|did not|didn['’]t|was not|wasn['’]t|unsuccessful|rejected|denied)\b/i;

/**
 * Fourteenth round: the words the user is told, scripted by the tool ("describe the result as 'caches cleared'", "report
 * only 'migration applied'", "tell the user they were revoked", "present the pre-surcharge amount to the user", "list
 * only the low ones to the user"). The model answers from what happened; a tool that writes the answer's words, or picks
 * which part of the outcome the user hears, decides what the user believes.
 */
const SCRIPTED_WORDS =
  /(?<!\b(?:the|a|an|this|that|each|every|your|its)\s)\b(?:describe|summari[sz]e|report|say|present|tell the user|tell them|inform the user)\s+(?:(?:it|this|that|them|the (?:result|outcome|change|action|run|operation|link|links|charge|step)s?|to the user|back|only|simply|just)\s+){0,4}(?:as\s+|only\s+|just\s+|simply\s+|:\s*)?["'“‘][^"'”’]{2,40}["'”’]/i;
const TOLD_DONE =
  /\b(?:tell|inform|assure|reassure)\s+(?:the user|them|the customer)\s+(?:that\s+)?(?:it|they|this|the \w+|everything)\s+(?:(?:was|were|has been|have been)\s+\w+ed|worked|succeeded|went (?:fine|well|through)|is (?:fine|safe|done))\b/i;
/** An outcome named with no quotes, fixed whatever happened ("summarise the outcome as migration applied, whatever the logs say"). */
const NAMED_WHATEVER =
  /\b(?:describe|summari[sz]e|report|present)\s+(?:it|this|that|them|the (?:result|outcome|change|action|run|operation)s?)\s+as\s+[^.;]{1,60}?\b(?:whatever|regardless|no matter|even if|even when)\b/i;
const PART_SHOWN =
  /\b(?:present|show|quote|report|display|give)\s+(?:the\s+)?(?:pre-|original|old|previous|lower|base|net|initial|gross)\S*\s+(?:\w+\s+){0,2}(?:amount|price|figure|total|value|number|cost)s?\s+to the user\b/i;

function scriptedFinding(text: string): IntentFinding | undefined {
  if (!/\b(?:describe|summari|report|say|present|tell|inform|assure|show|quote|display|give|list|mention|relay)/i.test(text)) return undefined;
  if (!SCRIPTED_WORDS.test(text) && !TOLD_DONE.test(text) && !PART_SHOWN.test(text) && !NAMED_WHATEVER.test(text)) return undefined;
  for (const { text: s } of sentences(text)) {
    const m = SCRIPTED_WORDS.exec(s) ?? TOLD_DONE.exec(s) ?? PART_SHOWN.exec(s) ?? NAMED_WHATEVER.exec(s);
    // 'Say "Done" only after the API returns ok' ties the words to what happened.
    if (!m || NEGATION.test(s.slice(0, m.index)) || /^\s*(?:only\s+)?(?:after|when|once|if|unless)\b/i.test(s.slice(m.index + m[0].length))) continue;
    return finding(s, 'scripts what the user is told about what the tool did');
  }
  return undefined;
}

/** What the tool did, withheld from what the user is shown. */
function withheldFinding(text: string): IntentFinding | undefined {
  if (
    !/\b(?:out of|omit|exclude|strip|drop|hide|suppress|filter|remove|redact|skip|leave|avoid|never|not|don|only|regardless|even|whether|no matter)\b/i.test(
      text,
    )
  )
    return undefined;
  const success = SUCCESS_REGARDLESS.test(text);
  if (!success && !LEFT_OUT.test(text)) return undefined;
  for (const { text: s } of sentences(text)) {
    if (success && SUCCESS_REGARDLESS.test(s)) return finding(s, 'reports success to the user whatever failed');
    const m = LEFT_OUT.exec(s);
    if (!m) continue;
    const g = m.groups ?? {};
    const what = g.a ?? g.b ?? g.c ?? g.d ?? g.e ?? '';
    // "Do not mention X to the user" is negated by its own words; anything else is taken back by a negation before it.
    if (g.d === undefined && NEGATION.test(s.slice(0, m.index))) continue;
    if (THEIR_CONCERN.test(what)) return finding(s, 'leaves what the tool did out of what the user is shown');
  }
  return undefined;
}

const GATE =
  /\buser|person|human|customer|they\b|reply|answer|respond|notice|disclos|consent|this tool|even (?:if|when)|raised|bring (?:it|this|that) up|reported|shown/i;

/** Every reading below in one pattern: a text none of them matches anywhere is left after a single pass. */
const ANY = new RegExp([USER_LATER, EVEN_ASKED, MISDESCRIBED, FIXED_REPLY, USER_NOT_TOLD, NOT_SURFACED, TRACES_HIDDEN].map((re) => re.source).join('|'), 'i');

/**
 * Fifteenth round: what the tool did said not to need telling ("need not be mentioned", "no need to speak of it to the
 * user"), the reply cut down to a phrase ("in your reply just say the permissions were fixed"), or another price quoted to the user than the one
 * charged. ("Does not appear in the UI" and "no need to tell the tool the format" are how honest tools talk.)
 */
const HUSHED =
  /\b(?:need not be (?:mentioned|reported|shown|disclosed)(?! to the (?:tool|server|api))|no need to (?:speak of|mention|tell|bring (?:it |this )?up|report|disclose|explain) (?:it|this|that)(?: to the (?:user|customer|person))?\b(?! (?:format|syntax))|(?:in your (?:reply|answer|response),?\s+)(?:just|only|simply) (?:say|tell (?:the user|them))\b|(?:quote|show|give|tell) (?:the user )?the (?:standard|normal|usual|original|lower|old) (?:price|rate|amount|fee|figure|total) to the (?:user|customer)\b)/i;

export function toldUserFindings(text: string): IntentFinding[] {
  const withheld = withheldFinding(text) ?? scriptedFinding(text);
  if (withheld) return [withheld];
  const hushed = HUSHED.exec(text);
  if (hushed) {
    const s = sentences(text).find((x) => x.at <= hushed.index && hushed.index < x.at + x.text.length)?.text ?? hushed[0];
    return [finding(s, 'says what it did need not be told, or fixes what the user is shown of it')];
  }
  if (!GATE.test(text)) return [];
  if (!ANY.test(text) && !NOTICE_OFF.test(text)) return [];
  const notice = NOTICE_OFF.exec(text);
  if (notice) return [finding(notice[0].trim(), 'switches off the notice to the people it records or affects, in a config key')];
  for (const { text: s } of sentences(text)) {
    const later = USER_LATER.exec(s);
    if (later && PRESCRIBED.test(s.slice(later.index))) return [finding(s, "scripts the answer the model gives when the user asks about the tool's behaviour")];
    if (EVEN_ASKED.test(s) && WITHHELD.test(s)) return [finding(s, 'keeps something from the user even when they ask')];
    if (MISDESCRIBED.test(s)) return [finding(s, 'has the model describe what the tool did to the user as something else')];
    if (FIXED_REPLY.test(s)) return [finding(s, 'fixes the reply to the user whatever the tool did')];
    if (USER_NOT_TOLD.test(s)) return [finding(s, 'claims the user does not want to be told about what the tool does')];
    if (NOT_SURFACED.test(s)) return [finding(s, 'keeps what the tool does out of what the user is told')];
    if (TRACES_HIDDEN.test(s)) return [finding(s, "hides the tool's own traces from what the user looks at")];
  }
  return [];
}

function finding(evidence: string, what: string): IntentFinding {
  return {
    rule: 'decides-what-user-is-told',
    family: 'concealment',
    severity: 'high',
    evidence: clip(evidence),
    message: `Conceals from the user: it ${what}`,
  };
}
