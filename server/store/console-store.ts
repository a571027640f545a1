import { createHash } from 'node:crypto';
import type { AuditRow, DeviceSummary, EnrollToken, EscalationSummary } from '../../shared/console/contract.ts';
import type { DeviceReport, EscalationDecision, OrgDecision, ReportedChange } from '../../shared/console/device-report.ts';
import type { Row } from './rows.ts';

// What the admin console needs from the sync endpoint's database, written once
// for both SQLite and PostgreSQL: each store hands over an Executor (its way to
// run a statement and a transaction, and to spell a placeholder). The tables
// are new ones beside the original schema, so existing databases migrate with
// CREATE … IF NOT EXISTS alone: device_state (what each desktop last reported,
// and its revocation), escalations and who holds them, enrollment tokens, and
// the correlation-id index of audit records. Every index on audit_records costs
// ingest (bench/store-ingest.ts), so only the common filters get one (user,
// server, tool, and time through the page index, which replaces the plain ts
// one); agent, outcome and type filter a page index scan.

export interface Executor {
  all(sql: string, args?: readonly unknown[]): Promise<Row[]>;
  run(sql: string, args?: readonly unknown[]): Promise<void>;
  tx<T>(work: (ex: Executor) => Promise<T>): Promise<T>;
  /** The i-th placeholder (1-based): `?` or `$i`. */
  ph(i: number): string;
}

/** The schema both dialects share; `int` is INTEGER on SQLite and BIGINT on PostgreSQL. */
export function consoleSchema(int: string): string {
  return `
CREATE TABLE IF NOT EXISTS device_state (device_id TEXT PRIMARY KEY, last_contact_at TEXT, user_name TEXT, bundle_version ${int}, audit_backlog ${int},
  pending_count ${int} NOT NULL DEFAULT 0, keys TEXT NOT NULL DEFAULT '[]', token_id TEXT, revoked_at TEXT, revoked_reason TEXT);
CREATE INDEX IF NOT EXISTS device_state_token ON device_state (token_id);
CREATE TABLE IF NOT EXISTS escalations (id TEXT PRIMARY KEY, server TEXT NOT NULL, tool TEXT NOT NULL, new_hash TEXT NOT NULL, kind TEXT NOT NULL, old_hash TEXT,
  risk TEXT NOT NULL, risk_rank ${int} NOT NULL, findings ${int} NOT NULL, body TEXT NOT NULL, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL,
  device_count ${int} NOT NULL DEFAULT 0, state TEXT NOT NULL DEFAULT 'open', decided_by TEXT, decided_at TEXT, reason TEXT, published_version ${int});
CREATE INDEX IF NOT EXISTS escalations_queue ON escalations (state, risk_rank, last_seen);
CREATE TABLE IF NOT EXISTS escalation_devices (escalation_id TEXT NOT NULL, device_id TEXT NOT NULL, user_name TEXT, reported_at TEXT NOT NULL, PRIMARY KEY (escalation_id, device_id));
CREATE INDEX IF NOT EXISTS escalation_devices_device ON escalation_devices (device_id);
CREATE TABLE IF NOT EXISTS enrol_tokens (id TEXT PRIMARY KEY, label TEXT, issued_at TEXT NOT NULL, expires_at TEXT NOT NULL, revoked_at TEXT);
CREATE TABLE IF NOT EXISTS audit_correlation (correlation_id TEXT NOT NULL, device_id TEXT NOT NULL, seq ${int} NOT NULL, PRIMARY KEY (correlation_id, device_id, seq));
CREATE INDEX IF NOT EXISTS audit_records_page ON audit_records (ts, device_id, seq);
DROP INDEX IF EXISTS audit_records_ts;
CREATE INDEX IF NOT EXISTS audit_records_user ON audit_records (user_name, ts, device_id, seq);
CREATE INDEX IF NOT EXISTS audit_records_server ON audit_records (server, ts, device_id, seq);
CREATE INDEX IF NOT EXISTS audit_records_tool ON audit_records (tool, ts, device_id, seq);
CREATE INDEX IF NOT EXISTS audit_problems_device ON audit_problems (device_id);
`;
}

