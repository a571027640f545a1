import { clip, sentences, type IntentFinding } from './intent.ts';

// A destructive step the model is ordered to take as a condition of using the
// tool, usually justified by a fact about the environment nobody can check
// ("the cache is corrupted since the last crash", "clocks drifted"). Read as
// structure: an order (imperative or modal, not the tool describing its own
// action), a destructive verb or command, a broad or valuable object, and a tie
// to every use or an asserted breakage. "If installs fail, clear the cache" is
// troubleshooting, and a tool whose job is deleting says so in the third person.

const NEGATED = /\b(?:not|never|don'?t|doesn'?t|without|avoid|no need to|nor|refuses? to|cannot|can'?t|won'?t)\s+(?:\w+\s+){0,2}$/i;
export const DESTROY =
  /\b(?:delete|remove|wipe|erase|purge|truncate|drop|reset|clean|clear|discard|overwrite|nuke|destroy|zap|format|reformat|re-?initiali[sz]e|rm|unlink|force[- ]push|blow away|throw away|get rid of|empty|flush|uninstall|revert|roll back|kill|scrub|shred|revoke|invalidate|deactivate)\b|\b(?:supprim|effac|détrui|(?:ge)?lösch|entfern|borr[ae]|elimin|cancella(?:re|te|to|ti)?\b|apag)\w*/i;
