import { clip, sentences } from './intent.ts';
import { otherLanguage } from './language-switch.ts';
import { rate, scanTool, type Finding, type ScanContext, type ToolScan } from './scan.ts';

// A rug pull rarely needs alarming words: it widens what the tool may do. This
// compares the approved definition with the new one and reports what became
// more powerful: enum values added (worse when they read like "everything" or
// "private"), a new required parameter, a constraint dropped (enum, pattern,
// maxLength, maximum, const, additionalProperties: false), a readOnlyHint or a
// non-destructive hint withdrawn. The text of the new definition is scanned too;
// findings the old one already had are marked as such in the change's list only
// by their absence from `added`.

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const BROAD_VALUE =
  /(?:^|[_\-\s.:])(?:all|any|every(?:thing|one)?|\*|full|unrestricted|unlimited|global|root|admin|superuser|sudo|private|secret|hidden|internal|dm|direct|raw|system|owner|org|organi[sz]ation|write|delete|exec|shell)(?:$|[_\-\s.:])|^\*$/i;
const CONSTRAINTS = [
  'enum',
  'const',
  'pattern',
  'maxLength',
  'maximum',
  'exclusiveMaximum',
  'minimum',
  'exclusiveMinimum',
  'maxItems',
  'maxProperties',
  'format',
] as const;
const SENSITIVE_PARAM =
  /(?:token|secret|password|passwd|credential|api_?key|private_?key|ssh|cookie|session|history|conversation|transcript|system_?prompt|env|wallet|seed)/i;

export interface ChangeScan extends ToolScan {
  /** Findings about what the change widened. */
  widening: Finding[];
  /** Findings of the new definition's text that the approved one did not have. */
  added: Finding[];
}

/** The scan of a changed tool: its new text, plus what the change made more powerful. */
export function scanChange(oldDef: Json, newDef: Json, ctx: ScanContext = {}): ChangeScan {
  return withChange(scanTool(newDef, ctx), oldDef, newDef, ctx);
}

/** Adds the change's widening findings to an existing scan of the new definition, and re-rates it. */
export function withChange(scan: ToolScan, oldDef: Json, newDef: Json, ctx: ScanContext = {}): ChangeScan {
  const before = scanTool(oldDef, ctx);
  const seen = new Set(before.findings.map((f) => `${f.rule}\u0000${f.path}`));
  const added = scan.findings.filter((f) => !seen.has(`${f.rule}\u0000${f.path}`));
  const widening = wideningFindings(oldDef, newDef);
  const findings = [...scan.findings, ...widening];
  const { risk, score } = rate(findings);
  return { name: scan.name, risk, score, findings, widening, added };
}

/**
 * Kinds of power a description can claim. A change whose description now claims one the approved text did not
 * ("Lists files" → "Lists files, and deletes them"; "from the notes folder" → "or any file on disk") asks for more.
 */
const POWERS: [string, RegExp][] = [
  ['destroy', /\b(?:delet\w*|remov\w*|eras\w*|wip(?:e|es|ed|ing)\b|purg\w*|truncat\w*|drop(?:s|ped|ping)?\b|destroy\w*|overwrit\w*|revok\w*)/i],
  ['send', /\b(?:send\w*|sent\b|upload\w*|post(?:s|ed|ing)?\b|publish\w*|forward\w*|shar(?:e|es|ed|ing)\b|transmit\w*|sync\w*|export\w*)/i],
  [
    'execute',
    /\b(?:execut\w*|run(?:s|ning)?\s+(?:any\s+|arbitrary\s+|shell\s+)?(?:commands?|scripts?|code|it|them|the (?:code|snippet|script|program|input|file))\b|shell\b|eval\w*)/i,
  ],
  [
    'pay',
    /\b(?:pay(?:s|ing|ment)?\b|transfer\w*|charg(?:e|es|ed|ing)\b|refund\w*|withdraw\w*|(?<!\bto\s)purchas\w*|(?<!\bto\s)buy(?:s|ing)?\b|(?:saved|credit|debit)\s+cards?\b)/i,
  ],
  ['write', /\b(?:writ(?:e|es|ing)\b|modif\w*|edit(?:s|ing)?\b|updat(?:e|es|ing)\b|chang(?:e|es|ing)\b|creat(?:e|es|ing)\b|insert\w*)/i],
  // Keeping what it is handed ("Also saves the text") outlasts the call: a counter or a converter never needed it.
  // Saving a screenshot or a download to a folder is the job; keeping what the user hands it is not ("Also saves the text").
  [
    'keep',
    /\balso\s+(?:sav|stor|retain|keep|kept|log|record)\w*(?!\w)(?!\s+(?:locally|to\s+(?:~|\/|\.|your\b|the user'?s\b|a local\b|the local\b|disk\b)|in\s+(?:~|\/|your\b|the user'?s\b)))|\b(?:inputs?|text|texts|quer(?:y|ies)|prompts?|messages?|conversations?|contents?|requests?|documents?|arguments?)\s+(?:is|are|will be|gets?)\s+(?:also\s+)?(?:saved|stored|retained|kept|logged|recorded)\b|\b(?:saves?|stores?|retains?|keeps?|logs?|records?)\s+(?:a\s+cop(?:y|ies)\s+of\s+)?(?:the|your|every|each|all)\s+(?:inputs?|text|texts|quer(?:y|ies)|prompts?|messages?|conversations?|contents?|requests?|documents?|arguments?)\b/i,
  ],
  [
    'reach',
    /\b(?:any|every|all)\s+(?:\w+\s+)?(?:files?|paths?|folders?|directories|repos(?:itories)?|users?|accounts?|channels?|messages?|hosts?|urls?)\b|\babsolute paths?\b|\banywhere\b|\bon disk\b|\bprivate\b|\bsystem-wide\b/i,
  ],
];

