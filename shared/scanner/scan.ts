import { boundTool, oversizedFinding } from './bound.ts';
import { learnedFindings } from './learned/classify.ts';
import { hasLookalikes, skeleton } from './confusables.ts';
import { makeVisible, scanEncoded, scanInvisible, scanTerminalTricks, type HiddenFinding } from './decode.ts';
import { classShadowFindings } from './class-shadow.ts';
import { addressExfilFindings, replyChannelFindings } from './disclosure.ts';
import { extractUnits, type TextUnit, type UnitRole } from './extract.ts';
import {
  clip,
  concealmentFindings,
  crossToolFindings,
  demandFindings,
  routedSecretFindings,
  destructiveStepFindings,
  findRefs,
  flatName,
  internalsParameterFindings,
  personalParameterFindings,
  pressureFindings,
  promotionFindings,
  sideEffectFindings,
  voiceFindings,
  type IntentContext,
  type RefKind,
} from './intent.ts';
import { behaviourFindings, ownFileFindings, parameterBehaviourFindings } from './behaviour.ts';
import { noticeToPartyFindings, optionEffectFindings } from './option-effect.ts';
import { protectiveFindings } from './protective.ts';
import { presetDestinationFindings, presetFindings } from './schema-values.ts';
import { presetPowerFindings, presetReachFindings } from './preset-reach.ts';
import { callerWaiverFindings } from './caller-waiver.ts';
import { schemaProseFindings } from './schema-prose.ts';
import { namedByFindings, siblingChainFindings, type SiblingLookup } from './sibling-chain.ts';
import { languageSwitchFindings } from './language-switch.ts';
import { chainedValueFindings } from './chained-value.ts';
import { compileRules, DEFAULT_RULES, SEVERITIES, type CompiledRule, type Severity } from './rules.ts';
import { indexTools, type ToolIndex } from './tool-index.ts';
import { escapeRegExp } from '../text/regexp.ts';

// The tool-poisoning scanner. It treats the whole tool definition as untrusted
// text, undoes hiding tricks first, runs the pattern rules on every piece, adds
// checks that need structure or context (look-alike names, references to other
// servers' tools, smuggling through parameter names and defaults), then rates
// the tool: the worst finding, raised when several families of attack co-occur.

export interface Finding {
  rule: string;
  message: string;
  evidence: string;
  severity: Exclude<Severity, 'none'>;
  family: string;
  path: string;
}
export interface ToolScan {
  name: string;
  risk: Severity;
  /** 0–10: see rate(). */ score: number;
  findings: Finding[];
}

export interface ScanContext {
  /** The learned second opinion (shared/scanner/learned/); off only to measure the rules alone. */
  learned?: boolean;
  /** The other tools of the same server: referring to them is normal. */
  siblings?: readonly string[];
  /** Tools the gateway knows on other servers. */
  otherTools?: readonly { server: string; name: string }[];
  rules?: readonly CompiledRule[];
  /** The other tools' definitions by name, when the caller has them: harm split over two siblings is read from both (sibling-chain.ts). */
  siblingTool?: SiblingLookup;
  /**
   * A prebuilt index of the tools the gateway knows (indexTools), used instead of otherTools:
   * one index of the whole catalogue serves every server when `server` names the tool's own.
   */
  index?: ToolIndex;
  /** The tool's own server, skipped in index lookups. */
  server?: string;
  /**
   * Runs every rule on every text, skipping no gate (RULE_GATES): the reference the fast path is tested
   * against (test/scanner/fast-path.test.ts). Same findings, only slower.
   */
  exhaustive?: boolean;
}

let defaultRules: CompiledRule[] | undefined;
const rank = (s: Severity) => SEVERITIES.indexOf(s);
/** How far (characters) a rule's companion patterns may be from its match, at most. */
const NEAR = 150;

