import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { OrgKey } from '../../shared/bundle/schema.ts';
import { ConsoleStore, consoleSchema, type Executor } from './console-store.ts';
import { auditWhere, batchRow, device, orgRow, problemRow, queriedRow, recordRow, type Row } from './rows.ts';
import type { AuditFilter, AuditProblem, BatchRow, DeviceRow, OrgRow, RecordIndex, ServerStore, StoredRecord } from './store.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS org (id TEXT PRIMARY KEY, name TEXT NOT NULL, keys TEXT NOT NULL, oidc TEXT);
CREATE TABLE IF NOT EXISTS bundles (version INTEGER PRIMARY KEY, envelope TEXT NOT NULL, published_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS devices (id TEXT PRIMARY KEY, name TEXT NOT NULL, public_key TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE, enrolled_at TEXT NOT NULL, label TEXT);
CREATE TABLE IF NOT EXISTS audit_batches (batch_id TEXT PRIMARY KEY, device_id TEXT NOT NULL, first_seq INTEGER NOT NULL, last_seq INTEGER NOT NULL,
  batch_hash TEXT NOT NULL, prev_batch_hash TEXT NOT NULL, last_record_hash TEXT NOT NULL, header TEXT NOT NULL, signature TEXT NOT NULL, received_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS audit_batches_device ON audit_batches (device_id, last_seq);
CREATE TABLE IF NOT EXISTS audit_records (device_id TEXT NOT NULL, seq INTEGER NOT NULL, hash TEXT NOT NULL, prev TEXT NOT NULL, body TEXT NOT NULL, batch_id TEXT NOT NULL,
  ts TEXT NOT NULL, user_name TEXT NOT NULL, agent TEXT, server TEXT, tool TEXT, outcome TEXT NOT NULL, type TEXT NOT NULL, PRIMARY KEY (device_id, seq)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS audit_records_ts ON audit_records (ts);
CREATE TABLE IF NOT EXISTS audit_problems (device_id TEXT NOT NULL, kind TEXT NOT NULL, detail TEXT NOT NULL, at TEXT NOT NULL);
CREATE TRIGGER IF NOT EXISTS audit_batches_no_update BEFORE UPDATE ON audit_batches BEGIN SELECT RAISE(ABORT, 'audit batches are append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_batches_no_delete BEFORE DELETE ON audit_batches BEGIN SELECT RAISE(ABORT, 'audit batches are append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_records_no_update BEFORE UPDATE ON audit_records BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_records_no_delete BEFORE DELETE ON audit_records BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
`;

export class SqliteStore implements ServerStore {
  readonly kind = 'sqlite';
  readonly console: ConsoleStore;
  private readonly db: DatabaseSync;
  /** One transaction at a time on the one connection: an await inside one must not let another begin. */
  private txQueue: Promise<unknown> = Promise.resolve();

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new DatabaseSync(path);
    // Several instances may share the file; WAL lets readers and one writer coexist.
    this.db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;');
    this.console = new ConsoleStore(this.executor());
  }

  async migrate(): Promise<void> {
    this.db.exec(SCHEMA + consoleSchema('INTEGER'));
  }

  private executor(): Executor {
    const ex: Executor = {
      all: async (sql, args = []) => this.db.prepare(sql).all(...(args as never[])) as Row[],
      run: async (sql, args = []) => {
        this.db.prepare(sql).run(...(args as never[]));
      },
      ph: (i) => `?${i}`,
      tx: <T>(work: (e: Executor) => Promise<T>): Promise<T> => {
        const next = this.txQueue.then(async () => {
          this.db.exec('BEGIN IMMEDIATE');
          try {
            const out = await work(ex);
            this.db.exec('COMMIT');
            return out;
          } catch (err) {
            this.db.exec('ROLLBACK');
            throw err;
          }
        });
        this.txQueue = next.catch(() => {});
        return next;
      },
    };
    return ex;
  }

  async org(): Promise<OrgRow | null> {
    const r = this.db.prepare('SELECT id, name, keys, oidc FROM org LIMIT 1').get() as Row | undefined;
    return r ? orgRow(r) : null;
  }

  async initOrg(org: OrgRow): Promise<void> {
    this.tx(() => {
      if (this.db.prepare('SELECT 1 FROM org').get()) throw new Error('this database already serves an org');
      this.db
        .prepare('INSERT INTO org (id, name, keys, oidc) VALUES (?, ?, ?, ?)')
        .run(org.id, org.name, JSON.stringify(org.keys), org.oidc ? JSON.stringify(org.oidc) : null);
    });
  }

  async latestBundle(): Promise<{ version: number; envelope: string } | null> {
    const r = this.db.prepare('SELECT version, envelope FROM bundles ORDER BY version DESC LIMIT 1').get() as Row | undefined;
    return r ? { version: Number(r.version), envelope: String(r.envelope) } : null;
  }

  async latestVersion(): Promise<number> {
    return Number((this.db.prepare('SELECT COALESCE(MAX(version), 0) AS v FROM bundles').get() as Row).v);
  }

  async publish(version: number, envelope: string, keys: OrgKey[], at: string): Promise<boolean> {
    return this.tx(() => {
      const r = this.db.prepare('INSERT INTO bundles (version, envelope, published_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').run(version, envelope, at);
      if (r.changes === 0) return false;
      this.db.prepare('UPDATE org SET keys = ?').run(JSON.stringify(keys));
      return true;
    });
  }

  async addDevice(d: DeviceRow): Promise<void> {
    this.db
      .prepare('INSERT INTO devices (id, name, public_key, token_hash, enrolled_at, label) VALUES (?, ?, ?, ?, ?, ?)')
      .run(d.id, d.name, d.publicKey, d.tokenHash, d.enrolledAt, d.label);
  }

  async deviceByTokenHash(hash: string): Promise<DeviceRow | null> {
    const r = this.db.prepare('SELECT * FROM devices WHERE token_hash = ?').get(hash) as Row | undefined;
    return r ? device(r) : null;
  }

  async devices(): Promise<DeviceRow[]> {
    return (this.db.prepare('SELECT * FROM devices ORDER BY enrolled_at').all() as Row[]).map(device);
  }

  async lastBatch(deviceId: string): Promise<BatchRow | null> {
    const r = this.db.prepare('SELECT * FROM audit_batches WHERE device_id = ? ORDER BY last_seq DESC LIMIT 1').get(deviceId) as Row | undefined;
    return r ? batchRow(r) : null;
  }

  async batchHash(batchId: string): Promise<string | null> {
    const r = this.db.prepare('SELECT batch_hash FROM audit_batches WHERE batch_id = ?').get(batchId) as Row | undefined;
    return r ? String(r.batch_hash) : null;
  }

  async storeBatch(b: BatchRow, records: (StoredRecord & RecordIndex)[]): Promise<void> {
    const insert = this.db.prepare(
      'INSERT INTO audit_records (device_id, seq, hash, prev, body, batch_id, ts, user_name, agent, server, tool, outcome, type) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const correlate = this.db.prepare('INSERT INTO audit_correlation (correlation_id, device_id, seq) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
    this.tx(() => {
      this.db
        .prepare(
          'INSERT INTO audit_batches (batch_id, device_id, first_seq, last_seq, batch_hash, prev_batch_hash, last_record_hash, header, signature, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(b.batchId, b.deviceId, b.firstSeq, b.lastSeq, b.batchHash, b.prevBatchHash, b.lastRecordHash, b.header, b.signature, b.receivedAt);
      for (const r of records) {
        insert.run(r.deviceId, r.seq, r.hash, r.prev, r.body, r.batchId, r.ts, r.user, r.agent, r.server, r.tool, r.outcome, r.type);
        if (r.correlationId) correlate.run(r.correlationId, r.deviceId, r.seq);
      }
    });
  }

  async addProblem(p: AuditProblem): Promise<void> {
    this.db.prepare('INSERT INTO audit_problems (device_id, kind, detail, at) VALUES (?, ?, ?, ?)').run(p.deviceId, p.kind, p.detail, p.at);
  }

  async problems(deviceId: string): Promise<AuditProblem[]> {
    return (this.db.prepare('SELECT device_id, kind, detail, at FROM audit_problems WHERE device_id = ? ORDER BY rowid').all(deviceId) as Row[]).map(
      problemRow,
    );
  }

  async batches(deviceId: string): Promise<BatchRow[]> {
    return (this.db.prepare('SELECT * FROM audit_batches WHERE device_id = ? ORDER BY first_seq').all(deviceId) as Row[]).map(batchRow);
  }

  async records(deviceId: string, fromSeq: number, toSeq: number): Promise<StoredRecord[]> {
    return (
      this.db
        .prepare('SELECT device_id, seq, hash, prev, body, batch_id FROM audit_records WHERE device_id = ? AND seq BETWEEN ? AND ? ORDER BY seq')
        .all(deviceId, fromSeq, toSeq) as Row[]
    ).map(recordRow);
  }

  async queryRecords(filter: AuditFilter): Promise<{ deviceId: string; seq: number; body: string }[]> {
    const { sql, args } = auditWhere(filter, () => '?');
    return (
      this.db.prepare(`SELECT device_id, seq, body FROM audit_records ${sql} ORDER BY ts DESC, device_id, seq DESC LIMIT ?`).all(...args, filter.limit) as Row[]
    ).map(queriedRow);
  }

  async close(): Promise<void> {
    this.db.close();
  }

  private tx<T>(work: () => T): T {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const out = work();
      this.db.exec('COMMIT');
      return out;
    } catch (err) {
      this.db.exec('ROLLBACK');
      throw err;
    }
  }
}
