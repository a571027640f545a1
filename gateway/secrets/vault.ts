import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Bundle, BundleServer, CredentialSlot } from '../../shared/bundle/schema.ts';
import { Redactor, type HeldSecret } from '../../shared/redaction/redact.ts';
import { KeychainUnavailableError, type SecretBackend } from './backend.ts';
import { EncryptedFileBackend } from './encrypted-file.ts';
import { KeychainBackend } from './keychain.ts';
import { writePrivateFileAtomic } from '../config/atomic-write.ts';

// Credentials: values go in (CLI, control API), and out only to the upstream that
// needs them, read at spawn or connect time, never per call. What Gatehouse knows
// about a slot besides its value (when it was set, rotated) is kept in the data
// dir; the value itself only in the backend.

const MetaSchema = z.object({
  version: z.literal(1),
  slots: z.record(z.string(), z.object({ setAt: z.string(), rotatedAt: z.string().nullable() })),
});
type Meta = z.infer<typeof MetaSchema>;

export interface SlotStatus {
  server: string;
  slot: string;
  kind: CredentialSlot['kind'];
  description: string | null;
  required: boolean;
  set: boolean;
  setAt: string | null;
  rotatedAt: string | null;
  rotationDays: number | null;
  due: boolean;
}

/** A server cannot start: a required slot is empty. Not worth retrying until it is set. */
export class MissingCredentialError extends Error {
  override readonly name = 'MissingCredentialError';
  readonly retry = false;
}

export const account = (server: string, slot: string) => `${server}/${slot}`;

/** Picks the backend: the OS keychain, unless the user explicitly opted into the encrypted file. */
export function chooseBackend(dataDir: string, env: NodeJS.ProcessEnv = process.env): SecretBackend {
  const choice = env.GATEHOUSE_SECRET_STORE ?? 'keychain';
  if (choice === 'keychain') return new KeychainBackend();
  if (choice === 'encrypted-file') {
    const passphrase =
      env.GATEHOUSE_SECRET_PASSPHRASE ??
      (env.GATEHOUSE_SECRET_PASSPHRASE_FILE && existsSync(env.GATEHOUSE_SECRET_PASSPHRASE_FILE)
        ? readFileSync(env.GATEHOUSE_SECRET_PASSPHRASE_FILE, 'utf8').trim()
        : undefined);
    if (!passphrase)
      throw new KeychainUnavailableError('GATEHOUSE_SECRET_STORE=encrypted-file needs GATEHOUSE_SECRET_PASSPHRASE or GATEHOUSE_SECRET_PASSPHRASE_FILE');
    return new EncryptedFileBackend(dataDir, passphrase);
  }
  throw new KeychainUnavailableError(`GATEHOUSE_SECRET_STORE must be keychain or encrypted-file, not "${choice}"`);
}

export class CredentialVault {
  private readonly path: string;
  private meta: Meta = { version: 1, slots: {} };
  private backendInstance: SecretBackend | undefined;
  private readonly makeBackend: () => SecretBackend;
  private readonly held = new Map<string, string>();
  private redactorCache: Redactor | undefined;

  constructor(dataDir: string, makeBackend: () => SecretBackend = () => chooseBackend(dataDir)) {
    this.path = join(dataDir, 'credentials.json');
    this.makeBackend = makeBackend;
    if (existsSync(this.path)) {
      const parsed = MetaSchema.safeParse(JSON.parse(readFileSync(this.path, 'utf8')));
      if (parsed.success) this.meta = parsed.data;
    }
  }

  /** The backend, created on first use so a missing keychain is reported when it matters. */
  private backend(): SecretBackend {
    return (this.backendInstance ??= this.makeBackend());
  }

  /** Every secret value Gatehouse has read or written, for redaction. */
  get redactor(): Redactor {
    return (this.redactorCache ??= new Redactor([...this.held].map(([label, value]): HeldSecret => ({ label, value }))));
  }

  /** Reads a server's slots for injection. Throws MissingCredentialError naming each empty required slot. */
  async valuesFor(server: BundleServer): Promise<Record<string, string>> {
    const values: Record<string, string> = {};
    const missing: string[] = [];
    for (const slot of server.credentials) {
      if (slot.kind === 'oauth' && this.refresher) await this.refresher(server, slot, this);
      const value = await this.backend().get(account(server.id, slot.name));
      if (value === null) {
        if (slot.required) missing.push(slot.name);
        continue;
      }
      values[slot.name] = value;
      this.hold(account(server.id, slot.name), value);
    }
    if (missing.length) {
      const how = (m: string) =>
        server.credentials.find((c) => c.name === m)?.kind === 'oauth'
          ? `sign in with \`gatehouse login ${server.id}\``
          : `set it with \`gatehouse secrets set ${server.id}/${m}\``;
      throw new MissingCredentialError(
        `missing credential${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')}: ${missing.map(how).join(' and ')}`,
      );
    }
    return values;
  }