const RISK_RANK = new Map<string, number>([
  ['none', 0],
  ['low', 1],
  ['medium', 2],
  ['high', 3],
  ['critical', 4],
]);
/** A device silent this long is `stale` on the fleet page. */
export const STALE_MS = 24 * 3_600_000;
const MAX_USERS = 20;

/** Stable across devices and instances: the same definition of the same tool is one escalation. */
export function escalationId(server: string, tool: string, hash: string): string {
  return `esc-${createHash('sha256').update(`${server}\0${tool}\0${hash}`).digest('hex').slice(0, 20)}`;
}

/** Opaque page cursors: the key of the last row shown. */
export const encodeCursor = (parts: readonly (string | number)[]): string => Buffer.from(JSON.stringify(parts)).toString('base64url');
export function decodeCursor(cursor: string | undefined, arity: number): (string | number)[] | undefined {
  if (!cursor) return undefined;
  try {
    const parts: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parts) && parts.length === arity && parts.every((p) => typeof p === 'string' || typeof p === 'number'))
      return parts as (string | number)[];
  } catch {
    /* falls through */
  }
  throw new CursorError('the page cursor is not one this endpoint issued');
}
export class CursorError extends Error {}

const str = (v: Row[string] | undefined): string | null => (v === null || v === undefined ? null : String(v));
const num = (v: Row[string] | undefined): number | null => (v === null || v === undefined ? null : Number(v));

/** Builds a WHERE clause with numbered placeholders. */
class Where {
  readonly args: unknown[] = [];
  private readonly parts: string[] = [];
  private readonly ph: (i: number) => string;
  private readonly offset: number;
  constructor(ph: (i: number) => string, offset = 0) {
    this.ph = ph;
    this.offset = offset;
  }
  /** `clause` spells each value's placeholder with `$` in order. */
  add(clause: string, ...values: unknown[]): this {
    const pieces = clause.split('$');
    if (pieces.length !== values.length + 1) throw new Error(`"${clause}" has ${pieces.length - 1} placeholders for ${values.length} values`);
    let text = pieces[0]!;
    values.forEach((v, i) => {
      this.args.push(v);
      text += this.ph(this.offset + this.args.length) + pieces[i + 1]!;
    });
    this.parts.push(text);
    return this;
  }
  next(): string {
    return this.ph(this.offset + this.args.length + 1);
  }
  get sql(): string {
    return this.parts.length ? `WHERE ${this.parts.join(' AND ')}` : '';
  }
}

export interface EscalationQuery {
  state: 'open' | 'approved' | 'rejected' | 'all';
  server?: string;
  cursor?: string;
  limit: number;
}
export interface DeviceQuery {
  q?: string;
  state?: DeviceSummary['syncState'];
  cursor?: string;
  limit: number;
  latestVersion: number;
  now: number;
}
export interface AuditSearch {
  user?: string;
  agent?: string;
  server?: string;
  tool?: string;
  outcome?: string;
  type?: string;
  device?: string;
  correlationId?: string;
  since?: string;
  until?: string;
  cursor?: string;
  limit: number;
}
export interface EscalationRecord {
  summary: EscalationSummary;
  change: ReportedChange;
  devices: { deviceId: string; name: string; user: string | null; reportedAt: string }[];
}

export class ConsoleStore {
  private readonly ex: Executor;
  constructor(ex: Executor) {
    this.ex = ex;
  }

  // ── Devices ────────────────────────────────────────────────────────────────

  async enrolled(deviceId: string, tokenId: string | null): Promise<void> {
    await this.ex.run(`INSERT INTO device_state (device_id, token_id) VALUES (${this.ex.ph(1)}, ${this.ex.ph(2)}) ON CONFLICT (device_id) DO NOTHING`, [
      deviceId,
      tokenId,
    ]);
  }

