// Who may decide a pending change from where. The agent's own client can answer
// a question put in the chat (and an agent holding its token can answer for it),
// so the bundle bounds what the chat may approve; the app, its notification and
// the CLI at a terminal decide the rest.

/** Where a decision was taken, as records and the app show it. */
export const DECISION_VIAS = ['chat', 'app', 'notification', 'cli', 'api'] as const;
export type DecisionVia = (typeof DECISION_VIAS)[number];

/** Risk levels in order; `never` ranks below all of them. */
export const CHAT_RISKS = ['never', 'none', 'low', 'medium', 'high', 'critical'] as const;
export type ChatRisk = (typeof CHAT_RISKS)[number];

/** Whether a change of this risk may be approved from the agent's chat under the bundle's bound. */
export function chatMayApprove(risk: Exclude<ChatRisk, 'never'>, max: ChatRisk): boolean {
  return CHAT_RISKS.indexOf(risk) <= CHAT_RISKS.indexOf(max) && max !== 'never';
}

/** Risks the CLI refuses to approve without a person at a terminal. */
export function needsTerminal(risk: string): boolean {
  return risk === 'high' || risk === 'critical';
}