/** The sentence (or line) holding text[index, index+length), clipped to NEAR either side. */
function sentenceAround(text: string, index: number, length: number): string {
  const before = text.slice(Math.max(0, index - NEAR), index);
  const after = text.slice(index + length, index + length + NEAR);
  const start = Math.max(before.search(/(?:[.!?]\s+|\n)(?!.*(?:[.!?]\s+|\n))/s), -1);
  const cut = after.search(/[.!?](?:\s|$)|\n/);
  const head = start >= 0 ? before.slice(start + 1) : before;
  return head + text.slice(index, index + length) + (cut >= 0 ? after.slice(0, cut) : after);
}
const QUOTED_EXAMPLE =
  /\b(?:such as|e\.g\.|for example|for instance|including|(?:phrases?|patterns?|strings?|texts?|inputs?|attacks?|payloads?|words?|prompts?)\s+like)\b[^.\n]{0,100}["“'‘`][^"”'’`\n]*$/i;
const NEGATION = /\b(?:not|never|no|don'?t|avoid|without|nor)\b[^.;:]{0,25}$/i;
// Invisible characters removed before the pattern rules read the text (decoders report them).
const MIXED_WORD = /[A-Za-z]*(?:[A-Za-z][\u0370-\u03ff\u0400-\u04ff\u0500-\u052f]|[\u0370-\u03ff\u0400-\u04ff\u0500-\u052f][A-Za-z])[\p{L}]*/u;
const NOT_PLAIN = /[^\t\n\r\x20-\x7e]/;
const INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u180e\u00ad]|\udb40[\udc00-\udc7f]/g;

function snippet(text: string, index: number, length: number): string {
  const start = Math.max(0, index - 50);
  const end = Math.min(text.length, index + Math.min(length, 160) + 50);
  return `${start > 0 ? '…' : ''}${makeVisible(text.slice(start, end)).replace(/\s+/g, ' ').trim()}${end < text.length ? '…' : ''}`;
}

const SUSPICIOUS_PARAMS =
  /^(?:side_?note|context|conversation(?:_history)?|chat_history|history|system_prompt|prompt_history|previous_messages|full_context|transcript|ai_notes|debug_context|memory_dump|notes|metadata|feedback|extra|annotations?)$/i;
const SENSITIVE_WORDS =
  /(?:ssh|id_rsa|rsa|private_?key|password|passwd|secret|credential|token|api_?key|system_?prompt|conversation|chat_?history|history|env(?:ironment)?_?vars?|cookie|seed_?phrase|wallet|shadow)/i;
const SENSITIVE_NAME_WORDS = new Set([
  'ssh',
  'rsa',
  'env',
  'dotenv',
  'password',
  'passwords',
  'passwd',
  'secret',
  'secrets',
  'credential',
  'credentials',
  'token',
  'tokens',
  'apikey',
  'history',
  'prompt',
  'cookie',
  'cookies',
  'keychain',
  'wallet',
  'shadow',
  'conversation',
  'transcript',
  'mnemonic',
]);

const COUNTING = new Set(['max', 'maximum', 'min', 'minimum', 'number', 'count', 'limit', 'per', 'num', 'total']);
const INSTRUCTION_WORDS = new Set([
  'read',
  'send',
  'include',
  'pass',
  'ignore',
  'call',
  'must',
  'always',
  'before',
  'copy',
  'paste',
  'put',
  'insert',
  'dump',
  'contents',
  'content',
  'attach',
  'upload',
  'your',
  'you',
  'user',
  'users',
  'file',
  'previous',
]);

export function scanTool(given: Record<string, unknown>, ctx: ScanContext = {}): ToolScan {
  const rules = ctx.rules ?? (defaultRules ??= compileRules(DEFAULT_RULES));
  // The detectors walk the definition recursively: a hostile depth is judged on its depth alone.
  if (nestingDepth(given, MAX_SANE_DEPTH) > MAX_SANE_DEPTH) return tooDeep(typeof given.name === 'string' ? given.name : '');
  // A hostile size is read only up to the limits, and is a finding of its own.
  const bounded = boundTool(given);
  const tool = bounded.tool;
  const name = typeof tool.name === 'string' ? tool.name : '';
  const findings: Finding[] = [];
  const add = (f: Finding) => {
    if (!findings.some((x) => x.rule === f.rule && x.path === f.path)) findings.push(f);
  };
  const oversized = oversizedFinding(bounded);
  if (oversized) add(oversized);
  const units = extractUnits(tool);
  const readable: (TextUnit | { path: string; role: 'decoded'; text: string })[] = [];

  for (const unit of units) {
    // Plain printable ASCII cannot hide characters or escapes: most units skip the Unicode pass and NFKC.
    const plain = !NOT_PLAIN.test(unit.text);
    const hidden: HiddenFinding[] = [...(plain ? [] : scanInvisible(unit.text)), ...scanEncoded(unit.text), ...scanTerminalTricks(unit.text)];
    for (const h of hidden) {
      add({ rule: h.rule, message: h.message, evidence: h.evidence, severity: h.severity, family: 'hidden-text', path: unit.path });
      if (h.decoded && h.decoded.trim()) readable.push({ path: `${unit.path} (decoded by ${h.rule})`, role: 'decoded', text: h.decoded });
    }
    const clean = plain ? unit.text : unit.text.replace(INVISIBLE, '').normalize('NFKC');
    // "rеad ~/.ssh" with a Cyrillic е: words that mix scripts are read again with the look-alikes folded.
    const mixed = plain || unit.role === 'name' ? null : MIXED_WORD.exec(clean);
    if (mixed) {
      add({
        rule: 'mixed-script-words',
        family: 'hidden-text',
        path: unit.path,
        severity: 'medium',
        message: 'Spells words with look-alike letters from another script, a way to slip text past filters',
        evidence: `${makeVisible(mixed[0])} → ${skeleton(mixed[0])}`,
      });
      readable.push({
        path: `${unit.path} (decoded by mixed-script-words)`,
        role: 'decoded',
        text: clean.replace(/\S+/g, (w) => (MIXED_WORD.test(w) ? skeleton(w) : w)),
      });
    }
    readable.push(plain ? unit : { ...unit, text: clean });
  }

  for (const unit of readable) applyRules(unit, rules, add, ctx.exhaustive === true);
  findings.splice(0, findings.length, ...noticeToPartyFindings(optionEffectFindings(ownFileFindings(findings, name, tool.description), tool.inputSchema)));
  // Text recovered from a hiding place that turns out to instruct is worse than either alone.
  const decodedHits = findings.filter((f) => f.path.includes('(decoded') && rank(f.severity) >= rank('medium'));
  if (decodedHits.length) {
    const first = decodedHits[0]!;
    add({
      rule: 'hidden-instructions',
      message: 'Hidden or encoded text carries instructions',
      evidence: first.evidence,
      severity: 'critical',
      family: 'hidden-text',
      path: first.path,
    });
  }

  const index = ctx.index ?? (ctx.otherTools?.length ? indexTools(ctx.otherTools) : undefined);
  const siblings = siblingIndex(ctx.siblings ?? []);
  checkNames(name, siblings, index, ctx.server, add);
  for (const f of callerWaiverFindings(tool, (n) => siblings.lower.has(n.toLowerCase()))) add(f);
  checkParameters(tool, units, add);
  for (const f of presetFindings(tool.inputSchema)) add(f);
  for (const f of presetDestinationFindings(tool.inputSchema)) add(f);
  for (const f of presetReachFindings(tool.inputSchema)) add(f);
  for (const f of presetPowerFindings(tool)) add(f);
  for (const f of schemaProseFindings(tool.inputSchema)) add(f);
  const params = schemaParams(tool);
  const ictx: IntentContext = {
    name,
    params: new Set(units.filter((u) => u.role === 'param-name' || u.role === 'enum').map((u) => u.text.toLowerCase())),
    flatParams: new Set(units.filter((u) => u.role === 'param-name').map((u) => flatName(u.text))),
    siblings: siblings.lower,
    index,
    server: ctx.server,
    noParams: params.length === 0,
  };
  checkReferences(units, ictx, add);
  // What the tool is for: its name and its first sentence (later text may document the very parameter in question).
  const purpose = `${name} ${typeof tool.description === 'string' ? (/^[^\n]*?[.!?](?=\s|$)/.exec(tool.description)?.[0] ?? tool.description.split('\n')[0]) : ''}`;
  checkIntent(readable, ictx, purpose, add);
  if (typeof tool.description === 'string') for (const f of languageSwitchFindings(tool.description)) add({ ...f, path: '/description' });
  for (const f of chainedValueFindings(tool, purpose)) add(f);
  if (ctx.siblingTool) for (const f of siblingChainFindings(tool, ctx.siblingTool)) add(f);
  for (const f of [
    ...parameterBehaviourFindings(params, purpose, tool.inputSchema, typeof tool.description === 'string' ? tool.description : ''),
    ...internalsParameterFindings(params, purpose),
    ...personalParameterFindings(params, purpose, name),
  ])
    add({ ...f, path: params.find((p) => f.evidence.startsWith(p.name))?.path ?? '/inputSchema' });

  // Last, over every detector's findings: a sentence that limits the tool in the user's favour is a mention.
  findings.splice(0, findings.length, ...protectiveFindings(findings, tool.description));
  if (ctx.learned !== false) for (const f of learnedFindings(tool, ctx.siblings)) add(f);
  const { risk, score } = rate(findings);
  return { name, risk, score, findings: findings.sort((a, b) => rank(b.severity) - rank(a.severity)) };
}

function tooDeep(name: string): ToolScan {
  const finding: Finding = {
    rule: 'deep-nesting',
    family: 'schema-smuggling',
    path: '/inputSchema',
    severity: 'high',
    message: `Nests its definition more than ${MAX_SANE_DEPTH} levels deep: no real tool needs that, and MCP clients can fail to read such a list at all (a server can stop an agent from listing its tools). Not scanned further`,
    evidence: `more than ${MAX_SANE_DEPTH} levels`,
  };
  return { name, ...rate([finding]), findings: [finding] };
}

/** Deeper than any real schema (the deepest among the corpus and real servers is far below it). */
const MAX_SANE_DEPTH = 64;

/** How deep a value nests, counted without recursion (a hostile depth must not overflow this stack), and stopping once past `limit`. */
function nestingDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d > deepest) deepest = d;
    if (deepest > limit) return deepest;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (child !== null && typeof child === 'object') stack.push([child, d + 1]);
  }
  return deepest;
}

