import { issueLines } from '../../shared/text/zod-issues.ts';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { OrgKeySchema } from '../../shared/bundle/schema.ts';
import { writePrivateFileAtomic } from '../config/atomic-write.ts';

// `<data>/org.json`: which org this desktop belongs to, where its sync endpoint
// is, and the org keys pinned at enrollment. An admin may ship it through MDM
// with an enrollment token; the daemon then enrolls on its own. The device token
// is a secret and lives in the keychain, never here.

export const OrgConfigSchema = z.strictObject({
  syncUrl: z.url({ protocol: /^https?$/ }),
  org: z.string().min(1),
  name: z.string().optional(),
  /** The org keys pinned at enrollment (trust on first use, confirmed by fingerprint, or shipped by MDM). */
  rootKeys: z.array(OrgKeySchema).min(1),
  oidc: z
    .strictObject({ issuer: z.url(), clientId: z.string().min(1) })
    .nullable()
    .default(null),
  deviceId: z.string().optional(),
  enrolledAt: z.string().optional(),
  /** MDM only: an enrollment token to use at the first start; removed once used. */
  // Stored spelling kept: MDM tools already write org.json with this key (the code says "enroll").
  enrolToken: z.string().optional(),
});
export type OrgConfig = z.output<typeof OrgConfigSchema>;

/** The device token's keychain account: one per device, so two data dirs (two devices) never share one. */
export const deviceTokenAccount = (deviceId: string) => `device/${deviceId}/sync-token`;

export class OrgConfigError extends Error {}

export const orgConfigPath = (dataDir: string) => join(dataDir, 'org.json');

export function readOrgConfig(dataDir: string): OrgConfig | null {
  const path = orgConfigPath(dataDir);
  if (!existsSync(path)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new OrgConfigError(`${path} is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = OrgConfigSchema.safeParse(raw);
  if (!parsed.success)
    throw new OrgConfigError(
      `${path} is invalid:\n${issueLines(parsed.error)
        .map((l) => `  ${l}`)
        .join('\n')}`,
    );
  return parsed.data;
}

export function writeOrgConfig(dataDir: string, config: OrgConfig): void {
  const path = orgConfigPath(dataDir);
  writePrivateFileAtomic(path, `${JSON.stringify(config, null, 2)}\n`);
}
