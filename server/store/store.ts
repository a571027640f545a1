import type { OrgKey } from '../../shared/bundle/schema.ts';
import type { ConsoleStore } from './console-store.ts';

// The sync endpoint keeps everything in one database, so any number of
// instances can serve behind a load balancer. Two implementations: embedded
// SQLite (default) and PostgreSQL. Audit tables are append-only in both,
// enforced by triggers, not by convention.

export interface OrgRow {
  id: string;
  name: string;
  keys: OrgKey[];
  /** The org's IdP for `gatehouse login`: issuer URL and the desktop's public client id. */
  oidc: { issuer: string; clientId: string } | null;
}

export interface DeviceRow {
  id: string;
  name: string;
  publicKey: string;
  tokenHash: string;
  enrolledAt: string;
  label: string | null;
}

export interface BatchRow {
  batchId: string;
  deviceId: string;
  firstSeq: number;
  lastSeq: number;
  batchHash: string;
  prevBatchHash: string;
  lastRecordHash: string;
  header: string;
  signature: string;
  receivedAt: string;
}

export interface StoredRecord {
  deviceId: string;
  seq: number;
  hash: string;
  prev: string;
  body: string;
  batchId: string;
}

/** Columns copied out of each record body so queries need not parse JSON. */
export interface RecordIndex {
  ts: string;
  user: string;
  agent: string | null;
  server: string | null;
  tool: string | null;
  outcome: string;
  type: string;
  correlationId?: string | null;
}

export interface AuditProblem {
  deviceId: string;
  kind: 'gap' | 'fork' | 'rejected';
  detail: string;
  at: string;
}

export interface AuditFilter {
  device?: string;
  user?: string;
  tool?: string;
  server?: string;
  outcome?: string;
  since?: string;
  until?: string;
  limit: number;
}

export interface ServerStore {
  readonly kind: 'sqlite' | 'postgres';
  /** Devices' reports, escalations, enrollment tokens and audit search, for the admin console. */
  readonly console: ConsoleStore;
  migrate(): Promise<void>;
  org(): Promise<OrgRow | null>;
  /** Fails when the database already serves an org: one endpoint, one org. */
  initOrg(org: OrgRow): Promise<void>;
  latestBundle(): Promise<{ version: number; envelope: string } | null>;
  latestVersion(): Promise<number>;
  /** Stores a bundle and the org keys it names, atomically; false when that version already exists. */
  publish(version: number, envelope: string, keys: OrgKey[], at: string): Promise<boolean>;
  addDevice(device: DeviceRow): Promise<void>;
  deviceByTokenHash(hash: string): Promise<DeviceRow | null>;
  devices(): Promise<DeviceRow[]>;
  lastBatch(deviceId: string): Promise<BatchRow | null>;
  batchHash(batchId: string): Promise<string | null>;
  /** Stores one batch and its records in one transaction. */
  storeBatch(batch: BatchRow, records: (StoredRecord & RecordIndex)[]): Promise<void>;
  addProblem(problem: AuditProblem): Promise<void>;
  problems(deviceId: string): Promise<AuditProblem[]>;
  batches(deviceId: string): Promise<BatchRow[]>;
  records(deviceId: string, fromSeq: number, toSeq: number): Promise<StoredRecord[]>;
  queryRecords(filter: AuditFilter): Promise<{ deviceId: string; seq: number; body: string }[]>;
  close(): Promise<void>;
}