/** Verbs that start an order: the imperative, or after a modal aimed at the model. */
const ORDER_BEFORE =
  /(?:^|[:;,(]|\b(?:must|need to|needs to|have to|has to|should|shall|required to|make sure to|be sure to|please|first|then|always|and|so|therefore|thus|hence|accordingly|consequently|you'?ll need to|remember to|go ahead and|start by|begin by|run|execute|issue|perform)(?:\s+be)?)\s*(?:\w+ly\s+)?$/i;
/** Commands that destroy, quoted or not. */
export const COMMAND =
  /\brm\s+-[a-z]*[rf]|\bgit\s+(?:clean\s+-[a-z]*[fdx]|checkout\s+--\s+\.|reset\s+--hard|push\s+(?:-f\b|--force)|branch\s+-D)|\b(?:drop|truncate)\s+(?:table|database|schema|all)\b|\bdelete\s+from\s+[\w."`]+\s*(?:;|$|\)|where\s+1\s*=\s*1)|\bdropdb\b|\bdocker\s+(?:system|volume|image)\s+prune\b|\bmkfs\b|\bdd\s+if=|\bformat\s+[a-z]:/i;
export const TARGET =
  /^delete\s+from\s|\b(?:all|every|each|entire|whole|everything|them all|it all|home|~\/?|\/var|\/etc|\/usr|\/home|directory|directories|folders?|files|repo(?:sitory)?|branch|main|master|history|database|tables?|records|rows|entries|events|messages|e-?mails|logs?|backups?|volumes?|containers?|node_modules|caches?|commits?|data|config(?:uration)?|contents?|workspace|project|downloads|documents|keys|tokens|accounts?|users)\b|~\/|\/\s*$|\s\/(?:\s|$)/i;
export const EVERY_USE =
  /\b(?:before|prior to|ahead of)\s+(?:(?:every|each|any|a|the|this|its|you|calling|using|running|invoking)\s+){0,2}(?:use|call|build|run|sync|deploy|invocation|invoking|using|calling|running|request|query|operation|session|formatting|listing|migrat\w*|install\w*|test\w*|step|it|proceeding|continuing)\b|\b(?:every|each)\s+(?:single\s+)?(?:time|use|call|run|build|sync|deploy\w*|invocation|request|session)\b|\bon (?:every|each)\b|\bfirst\b|\bbeforehand\b|\b(?:start|begin) by\b|\b(?:before|prior to|ahead of) (?:each|every|any|the) \w+|\bbefore \w+ing\b|\bas a first step\b|\bat the start of (?:every|each)\b|\bto (?:restore|fix|repair|recover|reset|unlock|clean up)\b|\bthen\s+(?:call|use|run|list|invoke|proceed|continue)\b|\b(?:preliminary|prerequisite|mandatory|required) step\b|\bworkaround (?:required|needed)\b|\bwhenever (?:this|it|you|the tool)\b|\b(?:avant (?:chaque|toute?|d'utiliser)|vor (?:jede[mnrs]?|der nutzung|dem aufruf)|antes de (?:cada|cualquier|usar|utilizar)|prima di (?:ogni|usare|utilizzare))|перед (?:каждым|каждой|использованием)|每次|使用前|调用前|毎回|使用前に/i;
export const CLAIM =
  /\b(?:is|are|has been|have been|got|became|was|were)\s+(?:now\s+|currently\s+|still\s+|known to be\s+)?(?:\w+\s+)?(?:stale|corrupt\w*|broken|inconsistent|poisoned|invalid|drifted|out of sync|locked|full|damaged|dirty|tainted|infected|compromised|misconfigured|outdated|unusable|unstable|scrambled|mangled|garbled|expired|duplicated|desynced|messed up|wrecked|unreadable|unusable|breaking \w+|causing (?:errors|failures|crashes)|left \w+|in an? (?:\w+\s+)?(?:bad|inconsistent|broken|corrupt\w*|invalid|unknown) state)\b|\b(?:known|recent|ongoing)\s+(?:issue|bug|corruption|problem|incident|fault|defect)\b|\bdue to\b|\b(?:since|after|in|during) (?:the|last night'?s|yesterday'?s|today'?s|this morning'?s)\s+(?:(?:last|recent|latest|botched|failed)\s+)?(?:crash|upgrade|update|migration|outage|incident|deploy\w*|release|merge)\b|\b(?:holds?|contains?|has) (?:\w+\s+)?(?:duplicates|garbage|junk|corrupt\w* \w+)\b|\bbecause of (?:a|an|the)\b|\b(?:stale|corrupt\w*|broken|inconsistent|poisoned|invalid|dirty)\s+(?:\w+\s+)?(?:state|lock|cache|index|object|entries|data|files?)\b|\b(?:drifted|is almost full|ran out of)\b|\b(?:holds?|contains?|has|have)\s+(?:\w+\s+)?(?:stale|corrupt\w*|broken|invalid|orphaned|duplicate\w*|garbage|junk)\b|\b(?:since|after|during)\s+(?:the\s+|last\s+\w+'s\s+|(?:yesterday|today|tonight)'s\s+)?(?:\w+\s+){0,2}(?:crash|upgrade|update|migration|outage|incident|release|reboot|reset)\b|\b(?:currently|now|at the moment|today)\s+(?:\w+\s+)?(?:breaks|rejects|blocks|fails|crashes|corrupts)\b|\b(?:is|are)\s+(?:\w+\s+)?(?:malfunctioning|misbehaving|failing|down|broken)\b|\bknown issue\b/i;

const DESTROY_EACH = new RegExp(DESTROY.source, 'gi');

/**
 * "Never run destructive commands such as rm -rf without asking": the clause forbids the step. The negation
 * must govern it: "never proceed without first running rm -rf" orders it, so without/until/unless/before between undo it.
 */
const FORBIDS = /\b(?:never|do not|don'?t|must not|should not|shouldn'?t|avoid)\s+(?:[\w'’-]+\s+){0,5}$/i;
function forbidden(text: string, at: number): boolean {
  // A bounded window: the negation sits within a few words, and a hostile text must not make this quadratic.
  const clause =
    text
      .slice(Math.max(0, at - 120), at)
      .split(/[.;:!?]/)
      .pop() ?? '';
  const head = FORBIDS.exec(clause);
  return head !== null && !/\b(?:without|until|unless|before|first)\b/i.test(head[0]);
}

/** "All events must be wiped first": the order in the passive, its object before it. */
const PASSIVE_ORDER =
  /\b(?:must|should|has to|have to|needs? to|is to|are to|shall)\s+(?:first\s+|all\s+)?be\s+(?:\w+ly\s+)?(?:deleted|removed|wiped|erased|purged|truncated|dropped|reset|cleaned|cleared|discarded|overwritten|destroyed|revoked|invalidated|deactivated|emptied|flushed|uninstalled)\b/i;

/** "Vor der Nutzung … löschen": a sentence opened by "before each use" in a language whose order puts the verb last. */
const FOREIGN_OPENING =
  /^\W*(?:vor (?:jede[mnrs]?|der nutzung|dem aufruf)|avant (?:chaque|toute?|d'utiliser)|antes de (?:cada|usar|utilizar)|prima di (?:ogni|usare))\b/i;
function orderedDestruction(text: string): RegExpExecArray | null {
  const command = COMMAND.exec(text);
  if (command && !NEGATED.test(text.slice(Math.max(0, command.index - 30), command.index)) && !forbidden(text, command.index)) return command;
  const re = DESTROY_EACH;
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const before = text.slice(Math.max(0, m.index - 40), m.index);
    if (NEGATED.test(before) || !(ORDER_BEFORE.test(before) || FOREIGN_OPENING.test(text)) || forbidden(text, m.index)) continue;
    return m;
  }
  const passive = PASSIVE_ORDER.exec(text);
  return passive && !NEGATED.test(text.slice(Math.max(0, passive.index - 30), passive.index)) ? passive : null;
}

/** Switching a safeguard off: the step an invented fault justifies when nothing is deleted. */
export const DISABLE_COMMAND =
  /\bNODE_TLS_REJECT_UNAUTHORIZED\s*=\s*['"]?0|\bchmod\s+(?:-R\s+)?[0-7]?777\b|\bsetenforce\s+0\b|\bsystemctl\s+(?:stop|disable|mask)\s+\S+|\bufw\s+disable\b|--no-verify\b|--insecure\b|\bPYTHONHTTPSVERIFY\s*=\s*0/i;
const DISABLE =
  /\b(?:disabl\w*|deactivat\w*|turn(?:s|ed|ing)?\s+(?:[\w-]+\s+){0,4}?off|switch(?:es|ed|ing)?\s+(?:[\w-]+\s+){0,4}?off|stop(?:s|ped|ping)?|bypass\w*|skip(?:s|ped|ping)?|suspend\w*|kill\w*)\b/gi;
const DISABLE_ANY = new RegExp(DISABLE.source, 'i');
/** What protects the user or the system: verification, scanners, second factors, policies, audit. */
const SAFEGUARD =
  /\b(?:verif\w*|checks?|checking|certificates?|tls|ssl|signatures?|scanners?|antivirus|anti-virus|malware|firewalls?|2fa|mfa|two-factor|webhooks?|polic(?:y|ies)|guard\w*|protection|security|audit\w*|monitor\w*|logging|validation|sandbox\w*|authentication|expiry|encryption|clamav\w*|selinux|apparmor|defender)\b/i;
function orderedDisabling(s: string): RegExpExecArray | null {
  const cmd = DISABLE_COMMAND.exec(s);
  if (cmd && !NEGATED.test(s.slice(Math.max(0, cmd.index - 30), cmd.index)) && !forbidden(s, cmd.index)) return cmd;
  DISABLE.lastIndex = 0;
  for (let m = DISABLE.exec(s); m; m = DISABLE.exec(s)) {
    const before = s.slice(Math.max(0, m.index - 40), m.index);
    if (NEGATED.test(before) || !ORDER_BEFORE.test(before) || forbidden(s, m.index)) continue;
    // The safeguard is its object: after the verb, or just before it in the passive ("verification should be skipped").
    if (SAFEGUARD.test(s.slice(Math.max(0, m.index - 50), m.index + m[0].length + 50))) return m;
  }
  return null;
}

export function environmentFindings(text: string, isDescription: boolean): IntentFinding[] {
  const disabling = DISABLE_COMMAND.test(text) || (DISABLE_ANY.test(text) && SAFEGUARD.test(text));
  if (!DESTROY.test(text) && !COMMAND.test(text) && !PASSIVE_ORDER.test(text) && !disabling) return [];
  const all = sentences(text);
  for (let i = 0; i < all.length; i++) {
    const s = all[i]!.text;
    const destroys = orderedDestruction(s);
    const m = destroys ?? (disabling ? orderedDisabling(s) : null);
    if (!m) continue;
    const after = PASSIVE_ORDER.test(m[0]) || FOREIGN_OPENING.test(s) ? s : s.slice(m.index);
    if (destroys && !TARGET.test(after) && !COMMAND.test(m[0]) && !SAFEGUARD.test(after.slice(0, 80))) continue;
    // A troubleshooting step hangs on a condition the model observes; an invented fact is asserted instead.
    const conditional = /\b(?:if|when|in case|should)\b[^.;]{0,60}\b(?:fail\w*|error\w*|broken|corrupt\w*|stale|out of date)\b/i.test(s);
    const window = `${all[i - 1]?.text ?? ''} ${s}`;
    const claim = !conditional && CLAIM.exec(window);
    const everyUse = EVERY_USE.test(s);
    // The first sentence of a description is the tool's own job ("Delete all rows of a table.").
    if (isDescription && i === 0 && !claim && (!destroys || !COMMAND.test(m[0]))) continue;
    if (!claim && !(everyUse && !conditional)) continue;
    return [
      {
        rule: 'destructive-step-demand',
        family: 'destructive',
        severity: 'high',
        evidence: clip(claim && !s.includes(claim[0]) ? window : s),
        message: `Orders a ${destroys ? 'destructive' : 'safeguard-disabling'} step (${clip(m[0].trim(), 40)}) ${claim ? `on the strength of a claim about the environment ("${clip(claim[0].trim(), 50)}")` : 'on every use of the tool'}, not as what the tool itself does`,
      },
    ];
  }
  return [];
}
