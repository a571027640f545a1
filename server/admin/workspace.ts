import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { AgentSchema, OrgKeySchema, PoliciesSchema, ProfileSchema, ServerSchema, SettingsSchema } from '../../shared/bundle/schema.ts';
import type { SigningKey } from '../../shared/bundle/envelope.ts';
import type { OrgKey } from '../../shared/bundle/schema.ts';
import { generateEd25519 } from '../../shared/signing/ed25519.ts';

// The admin's working copy of the org's registry: public org facts, the
// private signing keys (0600, never leave this folder), and the draft registry
// that `publish` signs. Plain JSON files, so they can live in a private git
// repository and be reviewed like code.

export const OrgFileSchema = z.strictObject({
  org: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'org ids are lowercase letters, digits and -'),
  name: z.string().min(1),
  syncUrl: z.url().optional(),
  oidc: z
    .strictObject({ issuer: z.url(), clientId: z.string().min(1) })
    .nullable()
    .default(null),
  /** The keys desktops trust now. */
  keys: z.array(OrgKeySchema).min(1),
  /** A key made by `keys rotate`: the next publish is signed by the current keys and names only this one. */
  nextKey: OrgKeySchema.optional(),
});
export type OrgFile = z.output<typeof OrgFileSchema>;

export const RegistryFileSchema = z.strictObject({
  /** Last version published from here (the endpoint's own latest wins when higher). */
  version: z.number().int().nonnegative().default(0),
  /** Imported or added, not yet approved: never published. */
  drafts: z.array(ServerSchema).default([]),
  servers: z.array(ServerSchema).default([]),
  agents: z.array(AgentSchema).default([]),
  policies: PoliciesSchema.default({ rules: [], rateLimits: [] }),
  profiles: z.array(ProfileSchema).default([]),
  settings: SettingsSchema.partial().default({}),
});
export type RegistryFile = z.output<typeof RegistryFileSchema>;

export class WorkspaceError extends Error {}

function readJson<S extends z.ZodType>(path: string, schema: S): z.output<S> {
  if (!existsSync(path)) throw new WorkspaceError(`${path} does not exist: run \`gatehouse-admin init\` first, or pass --dir`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new WorkspaceError(`${path} is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success)
    throw new WorkspaceError(`${path} is invalid:\n${parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n')}`);
  return parsed.data;
}

/** Writes through a temporary file, so a crash never leaves half a registry. */
function writeJson(path: string, value: unknown, mode = 0o644): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode });
  renameSync(tmp, path);
}

export class Workspace {
  readonly dir: string;
  constructor(dir: string) {
    this.dir = dir;
  }

  get orgPath(): string {
    return join(this.dir, 'org.json');
  }
  get registryPath(): string {
    return join(this.dir, 'registry.json');
  }
  get keysDir(): string {
    return join(this.dir, 'keys');
  }
  /** The payload of the last bundle published from here: what the console compares the registry against. */
  get publishedPath(): string {
    return join(this.dir, 'published.json');
  }

  exists(): boolean {
    return existsSync(this.orgPath);
  }
  org(): OrgFile {
    return readJson(this.orgPath, OrgFileSchema);
  }
  saveOrg(org: OrgFile): void {
    writeJson(this.orgPath, org);
  }
  registry(): RegistryFile {
    return readJson(this.registryPath, RegistryFileSchema);
  }
  saveRegistry(r: RegistryFile): void {
    writeJson(this.registryPath, r);
  }

  saveKey(keyId: string, privateKeyPem: string): void {
    mkdirSync(this.keysDir, { recursive: true, mode: 0o700 });
    const path = join(this.keysDir, `${keyId}.pem`);
    writeFileSync(path, privateKeyPem, { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600);
  }

  /** Makes an org signing key: the private half is saved here (0600), the public half returned. */
  async newKey(org: string): Promise<OrgKey> {
    const key = await generateEd25519();
    const keyId = `${org}-${new Date().toISOString().slice(0, 10)}-${Math.random().toString(36).slice(2, 6)}`;
    this.saveKey(keyId, key.privateKeyPem);
    return { keyId, publicKey: key.publicKeyPem };
  }

  /** The org and the private keys of the keys desktops trust now: what signs bundles, tokens and admin requests. */
  signer(): { org: string; keys: SigningKey[] } {
    const org = this.org();
    return { org: org.org, keys: this.signingKeys(org.keys.map((k) => k.keyId)) };
  }

  /** The private keys for the given key ids; a missing one is an error that says where it should be. */
  signingKeys(keyIds: readonly string[]): SigningKey[] {
    return keyIds.map((keyId) => {
      const path = join(this.keysDir, `${keyId}.pem`);
      if (!existsSync(path)) throw new WorkspaceError(`the private key for "${keyId}" is not in ${this.keysDir}; publishing needs it`);
      return { keyId, privateKeyPem: readFileSync(path, 'utf8') };
    });
  }

  savePublished(payload: string): void {
    writeJson(this.publishedPath, JSON.parse(payload));
  }

  /** The last published bundle's payload, unparsed; null before the first publish from here. */
  published(): Record<string, unknown> | null {
    if (!existsSync(this.publishedPath)) return null;
    try {
      return JSON.parse(readFileSync(this.publishedPath, 'utf8')) as Record<string, unknown>;
    } catch {
      return null;
    }
  }

  /** Private keys retired by a rotation (their ids). */
  retiredKeyIds(): string[] {
    const dir = join(this.keysDir, 'retired');
    return existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => f.endsWith('.pem'))
          .map((f) => f.slice(0, -4))
          .sort()
      : [];
  }

  retiredKeyPem(keyId: string): string {
    return readFileSync(join(this.keysDir, 'retired', `${keyId}.pem`), 'utf8');
  }

  retireKey(keyId: string): void {
    const from = join(this.keysDir, `${keyId}.pem`);
    if (!existsSync(from)) return;
    mkdirSync(join(this.keysDir, 'retired'), { recursive: true, mode: 0o700 });
    renameSync(from, join(this.keysDir, 'retired', `${keyId}.pem`));
  }
}