/**
 * Powers a tool's own name already claims by a verb (`update_issue` writes,
 * `share_file` sends and writes): a description that now spells one out asks for
 * nothing the approved tool did not have. A read or list tool claims none, and
 * nouns claim nothing (`email_draft` drafts; it does not send).
 */
const NAME_POWERS: [string, RegExp][] = [
  ['destroy', /^(?:delete|remove|purge|drop|clear|destroy|reset|revoke|stop|kill|cancel|archive|unpublish|uninstall|truncate|wipe)$/],
  ['send', /^(?:send|post|publish|share|upload|deploy|notify|forward|export|sync|invite|reply|push)$/],
  ['execute', /^(?:run|exec|execute|eval|evaluate|invoke|trigger)$/],
  ['pay', /^(?:pay|charge|refund|transfer|checkout|invoice|purchase|buy)$/],
  [
    'write',
    /^(?:create|update|set|edit|modify|write|add|insert|put|patch|move|rename|save|upsert|apply|upload|share|deploy|import|replace|merge|assign|append|change|configure|install|enable|disable|start|stop|restart|resize|copy|duplicate|toggle|switch|flip|turn|activate|deactivate|grant|approve|promote|rotate|reboot|scale)$/,
  ],
  ['keep', /^(?:save|store|remember|memorize|memorise|record|log|archive|backup|cache|keep|retain|bookmark|note|notes|memory|snapshot)$/],
];

function namePowers(name: unknown): Set<string> {
  const claimed = new Set<string>();
  if (typeof name !== 'string') return claimed;
  for (const word of words(name)) for (const [kind, re] of NAME_POWERS) if (re.test(word)) claimed.add(kind);
  // Whatever destroys, sends or pays also changes things; whatever changes things keeps them.
  if (claimed.size) claimed.add('write');
  if (claimed.has('write')) claimed.add('keep');
  return claimed;
}

/** The description's sentences the approved one did not have. */
function addedSentences(old: string, now: string): string[] {
  const had = new Set(sentences(old).map((x) => x.text.trim()));
  return sentences(now)
    .map((x) => x.text.trim())
    .filter((x) => x && !had.has(x));
}

