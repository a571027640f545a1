import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { KeychainUnavailableError, type SecretBackend } from './backend.ts';
import { writePrivateFileAtomic } from '../config/atomic-write.ts';

// The opt-in store for headless machines with no keychain: AES-256-GCM, the key
// derived from a passphrase with scrypt. Its trade-off (docs/credentials.md): the
// passphrase must reach Gatehouse somehow (an environment variable or a file), and
// whoever can read that can read every secret. The keychain does not have that hole.
//
// The file is shared: the CLI enrolls and logs in from its own process while a
// daemon runs, and a daemon once held two of these. Each read looks whether the
// file changed on disk since it was loaded, and each write re-reads it first, so
// one writer does not put back an old copy over another's entry.

const FileSchema = z.object({
  version: z.literal(1),
  salt: z.string(),
  check: z.object({ iv: z.string(), tag: z.string(), data: z.string() }),
  entries: z.record(z.string(), z.object({ iv: z.string(), tag: z.string(), data: z.string() })),
});
type SealedFile = z.infer<typeof FileSchema>;
type Sealed = SealedFile['check'];

const CHECK = 'gatehouse-encrypted-file-store';

/** Which version of the file is loaded: every save is a rename, so a new inode. */
const stampOf = (path: string): string | null => {
  const st = statSync(path, { bigint: true, throwIfNoEntry: false });
  return st ? `${st.ino}:${st.size}:${st.mtimeNs}` : null;
};

export class EncryptedFileBackend implements SecretBackend {
  readonly kind = 'encrypted-file' as const;
  private readonly path: string;
  private readonly passphrase: string;
  private key: Buffer = Buffer.alloc(0);
  private file: SealedFile = { version: 1, salt: '', check: { iv: '', tag: '', data: '' }, entries: {} };
  /** The stamp of the file as loaded; null: not on disk yet. */
  private stamp: string | null = null;

  constructor(dataDir: string, passphrase: string) {
    if (passphrase.length < 12)
      throw new KeychainUnavailableError('the encrypted file store needs a passphrase of at least 12 characters (GATEHOUSE_SECRET_PASSPHRASE)');
    this.path = join(dataDir, 'secrets.enc.json');
    this.passphrase = passphrase;
    if (!this.load()) this.fresh();
  }

  /** Reads the file if it is there; throws if it is damaged or the passphrase is wrong. */
  private load(): boolean {
    const stamp = stampOf(this.path);
    if (stamp === null) return false;
    let parsed;
    try {
      parsed = FileSchema.safeParse(JSON.parse(readFileSync(this.path, 'utf8')));
    } catch {
      parsed = undefined;
    }
    if (!parsed?.success) throw new KeychainUnavailableError(`${this.path} is damaged; move it aside and set the secrets again`);
    const file = parsed.data;
    const key = file.salt === this.file.salt && this.key.length ? this.key : scryptSync(this.passphrase, Buffer.from(file.salt, 'base64'), 32);
    try {
      if (open(key, file.check) !== CHECK) throw new Error('mismatch');
    } catch {
      throw new KeychainUnavailableError(`wrong passphrase for ${this.path} (GATEHOUSE_SECRET_PASSPHRASE)`);
    }
    this.file = file;
    this.key = key;
    this.stamp = stamp;
    return true;
  }

  private fresh(): void {
    const salt = randomBytes(16);
    this.key = scryptSync(this.passphrase, salt, 32);
    this.file = { version: 1, salt: salt.toString('base64'), check: seal(this.key, CHECK), entries: {} };
    this.stamp = null;
  }

  /** Picks up what another writer saved since; a file removed meanwhile starts over empty. */
  private refresh(): void {
    const stamp = stampOf(this.path);
    if (stamp === this.stamp) return;
    if (stamp === null) this.fresh();
    else this.load();
  }

  async get(account: string): Promise<string | null> {
    this.refresh();
    const sealed = entryOf(this.file, account);
    return sealed ? open(this.key, sealed) : null;
  }

  async set(account: string, value: string): Promise<void> {
    this.refresh();
    this.file.entries[account] = seal(this.key, value);
    this.save();
  }

  async delete(account: string): Promise<boolean> {
    this.refresh();
    if (!entryOf(this.file, account)) return false;
    delete this.file.entries[account];
    this.save();
    return true;
  }

  private save(): void {
    writePrivateFileAtomic(this.path, JSON.stringify(this.file));
    this.stamp = stampOf(this.path);
  }
}

// Account names come from bundles and the control API: own entries only.
const entryOf = (file: SealedFile, account: string): Sealed | undefined => (Object.hasOwn(file.entries, account) ? file.entries[account] : undefined);

function seal(key: Buffer, text: string): Sealed {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return { iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
}

function open(key: Buffer, sealed: Sealed): string {
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
  decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString('utf8');
}
