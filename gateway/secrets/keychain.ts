import { createRequire } from 'node:module';
import type { AsyncEntry } from '@napi-rs/keyring';
import { KeychainUnavailableError, SERVICE, type SecretBackend } from './backend.ts';

// The OS keychain through @napi-rs/keyring: macOS Keychain, Windows Credential
// Manager, and on Linux the Secret Service (gnome-keyring, KWallet, KeePassXC).
// On Linux the entry is pinned to the Secret Service: the library would otherwise
// fall back to the kernel keyring, which forgets everything at logout.

const VANISHED = /No such (?:interface|object)[^]*Secret\.Item|Object does not exist/i;
const FIXES = 'or opt into the encrypted file store (GATEHOUSE_SECRET_STORE=encrypted-file, see docs/credentials.md)';

/** Turns the library's platform errors into what happened and how to fix it. */
export function explainKeychainError(err: unknown): KeychainUnavailableError {
  const text = err instanceof Error ? `${err.message} ${String((err as { cause?: unknown }).cause ?? '')}` : String(err);
  if (/DBUS_SESSION_BUS_ADDRESS|autolaunch|Failed to connect to socket|No such file or directory.*bus/i.test(text)) {
    return new KeychainUnavailableError(
      `no D-Bus session, so the Secret Service keychain cannot be reached. Run Gatehouse inside your desktop session, or start one (dbus-run-session), ${FIXES}.`,
    );
  }
  if (/unlock|locked|dismissed|prompt|no result found/i.test(text)) {
    return new KeychainUnavailableError(
      `the keychain is locked and could not ask you to unlock it. Unlock it (for gnome-keyring: \`echo -n PASSWORD | gnome-keyring-daemon --unlock\`), then try again, ${FIXES}.`,
    );
  }
  if (/ServiceUnknown|org\.freedesktop\.secrets|not provided by any|no secret service|NoStorageAccess/i.test(text)) {
    return new KeychainUnavailableError(
      `no Secret Service is running. Install and start one (gnome-keyring, KWallet or KeePassXC with Secret Service enabled), ${FIXES}.`,
    );
  }
  return new KeychainUnavailableError(`the keychain failed: ${text.trim()}. Check that it is running and unlocked, ${FIXES}.`);
}

// The native library (and the D-Bus client in it) is loaded on the first secret asked
// for, not at import: a daemon whose servers hold no credentials never maps it (~1 MB).
let library: typeof import('@napi-rs/keyring') | undefined;
const keyring = () => (library ??= createRequire(import.meta.url)('@napi-rs/keyring') as typeof import('@napi-rs/keyring'));

export class KeychainBackend implements SecretBackend {
  readonly kind = 'keychain' as const;

  private entry(account: string): AsyncEntry {
    try {
      return new (keyring().AsyncEntry)(SERVICE, account, { linux: { store: 'secret-service' } });
    } catch (err) {
      throw explainKeychainError(err);
    }
  }

  async get(account: string): Promise<string | null> {
    try {
      return await this.entry(account).getPassword();
    } catch (err) {
      // An item deleted while it was being read (a revocation racing a start) is simply gone.
      if (!(err instanceof KeychainUnavailableError) && VANISHED.test(String((err as Error).message) + String((err as { cause?: unknown }).cause ?? '')))
        return null;
      throw err instanceof KeychainUnavailableError ? err : explainKeychainError(err);
    }
  }

  async set(account: string, value: string): Promise<void> {
    try {
      await this.entry(account).setPassword(value);
    } catch (err) {
      throw err instanceof KeychainUnavailableError ? err : explainKeychainError(err);
    }
  }

  async delete(account: string): Promise<boolean> {
    try {
      return await this.entry(account).deleteCredential();
    } catch (err) {
      throw err instanceof KeychainUnavailableError ? err : explainKeychainError(err);
    }
  }
}
