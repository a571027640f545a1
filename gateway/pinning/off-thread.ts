import type { PendingChange } from '../../shared/pinning/pending.ts';
import { UnsendableChunk, type PoolJob } from './scan-pool.ts';
import type { ScanItem, ScanResult } from './scan-protocol.ts';

// First sight on the scan workers: the daemon's loop only does the bookkeeping.
// Chunks go out a few at a time (a window per worker, so 20,000 tools are not
// cloned in one go); each comes back hashed, the gate settles the ones it already
// knows, the rest are scanned where they were hashed, decided and committed, chunk
// by chunk, so the catalogue fills in as tools are judged.

type Tool = Record<string, unknown>;

/** The gate's side of one evaluation. */
export interface OffThreadHooks {
  /** False once a newer list for the server superseded this one. */
  live(): boolean;
  /** Settles a tool from its hash alone (pinned, rejected, already pending); false when it needs a scan. */
  known(tool: Tool, hash: string): boolean;
  /** The approved definition a tool's new one is judged against. */
  baseline(tool: Tool): Omit<ScanItem, 'at'>;
  /** Decides a scanned tool: accepted (trust on first use) or a pending change. */
  decide(tool: Tool, hash: string, result: ScanResult): PendingChange | undefined;
  /** Makes a chunk's decisions durable and shows them. */
  commit(fresh: PendingChange[]): void;
  /** A worker failed (its tools are judged on the loop instead): said once per evaluation. */
  failed(message: string): void;
}

export const CHUNK = 64;
/**
 * Chunks in flight per worker: one being worked on and three waiting, so the worker does not idle through one of the
 * daemon's longer turns (a rebuild, a collection) while its answers wait to be read. With two, a 20,000-tool first
 * sight kept the worker busy about half of the time.
 */
const WINDOW = 4;

/**
 * Judges `queue` on the pool. Resolves with the tools left unjudged: none when all went well
 * (or the job was superseded), the rest of the queue when a worker failed, and the chunks that
 * could not be sent to a worker, for the gate to judge itself.
 */
export async function judgeOffThread(job: PoolJob, queue: readonly Tool[], hooks: OffThreadHooks): Promise<Tool[]> {
  const chunks: Tool[][] = [];
  for (let i = 0; i < queue.length; i += CHUNK) chunks.push(queue.slice(i, i + CHUNK));
  let taken = 0;
  let failed = false;
  const left: Tool[] = [];
  const lane = async (): Promise<void> => {
    while (!failed && taken < chunks.length && hooks.live()) {
      const tools = chunks[taken++]!;
      let pending = tools;
      try {
        const { chunk, hashes } = await job.hash(tools);
        if (!hooks.live()) return;
        const todo: number[] = [];
        tools.forEach((t, i) => {
          if (!hooks.known(t, hashes[i]!)) todo.push(i);
        });
        pending = todo.map((i) => tools[i]!);
        const results = await job.scan(
          chunk,
          todo.map((at) => ({ at, ...hooks.baseline(tools[at]!) })),
        );
        if (!hooks.live()) return;
        const fresh: PendingChange[] = [];
        todo.forEach((at, k) => {
          const change = hooks.decide(tools[at]!, hashes[at]!, results[k]!);
          if (change) fresh.push(change);
        });
        hooks.commit(fresh);
      } catch (err) {
        // A chunk that cannot be sent (a tool nested past what a message can clone) is halved until the tool that
        // cannot be sent is alone: that one goes to the gate's slices, the others stay on the workers. Judged on the
        // loop, the other 63 once cost it the scanner's index of a 20,000-tool list: one 320 ms turn.
        if (err instanceof UnsendableChunk) {
          if (pending.length > 1) chunks.push(pending.slice(0, pending.length >> 1), pending.slice(pending.length >> 1));
          else left.push(...pending);
          continue;
        }
        if (!failed) hooks.failed(err instanceof Error ? err.message : String(err));
        failed = true;
        left.push(...pending);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(chunks.length, job.workers * WINDOW) }, lane));
  } finally {
    job.close();
  }
  if (failed) for (const tools of chunks.slice(taken)) left.push(...tools);
  return left;
}
