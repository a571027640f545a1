import { hostname, userInfo } from 'node:os';
import { keyFingerprint } from '../../shared/bundle/envelope.ts';
import { EnrollResponseSchema, OrgInfoSchema, type OrgInfo } from '../../shared/sync/contract.ts';
import { callSync, syncUrl } from '../../shared/sync/http.ts';
import { loadOrCreateDeviceKey } from '../audit/device-key.ts';
import type { SecretBackend } from '../secrets/backend.ts';
import { deviceTokenAccount, writeOrgConfig, type OrgConfig } from './org-config.ts';

// Joining an org: fetch its public facts, pin its keys (after the user or the
// admin's MDM file confirms the fingerprint), register this device's audit
// signing key, and keep the device token in the keychain.

export class EnrollError extends Error {}

export async function fetchOrgInfo(base: string): Promise<OrgInfo> {
  return callSync(syncUrl(base, '/org'), OrgInfoSchema, { signal: AbortSignal.timeout(15_000) });
}

export interface EnrollOptions {
  token: string;
  /** The fingerprint the admin gave; the endpoint's key must match it. */
  fingerprint?: string;
  /** Accept the endpoint's keys without a fingerprint (trust on first use). */
  trustOnFirstUse?: boolean;
  /** Keys an MDM file pinned already: the endpoint's own claim is then not needed. */
  pinnedKeys?: OrgConfig['rootKeys'];
  name?: string;
}

export async function enroll(dataDir: string, base: string, backend: SecretBackend, opts: EnrollOptions): Promise<OrgConfig> {
  const info = await fetchOrgInfo(base);
  let rootKeys = opts.pinnedKeys;
  if (!rootKeys) {
    const prints = info.keys.map((k) => keyFingerprint(k.publicKey));
    if (opts.fingerprint !== undefined) {
      const want = opts.fingerprint.trim();
      if (!prints.includes(want))
        throw new EnrollError(`the endpoint's key fingerprint is ${prints.join(' or ')}, not ${want}: do not enroll, and tell your admin`);
    } else if (!opts.trustOnFirstUse) {
      throw new EnrollError(
        `confirm the org's key before trusting it: ${info.name} (${info.org}) presents ${prints.join(', ')}. Check it with your admin, then run again with --fingerprint ${prints[0]}`,
      );
    }
    rootKeys = info.keys;
  }
  const key = await loadOrCreateDeviceKey(backend);
  const name = opts.name ?? `${userInfo().username}@${hostname()}`;
  const answer = await callSync(syncUrl(base, '/devices'), EnrollResponseSchema, {
    method: 'POST',
    signal: AbortSignal.timeout(15_000),
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: opts.token, name, publicKey: key.publicKeyPem }),
  });
  await backend.set(deviceTokenAccount(answer.deviceId), answer.deviceToken);
  const config: OrgConfig = {
    syncUrl: base,
    org: info.org,
    name: info.name,
    rootKeys,
    oidc: info.oidc,
    deviceId: answer.deviceId,
    enrolledAt: new Date().toISOString(),
  };
  writeOrgConfig(dataDir, config);
  return config;
}
