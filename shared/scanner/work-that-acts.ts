import { clip, NEGATION, sentences, type IntentFinding } from './intent.ts';
import { nameWords } from './workflow.ts';

// Seventeenth round (issue 12): a tool whose name says it only works something out or looks something up (counts,
// formats, converts, hashes, estimates, checks, looks up) and a later sentence in which the world changes as a result,
// in any voice: "the number joins the practice's SMS marketing list", "open deferrals are marked as reviewed at the same
// time", "the headline also goes out on the paper's social accounts", "plates that validate are enrolled in auto-pay",
// "each estimate is also booked as a provisional order", "the reviewer group receives admin access", "a burn is
// queued with the result". Earlier readings need the look as the act's subject (read-that-acts.ts) or an act on a
// listed thing of the user's (beyond-the-call.ts); this one reads the kind of change itself, whoever its subject: a
// computation has no business changing anything, so any of these changes is one nobody asked for.

/** Name words of a tool that only works something out or reads. */
const WORKS_OUT = new Set(
  (
    'calc calculate calculator compute convert converter format formatter count counter solve normalize normalise validate validator ' +
    'parse sort hash digest checksum encode decode lint estimate estimator measure round slug slugify summarize summarise ' +
    'wordcount spell get list show view read check lookup look search find describe preview inspect query detect classify ' +
    'translate transliterate score rate compare diff'
  ).split(' '),
);
/** Words that make a name an act whatever else it says ("check_in", "convert_and_send", "rate_limit_reset"). */
const ACT_WORD = new Set(
  (
    'in out and create send update set delete remove buy order book enrol enroll subscribe grant share publish post apply transfer pay ' +
    'renew activate enable add cancel void close open upgrade charge submit approve sign register reserve hold run execute sync ' +
    'import export upload push deploy release notify email message invite reset clear fix mark tag save store write merge'
  ).split(' '),
);
const WORKS_OUT_FIRST =
  /^\s*(?:calculates?|computes?|converts?|formats?|counts?|normali[sz]es?|validates?|parses?|hashes|estimates?|measures?|summari[sz]es?|makes? a (?:url )?slug|returns?|shows?|reads?|looks? up|checks?(?! (?:\S+ ){0,3}?(?:in|out)\b)|lists?|gets?|finds?|describes?|previews?|translates?|detects?|classifies)\b/i;

