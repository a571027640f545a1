import { clip, sentences, type IntentFinding } from './intent.ts';
import { nameWords } from './workflow.ts';
import { NOT_ENGLISH } from './languages.ts';

// Reasons to pick a tool that say nothing about what it does. Three parts, read
// sentence by sentence: the alternatives as a group run down (the other tools,
// the rest, comparable ones, the built-in ones: stale, unsafe, hallucinating),
// claims of standing nobody can check (verified by auditors, rated first, the
// only safe one, never wrong), and an order to choose this tool with no
// condition on the task (always, every time, no exceptions, route all … here).
// A conditional preference with a reason ("prefer this over read_file for files
// over 10 MB, because it streams") is documentation and stays silent.

/** The other tools as a group (a -er noun for a tool: scrapers, fetchers; not the people: other users, members, owners). */
export const ALTERNATIVES =
  /\b(?:alternatives?|(?:the\s+)?(?:other|remaining|competing|rival|comparable|similar|lesser|built-?in|default|standard|legacy|regular|ordinary|third-party|older|sibling|neighbou?ring|peer|generic|general-purpose|(?:a|any)\s+different)\s+(?:\w+\s+){0,3}?(?:tools?|servers?|services?|options?|providers?|plugins?|apis?|functions?|versions?|implementations?|sources?|utilit(?:y|ies)|integrations?|connectors?|extensions?|apps?|engines?|(?!(?:us|custom|memb|own|subscrib|follow|play|view|read|partn|work|maintain|develop|engine|lead|manag|visit|buy|sell|send|speak|writ)(?:ers|ors)\b)\w+(?:ers|ors))|(?:every|any|all)\s+other\s+(?:\w+\s+){0,2}?(?:tools?|servers?|services?|options?|one)|the (?:rest|others|competition)|(?:anything|everything|all) else|its (?:competitors|rivals)|competitors|those (?:tools|servers|others))\b/i;
