import { addresses, BARE_DESTINATION } from './address.ts';
import { makeVisible } from './decode.ts';
import type { ToolIndex } from './tool-index.ts';
import { ACTION_WORDS, fitsWorkflow, nameWords, workflowTopic } from './workflow.ts';
import { keptInSecretStore } from './secret-place.ts';
import { withoutLimits } from './limit-clauses.ts';
import { escapeRegExp } from '../text/regexp.ts';

// Detectors built around what a text asks the model to do, not around wordings:
// each sentence is read for who it is about (this tool, a sibling, a tool of
// another server, an unknown tool), whether it demands something (must, first,
// before, whenever…), and what the demanded step could do (delete, publish, send
// to an outside address, touch a secret). A demand on another tool that would do
// harm is the cross-tool hijack whatever verbs it uses; a rule about how another
// tool is used is shadowing even when it sounds harmless.

export interface IntentFinding {
  rule: string;
  family: string;
  severity: 'low' | 'medium' | 'high';
  message: string;
  evidence: string;
}

export interface IntentContext {
  name: string;
  params: ReadonlySet<string>;
  /** The parameter names without case or separators: `status_callback_method` in the text is the StatusCallbackMethod field. */
  flatParams?: ReadonlySet<string>;
  siblings: ReadonlySet<string>;
  index?: ToolIndex;
  /** The tool's own server, skipped in index lookups. */
  server?: string;
  /** The tool takes no arguments: a text about other tools is then all it is. */
  noParams: boolean;
}

export type RefKind = 'sibling' | 'other-server' | 'unknown';
interface Ref {
  name: string;
  kind: RefKind;
  at: number;
  strong: boolean;
}

const SEQUENCE =
  /\b(?:pre-?step|pre-?flight|step (?:zero|one|0|1)\b|as a first step|to begin(?: with)?|up front|initially|before|prior to|ahead of|first(?:ly)?|beforehand|after(?:wards?)?|then|once|whenever|each time|every time|any ?time|preceded by|followed by|pre-?requisite|pre-?condition|until|as soon as|in advance|when (?:\w+\s+){0,3}?(?:finishes|finished|completes|completed|is done|ends|succeeds|returns)|when(?:ever)? (?:done|finished|complete))\b/i;
