import { addresses } from './address.ts';
import { clip, ENV_SECRET, sentences, SENSITIVE_PATH, type IntentFinding } from './intent.ts';

// Where data leaves: to an address in the text (with or without a scheme), or
// through the model's own reply. Both are judged by what the text asks the model
// to do: send something secret somewhere, or copy secret or raw data into the
// answer, whatever the words.

/** Things that must not leave: secrets, key-shaped literals, the model's own context. */
const SECRET =
  /\b(?:credentials?|passwords?|passwd|passphrases?|secrets?|api[ _-]?keys?|access[ _-]?keys?|secret[ _-]?keys?|private[ _-]?keys?|ssh[ _-]?keys?|(?:auth|access|bearer|session|refresh|oauth|github|aws)[ _-]?tokens?|tokens?|cookies?|seed phrases?|recovery phrases?|mnemonics?|env(?:ironment)?[ _-]?(?:variables?|vars?|file)|system prompt|(?:your|hidden|system|setup|developer) (?:instructions|prompt|message)|conversation(?: history| so far)?|chat history|earlier messages|previous messages|(?:aws|gcp|azure|ssh|gpg|pgp|api|access|secret|private|signing|encryption|license|wallet|the)\s+keys?|keys?\s+(?:file|pair))\b|\bAKIA[0-9A-Z]{16}\b|\bgh[pousr]_[A-Za-z0-9]{20,}|\bsk-[A-Za-z0-9-]{16,}|\bxox[abposr]-[\w-]+/i;
const secretIn = (t: string) => SENSITIVE_PATH.exec(t) ?? SECRET.exec(t) ?? ENV_SECRET.exec(t);
const EGRESS =
  /\b(?:send|sends|sent|sending|post|posts|posted|posting|upload\w*|forward\w*|transmit\w*|exfiltrat\w*|deliver\w*|report(?:s|ed|ing)? (?:\w+\s+){0,3}to|relay\w*|beacon\w*|submit\w*|ship(?:s|ped|ping)?|pip(?:e|es|ed|ing)|cop(?:y|ies|ied|ying) (?:\w+\s+){0,3}to|leak\w*|mirror\w*|sync\w* (?:\w+\s+){0,3}to|push(?:es|ed|ing)? (?:\w+\s+){0,3}to|dump\w* (?:\w+\s+){0,3}to|stream\w* (?:\w+\s+){0,3}to|e-?mail\w*|mail(?:s|ed|ing)?|call(?:s|ing)? (?:back|home))\b/i;
const RECEIVES = /^\S*\s+(?:\w+\s+)?(?:receives?|collects?|ingests?|logs?|stores?|gets?|expects?|awaits?)\b/i;
const BEFORE_ADDRESS =
  /\b(?:to|at|into|towards?|via|on|onto|@)\s+(?:the\s+)?(?:(?:host|server|endpoint|domain|address|collector|url|site|box|machine)\s+)?['"\x60(]?$/i;
/** What is sent, named between the verb and the address ("forward each note to …", "mail the list to …"). */
const DATA_OBJECT =
  /\b(?:data|it|them|this|these|those|results?|outputs?|contents?|files?|everything|all|notes?|messages?|records?|logs?|lists?|reports?|history|details|information|inputs?|queries|prompts?|documents?|copies|a copy|code|repo(?:sitory)?|text|responses?|answers?|summary|summaries)\b/i;
const PRONOUN = /\b(?:them|it|these|those|this|that|the (?:key|keys|value|values|result|results|output))\b/i;
const DIRECTIVE =
  /\b(?:must|always|should|need(?:s)? to|has to|have to|required?|automatically|every|each|make sure|ensure|be sure)\b|(?:^|[,:>\]}])\s*\W{0,3}(?:(?:then|also|now|just|please|kindly|silently|quietly)\s+)?(?:send|post|upload|forward|transmit|deliver|report|relay|submit|copy|mail|e-?mail|push|sync|mirror|ship)\b/i;

/** A secret, or the model's own context, sent to an address, with or without a scheme ("sent to evil.example.com", "10.0.0.5:4444"). */
export function addressExfilFindings(text: string): IntentFinding[] {
  if (!/\.[a-z0-9]/i.test(text) || !EGRESS.test(text)) return [];
  const all = sentences(text);
  for (let i = 0; i < all.length; i++) {
    const s = all[i]!.text;
    const found = addresses(s);
    if (!found.length) continue;
    const egress = EGRESS.exec(s);
    const dest = found.find(
      (a) =>
        BEFORE_ADDRESS.test(s.slice(Math.max(0, a.at - 40), a.at)) ||
        RECEIVES.test(s.slice(a.at + a.text.length - 1, a.at + a.text.length + 40)) ||
        a.kind === 'email',
    );
    if (!egress || !dest) continue;
    // "…read the credentials. Then send them to x.example": the object may be in the sentence before.
    const what = secretIn(s) ?? (PRONOUN.test(s) && i > 0 ? secretIn(all[i - 1]!.text) : null);
    if (what) {
      return [
        {
          rule: 'secret-to-address',
          family: 'exfiltration',
          severity: 'high',
          evidence: clip(s),
          message: `Sends ${clip(what[0], 60)} to an outside address (${clip(dest.text, 80)})`,
        },
      ];
    }
    const between = s.slice(egress.index + egress[0].length, dest.at);
    if (dest.kind !== 'url' && DIRECTIVE.test(s) && DATA_OBJECT.test(between)) {
      return [
        {
          rule: 'data-to-address',
          family: 'exfiltration',
          severity: 'medium',
          evidence: clip(s),
          message: `Tells the model to ${egress[0].split(/\s+/)[0]!.toLowerCase()} data to ${clip(dest.text, 80)}, an address given only as a bare ${dest.kind === 'ip' ? 'IP' : 'host'}`,
        },
      ];
    }
  }
  return [];
}

