import type { CredentialVault } from '../secrets/vault.ts';
import type { OAuthLogins } from './login.ts';

type Outcome = ReturnType<OAuthLogins['callback']>;

/**
 * The OAuth logins to upstream servers, loaded on first use: a login started from the
 * dashboard or CLI, a browser coming back to /oauth/callback, or a server with an OAuth
 * slot that needs its token refreshed or renewed. Until then the daemon holds neither
 * the OAuth client (oauth4webapi) nor its schemas, which a bundle without OAuth servers
 * never needs.
 */
export class UpstreamLogins {
  private loading: Promise<OAuthLogins> | undefined;
  private loaded: OAuthLogins | undefined;
  private stopped = false;
  private readonly make: () => Promise<OAuthLogins>;

  constructor(vault: CredentialVault, make: () => Promise<OAuthLogins>) {
    this.make = make;
    // OAuthLogins puts its own hooks on the vault when it is made; these stand in until then,
    // and hand the call to the real hook once loading has replaced them.
    const refresher: NonNullable<CredentialVault['refresher']> = async (server, slot, v) => {
      await this.get();
      if (vault.refresher === refresher) throw new Error('the OAuth logins did not take over token refresh');
      await vault.refresher?.(server, slot, v);
    };
    const reauthorizer: NonNullable<CredentialVault['reauthorizer']> = async (serverId) => {
      await this.get();
      if (vault.reauthorizer === reauthorizer) throw new Error('the OAuth logins did not take over reauthorization');
      return (await vault.reauthorizer?.(serverId)) ?? false;
    };
    vault.refresher = refresher;
    vault.reauthorizer = reauthorizer;
  }

  private get(): Promise<OAuthLogins> {
    return (this.loading ??= this.make().then((logins) => {
      this.loaded = logins;
      // A daemon stopped while the module loaded must not keep its refresh timers.
      if (this.stopped) logins.stop();
      return logins;
    }));
  }

  async start(serverId: string): Promise<{ id: string; authorizationUrl: string }> {
    return (await this.get()).start(serverId);
  }

  async wait(id: string): Promise<void> {
    return (await this.get()).wait(id);
  }

  async callback(url: URL): Promise<Outcome> {
    return (await this.get()).callback(url);
  }

  stop(): void {
    this.stopped = true;
    this.loaded?.stop();
  }
}
