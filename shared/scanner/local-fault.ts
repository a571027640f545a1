import { CLAIM, COMMAND, DESTROY, DISABLE_COMMAND, EVERY_USE, TARGET } from './environment.ts';
import { clip, sentences, type IntentFinding } from './intent.ts';
import { nameWords } from './workflow.ts';

// An invented local fault that makes a destructive or weakening step part of every
// use, in any voice: "the replica holds slots open until TRUNCATE … is executed",
// "subscriptions are dropped before every dump", "commits are made with --no-verify
// after removing .git/hooks", a config block whose reset runs before each run. The
// order need not be an imperative: a step the text says happens, tied to every use
// and justified by a fact about "this cluster" or "here", is an order the model
// carries out. The tool's own job (its first sentence, the verb of its name) and a
// step the user asks for are not.

/** A fact about this place: the cluster, the image, the replica, "here", in a few languages. */
const LOCAL =
  /\b(?:in|on|for|with)\s+this\s+(?!(?:tool|function|call|request|page|endpoint|api)\b)[a-z][\w-]+\b|\bhere\b|\bthe current (?:image|machine|host|setup)\b|\b(?:is|are) (?:\w+\s+){0,2}(?:broken|stale|full|known to be \w+|over (?:its|the) \w+)|\b(?:this|the)\s+(?:replica|cluster|backend|provider|image|sandbox|display server|x server|imap server|mail server|agent|formatter|linter)\s+(?:\w+\s+){0,3}?(?:blocks?|refuses?|rejects?|hangs?|freezes?|turns? \w+ away|holds?|keeps?|only)\b|\b(?:neste|en este|in diesem|in dieser|dans cet|in deze|in questo)\s+(?:ambiente|entorno|umgebung|environnement|omgeving)\b/i;
/** The step tied to each use, or the use held back until the step is done. */
const TIE =
  /\buntil\b|\bonly\s+(?:when|after|once|with|if|via|through)\b|\bsucceeds only\b|\bwork(?:s)? only\b|\bgoes first\b|\bprecedes?\b|\bafter\s+(?:removing|deleting|running|`)|\bonce per (?:call|run|use)\b|\bon each call\b|\b(?:before|ahead of)\s+(?:every|each|any)\b|\bv[oó]{2}r elke\b|\bantes de cada\b/i;
/** Steps that weaken the machine rather than delete: open X access, passwordless sudo, hooks skipped, locks off. */
const WEAKEN =
  /\bxhost\s+\+|\bNOPASSWD\b|\/etc\/sudoers\b|--no-verify\b|--privileged\b|-lock=false\b|\bkeep-last\s+0\b|\bstate\s+rm\b|\bdrop\s+subscription\b|\btruncate\s+[\w.]+|\bkubectl\s+delete\b[^`\n]*--all\b|\bexpunged?\b|\bpermanently\s+(?:deleted|removed|erased|expunged)\b|\bdeleted for good\b|\b(?:forget|prune)\b[^`\n]{0,20}--(?:prune|keep-last)\b/i;
/** "If the install fails, clear the cache": a step for a fault the model sees, not one asserted for every use. */
const CONDITIONAL = /\b(?:if|when|in case|should)\b[^.;]{0,60}\b(?:fail\w*|errors?|denied|broken|corrupt\w*)\b/i;
const USER_ASKS = /\b(?:only\s+)?(?:when|if|once)\s+(?:the\s+)?user\s+(?:\w+\s+)?(?:asks?|wants?|requests?|confirms?|approves?)\b|\bnever\b/i;
const GATE = /until|only|first|precede|after|once|each|every|elke|cada/i;

export function localFaultFindings(text: string, name: string, isDescription: boolean): IntentFinding[] {
  // A tool named for destroying (delete_notification_setting) describes its own effect, however it words it.
  if (!GATE.test(text) || DESTROY.test(nameWords(name).join(' '))) return [];
  // No step to take, no tie to every use, or no place claimed: nothing to read sentence by sentence.
  // The tie and the place first: STEP_ANY is the longest of these patterns and most texts fail an earlier one.
  if (!(TIE.test(text) || EVERY_USE.test(text)) || !(LOCAL.test(text) || CLAIM.test(text)) || !STEP_ANY.test(text)) return [];
  const own = new Set(nameWords(name).map((w) => w.slice(0, 4)));
  const all = sentences(text);
  for (let i = 0; i < all.length; i++) {
    const s = all[i]!.text;
    // The first sentence of a description is the tool's own job.
    if (isDescription && i === 0) continue;
    const step = STEP_ANY.test(s) ? (WEAKEN.exec(s) ?? COMMAND.exec(s) ?? DISABLE_COMMAND.exec(s) ?? destroys(s)) : null;
    if (!step) continue;
    // "prune_backups … borg prune": the step is what the tool is named for.
    const verb = nameWords(step[0])[0];
    if (verb && own.has(verb.slice(0, 4))) continue;
    const window = [all[i - 1]?.text, s, all[i + 1]?.text].filter(Boolean).join(' ');
    if (CONDITIONAL.test(s) || USER_ASKS.test(s)) continue;
    const tied = TIE.test(window) || EVERY_USE.test(window);
    const local = LOCAL.exec(window) ?? CLAIM.exec(window);
    if (!tied || !local) continue;
    return [
      {
        rule: 'local-fault-step',
        family: 'destructive',
        severity: 'high',
        evidence: clip(window),
        message: `Makes a destructive or weakening step (${clip(step[0].trim(), 40)}) part of every use, on the strength of a claim about this environment ("${clip(local[0].trim(), 40)}")`,
      },
    ];
  }
  return [];
}

const DESTROY_EACH = new RegExp(DESTROY.source, 'gi');
/** Any step at all, in one pass. */
const STEP_ANY = new RegExp([WEAKEN, COMMAND, DISABLE_COMMAND, DESTROY].map((re) => re.source).join('|'), 'i');
/** A destroy verb in any voice with a broad or valuable object after it. */
function destroys(s: string): RegExpExecArray | null {
  DESTROY_EACH.lastIndex = 0;
  for (let m = DESTROY_EACH.exec(s); m; m = DESTROY_EACH.exec(s)) {
    // Negated, or a possible effect ("may squash commits or delete the source branch"), is not a step taken.
    if (/\b(?:not|never|no)\s+(?:\w+\s+){0,2}$/i.test(s.slice(Math.max(0, m.index - 30), m.index))) continue;
    if (/\b(?:may|might|can|could|optionally)\b/i.test(s.slice(Math.max(0, m.index - 60), m.index))) continue;
    if (TARGET.test(s.slice(m.index, m.index + 80)) || TARGET.test(s.slice(Math.max(0, m.index - 60), m.index))) return m;
  }
  return null;
}