interface SiblingIndex {
  lower: ReadonlySet<string>;
  bySkeleton: ReadonlyMap<string, string>;
  /** Names written wholly in a script other than Latin: a server named in its own language. */
  ownScript: ReadonlySet<string>;
}
/** A part of the name that folds wholly to Latin letters ("ΑΡΙ_κλειδί" reads "API_", "сора" reads "copa"). */
const imitatesAWord = (name: string) =>
  skeleton(name)
    .split(/[_\-.\s]+/)
    .some((part) => /^[A-Za-z]{3,}$/.test(part));
/** A name written wholly in another script ("パスワード変更", "отправить_платеж"): no Latin letter in it, nothing hidden. */
const inOwnScript = (name: string) => /[^\x20-\x7e]/.test(name) && !/[A-Za-z]/.test(name) && /^[\p{L}\p{M}\p{N}_\-.]+$/u.test(name);
const siblingCache = new WeakMap<readonly string[], SiblingIndex>();

/** The sibling names as sets, built once per list object: a server's scans share one list, so a 20,000-tool list is not copied per tool. */
function siblingIndex(names: readonly string[]): SiblingIndex {
  let index = siblingCache.get(names);
  if (!index) {
    const bySkeleton = new Map<string, string>();
    for (const n of names) if (!bySkeleton.has(skeleton(n))) bySkeleton.set(skeleton(n), n);
    index = { lower: new Set(names.map((n) => n.toLowerCase())), bySkeleton, ownScript: new Set(names.filter(inOwnScript)) };
    siblingCache.set(names, index);
  }
  return index;
}

