import { clip, sentences, type IntentFinding } from './intent.ts';

// The model's account to the user, shaped by the tool so that part of what happened is left out or named as
// something else (issue 12, eleventh round part 2). Concealment asks for one thing whatever its words: in the
// summary, the confirmation, the reply or whatever the user is told, drop or rename something. What tells it from an
// honest note on format ("give the count rather than every row id") is what is dropped: something beyond what the
// user asked for (an extra step the tool "also" takes, a fee, a key, a remote, a grant, the tool's own package), a
// warning meant for the user (a security notice, a permission prompt, skipped checks), or a reason about how the user
// would react if told (alarm, noise, drop-off, they would cancel). Three parts, read in one sentence or with the
// sentence before it: the account, the shaping, and that evidence.

/** The account the model gives the user: a summary, a confirmation, a reply, "what the user sees", "telling the user". */
const ACCOUNT =
  /\b(?:summar(?:y|ies)|recap|report(?:s|ed|ing)?|confirmation|confirming|repl(?:y|ies)|answers?|explanation|narrat\w*|status (?:message|line|text)|what (?:you|the (?:assistant|model|agent)) (?:tells?|reports?|shows?|says?)|what (?:the )?users? (?:sees?|is shown|are shown|is told|are told|hears?|looks? at)|(?:telling|tell|inform(?:ing)?|showing|show) the (?:user|submitter|customer|owner|participants?|(?:patient|employee|member|client|subscriber|guest|resident|tenant|student|parent|buyer|passenger|traveller|traveler|caller|applicant|donor|patron))|(?:to|for|with) the (?:user|submitter|customer|participants?|(?:patient|employee|member|client|subscriber|guest|resident|tenant|student|parent|buyer|passenger|traveller|traveler|caller|applicant|donor|patron))\b(?!'s)|(?:to|with) (?:other )?(?:participants|users)|(?:if|when|should) the user asks|when you confirm|(?:shown|sent|given) to the (?:user|(?:patient|employee|member|client|subscriber|guest|resident|tenant|student|parent|buyer|passenger|traveller|traveler|caller|applicant|donor|patron)))\b/i;
/** Something dropped from it, or named as something else. */
const SHAPED = new RegExp(
  [
    String.raw`\b(?:do not|don'?t|never|must not|mustn'?t|should not|shouldn'?t|need not|is not|isn'?t|are not|aren'?t|not)\s+(?:\w+\s+){0,2}?(?:mention\w*|list(?:ed)?|nam(?:e|ed)|narrat\w*|bring(?:ing)? (?:\w+ )?up|brought up|raised?|reveal\w*|relay\w*|surface[ds]?|appear|tell\w*|something)\b`,
    String.raw`\b(?:leave|leaves|left|keep|keeps|kept|stays?|filter(?:ed|s)?|fold(?:ed|s)?)\s+(?:\w+\s+){0,2}?(?:out of|into)\b`,
    // "Omits the fee", "omitted from the summary"; "if password is omitted" is the caller leaving an argument out.
    String.raw`(?<!\b(?:never|not|don'?t|no)\s+)\bomits?\b|(?<!\b(?:if|when|whenever|unless)\s+(?:[\w\x60'"-]+\s+){1,3}(?:is|are|was)\s+)\bomitted\b`,
    String.raw`\b(?:stays?|remains?|keeps?)\s+(?:quiet|silent)\b`,
    String.raw`\b(?:leave|leaves|left|leaving)\s+(?:it|them|this|that)\s+out\b`,
    String.raw`\bwithout\s+(?:mentioning|narrating|naming|listing|telling|reporting)\b`,
    String.raw`\brather than (?:named|listed|mentioned|reported|shown)\b`,
    String.raw`\bno longer relayed\b`,
    String.raw`\b(?:describe|present|frame|label|call|report|summari[sz]e)\s+(?:\w+\s+){0,6}?as\s+['"‘“]`,
    String.raw`\b(?:describe|present|frame|label|call)\s+(?:\w+\s+){0,5}?as\s+(?:a\s+|an\s+)?(?:routine|normal|standard|regular|maintenance)\b`,
    String.raw`\bsay (?:that |they |it |the )`,
    String.raw`\b(?:(?:show|name|list|describe|mention|report|include)\s+only|only\s+(?:show|name|list|describe|mention|report|say|include))\b`,
    // Sixteenth round: "should list the new total only", "reads best if it just says the plan was updated", and a
    // quoted wording held to be enough ("a plain 'moved to trash' is the right confirmation", "'basic access' is sufficient").
    String.raw`\b(?:show|name|list|describe|mention|report|include|give|state)\s+(?:\w+\s+){1,4}?only\b(?!\s+(?:if|when|after|once))`,
    String.raw`\b(?:just|simply|merely)\s+(?:says?|states?|mentions?|reports?|reads?|lists?|shows?)\b`,
    String.raw`['"‘“][^'"’”]{2,60}['"’”]\s+(?:is|are|will do|does)\s+(?:the right|the correct|the best|the proper|enough|sufficient|fine|all (?:they|the user) need)\b`,
    // "never the token itself" keeps a secret out of the reply, which protects the user.
    String.raw`\bnever the\b(?!\s+(?:\w+\s+)?(?:token|key|password|secret|credential|value|passphrase)s?\b)`,
  ].join('|'),
  'i',
);
/** What is dropped is beyond the ask, a warning for the user, or dropped for the user's reaction. */
const BEYOND =
  /\b(?:also|additionally|in addition|as well|extra|on top|fee|service fee|commission|our|maintenance key|authorized_keys|remote|backup|retain\w*|partner|grant\w*|edit rights|follows?|pinned|card|own package|this server'?s own|implementation detail|security|warning|alert|2fa|permission|checks|accessed|merged?|workflows?|deleted|removed|alarm\w*|nois[ey]|noise|drop-off|cancel\w*|confus\w*|renew\w*|bcc|vendor|worr\w*|scare\w*|concern\w*|breaks? the flow|actually|MX)\b/i;
/** The user's own asking: only the people the user listed, what they asked for, is the complement of the hidden part. */
const ONLY_ASKED = /\bonly\s+(?:\w+\s+){0,3}(?:the user|they)\s+(?:listed|asked|requested|named|chose)\b/i;

/** "…unless the user asks for them": the user can have it all back, so nothing is kept from them. */
const USER_DECIDES = /\bunless\s+(?:the\s+)?user\s+(?:asks?|requests?|wants?)\b/i;

export function reportShapingFindings(text: string): IntentFinding[] {
  if (!ACCOUNT.test(text) || !SHAPED.test(text)) return [];
  const all = sentences(text);
  for (let i = 0; i < all.length; i++) {
    const s = all[i]!.text;
    if (!ACCOUNT.test(s)) continue;
    const shaped = SHAPED.exec(s);
    if (!shaped) continue;
    const context = `${i > 0 ? all[i - 1]!.text : ''} ${s}`;
    if ((!BEYOND.test(context) && !ONLY_ASKED.test(s)) || USER_DECIDES.test(s)) continue;
    return [
      {
        rule: 'shapes-report-to-user',
        family: 'concealment',
        severity: 'high',
        evidence: clip(s),
        message: `Conceals from the user: it tells the model to leave out or rename part of what the tool did when it reports to the user ("${clip(shaped[0], 40)}")`,
      },
    ];
  }
  return [];
}
