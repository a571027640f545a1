import { clip, NEGATION, sentences, type IntentFinding } from './intent.ts';
import { nameWords } from './workflow.ts';

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
  /\b(?:uploaded|committed|written|posted|posts|published|mirrored|pushed|copied|sent|saved|stored|added|submitted|shared|placed|put|filed|mentions?|mentioned|quotes?|quoted)\b[^;]{0,80}?\bpublic\s+(?:\w+\s+)?(?:gallery|gist|link|url|copy|page|bucket|repo(?:sitory)?|mirror|feed|index|board|listing|site|issue|thread|channel|tracker|forum)\b|\bpublic\s+cop(?:y|ies)\b|\b(?:upload|publish|put|post)\w*\([^)]{0,120}\bpublic\s*=\s*true\b/i;
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

/**
 * Fourteenth round: a side effect on the user's account, machine or people, stated calmly as a feature. Four kinds,
 * each judged against the tool's purpose (a billing tool bills, an installer installs): money taken for something not
 * asked for (a subscription, a fee to another account), a foothold that outlasts the session (a helper that keeps
 * running, the tool added to shell startup files), the user's credentials spent for the vendor (starring its
 * repositories with the caller's token), the user's people or data handed to third parties (a publisher's newsletter,
 * advertising partners).
 */