/** Scans a whole tools/list: each tool sees the others as its siblings (its own name in the list is ignored). */
export function scanToolList(tools: readonly Record<string, unknown>[], ctx: Omit<ScanContext, 'siblings'> = {}): ToolScan[] {
  const names = tools.map((t) => (typeof t.name === 'string' ? t.name : ''));
  const byName = new Map<string, Record<string, unknown>>();
  // The first definition of a name is the one a lookup finds, as in the daemon's gate.
  tools.forEach((t, i) => {
    if (!byName.has(names[i]!)) byName.set(names[i]!, t);
  });
  const siblingTool = (name: string) => byName.get(name);
  return tools.map((t) => scanTool(t, { ...ctx, siblings: names, siblingTool }));
}

/**
 * A scan made without the siblings' definitions (the daemon's scan workers hold only their chunk) completed with the
 * harm `tool` does together with the siblings it names; the same scan when there is none.
 */
export function withSiblingChain<S extends { risk: Severity; findings: Finding[] }>(
  scan: S,
  tool: Record<string, unknown>,
  sibling: SiblingLookup,
  /** The list's other tools, when the tool changed: pairs they set up by naming it are read too (sibling-chain.ts). */
  namedBy?: Iterable<Record<string, unknown>>,
): S {
  const all = [...siblingChainFindings(tool, sibling), ...(namedBy ? namedByFindings(tool, namedBy) : [])];
  const found = all.filter(
    (f, i) => !scan.findings.some((x) => x.rule === f.rule && x.path === f.path) && all.findIndex((x) => x.rule === f.rule && x.path === f.path) === i,
  );
  if (found.length === 0) return scan;
  const findings = [...scan.findings, ...found].sort((a, b) => rank(b.severity) - rank(a.severity));
  const { risk, score } = rate(findings);
  return 'score' in scan ? { ...scan, findings, risk, score } : { ...scan, findings, risk };
}

