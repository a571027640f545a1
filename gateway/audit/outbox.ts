import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { BATCH_GENESIS, batchHash, signBatch, SignedBatchSchema, type BatchRecord, type SignedBatch, type Sign } from '../../shared/audit/batch.ts';

// The durable outbox: records of the local log are cut into signed batches,
// which wait here until the org acknowledges them. It shares audit.db with the
// log (own connection, WAL) so a batch and the records it covers can never be
// out of step after a crash: a batch is only ever cut from committed records.
// What the status reports about it comes from AuditLog.backlog().

export class Outbox {
  private readonly db: DatabaseSync;
  private readonly deviceId: string;
  private readonly signer: Sign;

  constructor(dataDir: string, deviceId: string, signer: Sign) {
    this.deviceId = deviceId;
    this.signer = signer;
    this.db = new DatabaseSync(join(dataDir, 'audit.db'));
    this.db.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA busy_timeout = 5000;
      CREATE TABLE IF NOT EXISTS batches (batch_id TEXT PRIMARY KEY, first_seq INTEGER NOT NULL, last_seq INTEGER NOT NULL UNIQUE, hash TEXT NOT NULL, body TEXT NOT NULL, created_at TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL DEFAULT 0, last_error TEXT, acked_at TEXT);
      CREATE INDEX IF NOT EXISTS batches_waiting ON batches(acked_at, last_seq);
    `);
  }

  /** Cuts the next batch of up to `max` committed records not yet batched; null when there are none. */
  async cut(max: number, now = new Date()): Promise<SignedBatch | null> {
    const last = this.db.prepare('SELECT last_seq, hash FROM batches ORDER BY last_seq DESC LIMIT 1').get() as { last_seq: number; hash: string } | undefined;
    const records = this.db
      .prepare('SELECT seq, prev, hash, body FROM records WHERE seq > ? ORDER BY seq LIMIT ?')
      .all(last?.last_seq ?? 0, max) as unknown as BatchRecord[];
    if (records.length === 0) return null;
    const batch = await signBatch({ deviceId: this.deviceId, prevBatchHash: last?.hash ?? BATCH_GENESIS, records, createdAt: now.toISOString() }, this.signer);
    this.db
      .prepare('INSERT INTO batches (batch_id, first_seq, last_seq, hash, body, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(batch.header.batchId, batch.header.firstSeq, batch.header.lastSeq, batchHash(batch.header), JSON.stringify(batch), batch.header.createdAt);
    return batch;
  }

  /** Records committed but not yet in a batch, and the age of the oldest (for cutting by age). */
  unbatched(): { count: number; oldestTs: string | null } {
    const row = this.db
      .prepare('SELECT COUNT(*) AS count, MIN(ts) AS oldest FROM records WHERE seq > (SELECT COALESCE(MAX(last_seq), 0) FROM batches)')
      .get() as { count: number; oldest: string | null };
    return { count: row.count, oldestTs: row.oldest };
  }

  /** The oldest batch not yet acknowledged. Batches ship strictly in order, so the org sees no gap while we retry. */
  nextWaiting(): { batch: SignedBatch; attempts: number; nextAttemptAt: number } | null {
    const row = this.db.prepare('SELECT body, attempts, next_attempt_at FROM batches WHERE acked_at IS NULL ORDER BY last_seq LIMIT 1').get() as
      { body: string; attempts: number; next_attempt_at: number } | undefined;
    if (!row) return null;
    return { batch: SignedBatchSchema.parse(JSON.parse(row.body)), attempts: row.attempts, nextAttemptAt: row.next_attempt_at };
  }

  acknowledge(batchId: string, now = new Date()): void {
    this.db.prepare('UPDATE batches SET acked_at = ?, last_error = NULL WHERE batch_id = ? AND acked_at IS NULL').run(now.toISOString(), batchId);
  }

  failed(batchId: string, nextAttemptAt: number, error: string): void {
    this.db
      .prepare('UPDATE batches SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE batch_id = ?')
      .run(nextAttemptAt, error.slice(0, 500), batchId);
  }

  close(): void {
    this.db.close();
  }
}
