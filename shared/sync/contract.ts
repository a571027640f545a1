import { z } from 'zod';
import { OrgKeySchema } from '../bundle/schema.ts';

// The sync endpoint's HTTP contract (server/ serves it, the desktop and the
// admin CLI call it). Every body that crosses is parsed with these schemas.

export const SYNC_API = '/v1';

/** GET /v1/org: public, what a desktop pins at enrollment. */
export const OrgInfoSchema = z.strictObject({
  org: z.string().min(1),
  name: z.string(),
  keys: z.array(OrgKeySchema).min(1),
  oidc: z.strictObject({ issuer: z.url(), clientId: z.string().min(1) }).nullable(),
});
export type OrgInfo = z.infer<typeof OrgInfoSchema>;

/**
 * A statement an admin signs with an org key (DSSE, ADMIN_PAYLOAD_TYPE): an
 * enrollment token a device presents, or the authorisation of one admin request.
 */
export const AdminStatementSchema = z.strictObject({
  // Signed into tokens already issued, so the stored spelling stays (the code says "enroll").
  purpose: z.enum(['enrol', 'admin']),
  org: z.string().min(1),
  expiresAt: z.iso.datetime({ offset: true }),
  nonce: z.string().min(8),
  /** enroll: who the token was made for, shown in the device list. */
  label: z.string().optional(),
  /** admin: the request it authorises ("GET /v1/audit/records"). */
  request: z.string().optional(),
});
export type AdminStatement = z.infer<typeof AdminStatementSchema>;

export const EnrollRequestSchema = z.strictObject({
  /** Base64 of the DSSE envelope of an `enroll` statement. */
  token: z.string().min(1),
  name: z.string().min(1).max(200),
  /** The device's Ed25519 public key (SPKI PEM): it signs the device's audit batches. */
  publicKey: z.string().includes('BEGIN PUBLIC KEY'),
});

export const EnrollResponseSchema = z.strictObject({
  deviceId: z.string().min(1),
  /** Bearer token for bundle fetches and audit uploads; shown once, kept in the keychain. */
  deviceToken: z.string().min(32),
});

export const PublishResponseSchema = z.strictObject({ version: z.number().int(), status: z.enum(['published']) });

export const ErrorBodySchema = z.object({ error: z.string(), code: z.string().optional() });

export const AuditQueryResponseSchema = z.strictObject({
  records: z.array(z.strictObject({ deviceId: z.string(), seq: z.number().int(), record: z.record(z.string(), z.unknown()) })),
});

export const VerifyReportSchema = z.strictObject({
  deviceId: z.string(),
  ok: z.boolean(),
  batches: z.number().int(),
  records: z.number().int(),
  lastSeq: z.number().int(),
  problems: z.array(z.strictObject({ kind: z.string(), detail: z.string(), at: z.string() })),
});
export type VerifyReport = z.infer<typeof VerifyReportSchema>;