function applyRules(
  unit: { path: string; role: UnitRole | 'decoded'; text: string },
  rules: readonly CompiledRule[],
  add: (f: Finding) => void,
  exhaustive: boolean,
): void {
  for (const rule of rules) {
    if (rule.roles && !rule.roles.includes(unit.role)) continue;
    // A rule none of whose necessary words is in the text cannot match: one literal scan instead of its expressions.
    const gate = exhaustive ? undefined : RULE_GATES.get(rule.id);
    if (gate && !gate.test(unit.text)) continue;
    for (const re of rule.matchers) {
      const m = re.exec(unit.text);
      if (!m) continue;
      if (rule.negatable && NEGATION.test(unit.text.slice(Math.max(0, m.index - 40), m.index))) continue;
      // A quoted example ("such as 'ignore previous instructions'") is a mention, as in a prompt-injection scanner's own description.
      if (QUOTED_EXAMPLE.test(unit.text.slice(Math.max(0, m.index - 120), m.index))) continue;
      // Companion patterns must be in the same sentence as the match, not anywhere in a long text.
      const near = sentenceAround(unit.text, m.index, m[0].length);
      if (!rule.withMatchers.every((group) => group.some((g) => g.test(near)))) continue;
      add({
        rule: rule.id,
        message: rule.message,
        evidence: snippet(unit.text, m.index, m[0].length),
        severity: rule.severity,
        family: rule.family,
        path: unit.path,
      });
      break;
    }
  }
}

/**
 * For each built-in rule, words one of which every match must contain, joined into one literal
 * alternation tested before any of the rule's expressions run. A rule from a bundle has none and always runs.
 * test/scanner/gates.test.ts checks that the gates change no finding on every corpus.
 */
/** Every alternative of rules.ts's sensitive-path pattern contains one of these. */
const SENSITIVE_PATH_WORDS = [
  'ssh',
  'id_',
  '.aws',
  '.env',
  'mcp.json',
  'claude_desktop_config',
  '.cursor/',
  '/etc/',
  '_history',
  '.bashrc',
  '.zshrc',
  '.bash_profile',
  '.profile',
  '.netrc',
  '.npmrc',
  '.pypirc',
  '.git-credentials',
  '.kube',
  '.docker',
  '.gnupg',
  'wallet.dat',
  'keychain',
  'credentials.json',
  'secret',
  'private',
  '.pem',
  '.p12',
  '.keystore',
];
const RULE_GATES = new Map<string, RegExp>(
  (
    [
      ['hidden-instruction-block', ['<', '[', '{{']],
      [
        'instruction-override',
        [
          'ignore',
          'disregard',
          'forget',
          'override',
          'bypass',
          'set aside',
          'throw out',
          'discard',
          'priority',
          'supersede',
          'precedence',
          'you are now',
          'instruction',
          'act as',
          'authori',
          'approved',
          'consented',
          'agreed',
        ],
      ],
      ['sensitive-file-access', SENSITIVE_PATH_WORDS],
      ['sensitive-file-mention', SENSITIVE_PATH_WORDS],
      [
        'conversation-exfiltration',
        [
          'conversation',
          'chat',
          'message',
          'previous',
          'prior',
          'context',
          'transcript',
          'history',
          'system prompt',
          'system instructions',
          'your instructions',
          'hidden instructions',
          'dialog',
        ],
      ],
      ['exfiltration-url', ['://']],
      ['command-injection', ['|', ';', '&&', '$(', 'curl', 'wget', 'rm', 'append']],
      [
        'parameter-tampering',
        [
          'modify',
          'change',
          'set',
          'replace',
          'redirect',
          'override',
          'rewrite',
          'alter',
          'swap',
          'switch',
          'add',
          'include',
          'bcc',
          'cc',
          'automatically',
          'regardless',
        ],
      ],
      ['cross-tool-hijack', ['before', 'prior to', 'after', 'when', 'must', 'should', 'need to', 'have to', 'always']],
      ['cross-tool-data-flow', ['require', 'must', 'need', 'always']],
      ['tool-disparagement', ['tool', 'manipulated', 'fake', 'poisoned', 'tampered', 'wrong', 'false', 'use', 'call', 'trust', 'replacement', 'certified']],
      ['self-promotion', ['most', 'only', 'always']],
      ['false-consequence', ['otherwise', 'skipping', 'omitting', 'failure to', 'failing to', 'if you']],
      [
        'authority-urgency',
        [
          'policy',
          'protocol',
          'requirement',
          'obligation',
          'framework',
          'mandatory',
          'crucial',
          'vital',
          'critical security',
          'authori',
          'it department',
          'administrator',
          'admin',
        ],
      ],
      ['forced-first-call', ['first', 'for any', 'for every', 'for all', 'before']],
      [
        'credential-harvest',
        ['password', 'credit card', 'api', 'key', 'token', 'secret', 'credential', 'environment variable', 'social security', 'cookie', 'seed phrase', '*.'],
      ],
      ['hidden-side-effect', ['automatically', 'also', 'additionally', 'background', 'quietly', 'as well', 'extracted text is logged']],
      ['email-exfiltration', ['@']],
      ['fixed-remote-destination', ['git@', '://', 'sftp.']],
      ['decode-and-follow', ['decode', 'deobfuscate', 'decrypt', 'unescape', 'rot13', 'base64']],
      ['instruction-in-value', ['you must', 'you should', 'always', 'never', 'before using', 'ignore', 'read', 'pass', 'include', 'send', 'call']],
      ['keep-default', ['default']],
    ] as [string, string[]][]
  ).map(([id, words]) => [id, new RegExp(words.map((w) => escapeRegExp(w)).join('|'), 'i')]),
);

