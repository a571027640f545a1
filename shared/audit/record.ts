import { z } from 'zod';

// One audit record per event. Arguments and result excerpts are stored already
// redacted: the log must never hold a secret.

export const AuditRecordSchema = z.object({
  /** Time-ordered: milliseconds since the epoch in base 36, then a per-process counter. */
  id: z.string(),
  ts: z.string(),
  type: z.enum([
    'tools/call',
    'resources/read',
    'prompts/get',
    'completion/complete',
    'denial',
    'decision',
    'bundle',
    'secret',
    'login',
    // Stored in hash-chained records already shipped: the spelling stays.
    'enrolment',
    'integrity',
  ]),
  /** Every downstream call caused by one agent request shares it (W3C traceparent trace id when the agent sent one). */
  correlationId: z.string(),
  user: z.string(),
  agent: z.string().nullable(),
  clientInfo: z.record(z.string(), z.unknown()).nullable(),
  server: z.string().nullable(),
  tool: z.string().nullable(),
  arguments: z.unknown().optional(),
  decision: z.object({ effect: z.enum(['allow', 'deny']), rule: z.string() }).nullable(),
  /** cancelled / disconnected: the agent stopped waiting; timeout: the upstream did not answer in time. */
  outcome: z.enum(['ok', 'error', 'denied', 'cancelled', 'timeout', 'disconnected']),
  error: z.string().nullable(),
  latencyMs: z.number().nullable(),
  result: z.object({ bytes: z.number(), contentTypes: z.array(z.string()), sha256: z.string(), excerpt: z.string() }).nullable(),
  bundleVersion: z.number(),
  detail: z.record(z.string(), z.unknown()).optional(),
});
export type AuditRecord = z.infer<typeof AuditRecordSchema>;
