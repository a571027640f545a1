import type { Decision, PendingChange } from '../../shared/pinning/pending.ts';
import type { Severity } from '../../shared/scanner/rules.ts';
import { nodeSha256Hex } from '../hashing/sha256.ts';

// The records a pin decision writes: the pin entry and the decision log line.

/** Where a local decision came from, kept with it (who, through which agent and client, under which correlation id). */
export type DecisionContext = Pick<Decision, 'via' | 'agent' | 'client' | 'correlationId' | 'late'>;

/** The pin entry and the decision record one approval or rejection writes. */
export function decided(change: PendingChange, kind: Decision['decision'], by: string, reason: string | null, context: DecisionContext) {
  const at = new Date().toISOString();
  const entry = { server: change.server, tool: change.tool, hash: change.newHash, by, at, reason };
  const decision: Decision = { ...context, id: change.id, ...entry, decision: kind, risk: change.risk };
  return { entry, decision };
}

/** The same for a new tool trusted on first use, the bundle's explicit choice. */
export function firstUse(id: string, server: string, tool: string, hash: string, risk: Severity) {
  const at = new Date().toISOString();
  const entry = { server, tool, hash, by: 'trust-on-first-use', at, reason: 'first sight, bundle allows trust on first use' };
  const decision: Decision = { id, server, tool, hash, decision: 'trusted-on-first-use', by: 'trust-on-first-use', reason: null, at, risk };
  return { entry, decision };
}

export function changeId(server: string, tool: string, hash: string): string {
  return nodeSha256Hex(`${server}\n${tool}\n${hash}`).slice(0, 12);
}