function checkNames(name: string, siblings: SiblingIndex, index: ToolIndex | undefined, server: string | undefined, add: (f: Finding) => void): void {
  if (!name) return;
  if (hasLookalikes(name)) {
    const folded = skeleton(name);
    const sibling = siblings.bySkeleton.get(folded);
    const imitated = (sibling !== name ? sibling : undefined) ?? index?.sameSkeleton(name, server).find((k) => k.name !== name)?.name;
    add({
      rule: 'lookalike-name',
      family: 'naming',
      path: '/name',
      severity: 'critical',
      message: imitated ? `Name imitates the tool "${imitated}" with look-alike characters` : 'Name uses look-alike characters from other scripts',
      evidence: `${makeVisible(name)} → ${folded}${[...name]
        .filter((c) => c.charCodeAt(0) > 0x7e)
        .map((c) => ` (${c} is U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`)
        .join('')}`,
    });
  } else if (/[^\x20-\x7e]/.test(name)) {
    // A server that names its tools in its own language ("パスワード変更" beside "ファイル検索") imitates nothing: mixed
    // scripts and invisible characters are what an imitation needs. One such name among Latin ones, or a tool seen
    // alone, stays medium: it stands out from its server, or nothing shows that it does not.
    // A part of the name that folds wholly to Latin letters ("ΑΡΙ_κλειδί" reads "API_", "сора" reads "copa") imitates a word.
    const ownScript = inOwnScript(name) && !imitatesAWord(name) && [...siblings.ownScript].some((n) => n !== name);
    add({
      rule: 'non-ascii-name',
      family: 'naming',
      path: '/name',
      severity: ownScript ? 'low' : 'medium',
      message: ownScript ? "Name is written in another script, as its server's other tools are" : 'Name contains non-ASCII characters',
      evidence: makeVisible(name),
    });
  }
  if (!index) return;
  const same = index.serversOf(name, server);
  if (same.length) {
    add({
      rule: 'name-collision',
      family: 'naming',
      path: '/name',
      severity: 'medium',
      message: `Has the same name as a tool of server "${same[0]}", which may shadow it`,
      evidence: `${name} (also on ${same.join(', ')})`,
    });
    return;
  }
  const squat = index.squatted(name, server)[0];
  if (squat) {
    add({
      rule: 'squatted-name',
      family: 'naming',
      path: '/name',
      severity: 'medium',
      message: `Name squats "${squat.name}" of server "${squat.server}"`,
      evidence: name,
    });
    return;
  }
  const near = index.oneEditAway(name, server)[0];
  if (near)
    add({
      rule: 'near-name',
      family: 'naming',
      path: '/name',
      severity: 'medium',
      message: `Name differs by one character from "${near.name}" of server "${near.server}"`,
      evidence: `${name} vs ${near.name}`,
    });
}

const NOT_TEXT = new Set(['boolean', 'number', 'integer', 'null']);
const READS_WHOLE = /(?:content|from|read|dump|full|all)/i;
const READS_WHOLE_WORDS = new Set(['content', 'contents', 'from', 'read', 'reads', 'dump', 'full', 'all']);
/** "readsshkey" reads as one word; in "allow_credentials" or "CallToken" the "all" is inside another word, not a request for everything. */
const readsWhole = (words: readonly string[]): boolean => (words.length === 1 ? READS_WHOLE.test(words[0]!) : words.some((w) => READS_WHOLE_WORDS.has(w)));

function checkParameters(tool: Record<string, unknown>, units: TextUnit[], add: (f: Finding) => void): void {
  const description = typeof tool.description === 'string' ? tool.description : '';
  for (const unit of units) {
    if (unit.role === 'param-name') {
      const words = unit.text
        .split(/[_\-\s.]+|(?<=[a-z])(?=[A-Z])/)
        .filter(Boolean)
        .map((w) => w.toLowerCase());
      // "maximum_number_of_tokens" counts tokens; it does not ask for one.
      const sensitive = (words.some((w) => SENSITIVE_NAME_WORDS.has(w)) || SENSITIVE_WORDS.test(unit.text)) && !words.some((w) => COUNTING.has(w));
      if ((words.length >= 4 && sensitive) || (words.length >= 7 && words.some((w) => INSTRUCTION_WORDS.has(w)))) {
        // A flag or a number cannot carry a file's content out: only text can.
        // A type list ("type": ["boolean", "null"]) carries text only if one of its types is text.
        const type = at(tool, unit.path)?.type;
        const carrier = !(Array.isArray(type) ? type.length > 0 && type.every((x) => NOT_TEXT.has(String(x))) : NOT_TEXT.has(String(type)) && type !== 'null');
        add({
          rule: 'instruction-in-parameter-name',
          family: 'schema-smuggling',
          path: unit.path,
          severity: !carrier ? 'low' : sensitive ? 'high' : 'medium',
          message: `A parameter name reads like an instruction${carrier ? '' : ' (on a flag that cannot carry content)'}`,
          evidence: unit.text,
        });
      } else if (SENSITIVE_WORDS.test(unit.text) && readsWhole(words)) {
        add({
          rule: 'sensitive-parameter-name',
          family: 'schema-smuggling',
          path: unit.path,
          severity: 'high',
          message: 'A parameter asks for sensitive content by its name',
          evidence: unit.text,
        });
      } else if (SUSPICIOUS_PARAMS.test(unit.text)) {
        // A catch-all field is harmless alone; it matters when other text tells the model what to put in it.
        const mentioned = new RegExp(`['"\`]${unit.text}['"\`]|\\b(?:as|in|into|the)\\s+['"\`]?${unit.text}\\b`, 'i').test(description);
        add({
          rule: 'catch-all-parameter',
          family: 'exfiltration',
          path: unit.path,
          severity: mentioned ? 'medium' : 'low',
          message: `Has a free-form "${unit.text}" parameter${mentioned ? ' that the description tells the model to fill' : ''}`,
          evidence: unit.text,
        });
      }
    } else if (unit.role === 'default' && /^https?:\/\//i.test(unit.text.trim()) && !/^https?:\/\/(?:localhost|127\.|\[::1\])/i.test(unit.text.trim())) {
      // A default source to read from is ordinary; a default place to send things to is not.
      const param = unit.path.split('/').at(-2) ?? '';
      const destination =
        /(?:dest|destination|target|upload|endpoint|webhook|callback|report|sink|collector|ingest|send|post|export|publish|registry|server)/i.test(param);
      add({
        rule: 'external-default',
        family: 'exfiltration',
        path: unit.path,
        severity: destination ? 'medium' : 'low',
        message: destination ? 'A destination parameter defaults to an outside address' : 'A parameter defaults to an outside address',
        evidence: `${param}: ${unit.text}`,
      });
    }
  }
  // Flags such as include_env defaulting to true quietly widen what a call sends.
  const props = (tool.inputSchema as { properties?: Record<string, { default?: unknown }> } | undefined)?.properties ?? {};
  for (const [param, schema] of Object.entries(props)) {
    if (
      schema &&
      typeof schema === 'object' &&
      schema.default === true &&
      /(?:include|send|attach|upload|share|export|leak)_?(?:env|secrets?|credentials?|keys?|tokens?|history|context)/i.test(param)
    ) {
      add({
        rule: 'sensitive-flag-default',
        family: 'exfiltration',
        path: `/inputSchema/properties/${param}/default`,
        severity: 'medium',
        message: `"${param}" is on by default`,
        evidence: `${param}: true`,
      });
    }
  }
}

function checkReferences(units: TextUnit[], ictx: IntentContext, add: (f: Finding) => void): void {
  for (const unit of units) {
    if (unit.role !== 'description' && unit.role !== 'param-text') continue;
    const refs = new Map<string, RefKind>();
    for (const r of findRefs(unit.text, ictx)) if (r.strong && r.kind !== 'sibling') refs.set(r.name, r.kind);
    if (refs.size === 0) continue;
    const crossServer = [...refs].filter(([, kind]) => kind === 'other-server').map(([n]) => `${n}@${ictx.index?.serversOf(n, ictx.server).join('|') ?? '?'}`);
    add({
      rule: crossServer.length ? 'cross-server-reference' : 'tool-reference',
      family: 'cross-tool',
      path: unit.path,
      severity: crossServer.length ? 'medium' : 'low',
      message: clip(
        crossServer.length
          ? `Refers to tools of other servers: ${crossServer.join(', ')}`
          : `Refers to tools it does not provide: ${[...refs.keys()].join(', ')}`,
        300,
      ),
      evidence: crossServer.length ? crossServer.join(', ') : [...refs.keys()].join(', '),
    });
  }
}

/** Findings that only note a mention (a path, a tool name, a free-form field): shown, but worth no points. */
const MENTIONS = new Set(['sensitive-file-mention', 'tool-reference', 'catch-all-parameter', 'external-default', 'self-praise', 'addresses-model']);
const POINTS: Record<Exclude<Severity, 'none'>, number> = { low: 1, medium: 3, high: 6, critical: 10 };

/**
 * The score of a tool: for each family of attack, the points of its worst finding
 * (low 1, medium 3, high 6, critical 10; a bare mention 0), added up and capped at 10. Independent
 * techniques in one tool add up; several findings of one technique do not. The
 * risk is the score's band: 1 low, 3 medium, 6 high, 10 critical.
 */
export function rate(findings: readonly Finding[]): { risk: Severity; score: number } {
  const worst = new Map<string, number>();
  for (const f of findings) worst.set(f.family, Math.max(worst.get(f.family) ?? 0, MENTIONS.has(f.rule) ? 0 : POINTS[f.severity]));
  const score = Math.min(
    10,
    [...worst.values()].reduce((a, b) => a + b, 0),
  );
  const risk: Severity = score >= 10 ? 'critical' : score >= 6 ? 'high' : score >= 3 ? 'medium' : score >= 1 ? 'low' : 'none';
  return { risk, score };
}

/** The object at a JSON Pointer inside a tool definition, if it is one. */
function at(tool: Record<string, unknown>, pointer: string): Record<string, unknown> | undefined {
  let node: unknown = tool;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (!node || typeof node !== 'object') return undefined;
    node = Object.hasOwn(node, key) ? (node as Record<string, unknown>)[key] : undefined;
  }
  return node && typeof node === 'object' && !Array.isArray(node) ? (node as Record<string, unknown>) : undefined;
}

