import { ADMIN_PAYLOAD_TYPE, openEnvelope } from '../../shared/bundle/envelope.ts';
import type { OrgKey } from '../../shared/bundle/schema.ts';
import { AdminStatementSchema, type AdminStatement } from '../../shared/sync/contract.ts';
import { fromBase64 } from '../../shared/signing/ed25519.ts';

// Admins act on the endpoint with statements signed by an org key, so the
// endpoint holds no admin passwords and no private keys: the org key that signs
// bundles is the admin's credential. Statements are short-lived.

/** Longest life an admin request statement may claim; enrollment tokens may live longer. */
export const MAX_REQUEST_LIFETIME_MS = 10 * 60_000;

export type StatementCheck = { ok: true; statement: AdminStatement } | { ok: false; reason: string };

export async function checkStatement(
  token: string,
  keys: readonly OrgKey[],
  org: string,
  purpose: AdminStatement['purpose'],
  now: number,
  request?: string,
): Promise<StatementCheck> {
  let envelope: unknown;
  try {
    envelope = JSON.parse(new TextDecoder().decode(fromBase64(token)));
  } catch {
    return { ok: false, reason: 'the token is not a base64 DSSE envelope' };
  }
  const opened = await openEnvelope(envelope, ADMIN_PAYLOAD_TYPE, new Map(keys.map((k) => [k.keyId, k.publicKey])));
  if (!opened.ok) return { ok: false, reason: opened.reason };
  let parsed;
  try {
    parsed = AdminStatementSchema.safeParse(JSON.parse(opened.payload));
  } catch {
    return { ok: false, reason: 'the statement is not JSON' };
  }
  if (!parsed.success) return { ok: false, reason: `the statement is malformed: ${parsed.error.issues[0]?.message ?? ''}` };
  const s = parsed.data;
  if (s.org !== org) return { ok: false, reason: `the statement is for org "${s.org}"` };
  if (s.purpose !== purpose) return { ok: false, reason: `the statement is for ${s.purpose}, not ${purpose}` };
  const expires = Date.parse(s.expiresAt);
  if (expires <= now) return { ok: false, reason: `the ${purpose === 'enrol' ? 'enrollment token' : 'request'} expired at ${s.expiresAt}` };
  if (purpose === 'admin') {
    if (expires - now > MAX_REQUEST_LIFETIME_MS) return { ok: false, reason: 'an admin request statement may live 10 minutes at most' };
    if (s.request !== request) return { ok: false, reason: `the statement authorises "${s.request ?? '(nothing)'}", not "${request}"` };
  }
  return { ok: true, statement: s };
}
