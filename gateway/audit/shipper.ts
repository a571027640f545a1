import { z } from 'zod';
import type { SignedBatch } from '../../shared/audit/batch.ts';
import type { Outbox } from './outbox.ts';
import { cutText } from '../../shared/text/cut.ts';

// Ships the outbox to the org, oldest first, off the call path. Failures back
// off exponentially with full jitter; a batch id is the same on every retry, so
// the endpoint can acknowledge a replay without storing it twice.

export type SendBatch = (batch: SignedBatch) => Promise<void>;

export interface ShipperOptions {
  outbox: Outbox;
  send: SendBatch;
  /** Cut a batch at this many records… */
  maxRecords?: number;
  /** …or when the oldest unbatched record is this old. */
  maxAgeMs?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  random?: () => number;
  now?: () => number;
  /** A batch could not be sent (it will be retried): for the status and the daemon log. */
  onSendFailure?: (message: string) => void;
}

export function backoffDelay(attempts: number, base: number, max: number, random: () => number): number {
  return Math.floor(random() * Math.min(max, base * 2 ** Math.min(attempts, 30)));
}

export class Shipper {
  private readonly o: Required<Omit<ShipperOptions, 'onSendFailure'>> & Pick<ShipperOptions, 'onSendFailure'>;
  private running = false;

  constructor(options: ShipperOptions) {
    this.o = { maxRecords: 1000, maxAgeMs: 30_000, baseDelayMs: 1000, maxDelayMs: 300_000, random: Math.random, now: Date.now, ...options };
  }

  /**
   * Cuts what is due (with `flush`, everything), then sends waiting batches until
   * one fails or is not yet due. Returns how many were acknowledged.
   */
  async tick(flush = false): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    try {
      await this.cutDue(flush);
      let acked = 0;
      for (;;) {
        const next = this.o.outbox.nextWaiting();
        if (!next || (next.nextAttemptAt > this.o.now() && !flush)) return acked;
        try {
          await this.o.send(next.batch);
          this.o.outbox.acknowledge(next.batch.header.batchId);
          acked++;
        } catch (err) {
          const delay = backoffDelay(next.attempts, this.o.baseDelayMs, this.o.maxDelayMs, this.o.random);
          const message = err instanceof Error ? err.message : String(err);
          this.o.outbox.failed(next.batch.header.batchId, this.o.now() + delay, message);
          this.o.onSendFailure?.(message);
          return acked;
        }
      }
    } finally {
      this.running = false;
    }
  }

  private async cutDue(flush: boolean): Promise<void> {
    for (;;) {
      const { count, oldestTs } = this.o.outbox.unbatched();
      if (count === 0) return;
      const old = oldestTs !== null && this.o.now() - Date.parse(oldestTs) >= this.o.maxAgeMs;
      if (count < this.o.maxRecords && !old && !flush) return;
      await this.o.outbox.cut(this.o.maxRecords);
    }
  }
}

const AckSchema = z.object({ batchId: z.string(), status: z.enum(['accepted', 'duplicate']) });

/** POSTs a batch as JSON; only a 2xx naming the same batch id counts as acknowledged. */
export function httpSender(url: string, headers: () => Promise<Record<string, string>> = async () => ({})): SendBatch {
  return async (batch) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await headers()) },
      body: JSON.stringify(batch),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`the sync endpoint answered ${res.status}: ${cutText(text, 200)}`);
    const ack = AckSchema.safeParse(JSON.parse(text));
    if (!ack.success || ack.data.batchId !== batch.header.batchId) throw new Error('the sync endpoint did not acknowledge this batch');
  };
}