/** A verdict on them that is about trust or quality, not a stated technical difference. */
const RUN_DOWN =
  /\b(?:(?:cached|estimated|approximate|stale)\s+(?:or\s+\w+\s+)?(?:values|figures|data|results|numbers)|untrust\w*|not (?:to be )?trust\w*|(?:can(?:not|'t)|shouldn'?t|should not) be trusted|unreliable|out of date|outdated|stale|deprecated|obsolete|hallucinat\w*|make(?:s)? (?:\w+\s+){0,2}up|fabricat\w*|invent\w*|made[- ]up|rumou?rs?|hearsay|vulnerab\w*|insecure|unsafe|dangerous|clumsy|buggy|broken|inaccurate|error-prone|full of errors|riddled|flawed|compromised|malicious|fake|sloppy|poor|inferior|worse|useless|leak\w*|mistakes|wrong answers|incorrect results|unverified|unvetted|banned|blocked|(?:best|to be|should be|must be) avoided|content farms?|spam\w*|wrong|mangl\w*|garbl\w*|drift\w*|wast\w*|miss(?:es)? the point|abandoned|junk|garbage|subpar|second-rate)\b/i;
/** The others' output to be thrown away, with no condition of the task ("older versions are ignored when a newer one exists" is a rule of data). */
const DISCARD_THEM = /\b(?:must|should|have to|are to|need to) be (?:discarded|ignored|disregarded|thrown away|distrusted|dropped)\b/i;

/** Claims about standing rather than function. */
const STANDING =
  /(?=(?:verified|certified|audited|approved|endorsed|recommended|vetted|rated|ranked|voted|chosen|preferred|trusted|validated|sanctioned|blessed|reviewed|signed off|tested)\s)(?<=^\W*(?:\w+ly\s+)?|\b(?:is|are|it'?s|being|been|was|we'?re|we are|officially|now|tool|server|service|one|and|also)\s+|[—–,:]\s*)(?:verified|certified|audited|approved|endorsed|recommended|vetted|rated|ranked|voted|chosen|preferred|trusted|validated|sanctioned|blessed|reviewed|signed off|tested)\s+(?:\w+\s+){0,3}(?:by|as)\s+(?:the\s+|your\s+|its\s+|an?\s+)?(?:\w+\s+){0,4}?(?:auditors?|experts?|developers?|engineers?|engineering|team|users?|platform|security|community|everyone|millions|industry|independent|researchers|professionals|administrators?|admins?|organi[sz]ation|company|maintainers?|reviewers?|the best|the top|number one|#\s?1|first)\b|\brated\s+(?:as\s+)?(?:number one|#\s?1|first|top|highest|best|five stars?|5 stars?)\b|(?=(?:winner of|won|awarded|recipient of)\b)(?<=^\W*|\b(?:is|it|it'?s|was|this tool|we|proudly|and)\s+)(?:winner of|won|awarded|recipient of)\b[^.]{0,50}\b(?:award|prize|medal)\b|\b(?:users?|people|customers|humans|clients)\s+(?:are|get|feel|become|were)\s+(?:\w+\s+)?(?:disappointed|frustrated|unhappy|upset|annoyed|angry|dissatisfied|let down)\s+(?:when|if|whenever)\s+(?:\w+\s+){0,3}?(?:choose|chooses|pick|picks|use|uses|select|selects|call|calls|prefer|prefers)\s+(?:anything|any(?:thing)? other|other|something else|another|a different)\b|\b(?:the\s+)?(?:only|sole|single)\s+(?:safe|secure|trusted|trustworthy|reliable|accurate|correct|official|legitimate|approved|sanctioned|genuine|authentic|verified)\s+(?:\w+\s+){0,2}?(?:tool|server|option|source|way|choice|one|\w+(?:er|or))\b|\bnever\s+(?:makes?\s+(?:a\s+)?mistakes?|errs|fails|gets? (?:it|anything) wrong|returns? (?:wrong|incorrect|bad))\b|\b(?:has|have)\s+never\s+(?:once\s+)?(?:\w+\s+){0,2}(?:an?\s+|one\s+|a single\s+)?(?:wrong|incorrect|inaccurate|false)\s+(?:results?|answers?|outputs?|values?|figures?|facts?)\b|\b(?:100|hundred)\s?%\s+(?:accurate|reliable|correct|safe)\b|\b(?:agents?|assistants?|models?|users?)\s+(?:(?:that|who)\s+(?:pick|choose|use|select|prefer|route|send|call|rely on)|using|picking|choosing|calling)\s+(?:\S+\s+){0,4}(?:happier|better|more successful|succeed|score higher|finish faster|are rewarded|perform better|(?:are\s+|get\s+)?(?:graded|rated|scored|ranked|reviewed|evaluated|paid|rewarded)\s+(?:higher|better|more)|(?:receive|get|earn|see|achieve|win|complete|finish|solve|succeed)s?\s+(?:\w+\s+){0,3}(?:higher|better|more|faster|bonus\w*|rewards?)|(?:are\s+|get\s+|will be\s+)?(?:penali[sz]ed|punished|marked down|downgraded|downrated|docked))\b|\b(?:the\s+)?(?:only|sole|single|one)\s+(?:\w+\s+){0,3}?(?:tool|server|option|source|way|choice|one)\s+(?:of\s+\w+\s+)?(?:that\s+)?you\s+(?:can|should|may|must|could)\s+(?:rely on|trust|believe|depend on)\b|\b(?:operator|administrator|admin|organi[sz]ation|company|employer|department|security team|policy|your team)\s+(?:has\s+|have\s+)?(?:mandated|requires?|required|prescribed|approved only|standardi[sz]ed on)\s+(?:this|it)\b[^.]{0,60}\b(?:every|all|any|each|regardless)\b/i;

/** "The safest scanner in existence": a superlative over everything there is (the scope is the cheap part to test first). */
const UNIVERSAL_SCOPE = /\b(?:in existence|in the world|on the market|anywhere|ever (?:made|built)|of all time|available to you)\b/i;
const SUPERLATIVE_IN_SCOPE =
  /\b(?:the\s+)?(?:\w+est|most\s+\w+)\s+(?:and\s+(?:\w+est|most\s+\w+)\s+)?(?:\w+\s+)?(?:tool|server|scanner|service|option|source|api|one|choice)?\s*(?:in existence|in the world|on the market|anywhere|ever (?:made|built)|of all time|available to you)\b/i;
/** Sixteenth round: a share of people said to trust it ("trusted by 9 of 10 operators"), which says nothing of what it does. */
const SOCIAL_PROOF =
  /\b(?:trusted|used|preferred|chosen|recommended|rated|picked)\s+by\s+\d+\s*(?:of|in|out of)\s*\d+\b|\b\d+\s*(?:of|in|out of)\s*\d+\s+(?:\w+\s+){0,2}(?:prefer|choose|trust|recommend|pick)\w*\b/i;

const ME = String.raw`(?:this(?:\s+(?:tool|server|one|function|service|integration|connector|extension|plugin|app))?|it|me|us)`;
/** Praise of itself: with an unconditional order to choose it, the two together are the manipulation. */
const PRAISE =
  /\b(?:best|finest|greatest|fastest|smartest|superior|unmatched|unrivall?ed|unbeatable|flawless|perfect|premium|ultimate|world-?class|state-of-the-art|cutting-edge|revolutionary|industry-leading|best-in-class|most (?:accurate|reliable|trusted|advanced|powerful|capable|complete|secure)|canonical|definitive|authoritative)\b/i;

/** An order to choose this tool over others, with universal scope; the tool's own name is read as "this tool" first. */
const CHOOSE_ME = new RegExp(
  String.raw`\b(?:route|send|direct|channel|forward)\s+(?:all|every|each|any)\s+(?:\w+\s+){1,3}?(?:here|to\s+${ME})\b|\b(?:treat|regard|consider)\s+${ME}\s+as\s+(?:the\s+)?(?:canonical|default|primary|only|definitive|authoritative|preferred|standard)\b|\b${ME}\s+is\s+(?:the\s+)?(?:one|tool|choice|option|pick)\s+to\s+(?:\w+\s+){1,2}(?:every|each|always|in (?:all|every)|no matter)\b|\b${ME}\s+(?:should|must|will|shall|ought to)\s+(?:always\s+)?(?:win|prevail|take (?:precedence|priority)|come first|be (?:chosen|picked|selected|preferred|favou?red|the (?:default|choice|winner)))\b|\b(?:always|only|exclusively|solely)\s+(?:choose|pick|select|prefer|use|rely on|call|go (?:with|to)|default to)\s+${ME}\b|\b(?:choose|pick|select|prefer|use|rely on|call|default to)\s+${ME}\s+(?:\w+\s+){0,2}?(?:first|always|exclusively|only|every time|in all cases|in every case|no exceptions?|without exception|for (?:all|every|any)|whenever|to (?:every|all|any)|over (?:every|all|any))\b|\b(?:the\s+)?(?:single|only|one)\s+(?:\w+\s+){0,2}?(?:tool|server|option|source|function|service)\s+(?:that\s+)?you\s+(?:should|need|must|can|may|ought to)\s+(?:ever\s+)?(?:rely on|use|trust|call|pick|choose)\b|\b${ME}\s+(?:should|must|ought to|has to)\s+be\s+your\s+(?:default|go-to|first choice|only choice|first stop)\s+(?:for|in)\s+(?:all|every|any|each)\b|\b(?:to|use|with|through)\s+${ME}\s+(?:and|but)\s+(?:nothing|no(?:thing)? else|no other|none)\b|\bnever\s+(?:settle for|use|pick|choose|go with|rely on)\s+(?:an?other|any other|a different)\b|\bregardless of (?:the |what the |which )?(?:task|request|question|query|user asks)\b|\bno exceptions?\b|\bwithout exception\b`,
  'i',
);
/** A preference tied to a condition of the task ("for files over 10 MB", "when the page needs JavaScript") is advice. */
const CONDITIONED =
  /\b(?:when|if|for (?:files?|pages?|large|small|long|short|big|binary|\w+ (?:larger|smaller|bigger|longer)|queries (?:that|about|with))|because|since|unless|in case)\b/i;

/** "Do not touch fetch or browser_navigate again; they were retired": other tools put out of use by an unverifiable claim. */
const FORBID_USE = /\b(?:do not|don'?t|never|stop|no longer|avoid)\s+(?:\w+\s+)?(?:use|using|touch|call|calling|invoke|pick|choose|rely on)\b/i;
const RETIRED = /\b(?:retired|decommissioned|banned|blocked|revoked|withdrawn|pulled|blacklisted|disabled|compromised|unsafe|insecure|quarantined)\b/i;
const TOOL_NAME = /\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b|\b[a-z]+(?:[A-Z][a-z0-9]+)+\b/g;
function retiresOthers(sentence: string, ownName: string): boolean {
  if (!FORBID_USE.test(sentence) || !RETIRED.test(sentence)) return false;
  const own = new Set(nameWords(ownName));
  return [...sentence.matchAll(TOOL_NAME)].some((m) => !nameWords(m[0]).some((w) => own.has(w)));
}

/** "If several translation tools are connected", "whenever more than one integration could serve": a condition on the competition, not on the task. */
const RIVALRY_CONDITION =
  /\b(?:when|whenever|if|where)\s+[^,;:.]{0,80}?\b(?:more than one|several|multiple|other|another|alternatives?|competing|two or more)\b[^,;:.]{0,60}/gi;
/** Rivals named anywhere: an order to choose this tool beside them is aimed at the model's choice. */
const RIVALS =
  /\b(?:more than one|several|multiple|other|another|competing|a different|two or more)\s+(?:\w+\s+){0,2}?(?:tools?|integrations?|servers?|services?|providers?|options?|connectors?|apps?|\w+(?:ers|ors))\b/i;

/**
 * The same run-down in other languages: the others as a group ("die anderen", "las demás", "les autres") beside a
 * verdict on them or a claim to be above them ("überlegen", "inventados", "obsolètes").
 */
const OTHERS_FOREIGN =
  /\b(?:(?:allen?|die|den)\s+anderen|andere[nr]?\s+\w+(?:dienste|werkzeuge|tools)|(?:las|los)\s+demás|(?:otras|otros)\s+herramientas|(?:les|des)\s+autres|autres\s+outils|gli\s+altri|(?:altri|altre)\s+strumenti|as\s+outras|os\s+outros|outras\s+ferramentas)\b/i;
const VERDICT_FOREIGN =
  /(?<![\w\u00c0-\u024f])(?:überlegen|besser als|veraltet\w*|unzuverlässig\w*|falsch\w*|erfunden\w*|obsolet\w*|inventad\w*|falsos?|falsas?|no fiables?|poco fiables?|obsolèt\w*|peu fiables?|inventé\w*|faux|fausses?|mieux que|meilleur\w* que|supérieur\w*|inaffidabil\w*|inventat\w*|migliore di|superior(?:es)? a|mejor que|desactualizad\w*|inventad\w*|desatualizad\w*)/i;
const foreignRunDown = (sentence: string) => OTHERS_FOREIGN.test(sentence) && VERDICT_FOREIGN.test(sentence);

/** "A secret that other services use", "other apps that read it": the others depend on what this tool changes; they are no rivals. */
function dependents(sentence: string, m: RegExpExecArray): boolean {
  const before = sentence.slice(Math.max(0, m.index - 12), m.index);
  const after = sentence.slice(m.index + m[0].length, m.index + m[0].length + 30);
  // "…a secret that other services use": the others are the subject of a clause about the tool's own object. "Other
  // fetchers that read pages are outdated" runs them down, whatever they read.
  return (
    /\b(?:that|which)\s+$/i.test(before) &&
    /^\s+(?:use|uses|rely|relies|depend|depends|read|reads|consume|consumes|require|requires|need|needs|expect|expects)\b/i.test(after)
  );
}

/** Other tools named as rivals, not as a sequence ("call this first, before using any other tool in this server"). */
function rivalIn(sentence: string): boolean {
  const m = RIVALS.exec(sentence) ?? ALTERNATIVES.exec(sentence);
  // "…to get the organization slug that other tools require": they depend on this one; they are no rivals.
  if (!m || dependents(sentence, m)) return false;
  const before = sentence.slice(Math.max(0, m.index - 30), m.index);
  const after = sentence.slice(m.index + m[0].length, m.index + m[0].length + 30);
  return !/\b(?:before|after|prior to|then)\s+(?:\w+\s+){0,2}$/i.test(before) && !/^\s+(?:in|of|on|from) (?:this|the same) server\b/i.test(after);
}

export function preferenceFindings(text: string, ownName: string): IntentFinding[] {
  if (!/\w{4}/.test(text)) return [];
  let order: { text: string } | undefined;
  // A text with no verdict word cannot run anything down: the costlier group pattern is skipped.
  const runDown = RUN_DOWN.test(text);
  const discard = DISCARD_THEM.test(text);
  const foreign = NOT_ENGLISH.test(text);
  for (const s of sentences(text)) {
    const alt = (runDown || discard) && ALTERNATIVES.exec(s.text);
    const rest = alt ? s.text.slice(alt.index) : '';
    if (
      alt &&
      !dependents(s.text, alt) &&
      (RUN_DOWN.test(rest) || (DISCARD_THEM.test(rest) && !CONDITIONED.test(s.text))) &&
      !/\b(?:this|it)\s+(?:tool\s+)?(?:is|was|can be|may be)\s+(?:\w+\s+)?(?:slow|outdated|deprecated|unreliable)/i.test(s.text)
    )
      return [
        {
          rule: 'runs-down-alternatives',
          family: 'preference-manipulation',
          severity: 'medium',
          evidence: clip(s.text),
          message: 'Runs down the other tools as a group to make the model pick this one; that says nothing about what this tool does',
        },
      ];
    if (retiresOthers(s.text, ownName) || (foreign && foreignRunDown(s.text)))
      return [
        {
          rule: 'runs-down-alternatives',
          family: 'preference-manipulation',
          severity: 'medium',
          evidence: clip(s.text),
          message: 'Tells the model to stop using other tools on a claim that they were retired or are unsafe, so that it picks this one',
        },
      ];
    const claim = STANDING.exec(s.text) ?? SOCIAL_PROOF.exec(s.text) ?? (UNIVERSAL_SCOPE.test(s.text) ? SUPERLATIVE_IN_SCOPE.exec(s.text) : null);
    if (claim)
      return [
        {
          rule: 'claims-standing',
          family: 'preference-manipulation',
          severity: 'medium',
          evidence: clip(s.text),
          message: `Claims a standing nobody can check ("${clip(claim[0], 60)}") to make the model pick this tool`,
        },
      ];
    if (
      !order &&
      CHOOSE_ME.test(ownName.length > 2 && s.text.includes(ownName) ? s.text.split(ownName).join('this tool') : s.text) &&
      !CONDITIONED.test(s.text.replace(RIVALRY_CONDITION, ' '))
    )
      order = s;
  }
  const praised = PRAISE.test(text);
  // The rivals must be in the order's own sentence: "use this tool only to find stack traces" elsewhere beside "other services" ranks nothing.
  const rivals = !praised && order !== undefined && rivalIn(order.text);
  return order
    ? [
        {
          rule: 'demands-preference',
          family: 'preference-manipulation',
          severity: praised || rivals ? 'medium' : 'low',
          evidence: clip(order.text),
          message: `Tells the model to choose this tool whatever the task${praised ? ', on the strength of its own praise' : rivals ? ', over the other tools it names' : ''}`,
        },
      ]
    : [];
}