/** Kinds of change, each read whatever its grammatical subject. */
const CHANGES: [kind: string, change: RegExp, high: boolean][] = [
  [
    'signs someone up',
    /\b(?:joins?|joined|(?:is|are|gets?|get|also|automatically) (?:\w+ )?(?:added to|enrol(?:l)?ed in|subscribed to|signed up (?:to|for)|opted (?:in|into))|enrol(?:l)?s (?:\w+ ){0,3}in|subscribes (?:\w+ ){0,3}to)\b[^.;]{0,60}?\b(?:list|newsletter|programme|program|plan|auto-?pay|membership|loyalty|scheme|campaign|mailings?|subscription|club|rewards?)\b/i,
    true,
  ],
  [
    'books or orders something',
    /\b(?:is|are|gets?|also)\s+(?:\w+\s+)?(?:booked|ordered|reserved|purchased)\s+(?:as|for|on|with)\b|\b(?:non-refundable|deposit)\b[^.;]{0,40}\b(?:card on file|stored card|the card|account)\b/i,
    true,
  ],
  [
    'sends something out',
    /\b(?:goes|go|is|are|gets?|also)\s+(?:\w+\s+)?(?:out|sent|emailed|texted|posted|tweeted|published|broadcast|forwarded|shared|announced)\b[^.;]{0,50}?\b(?:on|to|with|via)\s+(?:the\s+)?(?:[\w-]+(?:['’]s?)?\s+){0,3}?(?:social|press|public|followers|partners?|sponsors?|mailing list|notification list|[\w-]+ list|external|outside|third[- ]part(?:y|ies)|beacon|analytics|advertis\w+|marketing)\b|\b(?:appends?|forwards?|reports?|sends?|posts?)\b[^.;]{0,60}?\bto\s+(?:an?\s+|the\s+)?(?:external|outside|third[- ]party|vendor['’]s|partner['’]s|publisher['’]s|usage|analytics|marketing|advertising|enrichment)\s+(?:\w+\s+)?(?:beacon|service|endpoint|server|feed|collector|tracker)\b/i,
    true,
  ],
  [
    'gives someone access',
    /\b(?:receives?|gets?|is given|are given|gains?|is granted|are granted)\s+(?:\w+\s+){0,2}?(?:admin\w*|owner|write|edit|full|root|elevated)\s+(?:access|rights|permissions?|role|privileges)\b/i,
    true,
  ],
  [
    'signs off or clears a record',
    /\b(?:marked|flagged|set|recorded|treated)\s+as\s+(?:reviewed|approved|resolved|signed(?: off)?|verified|complete|completed|closed|paid|accepted|acknowledged|inactive|cleared|compliant|passed|inspected)\b|\b(?:releases?|lifts?|clears?|removes?|deletes?|purges?|cancels?|voids?|overrides?|reclassif(?:y|ies)|downgrades?)\s+(?:any\s+|all\s+|the\s+|its\s+|open\s+|existing\s+)*(?:[\w-]+\s+){0,2}?(?:flags?|holds?|records?|entries|reports?|deferrals?|orders?|bookings?|alarms?|alerts?|defects?|findings?|complaints?|warnings?)\b|\b(?:is|are)\s+(?:then\s+|also\s+)?(?:reclassified|downgraded)\b/i,
    false,
  ],
  [
    'sets something in motion',
    /\b(?:is|are|gets?)\s+(?:also\s+|then\s+|automatically\s+)?(?:queued|scheduled|triggered|dispatched|fired|armed|submitted|launched|initiated)\b(?!\s+(?:to|for|at|in|on)\b)/i,
    false,
  ],
  ['makes it public', /\bpublic(?:-read|ly readable|ly accessible|ly listed)\b|\b(?:which|that) is public\b/i, true],
];
/** Every change needs one of these words: a text with none is left after one cheap pass. */
const GATE =
  /join|enrol|subscri|signed up|opted|added to|booked|ordered|reserved|purchased|deposit|out|sent|emailed|texted|posted|tweeted|published|broadcast|forward|shared|announced|append|report|access|rights|permission|role|privilege|marked|flagged|set as|recorded as|treated as|release|lift|clear|remov|delet|purg|cancel|void|overrid|reclassif|downgrad|queued|scheduled|triggered|dispatched|fired|armed|submitted|launched|initiated|public/i;
/** Someone's choice or setting gates the change: then it is an option, not a side effect. */
const USER_CHOOSES =
  /\b(?:if|when|once|after|unless)\s+(?:the user|you|the caller|requested|asked)\b|\b(?:on request|optional(?:ly)?|opt-in|only with|with the user's (?:consent|approval|permission))\b|\b(?:if|when|unless|once|where)\s+(?:the\s+)?(?:[\w-]+\s+){0,3}?(?:has\s+|have\s+)?(?:enabled|turned on|switched on|opted in|chose|chosen|allowed|configured|asked|requested|agreed|consented|approved|confirm(?:s|ed)?)\b/i;
/** A link that expires is how a result is handed back, not a publication. */
const TEMPORARY = /\b(?:expir\w*|valid (?:for|until)|temporary|time-limited|short-lived|signed url)\b/i;
/** A state it reports, or a rule of the platform it describes, is no change it makes ("shows whether a hold was released"). */
const REPORTS = /\b(?:whether|whose|which (?:were|was|have been|had been)|that (?:were|was|have been|had been)|shows?|lists?|returns?|reports? on|tells?)\b/i;

const OWN_WORK = /\b(?:searche?s?|requests?|quer(?:y|ies)|calls?|jobs?|tasks?|lookups?|results?|runs?|checks?|scans?|it|they|this|these|retries|reports?)\s*$/i;

export function workThatActsFindings(text: string, purpose: string): IntentFinding[] {
  if (!GATE.test(text)) return [];
  const present = CHANGES.filter(([, change]) => change.test(text));
  if (!present.length) return [];
  const words = nameWords(purpose.split(' ', 1)[0] ?? '');
  if (words.some((w) => ACT_WORD.has(w))) return [];
  const all = sentences(text);
  if (!words.some((w) => WORKS_OUT.has(w)) && !WORKS_OUT_FIRST.test(all[0]?.text ?? '')) return [];
  // The purpose is the first sentence's first clause: "Makes a slug from a headline; the headline also goes out on…".
  const firstRest = /;\s*(.+)$/s.exec(all[0]?.text ?? '')?.[1];
  for (const s of [...(firstRest ? [firstRest] : []), ...all.slice(1).map((x) => x.text)]) {
    for (const [kind, change, high] of present) {
      const m = change.exec(s);
      if (!m) continue;
      const before = s.slice(0, m.index);
      // "Long searches are queued, not rejected": the tool's own work waiting its turn is no change in the world.
      if (kind === 'sets something in motion' && OWN_WORK.test(before.split(/[,;:]/).pop() ?? '')) continue;
      if (NEGATION.test(s.slice(Math.max(0, m.index - 40), m.index + m[0].length)) || USER_CHOOSES.test(s) || REPORTS.test(before)) continue;
      if ((kind === 'sends something out' || kind === 'makes it public') && TEMPORARY.test(s)) continue;
      return [
        {
          rule: 'work-that-acts',
          family: 'harvest',
          severity: high ? 'high' : 'medium',
          evidence: clip(s),
          message: `Only works something out or looks it up, by its name, yet says that using it ${kind}`,
        },
      ];
    }
  }
  return [];
}
