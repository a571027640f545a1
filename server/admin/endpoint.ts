import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ADMIN_PAYLOAD_TYPE, signEnvelope, type SigningKey } from '../../shared/bundle/envelope.ts';
import { SYNC_API, type AdminStatement } from '../../shared/sync/contract.ts';
import { callSync, syncUrl } from '../../shared/sync/http.ts';
import { toBase64 } from '../../shared/signing/ed25519.ts';

// The admin CLI's side of the sync endpoint: each request carries a fresh,
// short-lived statement signed with the org key.

/** `nonce` given: the caller keeps it to name the statement later (an enrollment token's id). */
export async function signStatement(statement: Omit<AdminStatement, 'nonce'> & { nonce?: string }, keys: readonly SigningKey[]): Promise<string> {
  const envelope = await signEnvelope(
    ADMIN_PAYLOAD_TYPE,
    JSON.stringify({ ...statement, nonce: statement.nonce ?? randomBytes(12).toString('base64url') }),
    keys,
  );
  return toBase64(new TextEncoder().encode(JSON.stringify(envelope)));
}

export async function callEndpoint<S extends z.ZodType>(
  base: string,
  method: 'GET' | 'POST',
  path: string,
  schema: S,
  opts: { body?: unknown; admin?: { org: string; keys: readonly SigningKey[] }; query?: Record<string, string | undefined> } = {},
): Promise<z.output<S>> {
  const url = syncUrl(base, path);
  for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.admin) {
    const token = await signStatement(
      { purpose: 'admin', org: opts.admin.org, expiresAt: new Date(Date.now() + 5 * 60_000).toISOString(), request: `${method} ${SYNC_API}${path}` },
      opts.admin.keys,
    );
    headers.authorization = `Gatehouse-Admin ${token}`;
  }
  return callSync(url, schema, { method, headers, ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}) });
}
