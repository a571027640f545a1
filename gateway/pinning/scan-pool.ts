import { availableParallelism, loadavg } from 'node:os';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { FromWorkerSchema, type JobContext, type ScanItem, type ScanResult, type ToWorker } from './scan-protocol.ts';

// Scan workers for big first sights (scan-worker.ts). Started on first use and
// ended after a while idle, so an idle daemon carries none of them; unref'd, so
// they never keep the process alive or delay a SIGTERM. A worker that fails
// rejects what it was asked; the gate judges those tools on its own thread.

type Tool = Record<string, unknown>;

/**
 * A request whose tools cannot be sent to a worker: postMessage's structured clone overflows
 * on a schema nested some thousands deep. The fault is the chunk's, not the worker's: its tools
 * are judged on the loop and the other chunks stay on the workers. Before, one such tool sent
 * a whole 20,000-tool first sight to the main thread and stalled every call for 5 s
 * (red team, 2026-12-02), and left its request waiting for ever (the worker never idled).
 */
export class UnsendableChunk extends Error {}

interface Slot {
  worker: Worker;
  /** Requests sent and not answered. */
  waiting: Map<number, { resolve(v: { hashes: string[]; scans: ScanResult[] }): void; reject(e: Error): void }>;
  /** Jobs this worker has been told about. */
  opened: Set<number>;
  idle: NodeJS.Timeout | undefined;
}

export interface ScanPoolOptions {
  /** Workers at most; default: the cores, 1 to 4. */
  size?: number;
  /** Workers a job may use, asked when it opens; default: every core while the machine is idle, else the cores but one. */
  busyCores?: () => number;
  /** How long an unused worker stays; default 10 s. */
  idleMs?: number;
  /** The worker's module (tests point it elsewhere). */
  workerUrl?: URL;
}