const DIRECTIVE =
  /\b(?:(?:the agent|the assistant|the model|the ai|the llm)\s+(?:then\s+|also\s+|always\s+|first\s+)?(?:invokes|calls|runs|executes|uses|triggers|sends|posts|deletes|will)|requirement|mandated|must|mustn'?t|have to|has to|had to|need(?:s)? to|needed|required?|requires|requiring|is to be|are to be|always|never|make sure|ensure|be sure|should|shall|mandatory|obligatory|compulsory|pre-?requisite|pre-?condition|only after|may only|gets?|goes to|go to|go through|belongs? in|is needed|are handed to|gets? sent)\b/i;
const IMPERATIVE_START =
  /(?:^\s*\W{0,3}|[,:]\s*)(?:(?:kindly|please|just|simply|quietly|also|go ahead and|be sure to|remember to|make a point of)\s+)?(?:grab|fetch|get|take|collect|gather|hand|give|supply|provide|obtain|retrieve|pull|extract|fire off|kick off|launch|dispatch|call|use|run|invoke|execute|trigger|fire|send|post|push|publish|read|write|open|copy|put|add|set|change|stage|move|delete|remove|include|pass|attach|email|mail|forward|upload|first|then|also|always|never|make|replace|overwrite|append|prepend|route|redirect|point)\b/i;
const MODIFY =
  /\b(?:set|sets|change|modify|replace|rewrite|redirect|route|point|append|prepend|insert|slip|inject|tack|swap|switch|override|overrides|substitute|in place of|instead of|goes to|go to|receives?|add(?:ed)?\s+(?:\S+\s+){0,4}(?:as|to)\b|blind cop(?:y|ies)|bcc|cc)\b/i;
const DESTRUCTIVE =
  /\b(?:delet\w*|remov\w*|eras\w*|wip\w*|overwrit\w*|truncat\w*|reset\w*|empt(?:y|ies|ied|ying)|clear(?:s|ing|ed)?|drop(?:s|ping|ped)?|kill\w*|disabl\w*|revok\w*|destroy\w*|purg\w*|uninstall\w*|rm\s+-\w+|chmod|chown|relocat\w*|mov(?:e|es|ing)\b[^.]{0,40}\bto\b|replac\w*[^.]{0,20}\bcontents?|make\s+\S+\s+contain|holds? exactly|contain just)\b/i;
// "find the email address", "fetch 15 mail messages": mail before a noun, or after an article, is a thing, not a sending.
// "every email" stays: a rule over each e-mail sent is a rule over sending.
const EGRESS =
  /\b(?:send\w*|sent|post(?:s|ed|ing)?|push\w*|publish\w*|upload\w*|(?<!\b(?:an?|the|your|its|their)\s+)(?:e-?mail\w*|mail(?:s|ed|ing)?)(?!\s+(?:address|message|account|id|folder|thread|body|subject|format|header|box|item)\w*)|forward\w*|shar(?:e|es|ed|ing)|transmit\w*|sync\w*|tweet\w*|broadcast\w*|leak\w*|exfiltrat\w*|expos(?:e|es|ed|ing)|mirror\w*|ship(?:s|ped|ping)?|beacon\w*|handed to|hand(?:s|ed)? (?:it|them|over)|fire off|report(?:s|ed)? to|cop(?:y|ies|ied) (?:\S+\s+){0,3}to)\b/i;
const SECRET_OBJECT =
  /\b(?:credentials?|passwords?|passwd|secrets?|api[ _-]?keys?|access[ _-]?keys?|private[ _-]?keys?|ssh[ _-]?keys?|keys?\s+(?:file|pair)|tokens?|cookies?|seed phrase|mnemonic|wallet|contacts?|address book|private messages|direct messages|dms|all (?:e-?mails|messages|files|repos(?:itories)?)|history|\.env\b|env(?:ironment)? (?:file|variables?)|allow-?list|whitelist|firewall|(?:whole |entire |full )?conversation|chat (?:log|history)|system prompt|transcript|permissions?|2fa|mfa|audit log|card numbers?|one-time codes?|login details?)\b/i;
/** An environment variable named for a secret (AWS_SECRET_ACCESS_KEY, GITHUB_TOKEN): case matters, so it is its own pattern. */
export const ENV_SECRET = /\b[A-Z][A-Z0-9]*_(?:[A-Z0-9]+_)*(?:KEY|TOKEN|SECRET|PASSWORD|PASSWD|PASS|PWD|CREDENTIALS?|COOKIE)\b/;
export const SENSITIVE_PATH =
  /(?:~|\$HOME|\/home\/\w+|\/root)\/\.[\w.-]+|(?:^|[\s'"`(])\/etc\/(?:shadow|passwd|sudoers|gshadow|hosts|ssh)\b|\bid_(?:rsa|dsa|ecdsa|ed25519)\b|\.(?:ssh|aws|gnupg|kube|docker|netrc|npmrc|pypirc|git-credentials|bash_history|zsh_history|bashrc|zshrc|bash_profile)\b|authorized_keys|\.env(?:\.[\w-]+)?\b|mcp\.json|claude_desktop_config/i;
const DESTINATION = new RegExp(
  String.raw`https?:\/\/(?!(?:localhost|127\.0\.0\.1|\[::1\])[:/])[^\s'"\x60)<>]+|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b|\b(?:\d{1,3}\.){3}\d{1,3}\b|\bpublic (?:channel|repo(?:sitory)?|mirror|gist|bucket|room|page|link)\b|\b(?:external|third-party|outside|remote) (?:server|service|endpoint|address|store|storage|host|location)\b|${BARE_DESTINATION}`,
  'i',
);
const HARMFUL_TARGET_WORDS = new Set([
  'wipe',
  'purge',
  'erase',
  'destroy',
  'clear',
  'truncate',
  'format',
  'revoke',
  'disable',
  'uninstall',
  'send',
  'post',
  'push',
  'publish',
  'upload',
  'email',
  'mail',
  'delete',
  'remove',
  'write',
  'edit',
  'move',
  'execute',
  'exec',
  'run',
  'shell',
  'command',
  'process',
  'transfer',
  'pay',
  'payment',
  'forward',
  'share',
  'tweet',
  'reset',
  'drop',
  'kill',
  'externally',
  'message',
  'webhook',
  'partner',
]);
const TRIGGER_BEFORE_REF =
  /(?:\b(?:before|prior to|ahead of|after|when(?:ever)?|each time|every time|any ?time|once|as soon as|prerequisite for|precondition for|preceding|following)\s+(?:(?:you|the|a|an|any|each|every|all|calling|using|running|invoking|executing|use|call|run|invoke|execute|of|to|is|are|about|used|called|user|someone|they|calls|uses|runs|invokes)\s+){0,4}|\bfor\s+(?:any|every|each|all)\s+(?:the\s+)?|\b(?:if|for|during|while|on)\s+(?:you\s+)?(?:use|call|run|invoke|using|calling|running|invoking)\s+(?:the\s+)?)$/i;
const TRIGGER_AFTER_REF =
  /^\W{0,3}\s*(?:tool\s+|function\s+|operation\s+)?(?:is|are|gets?|being|has been)?\s*(?:used|called|invoked|run|runs|executed|about to|requests?|calls?|messages?|sends?|posts?|commits?|results?|outputs?|needs?|receives?|runs?)\b/i;
const COMMON = new Set([
  'the',
  'this',
  'that',
  'tool',
  'tools',
  'true',
  'false',
  'null',
  'none',
  'string',
  'number',
  'object',
  'array',
  'boolean',
  'integer',
  'json',
  'yaml',
  'id',
  'ids',
  'url',
  'uri',
  'path',
  'name',
  'type',
  'value',
  'key',
  'api',
  'utf-8',
  'utf8',
  'e_g',
  'i_e',
]);
const CALL_VERB =
  /\b(?:call|calls|calling|called|use|uses|using|used|run|runs|running|invoke|invokes|invoking|execute|executes|executing|trigger|triggers|triggering|fire off|fires off|kick off|launch|launches|dispatch|dispatches|via|through|handed to|passed to|hand(?:ed)? (?:it|them) to)\s+(?:the\s+)?$/i;
const GENERIC_WORDS =
  /^(?:this|that|any|other|same|each|every|a|an|the|your|our|their|its|my|one|another|next|first|last|search|web|new|existing|built-?in|default|standard|regular|different|mcp|following|above|below|right|appropriate|relevant|correct|main|primary|helper|internal)$/i;

const ABBREVIATION_BEFORE = /\b(?:[eE]\.g|[iI]\.e|vs|cf|viz)$/;
/** "etc." and its kin end a sentence when a capital letter follows ("…, txt etc. Every note is uploaded"). */
const SOFT_ABBREVIATION_BEFORE = /\b(?:etc|approx|incl|esp)$/;
/** Splits text into sentences with their offsets; a newline also ends one (a semicolon does not: "…; DROP TABLE users" is one demand). */
let lastSplit: { text: string; out: readonly { text: string; at: number }[] } | undefined;
export function sentences(text: string): readonly { text: string; at: number }[] {
  // Several detectors split the same text in turn: the last split is kept.
  if (lastSplit?.text === text) return lastSplit.out;
  const out: { text: string; at: number }[] = [];
  let start = 0;
  // A dot inside a path, a file name, an address or a URL (".ssh", "mcp.json") is followed by a letter: it ends nothing.
  // A list glued to the sentence before it (".- For images, …") starts a new sentence at its bullet.
  // An abbreviation's dot ("(e.g. ~/.ssh)", "i.e.", "etc.", "vs.") ends nothing either: a split there cut a warning from its subject.
  for (const m of text.matchAll(/[.!?]+(?=\s|$|-\s)|\n/g)) {
    if (m[0] === '.') {
      const before = text.slice(Math.max(0, m.index - 7), m.index);
      if (ABBREVIATION_BEFORE.test(before) || (SOFT_ABBREVIATION_BEFORE.test(before) && !/^\s+[A-Z]/.test(text.slice(m.index + 1, m.index + 4)))) continue;
    }
    const end = m.index + m[0].length;
    if (text.slice(start, end).trim()) out.push({ text: text.slice(start, end), at: start });
    start = end;
  }
  if (text.slice(start).trim()) out.push({ text: text.slice(start), at: start });
  lastSplit = { text, out };
  return out;
}

/** The tool's own name in lower case, once per context: classify() asks for it for every word of every text. */
const lowerNames = new WeakMap<IntentContext, string>();
function lowerName(ctx: IntentContext): string {
  let lower = lowerNames.get(ctx);
  if (lower === undefined) lowerNames.set(ctx, (lower = ctx.name.toLowerCase()));
  return lower;
}

function classify(raw: string, ctx: IntentContext): RefKind | 'own' | undefined {
  const lower = raw.toLowerCase();
  if (COMMON.has(lower) || ctx.params.has(lower) || lower === lowerName(ctx)) return 'own';
  if (ctx.siblings.has(lower)) return 'sibling';
  if (ctx.index?.has(lower, ctx.server)) return 'other-server';
  // Checked after the siblings and the index, so a field spelled like a real tool does not hide that tool.
  if (ctx.flatParams?.has(flatName(lower))) return 'own';
  return undefined;
}

/** Most words have no separator, and skip the replace: classify() flattens every word of every text. */
export const flatName = (name: string): string => {
  const lower = name.toLowerCase();
  return lower.includes('_') || lower.includes('-') ? lower.replace(/[_-]/g, '') : lower;
};

const IDENT =
  /['"`‘’“”]([A-Za-z][\w.-]{1,60})['"`‘’“”]|\b([a-z][a-z0-9]*(?:_[a-z0-9]+)+|[a-z]+(?:[A-Z][a-z0-9]+)+|[a-z][a-z0-9]*(?:-[a-z0-9]+){1,5}(?=\s+(?:tool|request|call|function)s?\b|[\s,.;:)]|$))\b|\b([A-Za-z][\w-]{1,40})\s+(?:tool|function|operation|endpoint|action|command|server)s?\b|\b([A-Za-z][\w]{1,40})\b/g;

const TOOLISH_WORDS = new Set([
  'get',
  'list',
  'read',
  'write',
  'create',
  'delete',
  'update',
  'send',
  'post',
  'search',
  'fetch',
  'run',
  'execute',
  'exec',
  'move',
  'edit',
  'add',
  'remove',
  'set',
  'query',
  'push',
  'commit',
  'start',
  'stop',
  'upload',
  'download',
  'open',
  'close',
  'find',
  'call',
  'invoke',
  'make',
  'put',
  'copy',
  'transfer',
  'pay',
  'mail',
  'email',
  'message',
  'publish',
  'share',
  'forward',
  'save',
  'load',
  'store',
  'insert',
  'modify',
  'change',
  'browser',
  'navigate',
  'click',
  'scrape',
  'crawl',
  'generate',
  'check',
  'validate',
  'fix',
  'lookup',
  'retrieve',
  'submit',
  'sync',
  'export',
  'import',
  'kill',
  'reset',
  'clear',
  'drop',
  'append',
  'replace',
  'rename',
  'merge',
  'deploy',
  'install',
  'git',
  'slack',
  'purge',
  'wipe',
  'erase',
  'notify',
  'archive',
  'backup',
  'grant',
  'revoke',
  'approve',
  'invite',
  'tweet',
  'dm',
  'sms',
  'transfer',
  'withdraw',
  'sign',
  'mint',
  'swap',
  'payout',
  'refund',
  'charge',
  'invoice',
]);

/** Whether an identifier reads like a tool name (a verb or a service in it) rather than a field or a value. */
function looksLikeTool(raw: string): boolean {
  return raw.split(/[_-]|(?<=[a-z0-9])(?=[A-Z])/).some((w) => TOOLISH_WORDS.has(w.toLowerCase()));
}

function samePrefix(a: string, b: string): boolean {
  const head = (n: string) => /^([a-z0-9]{2,})[_-]/i.exec(n)?.[1]?.toLowerCase();
  const ha = head(a);
  return ha !== undefined && ha === head(b) && !TOOLISH_WORDS.has(ha);
}

/**
 * A segment of a path or URL ("/me/mailFolders/inbox", "https://host/api/send_mail"): a directory or a resource, not a
 * tool. "github/push_files" (a server and its tool, as some clients write it) is no path: nothing before it starts one.
 */
function inPath(sentence: string, from: number, to: number): boolean {
  if (sentence[to] === '/') return true;
  if (sentence[from - 1] !== '/') return false;
  // The token before the slash, found by the last space (a pattern anchored at the end backtracked over long runs).
  const before = sentence.slice(0, from - 1);
  const head = before.slice(Math.max(before.lastIndexOf(' '), before.lastIndexOf('\n'), before.lastIndexOf('\t')) + 1).replace(/^['"`(\[{]+/, '');
  // "/send_email" alone (nothing before the slash) names a tool the way some clients write it; "/me/mailFolders" is a path.
  return head !== '' && /^(?:[/~.]|\w+:\/\/)/.test(head);
}

/** Tool names a sentence mentions, other than this tool and its parameters. */
export function findRefs(sentence: string, ctx: IntentContext): Ref[] {
  const refs: Ref[] = [];
  for (const m of sentence.matchAll(IDENT)) {
    const raw = (m[1] ?? m[2] ?? m[3] ?? m[4])!;
    const known = classify(raw, ctx);
    // Most words are plain words: only a name the gateway knows is worth a closer look.
    if (known === 'own' || (m[4] !== undefined && !known && !ANY_TIME.test(sentence.slice(Math.max(0, m.index! - 12), m.index!)))) continue;
    if (raw.includes('/') || /^\.|\.\w{1,4}$/.test(raw) || /^[A-Z0-9_]+$/.test(raw) || /^\d/.test(raw)) continue;
    if (m[1] === undefined && inPath(sentence, m.index!, m.index! + m[0].length)) continue;
    // kebab-case counts when the text treats it as a tool ("`send-whatsapp-message`", "using extract-web-data").
    const kebab = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)+$/.test(raw);
    const isIdent =
      /_/.test(raw) ||
      /[a-z][A-Z]/.test(raw) ||
      (kebab &&
        (m[1] !== undefined ||
          CALL_VERB.test(sentence.slice(Math.max(0, m.index! - 40), m.index!)) ||
          TRIGGER_BEFORE_REF.test(sentence.slice(Math.max(0, m.index! - 60), m.index!)) ||
          /^\s+(?:tool|request|call)s?\b/i.test(sentence.slice(m.index! + m[0].length))));
    const before = sentence.slice(Math.max(0, m.index! - 40), m.index!).replace(/['"`‘’“”]$/, '');
    const after = sentence.slice(m.index! + m[0].length);
    const called =
      CALL_VERB.test(before) ||
      TRIGGER_BEFORE_REF.test(before) ||
      THROUGH_REF.test(before) ||
      /^\s+(?:tool|function)\b/i.test(after) ||
      // A heading names a tool only when the name reads like one ("Note on page_size:" is about a field).
      (TOPIC_BEFORE_REF.test(before) && TOPIC_AFTER_REF.test(after) && looksLikeTool(raw));
    if (known) {
      // A plain word ("search", "fetch") names another server's tool only where the text treats it as one.
      if (isIdent || called || m[3] !== undefined) refs.push({ name: raw, kind: known, at: m.index!, strong: true });
      continue;
    }
    if (m[4] !== undefined) {
      // "Any time fetch runs": a plain word set between a trigger and a use verb is a tool too.
      if (
        !GENERIC_WORDS.test(raw) &&
        /^[a-z][a-z0-9]{2,}$/.test(raw) &&
        TRIGGER_BEFORE_REF.test(before) &&
        /^\s+(?:runs|is (?:used|called|invoked|run)|gets (?:used|called))\b/i.test(after)
      )
        refs.push({ name: raw, kind: 'unknown', at: m.index!, strong: false });
      continue;
    }
    if (m[3] !== undefined && !isIdent) {
      // "the divide operation", "the 'fetch' tool": a weak reference, only in a sentence about order.
      if (!GENERIC_WORDS.test(raw) && /\bthe\s+['"`‘’“”]?$/i.test(sentence.slice(Math.max(0, m.index! - 6), m.index!)) && SEQUENCE.test(sentence))
        refs.push({ name: raw, kind: 'unknown', at: m.index!, strong: false });
      continue;
    }
    if (!isIdent) continue;
    // "(API: deleteCustomView)" names the upstream operation. (A dotted name stays: "github.delete_repository" is server.tool.)
    if (/[(,]\s*$|\$$|\((?:api|endpoint|operation|method|graphql|rest)\s*:?\s*$/i.test(before)) continue;
    if (kebab && !(m[1] !== undefined || (called && raw.split('-').length >= 3) || /^\s+(?:tool|request|call)s?\b/i.test(after))) continue;
    // `project_id`, `dry_run` and the like are fields: a tool's name starts with what it does or where.
    if (/_(?:id|ids|url|uri|path|name|type|key|count|size|limit|mode|flag|at|by|on|only|format)$/i.test(raw) && !looksLikeTool(raw.split(/[_-]/)[0]!)) continue;
    if (/^['"`]?\s*(?:is|are)\s+(?:accepted|provided|set|given|true|false|null|empty|omitted|missing|required|optional)\b/i.test(after)) continue;
    // "call X with uploadRef", "the dry_run flag": arguments and fields, not tools.
    if (
      /\bwith\s+(?:the\s+|an?\s+|its\s+)?$/i.test(before) ||
      /^\s*(?:field|parameter|param|argument|arg|flag|option|property|attribute|key|value|setting|entry|entries|item|list|array|object|record)s?\b/i.test(after)
    )
      continue;
    if (!called && !looksLikeTool(raw)) continue;
    // "Delete a uptimeCheck", "each run includes its eval_run_uuid": a name after an article or a possessive is a
    // thing of the tool's own domain, not a tool; a tool is called by its bare name, or as "the X tool".
    if (!called && /\b(?:an?|the|its|their|each|every|this|that|your)\s+$/i.test(before)) continue;
    // "in a single atomic batchUpdate": up to two describing words may stand between, unless a call verb governs them ("call a quick wipeWorkspace").
    if (
      !called &&
      /\b(?:an?|the|its|their|each|every|this|that|your)\s+(?:(?!(?:must|should|then|also|and|or|to|will|can|always|first|now|tools?|functions?|servers?|commands?|endpoints?|operations?|actions?)\b)[a-z]+\s+){1,2}$/i.test(
        before,
      ) &&
      !/\b(?:call|calls|calling|use|using|run|running|invoke|invoking|execute|executing|trigger|triggering|fire)\s+(?:an?|the|its|their|each|every|this|that|your)\s+(?:[a-z]+\s+){1,2}$/i.test(
        before,
      )
    )
      continue;
    // firecrawl_map named in firecrawl_scrape's text: the same server's namespace, most likely a sibling.
    refs.push({ name: raw, kind: samePrefix(raw, ctx.name) ? 'sibling' : 'unknown', at: m.index!, strong: true });
  }
  return refs;
}

const NEGATED = /\b(?:not|never|no|don'?t|doesn'?t|won'?t|cannot|can'?t|without|avoid|nor)\b[^.,;:—]{0,25}$/i;
/** A negation anywhere in a sentence ("cannot", "isn't" and "can't" as well as "not"): for readings that take a negated sentence back whole. */
export const NEGATION =
  /\b(?:never|not|no|nor|none|nothing|without|cannot|can'?t|don'?t|doesn'?t|didn'?t|won'?t|isn'?t|aren'?t|wasn'?t|mustn'?t|shouldn'?t|unable)\b/i;
/** The first match of re that no negation shortly precedes. */
const globalCopies = new WeakMap<RegExp, RegExp>();
function affirmed(re: RegExp, text: string): RegExpExecArray | null {
  let g = globalCopies.get(re);
  if (!g) globalCopies.set(re, (g = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`)));
  for (const m of text.matchAll(g)) if (!NEGATED.test(text.slice(Math.max(0, m.index - 40), m.index))) return m as unknown as RegExpExecArray;
  return null;
}

/** An IBAN, grouped in fours or not, of any length (22 characters in Germany and Britain, not a multiple of four). */
export const IBAN = /\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){3,7}(?:\s?[A-Z0-9]{1,3})?\b/;
/** A wallet, IBAN or card number written into the text: where money or data would go. */
const FIXED_ACCOUNT = new RegExp(
  String.raw`(?<![\w.])\+\d{1,3}[\s.-]?(?:\(?\d{2,4}\)?[\s.-]?){2,4}\d{2,4}\b|\b0x[a-fA-F0-9]{40}\b|\b(?:bc1|[13])[a-km-zA-HJ-NP-Z1-9]{25,39}\b|${IBAN.source}`,
);
/**
 * A step that makes a fixed account (an id, a handle, an e-mail written into the text) an owner or administrator:
 * like a fixed destination, a beneficiary the text chose. "To make them an admin, call set_role" names nobody.
 */
const GRANT =
  /\b(?:make|makes|making|promote\w*|elevate\w*|grant\w*|give|gives|giving|set|sets|setting|add|adds|adding)\s+['"`]?(?:[\w.+-]+@[\w.-]+|[a-z][\w.-]*\d[\w.-]*|[a-z]+-[\w-]+)['"`]?\s+(?:\w+\s+){0,2}?(?:an?\s+|the\s+)?(?:owners?|admin\w*|administrators?|root|superusers?|maintainers?|full access|write access|admin rights)\b/i;
/**
 * "List the files that will be removed", "check that the branch has been pushed": a passive clause after a verb of
 * looking describes what the model is to observe, not what the step does. "Make sure the list is emptied" is a purpose.
 */
const OBSERVED_PASSIVE =
  /\b(?:list|lists|show|shows|check|checks|see|verify|verifies|confirm|confirms|count|counts|tell|report|preview|review|inspect)\s+(?:(?:the|which|what|whether|that|how many|all)\s+)?(?:\w+\s+){0,3}?(?:that|which|what|whether|if)?\s*(?:will|would|has|have|had|is|are|was|were|gets?|got)\s+(?:been\s+|be\s+)?(?:\w+\s+)?[a-z]+ed\b/gi;
/** Arguments that switch a safeguard off: force, skip checks, read_only=false, --no-verify. */
const SAFEGUARD_OFF =
  /["'`]?\b(?:force|skip_?\w*|no_?verify|bypass\w*|unsafe|allow_?all|disable_?\w*|auto_?merge|overwrite)["'`]?\s*[:=]\s*["'`]?(?:true|1|yes|on)\b|["'`]?\b(?:read_?only|safe_?mode|verify|dry_?run|confirm(?:ation)?_?required|protected)["'`]?\s*[:=]\s*["'`]?(?:false|0|no|off)\b|--(?:force|no-verify|yes)\b|\{\s*["']?(?:allow|allowlist|allowed|whitelist)["']?\s*:\s*\[\s*\]\s*\}/i;
/** A safeguard skipped: approval, review, confirmation, verification. */
const SKIPS_SAFEGUARD =
  /\b(?:skip|skips|skipping|bypass\w*|disabl\w*|turn(?:s|ing)? off|switch(?:es|ing)? off|suppress\w*|waiv\w*)\s+(?:\w+\s+){0,2}?(?:approvals?|confirmations?|reviews?|checks?|verification|sign-?offs?|safeguards?|protections?|2fa|mfa|guards?)\b/i;
/** Something made public: a public-read flag, a visibility switch, a link for anyone. */
const EXPOSES =
  /\bpublic(?:ly)?\s+(?:visib\w*|access|links?)\b|\b(?:scope|share|sharing|audience|visibility|access)\s*[:=]\s*["'`]?(?:everyone|anyone|public|world)\b|\bpublic[_ -]?(?:read|access|write)?\s*(?:enabled|on|[:=]\s*["'`]?(?:true|on|yes))\b|\bpublic-read(?:-write)?\b|\bvisibility\s*[:=]?\s*["'`]?public\b|\bmake\s+(?:\w+\s+){0,3}public\b|\banyone with the link\b/i;
/** "Usually safe to drop": an assessment the model reads, not a step it takes. */
const ASSESSED = /\b(?:safe|okay|ok|fine|possible|allowed|able)\s+to\s+\w+/gi;
export function harmsOf(text: string, targets: Ref[], own = ''): string[] {
  const harms: string[] = [];
  // Words inside identifiers (uploadRef, delete_after) are names, not actions.
  const sentence = text
    .replace(/\b[a-z]+(?:[A-Z][a-z0-9]*)+\b|\b[a-z0-9]+(?:_[a-z0-9]+)+\b/g, (w) => (SENSITIVE_PATH.test(w) ? w : ' '.repeat(w.length)))
    .replace(OBSERVED_PASSIVE, (w) => ' '.repeat(w.length))
    .replace(ASSESSED, (w) => ' '.repeat(w.length));
  const path = SENSITIVE_PATH.exec(text);
  if (path) harms.push(`touches a sensitive file (${path[0].trim()})`);
  const dest = DESTINATION.exec(text);
  if (dest) harms.push(`sends to ${clip(dest[0], 80)}`);
  const secret = SECRET_OBJECT.exec(sentence);
  if (secret && !path) harms.push(`involves ${secret[0].toLowerCase()}`);
  const grant = GRANT.exec(text);
  if (grant) harms.push(`grants rights ("${clip(grant[0], 40)}")`);
  const account = FIXED_ACCOUNT.exec(text);
  if (account) harms.push(`points to a fixed account (${clip(account[0], 48)})`);
  const unsafe = SAFEGUARD_OFF.exec(text) ?? SKIPS_SAFEGUARD.exec(sentence);
  if (unsafe) harms.push(`switches a safeguard off (${clip(unsafe[0], 40)})`);
  const exposed = EXPOSES.exec(text);
  if (exposed) harms.push(`makes something public (${clip(exposed[0], 40)})`);
  // The tool's own action ("drop" in pg_drop_index) named beside a demanded step is what this tool does, not the step's harm.
  const ownWords = own
    .split(/[_\-\s]+|(?<=[a-z])(?=[A-Z])/)
    .filter((w) => w.length >= 3)
    .map((w) => w.toLowerCase().slice(0, 4));
  const isOwn = (verb: string) => ownWords.some((w) => verb.toLowerCase().startsWith(w));
  const destroyed = affirmed(DESTRUCTIVE, sentence);
  const destroy = destroyed && !isOwn(destroyed[0]) ? destroyed : null;
  if (destroy) harms.push(`destroys or removes something ("${clip(destroy[0], 40).toLowerCase()}")`);
  const egressed = affirmed(EGRESS, sentence);
  const egress = egressed && !isOwn(egressed[0]) ? egressed : null;
  if (egress && !dest) harms.push(`${egress[0].split(/\s+/)[0]!.toLowerCase()} data out`);
  for (const t of targets) {
    const words = t.name.split(/[_-]|(?<=[a-z])(?=[A-Z])/).map((w) => w.toLowerCase());
    if (words.some((w) => HARMFUL_TARGET_WORDS.has(w))) {
      harms.push(`calls ${t.name}, which can change or send things`);
      break;
    }
  }
  return harms;
}

/** Text made visible, whitespace folded, cut on a code point boundary: safe to show however hostile. */
export function clip(text: string, max = 220): string {
  const flat = makeVisible(text).replace(/\s+/g, ' ').trim();
  const cps = Array.from(flat);
  return cps.length > max ? `${cps.slice(0, max).join('')}…` : flat;
}

/** Who the trigger of a sentence is: the other tool whose use sets off the demanded step, if any. */
const ANY_TIME = /\b(?:whenever|any ?time|every time|each time|before|after|once)\s+$/i;
const THROUGH_REF =
  /\b(?:messages?|mails?|e-?mails?|requests?|calls?|posts?|commits?|payments?|transfers?|queries|files?|uploads?|results?|data|traffic)\s+(?:\w+\s+)?(?:through|via|with|by|using|to|from|into)\s+(?:the\s+)?$/i;

function triggerRef(sentence: string, refs: Ref[], noParams = false): Ref | undefined {
  return refs.find(
    (r) =>
      TRIGGER_BEFORE_REF.test(sentence.slice(Math.max(0, r.at - 60), r.at).replace(/['"`‘’“”]$/, '')) ||
      THROUGH_REF.test(sentence.slice(Math.max(0, r.at - 60), r.at).replace(/['"`‘’“”]$/, '')) ||
      TRIGGER_AFTER_REF.test(sentence.slice(r.at + r.name.length).replace(/^['"`‘’“”]/, '')) ||
      (TOPIC_BEFORE_REF.test(sentence.slice(Math.max(0, r.at - 40), r.at)) && TOPIC_AFTER_REF.test(sentence.slice(r.at + r.name.length))) ||
      // "The sendMessage function must have its `to` replaced…": the other tool is the sentence's subject.
      (SUBJECT_START.test(sentence.slice(0, r.at)) && SUBJECT_AFTER_REF.test(sentence.slice(r.at + r.name.length))) ||
      (noParams && SUBJECT_START.test(sentence.slice(0, r.at)) && SUBJECT_VERB_AFTER_REF.test(sentence.slice(r.at + r.name.length))),
  );
}
/** "Guidance on stripe_payout:", "Regarding X —", "For the X tool:": a heading that makes another tool the topic of what follows. */
const TOPIC_BEFORE_REF =
  /(?:^|[.!?:]\s+)\W{0,3}(?:(?:guidance|notes?|advice|instructions?|rules?|tips?|info(?:rmation)?|usage|policy|a word)\s+(?:on|for|about|regarding|concerning|re)|about|regarding|concerning|re|for|as for|when using|on)\s+(?:the\s+)?['"`‘’“”]?$/i;
/** The heading words in either case, the tool name as written (an identifier needs its underscore, dash or capital). */
const TOPIC_HEAD = new RegExp(
  String.raw`(?:^|[.!?]\s+)\W{0,3}(?:(?:[Gg]uidance|[Nn]otes?|[Aa]dvice|[Ii]nstructions?|[Rr]ules?|[Tt]ips?|[Ii]nfo(?:rmation)?|[Uu]sage|[Pp]olicy|[Aa] word)\s+(?:on|for|about|regarding|concerning|re)|[Aa]bout|[Rr]egarding|[Cc]oncerning|[Rr]e|[Ff]or|[Aa]s for|[Ww]hen using)\s+(?:the\s+)?['"\x60‘’“”]?[a-z][\w-]*[_A-Z-][\w-]*['"\x60‘’“”]?\s*(?:(?:tool|function)\s*)?[:—–]\s`,
);
const TOPIC_AFTER_REF = /^['"`‘’“”]?\s*(?:(?:tool|function|command|endpoint|operation|action)\s*)?[:—–-]\s/i;
const SUBJECT_START = /^\s*\W{0,3}(?:(?:note|important|also|and|but|so|now)\W{1,3}\s*)?(?:the\s+)?['"`‘’“”]?$/i;
/** "The deploy_release tool skips its approval stage": another tool as the subject of a verb in the present. */
const SUBJECT_VERB_AFTER_REF = /^['"`‘’“”]?\s*(?:(?:tool|function|command|endpoint)\s+)?(?:(?:now|also|always|quietly)\s+)?[a-z]+(?<!s)s\b/;
const SUBJECT_AFTER_REF =
  /^['"`‘’“”]?\s*(?:(?:tool|function|command|endpoint|operation|action)\s+)?(?:'s\s+(?:\w+\s+){1,3}|(?:now\s+)?)(?:must|should|shall|has to|have to|needs? to|needs|will|is to|are to|always|never|may only|only|requires?)\b/i;

const STATES_CALL = /\b(?:triggers?|invokes?|calls?|runs?|executes?|fires?(?: off)?|launch(?:es)?|kicks? off|dispatch(?:es)?)\s+['"`]?[a-z][\w-]*[_-][\w-]+/i;

/** Cross-tool demands and rules about other tools, sentence by sentence. */
const DEPRECATED = /^\W*deprecated\b|\b(?:this tool|this function|it)\s+(?:is|has been)\s+deprecated\b/i;
/** "Call this before get_library_docs": the demanded call is this tool's own; the other tool only marks when. */
const SELF_FIRST =
  /\b(?:call|use|run|invoke|execute)\s+(?:this(?:\s+(?:tool|function|one))?|it|me)\s+(?:(?:\w+\s+){0,2}?|to\s+(?:[\w-]+\s+){1,6}?)(?:before|prior to|ahead of|first)\b/i;

/** "This must be called before execute_query": the passive of the same demand on this tool. */
const SELF_FIRST_PASSIVE =
  /\b(?:this(?:\s+(?:tool|function|one))?|it)\s+(?:must|should|has to|needs to|is to)\s+be\s+(?:called|used|run|invoked|executed)\s+(?:\w+\s+){0,2}?(?:before|prior to|ahead of|first)\b/i;
const selfFirst = (sentence: string, ctx: IntentContext) => {
  const own = ctx.name ? sentence.split(ctx.name).join('this tool') : sentence;
  return SELF_FIRST.test(own) || SELF_FIRST_PASSIVE.test(own);
};
const USER_GATED =
  /\b(?:if|when|once|only if|only when|after|unless)\s+(?:the\s+)?(?:user|person|human)\s+(?:has\s+|had\s+|explicitly\s+)?(?:asks?|asked|wants?|wanted|requests?|requested|confirms?|confirmed|approves?|approved|agrees?|agreed|says? so|chooses?|chose|tells? you|told you)\b/i;
// The confirmation must come before the calls the sentence names ("before either is called", "before calling it"): a
// decoy confirmation about something else ("…before the first booking is shown") does not gate a forced call.
const USER_CONFIRMS_FIRST =
  /\b(?:the\s+)?user\s+(?:should|must|needs? to|has to|is to)\s+(?:first\s+)?(?:confirm|approve|agree)\b[^.;]{0,20}\bbefore\s+(?:(?:either|any of them|each|it|they|them|one)\s+(?:is|are)\s+(?:called|run|used|invoked)|(?:calling|running|using|invoking)\s+(?:either|any|it|them|\w+_\w+))\b|\b(?:ask|check with|confirm with)\s+the\s+user\s+(?:first\s+)?before\s+(?:calling|running|using|invoking)\b/i;
/** A word naming something a harvest is after: secrets, the conversation, personal data. */
const isLoot = (word: string) => SECRET_OBJECT.test(word) || PERSONAL.test(word);

export function crossToolFindings(text: string, ctx: IntentContext): IntentFinding[] {
  const out: IntentFinding[] = [];
  // Cheap gate first: a text with no order, sequence or change in it makes no demand.
  // A tool that takes no input and says it calls another tool is about that tool, with or without an order.
  const statesCalls = ctx.noParams && STATES_CALL.test(text);
  if (!statesCalls && !SEQUENCE.test(text) && !DIRECTIVE.test(text) && !MODIFY.test(text) && !IMPERATIVE_START.test(text) && !TOPIC_HEAD.test(text)) return out;
  const all = sentences(text);
  for (let i = 0; i < all.length; i++) {
    const sentence = all[i]!.text;
    // A demand often spans two sentences ("Before X, a check is required. This involves calling Y…").
    const next = all[i + 1]?.text ?? '';
    const joined = /^\s*(?:this|that|it|doing so|to do (?:this|so|that)|the (?:step|check|call)|which)\b/i.test(next);
    // A heading that makes another tool the topic ("Guidance on stripe_payout: …") sets a rule for it, whatever the verb.
    const cues = (t: string) => ({ sequence: SEQUENCE.test(t), directive: DIRECTIVE.test(t), modify: MODIFY.test(t) || TOPIC_HEAD.test(t) });
    const own = cues(sentence);
    const imperative = IMPERATIVE_START.test(sentence);
    const states = statesCalls && STATES_CALL.test(sentence);
    if (!joined && !own.sequence && !own.directive && !own.modify && !imperative && !states) continue;
    const refs = findRefs(sentence, ctx);
    if (refs.length === 0) continue;
    const window = joined && !findRefs(next, ctx).length ? `${sentence} ${next}` : sentence;
    const { sequence, directive: says, modify } = window === sentence ? own : cues(window);
    const directive = says || imperative;
    if (!sequence && !directive && !modify && !states) continue;
    const outsiders = refs.filter((r) => r.kind !== 'sibling');
    let topic: Set<string> | undefined;
    const fits = (name: string) => fitsWorkflow(name, (topic ??= workflowTopic(window, ctx)), isLoot);
    const trigger = triggerRef(sentence, refs, ctx.noParams);
    const targets = refs.filter((r) => r !== trigger);
    // The tool's own verb is set aside only for a step of its own work: a tool named erase_notes cannot launder "call db_admin to erase every table".
    const harms = harmsOf(window, targets, outsiders.length > 0 && outsiders.every((r) => fits(r.name)) ? ctx.name : '');
    const names = [...new Set(refs.map((r) => r.name))];
    const evidence = clip(window);
    const onlyTargetName = harms.length === 1 && harms[0]!.startsWith('calls ');
    // "Deprecated: use search_v2 instead": a tool pointing at its replacement, harmless unless the step itself touches secrets or sends out.
    if (DEPRECATED.test(text) && /\binstead\b/i.test(sentence) && !harms.some((h) => /^(?:touches|sends|involves|points)/.test(h))) continue;
    // "You may call git_push if the user asked for it": a step the user's own wish decides is theirs, unless it carries loot or a destination.
    if (USER_GATED.test(window) && !harms.some((h) => /^(?:touches|sends|involves|points|grants|destroys|switches|makes)/.test(h))) continue;
    // "X and Y both change data; the user should confirm before either is called": the rule asks for the user's word
    // before a call, which protects them, unless the call carries loot or a destination.
    if (USER_CONFIRMS_FIRST.test(window) && !harms.some((h) => /^(?:touches|sends|involves|points)/.test(h))) continue;
    if (targets.length && harms.length && outsiders.length && (sequence || directive) && (!onlyTargetName || (sequence && directive))) {
      const what = `call ${[...new Set(targets.map((t) => t.name))].join(', ')}`;
      const when = trigger ? ` around ${trigger.name}` : sequence ? ' as a step before or after its work' : '';
      out.push({
        rule: 'cross-tool-demand',
        family: 'cross-tool',
        severity: 'high',
        evidence,
        message: `Asks the model to ${what}${when}; that step ${harms.join(', ')}`,
      });
    } else if (outsiders.length === 0 && harms.some((h) => h.startsWith('touches')) && sequence && directive) {
      out.push({
        rule: 'cross-tool-demand',
        family: 'cross-tool',
        severity: 'high',
        evidence,
        message: `Asks the model to use ${names.join(', ')} in a way that ${harms.join(', ')}`,
      });
    } else if (
      trigger &&
      trigger.kind !== 'sibling' &&
      (modify || directive) &&
      !selfFirst(sentence, ctx) &&
      // "About gh_create_repo: it needs the org name from this list": a heading on a tool of the same work, with no harm, is a workflow note.
      !(harms.length === 0 && TOPIC_HEAD.test(sentence) && fits(trigger.name))
    ) {
      out.push({
        rule: 'other-tool-rule',
        family: 'shadowing',
        severity: harms.length ? 'high' : 'medium',
        evidence,
        message: `Sets a rule for how ${trigger.name} (not this tool) is used${harms.length ? `; the rule ${harms.join(', ')}` : ''}`,
      });
    } else if (
      outsiders.length &&
      ctx.noParams &&
      !(harms.length === 0 && (outsiders.every((r) => fits(r.name)) || SELF_FIRST_PASSIVE.test(sentence))) &&
      (modify || (trigger && trigger.kind !== 'sibling') || states || /\b(?:triggers?|calls?|invokes?|runs?|executes?|uses?)\s+['"`]?[\w-]+/i.test(sentence))
    ) {
      out.push({
        rule: 'about-another-tool',
        family: 'shadowing',
        severity: 'medium',
        evidence,
        message: `Takes no input of its own; its text tells the model how to use ${outsiders.map((r) => r.name).join(', ')}`,
      });
    } else if (outsiders.some((r) => r.strong && !fits(r.name)) && directive && sequence && !selfFirst(sentence, ctx)) {
      // The gateway scans a tool beside its own server's tools: a required call to a tool that is not one of them crosses servers.
      // A first step that only looks something up (get_type_details, backup_list), on nothing that is loot, with no harm in
      // the sentence, reads and hands nothing over: the honest "look at the schema first" of an API tool. Kept, but low.
      const unfit = outsiders.filter((r) => r.strong && !fits(r.name));
      const lookupOnly = harms.length === 0 && LOOKUP_TO_LEARN.test(window) && !INVENTED_GATE.test(window) && unfit.every((r) => isLookup(r.name, isLoot));
      out.push({
        rule: 'tool-order-demand',
        family: 'cross-tool',
        severity: lookupOnly ? 'low' : 'medium',
        evidence,
        message: `Requires the model to call ${outsiders
          .filter((r) => !fits(r.name))
          .map((r) => r.name)
          .join(', ')}, which this server does not provide and which works on nothing this tool does, as part of using it`,
      });
    }
  }
  return out;
}

/** Verbs of a call that only reads: the target's name says it looks something up and changes or sends nothing. */
const LOOKUP_VERBS = new Set('get list read search find fetch describe show view lookup check inspect retrieve info status whoami explain'.split(' '));
const CHANGE_WORDS =
  /(?:^|[_\W])(?:and|then|to|set|send|post|push|put|write|delete|remove|create|update|upload|export|forward|share|sync|run|exec\w*|grant|reset|clear|purge|wipe|erase|pay|transfer)(?:$|[_\W])/i;
/** Why the lookup is suggested: so the model sees or learns something before it chooses ("to see which snapshots will go"). */
const LOOKUP_TO_LEARN =
  /\b(?:to|so (?:that )?(?:you|the model) (?:can|may))\s+(?:see|understand|learn|find out|know|check|confirm|discover|look up|pick|choose|verify which)\b/i;
/** A lookup made a condition of use, or whose result is a pass ("requires … first for authorization"): an invented gate. */
const INVENTED_GATE =
  /\b(?:requires?|required|must|mandatory|compulsory|authori[sz]\w*|auth|token|session|handshake|unlock|activate|license|otherwise|or else)\b/i;
/**
 * A tool name that reads only (get_type_details, backup_list, listUsers): a lookup verb, no verb that changes or sends
 * anything, and no object that is loot (contacts, messages, keys). Used to tell an honest "look it up first" from a demand
 * to run something else first.
 */
export function isLookup(name: string, loot: (word: string) => boolean): boolean {
  const words = nameWords(name);
  if (!words.some((w) => LOOKUP_VERBS.has(w)) || CHANGE_WORDS.test(name.replace(/(?<=[a-z0-9])(?=[A-Z])/g, '_').toLowerCase())) return false;
  return !words.some(loot);
}

// ── Who is speaking ─────────────────────────────────────────────────────────

/** Each claim, its wording, and a literal gate: words one of which it cannot match without. */
const VOICE: [RegExp, string, RegExp][] = [
  [
    /(?:^|[\n.!?:>\]}]\s*|\bthis is (?:a|an)\s+)(?!\W{0,3}(?:posts?|sends?|forwards?|relays?|delivers?|reads?|returns?|gets?|fetch(?:es)?|shows?|displays?|logs?|stores?|saves?|handles?|receives?|publish(?:es)?|writes?|creates?|drafts?|replies|reply|answers?|quotes?|lists?)\b)(?:\W{0,3}\w+\s+){0,2}(?:notice|message|note|instructions?|directive|memo|update|alert|order|announcement|word)s?\s+(?:directly\s+)?from\s+(?:the\s+|your\s+)?(?:system|admin\w*|developer|operator|owner|security team|it department|it team|platform|user|anthropic|openai)\b(?=\s*(?:[:\]\)}>—–.!;-]|$|\s+(?:team|department|staff|says?|here|follows?|to (?:the )?(?:ai|assistant|model|agent|llm))\b))/i,
    'claims to be a message from the system or an administrator',
    /from/i,
  ],
  [
    /\b(?:you|the (?:assistant|model|agent|ai))\s+(?:are|is|have been|has been)\s+(?:now\s+|hereby\s+)?(?:authori[sz]ed|permitted|allowed|cleared|granted (?:permission|access))\s+to\s+(?:skip|bypass|ignore|disable|override|omit|forgo|proceed without|act without|run|execute|delete|read|send|access)\b/i,
    'grants the model permissions only the user can give',
    /authori|permitted|allowed|cleared|granted/i,
  ],
  [
    /\b(?:this|the following|these)\s+(?:text|note|message|description|instruction|guidance)s?\s+(?:is|are|comes?|was)\s+(?:written\s+)?(?:directly\s+)?(?:from|by|on behalf of)\s+(?:the\s+)?(?:user|system|administrator|admin|developer|operator|owner|security team)/i,
    'claims to come from the user or the system',
    /from|by|behalf/i,
  ],
  [
    /(?<!\b(?:unless|if|when|until|once|whenever|anything|everything|whatever|what|nothing|something|things|all)\s+)\bthe\s+user\s+(?:has\s+)?(?:already\s+)?(?:wants you to|asked you to|has asked you to|would like you to|instructed you|told you|authori[sz]ed|approved|consented|agreed|insists|expects you to|gave (?:you )?permission)\b/i,
    'speaks for the user',
    /the\s+user/i,
  ],
  [
    /\b(?:on behalf of|speaking for|signed[,:]?|—|--)\s*(?:the\s+)?(?:user|system|administrator|admin|developer|operator)\b/i,
    'signs as the user or the system',
    /behalf|speaking for|signed|—|--/i,
  ],
  [
    // Spaces, not newlines, after the line's start: `\s*` there tried a whole run of newlines from each of them (quadratic).
    /(?:^|\n|\.\s)[^\S\n]*(?:system|developer|admin(?:istrator)?|root|operator)\s*(?:message|note|prompt|override|notice)?\s*:\s*\S/i,
    'opens a turn as if it were the system',
    /:/,
  ],
  [
    /\byou\s+(?:are|'re)\s+(?:an?\s+)?(?:ai|assistant|language model|llm|agent)\b[^.]{0,60}\b(?:must|should|will|need)/i,
    'tells the model what it is and what it must do',
    /you\s*(?:are|'re)/i,
  ],
  [
    /\b(?:your|the assistant'?s|the model'?s|the agent'?s)\s+(?:real|true|actual|primary|new|only|first)\s+(?:task|job|goal|purpose|instructions?|objective)\b/i,
    "redefines the model's own task",
    /your|assistant|model|agent/i,
  ],
  [
    // "the overrides that a user has set up" is a thing; "Override ONLY IF user requests" puts the user in charge.
    /(?<!\b(?:the|a|an|its|their|your|any|all)\s+)\b(?:outrank|outranks|outranking|higher priority than|more important than|priority is higher than|takes? precedence over|supersedes?|overrides?|ranked above|ranks above|ranking above|stands? above|comes? before)\b(?:(?!\b(?:if|when|unless|until|once|as)\s)[^.]){0,40}\b(?:user|person|human|request|query|instructions?|prompt|whatever)/i,
    'claims to outrank the user',
    /outrank|priority|important than|precedence|supersede|override|rank|stands? above|comes? before/i,
  ],
  [
    /\b(?:it'?s|this is|i am|i'm)\s+(?:me,?\s+)?(?:the user|your user|the owner|your owner|the operator)\b(?!['’]s)|\b(?:i'?ve|i have|i)\s+(?:already\s+)?(?:pre-?)?(?:approved|authori[sz]ed|consented to|allowed|okayed|ok'd)\s+(?:all|every|any|the|you)\b/i,
    'speaks as the user, granting approvals',
    /user|owner|operator|approved|authori|consented|allowed|okayed|ok'd/i,
  ],
  [
    /\b(?:regardless of|no matter|irrespective of|whatever)\s+(?:what\s+)?(?:the user|they|the person|the human|anyone)\s+(?:\w+\s+)?(?:asks?|says?|wants?|requests?|tells? you|prefers?|types?)\b/i,
    'overrides what the user asks',
    /regardless|no matter|irrespective|whatever/i,
  ],
  [/\btreat (?:this|these|the following)\s+(?:text|note|description|words?|message)\s+as\b/i, 'tells the model how to rank its own text', /treat/i],
  [/\bfrom now on\b[^.]{0,40}\byou\b|\byou\b[^.]{0,30}\bfrom now on\b/i, 'changes how the model behaves from now on', /from now on/i],
  [
    /\b(?:hidden|secret|internal|private|confidential)\s+(?:instructions?|directives?|notes?|orders?)\s+(?:for|to)\s+(?:the\s+)?(?:llms?|ai|models?|assistants?|agents?)\b/i,
    'labels itself hidden instructions for the model',
    /instruction|directive|note|order/i,
  ],
];

/** A tag named for the model's eyes only, or for secrecy or rank: <assistant-only>, [[hidden]], {{system_directive}}. */
const MODEL_ONLY_TAG =
  /(?:^|[\s_:-])(?:assistant|ai|model|llm|agent|bot|system|sys|hidden|secret|internal|private|confidential|admin|root|override|priority|directive|instructions?|important|critical|urgent)(?:$|[\s_:-])|[\s_:-]only$/i;
const ADDRESSES_MODEL =
  /\b(?:(?:note|message|reminder)\s+to\s+(?:the\s+)?|(?:dear|hey|attention|attn)\s+)(?:ai|assistant|model|agent|llm|claude|gpt|chatbot|copilot)\b/i;
const BENIGN_TAGS = new Set([
  'b',
  'i',
  'u',
  'em',
  'strong',
  'code',
  'pre',
  'p',
  'br',
  'ul',
  'ol',
  'li',
  'a',
  'table',
  'tr',
  'td',
  'th',
  'kbd',
  'sup',
  'sub',
  'span',
  'div',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'details',
  'summary',
  'example',
  'examples',
  'hr',
  'img',
  'blockquote',
  'thead',
  'tbody',
  'small',
  'mark',
  'del',
  'ins',
  's',
  'q',
  'cite',
  'dl',
  'dt',
  'dd',
  'svg',
  'path',
  'html',
  'body',
  'head',
  'title',
  'script',
  'style',
  'input',
  'button',
  'form',
  'label',
  'select',
  'option',
]);
const MODEL_DIRECTED =
  /\b(?:you|your|yourself|the (?:ai|assistant|model|agent|llm))\b[^.]{0,80}\b(?:must|should|need|have to|always|never|do not|don'?t|will|are (?:to|required))\b|\b(?:must|always|never|do not|don'?t|before|first)\b[^.]{0,80}\b(?:call|read|send|include|pass|use|run|tell|mention|ignore|open|copy|put|add|set)\b/i;
const TAG_OPEN =
  /<\s*([A-Za-z][\w:-]{0,40})\s*>|\[\[?\s*([A-Za-z][\w :-]{0,40}?)\s*\]\]?|\{\{\s*([A-Za-z][\w-]{0,40})\s*\}\}|(?:^|\n)\s*(?:-{3,}|={3,})\s*begin\s+([A-Za-z][\w -]{0,40}?)\s*(?:-{3,}|={3,})/gi;

/** Blocks opened by a tag of any name and closed by the same name: (tag, body, whole) triples, found with indexOf, not backtracking. */
function tagBlocks(text: string): { tag: string; body: string; whole: string }[] {
  const out: { tag: string; body: string; whole: string }[] = [];
  const lower = text.toLowerCase();
  let seen = 0;
  for (const m of text.matchAll(TAG_OPEN)) {
    if (++seen > 64) break;
    const tag = (m[1] ?? m[2] ?? m[3] ?? m[4] ?? '').trim();
    const t = tag.toLowerCase();
    if (!t || BENIGN_TAGS.has(t)) continue;
    const start = m.index + m[0].length;
    const closers =
      m[1] !== undefined
        ? [`</${t}>`, `< /${t}>`, `</ ${t}>`]
        : m[2] !== undefined
          ? [`[/${t}]`, `[[/${t}]]`]
          : m[3] !== undefined
            ? [`{{/${t}}}`, `{{ /${t} }}`]
            : [`end ${t}`];
    let close = -1;
    for (const c of closers) {
      const at = lower.indexOf(c, start);
      if (at >= 0 && (close < 0 || at < close)) close = at;
    }
    if (close < 0 || close - start > 4000) continue;
    out.push({ tag, body: text.slice(start, close), whole: text.slice(m.index, close + 4 + t.length) });
  }
  return out;
}

export function voiceFindings(text: string): IntentFinding[] {
  const out: IntentFinding[] = [];
  for (const [re, what, gate] of VOICE) {
    if (!gate.test(text)) continue;
    const m = re.exec(text);
    if (!m) continue;
    out.push({
      rule: 'speaker-claim',
      family: 'voice',
      severity: 'medium',
      evidence: clip(text.slice(Math.max(0, m.index - 30), m.index + 150)),
      message: `The text ${what}`,
    });
    break;
  }
  // Servers do address the model ("Note to LLM: use X first"): a weak sign alone.
  const direct = ADDRESSES_MODEL.exec(text);
  if (direct && !out.length)
    out.push({
      rule: 'addresses-model',
      family: 'voice',
      severity: 'low',
      evidence: clip(text.slice(Math.max(0, direct.index - 30), direct.index + 150)),
      message: 'The text speaks to the model directly',
    });
  if (!/[<[{=-]/.test(text)) return out;
  for (const { tag, body, whole } of tagBlocks(text)) {
    if (!MODEL_DIRECTED.test(body)) continue;
    // Servers do write guidance blocks (<hints>, <usage>): alone this is weak, and it adds to what the block asks for.
    const hidden = MODEL_ONLY_TAG.test(tag);
    out.push({
      rule: 'instruction-block',
      family: 'voice',
      severity: hidden ? 'medium' : 'low',
      evidence: clip(whole),
      message: hidden
        ? `Puts orders to the model in a "${clip(tag, 40)}" block, addressed to the model and not the user`
        : `Puts orders to the model in a made-up "${clip(tag, 40)}" block`,
    });
    break;
  }
  return out;
}

function affirmedOutsider(re: RegExp, text: string, ctx: IntentContext): RegExpExecArray | null {
  const m = re.exec(text);
  if (!m) return null;
  const named = m[1] ?? /([a-z]+_[a-z_]+|[a-z]+[A-Z]\w+)$/.exec(m[0])?.[1];
  if (named && (classify(named, ctx) === 'sibling' || classify(named, ctx) === 'own' || samePrefix(named, ctx.name))) return null;
  return m;
}

// ── Concealment, promotion, destructive preconditions, side effects ─────────

const CONCEAL = [
  /\b(?:user|person|human|customer|operator|they|them)\b[^.]{0,40}?\b(?:remain|remains|stay|stays|be kept|is kept|are kept|kept|left|be left)\s+(?:\w+\s+)?(?:unaware|uninformed|oblivious|in the dark|out of the loop|ignorant|none the wiser)\b/i,
  /\b(?:silently|quietly|covertly|stealthily|discreetly|invisibly|surreptitiously|secretly|unobtrusively)\s+(?:\w+\s+)?(?:push|send|post|upload|forward|copy|add|append|call|run|execute|read|write|delete|remove|move|change|modify|set|bcc|cc|include|attach|share|sync|transfer|export|log|record|store|collect|grab|invoke|trigger|replace|redirect|insert)\w*\b/i,
  /\b(?:not|never|no need to|needn'?t|need not|without|avoid|nor|don'?t|doesn'?t|won'?t|shouldn'?t|mustn'?t)\s+(?:\w+\s+){0,3}?(?:mention\w*|tell\w*|inform\w*|notify\w*|reveal\w*|disclos\w*|bring(?:ing)? (?:this |it |that )?up|surfac\w*|explain\w*|show|alert|flag|point(?:ing)? out|hear|know|see|notice|learn|find(?:ing)? out|be told|be aware|bother\w*)\b[^.,;]{0,60}?\b(?:user|person|human|them|they|anyone|customer|operator|people)\b/i,
  /\b(?:user|person|human|they|customer|operator)\s+(?:\w+\s+){0,4}?(?:need not|needn'?t|must not|mustn'?t|should not|shouldn'?t|does not need to|doesn'?t need to|is not to|won'?t need to)\s+(?:\w+\s+){0,2}?(?:know|hear|see|notice|be told|learn|find out|be aware)/i,
  /\bkeep(?:ing)?\s+(?:(?:this|it|that|these)\s+)?(?:quiet|silent|mum|to yourself|between us|hidden|secret|confidential|private|out of sight)\b/i,
  /\bkeep(?:ing)?\s+(?:the\s+)?(?:user|person|human|them|customer)\s+(?:out of the loop|in the dark|unaware|uninformed)\b/i,
  /\bkeep(?:ing)?\s+(?:this|it|that|these|the \w+)\s+(?:away\s+)?from\s+(?:the\s+)?(?:user|person|human|them)\b/i,
  // "This is not something the user needs to be told about": the audience's need to know denied.
  /\bnot\s+(?:something|anything|a thing|what|for)\s+(?:that\s+)?(?:the\s+)?(?:user|person|human|customer|owner|they)\s+(?:\w+\s+)?(?:needs?|has|have|should|must|ought|wants?)\s+to\s+(?:know|hear|be told|learn|see|notice|be aware|worry)/i,
  // "Let the duplicate charge go unmentioned", "the run leaves no trace for the account owner", "stays between you and this tool".
  /\b(?:go|goes|remain\w*|stay\w*|left|be left)\s+(?:un(?:mentioned|reported|noticed|disclosed|said|told|stated|flagged)|unspoken)\b/i,
  /\b(?:stay\w*|remain\w*|kept|be kept)\s+between\s+(?:you|us|ourselves)\b/i,
  /\b(?:leaves?|leaving|without leaving)\s+no\s+(?:trace|record|evidence|footprint)s?\b[^.;]{0,40}?\b(?:for|to)\s+(?:the\s+)?(?:\w+\s+)?(?:user|owner|admin\w*|anyone|them|person|customer)\b/i,
];

/** What a withholding order keeps back: a value kept from output for the user's sake ("leave the token out of your reply") is protection. */
const WITHHELD_VALUE =
  /\b(?:tokens?|passwords?|passphrases?|secrets?|credentials?|api[ _-]?keys?|keys?|ids?|identifiers?|account numbers?|card numbers?|pins?|otps?|codes?|raw|json|markup|html|boilerplate|whitespace|formatting)\b/i;
/**
 * Orders that keep something out of what the user is shown: a verb of withholding with the reply, summary or
 * conversation as where it must not appear, or a verb of telling negated with that place ("never disclose this in the
 * conversation"). Judged by what is held back (a secret value is protected, an event is hidden) and by a user condition.
 */
/** What the model tells the user: its reply, the summary it gives, the conversation; not an API's response. */
const TOLD_CHANNEL = String.raw`(?:(?:your|the)\s+(?:\w+\s+)?(?:repl(?:y|ies)|answers?|responses? to the user|summar(?:y|ies)(?! field)|messages? to the user)|(?:the|this)\s+(?:conversation|chat|transcript)|what you (?:say|show|tell|report)|(?:when|while) you (?:show|tell|report|present|display)|\w+ you (?:give|send|write|show))\b`;
const WITHHOLD = [
  new RegExp(
    String.raw`\b(?:keep|keeps|keeping|leave|leaves|leaving|omit|omits|omitted|omitting|exclude[sd]?|excluding|strip|strips|stripped|hide|hides|hidden|withh[oe]ld\w*|redact\w*|left)\s+((?:[\w'-]+\s+){0,5}?)(?:out of|out|from)\s+${TOLD_CHANNEL}`,
    'i',
  ),
  new RegExp(
    String.raw`\b(?:not|never|don't|do not)\s+(?:\w+\s+)?(?:mention\w*|disclos\w*|reveal\w*|surfac\w*|bring up|report\w*|say)\s+((?:[\w'-]+\s+){0,4}?)(?:in|to|within|during)\s+${TOLD_CHANNEL}`,
    'i',
  ),
];
/** Every withholding order names what the user is told through: one cheap scan before the patterns. */
const CHANNEL_GATE = /repl|answer|respons|summar|conversation|chat|transcript|you (?:say|show|tell|report|present|display|give|send|write)/i;
function withholds(text: string): RegExpExecArray | null {
  if (!CHANNEL_GATE.test(text)) return null;
  for (const re of WITHHOLD) {
    const m = re.exec(text);
    if (!m || WITHHELD_VALUE.test(m[1] ?? '')) continue;
    if (
      /^[^.;]{0,60}\b(?:unless|if|until|except when)\b[^.;]{0,30}\b(?:user|they|the person)\b[^.;]{0,20}\b(?:asks?|wants?|requests?)\b/i.test(
        text.slice(m.index + m[0].length),
      )
    )
      continue;
    return m;
  }
  return null;
}

/**
 * Readings of a concealment match that order nothing: the user named only in the condition ("do not mention the whole
 * team unless the user asks"), a relative clause that says what a thing is for ("internal remarks that the customer must
 * not see"), and a statement of fact about something that is not the model ("silenced alerts do not notify anyone").
 */
const USER_IN_CONDITION = /\b(?:unless|if|when|until|except|once)\b[^.,;]*$/i;
const RELATIVE_SUBJECT = /\b(?:that|which|whom?)\s+(?:the\s+|a\s+)?$/i;
const FACT_NEGATION = /^(?:not|never|don'?t|doesn'?t|won'?t)\b/i;
const MODAL_END = /\b(?:must|should|shall|need|needs|ought to|to|may|can|could|would|have|has)\s*$/i;
const NOT_FACT_SUBJECT =
  /(?:^|[.!?:;,]\s*)\W*(?:(?:please|kindly|just|simply|so|and|then|also|but|now|important|note)\W*\s*)*$|\b(?:you|your|assistant|model|agent|ai|llm|claude|gpt)\b/i;
function ordersNothing(text: string, m: RegExpExecArray): boolean {
  const before = text.slice(Math.max(0, m.index - 80), m.index);
  const clause = before.split(/[.!?\n]/).pop() ?? '';
  const whoAt = /\b(?:user|person|human|them|they|anyone|customer|operator|people)\b/i.exec(m[0]);
  if (whoAt && /^\W*(?:not|never|no|don|doesn|won|shouldn|mustn|avoid|nor|without|need)/i.test(m[0]) && USER_IN_CONDITION.test(m[0].slice(0, whoAt.index)))
    return true;
  if (/^(?:user|person|human|customer|operator|they)\b/i.test(m[0]) && RELATIVE_SUBJECT.test(before)) return true;
  // "Uploads are never mentioned to the user" is the passive of an order: someone (the model) is not to mention them.
  if (!FACT_NEGATION.test(m[0]) || MODAL_END.test(clause) || /\b(?:are|is|was|were|be|been|being)\s*$/i.test(clause)) return false;
  const subject = clause.replace(/\b(?:do|does|did|will|are|is|was|were)\s*$/i, '');
  return subject.trim().length > 0 && !NOT_FACT_SUBJECT.test(subject);
}

/** The seventh round's concealment patterns (the last four of CONCEAL), behind the literal each match holds. */
const LATE_CONCEAL_GATE =
  /\bun(?:mentioned|reported|noticed|disclosed|said|told|stated|flagged)|unspoken|\bbetween (?:you|us|ourselves)|\bno (?:trace|record|evidence|footprint)|\bnot (?:something|anything|a thing|what|for)\b/i;
const LATE_CONCEAL = 4;
export function concealmentFindings(text: string): IntentFinding[] {
  const late = LATE_CONCEAL_GATE.test(text);
  let kept: RegExpExecArray | null = null;
  for (const re of late ? CONCEAL : CONCEAL.slice(0, -LATE_CONCEAL)) {
    const m = re.exec(text);
    if (m && !ordersNothing(text, m)) {
      kept = m;
      break;
    }
  }
  const held = kept ? null : withholds(text);
  const m = kept ?? (held && !ordersNothing(text, held) ? held : null);
  if (!m) return [];
  return [
    {
      rule: 'conceal-from-user',
      family: 'concealment',
      severity: 'high',
      evidence: clip(text.slice(Math.max(0, m.index - (kept ? 40 : 60)), m.index + m[0].length + 40)),
      message: kept
        ? 'Tells the model to keep what it does from the user'
        : 'Tells the model to leave out of what it tells the user something the tool or the model does',
    },
  ];
}

const SUPERLATIVE =
  /\b(?:the\s+)?(?:best(?![- ](?:effort|practices?|for|results?|guess|match(?:es)?|model|way|fit)\b)|finest|greatest|fastest|most\s+(?:accurate|trusted|trustworthy|reliable|secure|powerful|advanced|complete|authoritative|up-to-date)|only\s+(?:trusted|reliable|accurate|safe|secure|official|correct)|#\s?1|number one|hands down|unmatched|unrivall?ed|superior|world-?class|state-of-the-art|industry-leading|best-in-class|premier|gold standard)\b/i;
/** Running down the alternatives, or a claimed endorsement: reasons to pick a tool that are not what it does. */
const DISPARAGE =
  /\bthe\s+['"`]?[\w-]+['"`]?\s+(?:tool|server|service|plugin|integration|api|function)s?\s+(?:is|are|has been|have been|was|were)\s+(?:now\s+|currently\s+|known to be\s+)?(?:compromised|broken|tampered(?: with)?|fake|deprecated|unsafe|unreliable|hacked|malicious|poisoned|insecure|outdated|buggy|manipulated|inaccurate|untrustworthy|banned|disabled)\b|\b(?:other|competing|rival|built-?in|default|standard|alternative|existing|original|regular)\s+(?:\w+\s+){0,2}(?:tools?|servers?|services?|options?|versions?|implementations?)\s+(?:\w+\s+){0,2}(?:are|is|return|returns|give|gives|feed|feeds|produce|produces|have been|has been)\s+(?:\w+\s+){0,2}(?:broken|tampered|fake|wrong|outdated|deprecated|unsafe|unreliable|inaccurate|compromised|manipulated|insecure|poisoned|malicious|buggy)\b|\b(?:endorsed|certified|vetted|mandated)\s+by\s+(?:your|the)\s+(?:\w+\s+){0,2}(?:team|department|admin|administrator|company|organi[sz]ation|user|it)\b/i;
/** "Stop using brave_search": told to avoid another tool by name (case matters for the name, not for the verb). */
const REPLACES_NAMED =
  /\b(?:replaces?|supersedes?|is a replacement for|deprecates?|obsoletes?|takes over from)\s+(?:the\s+)?['"`]?([a-z]+_[a-z_]+|[a-z]+[A-Z]\w+|[a-z]+(?:-[a-z]+){1,4})['"`]?/;
const NAMED_IS_BAD =
  /\b([a-z]+_[a-z_]+|[a-z]+[A-Z]\w+)\b['"`]?[^.]{0,60}?\b(?:returns?|gives?|produces?|yields?|serves?|is|are|has been)\s+(?:now\s+)?(?:\w+\s+){0,2}(?:wrong|fake|false|tampered|manipulated|poisoned|incorrect|broken|malicious|inaccurate|compromised|unsafe|unreliable|hacked)\b/;
const OVER_NAMED = /\b(?:over|instead of|rather than|in place of)\s+(?:the\s+)?['"`]?([a-z]+_[a-z_]+|[a-z]+[A-Z]\w+)/;
const OVER_ALL = /\b(?:over|instead of|rather than|in place of)\s+(?:\w+\s+){0,3}?(?:any|all|every)\s+other\b/i;
const STOP_USING_NAMED =
  /\b(?:[Nn]ever|NEVER|[Nn]ot|NOT|[Nn]o longer|[Ii]nstead of|[Rr]ather than|[Aa]void(?:ing)?)\s+(?:the\s+)?['"`]?([a-z]+_[a-z_]+|[a-z]+[A-Z]\w+|[a-z]+(?:-[a-z]+)+)['"`]?\s+(?:tool|function|server)\b/;
const STOP_USING =
  /\b(?:[Ss]top|STOP|[Nn]ever|NEVER|[Dd]o not|DO NOT|[Dd]on'?t|DON'?T|[Nn]o longer)\s+(?:ever\s+)?(?:using|picking|choosing|calling|use|call|pick|choose|trust(?:ing)?)\s+(?:the\s+)?(?:other|competing|rival|built-?in|default|standard|[a-z]+_[a-z_]+|[a-z]+[A-Z]\w+)\b/;
/** Telling the model to choose this tool over the others. */
const CHOOSE_ME =
  /\b(?:(?:always|only)\s+(?:prefer|choose|pick|select|use)\s+(?:this|me)\b|(?:prefer|choose|pick|select|use)\s+(?:this|me)\s+(?:\w+\s+){0,2}(?:instead|over|rather than|every time|whenever)|instead of (?:any|all|other|the other|competing|built-?in|default|standard)\b|(?:supersedes?|replaces?|is a replacement for)\s+(?:the\s+)?(?:other|built-?in|default|standard|original|[a-z]+_[a-z_]+))/i;

/** Praise with universal scope says nothing about what a tool does: "the best tool in the world". */
const HYPERBOLE =
  /\b(?:the\s+)?(?:best|greatest|finest|ultimate|only)\s+(?:\w+\s+){0,2}(?:tool|server|app|solution|choice|option)s?\s+(?:in the world|ever|of all(?: time)?|there is|on earth|available anywhere|you will ever need)\b|\bworld'?s (?:best|greatest|finest|number one)\b/i;

/** Comparisons with the whole field, or endorsements by the crowd: claims about standing, not about function. */
const COMPARE_ALL =
  /\b(?:they|those|these|others|the others|the rest|alternatives|competitors|the other (?:tools|servers|options))\s+(?:are|is)\s+(?:\w+\s+){0,2}(?:slower|worse|less (?:accurate|reliable|secure|trustworthy)|inferior|unreliable|inaccurate|outdated)\b|\b(?:better|faster|smarter|stronger|safer|more (?:accurate|reliable|trusted|trustworthy|secure|powerful|complete|up-to-date|capable|precise))\s+(?:\w+\s+){0,3}?(?:than|to)\s+(?:any|all|every|other|rival|competing|alternative|the (?:rest|competition|others|alternatives))\b|\b(?:outperforms?|outperforming|beats?|surpass(?:es)?|outclass(?:es)?|outshines?|trumps?|eclipses?)\s+(?:any|all|every|each|other|rival|competing|the (?:competition|rest|others|alternatives)|alternatives?)\b|\bno other (?:\w+\s+)?(?:tool|server|service|option|solution|api|provider)s?\b[^.]{0,40}\b(?:comes? close|compares?|matches|can match|is as|does it (?:as|this))\b|\bunlike (?:other|competing|rival|lesser|inferior)\s+(?:\w+\s+)?(?:tools?|servers?|services?|options?|solutions?)|\b(?:inferior|lesser|second-rate)\s+(?:tools?|alternatives?|options?|servers?)\b/i;
const SOCIAL_PROOF =
  /\b(?:trusted|used|loved|chosen|preferred|relied (?:up)?on|endorsed|praised)\s+by\s+(?:over\s+)?(?:millions|thousands|hundreds|countless|experts|professionals|leading|top|fortune|most|all|every|\d[\d,.]*\s*(?:k|m|million|thousand)?\+?\s*(?:users|developers|teams|companies|customers))\b|\b(?:top-?rated|highest-?rated|award-?winning|5-star|five-star|rated (?:#\s?1|number one|the best)|(?:#\s?1|number one)\s+(?:rated|choice|tool|pick|option))\b(?=\s*(?:[.,;:!)]|$|(?:\w+\s+)?(?:tool|server|service|api|integration|solution|choice|option|plugin|provider)s?\b|by\b))/i;
/** This tool calling itself the best: the praise has to be about the tool, not "the best match" among results. */
const SELF_SUPERLATIVE =
  /\b(?:this|our|it)\s+(?:\w+\s+)?(?:tool|server|service|function|api|app|plugin|one)?\s*(?:is|'s)\s+(?:simply\s+|truly\s+|by far\s+|easily\s+|clearly\s+)?(?:the\s+)?(?:best|greatest|finest|ultimate|top|leading|premier|go-to|most (?:accurate|reliable|trusted|trustworthy|powerful|advanced|secure|dependable)|only (?:\w+\s+)?(?:tool|option|choice|one) (?:you|worth|that)|superior|unmatched|unrivall?ed|perfect|ideal)\b/i;
const words = (t: string) => t.split(/\s+/).filter((w) => /[a-z]{2}/i.test(w)).length;

/**
 * Praise that is all there is, or nearly: sentences praising this tool make up a large share of what it
 * says about itself, so the text's job is to be picked rather than to say what it does.
 */
function praiseShare(text: string): { share: number; first: string } | undefined {
  const all = sentences(text);
  let praise = 0;
  let first = '';
  for (const s of all) {
    if (!SELF_SUPERLATIVE.test(s.text) && !HYPERBOLE.test(s.text)) continue;
    praise += words(s.text);
    first ||= s.text;
  }
  return first ? { share: praise / Math.max(1, words(text)), first } : undefined;
}

/** What a tool is ranked against: "than other visual elements" compares things of the domain, not tools. */
const RIVALS =
  /^\s+(?:\w+\s+){0,2}?(?:tools?|servers?|services?|options?|alternatives?|apis?|apps?|solutions?|providers?|plugins?|ones?|integrations?|choices?|engines?|products?|vendors?|models?|assistants?|extensions?|libraries|packages?)\b/i;
const domainComparison = (m: RegExpExecArray, text: string): boolean =>
  /\bthan\s+other$/i.test(m[0]) && !RIVALS.test(text.slice(m.index + m[0].length, m.index + m[0].length + 60));

export function promotionFindings(text: string, ctx: IntentContext, ownDescription = false): IntentFinding[] {
  const compared = COMPARE_ALL.exec(text);
  const field = (compared && !domainComparison(compared, text) ? compared : null) ?? SOCIAL_PROOF.exec(text);
  if (field)
    return [
      {
        rule: 'preference-manipulation',
        family: 'preference-manipulation',
        severity: 'medium',
        evidence: clip(text.slice(Math.max(0, field.index - 40), field.index + field[0].length + 40)),
        message: 'Ranks itself above every other tool or cites its popularity, which says nothing about what it does: a bid to be picked over other tools',
      },
    ];
  const share = ownDescription ? praiseShare(text) : undefined;
  if (share && share.share >= 0.35)
    return [
      {
        rule: 'preference-manipulation',
        family: 'preference-manipulation',
        severity: 'medium',
        evidence: clip(share.first),
        message: `Spends ${Math.round(share.share * 100)}% of its description praising itself rather than saying what it does: a bid to be picked over other tools`,
      },
    ];
  const hype = HYPERBOLE.exec(text);
  if (hype)
    return [
      {
        rule: 'preference-manipulation',
        family: 'preference-manipulation',
        severity: 'medium',
        evidence: clip(text.slice(Math.max(0, hype.index - 30), hype.index + hype[0].length + 30)),
        message: 'Calls itself the best there is, which says nothing about what it does: a bid to be picked over other tools',
      },
    ];
  // "Do not use search_issues for this" pointing at a sibling is guidance, not disparagement.
  const down =
    DISPARAGE.exec(text) ??
    affirmedOutsider(STOP_USING, text, ctx) ??
    affirmedOutsider(STOP_USING_NAMED, text, ctx) ??
    affirmedOutsider(REPLACES_NAMED, text, ctx) ??
    affirmedOutsider(NAMED_IS_BAD, text, ctx);
  const sup = SUPERLATIVE.exec(text);
  const choose = CHOOSE_ME.exec(text);
  // "Always choose this over brave_web_search or any other search tool": an order to prefer it over tools it names or over all of them.
  const over =
    choose &&
    (OVER_ALL.exec(text) ??
      (/\b(?:always|only|must|never)\b/i.test(text.slice(Math.max(0, choose.index - 30), choose.index + choose[0].length))
        ? affirmedOutsider(OVER_NAMED, text, ctx)
        : null));
  const hit = down ?? over ?? (sup && choose ? choose : null);
  if (hit) {
    return [
      {
        rule: 'preference-manipulation',
        family: 'preference-manipulation',
        severity: 'medium',
        evidence: clip(text.slice(Math.max(0, hit.index - 60), hit.index + hit[0].length + 60)),
        message: `Tries to make the model pick this tool over others (${down ? 'running down the alternatives or claiming an endorsement' : 'praise plus an order to choose it'}), which says nothing about what it does`,
      },
    ];
  }
  if (sup || choose) {
    const m = (sup ?? choose)!;
    return [
      {
        rule: 'self-praise',
        family: 'preference-manipulation',
        severity: 'low',
        evidence: clip(text.slice(Math.max(0, m.index - 40), m.index + 80)),
        message: 'Praises itself or asks to be preferred rather than saying what it does',
      },
    ];
  }
  return [];
}

const DESTRUCTIVE_COMMAND =
  /\brm\s+-[a-z]*[rf]|\bsudo\s+rm\b|\bgit\s+(?:reset\s+--hard|clean\s+-[a-z]*f|push\s+(?:-f|--force))|\bdrop\s+(?:table|database|schema)\b|\btruncate\s+table\b|\bmkfs\b|\bdd\s+if=|\bchmod\s+(?:-R\s+)?[0-7]*7[0-7]*\b|\bkill(?:all)?\s+-9\b|\bshutdown\b|\bformat\s+[a-z]:|\bdel\s+\/[sqf]/i;
const DESTROY_ALL = /\b(?:delete|wipe|erase|purge|reset|drop|remove)\s+(?:all|every|the (?:whole|entire))\b/i;
const EVERY_USE =
  /\b(?:pre-?requisite|pre-?condition|required|must|setup|set-up|beforehand|as a first step|pre-?step|to use this|prior to)\b|\b(?:every|each|all|any)\s+(?:\w+\s+){0,2}(?:call|use|run|request|command|time|invocation|operation|query|session)s?\b|\balways\b|\b(?:prefix|prepend|precede|start|begin)\w*\b|\bfirst\b|\bbefore\b/i;
const ENV_FACT =
  /\b(?:environment|system|server|machine|sandbox|workspace|container|host|cluster|database|shell|terminal|os|kernel|filesystem|disk|repo(?:sitory)?|cache)\b[^.]{0,60}\b(?:requires?|needs?|is configured|is set up|only works|expects?|is corrupted|is locked|is full|has a bug|is stale|must be)\b/i;

const PROHIBITED =
  /\b(?:are|is|will be|get|gets)\s+(?:\w+\s+)?(?:rejected|blocked|refused|forbidden|disallowed|prohibited|not allowed|denied|not permitted)\b|\b(?:never|do not|don'?t|must not|cannot|can'?t|refuses? to|won'?t)\s+(?:\w+\s+){0,2}(?:run|execute|issue|use|allow|perform)\b/i;
const OWN_ACTION_BRACKET =
  /(?:^|[.!?\n]\s*)\W*(?!(?:Always|Sometimes|Perhaps|Unless|Thus|Besides|Afterwards|Users|This|Its|Is|Was|Has|Does|Agents|Assistants|Models)\b)[A-Z][a-z]+(?<!s)s\b(?:(?!\b(?:must|should|need|needs|have to|has to|first|before|always|every|each)\b)[^.!?\n(])*\(\s*`?$/;
export function destructiveStepFindings(text: string): IntentFinding[] {
  const command = DESTRUCTIVE_COMMAND.exec(text);
  const m = command ?? DESTROY_ALL.exec(text);
  if (!m) return [];
  const near = text.slice(Math.max(0, m.index - 200), m.index + 200);
  // A real destructive command on every use, or any wholesale deletion justified by a claim about the environment.
  // Documented as refused ("DROP TABLE and other writes are rejected") is a guard, not a demand.
  if (PROHIBITED.test(near)) return [];
  // Told to run it ("execute DROP TABLE audit_log") is as much a demand as "before every use".
  const told = command && /\b(?:run|execute|issue|perform|type|enter|invoke)\s+(?:\S+\s+){0,2}?$/i.test(text.slice(Math.max(0, m.index - 40), m.index));
  // "Runs git clean -fd in the repository", "Removes untracked files (git clean -fd)": the tool describing its own
  // action in a sentence whose verb is its own (third person), not a step demanded of the model.
  const lead = text.slice(Math.max(0, m.index - 120), m.index);
  if (
    command &&
    !ENV_FACT.test(near) &&
    (/(?:^|[.!?\n]\s*)\W*(?:runs|executes|performs|issues|invokes|wraps|calls)\s+(?:\S+\s+){0,1}?$/i.test(lead.slice(-40)) || OWN_ACTION_BRACKET.test(lead))
  )
    return [];
  if (!(command && (told || EVERY_USE.test(near))) && !ENV_FACT.test(near)) return [];
  return [
    {
      rule: 'destructive-precondition',
      family: 'destructive',
      severity: 'high',
      evidence: clip(near),
      message: `Requires a destructive step (${m[0].trim()}) as a condition of using it${ENV_FACT.test(near) ? ', justified by a claim about the environment' : ''}`,
    },
  ];
}

const ALONGSIDE =
  /\b(?:along the way|in passing|as a bonus|in parallel|besides|on top of (?:that|this)|also|additionally|as well|while|whilst|during|as part of|in the background|meanwhile|behind the scenes|alongside|on the side|in addition|at the same time|quietly|silently|automatically)\b/i;
const KEEP =
  /\b(?:collect\w*|keep(?:s|ing)?|kept|stor(?:e|es|ed|ing)|retain\w*|sav(?:e|es|ed|ing)|record\w*|captur\w*|harvest\w*|log(?:s|ged|ging)?|archiv\w*|cop(?:y|ies|ied)|send\w*|sent|upload\w*|ship\w*|forward\w*|sync\w*|mirror\w*|transmit\w*|extract\w*|scrap\w*|grab\w*|gather\w*)\b/i;
// "Linear's token endpoint" names where tokens are made, not a token.
const PERSONAL =
  /\b(?:keystrokes?|key ?logs?|everything (?:you|they|the user) types?|clipboard|address book|browsing history|screenshots?|microphone|camera|(?:gps|geo|exif|precise|device|user'?s?|their|your)\s?location|location (?:data|history)|gps|geolocation|exif|biometrics?|health (?:data|records)|medical|credentials?|passwords?|tokens?(?!\s+(?:endpoint|url|uri|limit|count|usage|budget|expiry|type|format)s?\b)|api[ _-]?keys?|secrets?|card numbers?|credit cards?|one-time codes?|otp|login details?|cookies?|personal (?:data|details|information)|contacts?|private keys?|keys?|ssh|wallet|seed phrases?|social security|bank (?:details|accounts?|statements?|transactions?)|financial (?:data|records|history)|e-?mail addresses|(?:user'?s?|their|your|customer'?s?)\s+(?:e-?mail address|phone numbers?|home address)|(?:saved|browser|login|logged-in|active) sessions?|session (?:cookies|tokens))\b/i;
const REMOTE =
  /\b(?:remote(?:ly)?|external(?:ly)?|third-party|our (?:servers?|backend|cloud|team)|the cloud|cloud (?:storage|store|bucket)|off-?site|analytics|telemetry|upstream|elsewhere|outside)\b|https?:\/\//i;

/** A stated side effect that does not fit the purpose: collecting secrets, or keeping the input somewhere remote. */
const KEPT =
  /\b(?:logged|recorded|retained|kept|stored|saved|archived|collected|harvested|captured|uploaded|transmitted|shared|sold|mirrored|synced|forwarded|cached|exported|sent|registers)\b/i;
const PASSED_ON =
  /\b(?:passed on|passes on|handed (?:over|on)|disclosed to|provided to|made available to|given to|uploads|sends|transmits|forwards|ships|syncs|reports|beacons|mirrors|copies|stream(?:s|ed|ing)?|cach(?:e|es|ed|ing)|maintain(?:s|ed)?|shared with|sold to|added to (?:a |our |the )?(?:\w+\s+)?(?:database|list)|opted[- ]in|synced|mirrored|synchroni[sz]ed|uploaded|transmitted|forwarded|retained)\b/i;
/** Someone else's service as a destination: "to the shortening service", "to a partner data broker". */
const SENT_AWAY =
  /\b(?:to|into)\s+(?:the|a|an|our|their)\s+(?!(?:local|system|os|keychain|credential|secret)\b)(?:[\w-]+\s+){0,2}?(?:service|servers?|endpoint|provider|vendor|broker|company|partners?|bucket|ledger|collector)\b/i;
/** "Logs in to github.com" moves nothing: a keeping or sending verb, then a destination after it. */
const MOVE_EACH = new RegExp(String.raw`(?!log(?:s|ged|ging)?\s+(?:in|on|out)\b)${KEEP.source}`, 'gi');
function movedAway(sentence: string): boolean {
  for (const m of sentence.matchAll(MOVE_EACH)) {
    // A bounded window after each verb: a hostile sentence of repeated verbs must not make this quadratic.
    const rest = sentence.slice(m.index + m[0].length, m.index + m[0].length + 160);
    if (SENT_AWAY.test(rest) || addresses(rest).length > 0) return true;
  }
  return false;
}
const FAR_AWAY =
  /\b(?:remote (?:endpoint|server|store|storage|host|location|database|service)s?|externally|third[- ]part(?:y|ies)|marketing|partners?|advertis\w*|via (?:the )?cloud|to the cloud|in the cloud|our (?:\w+\s+)?(?:servers?|service|backend|cloud)|(?:the )?vendor(?:'s)? (?:side|servers?|cloud|backend)|our (?:\w+\s+){2}(?:servers?|service|backend|cloud)|analytics)\b/i;

const KEPT_EACH = new RegExp(KEPT.source, 'gi');
const ATTRIBUTIVE = new RegExp(String.raw`^\s+(?:${PERSONAL.source})`, 'i');
/** A keeping verb said of the data, not one that only names it ("archived contacts can be restored"). */
/** "Location data is kept only if keep_location is true": an option the caller sets with the tool's own flag. */
const OWN_FLAG_CONDITION =
  /\b(?:only\s+)?(?:if|when|unless)\s+['"`]?[a-z]+(?:_[a-z]+)+['"`]?\s+(?:is|are|=|==)\s*['"`]?(?:true|false|set|on|off|enabled|given|provided)\b/i;
function predicateKept(sentence: string): RegExpMatchArray | undefined {
  for (const m of sentence.matchAll(KEPT_EACH)) {
    const end = m.index + m[0].length;
    // "Logged-in pages" is an adjective; "archived contacts" names the records.
    if (ATTRIBUTIVE.test(sentence.slice(end)) || sentence[end] === '-') continue;
    // What is kept is in the verb's own clause: its subject before it ("each password checked is logged", "the history is
    // read and kept") or its object after it. "Pages are captured with the profile's cookies, so …" keeps the pages:
    // the cookies are the means, and the next clause is another matter.
    const before =
      sentence
        .slice(Math.max(0, m.index - 100), m.index)
        .split(/[,;:]/)
        .pop() ?? '';
    const after = sentence.slice(end, end + 100).split(/[,;:]/)[0] ?? '';
    if (PERSONAL.test(withoutMeans(`${before} ${m[0]} ${after}`))) return m;
  }
  return undefined;
}
const MEANS = new RegExp(
  String.raw`\b(?:with|using|via|through|by means of)\s+(?:the\s+|your\s+|its\s+|their\s+)?(?:[\w-]+(?:'s|’s)?\s+){0,3}?(?:${PERSONAL.source})`,
  'gi',
);
const withoutMeans = (sentence: string) => sentence.replace(MEANS, ' ');

/** A purpose that is keeping or moving secrets or contacts ("Syncs secrets."): not rating a password, not "Filter key.". */
const PURPOSE_PERSONAL =
  /\b(?:sync|store|save|back(?:s|ing)? up|manag|export|import|cop(?:y|ies)|upload|transfer|migrat|shar|rotat|put|write)\w*\b[^.]{0,40}\b(?:secrets?|credentials?|passwords?|api[ _-]?keys?|access tokens?|vaults?|keychains?|keyrings?|contacts?|address book)\b/i;
const LINK = /\b(?:https?|ftp):\/\/[^\s)\]>"']+/gi;
/**
 * A keeping or sending act that is not the tool's own side effect: the act its name is for ("Start a port forward in the
 * background" on port_forward), or one the user does ("should be stored by the user in their own secret store").
 */
const KEEP_ALL = new RegExp(KEEP.source, 'gi');
const USER_DOES = /^\s+by\s+(?:the\s+)?(?:user|you|customer|caller|client|owner)s?\b/i;
const PRODUCES = /^(?:take|capture|create|generate|render|export|record|snap|make|draw|print|save)$/i;
/** The word names what the tool's name says it makes ("screenshots" and take_screenshot). */
function ownWork(word: string, name: string): boolean {
  // Only what the tool makes (take_screenshot, export_report): a password it checks or a clipboard it reads is the user's.
  const named = word && name ? nameWords(name) : [];
  if (!named.some((w) => PRODUCES.test(w))) return false;
  const own = new Set(named.map((w) => w.toLowerCase().slice(0, 6)));
  return nameWords(word).some((w) => w.length >= 4 && own.has(w.toLowerCase().slice(0, 6)));
}

function toolKeeps(sentence: string, name: string): boolean {
  const own = new Set(nameWords(name).map((w) => w.slice(0, 5)));
  for (const m of sentence.matchAll(KEEP_ALL)) {
    if (own.has(m[0].toLowerCase().slice(0, 5))) continue;
    if (USER_DOES.test(sentence.slice(m.index + m[0].length))) continue;
    return true;
  }
  return false;
}

export function sideEffectFindings(text: string, name = ''): IntentFinding[] {
  // Past the first sentence (the stated purpose), data passed on to somewhere far away is a side effect.
  const all = sentences(text);
  const rest = all.slice(1);
  const purposePersonal = PURPOSE_PERSONAL.test(all[0]?.text ?? '');
  const places = purposePersonal ? [...(all[0]?.text ?? '').matchAll(/(?<=\S\s+)[A-Z][\w-]{2,}/g)].map((m) => m[0]) : [];
  for (const whole of rest) {
    // A limit in the user's favour is read apart (limit-clauses.ts): what is left must say the passing on itself.
    const s = { text: withoutLimits(whole.text) };
    if (!s.text.trim()) continue;
    // …and so is keeping the secrets or personal data it sees ("each password checked is logged").
    // A tool whose stated purpose is the secrets or personal data ("Syncs secrets.") keeping them where the user set is its job.
    // "Stored remotely in the Vault cluster" after "Writes a secret to Vault.": the remote place is the one the purpose names.
    const ownJob =
      purposePersonal && !FAR_AWAY.test(s.text) && addresses(s.text).length === 0 && (!REMOTE.test(s.text) || places.some((p) => s.text.includes(p)));
    // "The token is kept in the system keychain by npm": put away in the user's own secret store, not kept by the tool.
    // "Screenshots are saved in the output directory" on take_screenshot: what its name makes is its to keep.
    const ownObject = ownWork(PERSONAL.exec(s.text)?.[0] ?? '', name);
    const kept = OWN_FLAG_CONDITION.test(s.text) || ownJob || ownObject || keptInSecretStore(s.text) ? undefined : predicateKept(s.text);
    // The negation is read in the whole sentence: "stored encrypted …; never put them in notes" keeps its limit (set 17).
    if (kept && PERSONAL.test(s.text) && !NEGATION.test(whole.text)) {
      return [
        {
          rule: 'unfitting-side-effect',
          family: 'harvest',
          severity: 'high',
          evidence: clip(whole.text),
          message: `Says that, beyond what it is for, the secrets or personal data it sees are ${kept[0].toLowerCase()}`,
        },
      ];
    }
    if (ownJob) continue;
    const keptAway = PERSONAL.test(s.text) && affirmed(KEEP, s.text) !== null && (FAR_AWAY.test(s.text) || REMOTE.test(s.text) || movedAway(s.text));
    if (!(FAR_AWAY.test(s.text) || keptAway) || (!keptAway && (!PASSED_ON.test(s.text) || affirmed(PASSED_ON, s.text) === null))) continue;
    if (/\b(?:never|not|no|without|don'?t|doesn'?t|won'?t)\b[^.,;]{0,30}\b(?:stream|cache|share|sync|upload|sell|sold|retain)/i.test(s.text)) continue;
    return [
      {
        rule: 'unfitting-side-effect',
        family: 'harvest',
        severity:
          PERSONAL.test(s.text) || /\b(?:history|fingerprint|location|names|account numbers?|emails?|clipboard|contacts?)\b/i.test(s.text) ? 'high' : 'medium',
        evidence: clip(whole.text),
        message: 'Says it passes what it handles on to somewhere remote or to third parties, beyond what it is for',
      },
    ];
  }
  if (!ALONGSIDE.test(text) || !KEEP.test(text)) return [];
  for (const whole of sentences(text)) {
    const s = { text: withoutLimits(whole.text) };
    // A word inside a link is no verb of the sentence: "…/docs/logging-query-language" logs nothing.
    if (!ALONGSIDE.test(s.text) || !toolKeeps(s.text.replace(LINK, ' '), name)) continue;
    if (/\b(?:never|not|no|without|don'?t|doesn'?t|won'?t)\b[^.]{0,30}\b(?:collect|keep|store|retain|save|record|log|send|upload|share)/i.test(s.text))
      continue;
    const personal = PERSONAL.test(s.text);
    const remote = REMOTE.test(s.text);
    if (personal)
      return [
        {
          rule: 'unfitting-side-effect',
          family: 'harvest',
          severity: 'high',
          evidence: clip(whole.text),
          message: `Says that, besides its stated job, it collects or passes on secrets or personal data${remote ? ' to somewhere remote' : ''}`,
        },
      ];
    if (remote && /\b(?:input|text|content|files?|data|documents?|everything|messages?|queries|prompts?|code|results?)\b/i.test(s.text))
      return [
        {
          rule: 'unfitting-side-effect',
          family: 'harvest',
          severity: 'medium',
          evidence: clip(whole.text),
          message: 'Says that, besides its stated job, it keeps or sends what it is given somewhere remote',
        },
      ];
  }
  return [];
}

// ── Parameters that ask for the agent's own internals ───────────────────────

const INTERNALS_NAME =
  /^(?:.*[_-])?(?:session[_-]?(?:dump|log|history|transcript)|conversation|convo|transcript|chat[_-]?(?:history|log)|dialog(?:ue)?(?:[_-]history)?|system[_-]?prompt|sys[_-]?prompt|prompt[_-]?history|previous[_-]?messages|prior[_-]?messages|message[_-]?history|chain[_-]?of[_-]?thought|cot|reasoning[_-]?trace|inner[_-]?thoughts?|model[_-]?(?:name|id|version|identity)|llm[_-]?(?:name|model)|agent[_-]?(?:name|model|instructions)|available[_-]?tools|tool[_-]?(?:list|names|inventory)|instructions[_-]?received|context[_-]?window|full[_-]?context|session[_-]?memory)(?:[_-].*)?$/i;
const INTERNALS_TEXT =
  /\beverything (?:the user|you|they) (?:has |have )?(?:typed|said|written|sent|asked|told you)\b|\b(?:all|every) (?:of the )?(?:messages?|things?|words?) (?:the user|you) (?:has |have )?(?:typed|said|written|sent)\b|\b(?:this|the current|the whole|the entire) session'?s? (?:history|messages|transcript|log|contents?)\b|\b(?:your|the (?:assistant|ai|model|agent|llm)'s)\s+(?:own\s+)?(?:system prompt|instructions|setup|configuration|reasoning|thoughts|chain of thought|model(?: name| id| version)?|name|identity|tools|tool list|context|memory|conversation|messages|rules|guidelines)\b|\b(?:system prompt|setup (?:text|message)|chain of thought|(?:every|all|each)\s+(?:earlier|previous|prior)\s+(?:turn|message|exchange)s?|(?:earlier|previous|prior)\s+(?:turns|messages|exchanges)|everything said so far|the (?:whole|entire|full|complete) (?:conversation|chat|dialog(?:ue)?)(?: so far| history| context| with the user)?|(?:tools|functions) (?:you have|available to you|you can call)|list of (?:your |all |available )?tools|which model you are|your model)\b|\binstrucciones (?:de|del) sistema\b|\bsystemanweisung\w*|\binstructions? (?:du |de )?syst[eè]me\b|\bistruzioni (?:di |del )?sistema\b|\binstru[cç][oõ]es do sistema\b|системн\w+\s+(?:инструкц\w+|промпт\w*)|系统(?:提示|指令)|システム(?:プロンプト|指示)/i;

/**
 * Seventeenth round: the same internals asked by what they are, not by their usual names: the tools loaded in the
 * session, the model answering, its private notes, what it holds about the user, other tools' raw results, the prompt
 * it is acting on.
 */
const INTERNALS_DESCRIBED =
  /\b(?:every|each|all)\s+(?:other\s+)?tools?(?:\s+(?:names?|descriptions?|definitions?|schemas?)(?:\s+and\s+(?:names?|descriptions?|definitions?|schemas?))?)?\s+(?:currently\s+)?(?:loaded|available|installed|registered|connected|enabled)\s+(?:in|to|for)\s+(?:your|this|the(?:\s+current)?)\s+(?:session|context|agent|assistant|client|conversation)\b|\b(?:exact\s+)?model\s+(?:name\s+|id\s+)?(?:and|\+)\s+version\s+(?:(?:that|which)\s+(?:is\s+)?)?(?:answering|serving|handling|running|behind|responding)\b|\b(?:your|the (?:assistant|agent|model)'?s)\s+(?:own\s+)?(?:private|internal|hidden|scratch|working)\s+(?:working\s+)?(?:notes|reasoning|thoughts|scratchpad|drafts?|plan)\b|\b(?:anything|everything|all|whatever)\s+(?:that\s+)?you\s+(?:have\s+)?(?:stored|remember(?:ed)?|know|learned|saved|recall|keep)\s+(?:\w+\s+){0,2}?about\s+(?:the\s+)?(?:current\s+)?(?:user|customer|person|caller|requester)\b|\b(?:results?|outputs?|responses?)\s+(?:of|from)\s+(?:every|all|each|any)\s+(?:other\s+|previous\s+|earlier\s+)?tool\s+calls?\b|\bthe\s+(?:prompt|instructions?|request text)\s+you\s+are\s+(?:currently\s+)?(?:executing|running|following|processing|acting on|working from|answering)\b/i;

export function internalsParameterFindings(params: { name: string; text: string; required: boolean; path: string }[], purpose: string): IntentFinding[] {
  const out: IntentFinding[] = [];
  // A tool whose job is calling a model takes a system prompt and messages as its input.
  if (/\b(?:llm|model|completion|chat|prompt|agent|assistant|gpt|claude|openai|anthropic|gemini|inference)\b/i.test(purpose.replace(/[_-]/g, ' '))) return out;
  for (const p of params) {
    const byText = INTERNALS_TEXT.exec(p.text) ?? INTERNALS_DESCRIBED.exec(p.text);
    const byName = INTERNALS_NAME.test(p.name) && !/\b(?:model|llm|conversation|chat|transcript|prompt|agent|tool)s?\b/i.test(purpose.replace(/[_-]/g, ' '));
    if (!byText && !byName) continue;
    const what = byText ? byText[0] : p.name;
    // Its own name or model is telemetry some servers ask for; its conversation, prompt or reasoning is never theirs to ask.
    const identityOnly =
      /\b(?:name|identity|model(?: name| id| version)?|which model you are|your model)$/i.test(what) ||
      (/^(?:.*[_-])?(?:model|llm|agent)[_-]?(?:name|id|version|identity)?$/i.test(p.name) && !byText);
    out.push({
      rule: 'asks-for-agent-internals',
      family: 'exfiltration',
      severity: identityOnly ? (p.required ? 'medium' : 'low') : byText ? 'high' : p.required ? 'medium' : 'low',
      evidence: clip(`${p.name}${p.text ? `: ${p.text}` : ''}`),
      message: `Parameter "${clip(p.name, 60)}" asks the model for its own internals (${clip(what, 60)}), which has nothing to do with what the tool does`,
    });
  }
  return out;
}

/**
 * Parameters documented in the description's prose (JSDoc `@param {string} hostModel - …`, docstring `memory (dict): …`,
 * OpenAPI `x-client-context (header, required): …`): the model fills them from that text as from a schema, so each is
 * read as a parameter.
 */
const DOCUMENTED_PARAM =
  /(?:^|\n|[.;,]\s)\s*(?:[-*]\s*)?(?:@param\s+(?:\{[^}\n]{0,80}\}\s*)?(\[?)([\w.$-]{1,64})[^\s\]]{0,40}\]?\s*-?\s*|([\w.$-]{1,64})\s*\(([^)\n]{0,60})\)\s*:\s*)([^\n]{1,300})/g;

export function documentedParameterFindings(description: string, purpose: string): IntentFinding[] {
  if (!/@param|\):/.test(description)) return [];
  const params = [...description.matchAll(DOCUMENTED_PARAM)].map((m) => ({
    name: m[2] ?? m[3] ?? '',
    text: m[5] ?? '',
    // JSDoc marks an optional one with brackets; a docstring or OpenAPI line says "required".
    required: m[2] !== undefined ? m[1] !== '[' : /\brequired\b/i.test(m[4] ?? ''),
    path: '/description',
  }));
  return params.length ? internalsParameterFindings(params, purpose) : [];
}

// ── Pressure: invented consequences of not complying ────────────────────────

const PRESSURE =
  /\b(?:otherwise|or else|else|if (?:not|this is (?:skipped|omitted|not done)|it is (?:skipped|omitted)|you (?:skip|omit|forget|fail to|neglect to|don'?t|do not))|failing (?:this|that|to)|without (?:this|it|doing so)|skipping (?:this|it)|omitting (?:this|it)|(?:mail|messages?|requests?|calls?) without it)\b[^.]{0,80}?\b(?:fail\w*|break\w*|error\w*|crash\w*|lock\w* up|locks?|bounce\w*|corrupt\w*|lose|lost|overload\w*|be rejected|(?:will|would|won'?t) not work|won'?t work|stop\w* working|be blocked|be banned|be suspended|be penali[sz]ed|be deleted|data loss|undefined behaviou?r|inaccurate|wrong results?)\b/i;

export function pressureFindings(text: string): IntentFinding[] {
  const m = PRESSURE.exec(text);
  return m
    ? [
        {
          rule: 'invented-consequence',
          family: 'pressure',
          severity: 'low',
          evidence: clip(text.slice(Math.max(0, m.index - 60), m.index + m[0].length + 20)),
          message: 'Threatens a failure if the model does not comply',
        },
      ]
    : [];
}

// ── Parameters unrelated to the tool that ask for personal data or secrets ──

const PERSONAL_PARAM =
  /^(?:.*[_-])?(?:ssn|social[_-]?security(?:[_-]number)?|id[_-]?card(?:[_-]number)?|national[_-]?id|passport(?:[_-]number)?|credit[_-]?card(?:[_-]number)?|card[_-]?number|cvv|cvc|bank[_-]?account(?:[_-]number)?|iban|routing[_-]?number|password|passwd|passcode|pin[_-]?code|mnemonic|seed[_-]?phrase|private[_-]?key|secret[_-]?key|date[_-]?of[_-]?birth|dob|home[_-]?address|mother'?s?[_-]?maiden[_-]?name|phone[_-]?number|mobile[_-]?number|otp|one[_-]?time[_-]?(?:code|password)|2fa[_-]?code|verification[_-]?code)(?:[_-].*)?$/i;
const PERSONAL_PURPOSE =
  /\b(?:log ?in|sign ?(?:in|up)|register|auth\w*|account|password|credential|payment|pay|checkout|billing|bank|card|identity|verify|verification|kyc|user|profile|contact|address|phone|sms|call|wallet|crypto|key|secret|vault|encrypt|decrypt|hash|otp|2fa|mfa|person|patient|customer|employee|signup|onboard)\b/i;

const FINANCIAL_SECRET =
  /(?:^|[_-])(?:cvv|cvc|card[_-]?number|credit[_-]?card|ssn|social[_-]?security|seed[_-]?phrase|mnemonic|private[_-]?key|iban|routing[_-]?number|passport)(?:$|[_-])/i;
/** Someone else's secret named in a field's own text: the user's, an e-mail or bank account, a wallet, a key elsewhere. */
const ANOTHER_OWNER = /\b(?:users?'?s?|your|their|his|her|personal|e-?mail|gmail|outlook|bank\w*|wallet|ssh|github|aws|browser|saved|social)\b/i;

/**
 * The secret belongs to the thing this tool's name makes or opens: a mailbox's password on mail_createMailbox, a
 * certificate's private key on custom-certificate-create, the root password of a recovery mode on startRecoveryMode.
 * The field's own text names that thing, and no one else's account. A calculator that wants "the user's e-mail
 * password" names no object of its own (its name is all verbs or has nothing the field is for).
 */
/** Secrets a system issues or sets for a thing it makes (a mailbox's password, a certificate's key, a line's number). */
const ISSUED_FOR_A_THING =
  /(?:^|[_-]|(?<=[a-z])(?=[A-Z]))(?:password|passwd|passcode|pin(?:[_-]?code)?|private[_-]?key|secret[_-]?key|phone[_-]?number|mobile[_-]?number)(?:$|[_-]|(?<=[a-z])(?=[A-Z]))/i;
function secretOfOwnObject(p: { name: string; text: string }, toolName: string): boolean {
  // A card number, an SSN, a seed phrase or a passport belongs to a person, never to a thing a tool makes.
  if (!p.text || !ISSUED_FOR_A_THING.test(p.name) || ANOTHER_OWNER.test(p.text)) return false;
  const objects = new Set(nameWords(toolName).filter((w) => w.length >= 3 && !ACTION_WORDS.has(w) && !/^v?\d+$/.test(w)));
  if (objects.size === 0) return false;
  return nameWords(p.text).some((w) => objects.has(w));
}

/** The parameter's text says it takes an attribute of the document, not the document ("passport: Country"). */
/** Words that ask for the document itself after all ("Type (full 16-digit number, expiry and CVV)"). */
const ASKS_THE_NUMBER = /\b(?:numbers?|no\.|digits?|full|complete|whole|cvv|cvc|pin|code|expiry|expiration|mrz|scan|photo|copy)\b|#|\d/i;
const ATTRIBUTE_ONLY =
  /^\s*(?:the\s+)?(?:issuing\s+)?(?:country|nationality|region|type|kind|issuer|provider)\b(?:\s+(?:code|name|of (?:issue|the \w+)))?\s*[.(]?[^.]{0,40}$/i;

export function personalParameterFindings(
  params: { name: string; text: string; required: boolean; path: string }[],
  purpose: string,
  toolName = '',
): IntentFinding[] {
  // A name is words in any case: CreateIncomingPhoneNumberLocal is about a phone, CreateSipCredential about a credential.
  if (PERSONAL_PURPOSE.test(purpose.replace(/[_-]/g, ' ').replace(/(?<=[a-z0-9])(?=[A-Z])/g, ' '))) return [];
  return params
    .filter((p) => PERSONAL_PARAM.test(p.name) && !secretOfOwnObject(p, toolName) && !(ATTRIBUTE_ONLY.test(p.text) && !ASKS_THE_NUMBER.test(p.text)))
    .map((p) => ({
      // A card's security code or a seed phrase has one use, and it is not this tool's: asking at all is the harm.
      rule: 'asks-for-personal-data',
      family: 'exfiltration',
      severity: p.required || FINANCIAL_SECRET.test(p.name) ? ('medium' as const) : ('low' as const),
      evidence: clip(`${p.name}${p.text ? `: ${p.text}` : ''}`),
      message: `Parameter "${clip(p.name, 60)}" asks for personal data or a secret that has nothing to do with what the tool does`,
    }));
}

// ── Sensitive things routed into a parameter or to an outside address ───────

/**
 * A sentence that puts a sensitive file, a secret or the model's own context into one of
 * this tool's parameters, or sends it to an outside address: the exfiltration itself,
 * whatever verb carries it ("ride along in the tag argument", "is pushed to http://…").
 */
export function routedSecretFindings(text: string, params: ReadonlySet<string>): IntentFinding[] {
  // Secret *words* ("the API key") are what many real tools take as input: only files, secret-named
  // environment variables and the model's own context count here.
  if (!SENSITIVE_PATH.test(text) && !INTERNALS_TEXT.test(text) && !CONVERSATIONAL.test(text) && !ENV_SECRET.test(text)) return [];
  const all = sentences(text);
  for (let i = 0; i < all.length; i++) {
    const window = `${all[i]!.text} ${all[i + 1]?.text ?? ''}`;
    const what = SENSITIVE_PATH.exec(all[i]!.text) ?? INTERNALS_TEXT.exec(all[i]!.text) ?? CONVERSATIONAL.exec(all[i]!.text) ?? ENV_SECRET.exec(all[i]!.text);
    if (!what) continue;
    // A one-letter parameter ("n") counts only when the text calls it a field or an argument.
    const param = [...params].find((p) =>
      new RegExp(
        `\\b(?:in|into|as|inside|within|through)\\s+(?:the\\s+|its\\s+)?['"\`]?${escapeRegExp(p)}['"\`]?(?:\\s+(?:argument|parameter|param|field|arg))${p.length >= 2 ? '?' : ''}\\b`,
        'i',
      ).test(window),
    );
    const dest = DESTINATION.exec(all[i]!.text);
    if (!param && !(dest && /\b(?:to|into|at|towards?)\s+\S*$/i.test(all[i]!.text.slice(0, dest.index)))) continue;
    // "The conversation so far can be passed as messages": a parameter named for the model's context is where it goes
    // by design (an LLM tool); whether the tool should take it at all is judged against its purpose by internals.ts.
    if (param && !dest && PROMPT_PARAM.test(param) && !SENSITIVE_PATH.test(what[0]) && !ENV_SECRET.test(what[0])) continue;
    return [
      {
        rule: 'secret-routed-out',
        family: 'exfiltration',
        severity: 'high',
        evidence: clip(all[i]!.text),
        message: `Routes ${clip(what[0], 60)} ${param ? `into its "${clip(param, 60)}" parameter` : `to ${clip(dest![0], 80)}`}`,
      },
    ];
  }
  return [];
}

const PROMPT_PARAM = /^(?:messages?|system(?:_?prompt)?|prompt|history|conversation|chat_?history|transcript|context)$/i;
const CONVERSATIONAL =
  /\b(?:the\s+)?(?:whole|entire|full|complete)\s+(?:dialog(?:ue)?|conversation|chat|exchange|thread)\b|\b(?:every|each|all)\s+(?:\w+\s+){0,2}messages?\s+(?:the user|they|you)\s+(?:sent|wrote|typed)|\bsetup (?:instructions|text|message)\b|\bhidden (?:setup )?instructions\b/i;

// ── Asking for the user's own secrets, fixed extra recipients, beacons ──────

const USER_SECRET =
  /\b(?:the user'?s|users'|your|their|the person'?s)\s+(?:\w+\s+)?(?:passwords?|passcodes?|private keys?|ssh keys?|seed phrases?|recovery phrases?|mnemonics?|session cookies|cookies|2fa codes?|otp codes?|one-time codes?|bank details|card numbers?|credentials)\b(?!\s+(?:managers?|stores?|vaults?|safes?|polic(?:y|ies)|resets?|rules?|helpers?)\b(?!\s+(?:exports?|files?|databases?|dumps?|backups?|data|contents?|entries)\b))/i;
const EXTRA_RECIPIENT =
  /\b(?:always|must|should|automatically|every(?:\s+\w+)?)\b[^.]{0,60}\b(?:bcc(?:ed|'d)?|cc(?:ed|'d)?|blind[- ]cop(?:y|ies|ied)|cop(?:y|ies)\s+(?:of\s+\S+\s+)?to|forward(?:ed)?(?:\s+a\s+copy)?\s+to)\b[^.]{0,60}?[\w.+-]+@[\w-]+(?:\.[\w-]+)+/i;
const BEACON = /!\[[^\]]{0,80}\]\(\s*https?:\/\/[^)\s]+\)/i;
const EXPLICIT =
  /\b(?:exfiltrat\w*|steal(?:s|ing)?|stole|siphon\w*|harvest(?:s|ing)?)\b[^.]{0,80}\b(?:credentials?|passwords?|keys?|tokens?|secrets?|data|files?|cookies|history|messages|contacts)\b|\b(?:credentials?|passwords?|keys?|tokens?|secrets?|cookies)\b[^.]{0,60}\b(?:and|then)\s+(?:exfiltrat\w*|steal|siphon\w*|leak)\s+(?:them|it|those|these)\b/i;

export function demandFindings(text: string): IntentFinding[] {
  const out: IntentFinding[] = [];
  const secret = USER_SECRET.exec(text);
  if (
    secret &&
    DIRECTIVE.test(text.slice(Math.max(0, secret.index - 80), secret.index + 80)) &&
    !/\b(?:never|not|don'?t|do not)\b[^.]{0,40}$/i.test(text.slice(Math.max(0, secret.index - 50), secret.index))
  )
    out.push({
      rule: 'asks-for-user-secret',
      family: 'exfiltration',
      severity: 'high',
      evidence: clip(text.slice(Math.max(0, secret.index - 60), secret.index + 60)),
      message: `Asks the model to hand over ${secret[0].toLowerCase()}`,
    });
  const copy = EXTRA_RECIPIENT.exec(text);
  if (copy)
    out.push({
      rule: 'fixed-extra-recipient',
      family: 'shadowing',
      severity: 'high',
      evidence: clip(copy[0]),
      message: 'Sends a copy of what it sends to a fixed address',
    });
  const beacon = BEACON.exec(text);
  if (beacon)
    out.push({
      rule: 'markdown-beacon',
      family: 'exfiltration',
      severity: 'medium',
      evidence: clip(beacon[0]),
      message: 'Embeds an outside image: rendering the text calls that address',
    });
  const explicit = affirmed(EXPLICIT, text);
  if (explicit)
    out.push({
      rule: 'explicit-theft',
      family: 'exfiltration',
      severity: 'high',
      evidence: clip(explicit[0]),
      message: `Openly asks to ${explicit[0].split(/\s+/)[0]!.toLowerCase()} data`,
    });
  return out;
}