function schemaParams(tool: Record<string, unknown>): { name: string; text: string; required: boolean; path: string }[] {
  const schema = tool.inputSchema;
  if (!schema || typeof schema !== 'object') return [];
  const props = (schema as { properties?: unknown }).properties;
  if (!props || typeof props !== 'object' || Array.isArray(props)) return [];
  const req = (schema as { required?: unknown }).required;
  const required = new Set(Array.isArray(req) ? req.filter((r): r is string => typeof r === 'string') : []);
  return Object.entries(props as Record<string, unknown>).map(([name, sub]) => {
    const s = sub && typeof sub === 'object' ? (sub as Record<string, unknown>) : {};
    // A parameter defined elsewhere ({"$ref": "#/$defs/Tag"}) carries the text of its definition: the model reads both.
    const ref = typeof s.$ref === 'string' && s.$ref.startsWith('#/') ? at(schema as Record<string, unknown>, s.$ref.slice(1)) : undefined;
    const text = [s.title, s.description, ref?.title, ref?.description].filter((x): x is string => typeof x === 'string').join('. ');
    return { name, text, required: required.has(name), path: `/inputSchema/properties/${name.replace(/~/g, '~0').replace(/\//g, '~1')}` };
  });
}

/** The behaviour detectors, on every piece of text a model reads as prose. */
function checkIntent(units: readonly { path: string; role: string; text: string }[], ictx: IntentContext, purpose: string, add: (f: Finding) => void): void {
  for (const unit of units) {
    if (unit.role === 'name' || unit.role === 'param-name') continue;
    if ((unit.role === 'enum' || unit.role === 'default') && !/\s\S+\s/.test(unit.text)) continue;
    // Typographic apostrophes ("don’t", "user’s") are read as the plain one every pattern spells.
    const text = unit.text.includes('\u2019') ? unit.text.replace(/\u2019/g, "'") : unit.text;
    const found = [
      ...crossToolFindings(text, ictx),
      ...voiceFindings(text),
      ...concealmentFindings(text),
      ...promotionFindings(text, ictx, unit.role === 'description'),
      ...destructiveStepFindings(text),
      ...sideEffectFindings(text, ictx.name),
      ...pressureFindings(text),
      ...routedSecretFindings(text, ictx.params),
      ...demandFindings(text),
      ...addressExfilFindings(text),
      ...replyChannelFindings(text),
      ...classShadowFindings(text, ictx, purpose),
      ...behaviourFindings(text, ictx, purpose, unit.role === 'description'),
    ];
    for (const f of found) add({ ...f, path: unit.path });
  }
}
