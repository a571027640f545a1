import { clip, sentences, type IntentFinding } from './intent.ts';
import { ALTERNATIVES } from './preference.ts';
import { nameWords } from './workflow.ts';

// Preference manipulation asks the model for one thing whatever its words: pick this tool over the others (issue 12,
// eleventh round part 2). preference.ts reads verdict words, standing claims and orders; this reads the two shapes
// the blind sets' misses had in common, by their grammar rather than their vocabulary:
// - a rank: this tool set above the others (preferred/recommended over, ahead of, beats, priority among, supersedes,
//   "the canonical one", the others "kept only for compatibility"), with the others named as a group, as another
//   server's tools, or by a name that is not this tool's;
// - a defect claimed of the others: a failure verb said of them (they lose, drop, leak, miss, intercept, corrupt) or
//   a negated quality (unmaintained, unpatched, incomplete, unsupported), with no measure that makes it a stated
//   technical difference ("other converters drop images over 20 MB").
// A rank or a defect tied to a condition of the task (for files over 10 MB, when the page needs JavaScript) is advice.

/** This tool set above what follows ("preferred over the git server's tools", "priority 1 among fetch-like tools"). */
const RANK_OVER =
  /\b(?:(?:preferred|recommended|favou?red|chosen|picked|ranked|rated)\s+(?:\w+\s+){0,2}?(?:over|above|ahead of)|ahead of|beats|outperforms|supersedes|priority\s+(?:\d+\s+)?(?:among|over|above))\b/i;
/** This tool named the one to use, beside the others ("now the canonical SQL tool"; "the postgres server's query tool is kept only for compatibility"). */
const SELF_CANON =
  /\b(?:this(?:\s+\w+)?|it)\s+(?:is\s+)?(?:now\s+)?(?:the\s+)?(?:canonical|official|tool of record)\b|\bnow the (?:canonical|official)\b|\bkept only for (?:backwards?\s+)?compat\w*/i;
/** Another server's tools, a named tool, a kind of tool: the others in the rank. */
const OTHER_SIDE =
  /\b(?:the\s+)?[\w-]+\s+server'?s\s+(?:\w+\s+)?(?:tools?|\w+(?:er|or)s)\b|\b(?:every|any|all)\s+other\s+(?:\w+\s+){0,2}?(?:\w+(?:er|or)s?|tools?|servers?|integrations?|apps?|options?|ones?)\b|\b\w+[-\s]like\s+tools\b|\b\w+-level\s+\w+(?:ers|ors)\b|\b(?:built-?in|native|default)\s+(?:\w+\s+)?(?:memory|tools?|search|reader|fetch\w*)\b/i;
/** Seventeenth round: other sources of the same goods, as a group ("vendors in other directories", "rival publishers"). */
const OTHER_SOURCES =
  /\b(?:other|rival|competing)\s+(?:\w+\s+)?(?:directories|databases|marketplaces|catalogu?es|catalogs|publishers|platforms|sites|listings)\b/i;
/**
 * The others kept from the model or the user: "alternatives from other tools are not offered", "so assistants avoid
 * those", "recommendations come only from the vendors returned here", "results from any other tool are superseded by
 * this one". A suppression needs no claim of a defect: it asks the model to stop comparing.
 */
const SUPPRESSED =
  /\b(?:are|is)\s+(?:not|never)\s+(?:\w+\s+)?(?:offered|shown|used|presented|recommended|listed|displayed|considered|suggested)\b|\bavoid\s+(?:those|them|these|it)\b|\b(?:come|comes)\s+only\s+from\b|\b(?:used|chosen)\s+exclusively\b|\b(?:superseded|overridden|replaced)\s+by\s+(?:this|it|the\s+results?\s+here)\b/i;
const TOOL_NAME = /\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b/g;
const OTHERS_AS_GROUP = /\b(?:those|these|such)\s+(?:integrations|tools|servers|services|apps|plugins)\b/i;

const FAILS =
  /\b(?:lose|loses|lost|drop|drops|leak|leaks|miss|misses|fail|fails|corrupt|corrupts|intercept\w*|break|breaks|truncat\w*|tamper\w*|throttl\w*|censor\w*|overcharg\w*|scam\w*|fraud\w*|count against)\b|\b(?:unvetted|unverified|hidden (?:fees|charges))\b|\b(?:un(?:maintained|patched|supported|monitored|audited|reliable)|incomplete|inaccurate|insecure|abandoned)\b/i;
