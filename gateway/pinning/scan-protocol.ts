import { z } from 'zod';
import type { KnownTool } from '../../shared/scanner/tool-index.ts';
import { FindingSchema, DiffEntrySchema } from '../../shared/pinning/pending.ts';
import { SEVERITIES, type ScannerRule, type Severity } from '../../shared/scanner/rules.ts';

// What the gate and its scan workers say to each other (scan-pool.ts, scan-worker.ts).

/** What every scan of one evaluation shares: sent once per worker, indexed there. */
export interface JobContext {
  siblings: string[];
  others: KnownTool[] | undefined;
  scannerRules: ScannerRule[];
  trustOnFirstUse: boolean;
}

export interface ScanItem {
  /** The tool's place in its chunk. */
  at: number;
  /** Whether an approved definition (a pin or a local acceptance) precedes this one. */
  hasBaseline: boolean;
  /** That definition, when the store still has it: the change is judged against it. */
  baseline: Record<string, unknown> | null;
}

export type ToWorker =
  | { kind: 'open'; job: number; ctx: JobContext }
  | { kind: 'close'; job: number }
  | { kind: 'hash'; id: number; job: number; chunk: number; tools: Record<string, unknown>[] }
  | { kind: 'scan'; id: number; job: number; chunk: number; items: ScanItem[] };

const ScanResultSchema = z.object({
  risk: z.enum(SEVERITIES),
  findings: z.array(FindingSchema),
  /** Null when the tool is trusted on first sight: nothing to show. */
  diff: z.array(DiffEntrySchema).nullable(),
  /** The siblings the tool's text names, for the gate to read the pairs from the whole list (sibling-chain.ts). */
  mentions: z.array(z.string()).max(16).optional(),
});
export type ScanResult = z.infer<typeof ScanResultSchema>;

export const FromWorkerSchema = z.discriminatedUnion('ok', [
  z.object({ id: z.number(), ok: z.literal(true), hashes: z.array(z.string()), scans: z.array(ScanResultSchema) }),
  z.object({ id: z.number(), ok: z.literal(false), error: z.string() }),
]);
export type FromWorker = z.infer<typeof FromWorkerSchema>;

/** Trust on first use: a tool with no approved predecessor, in a bundle that allows it, below high risk. */
export function trustedOnFirstSight(hasBaseline: boolean, trustOnFirstUse: boolean, risk: Severity): boolean {
  return !hasBaseline && trustOnFirstUse && SEVERITIES.indexOf(risk) < SEVERITIES.indexOf('high');
}
