import { hostname, userInfo } from 'node:os';
import { z } from 'zod';
import { keyFingerprint } from '../../shared/bundle/envelope.ts';
import { EnrolResponseSchema, ErrorBodySchema, OrgInfoSchema, SYNC_API, type OrgInfo } from '../../shared/sync/contract.ts';
import { loadOrCreateDeviceKey } from '../audit/device-key.ts';
import type { SecretBackend } from '../secrets/backend.ts';
import { deviceTokenAccount, writeOrgConfig, type OrgConfig } from './org-config.ts';

// Joining an org: fetch its public facts, pin its keys (after the user or the
// admin's MDM file confirms the fingerprint), register this device's audit
// signing key, and keep the device token in the keychain.

export class EnrolError extends Error {}

async function call<S extends z.ZodType>(url: URL, schema: S, init?: RequestInit): Promise<z.output<S>> {
  let res: Response;
  try { res = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) }); } catch (err) {
    throw new EnrolError(`cannot reach ${url.origin}: ${(err as { cause?: Error }).cause?.message ?? (err as Error).message}`);
  }
  const text = await res.text();
  let json: unknown;
  try { json = JSON.parse(text); } catch { throw new EnrolError(`${url.origin} is not a Gatehouse sync endpoint (HTTP ${res.status}, not JSON)`); }
  if (!res.ok) {
    const e = ErrorBodySchema.safeParse(json);
    throw new EnrolError(`${url.origin} refused (HTTP ${res.status}): ${e.success ? e.data.error : text.slice(0, 200)}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new EnrolError(`${url.origin} answered something unexpected: ${parsed.error.issues[0]?.message ?? ''}`);
  return parsed.data;
}

const endpoint = (syncUrl: string, path: string) => new URL(`${SYNC_API}${path}`, syncUrl.endsWith('/') ? syncUrl : `${syncUrl}/`);

export async function fetchOrgInfo(syncUrl: string): Promise<OrgInfo> {
  return call(endpoint(syncUrl, '/org'), OrgInfoSchema);
}

export interface EnrolOptions {
  token: string;
  /** The fingerprint the admin gave; the endpoint's key must match it. */
  fingerprint?: string;
  /** Accept the endpoint's keys without a fingerprint (trust on first use). */
  trustOnFirstUse?: boolean;
  /** Keys an MDM file pinned already: the endpoint's own claim is then not needed. */
  pinnedKeys?: OrgConfig['rootKeys'];
  name?: string;
}

export async function enrol(dataDir: string, syncUrl: string, backend: SecretBackend, opts: EnrolOptions): Promise<OrgConfig> {
  const info = await fetchOrgInfo(syncUrl);
  let rootKeys = opts.pinnedKeys;
  if (!rootKeys) {
    const prints = info.keys.map((k) => keyFingerprint(k.publicKey));
    if (opts.fingerprint !== undefined) {
      const want = opts.fingerprint.trim();
      if (!prints.includes(want)) throw new EnrolError(`the endpoint's key fingerprint is ${prints.join(' or ')}, not ${want}: do not enrol, and tell your admin`);
    } else if (!opts.trustOnFirstUse) {
      throw new EnrolError(`confirm the org's key before trusting it: ${info.name} (${info.org}) presents ${prints.join(', ')}. Check it with your admin, then run again with --fingerprint ${prints[0]}`);
    }
    rootKeys = info.keys;
  }
  const key = await loadOrCreateDeviceKey(backend);
  const name = opts.name ?? `${userInfo().username}@${hostname()}`;
  const answer = await call(endpoint(syncUrl, '/devices'), EnrolResponseSchema, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: opts.token, name, publicKey: key.publicKeyPem }),
  });
  await backend.set(deviceTokenAccount(answer.deviceId), answer.deviceToken);
  const config: OrgConfig = { syncUrl, org: info.org, name: info.name, rootKeys, oidc: info.oidc, deviceId: answer.deviceId, enrolledAt: new Date().toISOString() };
  writeOrgConfig(dataDir, config);
  return config;
}
