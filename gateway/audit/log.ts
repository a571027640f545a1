import { chmodSync } from 'node:fs';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { join } from 'node:path';
import canonicalize from 'canonicalize';
import type { AuditRecord } from '../../shared/audit/record.ts';
import { BATCH_GENESIS, chainHash as sharedChainHash } from '../../shared/audit/batch.ts';
import { nodeSha256Hex } from '../hashing/sha256.ts';

// The local audit log: SQLite (WAL), append-only (triggers refuse UPDATE and
// DELETE), and hash-chained: each row's hash covers the previous hash and the
// record's canonical JSON. Appends are group-committed: everything queued in one
// turn of the event loop goes into one transaction, and each caller is told when
// its record is committed, so a call's answer can wait for its record for
// microseconds instead of an fsync of its own. A committed WAL transaction
// survives the process being killed.
//
// Storage is node:sqlite (Node's built-in SQLite 3.5x) rather than better-sqlite3:
// the latter must compile against Node 24's headers, which cannot be fetched here.

export const GENESIS = BATCH_GENESIS;
const chainHash = (prev: string, body: string) => sharedChainHash(prev, body, nodeSha256Hex);

export interface VerifyResult { ok: boolean; records: number; firstBad?: { seq: number; id: string | null; reason: string }; prunedThrough?: number }

export interface PruneResult { pruned: number; checkpoint: number | null }

export class AuditLog {
  private readonly db: DatabaseSync;
  private readonly insert: StatementSync;
  private queue: { record: AuditRecord; done?: () => void }[] = [];
  private scheduled = false;
  private lastHash: string;
  private nextSeq: number;

