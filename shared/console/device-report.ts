import { z } from 'zod';
import { DiffEntrySchema, FindingSchema } from '../pinning/pending.ts';
import { EscalationDeviceSchema, EscalationSummarySchema, RiskSchema } from './contract.ts';

// What an enrolled desktop tells its org on `POST /v1/devices/report` (device
// token), and what it hears back. The report carries the pending changes its
// bundle leaves to the org (tool definitions as the server published them, the
// diff and the scanner's findings: never call arguments or credential values),
// and the facts the fleet page shows. The answer carries the org's decisions on
// changes this device holds: approvals reach it as a new bundle, rejections
// only through this answer.

/** At most this many changes per report: a server that churns out tools cannot flood the org. */
export const MAX_REPORTED_CHANGES = 200;
/** A definition over this size is reported without its body (the hash still identifies it). */
export const MAX_DEFINITION_BYTES = 64 * 1024;
export const REPORT_MAX_BYTES = 8 * 1024 * 1024;

const hash = z.string().regex(/^sha256:[0-9a-f]{64}$/);
const definition = z.record(z.string(), z.unknown());

export const ReportedChangeSchema = z.strictObject({
  server: z.string().min(1).max(64),
  tool: z.string().min(1).max(256),
  kind: z.enum(['new', 'changed']),
  oldHash: hash.nullable(),
  newHash: hash,
  oldDefinition: definition.nullable(),
  /** Null when it was over MAX_DEFINITION_BYTES. */
  newDefinition: definition.nullable(),
  diff: z.array(DiffEntrySchema).max(2000),
  findings: z.array(FindingSchema).max(500),
  risk: RiskSchema,
  createdAt: z.string(),
});
export type ReportedChange = z.infer<typeof ReportedChangeSchema>;

export const DeviceReportSchema = z.strictObject({
  /** Who policy treats the user as on this desktop. */
  user: z.string().min(1).max(256),
  bundleVersion: z.number().int().nonnegative(),
  /** Org key ids the bundle in force trusts. */
  keys: z.array(z.string().max(128)).max(16),
  /** Audit records not yet acknowledged by the endpoint. */
  auditBacklog: z.number().int().nonnegative(),
  /** Every change awaiting the org: a change left out is one the device no longer holds. */
  pending: z.array(ReportedChangeSchema).max(MAX_REPORTED_CHANGES),
});
export type DeviceReport = z.infer<typeof DeviceReportSchema>;

export const OrgDecisionSchema = z.object({
  server: z.string(),
  tool: z.string(),
  hash: z.string(),
  decision: z.enum(['approved', 'rejected']),
  by: z.string(),
  reason: z.string().nullable(),
  at: z.string(),
  /** approved: the bundle version that carries the new pin. */
  version: z.number().int().nullable(),
});
export type OrgDecision = z.infer<typeof OrgDecisionSchema>;

export const DeviceReportAnswerSchema = z.object({ decisions: z.array(OrgDecisionSchema) });

/** The org's decision on an escalation, as the console sends it to the sync endpoint. */
export const EscalationDecisionSchema = z.strictObject({
  decision: z.enum(['approved', 'rejected']),
  by: z.string().min(1).max(256),
  reason: z.string().max(2000).nullable(),
  publishedVersion: z.number().int().nullable(),
});
export type EscalationDecision = z.infer<typeof EscalationDecisionSchema>;

/** An enrollment token as the console registers it, so it can be listed and revoked (its id is the statement's nonce). */
export const EnrollTokenRegistrationSchema = z.strictObject({
  id: z.string().min(8).max(128),
  label: z.string().max(200).nullable(),
  issuedAt: z.iso.datetime({ offset: true }),
  expiresAt: z.iso.datetime({ offset: true }),
});

/** Devices per org key, for the keys page. */
export const KeyUsageSchema = z.object({ keys: z.array(z.object({ keyId: z.string(), devices: z.number().int() })), devicesUnknown: z.number().int() });

/** GET /v1/escalations/:id on the sync endpoint: the escalation, the change as the first device reported it, and who holds it. */
export const EscalationRecordSchema = z.object({
  summary: EscalationSummarySchema,
  change: ReportedChangeSchema,
  devices: z.array(EscalationDeviceSchema),
});