  async set(server: BundleServer, slotName: string, value: string, rotation: boolean): Promise<SlotStatus> {
    const slot = server.credentials.find((s) => s.name === slotName);
    if (!slot)
      throw new Error(
        `server "${server.id}" declares no credential slot "${slotName}"${server.credentials.length ? ` (it has: ${server.credentials.map((s) => s.name).join(', ')})` : ''}`,
      );
    if (!value) throw new Error('a secret value cannot be empty');
    const key = account(server.id, slotName);
    await this.backend().set(key, value);
    this.hold(key, value);
    const now = new Date().toISOString();
    const before = this.meta.slots[key];
    this.meta.slots[key] = { setAt: rotation && before ? before.setAt : now, rotatedAt: rotation ? now : (before?.rotatedAt ?? null) };
    this.save();
    return this.statusOf(server, slot);
  }

  async remove(serverId: string, slotName: string): Promise<boolean> {
    const key = account(serverId, slotName);
    // An OAuth slot also keeps its refresh token and client registration.
    for (const companion of ['#refresh', '#client']) await this.backend().delete(`${key}${companion}`);
    const removed = await this.backend().delete(key);
    const known = key in this.meta.slots;
    delete this.meta.slots[key];
    this.save();
    return removed || known;
  }

  /** Deletes every slot stored for a server (revoked or gone from the bundle). Returns the slot names deleted. */
  async removeServer(serverId: string, declared: readonly string[] = []): Promise<string[]> {
    const names = new Set([
      ...declared,
      ...Object.keys(this.meta.slots)
        .filter((k) => k.startsWith(`${serverId}/`))
        .map((k) => k.slice(serverId.length + 1)),
    ]);
    const deleted: string[] = [];
    for (const name of names) if (await this.remove(serverId, name)) deleted.push(name);
    return deleted;
  }

  /** Keeps an OAuth slot fresh before its value is read (set by the daemon). */
  refresher: ((server: BundleServer, slot: CredentialSlot, vault: CredentialVault) => Promise<void>) | undefined;

  /** Refreshes a server's OAuth token that its server refused, before its expiry (set by the daemon); true when a request may be sent again. */
  reauthorizer: ((serverId: string) => Promise<boolean>) | undefined;

  /** Companion values of a slot (`#refresh`, `#client`): kept in the backend, held for redaction. */
  async getCompanion(serverId: string, slot: string, companion: '#refresh' | '#client'): Promise<string | null> {
    const value = await this.backend().get(`${account(serverId, slot)}${companion}`);
    if (value && companion === '#refresh') this.hold(`${account(serverId, slot)}${companion}`, value);
    return value;
  }

  async setCompanion(serverId: string, slot: string, companion: '#refresh' | '#client', value: string): Promise<void> {
    await this.backend().set(`${account(serverId, slot)}${companion}`, value);
    if (companion === '#refresh') this.hold(`${account(serverId, slot)}${companion}`, value);
  }

  status(bundle: Bundle): SlotStatus[] {
    return bundle.servers.flatMap((server) => server.credentials.map((slot) => this.statusOf(server, slot)));
  }

  private statusOf(server: BundleServer, slot: CredentialSlot): SlotStatus {
    const meta = this.meta.slots[account(server.id, slot.name)];
    const last = meta ? Date.parse(meta.rotatedAt ?? meta.setAt) : undefined;
    return {
      server: server.id,
      slot: slot.name,
      kind: slot.kind,
      description: slot.description ?? null,
      required: slot.required,
      set: meta !== undefined,
      setAt: meta?.setAt ?? null,
      rotatedAt: meta?.rotatedAt ?? null,
      rotationDays: slot.rotationDays ?? null,
      due: slot.rotationDays !== undefined && last !== undefined && Date.now() - last > slot.rotationDays * 86_400_000,
    };
  }

  /** Adds a value to what is redacted (a token or client secret Gatehouse handles). */
  holdSecret(label: string, value: string): void {
    this.hold(label, value);
  }

  private hold(label: string, value: string): void {
    if (this.held.get(label) === value) return;
    this.held.set(label, value);
    this.redactorCache = undefined;
  }

  private save(): void {
    writePrivateFileAtomic(this.path, JSON.stringify(this.meta, null, 2));
  }
}