  constructor(dataDir: string) {
    const path = join(dataDir, 'audit.db');
    this.db = new DatabaseSync(path);
    // The log holds who called what: readable by this user only.
    chmodSync(path, 0o600);
    this.db.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = NORMAL;
      PRAGMA cache_size = -512;
      CREATE TABLE IF NOT EXISTS records (seq INTEGER PRIMARY KEY, id TEXT NOT NULL, ts TEXT NOT NULL, type TEXT NOT NULL, agent TEXT, server TEXT, tool TEXT, outcome TEXT NOT NULL, correlation TEXT NOT NULL, body TEXT NOT NULL, prev TEXT NOT NULL, hash TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS records_ts ON records(ts);
      CREATE INDEX IF NOT EXISTS records_correlation ON records(correlation);
      CREATE TRIGGER IF NOT EXISTS records_no_update BEFORE UPDATE ON records BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
      -- Retention: the chain's last pruned link is kept as a checkpoint; only records at or
      -- before the newest checkpoint may be deleted, and checkpoints themselves are append-only.
      CREATE TABLE IF NOT EXISTS checkpoints (seq INTEGER PRIMARY KEY, hash TEXT NOT NULL, at TEXT NOT NULL);
      CREATE TRIGGER IF NOT EXISTS checkpoints_no_update BEFORE UPDATE ON checkpoints BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END;
      CREATE TRIGGER IF NOT EXISTS checkpoints_no_delete BEFORE DELETE ON checkpoints BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END;
      DROP TRIGGER IF EXISTS records_no_delete;
      CREATE TRIGGER records_no_delete BEFORE DELETE ON records WHEN OLD.seq > COALESCE((SELECT MAX(seq) FROM checkpoints), 0)
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    `);
    this.insert = this.db.prepare('INSERT INTO records (seq, id, ts, type, agent, server, tool, outcome, correlation, body, prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    // After pruning everything, the chain continues from the checkpoint.
    const last = (this.db.prepare('SELECT seq, hash FROM records ORDER BY seq DESC LIMIT 1').get() ?? this.checkpoint()) as { seq: number; hash: string } | undefined;
    this.lastHash = last?.hash ?? GENESIS;
    this.nextSeq = (last?.seq ?? 0) + 1;
  }

  /** Queues a record; `done` runs once it is committed (after the current microtasks: one transaction for all records queued meanwhile). */
  append(record: AuditRecord, done?: () => void): void {
    this.queue.push(done ? { record, done } : { record });
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    this.db.exec('BEGIN IMMEDIATE');
    try {
      for (const { record } of batch) {
        const body = canonicalize(record)!;
        const hash = chainHash(this.lastHash, body);
        this.insert.run(this.nextSeq, record.id, record.ts, record.type, record.agent, record.server, record.tool, record.outcome, record.correlationId, body, this.lastHash, hash);
        this.lastHash = hash;
        this.nextSeq++;
      }
      this.db.exec('COMMIT');
    } catch (err) {
      this.db.exec('ROLLBACK');
      throw err;
    }
    for (const item of batch) item.done?.();
  }

  /**
   * Drops records the org has acknowledged and that are older than the retention,
   * keeping the last dropped link as a checkpoint so the rest still verifies.
   */
  prune(retentionDays: number, now = Date.now()): PruneResult {
    this.flush();
    const acked = this.acknowledgedThrough();
    const cutoff = new Date(now - retentionDays * 86_400_000).toISOString();
    const row = this.db.prepare('SELECT seq, hash FROM records WHERE seq <= ? AND ts < ? ORDER BY seq DESC LIMIT 1').get(acked, cutoff) as { seq: number; hash: string } | undefined;
    if (!row) return { pruned: 0, checkpoint: this.checkpoint()?.seq ?? null };
    // A record newer than the cutoff before it keeps everything up to it: the chain is cut in one place only.
    const newer = this.db.prepare('SELECT MIN(seq) AS seq FROM records WHERE ts >= ?').get(cutoff) as { seq: number | null };
    const through = newer.seq !== null && newer.seq <= row.seq ? newer.seq - 1 : row.seq;
    const point = through === row.seq ? row : this.db.prepare('SELECT seq, hash FROM records WHERE seq = ?').get(through) as { seq: number; hash: string } | undefined;
    if (!point) return { pruned: 0, checkpoint: this.checkpoint()?.seq ?? null };
    this.db.exec('BEGIN IMMEDIATE');
    try {
      this.db.prepare('INSERT INTO checkpoints (seq, hash, at) VALUES (?, ?, ?)').run(point.seq, point.hash, new Date(now).toISOString());
      const r = this.db.prepare('DELETE FROM records WHERE seq <= ?').run(point.seq);
      this.db.exec('COMMIT');
      return { pruned: Number(r.changes), checkpoint: point.seq };
    } catch (err) {
      this.db.exec('ROLLBACK');
      throw err;
    }
  }

  private checkpoint(): { seq: number; hash: string } | undefined {
    return this.db.prepare('SELECT seq, hash FROM checkpoints ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined;
  }

  /** The highest sequence number the org has acknowledged (0 before enrolment). */
  private acknowledgedThrough(): number {
    const hasOutbox = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'batches'").get() !== undefined;
    if (!hasOutbox) return 0;
    return (this.db.prepare('SELECT COALESCE(MAX(CASE WHEN acked_at IS NOT NULL THEN last_seq END), 0) AS acked FROM batches').get() as { acked: number }).acked;
  }

  /** Re-walks the chain: finds an edited, deleted or reordered record and names the first. */
  verify(): VerifyResult {
    const cp = this.checkpoint();
    let prev = cp?.hash ?? GENESIS;
    let expectedSeq: number | undefined = cp ? cp.seq + 1 : undefined;
    let count = 0;
    if (cp && cp.seq > this.acknowledgedThrough()) {
      return { ok: false, records: 0, firstBad: { seq: cp.seq, id: null, reason: `a checkpoint at record ${cp.seq} claims records the org never acknowledged (pruned before they were shipped)` }, prunedThrough: cp.seq };
    }
    for (const row of this.db.prepare('SELECT seq, id, body, prev, hash FROM records ORDER BY seq').iterate() as Iterable<{ seq: number; id: string; body: string; prev: string; hash: string }>) {
      if (expectedSeq !== undefined && row.seq !== expectedSeq) return { ok: false, records: count, firstBad: { seq: row.seq, id: row.id, reason: `record ${expectedSeq} is missing (deleted)` } };
      if (row.prev !== prev) return { ok: false, records: count, firstBad: { seq: row.seq, id: row.id, reason: 'its link to the previous record is broken (deleted or reordered)' } };
      if (chainHash(prev, row.body) !== row.hash) return { ok: false, records: count, firstBad: { seq: row.seq, id: row.id, reason: 'its content does not match its hash (edited)' } };
      let id: string | undefined;
      try { id = (JSON.parse(row.body) as { id?: string }).id; } catch { id = undefined; }
      if (id !== row.id) return { ok: false, records: count, firstBad: { seq: row.seq, id: row.id, reason: 'its id column does not match its content (edited)' } };
      prev = row.hash;
      expectedSeq = row.seq + 1;
      count++;
    }
    return { ok: true, records: count, ...(cp ? { prunedThrough: cp.seq } : {}) };
  }

  /** Records from a time on, oldest first (ISO timestamps compare as strings). */
  *since(since: string | undefined): Generator<AuditRecord> {
    const rows = this.db.prepare('SELECT body FROM records WHERE ts >= ? ORDER BY seq').iterate(since ?? '') as Iterable<{ body: string }>;
    for (const row of rows) yield JSON.parse(row.body) as AuditRecord;
  }

  query(filter: { agent?: string; server?: string; tool?: string; outcome?: string; correlation?: string; since?: string; before?: number; limit: number }): { seq: number; record: AuditRecord }[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    for (const key of ['agent', 'server', 'tool', 'outcome', 'correlation'] as const) if (filter[key]) { where.push(`${key} = ?`); args.push(filter[key]!); }
    if (filter.since) { where.push('ts >= ?'); args.push(filter.since); }
    if (filter.before) { where.push('seq < ?'); args.push(filter.before); }
    const sql = `SELECT seq, body FROM records ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, filter.limit) as { seq: number; body: string }[]).map((r) => ({ seq: r.seq, record: JSON.parse(r.body) as AuditRecord }));
  }

  /** Whether a record of this type mentions this value (e.g. the enrolment of a device id). */
  has(type: AuditRecord['type'], mentions: string): boolean {
    this.flush();
    return this.db.prepare('SELECT 1 FROM records WHERE type = ? AND instr(body, ?) > 0 LIMIT 1').get(type, JSON.stringify(mentions)) !== undefined;
  }

  /** Records held, and how many are not yet acknowledged by the org (nothing is until shipping is enrolled). */
  backlog(): { records: number; unacknowledged: number; batchesWaiting: number } {
    const records = this.nextSeq - 1;
    const acked = this.acknowledgedThrough();
    if (acked === 0 && this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'batches'").get() === undefined) return { records, unacknowledged: records, batchesWaiting: 0 };
    const waiting = (this.db.prepare('SELECT COUNT(*) AS n FROM batches WHERE acked_at IS NULL').get() as { n: number }).n;
    return { records, unacknowledged: records - acked, batchesWaiting: waiting };
  }

  close(): void {
    this.flush();
    this.db.close();
  }
}
