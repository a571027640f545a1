import pg from 'pg';
import type { OrgKey } from '../../shared/bundle/schema.ts';
import { ConsoleStore, consoleSchema, type Executor } from './console-store.ts';
import { copyRows } from './pg-copy.ts';
import { auditWhere, batchRow, device, orgRow, problemRow, queriedRow, recordRow, type Row } from './rows.ts';
import type { AuditFilter, AuditProblem, BatchRow, DeviceRow, OrgRow, RecordIndex, ServerStore, StoredRecord } from './store.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS org (id TEXT PRIMARY KEY, name TEXT NOT NULL, keys TEXT NOT NULL, oidc TEXT);
CREATE TABLE IF NOT EXISTS bundles (version BIGINT PRIMARY KEY, envelope TEXT NOT NULL, published_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS devices (id TEXT PRIMARY KEY, name TEXT NOT NULL, public_key TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE, enrolled_at TEXT NOT NULL, label TEXT);
CREATE TABLE IF NOT EXISTS audit_batches (batch_id TEXT PRIMARY KEY, device_id TEXT NOT NULL, first_seq BIGINT NOT NULL, last_seq BIGINT NOT NULL,
  batch_hash TEXT NOT NULL, prev_batch_hash TEXT NOT NULL, last_record_hash TEXT NOT NULL, header TEXT NOT NULL, signature TEXT NOT NULL, received_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS audit_batches_device ON audit_batches (device_id, last_seq);
CREATE TABLE IF NOT EXISTS audit_records (device_id TEXT NOT NULL, seq BIGINT NOT NULL, hash TEXT NOT NULL, prev TEXT NOT NULL, body TEXT NOT NULL, batch_id TEXT NOT NULL,
  ts TEXT NOT NULL, user_name TEXT NOT NULL, agent TEXT, server TEXT, tool TEXT, outcome TEXT NOT NULL, type TEXT NOT NULL, PRIMARY KEY (device_id, seq));
CREATE INDEX IF NOT EXISTS audit_records_ts ON audit_records (ts);
CREATE TABLE IF NOT EXISTS audit_problems (id BIGSERIAL PRIMARY KEY, device_id TEXT NOT NULL, kind TEXT NOT NULL, detail TEXT NOT NULL, at TEXT NOT NULL);
CREATE OR REPLACE FUNCTION gatehouse_append_only() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_batches_append_only ON audit_batches;
CREATE TRIGGER audit_batches_append_only BEFORE UPDATE OR DELETE ON audit_batches FOR EACH ROW EXECUTE FUNCTION gatehouse_append_only();
DROP TRIGGER IF EXISTS audit_records_append_only ON audit_records;
CREATE TRIGGER audit_records_append_only BEFORE UPDATE OR DELETE ON audit_records FOR EACH ROW EXECUTE FUNCTION gatehouse_append_only();
`;

const RECORD_COLUMNS = ['device_id', 'seq', 'hash', 'prev', 'body', 'batch_id', 'ts', 'user_name', 'agent', 'server', 'tool', 'outcome', 'type'];
const CORRELATION_COLUMNS = ['correlation_id', 'device_id', 'seq'];

export class PostgresStore implements ServerStore {
  readonly kind = 'postgres';
  readonly console: ConsoleStore;
  private readonly pool: pg.Pool;

  constructor(url: string) {
    this.pool = new pg.Pool({ connectionString: url, max: 10 });
    const on = (q: pg.Pool | pg.PoolClient): Executor => ({
      all: async (sql, args = []) => (await q.query(sql, args as unknown[])).rows as Row[],
      run: async (sql, args = []) => {
        await q.query(sql, args as unknown[]);
      },
      ph: (i) => `$${i}`,
      tx: (work) => (q === this.pool ? this.tx((c) => work(on(c))) : work(on(q))),
    });
    this.console = new ConsoleStore(on(this.pool));
  }

  private async rows(sql: string, args: unknown[] = []): Promise<Row[]> {
    return (await this.pool.query(sql, args)).rows as Row[];
  }

  async migrate(): Promise<void> {
    // Instances starting together must not race on DDL.
    const c = await this.pool.connect();
    try {
      await c.query('SELECT pg_advisory_lock(7301)');
      await c.query(SCHEMA + consoleSchema('BIGINT'));
    } finally {
      await c.query('SELECT pg_advisory_unlock(7301)').catch(() => {});
      c.release();
    }
  }

  async org(): Promise<OrgRow | null> {
    const [r] = await this.rows('SELECT id, name, keys, oidc FROM org LIMIT 1');
    return r ? orgRow(r) : null;
  }

  async initOrg(org: OrgRow): Promise<void> {
    await this.tx(async (c) => {
      await c.query('LOCK TABLE org IN EXCLUSIVE MODE');
      if ((await c.query('SELECT 1 FROM org')).rowCount) throw new Error('this database already serves an org');
      await c.query('INSERT INTO org (id, name, keys, oidc) VALUES ($1, $2, $3, $4)', [
        org.id,
        org.name,
        JSON.stringify(org.keys),
        org.oidc ? JSON.stringify(org.oidc) : null,
      ]);
    });
  }

  async latestBundle(): Promise<{ version: number; envelope: string } | null> {
    const [r] = await this.rows('SELECT version, envelope FROM bundles ORDER BY version DESC LIMIT 1');
    return r ? { version: Number(r.version), envelope: String(r.envelope) } : null;
  }

  async latestVersion(): Promise<number> {
    const [r] = await this.rows('SELECT COALESCE(MAX(version), 0) AS v FROM bundles');
    return Number(r!.v);
  }

  async publish(version: number, envelope: string, keys: OrgKey[], at: string): Promise<boolean> {
    return this.tx(async (c) => {
      const r = await c.query('INSERT INTO bundles (version, envelope, published_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [version, envelope, at]);
      if (!r.rowCount) return false;
      await c.query('UPDATE org SET keys = $1', [JSON.stringify(keys)]);
      return true;
    });
  }

  async addDevice(d: DeviceRow): Promise<void> {
    await this.pool.query('INSERT INTO devices (id, name, public_key, token_hash, enrolled_at, label) VALUES ($1, $2, $3, $4, $5, $6)', [
      d.id,
      d.name,
      d.publicKey,
      d.tokenHash,
      d.enrolledAt,
      d.label,
    ]);
  }

  async deviceByTokenHash(hash: string): Promise<DeviceRow | null> {
    const [r] = await this.rows('SELECT * FROM devices WHERE token_hash = $1', [hash]);
    return r ? device(r) : null;
  }

  async devices(): Promise<DeviceRow[]> {
    return (await this.rows('SELECT * FROM devices ORDER BY enrolled_at')).map(device);
  }

  async lastBatch(deviceId: string): Promise<BatchRow | null> {
    const [r] = await this.rows('SELECT * FROM audit_batches WHERE device_id = $1 ORDER BY last_seq DESC LIMIT 1', [deviceId]);
    return r ? batchRow(r) : null;
  }

  async batchHash(batchId: string): Promise<string | null> {
    const [r] = await this.rows('SELECT batch_hash FROM audit_batches WHERE batch_id = $1', [batchId]);
    return r ? String(r.batch_hash) : null;
  }

  async storeBatch(b: BatchRow, records: (StoredRecord & RecordIndex)[]): Promise<void> {
    await this.tx(async (c) => {
      await c.query(
        'INSERT INTO audit_batches (batch_id, device_id, first_seq, last_seq, batch_hash, prev_batch_hash, last_record_hash, header, signature, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)',
        [b.batchId, b.deviceId, b.firstSeq, b.lastSeq, b.batchHash, b.prevBatchHash, b.lastRecordHash, b.header, b.signature, b.receivedAt],
      );
      // COPY, not INSERT: no statement to parse or plan, no text to escape or unescape. A
      // batch is stored whole or not at all (the transaction), so a COPY that fails on a
      // duplicate key leaves nothing behind. Each (device, seq) is stored once, so a
      // correlation row cannot repeat and needs no ON CONFLICT.
      await copyRows(
        c,
        'audit_records',
        RECORD_COLUMNS,
        records.map((r) => [r.deviceId, r.seq, r.hash, r.prev, r.body, r.batchId, r.ts, r.user, r.agent, r.server, r.tool, r.outcome, r.type]),
      );
      const linked = records.filter((r) => r.correlationId);
      if (linked.length)
        await copyRows(
          c,
          'audit_correlation',
          CORRELATION_COLUMNS,
          linked.map((r) => [r.correlationId!, r.deviceId, r.seq]),
        );
    });
  }

  async addProblem(p: AuditProblem): Promise<void> {
    await this.pool.query('INSERT INTO audit_problems (device_id, kind, detail, at) VALUES ($1, $2, $3, $4)', [p.deviceId, p.kind, p.detail, p.at]);
  }

  async problems(deviceId: string): Promise<AuditProblem[]> {
    return (await this.rows('SELECT device_id, kind, detail, at FROM audit_problems WHERE device_id = $1 ORDER BY id', [deviceId])).map(problemRow);
  }

  async batches(deviceId: string): Promise<BatchRow[]> {
    return (await this.rows('SELECT * FROM audit_batches WHERE device_id = $1 ORDER BY first_seq', [deviceId])).map(batchRow);
  }

  async records(deviceId: string, fromSeq: number, toSeq: number): Promise<StoredRecord[]> {
    return (
      await this.rows('SELECT device_id, seq, hash, prev, body, batch_id FROM audit_records WHERE device_id = $1 AND seq BETWEEN $2 AND $3 ORDER BY seq', [
        deviceId,
        fromSeq,
        toSeq,
      ])
    ).map(recordRow);
  }

  async queryRecords(filter: AuditFilter): Promise<{ deviceId: string; seq: number; body: string }[]> {
    const { sql, args } = auditWhere(filter, (i) => `$${i}`);
    return (
      await this.rows(`SELECT device_id, seq, body FROM audit_records ${sql} ORDER BY ts DESC, device_id, seq DESC LIMIT $${args.length + 1}`, [
        ...args,
        filter.limit,
      ])
    ).map(queriedRow);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /**
   * One transaction, tried again (up to 5 times, with a short random pause) when
   * PostgreSQL aborts it as a deadlock or a serialization failure: a device's report
   * and an admin's revoke touch the same escalation rows in different orders, and one
   * of two such transactions is aborted by design. The work runs again from the start.
   */
  private async tx<T>(work: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const c = await this.pool.connect();
      try {
        await c.query('BEGIN');
        const out = await work(c);
        await c.query('COMMIT');
        return out;
      } catch (err) {
        await c.query('ROLLBACK').catch(() => {});
        const code = (err as { code?: unknown }).code;
        if (attempt >= 5 || (code !== '40P01' && code !== '40001')) throw err;
      } finally {
        c.release();
      }
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * attempt));
    }
  }
}
