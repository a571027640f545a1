import type { OrgKey } from '../../shared/bundle/schema.ts';
import type { AuditFilter, AuditProblem, BatchRow, DeviceRow, OrgRow, StoredRecord } from './store.ts';

// Row mapping and query building shared by the SQLite and PostgreSQL stores.

export type Row = Record<string, string | number | null>;

export const orgRow = (r: Row): OrgRow => ({
  id: String(r.id),
  name: String(r.name),
  keys: JSON.parse(String(r.keys)) as OrgKey[],
  oidc: r.oidc ? (JSON.parse(String(r.oidc)) as OrgRow['oidc']) : null,
});
export const problemRow = (r: Row): AuditProblem => ({
  deviceId: String(r.device_id),
  kind: r.kind as AuditProblem['kind'],
  detail: String(r.detail),
  at: String(r.at),
});
export const recordRow = (r: Row): StoredRecord => ({
  deviceId: String(r.device_id),
  seq: Number(r.seq),
  hash: String(r.hash),
  prev: String(r.prev),
  body: String(r.body),
  batchId: String(r.batch_id),
});
export const queriedRow = (r: Row): { deviceId: string; seq: number; body: string } => ({
  deviceId: String(r.device_id),
  seq: Number(r.seq),
  body: String(r.body),
});
export const device = (r: Row): DeviceRow => ({
  id: String(r.id),
  name: String(r.name),
  publicKey: String(r.public_key),
  tokenHash: String(r.token_hash),
  enrolledAt: String(r.enrolled_at),
  label: r.label === null ? null : String(r.label),
});
export const batchRow = (r: Row): BatchRow => ({
  batchId: String(r.batch_id),
  deviceId: String(r.device_id),
  firstSeq: Number(r.first_seq),
  lastSeq: Number(r.last_seq),
  batchHash: String(r.batch_hash),
  prevBatchHash: String(r.prev_batch_hash),
  lastRecordHash: String(r.last_record_hash),
  header: String(r.header),
  signature: String(r.signature),
  receivedAt: String(r.received_at),
});

/** Builds the WHERE clause of an audit query; `p(i)` spells the i-th placeholder. */
export function auditWhere(filter: AuditFilter, p: (i: number) => string): { sql: string; args: (string | number)[] } {
  const where: string[] = [];
  const args: (string | number)[] = [];
  const add = (clause: (ph: string) => string, value: string | number) => {
    args.push(value);
    where.push(clause(p(args.length)));
  };
  if (filter.device) add((ph) => `device_id = ${ph}`, filter.device);
  if (filter.user) add((ph) => `user_name = ${ph}`, filter.user);
  if (filter.tool) add((ph) => `tool = ${ph}`, filter.tool);
  if (filter.server) add((ph) => `server = ${ph}`, filter.server);
  if (filter.outcome) add((ph) => `outcome = ${ph}`, filter.outcome);
  if (filter.since) add((ph) => `ts >= ${ph}`, filter.since);
  if (filter.until) add((ph) => `ts < ${ph}`, filter.until);
  return { sql: where.length ? `WHERE ${where.join(' AND ')}` : '', args };
}