  async revokedAt(deviceId: string): Promise<string | null> {
    const [r] = await this.ex.all(`SELECT revoked_at FROM device_state WHERE device_id = ${this.ex.ph(1)}`, [deviceId]);
    return str(r?.revoked_at);
  }

  async revokeDevice(deviceId: string, at: string, reason: string | null): Promise<boolean> {
    return this.ex.tx(async (ex) => {
      if (!(await ex.all(`SELECT 1 AS x FROM devices WHERE id = ${ex.ph(1)}`, [deviceId])).length) return false;
      await ex.run(
        `INSERT INTO device_state (device_id, revoked_at, revoked_reason) VALUES (${ex.ph(1)}, ${ex.ph(2)}, ${ex.ph(3)})
        ON CONFLICT (device_id) DO UPDATE SET revoked_at = COALESCE(device_state.revoked_at, excluded.revoked_at), revoked_reason = COALESCE(device_state.revoked_reason, excluded.revoked_reason)`,
        [deviceId, at, reason],
      );
      // A revoked device holds nothing for the org any more.
      await this.release(ex, deviceId, new Set());
      return true;
    });
  }

  /**
   * Stores a desktop's report: its facts for the fleet page, and the changes it
   * holds, merged into the escalations they belong to. Answers the org's
   * decisions on the changes it holds.
   */
  async report(deviceId: string, report: DeviceReport, at: string): Promise<OrgDecision[]> {
    return this.ex.tx(async (ex) => {
      const p = (i: number) => ex.ph(i);
      await ex.run(
        `INSERT INTO device_state (device_id, last_contact_at, user_name, bundle_version, audit_backlog, pending_count, keys) VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}, ${p(7)})
        ON CONFLICT (device_id) DO UPDATE SET last_contact_at = excluded.last_contact_at, user_name = excluded.user_name, bundle_version = excluded.bundle_version,
        audit_backlog = excluded.audit_backlog, pending_count = excluded.pending_count, keys = excluded.keys`,
        [deviceId, at, report.user, report.bundleVersion, report.auditBacklog, report.pending.length, JSON.stringify(report.keys)],
      );
      const held = new Set<string>();
      for (const c of report.pending) {
        const id = escalationId(c.server, c.tool, c.newHash);
        held.add(id);
        await ex.run(
          `INSERT INTO escalations (id, server, tool, new_hash, kind, old_hash, risk, risk_rank, findings, body, first_seen, last_seen)
          VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}, ${p(7)}, ${p(8)}, ${p(9)}, ${p(10)}, ${p(11)}, ${p(11)})
          ON CONFLICT (id) DO UPDATE SET last_seen = excluded.last_seen`,
          [id, c.server, c.tool, c.newHash, c.kind, c.oldHash, c.risk, RISK_RANK.get(c.risk) ?? 0, c.findings.length, JSON.stringify(c), at],
        );
        await ex.run(
          `INSERT INTO escalation_devices (escalation_id, device_id, user_name, reported_at) VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)})
          ON CONFLICT (escalation_id, device_id) DO UPDATE SET user_name = excluded.user_name, reported_at = excluded.reported_at`,
          [id, deviceId, report.user, at],
        );
      }
      await this.release(ex, deviceId, held);
      await this.recount(ex, [...held]);
      if (!held.size) return [];
      const ids = [...held];
      const rows = await ex.all(`SELECT * FROM escalations WHERE state <> 'open' AND id IN (${ids.map((_, i) => p(i + 1)).join(', ')})`, ids);
      return rows.map((r) => ({
        server: String(r.server),
        tool: String(r.tool),
        hash: String(r.new_hash),
        decision: r.state === 'approved' ? ('approved' as const) : ('rejected' as const),
        by: String(r.decided_by),
        reason: str(r.reason),
        at: String(r.decided_at),
        version: num(r.published_version),
      }));
    });
  }

