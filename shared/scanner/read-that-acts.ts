import { clip, NEGATION, sentences, type IntentFinding } from './intent.ts';
import { nameWords } from './workflow.ts';

// Sixteenth round (issue 12): a tool that only looks (its name or first sentence: show, get, check, read, list) whose
// later sentence makes the looking itself do something to the user: "Viewing also places a hold, charged to the card",
// "Each lookup also sets the customer's marketing consent to yes", "Reading telemetry also enables vendor remote
// support", "Checking an expired permit renews it for 12 months". The model calls a read freely, since reads are safe,
// so an act tied to the read happens on every call without anyone choosing it. The reading needs no particular verb of
// harm: a read, then an act on money, consent, access, a subscription or a message that the looking itself triggers.

const READ_NAME = new Set(
  'get list show view read check status balance usage lookup search find fetch describe preview inspect query info detail telemetry'.split(' '),
);
// (nameWords stems a final s: "status" is read as "statu".)
/** Act words that are also nouns: "order_status" is a read of an order. */
const NOUN_TOO = new Set('order book transfer hold charge post'.split(' '));
const STATE_WORDS = new Set('status statu balance usage info detail history summary statement'.split(' '));
/** Words that make a name an act, whatever read word it also has ("check_in", "get_and_cancel"). */
const ACT_NAME = new Set(
  (
    'in out and create send update set delete remove buy order book enrol enroll subscribe grant share publish post apply transfer pay renew ' +
    'activate enable add cancel void close open upgrade charge submit approve sign register reserve hold'
  ).split(' '),
);
const READ_FIRST =
  /^\s*(?:shows?|returns?|reads?|lists?|gets?|looks? up|checks?(?! (?:\S+ ){0,3}?(?:in|out)\b)|displays?|fetches|retrieves?|views?|finds?|searches|describes?|previews?)\b/i;

/** The look itself as the cause: "viewing", "each lookup", "reading telemetry", "checking an expired permit". */
const THE_LOOK =
  /\b(?:viewing|checking(?! (?:in|out)\b)|reading|looking (?:\w+ )?up|querying|fetching|listing|searching|opening|calling (?:this|it)|(?:each|every|this) (?:lookup|look-up|read|call|check|query|request|view|search|time|invocation|run|use)|(?:a|the) (?:lookup|look-up|check|view|search)(?! (?:permission|scope|access|right))|(?:each|every) (?:\w+ )?(?:lookup|read|check|query|view))\b/i;
/** An act on the user's money, consent, access, subscriptions or messages. */
const ACT =
  /\b(?:charg(?:es|ed)|bill(?:s|ed)|pays|paid|debits?|debited|turns? on|switch(?:es)? on|assigns?|renews?|renewed|activates?|activated|enables?|enabled|enrol(?:l)?s?|enrolled|subscribes?|subscribed|signs? (?:\w+ )?up|opts? (?:\S+ ){0,3}?in\b|sets? (?:\S+ ){0,3}?(?:consent|opt-in|preference)|places? (?:a |an )?(?:\w+[- ]){0,2}(?:order|reservation|booking|purchase)|purchas(?:es|ed)|buys|upgrades?|upgraded|grants?|granted|gives? (?:\w+ ){0,3}access|opens? (?:a |an )?(?:\w+ )?(?:tunnel|port|session)|publish(?:es|ed)|shares?|shared|sends?|sent|forwards?|cancels?|cancell?ed|voids?|voided|transfers?|transferred|adds? (?:\w+ ){0,3}to (?:the |a |an |our )?(?:\w+ ){0,2}(?:list|programme|program|library|mailing|newsletter|group|sequence|wall|gallery))\b/i;
/** Bookkeeping of the read itself is no act on the user: "marks them as read", "refreshes the cache". */
const BOOKKEEPING = /\bmark(?:s|ed)? (?:\w+ ){0,3}as (?:read|seen|viewed|opened)\b|\b(?:refresh|cache|log)\w*\b[^.;]{0,20}$/i;
/** Tied to the read as a plus, not as the user's choice. */
const ALSO = /\b(?:also|as a courtesy|at the same time|automatically|in the same (?:step|call)|additionally|as well)\b/i;
/** The user's own choice gates it; "unless the user says otherwise" is an opt-out default, the harm itself. */
const USER_CHOOSES =
  /\b(?:if|when|once|after)\s+(?:the user|you)\b[^.;]{0,40}\b(?:asks?|asked|confirms?|confirmed|chooses|chose|approves?|approved|opts?|agrees?|says)\b/i;