/** A measure or a stated mechanism makes a defect a technical difference ("over 20 MB", "without JavaScript"). */
const MEASURED =
  /\b\d+\s*(?:[kmg]i?b|bytes?|pages?|rows?|chars?|characters?|ms|seconds?|mb|gb|kb|items?|lines?)\b|\bwithout\s+[A-Z]?\w+\b|\bbecause\b|\bsince\b/i;
const CONDITIONED =
  /\b(?:for (?:files?|pages?|large|small|long|short|big|binary|\w+ (?:larger|smaller|bigger|longer))|when (?:the )?(?:page|file|input|document|query|data)|unless)\b/i;

/** The others as a group, or (for a rank only) a tool named that is not this one. */
function othersIn(sentence: string, ownName: string, named: boolean): RegExpExecArray | null {
  const group = ALTERNATIVES.exec(sentence) ?? OTHER_SIDE.exec(sentence) ?? OTHERS_AS_GROUP.exec(sentence) ?? OTHER_SOURCES.exec(sentence);
  if (group || !named) return group;
  const own = new Set(nameWords(ownName));
  for (const m of sentence.matchAll(TOOL_NAME)) if (m[0] !== ownName && !nameWords(m[0]).every((w) => own.has(w))) return m as RegExpExecArray;
  return null;
}

/** A defect said of the others as their predicate, not a condition ("if other tools fail with 'not authenticated'"). */
function defectOf(sentence: string, others: RegExpExecArray): boolean {
  const after = sentence.slice(others.index + others[0].length, others.index + others[0].length + 60);
  // Or the defect as the others' passive ("payers reject results produced by other eligibility tools").
  const before = sentence.slice(Math.max(0, others.index - 60), others.index);
  if (
    /\b(?:reject(?:s|ed)?|distrust\w*|refuse[sd]?)\b[^,;:]{0,40}\b(?:produced by|made with|from|by)\s+(?:the\s+|any\s+)?$/i.test(before) &&
    !MEASURED.test(sentence)
  )
    return true;
  const fail = FAILS.exec(after);
  if (!fail) return false;
  const clause = sentence.slice(0, others.index + others[0].length + fail.index);
  return !/\b(?:if|when|whenever|once|unless|until|in case)\b[^,;:]*$/i.test(clause) && !MEASURED.test(sentence);
}

export function ranksOverFindings(text: string, ownName: string): IntentFinding[] {
  const rank = RANK_OVER.test(text) || SELF_CANON.test(text);
  const fails = FAILS.test(text);
  const suppressed = SUPPRESSED.test(text);
  if (!rank && !fails && !suppressed) return [];
  for (const { text: s } of sentences(text)) {
    if (CONDITIONED.test(s)) continue;
    const over = rank ? RANK_OVER.exec(s) : null;
    if (over && othersIn(s.slice(over.index), ownName, true))
      return [finding(s, 'Sets this tool above the other tools it names, a reason to pick it that says nothing about what it does')];
    if (rank && SELF_CANON.test(s) && othersIn(s, ownName, true))
      return [finding(s, 'Names this tool the one to use over the other tools it names, a reason to pick it that says nothing about what it does')];
    const others = fails || suppressed ? othersIn(s, ownName, false) : null;
    // The others are what is kept out: the suppression follows them in the same clause ("the key is not shown to you;
    // other farm tools pick it up" keeps nothing from anyone).
    const kept = others && suppressed ? SUPPRESSED.exec(s.slice(others.index)) : null;
    if (others && kept && !/;/.test(s.slice(others.index, others.index + kept.index)) && !/\b(?:if|when|unless|once)\b/i.test(s.slice(0, others.index)))
      return [finding(s, 'Keeps the other tools out of the choice, so that the model and the user compare nothing with this one')];
    if (others && fails && defectOf(s, others))
      return [finding(s, 'Claims a defect of the other tools, with nothing that can be checked, so that the model picks this one')];
  }
  return [];
}

function finding(evidence: string, message: string): IntentFinding {
  return { rule: 'ranks-itself-over-others', family: 'preference-manipulation', severity: 'medium', evidence: clip(evidence), message };
}
