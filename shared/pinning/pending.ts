import { z } from 'zod';

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
  decision: z.enum(['approved', 'rejected', 'trusted-on-first-use']),
  by: z.string(),
  reason: z.string().nullable(),
  at: z.string(),
  risk: z.enum(['none', 'low', 'medium', 'high', 'critical']),
});

export type PendingChange = z.infer<typeof PendingChangeSchema>;
export type Decision = z.infer<typeof DecisionSchema>;
export type PinState = 'approved' | 'quarantined' | 'rejected';
