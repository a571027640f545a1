import { chmodSync, closeSync, copyFileSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { join } from 'node:path';
import canonicalize from 'canonicalize';
import type { AuditRecord } from '../../shared/audit/record.ts';
import { BATCH_GENESIS, chainHash as sharedChainHash } from '../../shared/audit/batch.ts';
import { nodeSha256Hex } from '../hashing/sha256.ts';
import { wellFormedDeep } from '../../shared/text/cut.ts';

// The local audit log: SQLite (WAL), append-only (triggers refuse UPDATE and
// DELETE), and hash-chained: each row's hash covers the previous hash and the
// record's canonical JSON.
//
// A call's answer waits for its record to be durable, so the write in front of
// the answer must be cheap. Records queued in one turn of the event loop are
// chained and appended to a journal file with one write() (a few µs; like a WAL
// commit with synchronous=NORMAL it survives the process being killed, not a
// power cut), the answers go out, and the same records are inserted into SQLite
// right after, in one transaction, off the answer's path. The journal is emptied
// once SQLite holds everything; at start, whatever it still holds is replayed.
//
// Storage is node:sqlite (Node's built-in SQLite 3.5x) rather than better-sqlite3:
// the latter must compile against Node 24's headers, which cannot be fetched here.

export const GENESIS = BATCH_GENESIS;
/**
 * How long journalled records wait before the SQLite save. Readers save first (settle), so this only decides how many
 * records share a transaction: at 5 ms an agent calling back to back paid a transaction every few calls (strace of
 * `stdio --standalone`: 4.9 pwrite64 and 1.5 fcntl a call, 14 system calls a call in all; at 100 ms, 1.2 pwrite64 and
 * no fcntl to speak of, about 9 in all). The journal keeps the records durable meanwhile.
 */
const SAVE_DELAY_MS = 100;
const JOURNAL_TRIM_BYTES = 1 << 20;
const chainHash = (prev: string, body: string) => sharedChainHash(prev, body, nodeSha256Hex);

export interface VerifyResult {
  ok: boolean;
  records: number;
  firstBad?: { seq: number; id: string | null; reason: string };
  prunedThrough?: number;
}

export interface PruneResult {
  pruned: number;
  checkpoint: number | null;
}

interface Pending {
  seq: number;
  record: AuditRecord;
}

export class AuditLog {
  private readonly db: DatabaseSync;
  private readonly insert: StatementSync;
  private queue: { record: AuditRecord; done?: () => void }[] = [];
  private scheduled = false;
  private lastHash: string;
  private nextSeq: number;
  /** Journalled, not yet in SQLite. */
  private unsaved: Pending[] = [];
  private saveScheduled = false;
  private readonly journal: number;
  private readonly journalPath: string;
  private readonly readOnly: boolean;
  private journalBytes = 0;
  private outboxSeen = false;
  private saveFailures = 0;
  /** Told when a background save fails (the daemon shows it in its log and status). */
  onProblem: ((message: string) => void) | undefined;

  /**
   * `readOnly`: for a reader beside a running daemon (`gatehouse audit verify` / `export`):
   * the journal is the daemon's alone, so it is neither replayed nor written.
   */
  constructor(dataDir: string, opts: { readOnly?: boolean } = {}) {
    const path = join(dataDir, 'audit.db');
    this.db = new DatabaseSync(path);
    // The log holds who called what: readable by this user only.
    chmodSync(path, 0o600);
    this.db.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = NORMAL;
      PRAGMA busy_timeout = 5000;
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
    `);
    // Logs from before retention refused every DELETE; give them the checkpoint-aware trigger once.
    const trigger = this.db.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'records_no_delete'").get() as { sql: string } | undefined;
    if (!trigger?.sql.includes('checkpoints')) {
      this.db.exec(`
        DROP TRIGGER IF EXISTS records_no_delete;
        CREATE TRIGGER records_no_delete BEFORE DELETE ON records WHEN OLD.seq > COALESCE((SELECT MAX(seq) FROM checkpoints), 0)
          BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
      `);
    }
    this.insert = this.db.prepare(
      'INSERT INTO records (seq, id, ts, type, agent, server, tool, outcome, correlation, body, prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    // After pruning everything, the chain continues from the checkpoint.
    const last = (this.db.prepare('SELECT seq, hash FROM records ORDER BY seq DESC LIMIT 1').get() ?? this.checkpoint()) as
      { seq: number; hash: string } | undefined;
    this.lastHash = last?.hash ?? GENESIS;
    this.nextSeq = (last?.seq ?? 0) + 1;
    this.journalPath = join(dataDir, 'audit.journal');
    this.readOnly = opts.readOnly ?? false;
    this.journal = this.readOnly ? -1 : openSync(this.journalPath, 'a+', 0o600);
    if (!this.readOnly) this.replayJournal();
  }

  /**
   * Records journalled before a crash that SQLite does not hold yet go in now, in order.
   * Any content is survivable: a torn last line is dropped (no answer waited on it), an
   * entry that is not a record becomes an integrity record in its place, and a journal
   * that skips ahead stops the replay there. Either way the journal is kept as evidence.
   */
  private replayJournal(): void {
    const text = readFileSync(this.journalPath, 'utf8');
    if (!text) return;
    const problems: string[] = [];
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      const tab = line.indexOf('\t');
      const seq = tab < 0 ? Number.NaN : Number(line.slice(0, tab));
      if (!Number.isSafeInteger(seq)) {
        if (line.length > 0 && i < lines.length - 1) problems.push(`an unreadable line after record #${this.nextSeq - 1}`);
        continue;
      }
      if (seq < this.nextSeq) continue;
      // Only an unbroken continuation of what SQLite holds is taken.
      if (seq !== this.nextSeq) {
        problems.push(`the journal skipped from record #${this.nextSeq - 1} to #${seq}`);
        break;
      }
      const record = readRecord(line.slice(tab + 1));
      if (!record) {
        if (i === lines.length - 1) continue; // a torn last line
        problems.push(`record #${seq} could not be read`);
        this.unsaved.push({ seq, record: integrityRecord(`journal entry #${seq} was not a readable record; it was replaced by this one`) });
      } else {
        this.unsaved.push({ seq, record });
      }
      this.nextSeq++;
    }
    // A journal that was altered or damaged is kept as evidence, out of the way.
    const setAside = problems.length ? `${this.journalPath}.rejected-${Date.now()}` : undefined;
    if (setAside) copyFileSync(this.journalPath, setAside);
    this.save();
    this.trimJournal();
    if (setAside) {
      // Said in the log itself, so the org sees it too.
      this.append(integrityRecord(`the audit journal was damaged (${problems.slice(0, 3).join('; ')}); it was set aside in ${setAside}`));
      this.flush();
    }
  }

  /** Queues a record; `done` runs once it is committed (after the current microtasks: one transaction for all records queued meanwhile). */
  append(record: AuditRecord, done?: () => void): void {
    // Peers' text may hold lone surrogates, which canonical JSON refuses: fix them before anything is chained.
    const clean = wellFormedDeep(record);
    this.queue.push(done ? { record: clean, done } : { record: clean });
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => this.commit());
    }
  }

  /** Journals what is queued (then its callers hear it is durable), and saves it to SQLite soon after. */
  private commit(): void {
    if (this.readOnly) throw new Error('this audit log was opened read-only');
    this.scheduled = false;
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    // The answer waits only for a plain JSON line; canonical form and chain come with the save.
    let lines = '';
    for (const { record } of batch) {
      const seq = this.nextSeq++;
      this.unsaved.push({ seq, record });
      lines += `${seq}\t${JSON.stringify(record)}\n`;
    }
    this.journalBytes += writeSync(this.journal, lines);
    // Each caller's own work (sending an answer) runs here, in a microtask: a throw must
    // neither stop the daemon nor keep the callers after it from hearing of their records.
    for (const item of batch) {
      try {
        item.done?.();
      } catch (err) {
        this.onProblem?.(`a step waiting on an audit record failed: ${(err as Error).message}`);
      }
    }
    if (!this.saveScheduled) {
      // A short delay gathers many records into one SQLite transaction, and keeps the
      // insert off the moment the next request is likely to arrive.
      this.saveScheduled = true;
      setTimeout(() => this.saveInBackground(), SAVE_DELAY_MS).unref();
    }
  }

  /**
   * The save off the answer's path. A failure (disk full, a locked database) loses
   * nothing: the records stay journalled and in memory, the problem is reported, and
   * the save is tried again, later each time.
   */
  private saveInBackground(): void {
    try {
      this.save();
      this.saveFailures = 0;
    } catch (err) {
      this.saveFailures++;
      this.onProblem?.(`saving audit records to SQLite failed (${(err as Error).message}); they are kept in the journal and the save is retried`);
      this.saveScheduled = true;
      setTimeout(() => this.saveInBackground(), Math.min(30_000, SAVE_DELAY_MS * 2 ** this.saveFailures)).unref();
    }
  }

  /** Moves journalled records into SQLite in one transaction, then empties the journal. */
  private save(): void {
    this.saveScheduled = false;
    const rows = this.unsaved;
    if (rows.length === 0) return;
    this.db.exec('BEGIN IMMEDIATE');
    try {
      let prev = this.lastHash;
      for (const { seq, record } of rows) {
        const body = canonicalize(record)!;
        const hash = chainHash(prev, body);
        this.insert.run(
          seq,
          record.id,
          record.ts,
          record.type,
          record.agent,
          record.server,
          record.tool,
          record.outcome,
          record.correlationId,
          body,
          prev,
          hash,
        );
        prev = hash;
      }
      this.db.exec('COMMIT');
      this.lastHash = prev;
    } catch (err) {
      try {
        this.db.exec('ROLLBACK');
      } catch {
        /* the transaction may not have begun */
      }
      throw err;
    }
    this.unsaved = [];
    // Lines SQLite holds are skipped on replay, so the journal is emptied only now and then.
    if (this.journalBytes > JOURNAL_TRIM_BYTES) this.trimJournal();
  }

  private trimJournal(): void {
    ftruncateSync(this.journal, 0);
    this.journalBytes = 0;
  }

  /** Readers see every record journalled so far. */
  private settle(): void {
    if (!this.readOnly) this.save();
  }

  /** Everything queued is journalled and in SQLite when this returns. */
  flush(): void {
    this.commit();
    this.save();
  }

  /**
   * Drops records the org has acknowledged and that are older than the retention,
   * keeping the last dropped link as a checkpoint so the rest still verifies.
   */
  prune(retentionDays: number, now = Date.now()): PruneResult {
    this.flush();
    const acked = this.acknowledgedThrough();
    const cutoff = new Date(now - retentionDays * 86_400_000).toISOString();
    const row = this.db.prepare('SELECT seq, hash FROM records WHERE seq <= ? AND ts < ? ORDER BY seq DESC LIMIT 1').get(acked, cutoff) as
      { seq: number; hash: string } | undefined;
    if (!row) return { pruned: 0, checkpoint: this.checkpoint()?.seq ?? null };
    // A record newer than the cutoff before it keeps everything up to it: the chain is cut in one place only.
    const newer = this.db.prepare('SELECT MIN(seq) AS seq FROM records WHERE ts >= ?').get(cutoff) as { seq: number | null };
    const through = newer.seq !== null && newer.seq <= row.seq ? newer.seq - 1 : row.seq;
    const point =
      through === row.seq ? row : (this.db.prepare('SELECT seq, hash FROM records WHERE seq = ?').get(through) as { seq: number; hash: string } | undefined);
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

  /**
   * Whether the outbox's table exists: the Outbox creates it, on its own connection,
   * once the desktop is enrolled. Once seen it stays, so only the absence is asked again.
   */
  private hasOutbox(): boolean {
    return (this.outboxSeen ||= this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'batches'").get() !== undefined);
  }

  /** The highest sequence number the org has acknowledged (0 before enrollment). */
  private acknowledgedThrough(): number {
    if (!this.hasOutbox()) return 0;
    return (this.db.prepare('SELECT COALESCE(MAX(CASE WHEN acked_at IS NOT NULL THEN last_seq END), 0) AS acked FROM batches').get() as { acked: number })
      .acked;
  }

  /** Re-walks the chain: finds an edited, deleted or reordered record and names the first. */
  verify(): VerifyResult {
    this.settle();
    const cp = this.checkpoint();
    let prev = cp?.hash ?? GENESIS;
    let expectedSeq: number | undefined = cp ? cp.seq + 1 : undefined;
    let count = 0;
    if (cp && cp.seq > this.acknowledgedThrough()) {
      return {
        ok: false,
        records: 0,
        firstBad: {
          seq: cp.seq,
          id: null,
          reason: `a checkpoint at record ${cp.seq} claims records the org never acknowledged (pruned before they were shipped)`,
        },
        prunedThrough: cp.seq,
      };
    }
    for (const row of this.db.prepare('SELECT seq, id, body, prev, hash FROM records ORDER BY seq').iterate() as Iterable<{
      seq: number;
      id: string;
      body: string;
      prev: string;
      hash: string;
    }>) {
      if (expectedSeq !== undefined && row.seq !== expectedSeq)
        return { ok: false, records: count, firstBad: { seq: row.seq, id: row.id, reason: `record ${expectedSeq} is missing (deleted)` } };
      if (row.prev !== prev)
        return {
          ok: false,
          records: count,
          firstBad: { seq: row.seq, id: row.id, reason: 'its link to the previous record is broken (deleted or reordered)' },
        };
      if (chainHash(prev, row.body) !== row.hash)
        return { ok: false, records: count, firstBad: { seq: row.seq, id: row.id, reason: 'its content does not match its hash (edited)' } };
      let id: string | undefined;
      try {
        id = (JSON.parse(row.body) as { id?: string }).id;
      } catch {
        id = undefined;
      }
      if (id !== row.id)
        return { ok: false, records: count, firstBad: { seq: row.seq, id: row.id, reason: 'its id column does not match its content (edited)' } };
      prev = row.hash;
      expectedSeq = row.seq + 1;
      count++;
    }
    return { ok: true, records: count, ...(cp ? { prunedThrough: cp.seq } : {}) };
  }

  /** Records from a time on, oldest first (ISO timestamps compare as strings). */
  *since(since: string | undefined): Generator<AuditRecord> {
    this.settle();
    const rows = this.db.prepare('SELECT body FROM records WHERE ts >= ? ORDER BY seq').iterate(since ?? '') as Iterable<{ body: string }>;
    for (const row of rows) yield JSON.parse(row.body) as AuditRecord;
  }

  query(filter: {
    agent?: string;
    server?: string;
    tool?: string;
    outcome?: string;
    correlation?: string;
    since?: string;
    before?: number;
    limit: number;
  }): { seq: number; record: AuditRecord }[] {
    this.settle();
    const where: string[] = [];
    const args: (string | number)[] = [];
    for (const key of ['agent', 'server', 'tool', 'outcome', 'correlation'] as const)
      if (filter[key]) {
        where.push(`${key} = ?`);
        args.push(filter[key]!);
      }
    if (filter.since) {
      where.push('ts >= ?');
      args.push(filter.since);
    }
    if (filter.before) {
      where.push('seq < ?');
      args.push(filter.before);
    }
    const sql = `SELECT seq, body FROM records ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, filter.limit) as { seq: number; body: string }[]).map((r) => ({
      seq: r.seq,
      record: JSON.parse(r.body) as AuditRecord,
    }));
  }

  /** Whether a record of this type mentions this value (e.g. the enrollment of a device id). */
  has(type: AuditRecord['type'], mentions: string): boolean {
    this.flush();
    return this.db.prepare('SELECT 1 FROM records WHERE type = ? AND instr(body, ?) > 0 LIMIT 1').get(type, JSON.stringify(mentions)) !== undefined;
  }

  /** Records held, and how many are not yet acknowledged by the org (nothing is until shipping is enrolled). */
  backlog(): { records: number; unacknowledged: number; batchesWaiting: number } {
    const records = this.nextSeq - 1;
    if (!this.hasOutbox()) return { records, unacknowledged: records, batchesWaiting: 0 };
    const acked = this.acknowledgedThrough();
    const waiting = (this.db.prepare('SELECT COUNT(*) AS n FROM batches WHERE acked_at IS NULL').get() as { n: number }).n;
    return { records, unacknowledged: records - acked, batchesWaiting: waiting };
  }

  close(): void {
    if (!this.readOnly) {
      this.flush();
      this.trimJournal();
      closeSync(this.journal);
    }
    this.db.close();
  }
}

/** A journal line's record, made well-formed, or undefined when it is not shaped like one. */
function readRecord(json: string): AuditRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const r = value as Record<string, unknown>;
  for (const key of ['id', 'ts', 'type', 'outcome', 'correlationId'] as const) if (typeof r[key] !== 'string') return undefined;
  return wellFormedDeep(value as AuditRecord);
}

function integrityRecord(error: string): AuditRecord {
  const now = new Date();
  return {
    id: `${now.getTime().toString(36).padStart(9, '0')}-integrity`,
    ts: now.toISOString(),
    type: 'integrity',
    correlationId: 'audit-journal',
    user: 'gatehouse',
    agent: null,
    clientInfo: null,
    server: null,
    tool: null,
    decision: null,
    outcome: 'error',
    error,
    latencyMs: null,
    result: null,
    bundleVersion: 0,
  };
}
