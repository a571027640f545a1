import { rmSync } from 'node:fs';
import { z } from 'zod';
import { callSync, syncUrl } from '../../shared/sync/http.ts';
import type { SecretBackend } from '../secrets/backend.ts';
import { deviceTokenAccount, orgConfigPath, readOrgConfig } from './org-config.ts';

// Leaving the org: the endpoint is told first (the device revokes itself, so
// the org's fleet page shows it gone and its token stops working), then the
// device token leaves the keychain and org.json goes. When the endpoint cannot
// be reached the device still leaves, and says the org was not told.

export class UnenrollError extends Error {}

export async function unenroll(dataDir: string, backend: SecretBackend): Promise<{ org: string; deviceId: string | null; told: string | null }> {
  const config = readOrgConfig(dataDir);
  if (!config) throw new UnenrollError('this desktop is not enrolled in an org');
  let told: string | null = null;
  if (config.deviceId) {
    const token = await backend.get(deviceTokenAccount(config.deviceId));
    if (token) {
      try {
        await callSync(syncUrl(config.syncUrl, '/devices/self/revoke'), z.object({ revokedAt: z.string() }), {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: '{}',
          signal: AbortSignal.timeout(15_000),
        });
      } catch (err) {
        told = (err as Error).message;
      }
    } else told = 'the device token was not in the keychain';
    await backend.delete(deviceTokenAccount(config.deviceId));
  }
  rmSync(orgConfigPath(dataDir), { force: true });
  return { org: config.org, deviceId: config.deviceId ?? null, told };
}
