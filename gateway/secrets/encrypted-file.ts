import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { KeychainUnavailableError, type SecretBackend } from './backend.ts';

// The opt-in store for headless machines with no keychain: AES-256-GCM, the key
// derived from a passphrase with scrypt. Its trade-off (docs/credentials.md): the
// passphrase must reach Gatehouse somehow (an environment variable or a file), and
// whoever can read that can read every secret. The keychain does not have that hole.

const FileSchema = z.object({
  version: z.literal(1),
  salt: z.string(),
  check: z.object({ iv: z.string(), tag: z.string(), data: z.string() }),
  entries: z.record(z.string(), z.object({ iv: z.string(), tag: z.string(), data: z.string() })),
});
type SealedFile = z.infer<typeof FileSchema>;
type Sealed = SealedFile['check'];

const CHECK = 'gatehouse-encrypted-file-store';

export class EncryptedFileBackend implements SecretBackend {
  readonly kind = 'encrypted-file' as const;
  private readonly path: string;
  private readonly key: Buffer;
  private file: SealedFile;

  constructor(dataDir: string, passphrase: string) {
    if (passphrase.length < 12) throw new KeychainUnavailableError('the encrypted file store needs a passphrase of at least 12 characters (GATEHOUSE_SECRET_PASSPHRASE)');
    this.path = join(dataDir, 'secrets.enc.json');
    if (existsSync(this.path)) {
      const parsed = FileSchema.safeParse(JSON.parse(readFileSync(this.path, 'utf8')));
      if (!parsed.success) throw new KeychainUnavailableError(`${this.path} is damaged; move it aside and set the secrets again`);
      this.file = parsed.data;
      this.key = scryptSync(passphrase, Buffer.from(this.file.salt, 'base64'), 32);
      try {
        if (this.open(this.file.check) !== CHECK) throw new Error('mismatch');
      } catch {
        throw new KeychainUnavailableError(`wrong passphrase for ${this.path} (GATEHOUSE_SECRET_PASSPHRASE)`);
      }
    } else {
      const salt = randomBytes(16);
      this.key = scryptSync(passphrase, salt, 32);
      this.file = { version: 1, salt: salt.toString('base64'), check: { iv: '', tag: '', data: '' }, entries: {} };
      this.file.check = this.seal(CHECK);
    }
  }

  async get(account: string): Promise<string | null> {
    const sealed = this.file.entries[account];
    return sealed ? this.open(sealed) : null;
  }

  async set(account: string, value: string): Promise<void> {
    this.file.entries[account] = this.seal(value);
    this.save();
  }

  async delete(account: string): Promise<boolean> {
    if (!this.file.entries[account]) return false;
    delete this.file.entries[account];
    this.save();
    return true;
  }

  private seal(text: string): Sealed {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
    return { iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
  }

  private open(sealed: Sealed): string {
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString('utf8');
  }

  private save(): void {
    writeFileSync(`${this.path}.tmp`, JSON.stringify(this.file), { mode: 0o600 });
    renameSync(`${this.path}.tmp`, this.path);
  }
}
