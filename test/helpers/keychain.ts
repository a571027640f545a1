import { KeychainBackend } from '../../gateway/secrets/keychain.ts';

/** Whether the OS keychain works here (a write, a read, a delete). In CI it must: scripts/test starts gnome-keyring. */
export async function keychainReady(): Promise<boolean> {
  try {
    const k = new KeychainBackend();
    await k.set('probe/probe', 'probe-value');
    const ok = (await k.get('probe/probe')) === 'probe-value';
    await k.delete('probe/probe');
    return ok;
  } catch (err) {
    if (process.env.CI) throw new Error(`CI must provide a keychain (scripts/test starts gnome-keyring): ${(err as Error).message}`);
    return false;
  }
}

export const NO_KEYCHAIN = 'no usable keychain here (install gnome-keyring and run through `npm test`)';
