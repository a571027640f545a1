import type { AuditFilter, BatchRow, DeviceRow } from './store.ts';

// Row mapping and query building shared by the SQLite and PostgreSQL stores.

export type Row = Record<string, string | number | null>;

export const device = (r: Row): DeviceRow => ({ id: String(r.id), name: String(r.name), publicKey: String(r.public_key), tokenHash: String(r.token_hash), enrolledAt: String(r.enrolled_at), label: r.label === null ? null : String(r.label) });
export const batchRow = (r: Row): BatchRow => ({
  batchId: String(r.batch_id), deviceId: String(r.device_id), firstSeq: Number(r.first_seq), lastSeq: Number(r.last_seq), batchHash: String(r.batch_hash),
  prevBatchHash: String(r.prev_batch_hash), lastRecordHash: String(r.last_record_hash), header: String(r.header), signature: String(r.signature), receivedAt: String(r.received_at),
});

/** Builds the WHERE clause of an audit query; `p(i)` spells the i-th placeholder. */
export function auditWhere(filter: AuditFilter, p: (i: number) => string): { sql: string; args: (string | number)[] } {
  const where: string[] = [];
  const args: (string | number)[] = [];
  const add = (clause: (ph: string) => string, value: string | number) => { args.push(value); where.push(clause(p(args.length))); };
  if (filter.device) add((ph) => `device_id = ${ph}`, filter.device);
  if (filter.user) add((ph) => `user_name = ${ph}`, filter.user);
  if (filter.tool) add((ph) => `tool = ${ph}`, filter.tool);
  if (filter.server) add((ph) => `server = ${ph}`, filter.server);
  if (filter.outcome) add((ph) => `outcome = ${ph}`, filter.outcome);
  if (filter.since) add((ph) => `ts >= ${ph}`, filter.since);
  if (filter.until) add((ph) => `ts < ${ph}`, filter.until);
  return { sql: where.length ? `WHERE ${where.join(' AND ')}` : '', args };
}

