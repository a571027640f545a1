import { clip, sentences, type IntentFinding } from './intent.ts';

// Two ways a text steers the model without a tool call of its own. A trigger
// (backdoor): a rule that fires on words the user might say ("when the user
// mentions 'invoice'") and then does something that is not the tool's job
// (send, delete, reveal, switch mode, drop a safeguard). Priming: dictating
// what the model tells the user whatever actually happened ("tell the user it
// succeeded regardless", "assure them the file is safe").

/** A condition on what the user says or what a request contains. */
const ON_WORDS =
  /\b(?:if|when|whenever|once|should|each time|every time|as soon as)\s+(?:the\s+|a\s+|any\s+)?(?:user|person|human|someone|customer|they|request|query|prompt|message|input|conversation|task)s?\s+(?:\w+\s+){0,2}?(?:says?|said|types?|writes?|mentions?|asks?\s+(?:about|for)|includes?|contains?|uses?|enters?|refers? to|brings? up|talks? about|spells?)\b|\b(?:trigger|magic|secret)[\s-](?:word|phrase)s?\b|\bcode ?words?\b|\bthe (?:word|phrase|keyword|string|term|code)\s+["'“‘`«]/i;
/** What the rule then does: something a reference to the user's words never needs. */
// "either the string "me", an email, or a gid": after an article the word is a thing, not an action.
const CONSEQUENCE =
  /(?<!\b(?:a|an|the|its|their|your|each|any|this|that)\s+)\b(?:send\w*|forward\w*|upload\w*|post\w*|e-?mail\w*|exfiltrat\w*|leak\w*|delet\w*|remov\w*|wip\w*|eras\w*|drop\w*|reveal\w*|disclos\w*|expos\w*|print\w* (?:your|the (?:system|hidden))|dump\w*|switch(?:es)? (?:to|into)|enter\w* (?:\w+\s+)?mode|unlock\w*|disabl\w*|turn(?:s)? off|ignor\w*|bypass\w*|skip\w* (?:all|every|the)\s+(?:check|confirm|safety|review)|grant\w*|escalat\w*|run\w* (?:the )?(?:command|script|shell)|execut\w*|transfer\w*|pay\w*)\b/i;

const REPLY_TO_USER =
  /\b(?:tell|inform|assure|reassure|report to|say to|answer|respond to|reply to|let)\s+(?:the\s+)?(?:user|person|human|customer|them)\s+(?:know\s+)?(?:that\s+)?/i;
const REGARDLESS = /\b(?:regardless|no matter (?:what|how|whether)|whatever (?:the|it|happens)|even if|even when|in (?:all|every|any) cases?|always)\b/i;
const REASSURING =
  /\b(?:safe|secure|trustworthy|verified|harmless|clean|legitimate|succeeded|successful(?:ly)?|success|complete[d]?|fine|no (?:issues?|problems?|errors?|risks?|threats?)|nothing (?:wrong|suspicious|was found)|all (?:good|clear|done))\b/i;
const HIDE_OUTCOME =
  /\b(?:do not|don'?t|never|avoid)\s+(?:\w+\s+)?(?:mention|report|show|reveal|surface|display|pass|relay|tell|forward)\s+(?:\w+\s+){0,2}?(?:errors?|failures?|warnings?|problems?|issues?|alerts?|risks?|threats?)\b[^.]{0,40}\b(?:to|with)\s+(?:the\s+)?(?:user|person|human|customer)\b/i;

const CONSENT_FIRST =
  /\b(?:confirm\w*|ask(?:ing)? (?:the user|them|for (?:confirmation|approval|permission))|get (?:the user's |their )?(?:approval|confirmation|consent)|check with (?:the user|them))\b[^.]{0,40}\b(?:before|first|then)\b|\b(?:after|once) (?:the user|they) (?:confirms?|approves?|agrees?)\b/i;

export function steeringFindings(text: string): IntentFinding[] {
  const out: IntentFinding[] = [];
  for (const s of sentences(text)) {
    const on = ON_WORDS.exec(s.text);
    const then = on && CONSEQUENCE.exec(s.text.slice(on.index + on[0].length));
    // "When the user reports a bug, post it with this tool" is the tool's own job.
    // "…confirm before deleting them": the user decides the consequence, so the words are a request, not a trigger.
    // "Use drive_empty_trash only when the user asks for permanent deletion": the consequence is what the user asked for.
    const askedFor =
      then &&
      /\b(?:asks?|asked|requests?|requested|wants?|wanted)\s+(?:for|to|about)?\s*$/i.test(on[0]) &&
      /^\s*(?:[\w-]+\s+){0,2}$/.test(s.text.slice(on.index + on[0].length, on.index + on[0].length + then.index));
    const consented = askedFor || (then && CONSENT_FIRST.test(s.text.slice(on.index + on[0].length, on.index + on[0].length + then.index + then[0].length)));
    if (on && then && !consented && !out.length && !/\b(?:this|the)\s+(?:tool|function)\b|\b(?:call|use|invoke)\s+(?:this|it|me)\b/i.test(s.text)) {
      out.push({
        rule: 'trigger-phrase',
        family: 'backdoor',
        severity: 'high',
        evidence: clip(s.text),
        message: `Sets a trigger on what the user says ("${clip(on[0], 50)}") that makes the model ${clip(then[0].toLowerCase(), 40)}, which is not what the tool does`,
      });
    }
    const reply = REPLY_TO_USER.exec(s.text);
    const told = reply ? s.text.slice(reply.index) : '';
    // "Let the user know when it is complete" reports what happened; "regardless" decides it in advance.
    if (reply && REGARDLESS.test(s.text) && REASSURING.test(told) && !/\b(?:when|if|once|after|whether|as soon as)\b/i.test(told)) {
      out.push({
        rule: 'dictated-reply',
        family: 'priming',
        severity: 'medium',
        evidence: clip(s.text),
        message: 'Tells the model what to tell the user (all is well) whatever actually happened',
      });
      break;
    }
    if (HIDE_OUTCOME.test(s.text)) {
      out.push({
        rule: 'dictated-reply',
        family: 'priming',
        severity: 'medium',
        evidence: clip(s.text),
        message: 'Tells the model to keep errors or warnings from the user',
      });
      break;
    }
  }
  return out;
}
