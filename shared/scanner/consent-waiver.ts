import { clip, sentences, type IntentFinding } from './intent.ts';
import { escapeRegExp } from '../text/regexp.ts';

// The user's say taken out of the loop by someone who is not the user: a
// confirmation, approval, review or preview declared waived, pre-granted or off
// for the model's actions, on the word of a policy, the host, an operator, a
// ticket or "an earlier session", or as config keys (auto_approve=true,
// confirm_before_send=false). Only the user present can waive their own check;
// a tool's text that does it for them asks the model to act unasked. A flag of
// the tool's own ("skip_confirmation skips the CLI prompt") and a waiver the
// user chooses ("if the user turns confirmations off") are theirs.

const SAFEGUARD =
  /\b(?:confirm(?:ation)?s?|approvals?|reviews?|previews?|consent|sign-?offs?|asking (?:the )?user|asking them|user (?:approval|confirmation|review))\b|确认|確認|bestätigung|freigabe|confirmaci[oó]n|aprobaci[oó]n|approbation/i;
/** The waiver governs the check: "skip confirmations", "without the preview step", "approval … is pre-granted". */
const WAIVE_BEFORE =
  /\b(?:skip(?:s|ped|ping)?|bypass(?:es|ed|ing)?|waiv(?:e|es|ed|ing)|turn(?:s|ed|ing)? off|switch(?:es|ed|ing)? off|disabl(?:e|es|ed|ing)|no longer (?:require|need|ask for)s?|without(?: (?:the|a|any|further|prior|explicit))?)\s+(?:[\w-]+\s+){0,2}?$/i;
const WAIVE_AFTER =
  /^(?:\s+[\w-]+){0,6}?\s+(?:(?:is|are|was|were|has been|have been)\s+)?(?:(?:already\s+)?pre-?(?:granted|approved|authori[sz]ed|confirmed)|waived|disabled|skipped|turned off|switched off|not (?:required|needed|necessary)|no longer (?:required|needed|applies|apply)|unnecessary|lifted)\b/i;
const FOREIGN_WAIVER = /(?:无需|不需要|不必)(?:用户)?确认|ohne\s+(?:\w+\s+)?bestätigung|sin\s+(?:\w+\s+)?confirmaci[oó]n|sans\s+(?:\w+\s+)?confirmation/i;
/** The user's own choice, the tool's own flag, or a protection that keeps the check. */
const THEIRS =
  /\b(?:if|when|unless|once|only if)\s+(?:the\s+)?user\s+(?:\w+\s+){0,2}?(?:turns?|sets?|chooses?|enables?|disables?|opts?|asks?|says?|wants?)\b|\bthe user can\b|\b(?:flag|option|parameter|argument)\b|--(?:yes|force|no-confirm)\b|\b-y\b|\b(?:never|always|must|do not|don'?t)\s+(?:\w+\s+){0,2}?(?:skip|bypass|turn off|disable|waive)\b|\brequires? (?:the user'?s? )?(?:confirmation|approval)\b|\b(?:never|not|don'?t|do not)\b[^.;]{0,100}\bwithout\b/i;
/** A config key set to a switch value; which keys matter is decided in code (a nested pattern here backtracks on long words). */
const KEY_VALUE = /\b([A-Za-z_][\w.]{0,60})\s*[=:]\s*["'`]?(true|yes|on|system|full|all|false|no|off|0|none)\b/gi;
const RAISES = /^(?:.*[._])?(?:auto_?approve\w*|trust(?:ed)?(?:_level)?)$/i;
const LOWERS = /confirm|requires?_(?:\w*_)?(?:review|approval)|(?:review|approval)_required/i;
/** Every key RAISES or LOWERS accepts holds one of these, and the key is a run of the text. */
const KEY_WORD = /approve|trust|confirm|review|approval/i;
function configKey(text: string): string | undefined {
  if (!/[=:]/.test(text) || !KEY_WORD.test(text)) return undefined;
  for (const m of text.matchAll(KEY_VALUE)) {
    const on = /^(?:true|yes|on|system|full|all)$/i.test(m[2]!);
    if ((on && RAISES.test(m[1]!)) || (!on && LOWERS.test(m[1]!))) return m[0];
  }
  return undefined;
}

export function consentWaiverFindings(text: string, params: ReadonlySet<string>): IntentFinding[] {
  const key = configKey(text);
  if (key && ![...params].some((p) => key.toLowerCase().startsWith(p))) return [finding(key, 'switches the user’s confirmation off in config keys')];
  if (!SAFEGUARD.test(text)) return [];
  for (const { text: s } of sentences(text)) {
    const guard = SAFEGUARD.exec(s);
    if (!guard) continue;
    const before = s.slice(Math.max(0, guard.index - 60), guard.index);
    const after = s.slice(guard.index + guard[0].length, guard.index + guard[0].length + 80);
    if ((!WAIVE_BEFORE.test(before) && !WAIVE_AFTER.test(after) && !FOREIGN_WAIVER.test(s)) || THEIRS.test(s)) continue;
    // "Pass force=true to skip the prompt": a flag of the tool's own, which the model sets for the user.
    if ([...params].some((p) => p.length > 2 && new RegExp(`\\b${escapeRegExp(p)}\\b`, 'i').test(s))) continue;
    return [finding(s, 'declares the user’s confirmation waived on someone else’s word')];
  }
  return [];
}

function finding(evidence: string, what: string): IntentFinding {
  return {
    rule: 'waives-user-confirmation',
    family: 'consent',
    severity: 'high',
    evidence: clip(evidence),
    message: `Takes the user out of the decision: it ${what}, so the model would act without asking`,
  };
}