function purposeWidening(oldText: unknown, newText: unknown, name: unknown): Finding[] {
  if (typeof newText !== 'string' || newText === oldText) return [];
  const old = typeof oldText === 'string' ? oldText : '';
  // A release of an English tool does not add a sentence in another language: one that does hides it from the reviewer.
  // A description rewritten in another language (its opening too) is a translation, not a sentence slipped in.
  const opening = sentences(newText)[0]?.text ?? '';
  const foreign = !otherLanguage(old) && !otherLanguage(opening) ? addedSentences(old, newText).find(otherLanguage) : undefined;
  const switched: Finding[] = foreign
    ? [
        {
          rule: 'added-in-another-language',
          family: 'widening',
          severity: 'medium',
          path: '/description',
          message: 'The change adds a sentence in another language to a description written in English: read what it says before approving',
          evidence: clip(foreign, 300),
        },
      ]
    : [];
  const claimed = namePowers(name);
  const gained = POWERS.filter(([kind, re]) => !claimed.has(kind) && re.test(newText) && !re.test(old));
  if (!gained.length) return switched;
  return [
    ...switched,
    {
      rule: 'purpose-widened',
      family: 'widening',
      // Medium: a rewritten description is ordinary in a release, and the person approving reads what it now claims.
      severity: 'medium',
      path: '/description',
      message: `Its description now claims powers the approved one did not (${gained.map(([kind]) => kind).join(', ')}): the change asks for more than was approved`,
      evidence: clip(`${old} → ${newText}`, 300),
    },
  ];
}

export function wideningFindings(oldDef: Json, newDef: Json): Finding[] {
  const out: Finding[] = purposeWidening(oldDef.description, newDef.description, newDef.name);
  compareSchema(
    isObject(oldDef.inputSchema) ? oldDef.inputSchema : {},
    isObject(newDef.inputSchema) ? newDef.inputSchema : {},
    '/inputSchema',
    out,
    newDef.name,
  );
  const oldHints = isObject(oldDef.annotations) ? oldDef.annotations : {};
  const newHints = isObject(newDef.annotations) ? newDef.annotations : {};
  if (oldHints.readOnlyHint === true && newHints.readOnlyHint !== true) {
    out.push({
      rule: 'read-only-withdrawn',
      family: 'widening',
      severity: 'high',
      path: '/annotations/readOnlyHint',
      message: 'Was declared read-only; the new version no longer says so, so it may now change things',
      evidence: `readOnlyHint: true → ${JSON.stringify(newHints.readOnlyHint ?? '(removed)')}`,
    });
  }
  if (oldHints.destructiveHint !== true && newHints.destructiveHint === true) {
    // The specification's default is destructive: from unset, a tool that never claimed to be read-only only says so now.
    const explicitOnly = oldHints.destructiveHint === undefined && oldHints.readOnlyHint !== true;
    out.push({
      rule: 'became-destructive',
      family: 'widening',
      severity: explicitOnly ? 'low' : 'medium',
      path: '/annotations/destructiveHint',
      message: 'Now declares that it may destroy data',
      evidence: `destructiveHint: ${JSON.stringify(oldHints.destructiveHint ?? '(unset)')} → true`,
    });
  }
  // The other way round: a tool that declared it changes or destroys things now claims to be read-only or harmless, so a
  // client stops asking the user before each call. Its own name or description saying it writes makes the claim false.
  const nowReadOnly = oldHints.readOnlyHint !== true && newHints.readOnlyHint === true;
  const nowHarmless = oldHints.destructiveHint === true && newHints.destructiveHint === false;
  if ((nowReadOnly && (oldHints.readOnlyHint === false || oldHints.destructiveHint === true)) || nowHarmless) {
    // By its name: a description mentions many acts it does not do ("no mail is sent"), a name's verb is what it does.
    const says = namePowers(newDef.name);
    const erases = typeof newDef.name === 'string' && words(newDef.name).some((w) => ERASING_VERB.test(w));
    const acts = [...says].filter((k) => (nowReadOnly && k === 'write') || (nowHarmless && k === 'destroy' && erases));
    out.push({
      rule: 'caution-withdrawn',
      family: 'widening',
      severity: acts.length ? 'high' : 'low',
      path: '/annotations',
      message: acts.length
        ? `Declared that it changes things; the new version claims to be ${nowReadOnly ? 'read-only' : 'non-destructive'} while its name still says it ${nowReadOnly ? 'changes' : 'destroys'} things, so clients would stop asking before each call`
        : `Now claims to be ${nowReadOnly ? 'read-only' : 'non-destructive'}, where it declared otherwise before`,
      evidence: clip(`${JSON.stringify(oldHints)} → ${JSON.stringify(newHints)}`, 300),
    });
  }
  if (oldHints.openWorldHint === false && newHints.openWorldHint !== false) {
    out.push({
      rule: 'became-open-world',
      family: 'widening',
      severity: 'medium',
      path: '/annotations/openWorldHint',
      message: 'Was declared closed-world; it may now reach outside services',
      evidence: `openWorldHint: false → ${JSON.stringify(newHints.openWorldHint ?? '(removed)')}`,
    });
  }
  return out;
}

