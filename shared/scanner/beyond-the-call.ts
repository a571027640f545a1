import { clip, NEGATION, sentences, type IntentFinding } from './intent.ts';

// What the tool takes beyond the call it was given (issue 12, eleventh round part 2). An unfitting side effect asks
// the model to accept one of three things, whatever its words: what the user hands the tool is made public (a public
// gallery, gist, link or copy), a copy of it is kept for the tool's owner (indexed, logged to build a table, kept
// remotely, kept "to learn"), or the tool takes a standing hold on the user's machine or account that outlasts the
// call (it grants itself a permission, enrols the machine, turns on continuous sharing, points a remote at its own
// host, keeps capturing while it runs). Each is judged against the tool's purpose (its name and first sentence): a
// tool for publishing, sharing or registering does that as its job.

/** The user's material: what it is handed or works on. */
const INPUT =
  /\b(?:inputs?|text|texts|samples?|files?|code|documents?|originals?|payloads?|plaintext|screens?|screenshots?|images?|photos?|data|content|queries|diffs?|results?|output|both files|your \w+|the user'?s \w+|clipboard|history|values?)\b/i;

/** A: made public, where anyone can read it. */
const PUBLIC =
  /\b(?:uploaded|committed|written|posted|published|mirrored|pushed|copied|sent|saved|stored|added|submitted|shared|placed|put)\b[^;]{0,80}?\bpublic\s+(?:\w+\s+)?(?:gallery|gist|link|url|copy|page|bucket|repo(?:sitory)?|mirror|feed|index|board|listing|site)\b|\bpublic\s+cop(?:y|ies)\b|\b(?:upload|publish|put|post)\w*\([^)]{0,120}\bpublic\s*=\s*true\b/i;
const PUBLISH_JOB =
  /\b(?:publish\w*|share\w*|sharing|gists?|public|post\w*|upload\w*|host\w*|deploy\w*|pastebin|paste|link|url|shorten\w*|cdn|release\w*|announce\w*)\b/i;

/** B: a copy kept for the owner, or the material kept to serve the owner's purpose. */
const COPY_KEPT =
  /\b(?:keeps?|kept|retains?|retained|stores?|stored|saves?|saved|holds?)\s+(?:a\s+|one\s+)?cop(?:y|ies)\b[^.;]{0,80}|\b(?:indexed|catalog(?:u)?ed)\s+by\s+(?:the|our)\s+(?:service|server|vendor|provider|backend)\b|\b(?:logged|kept|stored|recorded|saved|retained)\s+(?:\w+\s+){0,3}?to\s+(?:build|train|grow|learn|enrich|improve|feed)\b/i;
const KEPT_FOR_OWNER = /\b(?:remotely|the service|our|the vendor|the provider|server-side|learn|build|train|later|index\w*|table|collection|passive)\b/i;
/** A tool whose job is keeping copies (a cache, a backup, a mirror) keeps them as its job; the sentence itself is no purpose. */
const COPY_JOB = /\b(?:cach\w*|backups?|back up|archiv\w*|mirror\w*|snapshots?|cop(?:y|ies)|sync\w*|replicat\w*)\b/i;
/** A link that expires is how a result is handed back, not a publication ("a public URL that expires after an hour"). */
const TEMPORARY = /\b(?:expir\w*|valid (?:for|until)|temporary|time-limited|short-lived|signed)\b/i;
const LOCAL_OR_USER =
  /\b(?:locally|local (?:cache|disk|folder|file)|on (?:your|the user'?s) (?:machine|disk|device)|in memory|until (?:the|you)|deleted (?:after|once|when)|for (?:the )?undo|so you can|for you)\b/i;

/** C: a hold on the machine or account that outlasts the call. */
const HOLD =
  /\b(?:grants?|gives?|granting)\s+itself\b|\b(?:registers?|enrol(?:l)?s?|enrolls|enrolled|registered)\s+(?:this|the user'?s|your)\s+(?:machine|device|computer|laptop|host|workstation)\b|\b(?:enables?|turns? on|switch(?:es)? on|activates?)\s+(?:\w+\s+){0,2}?(?:continuous|background|always-on|permanent|persistent|ongoing)\s+(?:\w+\s+){0,2}?(?:sharing|tracking|capture|recording|upload\w*|sync\w*|monitoring|reporting)\b|\b(?:sets?|points?|changes?|rewrites?|switch(?:es)?|redirects?)\s+(?:the\s+)?(?:\w+'?s?\s+){0,2}?(?:origin|remote|upstream|proxy|dns|resolver|hosts file|push url)\b[^.;]{0,40}\b(?:to|at)\s+(?:our|its own|the vendor'?s)\b|\b(?:every|each)\s+\d+\s*(?:s|sec\w*|min\w*|m)\b[^.;]{0,40}\b(?:while|as long as)\s+(?:the\s+)?(?:server|tool|process|app)\s+(?:runs|is running|is up)\b|\b(?:while|as long as)\s+(?:the\s+)?(?:server|tool|process|app)\s+(?:runs|is running|is up)\b[^.;]{0,40}\b(?:every|each)\s+\d+\s*(?:s|sec\w*|min\w*|m)\b/i;
const HOLD_JOB =
  /\b(?:register\w*|enrol\w*|permission\w*|grant\w*|access|remotes?|origin|proxy|dns|monitor\w*|track\w*|record\w*|sync\w*|share|sharing|location|mdm|manage\w*)\b/i;

/** The sentence names what the tool works on: a word of its purpose ("Lints a code snippet" … "the snippet"). */
function namesItsObject(sentence: string, purpose: string): boolean {
  const words = new Set((purpose.toLowerCase().match(/[a-z]{4,}/g) ?? []).map((w) => w.replace(/s$/, '')));
  return (sentence.toLowerCase().match(/[a-z]{4,}/g) ?? []).some(
    (w) => words.has(w.replace(/s$/, '')) && !/^(?:this|that|with|from|into|public|link)$/.test(w),
  );
}

const NEGATED = NEGATION;

function finding(rule: string, evidence: string, message: string): IntentFinding {
  return { rule, family: 'harvest', severity: 'high', evidence: clip(evidence), message };
}

/** Every reading needs one of these words: a text with none is left after one cheap pass. */
const GATE =
  /public|cop(?:y|ies)|indexed|catalog|to (?:build|train|grow|learn|enrich|improve|feed)|itself|regist|enrol|continuous|background|always-on|permanent|persistent|ongoing|origin|remote|upstream|proxy|dns|resolver|hosts file|push url|while|as long as/i;

const holdFinding = (s: string) =>
  finding(
    'takes-a-standing-hold',
    s,
    "Takes a hold on the user's machine or account that outlasts the call (a permission for itself, an enrolment, continuous sharing, a remote pointed at its own host)",
  );

export function beyondTheCallFindings(text: string, purpose: string): IntentFinding[] {
  if (!GATE.test(text)) return [];
  const pub = PUBLIC.test(text);
  const copy = COPY_KEPT.test(text);
  const hold = HOLD.test(text);
  if (!pub && !copy && !hold) return [];
  for (const { text: s } of sentences(text)) {
    // A hold is negated only before it ("never grants itself…"); "so renames never fail" after it takes nothing back.
    const held = hold ? HOLD.exec(s) : null;
    if (held && !NEGATED.test(s.slice(0, held.index + held[0].length)) && !HOLD_JOB.test(purpose)) return [holdFinding(s)];
    if (NEGATED.test(s)) continue;
    if (pub && PUBLIC.test(s) && (INPUT.test(s) || namesItsObject(s, purpose)) && !PUBLISH_JOB.test(purpose) && !TEMPORARY.test(s))
      return [finding('publishes-what-it-is-given', s, 'Makes what the user gives it public, which is not what the tool is for')];
    const kept = copy ? COPY_KEPT.exec(s) : null;
    if (kept && KEPT_FOR_OWNER.test(s) && !LOCAL_OR_USER.test(s) && !COPY_JOB.test(purpose.replace(s, '')))
      return [finding('keeps-a-copy-for-itself', s, "Keeps a copy of what it handles for the tool's owner, beyond the call it was given")];
  }
  return [];
}
