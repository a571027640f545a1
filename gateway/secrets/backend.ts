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

/**
 * One backend for the whole process, opened on first use: a locked or
 * misconfigured store must not stop a daemon that needs no secret, and two
 * open copies of a file store would each write back their own view of it.
 */
export function lazyBackend(open: () => SecretBackend): SecretBackend {
  let opened: SecretBackend | undefined;
  const backend = () => (opened ??= open());
  return {
    get kind() {
      return backend().kind;
    },
    get: (account) => backend().get(account),
    set: (account, value) => backend().set(account, value),
    delete: (account) => backend().delete(account),
  };
}