/** The worker module beside this one: .ts when run from source, .js from dist/. */
const defaultWorkerUrl = () => new URL(`./scan-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

export class ScanPool {
  private readonly size: number;
  private readonly cores: number;
  private readonly busyCores: () => number;
  private readonly idleMs: number;
  private readonly workerUrl: URL;
  private readonly slots: (Slot | undefined)[];
  private nextId = 1;
  private nextJob = 1;

  constructor(opts: ScanPoolOptions = {}) {
    // One core stays the event loop's while anything else runs. On two cores one worker judged a 20,000-tool first sight
    // 12-14% sooner than two beside one busy process (each worker's isolate warms the scanner up anew, and the nice-10
    // workers share a core with the load), and two judged it 17-21% sooner on an idle machine (docs/performance.md,
    // "Scan workers on two cores, measured again"): a job takes every core only while the machine is idle.
    this.cores = availableParallelism();
    this.size = Math.max(1, opts.size ?? Math.min(4, this.cores));
    this.busyCores = opts.busyCores ?? (() => loadavg()[0] ?? 0);
    this.idleMs = opts.idleMs ?? 10_000;
    this.workerUrl = opts.workerUrl ?? defaultWorkerUrl();
    this.slots = new Array<Slot | undefined>(this.size).fill(undefined);
  }

  /** Workers for a job opening now: all of them on an idle machine, else one core left to the rest of it. */
  private workersNow(): number {
    if (this.size === 1) return 1;
    const busy = this.busyCores();
    const idle = Number.isFinite(busy) && busy < Math.max(0.5, (this.cores - 1) * 0.75);
    return Math.max(1, Math.min(this.size, idle ? this.cores : this.cores - 1));
  }

  /** Starts a job: its chunks are spread over the workers it may use, each chunk's scan on the worker that hashed it. */
  open(ctx: JobContext): PoolJob {
    return new PoolJob(this, this.nextJob++, ctx, this.workersNow());
  }

  /** Ends every worker now (tests, shutdown). */
  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => (s ? this.retire(s, new Error('scan pool closed')) : undefined)));
  }

  /** @internal A request to worker `at`, opening the job there first. */
  request(at: number, job: number, ctx: JobContext, msg: DistributiveOmit<Extract<ToWorker, { id: number }>, 'id'>) {
    const slot = this.slot(at);
    if (!slot.opened.has(job)) {
      slot.opened.add(job);
      slot.worker.postMessage({ kind: 'open', job, ctx } satisfies ToWorker);
    }
    const id = this.nextId++;
    if (slot.idle) clearTimeout(slot.idle);
    slot.idle = undefined;
    // Held while it has work, so an awaited judging keeps the process; unref'd again when idle.
    slot.worker.ref();
    return new Promise<{ hashes: string[]; scans: ScanResult[] }>((resolve, reject) => {
      slot.waiting.set(id, { resolve, reject });
      try {
        slot.worker.postMessage({ ...msg, id } as ToWorker);
      } catch (err) {
        slot.waiting.delete(id);
        if (slot.waiting.size === 0) this.rest(slot);
        reject(new UnsendableChunk(`a chunk could not be sent to a scan worker: ${(err as Error).message}`));
      }
    });
  }

  /** @internal Tells every worker that knows the job to drop it. */
  closeJob(job: number): void {
    for (const slot of this.slots) {
      if (!slot?.opened.delete(job)) continue;
      slot.worker.postMessage({ kind: 'close', job } satisfies ToWorker);
    }
  }

  private slot(at: number): Slot {
    const existing = this.slots[at];
    if (existing) return existing;
    const worker = new Worker(this.workerUrl);
    worker.unref();
    const slot: Slot = { worker, waiting: new Map(), opened: new Set(), idle: undefined };
    this.slots[at] = slot;
    worker.on('message', (raw: unknown) => this.answer(slot, raw));
    worker.on('error', (err) => void this.retire(slot, err));
    worker.on('exit', (code) => void this.retire(slot, new Error(`scan worker exited with code ${code}`)));
    return slot;
  }

  private answer(slot: Slot, raw: unknown): void {
    const parsed = FromWorkerSchema.safeParse(raw);
    if (!parsed.success) {
      void this.retire(slot, new Error('a scan worker answered in an unknown shape'));
      return;
    }
    const msg = parsed.data;
    const waiter = slot.waiting.get(msg.id);
    if (!waiter) return;
    slot.waiting.delete(msg.id);
    if (msg.ok) waiter.resolve({ hashes: msg.hashes, scans: msg.scans });
    else waiter.reject(new Error(msg.error));
    if (slot.waiting.size === 0) this.rest(slot);
  }

  /** A worker with nothing asked of it: unref'd, and ended after a while idle. */
  private rest(slot: Slot): void {
    slot.worker.unref();
    slot.idle = setTimeout(() => void this.retire(slot, new Error('idle')), this.idleMs);
    slot.idle.unref();
  }

  private async retire(slot: Slot, err: Error): Promise<void> {
    const at = this.slots.indexOf(slot);
    if (at < 0) return;
    this.slots[at] = undefined;
    if (slot.idle) clearTimeout(slot.idle);
    for (const w of slot.waiting.values()) w.reject(err);
    slot.waiting.clear();
    await slot.worker.terminate();
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** One evaluation's use of the pool. A chunk keeps to the worker that hashed it: the tools cross the thread boundary once. */
export class PoolJob {
  private readonly pool: ScanPool;
  private readonly id: number;
  private readonly ctx: JobContext;
  /** Workers this job spreads its chunks over. */
  readonly workers: number;
  private nextChunk = 0;

  constructor(pool: ScanPool, id: number, ctx: JobContext, workers: number) {
    this.pool = pool;
    this.id = id;
    this.ctx = ctx;
    this.workers = workers;
  }

  /** Hashes a chunk on the next worker; the handle names the chunk for its scan. */
  async hash(tools: Tool[]): Promise<{ chunk: { id: number; worker: number }; hashes: string[] }> {
    const chunk = { id: this.nextChunk, worker: this.nextChunk++ % this.workers };
    const { hashes } = await this.pool.request(chunk.worker, this.id, this.ctx, { kind: 'hash', job: this.id, chunk: chunk.id, tools });
    if (hashes.length !== tools.length) throw new Error('scan worker answered for another chunk');
    return { chunk, hashes };
  }

  /** Scans the chunk's tools that need it (and forgets the chunk on the worker). */
  async scan(chunk: { id: number; worker: number }, items: ScanItem[]): Promise<ScanResult[]> {
    const { scans } = await this.pool.request(chunk.worker, this.id, this.ctx, { kind: 'scan', job: this.id, chunk: chunk.id, items });
    if (scans.length !== items.length) throw new Error('scan worker answered for another chunk');
    return scans;
  }

  close(): void {
    this.pool.closeJob(this.id);
  }
}

let shared: ScanPool | undefined;
/** The daemon's pool, made on first use. */
export function sharedScanPool(): ScanPool {
  return (shared ??= new ScanPool());
}
