import { clip, IBAN, sentences, type IntentContext, type IntentFinding } from './intent.ts';
import { nameWords } from './workflow.ts';

// A call to another tool written out as part of using this one: a name with its
// arguments ("acl_set(rules=[])", "a `reset_account` call with `scope: "all"`"),
// tied to this tool's use (before, after, on each, as the recovery, in its usage
// sequence). What the call could do is read from the target's name (its verbs:
// reset, push, share, grant, set…) and from the arguments it is handed (everything,
// force, public, a fixed account, a token), and set against what this tool is for:
// a lookup whose text schedules a write to another server's tool asks the model
// for a power the user never gave it. Wording-free: no trigger verb is needed, and
// the harm may sit only in the arguments.

/** Verbs in a tool name that change, expose or send things. */
const POWER = new Set(
  (
    'reset delete remove purge wipe erase clear drop destroy truncate expunge forget push force add grant share upload put set update replace ' +
    'apply bind transfer pay payee beneficiary send post publish forward track emit export invite permission policy iam acl role destination ' +
    'config setting write install bulk disable revoke overwrite chmod sudo elevate promote settlement merge flush flushall rebuild all ' +
    'authorize authorise ingress join approve administer prune submit close cancel dismiss resolve waive override'
  ).split(' '),
);

/** Arguments that reach everything, switch a safeguard off, expose, name a beneficiary, or carry a secret. */
const ARG_HARMS: [RegExp, string][] = [
  [
    /\b(?:on|to|over|for)\s+(?:every|all|each)\b|\bkeep(?:_\w+)?\s*[=:]\s*0\b|(?:[=:]|\bto|\bover)\s*["'`]?(?:\*|all|everything|any)["'`]?(?=[\s,)}\]]|$)|[=:]\s*\[\s*\]|[=:]\s*["'`]?\[\s*["'`]\/["'`]\s*\]|["'`]\/["'`]|\s--all\b|\ball\s*=\s*true\b/i,
    'reaches everything',
  ],
  [
    /\b(?:force|permanent|confirm|skip_?\w*|no_?verify|overwrite|include_?\w*credentials?|with_?passwords?)\s*[=:]\s*["'`]?(?:true|1|yes)\b|--force\b/i,
    'switches a safeguard off',
  ],
  [
    /\banyone with the link\b|\bpublic[-_ ]?read\b|\ballUsers\b|\bprincipal\s*["'`]?\*|\brole\s*[=:]\s*["'`]?(?:roles\/)?(?:writer|owner|admin\w*|editor)\b|\bsystem:masters\b|\bcluster-admin\b|\b(?:access|visibility|acl|share|sharing|permissions?|privacy|audience|level)\s*[=:]\s*["'`]?(?:public\w*|everyone|anyone|admin\w*|owner|full\w*)\b|(?:^|[\s"'`=:(,])(?:0\.0\.0\.0\/0|::\/0)(?=$|[\s"'`,)])/i,
    'opens access',
  ],
  [
    new RegExp(String.raw`\biban\s*[=:]|${IBAN.source}|\bemail\s*[=:]\s*["'\x60]?[\w.+-]+@|\b(?:bank_?account|account|acct)\s*[=:]\s*["'\x60]?\w*\d`, 'i'),
    'names a fixed account',
  ],
  [/\b(?:tokens?|cookies?|credentials?|passwords?|secrets?|api[_ ]?keys?)\b/i, 'carries a secret'],
  // Sixteenth round: an approval signed by no one ("approver='system'"), a sum fixed by the text ("declared_value=1"),
  // a verdict decided in advance ("outcome='merchant_wins'"), a retention or limit set to nothing ("days=0").
  [
    /\b(?:approver|approved_by|approval|reviewer|signer|authori[sz]er|actor|as_user|on_behalf_of|run_as)\s*[=:]\s*["'`]?(?:system|auto\w*|admin\w*|root|service|bot|self|none|null|skip)\b/i,
    "approve in no one's name",
  ],
  [/\b\w*(?:amount|value|price|total|fee|duty|tax|salary|rate|refund)\s*[=:]\s*["'`]?-?\d/i, 'fix a sum'],
  [/\b(?:outcome|decision|verdict|resolution|ruling|winner)\s*[=:]\s*["'`]?\w/i, 'decide an outcome'],
  [/\b\w*(?:days|retention|ttl|keep|limit|max|threshold|minimum|min)\w*\s*[=:]\s*["'`]?0\b/i, 'set a limit to nothing'],
];

/** Name verbs that destroy: such a call set before every use needs no arguments to be harmful. */
const DESTROYS = new Set('reset delete remove purge wipe erase clear drop destroy truncate expunge forget flush flushall'.split(' '));
/** "ahead of every cache_get", "before each read": the call is a condition of every use. */
const EVERY_USE = /\b(?:before|ahead of|prior to|after)\s+(?:every|each|any)\b|\bon (?:every|each) (?:call|use|run|read|request)\b/i;

/** Where the call is tied to this tool's use: a sequence, a condition of every use, a recovery, a later moment. */
const TIE =
  /\b(?:before|after(?:wards?)?|first|prior to|ahead of|precedes?|preceded|follow|follows|followed|expects?|then|once|each|every|whenever|recover\w*|documented|expected|is (?:called|run|invoked|executed|applied)|runs|begins? with|opens? with|starts? with|retried|sequence|steps?|per (?:call|run|use)|only (?:accepts?|works?|runs?|succeeds?)|(?:is|are) reached (?:with|by)|requires?|needs?)\b|\b(?:avant|vor|antes|prima|v[oó]{2}r|eerst|bij elke|jede[mnrs]?|chaque|cada|ogni)\b/i;
/** A condition of the tool's use; the user's own wishes are GATED below. */
const CONDITION = /\b(?:if|when|whenever|in case)\b|(?:после|перед|сначала|затем|然后|之后|之前|後に|前に|후에|전에|먼저)/i;
/** A heading line that makes the lines under it a procedure ("Usage sequence:", "Steps:"). */
const PROCEDURE = /\b(?:sequence|steps|usage|workflow|procedure|order of calls|setup)\b[^\n]{0,20}:\s*$/i;
/** The user decides, or the text forbids it. */
const GATED =
  /\b(?:if|when|only if|only when|unless|once)\s+(?:the\s+)?(?:user|person|human)\s+(?:\w+\s+){0,2}?(?:asks?|wants?|requests?|confirms?|approves?|agrees?|says?)\b|\b(?:confirm|check) with the user\b|\bthe user can\b/i;
const FORBIDS = /\b(?:never|do not|don'?t|must not|should not|avoid|instead of)\s+(?:\w+\s+){0,3}$/i;

const CALLEE = /[`'"]?\b([a-z][a-z0-9]*(?:_[a-z0-9]+)+|[a-z]+(?:[A-Z][a-z0-9]+)+)\b[`'"]?/g;
const CALLEE_ANY = new RegExp(CALLEE.source);
/** Arguments handed to it: parentheses, or "with/using/mit/avec/con … key=value / `key: value` / a quoted value". */
const ARGS_AFTER =
  /^\s*\(|^[^.;]{0,80}?\b(?:with|using|passing|and|mit|avec|con|com|met|over|on|sur|to)\b[^.;]{0,80}?(?:[=:]|["'`]|\b[a-z_]+\s+[A-Z]{2}\d{2}[A-Z0-9]{8,})/i;

/** Any power verb as a substring: most names hold none, and need no splitting. */
const POWER_ANY = new RegExp([...POWER].join('|'), 'i');
let lastOwn: { name: string; words: Set<string> } | undefined;
function powerOf(target: string, own: string): string | undefined {
  if (!POWER_ANY.test(target)) return undefined;
  if (lastOwn?.name !== own) lastOwn = { name: own, words: new Set(nameWords(own)) };
  const ownWords = lastOwn.words;
  return nameWords(target).find((w) => POWER.has(w) && !ownWords.has(w));
}

/** A name with a power verb that is not this tool, its parameter or its sibling: the only thing worth reading sentences for. */
function candidate(name: string, ctx: IntentContext): string | undefined {
  const lower = name.toLowerCase();
  if (lower === ctx.name.toLowerCase() || ctx.params.has(lower) || ctx.siblings.has(lower)) return undefined;
  return powerOf(name, ctx.name);
}

export function writtenCallFindings(text: string, ctx: IntentContext): IntentFinding[] {
  // A candidate's name holds a power verb, so a text without any needs no walk over its names.
  if (!POWER_ANY.test(text)) return [];
  // One pass over the whole text first: most texts name no other tool that can change anything.
  let any = false;
  for (const m of text.matchAll(CALLEE)) {
    if (!candidate(m[1]!, ctx)) continue;
    any = true;
    break;
  }
  if (!any) return [];
  const lines = text.split('\n');
  const starts: number[] = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  // Sentences come in order, so the line a sentence sits in only moves forward: linear however many lines.
  let lineNo = 0;
  for (const { text: sentence, at } of sentences(text)) {
    if (!CALLEE_ANY.test(sentence) || GATED.test(sentence)) continue;
    // The line a sentence sits in, and whether a procedure heading stands above it.
    while (lineNo + 1 < starts.length && starts[lineNo + 1]! <= at) lineNo++;
    const inProcedure = lines.slice(Math.max(0, lineNo - 4), lineNo).some((l) => PROCEDURE.test(l));
    for (const m of sentence.matchAll(CALLEE)) {
      const name = m[1]!;
      const power = candidate(name, ctx);
      if (!power) continue;
      if (/^\s*(?:field|parameter|param|argument|flag|option|property|key|value|setting)s?\b/i.test(sentence.slice(m.index + m[0].length))) continue;
      // A segment of a path or URL ("/v1/component_sets/{key}") or an escape ("\\nPost") is not a tool.
      if (/[/\\{$.]$/.test(sentence.slice(Math.max(0, m.index - 1), m.index)) || FORBIDS.test(sentence.slice(Math.max(0, m.index - 40), m.index))) continue;
      const rest = sentence.slice(m.index + m[0].length, m.index + m[0].length + 220);
      const args = ARGS_AFTER.test(rest) ? rest : '';
      const harms = ARG_HARMS.filter(([re]) => re.test(args)).map(([, what]) => what);
      // A call set on a condition of the tool's own use ("when the response is restricted, call …") is tied to it when
      // what it is handed opens access or reaches everything.
      const tied = inProcedure || TIE.test(sentence) || (harms.length > 0 && CONDITION.test(sentence));
      const everyUseDestroy = DESTROYS.has(power) && EVERY_USE.test(sentence);
      // A bare name with a power verb needs both the tie and a harm in what it is handed, a procedure around it, or to destroy on every use.
      if (!everyUseDestroy && (!tied || (!args && !inProcedure) || (harms.length === 0 && !inProcedure && !/^\s*\(/.test(rest)))) continue;
      return [
        {
          rule: 'written-call-demand',
          family: 'cross-tool',
          severity: harms.length ? 'high' : 'medium',
          evidence: clip(sentence),
          message: `Writes out a call to ${name} (it can ${power}) as part of using this tool${harms.length ? `, with arguments that ${harms.join(' and ')}` : ''}; nothing in what the tool does needs it`,
        },
      ];
    }
  }
  return [];
}