/** A verb of the look's own between it and the act: the act word is then an object or a state, not what the look does. */
const OTHER_VERB =
  /\b(?:returns?|reports?|shows?|covers?|lists?|includes?|contains?|flags?|displays?|reads?|fetches|finds?|tells?|says?|is|are|was|were|has|have|had|will|can|may|might|whether)\b/i;
/** What makes an act high: money or a hold on the user's access. */
const MONEY_OR_ACCESS =
  /[€£$]|\b(?:EUR|USD|GBP|fee|charg\w*|bill\w*|card|purchas\w*|renew\w*|subscri\w*|upgrade\w*|bundle|consent|grant\w*|access|tunnel|remote|owner|admin)\b/i;

export function readThatActsFindings(text: string, purpose: string): IntentFinding[] {
  if (!THE_LOOK.test(text) || !ACT.test(text)) return [];
  const name = purpose.split(' ', 1)[0] ?? '';
  const words = nameWords(name);
  const all = sentences(text);
  // A read by its first word ("view_upgrade_options", not "check_in") or its first sentence ("Shows…").
  const first = words[0] ?? '';
  const last = words[words.length - 1] ?? '';
  // Or by its last word when that is a state one reads ("order_status", "account_balance").
  const readName =
    (READ_NAME.has(first) && !ACT_NAME.has(words[1] ?? '')) || (words.length > 1 && STATE_WORDS.has(last) && (NOUN_TOO.has(first) || !ACT_NAME.has(first)));
  if (ACT_NAME.has(first) && !readName) return [];
  const looks = readName || READ_FIRST.test(all[0]?.text ?? '');
  for (const { text: s } of all.slice(1)) {
    const look = THE_LOOK.exec(s);
    const act = ACT.exec(s);
    if (!look || !act || act.index < look.index) continue;
    // Or by the sentence itself: "Looking up the calendar also enrols…" says the tool is looked up.
    if (!looks && !(ALSO.test(s) && /^\W*(?:\w+\W+){0,2}$/.test(s.slice(0, look.index)))) continue;
    const between = s.slice(look.index + look[0].length, act.index);
    // The act must be the look's own verb: "each request returns up to 100 charges" has another verb first, and its
    // "charges" is a noun (review 2026-12-02).
    if (OTHER_VERB.test(between)) continue;
    // "every call that charges" names other calls; the look must be the subject of the act.
    if (/^\s*(?:that|which|who)\b/i.test(between)) continue;
    // The look is the act's subject: a few words between them ("checking an expired permit renews"), or a few and then
    // "also" ("each lookup made on behalf of a customer also renews"); not another subject later in the sentence
    // ("run/cancel also…"). Sending what it was asked is how a lookup reaches its service ("the query is sent to the
    // API"); sending as a plus is not. ("Every call is billed to the account" has a verb of its own: OTHER_VERB.)
    const also = ALSO.exec(between);
    const tied = also
      ? /^\W*(?:[\w-]+\W+){0,8}$/.test(between.slice(0, also.index))
      : !/^(?:sen[dt]|shar|forward)/i.test(act[0]) && /^\s*(?:\w+\s+){0,4}$/.test(between);
    if (!tied) continue;
    // "Each lookup, not just the first, also upgrades…" negates nothing; bookkeeping never excuses money or access.
    const before = s.slice(Math.max(0, act.index - 40), act.index).replace(/\bnot (?:just|only)\b/gi, ' ');
    if (NEGATION.test(before) || (BOOKKEEPING.test(s) && !MONEY_OR_ACCESS.test(s)) || USER_CHOOSES.test(s)) continue;
    return [
      {
        rule: 'read-that-acts',
        family: 'harvest',
        severity: MONEY_OR_ACCESS.test(s) ? 'high' : 'medium',
        evidence: clip(s),
        message: 'Only looks, by its name, yet says the look itself acts on the user (money, consent, access, a subscription or a message) on every call',
      },
    ];
  }
  return [];
}
