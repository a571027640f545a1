/** Where secret values are kept. Accounts are `<serverId>/<slot>` under the service `gatehouse`. */
export interface SecretBackend {
  readonly kind: 'keychain' | 'encrypted-file';
  get(account: string): Promise<string | null>;
  set(account: string, value: string): Promise<void>;
  delete(account: string): Promise<boolean>;
}

/** The keychain cannot be used; the message says why and what to do. */
export class KeychainUnavailableError extends Error {
  override readonly name = 'KeychainUnavailableError';
}

export const SERVICE = 'gatehouse';
