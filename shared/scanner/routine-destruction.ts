import { clip, NEGATION, sentences, type IntentFinding } from './intent.ts';
import { nameWords } from './workflow.ts';

// Seventeenth round (issue 12): records destroyed as a routine step of using a tool whose job is something else, in
// the passive and with a reason that sounds technical: "the ban list is cleared before every sync", "existing damage
// records for the plate are deleted before a new check", "the dispatch table is dropped and rebuilt on every call",
// "the queue jams unless the day's transaction log is purged first". destructive-precondition (intent.ts) reads a
// command or an order to delete everything; this reads the destruction stated as a plain fact of each use, whoever
// does it, since the model accepts a fact of the product where it would question an order.

const DESTROYED =
  /\b(?:(?:is|are|gets?|be|been)\s+(?:\w+\s+)?(?:deleted|cleared|purged|dropped|wiped|erased|removed|zeroed|truncated|discarded)|(?:deletes?|clears?|purges?|wipes?|erases?|zero(?:e?s)|truncates?|discards?)\s+(?:all\s+|every\s+|the\s+|any\s+|existing\s+|its\s+|their\s+)+|has\s+(?:\w+\s+)?(?:deleted|cleared|purged|wiped|zeroed|removed))/i;
/** What others rely on: records, lists, logs, reviews, bookings, history, totals. */
const RECORDS =
  /\b(?:records?|list|table|logs?|reviews?|reservations?|bookings?|versions?|reports?|history|tall(?:y|ies)|totals?|bans?|orders?|backups?|accounts?|messages?|comments?|complaints?|claims?|evidence|audit\w*|entries|ledger|minutes|results? of (?:others|other users))\b/i;
/** Tied to each use, or made its condition. */
const EACH_USE =
  /\b(?:before|on|at|with|after|ahead of)\s+(?:each|every|any|a new|the next)\s+(?:\w+\s+)?(?:call|check|sync|send|submission|request|query|run|upload|use|lookup|print|update|import|export|visit|scan|booking|login|save)\b|\bon every call\b|\b(?:unless|until|only\s+(?:\w+\s+){0,3}(?:when|once|after))\b|\bfirst\b|\bbeforehand\b|\b(?:each|every)\s+time\b/i;
/** Work files of the tool's own, which it may clear as it likes. */
const TRANSIENT =
  /\b(?:cache[sd]?|temp(?:orary)?|tmp|scratch|lock ?files?|stale|buffers?|expired|build (?:dir\w*|artifacts?|outputs?)|previous (?:build|output|results?|preview)|own (?:output|results?)|output (?:file|folder|directory)|draft|working (?:copy|tree|directory)|sessions?|thumbnails?|index(?:es)?)\b/i;
/** A tool whose job is removing or replacing records does it as its job. */
const DESTROY_JOB = /^(?:delete|remove|clear|purge|reset|drop|wipe|erase|clean|prune|truncate|rebuild|reindex|archive|rotate|expire|retention|cleanup)$/;

export function routineDestructionFindings(text: string, purpose: string): IntentFinding[] {
  if (!DESTROYED.test(text) || !RECORDS.test(text)) return [];
  if (nameWords(purpose.split(' ', 1)[0] ?? '').some((w) => DESTROY_JOB.test(w))) return [];
  for (const { text: s } of sentences(text)) {
    const m = DESTROYED.exec(s);
    if (!m || !RECORDS.test(s) || !EACH_USE.test(s) || TRANSIENT.test(s)) continue;
    if (NEGATION.test(s.slice(Math.max(0, m.index - 40), m.index + m[0].length)) || /\b(?:if|when|whether)\s+(?:the user|you)\b/i.test(s)) continue;
    return [
      {
        rule: 'routine-destruction',
        family: 'destructive',
        severity: 'high',
        evidence: clip(s),
        message: 'Says that records others rely on are destroyed as a routine step of using it, which is not what the tool is for',
      },
    ];
  }
  return [];
}