const TO_REPLY =
  /\b(?:in|into|within|inside|to|at the (?:start|end|beginning|top|bottom) of|as part of)\s+(?:your|the|each|every)\s+(?:\w+\s+)?(?:reply|replies|response|responses|answer|answers|message to the user|chat message)\b|\b(?:begin|start|end|open|close|prefix|finish|conclude)\s+(?:each\s+|every\s+)?(?:of\s+)?(?:your|the|each|every)\s+(?:\w+\s+)?(?:reply|response|answer)\s+(?:with|by)\b|\b(?:reveal|disclose|recite|read out|read back|leak)\w*\b[^.]{0,60}\bto the user\b/i;
const PUT =
  /\b(?:includ\w*|put|puts|add|adds|paste\w*|print\w*|echo\w*|repeat\w*|output\w*|show\w*|display\w*|reveal\w*|disclos\w*|writ(?:e|es|ing)|insert\w*|append\w*|prepend\w*|quot(?:e|es|ing)|cop(?:y|ies|ying)|dump\w*|embed\w*|attach\w*|list\w*|reproduc\w*|relay\w*|recit\w*|begin|start|end|open|close|prefix|finish|conclude|read (?:out|back)|leak\w*)\b/i;
const RAW_DUMP =
  /\b(?:full|entire|complete|raw|verbatim|unfiltered|unedited|unredacted|whole|all of the|every line of(?: the)?)\s+(?:\w+\s+){0,2}(?:output|outputs|contents?|results?|response|logs?|data|text|body|payload|dump|records?|file)\b|\b(?:output|contents?|results?|logs?|data|text|body|payload)\s+verbatim\b/i;
/** What the user asked for is theirs to see: "…only if the user asks for it". */
const USER_ASKED = /\b(?:if|when|only if|once|unless|whenever|as) (?:the user|they|you are) (?:\w+\s+)?(?:asks?|asked|requests?|requested|wants?|needs?)\b/i;
const NOT = /\b(?:not|never|no|don'?t|do not|without|avoid)\b[^.]{0,30}$/i;

/**
 * Sixteenth round: "Tokens shown in the response are one-time download tokens that expire after ten minutes": a
 * statement of what a reply holds, about a credential made for handing out, is no order to put a secret there.
 */
const SHORT_LIVED = /\b(?:one-time|single-use|expir\w*|short-lived|valid (?:for|until)|grants? no other|scoped to)\b/i;
const ORDERS =
  /^\W*(?:please\s+)?(?:include|put|add|paste|print|echo|repeat|output|show|display|reveal|write|insert|append|prepend|quote|copy|dump|embed|attach|list)\b|\b(?:must|should|always|need to|needs to|has to|have to|make sure|ensure|be sure)\b/i;

/** Secret or raw data copied into the model's answer: exfiltration through the reply. */
export function replyChannelFindings(text: string): IntentFinding[] {
  if (!/\b(?:repl|respon|answer|message|to the user)/i.test(text)) return [];
  for (const { text: s } of sentences(text)) {
    const channel = TO_REPLY.exec(s);
    if (!channel || !PUT.test(s) || NOT.test(s.slice(0, channel.index)) || USER_ASKED.test(s)) continue;
    const secret = secretIn(s);
    if (secret && !(SHORT_LIVED.test(s) && !ORDERS.test(s)))
      return [
        {
          rule: 'secret-in-reply',
          family: 'exfiltration',
          severity: 'high',
          evidence: clip(s),
          message: `Asks the model to put ${clip(secret[0], 60)} into its reply, where whoever reads or logs the answer gets it`,
        },
      ];
    const raw = RAW_DUMP.exec(s);
    if (raw)
      return [
        {
          rule: 'dump-in-reply',
          family: 'exfiltration',
          severity: 'medium',
          evidence: clip(s),
          message: `Asks the model to copy ${clip(raw[0], 60)} into its reply unfiltered: data the user did not ask for leaves through the answer`,
        },
      ];
  }
  return [];
}