const ACCOUNT_EFFECTS: [string, RegExp, RegExp][] = [
  [
    "Takes the user's money for something not asked for (a subscription, a charge, a fee to another account)",
    /\b(?:subscrib\w*|enrol\w*|signs? up|upgrad\w*)\s+(?:the\s+|your\s+|their\s+)?(?:user|account|caller|customer|workspace|organi[sz]ation|team|you)\w*\s+(?:\w+\s+){0,2}?(?:to|for|into)\b|\b(?:charg\w*|bill\w*|debit\w*)\s+(?:the\s+|your\s+|their\s+)?(?:user|account|caller|customer|card|you)\w*\b[^.;]{0,40}?(?:\d|fee|per|each|every)|\bfee\b[^.;]{0,40}\bgoes to\b/i,
    /\b(?:subscrib\w*|subscription\w*|upgrad\w*|purchas\w*|buy\w*|pay|pays|paying|payments?|charg\w*|bill|bills|billing|checkout|refund\w*)\b/i,
  ],
  [
    "Leaves something running on the user's machine after the session (a background helper, itself in the shell's startup files)",
    /\b(?:install\w*|register\w*|adds?|drops?|places?|writes?|creates?)\s+(?:itself|a|an|its|the)?\s*(?:\w+\s+){0,3}?(?:helper|agent|daemon|service|launch ?agent|login item|startup item|cron(?:tab)?(?: job| entry)?|scheduled task|hook|extension|watcher|background process)\b[^.;]{0,80}?\b(?:after|outlives?|beyond|keeps? running|persist\w*|at (?:login|startup|boot)|in the background|every (?:boot|login|day|hour))|\b(?:adds?|appends?|writes?|installs?)\s+itself\s+(?:\w+\s+){0,2}?(?:to|into|in)\s+(?:\w+\s+){0,3}?(?:startup|login|profile|rc|autostart|crontab|launch)|\b(?:modif\w*|edits?|appends? to|writes? to|changes?)\s+(?:the\s+user['’]?s\s+|your\s+)?(?:shell\s+)?(?:startup files?|rc files?|\.bashrc|\.zshrc|\.profile|crontab|login items?)/i,
    /\b(?:install\w*|schedul\w*|cron\w*|startup|autostart|daemon\w*|launchd|systemd|dotfiles?|hooks?)\b/i,
  ],
  [
    "Spends the user's credentials for the vendor's benefit (starring, following or rating the vendor's things as the user)",
    /\b(?:star\w*|follow\w*|like|likes|liking|upvot\w*|watch\w*|fork\w*|endors\w*|review\w*|rat(?:e|es|ing))\s+(?:\w+\s+){0,2}?(?:the\s+)?(?:vendor|publisher|maintainer|author|developer|sponsor|partner|our|its own)\w*\b[^.;]{0,60}?\b(?:with|using|from)\s+(?:the\s+)?(?:user|caller|your|their)\w*/i,
    /\b(?:star|stars|starring|follow|follows|following|like|likes|upvot\w*|watch|watches|fork|forks)\b/i,
  ],
  [
    "Hands the user's people or data to third parties (a publisher's mailing list, advertising partners)",
    /\b(?:to|with|for)\s+(?:our\s+|its\s+|the\s+)?(?:advertising|ad|ads|marketing|affiliate|analytics|data|business|commercial|sponsor(?:ing)?|monetization|monetisation)\s+(?:partners?|brokers?|networks?|vendors?)\b|\b(?:added|subscribed|enrolled|imported|copied|uploaded)\s+to\s+(?:the\s+|our\s+|a\s+)?(?:publisher|vendor|maintainer|author|sponsor|partner)['’]?s?\s+(?:newsletter|mailing list|marketing list|audience|crm|leads?)\b/i,
    /\b(?:advertis\w*|marketing|newsletter|crm|leads?|analytics|campaigns?)\b/i,
  ],
];
const ACCOUNT_GATE =
  /\b(?:subscri|enrol|sign|upgrad|charg|bill|debit|fee|install|regist|itself|startup|rc files?|profile|crontab|login items?|star|follow|lik|upvot|watch|fork|endors|review|rat|partner|broker|newsletter|mailing|audience|crm|lead)|bashrc|zshrc/i;

/**
 * Fourteenth round: what the tool handles reaches people beyond the user, said as a plain fact ("documents are sent
 * through the translation memory all customers query", "each note is also e-mailed to the meeting's external guests",
 * "the file is mirrored to the team's public catalogue"). The move is the tool's (stored, sent, added, mirrored…), and
 * the audience comes after it: the public, everyone, other customers, external parties, an org-wide directory, a chat
 * channel. A tool whose purpose is to send, share, post or export does that as its job; a sentence that asks the model
 * to tell the user or to confirm first is an honest warning; removing something "for everyone" moves nothing.
 */
const AUDIENCE =
  /\b(?:public(?:ly)?(?![- ](?:keys?|urls?|ips?|addresses|records|code|apis?|endpoints?|information|holidays?|repos? only|repositories only|replies))|(?:anyone|anybody|everyone|everybody)(?!\s+(?:in|of|with access to)\s+(?:the|this|your|their)\s+(?:workspace|team|teamspace|organi[sz]ation|org|channel|project|space|company)\b)|all (?:customers|users|tenants|visitors)(?!\s+(?:in|of|with access to)\s+(?:the|this|your|their)\s+(?:workspace|team|teamspace|organi[sz]ation|org|channel|project|space|company)\b)|(?:other|every|any) (?:users?|customers?|tenants?|teams|organi[sz]ations|visitors?)|(?:organi[sz]ation|org|company)[- ]wide|search engines?|external (?:guests?|auditors?|parties|party|partners?|tenants?|recipients?|reviewers?|participants?|attendees?|contacts?|users?|people|accounts?)|third[- ]part(?:y|ies)|insurers?|#[a-z][\w-]+ channel|the #[a-z][\w-]+)\b/i;
const MOVED =
  /\b(?:sent|shared|published|posted|mirrored|copied|uploaded|forwarded|e-?mailed|synced|synchroni[sz]ed|replicated|added|kept|stored|archived|included|indexed|pushed|committed|broadcast|shares|posts|sends|uploads|forwards|mirrors|copies|adds|publishes|syncs|stores|keeps|indexes|becomes? part of)\b/i;
const HONEST_WARNING =
  /\b(?:mention|tell|confirm|check with|warn|ask|suggest|inform)\w*\s+(?:\w+\s+){0,3}?(?:the user|them|before|first)\b|\bmention (?:that|this|it)\b|\b(?:removes|removing|deletes|deleting|revokes|revoking|unshares|unsharing)\b|\b(?:removed|deleted|revoked|unshared)\s+(?:for|from)\b/i;
const AUDIENCE_JOB =
  /\b(?:send\w*|e-?mail\w*|message\w*|notify\w*|chat|channels?|comment\w*|repl(?:y|ies)|tweet\w*|forward\w*|export\w*|sync\w*|backup\w*|submit\w*|report\w*|invite\w*|broadcast\w*)\b/i;

const FLAG_DOC = /^\W*(?:true|false)\b|^\W*if (?:true|set to)\b|^\W*whether to\b/i;
/** A link handed back that expires is how a result is returned, not a publication. */
const EXPIRING_LINK =
  /\b(?:link|url|copy)\b[^.;]{0,40}\b(?:expires?|expiring|valid (?:for|until)|temporary|time-limited|short-lived)\b|\b(?:temporary|time-limited|short-lived|signed|expiring)\s+(?:link|url|copy)\b/i;
/** Reach the user or an admin switched on, or a fact about what is public already: not the tool's doing. */
const NOT_ITS_DOING =
  /\b(?:if|when|unless|only if)\s+(?:the\s+)?(?:user|organi[sz]er|owner|admin\w*|workspace|team|account)\b[^.;]{0,40}\b(?:enabled?|allows?|allowed|turns? on|turned on|sets?|configur\w*|chose|opts? in|opted in|shares?|shared)\b|^\W*public\s+\w+\s+(?:are|is)\b|\bwhen published\b/i;

function audienceFindings(text: string, purpose: string): IntentFinding[] {
  if (PUBLISH_JOB.test(purpose) || AUDIENCE_JOB.test(purpose) || !AUDIENCE.test(text)) return [];
  for (const { text: s } of sentences(text)) {
    const moved = MOVED.exec(s);
    // "True if the list is shared with other users" documents a flag; it moves nothing.
    if (
      !moved ||
      NEGATED.test(s.slice(Math.max(0, moved.index - 25), moved.index)) ||
      HONEST_WARNING.test(s) ||
      FLAG_DOC.test(s) ||
      EXPIRING_LINK.test(s) ||
      NOT_ITS_DOING.test(s) ||
      !AUDIENCE.test(s.slice(moved.index))
    )
      continue;
    return [
      {
        ...finding(
          'reaches-beyond-the-user',
          s,
          'Says that what it handles also reaches people beyond the user (the public, other customers, external parties, a shared channel), which is not what the tool is for',
        ),
        severity: 'medium',
      },
    ];
  }
  return [];
}

function accountEffectFindings(text: string, purpose: string): IntentFinding[] {
  if (!ACCOUNT_GATE.test(text)) return [];
  // Each effect read over the whole text first: one pass each, and most texts hold none.
  const present = ACCOUNT_EFFECTS.filter(([, effect]) => effect.test(text));
  if (!present.length) return [];
  for (const { text: s } of sentences(text))
    for (const [message, effect, job] of present) {
      const m = effect.exec(s);
      if (m && !NEGATED.test(s.slice(0, m.index)) && !job.test(purpose)) return [finding('side-effect-on-the-user', s, message)];
    }
  return [];
}

export function beyondTheCallFindings(text: string, purpose: string): IntentFinding[] {
  const effects = accountEffectFindings(text, purpose);
  if (effects.length) return effects;
  const earlier = takenBeyondTheCall(text, purpose);
  if (earlier.length) return earlier;
  const audience = audienceFindings(text, purpose);
  return audience.length ? audience : pureToolEffectFindings(text, purpose);
}

// Fifteenth round: a tool whose name or first sentence says it only computes (converts, counts, formats, solves, picks
// a colour) and a later sentence in which it acts on something of the user's outside that computation: their contacts,
// cookies, a mailing list, an account's address, a port, access to anything. A computation has no business touching the
// world, so the sentence needs no particular verb of harvest or sending, only an act on a thing the tool was not given.
const COMPUTES = new Set(
  (
    'calc calculate calculator compute convert converter format formatter count counter diff solve solver pick clean normalize normalise ' +
    'validate parse sort hash encode decode lint estimate measure round random uuid regex split trim wrap bmi temperature color colour ' +
    'palette timezone unit spell wordcount checksum math sum average mean median stat percent tip loan mortgage dimension dim'
  ).split(' '),
);
const COMPUTES_FIRST =
  /^\s*(?:calculates?|computes?|converts?|formats?|counts?|shows? a (?:line )?diff|solves?|returns? a colou?r|removes? (?:double|extra|trailing) spaces|validates?|parses?|sorts?|generates? a (?:random|uuid)|rounds?|estimates?)\b/i;
const OUTSIDE_THINGS =
  /\b(?:contacts?|cookies|address book|mailing list|newsletter|database|crm|port \d+|(?:read|write|admin) access|access to|accounts?|shipping address|default address|secrets?|board|profile|calendar|inbox|leaderboard|partners?|subscription|firewall|registry|wallet|payment|card)\b/i;
// Acts on the thing itself; reading or storing alone is how an honest calculator says where its defaults come from
// ("reads the customer's default address"), except reading what only the user holds (cookies, contacts, secrets).
const ACTS =
  /\b(?:added|appended|adds|appends|granted|grants|opens|opened|updated|changed|taken over|takes over|sent|sends|shared|shares|subscribed|subscribes|enrolled|enrols|registered|registers|posted|posts|published|publishes|uploaded|uploads|charged|charges)\b|\breads?\b(?![^.;]{0,20}\bnames? of\b)(?=[^.;]{0,40}\b(?:cookies|contacts|address book|secrets?|passwords?|keychain)\b)/i;
const PERSONAL_THINGS =
  /\b(?:contacts?|cookies|address book|mailing list|newsletter|shipping address|default address|secrets?|access to|(?:read|write|admin) access|payment|card|wallet)\b/i;

function pureToolEffectFindings(text: string, purpose: string): IntentFinding[] {
  if (!OUTSIDE_THINGS.test(text) || !ACTS.test(text)) return [];
  const name = purpose.split(' ', 1)[0] ?? '';
  const all = sentences(text);
  if (!nameWords(name).some((w) => COMPUTES.has(w)) && !COMPUTES_FIRST.test(all[0]?.text ?? '')) return [];
  for (const { text: s } of all.slice(1)) {
    const act = ACTS.exec(s);
    if (!act || !OUTSIDE_THINGS.test(s) || NEGATED.test(s.slice(Math.max(0, act.index - 40), act.index))) continue;
    return [
      {
        ...finding('unfitting-side-effect', s, "Only computes, by its name, yet says it also acts on something of the user's that it was not given"),
        severity: PERSONAL_THINGS.test(s) ? 'high' : 'medium',
      },
    ];
  }
  return [];
}

function takenBeyondTheCall(text: string, purpose: string): IntentFinding[] {
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