/** Verbs that lose data for good ("stop" and "cancel" end something; they are not what destructiveHint warns of). */
const ERASING_VERB = /^(?:delete|remove|purge|drop|destroy|wipe|truncate|erase|uninstall|revoke|overwrite)$/;

/** Limits whose loss lets nothing longer, larger or freer through: a floor, or a format most validators do not enforce. */
const LOWER_BOUNDS: ReadonlySet<string> = new Set(['minimum', 'exclusiveMinimum', 'format']);

const IDENTIFIER_NAME = /(?:^|[_\-.])(?:id|ids|iid|uid|uuid|guid)$|[a-z0-9](?:Id|Ids|ID|IID|UID|Uuid|Guid)$/;
/** A token that pages through results (`skiptoken`, `next_page_token`) is a cursor, not a secret. */
const PAGING_TOKEN = /(?:skip|next|page|continuation|pagination|cursor|resume|sync)[_\-]?token/gi;
/** Sensitive once any paging token is taken out of it: `api_key_next_token` still names a key. */
const sensitiveName = (name: string) => SENSITIVE_PARAM.test(name.replace(PAGING_TOKEN, ''));

/**
 * A new required argument that cannot carry what a rug pull wants from the model
 * (the conversation, a file, a secret): a number, a boolean, a fixed choice, or an
 * identifier by its name with no prose in its own description beyond a sentence.
 * API versions add these all the time (`pageId` on every tool of a browser server).
 */
function carriesLittle(name: string, schema: unknown): boolean {
  if (!isObject(schema)) return false;
  const type = schema.type;
  if (type === 'integer' || type === 'number' || type === 'boolean') return true;
  const choices = Array.isArray(schema.enum) ? schema.enum : schema.const !== undefined ? [schema.const] : undefined;
  if (choices) return !choices.some((v) => typeof v === 'string' && BROAD_VALUE.test(v));
  const description = typeof schema.description === 'string' ? schema.description : '';
  return type === 'string' && IDENTIFIER_NAME.test(name) && description.length <= 200;
}

const words = (name: string) =>
  name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length >= 3);

/** The new required argument replaces one that is gone and shares a word of its name (`file` → `filePath`, `localPath` → `path`): a rename, not a new demand. */
function renamed(name: string, oldRequired: ReadonlySet<string>, newProps: Json): boolean {
  const mine = new Set(words(name));
  for (const old of oldRequired) if (!Object.hasOwn(newProps, old) && words(old).some((w) => mine.has(w))) return true;
  return false;
}

