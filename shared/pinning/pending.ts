import { z } from 'zod';
import { DECISION_VIAS } from './decision.ts';

// Pending changes and decisions, as the control API, the CLI and the desktop app
// see them.

export const FindingSchema = z.object({
  rule: z.string(),
  message: z.string(),
  evidence: z.string(),
  severity: z.enum(['low', 'medium', 'high', 'critical']),
  family: z.string(),
  path: z.string(),
});

export const DiffEntrySchema = z.object({
  path: z.string(),
  kind: z.enum(['added', 'removed', 'changed']),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
});

export const PendingChangeSchema = z.object({
  id: z.string(),
  server: z.string(),
  tool: z.string(),
  /** What agents would call it: `<server>__<tool>`. */
  exposedName: z.string(),
  kind: z.enum(['new', 'changed']),
  oldHash: z.string().nullable(),
  newHash: z.string(),
  oldDefinition: z.record(z.string(), z.unknown()).nullable(),
  newDefinition: z.record(z.string(), z.unknown()),
  diff: z.array(DiffEntrySchema),
  findings: z.array(FindingSchema),
  risk: z.enum(['none', 'low', 'medium', 'high', 'critical']),
  /** Whether the local user may decide; otherwise it awaits an org admin. */
  localDecision: z.boolean(),
  createdAt: z.string(),
});

export const DecisionSchema = z.object({
  id: z.string(),
  server: z.string(),
  tool: z.string(),
  hash: z.string(),
  /** `reopened`: a rejection undone, the change back to pending. */
  decision: z.enum(['approved', 'rejected', 'trusted-on-first-use', 'reopened']),
  by: z.string(),
  reason: z.string().nullable(),
  at: z.string(),
  risk: z.enum(['none', 'low', 'medium', 'high', 'critical']),
  /** Where it was taken (absent in records written before this was kept). */
  via: z.enum(DECISION_VIAS).optional(),
  /** The agent and its client, for a decision taken in an agent's chat. */
  agent: z.string().optional(),
  client: z.string().optional(),
  /** Shared with the audit records of the denial that asked and the call that followed. */
  correlationId: z.string().optional(),
  /** Answered after the call that asked had gone. */
  late: z.boolean().optional(),
});

export type PendingChange = z.infer<typeof PendingChangeSchema>;
export type Decision = z.infer<typeof DecisionSchema>;
export type PinState = 'approved' | 'quarantined' | 'rejected';