  /** Forgets what a device no longer holds, and recounts those escalations. */
  private async release(ex: Executor, deviceId: string, keep: ReadonlySet<string>): Promise<void> {
    const before = (await ex.all(`SELECT escalation_id FROM escalation_devices WHERE device_id = ${ex.ph(1)}`, [deviceId])).map((r) => String(r.escalation_id));
    const gone = before.filter((id) => !keep.has(id));
    for (const id of gone) await ex.run(`DELETE FROM escalation_devices WHERE escalation_id = ${ex.ph(1)} AND device_id = ${ex.ph(2)}`, [id, deviceId]);
    await this.recount(ex, gone);
    // An open change no device holds any more is nobody's to decide: dropping it keeps one
    // device token from growing the table without end. Decided ones stay as the record.
    for (const id of gone) await ex.run(`DELETE FROM escalations WHERE id = ${ex.ph(1)} AND state = 'open' AND device_count = 0`, [id]);
  }

  private async recount(ex: Executor, ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      await ex.run(`UPDATE escalations SET device_count = (SELECT COUNT(*) FROM escalation_devices WHERE escalation_id = ${ex.ph(1)}) WHERE id = ${ex.ph(1)}`, [
        id,
      ]);
    }
  }

  private deviceSelect(latest: string, stale: string): string {
    return `SELECT d.id, d.name, d.label, d.enrolled_at, s.last_contact_at, s.user_name, s.bundle_version, s.audit_backlog, COALESCE(s.pending_count, 0) AS pending_count,
      COALESCE(s.keys, '[]') AS keys, s.revoked_at, COALESCE(s.last_contact_at, '') AS contact_key,
      CASE WHEN s.revoked_at IS NOT NULL THEN 'revoked' WHEN s.last_contact_at IS NULL THEN 'never-synced' WHEN s.last_contact_at < ${stale} THEN 'stale'
        WHEN s.bundle_version >= ${latest} THEN 'current' ELSE 'behind' END AS sync_state
      FROM devices d LEFT JOIN device_state s ON s.device_id = d.id`;
  }

  private async summaries(ex: Executor, rows: Row[]): Promise<DeviceSummary[]> {
    if (!rows.length) return [];
    const ids = rows.map((r) => String(r.id));
    const list = ids.map((_, i) => ex.ph(i + 1)).join(', ');
    const seqs = new Map(
      (await ex.all(`SELECT device_id, MAX(last_seq) AS s FROM audit_batches WHERE device_id IN (${list}) GROUP BY device_id`, ids)).map((r) => [
        String(r.device_id),
        Number(r.s),
      ]),
    );
    const problems = new Map(
      (
        await ex.all(`SELECT device_id, COUNT(*) AS n FROM audit_problems WHERE device_id IN (${list}) AND kind IN ('gap', 'fork') GROUP BY device_id`, ids)
      ).map((r) => [String(r.device_id), Number(r.n)]),
    );
    return rows.map((r) => ({
      id: String(r.id),
      name: String(r.name),
      label: str(r.label),
      user: str(r.user_name),
      enrolledAt: String(r.enrolled_at),
      lastContactAt: str(r.last_contact_at),
      bundleVersion: num(r.bundle_version),
      syncState: String(r.sync_state) as DeviceSummary['syncState'],
      auditBacklog: num(r.audit_backlog),
      auditLastSeq: seqs.get(String(r.id)) ?? null,
      auditProblems: problems.get(String(r.id)) ?? 0,
      pendingChanges: Number(r.pending_count),
      pinnedKeys: JSON.parse(String(r.keys)) as string[],
      revokedAt: str(r.revoked_at),
    }));
  }

  /** A page of devices, most recent contact first. */
  async devicePage(q: DeviceQuery): Promise<{ devices: DeviceSummary[]; nextCursor: string | null; total: number }> {
    const ex = this.ex;
    const w = new Where(ex.ph, 2);
    if (q.q)
      w.add(
        `(LOWER(name) LIKE $ OR LOWER(COALESCE(label, '')) LIKE $ OR LOWER(COALESCE(user_name, '')) LIKE $ OR id = $)`,
        ...[1, 2, 3].map(() => `%${q.q!.toLowerCase().replace(/[%_\\]/g, '')}%`),
        q.q,
      );
    if (q.state) w.add('sync_state = $', q.state);
    const base = `SELECT * FROM (${this.deviceSelect(ex.ph(1), ex.ph(2))}) x`;
    const head = [q.latestVersion, new Date(q.now - STALE_MS).toISOString()];
    const [count] = await ex.all(`SELECT COUNT(*) AS n FROM (${base} ${w.sql}) c`, [...head, ...w.args]);
    const after = decodeCursor(q.cursor, 2);
    if (after) w.add('(contact_key < $ OR (contact_key = $ AND id < $))', after[0], after[0], after[1]);
    const rows = await ex.all(`${base} ${w.sql} ORDER BY contact_key DESC, id DESC LIMIT ${w.next()}`, [...head, ...w.args, q.limit + 1]);
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return {
      devices: await this.summaries(ex, page),
      nextCursor: rows.length > q.limit && last ? encodeCursor([String(last.contact_key), String(last.id)]) : null,
      total: Number(count?.n ?? 0),
    };
  }

  async device(id: string, latestVersion: number, now: number): Promise<DeviceSummary | null> {
    const ex = this.ex;
    const rows = await ex.all(`SELECT * FROM (${this.deviceSelect(ex.ph(1), ex.ph(2))}) x WHERE id = ${ex.ph(3)}`, [
      latestVersion,
      new Date(now - STALE_MS).toISOString(),
      id,
    ]);
    return (await this.summaries(ex, rows))[0] ?? null;
  }

  /** Devices per key id the device's bundle trusts. */
  async keyUsage(): Promise<{ keys: Map<string, number>; unknown: number }> {
    const keys = new Map<string, number>();
    let unknown = 0;
    const rows = await this.ex.all(
      `SELECT COALESCE(s.keys, '[]') AS keys FROM devices d LEFT JOIN device_state s ON s.device_id = d.id WHERE s.revoked_at IS NULL`,
    );
    for (const r of rows) {
      const ids = JSON.parse(String(r.keys)) as string[];
      if (!ids.length) unknown++;
      for (const k of ids) keys.set(k, (keys.get(k) ?? 0) + 1);
    }
    return { keys, unknown };
  }

  async devicesWithKey(
    keyId: string,
    cursor: string | undefined,
    limit: number,
  ): Promise<{ devices: { id: string; name: string; user: string | null; bundleVersion: number | null }[]; nextCursor: string | null }> {
    const ex = this.ex;
    const w = new Where(ex.ph).add('s.revoked_at IS NULL').add('s.keys LIKE $', `%${JSON.stringify(keyId)}%`);
    const after = decodeCursor(cursor, 1);
    if (after) w.add('d.id > $', after[0]);
    const rows = await ex.all(
      `SELECT d.id, d.name, s.user_name, s.bundle_version FROM devices d JOIN device_state s ON s.device_id = d.id ${w.sql} ORDER BY d.id LIMIT ${w.next()}`,
      [...w.args, limit + 1],
    );
    const page = rows.slice(0, limit);
    return {
      devices: page.map((r) => ({ id: String(r.id), name: String(r.name), user: str(r.user_name), bundleVersion: num(r.bundle_version) })),
      nextCursor: rows.length > limit ? encodeCursor([String(page[page.length - 1]!.id)]) : null,
    };
  }

  // ── Escalations ────────────────────────────────────────────────────────────

  private async escalationSummaries(ex: Executor, rows: Row[]): Promise<EscalationSummary[]> {
    if (!rows.length) return [];
    const ids = rows.map((r) => String(r.id));
    const users = new Map<string, string[]>();
    const held = await ex.all(
      `SELECT DISTINCT escalation_id, user_name FROM escalation_devices WHERE escalation_id IN (${ids.map((_, i) => ex.ph(i + 1)).join(', ')}) AND user_name IS NOT NULL`,
      ids,
    );
    for (const r of held) {
      const list = users.get(String(r.escalation_id)) ?? [];
      if (list.length < MAX_USERS) list.push(String(r.user_name));
      users.set(String(r.escalation_id), list);
    }
    return rows.map((r) => ({
      id: String(r.id),
      server: String(r.server),
      tool: String(r.tool),
      kind: r.kind === 'new' ? ('new' as const) : ('changed' as const),
      oldHash: str(r.old_hash),
      newHash: String(r.new_hash),
      risk: String(r.risk) as EscalationSummary['risk'],
      findings: Number(r.findings),
      devices: Number(r.device_count),
      users: (users.get(String(r.id)) ?? []).sort(),
      firstSeenAt: String(r.first_seen),
      lastSeenAt: String(r.last_seen),
      state: String(r.state) as EscalationSummary['state'],
      decidedBy: str(r.decided_by),
      decidedAt: str(r.decided_at),
      reason: str(r.reason),
      publishedVersion: num(r.published_version),
      unknownServer: false,
    }));
  }

  /** The queue: open ones that some device still holds, riskiest first, then the most recently seen. */
  async escalationPage(q: EscalationQuery): Promise<{ escalations: EscalationSummary[]; nextCursor: string | null; total: number }> {
    const ex = this.ex;
    const w = new Where(ex.ph);
    if (q.state !== 'all') w.add('state = $', q.state);
    if (q.state === 'open') w.add('device_count > 0');
    if (q.server) w.add('server = $', q.server);
    const [count] = await ex.all(`SELECT COUNT(*) AS n FROM escalations ${w.sql}`, w.args);
    const after = decodeCursor(q.cursor, 3);
    if (after) w.add('(risk_rank < $ OR (risk_rank = $ AND (last_seen < $ OR (last_seen = $ AND id < $))))', after[0], after[0], after[1], after[1], after[2]);
    const rows = await ex.all(`SELECT * FROM escalations ${w.sql} ORDER BY risk_rank DESC, last_seen DESC, id DESC LIMIT ${w.next()}`, [
      ...w.args,
      q.limit + 1,
    ]);
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return {
      escalations: await this.escalationSummaries(ex, page),
      nextCursor: rows.length > q.limit && last ? encodeCursor([Number(last.risk_rank), String(last.last_seen), String(last.id)]) : null,
      total: Number(count?.n ?? 0),
    };
  }

  async escalation(id: string): Promise<EscalationRecord | null> {
    const ex = this.ex;
    const [r] = await ex.all(`SELECT * FROM escalations WHERE id = ${ex.ph(1)}`, [id]);
    if (!r) return null;
    const [summary] = await this.escalationSummaries(ex, [r]);
    const devices = await ex.all(
      `SELECT e.device_id, d.name, e.user_name, e.reported_at FROM escalation_devices e JOIN devices d ON d.id = e.device_id
      WHERE e.escalation_id = ${ex.ph(1)} ORDER BY e.reported_at DESC LIMIT 200`,
      [id],
    );
    return {
      summary: summary!,
      change: JSON.parse(String(r.body)) as ReportedChange,
      devices: devices.map((d) => ({ deviceId: String(d.device_id), name: String(d.name), user: str(d.user_name), reportedAt: String(d.reported_at) })),
    };
  }

  async deviceEscalations(deviceId: string): Promise<EscalationSummary[]> {
    const ex = this.ex;
    const rows = await ex.all(
      `SELECT e.* FROM escalations e JOIN escalation_devices d ON d.escalation_id = e.id WHERE d.device_id = ${ex.ph(1)} ORDER BY e.risk_rank DESC, e.last_seen DESC LIMIT 200`,
      [deviceId],
    );
    return this.escalationSummaries(ex, rows);
  }

  /** Records the org's decision; false when the escalation is unknown. A later decision replaces an earlier one. */
  async decideEscalation(id: string, d: EscalationDecision, at: string): Promise<boolean> {
    const ex = this.ex;
    return ex.tx(async (t) => {
      if (!(await t.all(`SELECT 1 AS x FROM escalations WHERE id = ${t.ph(1)}`, [id])).length) return false;
      await t.run(
        `UPDATE escalations SET state = ${t.ph(1)}, decided_by = ${t.ph(2)}, decided_at = ${t.ph(3)}, reason = ${t.ph(4)}, published_version = ${t.ph(5)} WHERE id = ${t.ph(6)}`,
        [d.decision, d.by, at, d.reason, d.publishedVersion, id],
      );
      return true;
    });
  }

  // ── Enrollment tokens ───────────────────────────────────────────────────────

  async addEnrollToken(t: { id: string; label: string | null; issuedAt: string; expiresAt: string }): Promise<void> {
    const p = (i: number) => this.ex.ph(i);
    await this.ex.run(`INSERT INTO enrol_tokens (id, label, issued_at, expires_at) VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}) ON CONFLICT (id) DO NOTHING`, [
      t.id,
      t.label,
      t.issuedAt,
      t.expiresAt,
    ]);
  }

  async enrolTokens(): Promise<EnrollToken[]> {
    const rows = await this.ex.all(
      `SELECT t.*, (SELECT COUNT(*) FROM device_state s WHERE s.token_id = t.id) AS uses FROM enrol_tokens t ORDER BY t.issued_at DESC LIMIT 500`,
    );
    return rows.map(tokenRow);
  }

  async enrolToken(id: string): Promise<EnrollToken | null> {
    const rows = await this.ex.all(
      `SELECT t.*, (SELECT COUNT(*) FROM device_state s WHERE s.token_id = t.id) AS uses FROM enrol_tokens t WHERE t.id = ${this.ex.ph(1)}`,
      [id],
    );
    return rows[0] ? tokenRow(rows[0]) : null;
  }

  async revokeEnrollToken(id: string, at: string): Promise<boolean> {
    if (!(await this.enrolToken(id))) return false;
    await this.ex.run(`UPDATE enrol_tokens SET revoked_at = COALESCE(revoked_at, ${this.ex.ph(1)}) WHERE id = ${this.ex.ph(2)}`, [at, id]);
    return true;
  }

  // ── Audit search ───────────────────────────────────────────────────────────

  /** Newest first, keyed on (ts, device, seq) so a page never repeats or skips a record. */
  async auditPage(q: AuditSearch, full = false): Promise<{ records: (AuditRow & { record?: Record<string, unknown> })[]; nextCursor: string | null }> {
    const ex = this.ex;
    const w = new Where(ex.ph);
    if (q.device) w.add('r.device_id = $', q.device);
    if (q.user) w.add('r.user_name = $', q.user);
    if (q.agent) w.add('r.agent = $', q.agent);
    if (q.server) w.add('r.server = $', q.server);
    if (q.tool) w.add('r.tool = $', q.tool);
    if (q.outcome) w.add('r.outcome = $', q.outcome);
    if (q.type) w.add('r.type = $', q.type);
    if (q.since) w.add('r.ts >= $', q.since);
    if (q.until) w.add('r.ts < $', q.until);
    if (q.correlationId)
      w.add('EXISTS (SELECT 1 FROM audit_correlation c WHERE c.correlation_id = $ AND c.device_id = r.device_id AND c.seq = r.seq)', q.correlationId);
    const after = decodeCursor(q.cursor, 3);
    if (after) w.add('(r.ts < $ OR (r.ts = $ AND (r.device_id < $ OR (r.device_id = $ AND r.seq < $))))', after[0], after[0], after[1], after[1], after[2]);
    const rows = await ex.all(
      `SELECT r.device_id, r.seq, r.body, r.ts, r.type, r.user_name, r.agent, r.server, r.tool, r.outcome FROM audit_records r ${w.sql}
      ORDER BY r.ts DESC, r.device_id DESC, r.seq DESC LIMIT ${w.next()}`,
      [...w.args, q.limit + 1],
    );
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    const records = await this.auditRows(page);
    return {
      records: full ? records.map((r, i) => ({ ...r, record: parseRecord(String(page[i]!.body)) })) : records,
      nextCursor: rows.length > q.limit && last ? encodeCursor([String(last.ts), String(last.device_id), Number(last.seq)]) : null,
    };
  }

  private async auditRows(rows: Row[]): Promise<AuditRow[]> {
    if (!rows.length) return [];
    const ids = [...new Set(rows.map((r) => String(r.device_id)))];
    const names = new Map(
      (await this.ex.all(`SELECT id, name FROM devices WHERE id IN (${ids.map((_, i) => this.ex.ph(i + 1)).join(', ')})`, ids)).map((r) => [
        String(r.id),
        String(r.name),
      ]),
    );
    return rows.map((r) => auditRow(r, names.get(String(r.device_id)) ?? null));
  }

  async auditRecord(
    deviceId: string,
    seq: number,
  ): Promise<{ row: AuditRow; body: string; hash: string; prev: string; batchId: string; chain: AuditRow[] } | null> {
    const ex = this.ex;
    const [r] = await ex.all(`SELECT r.* FROM audit_records r WHERE r.device_id = ${ex.ph(1)} AND r.seq = ${ex.ph(2)}`, [deviceId, seq]);
    if (!r) return null;
    const [row] = await this.auditRows([r]);
    const chainRows = await ex.all(
      `SELECT r.device_id, r.seq, r.body, r.ts, r.type, r.user_name, r.agent, r.server, r.tool, r.outcome FROM audit_correlation c
      JOIN audit_records r ON r.device_id = c.device_id AND r.seq = c.seq WHERE c.correlation_id = ${ex.ph(1)} ORDER BY r.ts, r.device_id, r.seq LIMIT 500`,
      [row!.correlationId],
    );
    return { row: row!, body: String(r.body), hash: String(r.hash), prev: String(r.prev), batchId: String(r.batch_id), chain: await this.auditRows(chainRows) };
  }
}

function tokenRow(r: Row): EnrollToken {
  return {
    id: String(r.id),
    label: str(r.label),
    issuedAt: String(r.issued_at),
    expiresAt: String(r.expires_at),
    revokedAt: str(r.revoked_at),
    uses: Number(r.uses),
  };
}

function parseRecord(text: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    /* kept as text below */
  }
  return { unparsed: text };
}

/** Fields the index columns do not hold are read from the record itself. */
function auditRow(r: Row, deviceName: string | null): AuditRow {
  const body = parseRecord(String(r.body));
  const decision = body.decision as { rule?: unknown } | null | undefined;
  return {
    deviceId: String(r.device_id),
    deviceName,
    seq: Number(r.seq),
    id: typeof body.id === 'string' ? body.id : `${String(r.device_id)}#${String(r.seq)}`,
    ts: String(r.ts),
    type: String(r.type),
    user: String(r.user_name),
    agent: str(r.agent),
    server: str(r.server),
    tool: str(r.tool),
    outcome: String(r.outcome),
    correlationId: typeof body.correlationId === 'string' ? body.correlationId : '',
    rule: typeof decision?.rule === 'string' ? decision.rule : null,
    latencyMs: typeof body.latencyMs === 'number' ? body.latencyMs : null,
  };
}