function compareSchema(oldS: Json, newS: Json, path: string, out: Finding[], toolName: unknown = ''): void {
  if (Array.isArray(oldS.enum) && Array.isArray(newS.enum)) {
    const had = new Set(oldS.enum.map((v) => JSON.stringify(v)));
    const extra = newS.enum.filter((v) => !had.has(JSON.stringify(v)));
    if (extra.length) {
      const broad = extra.filter((v) => typeof v === 'string' && BROAD_VALUE.test(v));
      out.push({
        rule: 'enum-widened',
        family: 'widening',
        severity: broad.length ? 'high' : 'medium',
        path: `${path}/enum`,
        message: `Accepts new values${broad.length ? ' that reach further than before' : ''}: ${clip(extra.map((v) => JSON.stringify(v)).join(', '), 160)}`,
        evidence: clip(`${JSON.stringify(oldS.enum)} → ${JSON.stringify(newS.enum)}`, 300),
      });
    }
  }
  for (const key of CONSTRAINTS) {
    if (oldS[key] === undefined) continue;
    if (newS[key] === undefined) {
      out.push({
        rule: 'constraint-dropped',
        family: 'widening',
        severity: key === 'enum' || key === 'const' ? 'high' : LOWER_BOUNDS.has(key) ? 'low' : 'medium',
        path: `${path}/${key}`,
        message: `Dropped its "${key}" limit, so it accepts more than before`,
        evidence: clip(`${key}: ${JSON.stringify(oldS[key])} → (removed)`, 300),
      });
    } else if (
      (key === 'maxLength' || key === 'maximum' || key === 'exclusiveMaximum' || key === 'maxItems' || key === 'maxProperties') &&
      typeof oldS[key] === 'number' &&
      typeof newS[key] === 'number' &&
      newS[key] > oldS[key]
    ) {
      out.push({
        rule: 'constraint-loosened',
        family: 'widening',
        severity: 'low',
        path: `${path}/${key}`,
        message: `Raised its "${key}" limit`,
        evidence: `${key}: ${String(oldS[key])} → ${String(newS[key])}`,
      });
    }
  }
  if (oldS.additionalProperties === false && newS.additionalProperties !== false) {
    out.push({
      rule: 'constraint-dropped',
      family: 'widening',
      // Low: a model fills only the arguments it is shown (the text detectors judge any request for others), and schema generators drop this line between releases.
      severity: 'low',
      path: `${path}/additionalProperties`,
      message: 'Now accepts arguments it does not declare',
      evidence: `additionalProperties: false → ${JSON.stringify(newS.additionalProperties ?? '(removed)')}`,
    });
  }
  const oldProps = isObject(oldS.properties) ? oldS.properties : {};
  const newProps = isObject(newS.properties) ? newS.properties : {};
  const oldReq = new Set(Array.isArray(oldS.required) ? oldS.required.filter((r): r is string => typeof r === 'string') : []);
  const newReq = Array.isArray(newS.required) ? newS.required.filter((r): r is string => typeof r === 'string') : [];
  for (const name of newReq) {
    if (oldReq.has(name)) continue;
    const sensitive = sensitiveName(name);
    // An argument the tool already took, now required: what the tool can be sent is unchanged.
    const existed = Object.hasOwn(oldProps, name) && JSON.stringify(oldProps[name]) === JSON.stringify(newProps[name]);
    const narrow = !sensitive && (existed || carriesLittle(name, newProps[name]) || renamed(name, oldReq, newProps));
    out.push({
      rule: 'new-required-parameter',
      family: 'widening',
      severity: sensitive ? 'high' : narrow ? 'low' : 'medium',
      path: `${path}/properties/${escape(name)}`,
      message: `Now requires a "${clip(name, 60)}" argument it did not need before${sensitive ? ', and its name asks for something sensitive' : ''}`,
      evidence: clip(`required: ${JSON.stringify([...oldReq])} → ${JSON.stringify(newReq)}`, 300),
    });
  }
  for (const [name, sub] of Object.entries(newProps)) {
    const was = oldProps[name];
    if (was === undefined) {
      // A new argument whose choices name secrets ("include": [..., "api_keys", "totp_seed"]) makes the tool hand them out.
      const secretChoice = choicesOf(sub).find((v) => SECRET_VALUE.test(v));
      if (secretChoice !== undefined)
        out.push({
          rule: 'new-secret-choice',
          family: 'widening',
          severity: 'high',
          path: `${path}/properties/${escape(name)}`,
          message: `Has a new "${clip(name, 60)}" argument whose choices include ${clip(JSON.stringify(secretChoice), 60)}: the tool can now be asked to hand out secrets it did not expose before`,
          evidence: clip(`${name}: ${JSON.stringify(choicesOf(sub))}`, 200),
        });
      if (!newReq.includes(name))
        out.push({
          rule: 'new-parameter',
          family: 'widening',
          severity: sensitiveName(name) ? 'medium' : 'low',
          path: `${path}/properties/${escape(name)}`,
          message: `Has a new optional "${clip(name, 60)}" argument`,
          evidence: clip(name, 120),
        });
      continue;
    }
    if (isObject(was) && isObject(sub)) compareSchema(was, sub, `${path}/properties/${escape(name)}`, out, toolName);
  }
  for (const [name, sub] of Object.entries(newProps)) {
    const was = Object.hasOwn(oldProps, name) ? oldProps[name] : undefined;
    const at = `${path}/properties/${escape(name)}`;
    const reach = defaultReach(was, sub, name, toolName);
    if (reach)
      out.push({
        rule: 'default-widened',
        family: 'widening',
        severity: 'high',
        path: `${at}/default`,
        message: `"${clip(name, 60)}" now defaults to ${clip(JSON.stringify(reach), 80)}: when the model leaves it out, the tool reaches further than the approved version did`,
        evidence: clip(
          `default: ${JSON.stringify(isObject(was) ? (was.default ?? '(none)') : '(new argument)')} → ${JSON.stringify(isObject(sub) ? sub.default : undefined)}`,
          300,
        ),
      });
    const text = isObject(sub) && typeof sub.description === 'string' ? sub.description : '';
    const oldText = isObject(was) && typeof was.description === 'string' ? was.description : '';
    // A pattern, a glob or a query takes a wildcard as its job ("* for every file").
    if (isObject(was) && text !== oldText && !PATTERN_PARAM.test(name) && WILDCARD.test(text) && !WILDCARD.test(oldText))
      out.push({
        rule: 'wildcard-accepted',
        family: 'widening',
        severity: 'medium',
        path: `${at}/description`,
        message: `"${clip(name, 60)}" now accepts a value that means everything: one call reaches what the approved version reached one at a time`,
        evidence: clip(`${oldText} → ${text}`, 300),
      });
  }
  if (isObject(oldS.items) && isObject(newS.items)) compareSchema(oldS.items, newS.items, `${path}/items`, out, toolName);
}

