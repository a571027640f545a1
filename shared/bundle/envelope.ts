import { z } from 'zod';
import { sha256Hex } from '../hashing/sha256.ts';
import { fromBase64, signEd25519, toBase64, verifyEd25519 } from '../signing/ed25519.ts';

// Signed statements travel in DSSE envelopes (github.com/secure-systems-lab/dsse):
// the signature covers the payload type and the exact payload bytes through
// PAE, so there is no header to confuse, no algorithm field to downgrade, and
// no canonicalisation to get wrong. Several org keys may sign one envelope.

export const BUNDLE_PAYLOAD_TYPE = 'application/vnd.gatehouse.bundle+json';
/** Short-lived statements an admin signs to act on the sync endpoint (publish, enroll, query). */
export const ADMIN_PAYLOAD_TYPE = 'application/vnd.gatehouse.admin+json';

export const EnvelopeSchema = z.strictObject({
  payloadType: z.string().min(1),
  payload: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'payload must be base64'),
  signatures: z.array(z.strictObject({ keyid: z.string().min(1), sig: z.string().min(1) })).min(1),
});
export type Envelope = z.infer<typeof EnvelopeSchema>;

const utf8 = new TextEncoder();

/** DSSE's pre-authentication encoding: "DSSEv1 <len(type)> <type> <len(body)> <body>". */
export function pae(payloadType: string, payload: Uint8Array): Uint8Array<ArrayBuffer> {
  const type = utf8.encode(payloadType);
  const head = utf8.encode(`DSSEv1 ${type.length} ${payloadType} ${payload.length} `);
  const out = new Uint8Array(head.length + payload.length);
  out.set(head, 0);
  out.set(payload, head.length);
  return out;
}

export interface SigningKey {
  keyId: string;
  privateKeyPem: string;
}

export async function signEnvelope(payloadType: string, payload: string, keys: readonly SigningKey[]): Promise<Envelope> {
  const bytes = utf8.encode(payload);
  const message = pae(payloadType, bytes);
  const signatures = await Promise.all(keys.map(async (k) => ({ keyid: k.keyId, sig: toBase64(await signEd25519(k.privateKeyPem, message)) })));
  return { payloadType, payload: toBase64(bytes), signatures };
}

export type EnvelopeVerdict = { ok: true; payload: string; keyIds: string[] } | { ok: false; code: 'envelope' | 'unknown-key' | 'signature'; reason: string };

/**
 * Checks an envelope against trusted keys. Every signature by a trusted key must
 * hold (a bad one means tampering, not noise), and at least one must be there.
 */
export async function openEnvelope(input: unknown, payloadType: string, trusted: ReadonlyMap<string, string>): Promise<EnvelopeVerdict> {
  const parsed = EnvelopeSchema.safeParse(input);
  if (!parsed.success) return { ok: false, code: 'envelope', reason: `not a DSSE envelope: ${parsed.error.issues[0]?.message ?? 'invalid'}` };
  const env = parsed.data;
  if (env.payloadType !== payloadType) return { ok: false, code: 'envelope', reason: `payload type is "${env.payloadType}", expected "${payloadType}"` };
  const known = env.signatures.filter((s) => trusted.has(s.keyid));
  if (known.length === 0)
    return {
      ok: false,
      code: 'unknown-key',
      reason: `signed by ${env.signatures.map((s) => `"${s.keyid}"`).join(', ')}, which ${env.signatures.length === 1 ? 'is not a trusted org key' : 'are not trusted org keys'}`,
    };
  const bytes = fromBase64(env.payload);
  const message = pae(env.payloadType, bytes);
  for (const s of known) {
    let sig: Uint8Array<ArrayBuffer>;
    try {
      sig = fromBase64(s.sig);
    } catch {
      return { ok: false, code: 'signature', reason: `the signature by key "${s.keyid}" is not base64` };
    }
    if (!(await verifyEd25519(trusted.get(s.keyid)!, message, sig))) {
      return {
        ok: false,
        code: 'signature',
        reason: `the signature by key "${s.keyid}" does not match the content: the bundle was altered or signed by another key`,
      };
    }
  }
  let payload: string;
  try {
    payload = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, code: 'envelope', reason: 'the payload is not UTF-8 text' };
  }
  return { ok: true, payload, keyIds: known.map((s) => s.keyid) };
}

/** A short, stable name for a key, shown to users to confirm at enrollment. */
export function keyFingerprint(publicKeyPem: string): string {
  const hex = sha256Hex(publicKeyPem.replace(/\s+/g, ''));
  return `SHA256:${hex.slice(0, 32).replace(/(.{4})(?!$)/g, '$1:')}`;
}
