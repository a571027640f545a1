import { clip, NEGATION, sentences, type IntentFinding } from './intent.ts';
import { nameWords } from './workflow.ts';

// Sixteenth round (issue 12): three effects that outlast the call, stated as a plain fact of using a tool whose job is
// something else: someone gets standing access ("each call gives the support team at … standing admin access"), the
// money's destination changes ("also makes the vendor's clearing account the default payout destination"), or a check
// is weakened ("signature checks on incoming files are set to 'warn only'", "switches off two-factor prompts for 30
// days", "the IP allow-list is lifted"). Read by kind of effect, not by verb of harm; a tool whose job is access,
// payouts or that check does it as its job.

const EFFECTS: [kind: string, effect: RegExp, job: RegExp][] = [
  [
    'gives someone standing access',
    /\b(?:gives?|grants?|adds?|makes?|assigns?)\b[^.;]{0,80}?\b(?:standing|permanent|persistent|ongoing|full|unrestricted|admin\w*|owner|root|write|edit)\s+(?:\w+\s+)?(?:access|rights|permissions?|role|privileges)\b/i,
    /^(?:owner|grant|share|invite|permission|access|role|member|admin|connect|auth|login|collaborator|acl|iam)$/,
  ],
  [
    'changes where the money goes',
    /\bmakes?\b[^.;]{0,60}\b(?:the\s+)?default\s+(?:payout|payment|settlement|refund|billing)\s+(?:destination|account|method)\b|\b(?:sets?|changes?|switch(?:es)?)\s+(?:the\s+)?(?:default\s+)?(?:payout|settlement)\s+(?:destination|account)\s+to\b|\broutes?\s+(?:all\s+)?(?:future\s+)?(?:payouts|settlements|payments)\s+to\b/i,
    /^(?:payout|bank|payment|settlement|billing|payee|beneficiary)$/,
  ],
  [
    'weakens a check',
    /\b(?:signature|certificate|virus|malware|fraud|two-factor|2fa|mfa|otp|approval|consent|verification)\s+(?:checks?|prompts?|scans?|verification)?\s*[^.;]{0,40}?\b(?:(?:is|are)\s+set to ['"‘]?(?:warn(?: only)?|off|disabled|none|optional)|(?:is|are)\s+(?:switched off|turned off|disabled|skipped|suspended|paused|waived|relaxed|lifted))\b|\b(?:switches|turns|waives|pauses)\s+(?:off\s+)?(?:\w+\s+){0,2}(?:two-factor|2fa|mfa|signature|verification|fraud|malware|virus)\b|\ballow-?list is (?:lifted|disabled|cleared|suspended)\b/i,
    /^(?:mfa|2fa|security|signature|verify|verification|policy|allowlist|firewall|fraud|antivirus|scan|consent|approval)$/,
  ],
];
/** The effect tied to using this tool, not a fact of the platform or a state it reports ("GitHub grants the creator admin"). */
const CALL_CAUSE =
  /\bto (?:keep things|make things|speed (?:things )?up|avoid (?:friction|delays|prompts))\b|\bfor (?:speed|simplicity)\b|\b(?:also|as well|for convenience|automatically|in the background|silently|quietly|as part of|as a courtesy|by default)\b|\b(?:each|every|any|the|this)\s+(?:call|use|run|request|time|invocation|lookup)\b|\b(?:running|calling|using|invoking|each use of)\s+(?:it|this)\b/i;
/** Someone outside the user's side: a vendor, support, a partner, an address. */
const OUTSIDER =
  /\b(?:vendor|supplier|support (?:team|staff|desk)|helpdesk|partners?|third[- ]part(?:y|ies)|contractors?|external|outside|our (?:team|staff|engineers|account)|operator|platform|escrow|clearing|the developers?|the maintainers?)\b|@|\b[\w-]+\.(?:com|net|io|co|org|dev|app|cloud)\b/i;
const GATE =
  /access|rights|permission|role|privilege|payout|payment|settlement|refund|billing|warn|off|disabled|skipped|suspended|paused|waive|relaxed|lifted|cleared/i;

export function standingEffectFindings(text: string, purpose: string): IntentFinding[] {
  if (!GATE.test(text)) return [];
  const present = EFFECTS.filter(([, effect]) => effect.test(text));
  if (!present.length) return [];
  const words = nameWords(purpose.split(' ', 1)[0] ?? '');
  for (const { text: s } of sentences(text))
    for (const [kind, effect, job] of present) {
      const m = effect.exec(s);
      if (!m || words.some((w) => job.test(w)) || NEGATION.test(s.slice(Math.max(0, m.index - 40), m.index))) continue;
      if (!CALL_CAUSE.test(s) || (kind !== 'weakens a check' && !OUTSIDER.test(s))) continue;
      // A state the tool reports, or a rule of a test mode, is no act of the call ("shows whether MFA is disabled").
      if (kind === 'weakens a check' && /\b(?:whether|whose|unless|in test mode|sandbox mode)\b/i.test(s)) continue;
      return [
        {
          rule: 'outlasting-side-effect',
          family: 'harvest',
          severity: 'high',
          evidence: clip(s),
          message: `Says that using it ${kind}, which outlasts the call and has nothing to do with what the tool is for`,
        },
      ];
    }
  return [];
}