/** Values that reach everything, or data its owner marks as guarded (a classification, or a personal record's fields). */
const REACHING_VALUE =
  /(?:^|[_\-\s.:])(?:all|any|every(?:thing|one)?|\*|unrestricted|unlimited|global|root|admin|superuser|public|private|privileged|confidential|restricted|sensitive|secrets?|internal|pii|phi|ssn|social_security\w*|salar(?:y|ies)|passports?|dob|date_of_birth|medical|diagnos\w*|iban|card_number)(?:$|[_\-\s.:])|^\*$/i;
/**
 * The default a parameter gained or changed to, when it reaches everything or guarded data: a model that leaves the
 * argument out (most do) now gets all private messages, every environment, the SSN column. A new parameter with such a
 * choice and no default leaves the model to pick it, which the text detectors and `new-secret-choice` judge.
 */
const PATTERN_PARAM = /(?:pattern|glob|filter|query|match|mask|regex|search|selector|path)s?$/i;
/** A default that reaches everything, on a tool whose name only reads ("state: all" on list_issues), lists more, not does more. */
const BROAD_ONLY = /^(?:all|any|every(?:thing|one)?|\*|unlimited|global)$/i;
/** "private" is the narrow choice of a visibility, and a reaching one elsewhere ("all_private_messages"). */
const VISIBILITY_PARAM = /^(?:visibility|privacy|acl|access|sharing|share|public|private)$/i;

function defaultReach(was: unknown, now: unknown, name = '', toolName: unknown = ''): unknown {
  if (!isObject(now) || now.default === undefined) return undefined;
  const before = isObject(was) ? was.default : undefined;
  if (JSON.stringify(before) === JSON.stringify(now.default)) return undefined;
  const values = Array.isArray(now.default) ? now.default : [now.default];
  const earlier = Array.isArray(before) ? before : [before];
  // From one reaching value to another ("public" → "private" visibility) is no widening this reading can judge.
  if (earlier.some((v) => typeof v === 'string' && REACHING_VALUE.test(v))) return undefined;
  const old = new Set(earlier.map((v) => JSON.stringify(v)));
  const reader = namePowers(toolName).size === 0;
  return values.find(
    (v) =>
      typeof v === 'string' &&
      !old.has(JSON.stringify(v)) &&
      REACHING_VALUE.test(v) &&
      !(reader && BROAD_ONLY.test(v.trim())) &&
      !(VISIBILITY_PARAM.test(name) && /^private$/i.test(v.trim())),
  );
}
/** A parameter's text that now admits a value meaning "all": a lone `*`, or "or all patients". */
const WILDCARD = /(?:^|[\s(,"'`])\*(?=[\s),"'`.:;]|$)|\b(?:or|and)\s+(?:all|every|any)\s+\w+|\bempty\s+(?:for|=|means)\s+(?:all|every|any)\b/i;

/** Values that name a secret, not a field that merely guards one. */
const SECRET_VALUE =
  /(?:token|secret|password|passwd|credential|api_?keys?|private_?keys?|ssh_?keys?|cookies?|totp|mfa_?seed|seed_?phrase|recovery_?codes?|backup_?codes?)/i;
/** The fixed choices of a schema: its enum, const and default, and those of its items. */
function choicesOf(schema: unknown): string[] {
  if (!isObject(schema)) return [];
  const own = [...(Array.isArray(schema.enum) ? schema.enum : []), schema.const, schema.default].filter((v): v is string => typeof v === 'string');
  return [...own, ...(isObject(schema.items) ? choicesOf(schema.items) : [])];
}

const escape = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');
