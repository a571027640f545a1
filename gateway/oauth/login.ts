import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Bundle, BundleServer, CredentialSlot } from '../../shared/bundle/schema.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { AuditRecorder } from '../audit/call-record.ts';
import { account, type CredentialVault } from '../secrets/vault.ts';
import { headerValue } from '../upstream/launch.ts';
import { parseBearerChallenge } from './challenge.ts';
import { authMethodOf, authorize, OAuthFlowError, refresh, resumeSession } from './client.ts';

// Logins to OAuth-protected upstreams, run by the daemon: the user's browser goes
// to the authorization server and comes back to the daemon's own loopback listener
// (/oauth/callback, RFC 8252), where the state ties the answer to the login. Tokens
// go to the keychain: the access token as the slot's value, the refresh token and
// the client registration beside it. Tokens are refreshed when a server (re)starts
// close to their expiry, so an expired token costs one reconnect, not a new login.

const StoredSchema = z.object({
  issuer: z.string(),
  clientId: z.string(),
  clientSecret: z.string().optional(),
  method: z.string(),
  resource: z.string(),
  scope: z.string().optional(),
  expiresAt: z.number().optional(),
  issuedAt: z.number().optional(),
  redirectUri: z.string(),
  /** The scopes the bundle asked for at login: when the bundle asks for others, the user consents again. */
  requested: z.array(z.string()).optional(),
});
type Stored = z.infer<typeof StoredSchema>;

const LOGIN_TIMEOUT_MS = 10 * 60_000;
const REFRESH_MARGIN_MS = 60_000;
const REAUTHORIZE_SPACING_MS = 10_000;
/** How long before expiry a token is refreshed: a minute, or half its life if that is shorter (a quarter of a short life left too little for a refresh on a busy machine). */
const marginFor = (stored: { expiresAt?: number; issuedAt?: number }) =>
  stored.expiresAt !== undefined && stored.issuedAt !== undefined ? Math.min(REFRESH_MARGIN_MS, (stored.expiresAt - stored.issuedAt) / 2) : REFRESH_MARGIN_MS;

interface PendingLogin {
  server: string;
  resolve(url: URL): void;
  reject(err: Error): void;
}

export class LoginRequiredError extends Error {
  override readonly name = 'LoginRequiredError';
  readonly retry = false;
}

/** What logins need of the daemon: the bundle in force (its servers' slots), restarts, the audit and the events. */
export interface LoginHost {
  bundle(): Bundle;
  /** The server's new credentials take effect at its restart. */
  restartServer(id: string): Promise<void>;
  events: EventBus;
  recorder: AuditRecorder;
}

export class OAuthLogins {
  private readonly pending = new Map<string, PendingLogin>();
  private readonly results = new Map<string, Promise<void>>();
  private readonly host: LoginHost;
  private readonly vault: CredentialVault;
  private readonly redirectUri: () => string;
  private readonly liveHeaders: Map<string, Record<string, string>>;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly refreshing = new Map<string, Promise<void>>();
  private readonly lastReauthorized = new Map<string, { at: number; header: string | undefined }>();
  private readonly reauthorizing = new Map<string, Promise<boolean>>();

  constructor(host: LoginHost, vault: CredentialVault, redirectUri: () => string, liveHeaders = new Map<string, Record<string, string>>()) {
    this.host = host;
    this.vault = vault;
    this.redirectUri = redirectUri;
    this.liveHeaders = liveHeaders;
    vault.refresher = (server, slot) => this.ensureFresh(server, slot);
    vault.reauthorizer = (serverId) => this.reauthorize(serverId);
  }

  stop(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  /** Starts a login; resolves with the URL for the user's browser and an id to wait on. */
  async start(serverId: string): Promise<{ id: string; authorizationUrl: string }> {
    const server = this.host.bundle().servers.find((s) => s.id === serverId);
    if (!server) throw new OAuthFlowError(`no server "${serverId}" in the bundle`);
    const slot = server.credentials.find((c) => c.kind === 'oauth');
    if (!slot || (server.transport.type !== 'http' && server.transport.type !== 'sse'))
      throw new OAuthFlowError(`server "${serverId}" declares no oauth credential slot`);
    const url = server.transport.url;
    const challenge = parseBearerChallenge(await probe(url));
    const id = randomBytes(12).toString('base64url');
    let published: (u: URL) => void = () => {};
    const authorizationUrl = new Promise<URL>((resolve) => {
      published = resolve;
    });
    const redirectUri = this.redirectUri();
    const done = authorize(
      url,
      challenge,
      {
        clientName: 'Gatehouse',
        redirectUri,
        ...(slot.scopes ? { scope: slot.scopes.join(' ') } : {}),
        ...(slot.clientId ? { preRegistered: { clientId: slot.clientId } } : {}),
      },
      (authUrl) => {
        published(authUrl);
        return this.browserReturn(serverId, authUrl);
      },
    ).then(
      (result) => this.completed(server, slot, redirectUri, result),
      (err: unknown) => {
        this.host.recorder.record(undefined, 'login', {
          server: serverId,
          outcome: 'error',
          error: (err as Error).message,
          detail: { slot: slot.name, kind: 'oauth-server' },
        });
        throw err;
      },
    );
    this.results.set(id, done);
    done.catch(() => {}).finally(() => setTimeout(() => this.results.delete(id), LOGIN_TIMEOUT_MS).unref());
    // Whichever comes first: the URL to show, or a failure before there is one (discovery, registration).
    const first = await Promise.race([authorizationUrl, done.then(() => undefined)]);
    if (!first) throw new OAuthFlowError('the login finished without asking the user');
    return { id, authorizationUrl: first.href };
  }

  /** Waits for a started login to finish. */
  wait(id: string): Promise<void> {
    const done = this.results.get(id);
    if (!done) return Promise.reject(new OAuthFlowError(`no login "${id}" in progress`));
    return done;
  }

  /** The browser came back to /oauth/callback. Returns the page to show. */
  callback(url: URL): { status: number; message: string } {
    const state = url.searchParams.get('state');
    const login = state ? this.pending.get(state) : undefined;
    if (!state || !login) return { status: 400, message: 'This sign-in link is unknown or expired. Start again with `gatehouse login`.' };
    this.pending.delete(state);
    login.resolve(url);
    return { status: 200, message: `Signed in for "${login.server}". You can close this tab and return to your editor.` };
  }

  /** The server left the bundle or was revoked: its credentials must not come back. */
  private retired(serverId: string): boolean {
    const current = this.host.bundle().servers.find((s) => s.id === serverId);
    return !current || current.status === 'revoked';
  }

  /** Waits for the browser to come back to /oauth/callback with this login's state, for up to 10 minutes. */
  private browserReturn(serverId: string, authUrl: URL): Promise<URL> {
    return new Promise<URL>((resolve, reject) => {
      const state = authUrl.searchParams.get('state')!;
      const timer = setTimeout(() => {
        this.pending.delete(state);
        reject(new OAuthFlowError('the login was not completed within 10 minutes'));
      }, LOGIN_TIMEOUT_MS);
      this.pending.set(state, {
        server: serverId,
        resolve: (u) => {
          clearTimeout(timer);
          resolve(u);
        },
        reject,
      });
    });
  }

  /** Tokens to the keychain, a record, and the server restarted to use them. */
  private async completed(
    server: BundleServer,
    slot: CredentialSlot,
    redirectUri: string,
    { session, tokens }: Awaited<ReturnType<typeof authorize>>,
  ): Promise<void> {
    const secret = (session.client as { client_secret?: string }).client_secret;
    await this.store(server, slot, tokens, {
      issuer: session.as.issuer,
      clientId: session.client.client_id,
      ...(secret ? { clientSecret: secret } : {}),
      method: authMethodOf(session, secret),
      resource: session.resource,
      ...(tokens.scope ? { scope: tokens.scope } : {}),
      redirectUri,
      ...(slot.scopes ? { requested: slot.scopes } : {}),
    });
    this.host.recorder.record(undefined, 'login', {
      server: server.id,
      outcome: 'ok',
      detail: { slot: slot.name, issuer: session.as.issuer, kind: 'oauth-server' },
    });
    await this.host.restartServer(server.id);
    this.host.events.emit({ type: 'credential-set', server: server.id, slot: slot.name, rotation: false, at: Date.now() });
  }

  private async store(
    server: BundleServer,
    slot: CredentialSlot,
    tokens: { accessToken: string; refreshToken?: string; expiresAt?: number; scope?: string },
    stored: Stored,
  ): Promise<void> {
    if (this.retired(server.id)) return;
    // The next request carries the new token at once; the keychain's writes (slow on a busy D-Bus) must not hold it back.
    const live = this.liveHeaders.get(server.id);
    if (live) live[slot.header ?? 'Authorization'] = headerValue(slot, tokens.accessToken);
    await this.vault.set(server, slot.name, tokens.accessToken, false);
    if (tokens.refreshToken) await this.vault.setCompanion(server.id, slot.name, '#refresh', tokens.refreshToken);
    if (stored.clientSecret) this.vault.holdSecret(`${account(server.id, slot.name)}#client`, stored.clientSecret);
    const next: Stored = { ...stored, ...(tokens.expiresAt ? { expiresAt: tokens.expiresAt, issuedAt: Date.now() } : {}) };
    await this.vault.setCompanion(server.id, slot.name, '#client', JSON.stringify(next));
    // A refresh that was in flight when the server was revoked finishes after its credentials were deleted: delete again.
    if (this.retired(server.id)) {
      await this.vault.removeServer(server.id, [slot.name]);
      return;
    }
    this.schedule(server, slot, next);
  }

  /** Refreshes ahead of expiry while a session is open, so no request meets an expired token. */
  private schedule(server: BundleServer, slot: CredentialSlot, stored: Stored): void {
    const key = `${server.id}/${slot.name}`;
    clearTimeout(this.timers.get(key));
    if (stored.expiresAt === undefined) return;
    const delay = Math.max(0, stored.expiresAt - marginFor(stored) - Date.now());
    const timer = setTimeout(() => {
      this.timers.delete(key);
      const current = this.host.bundle().servers.find((s) => s.id === server.id);
      if (!current || current.status === 'revoked') return;
      this.ensureFresh(current, slot).catch((err: unknown) => {
        this.host.events.emit({ type: 'credentials-error', server: server.id, error: (err as Error).message, at: Date.now() });
      });
    }, delay);
    timer.unref();
    this.timers.set(key, timer);
  }

  /** Before a server starts: refresh a token near its expiry; ask for a new login when scopes changed. */
  private async ensureFresh(server: BundleServer, slot: CredentialSlot): Promise<void> {
    const stored = await this.storedFor(server, slot);
    if (!stored) return;
    if (stored.clientSecret) this.vault.holdSecret(`${account(server.id, slot.name)}#client`, stored.clientSecret);
    const requested = new Set(stored.requested ?? []);
    if (slot.scopes && (slot.scopes.length !== requested.size || slot.scopes.some((s) => !requested.has(s))))
      throw new LoginRequiredError(`the scopes for "${server.id}" changed (${slot.scopes.join(' ')}); sign in again with \`gatehouse login ${server.id}\``);
    if (stored.expiresAt === undefined || stored.expiresAt - Date.now() > marginFor(stored)) {
      if (!this.timers.has(`${server.id}/${slot.name}`)) this.schedule(server, slot, stored);
      return;
    }
    await this.refreshShared(server, slot, stored);
  }

  /**
   * The server refused the token in force (401) although its expiry said it was
   * good (the server revoked it, or the clocks disagree): refresh now, so the
   * refused request can be sent again. False when there is nothing to refresh, or
   * when the refused token is the one such a refresh fetched less than ten
   * seconds ago: a server that refuses every token costs a refresh now and then,
   * not one per request.
   */
  reauthorize(serverId: string): Promise<boolean> {
    const server = this.host.bundle().servers.find((s) => s.id === serverId);
    const slot = server?.credentials.find((c) => c.kind === 'oauth');
    if (!server || !slot || this.retired(serverId)) return Promise.resolve(false);
    const key = `${server.id}/${slot.name}`;
    const joined = this.reauthorizing.get(key);
    if (joined) return joined;
    const running = this.refreshing.get(key);
    if (running)
      return running.then(
        () => true,
        () => false,
      );
    // A token we fetched because its predecessor was refused, refused in its turn: the server is at fault, not the token.
    const headerName = slot.header ?? 'Authorization';
    const last = this.lastReauthorized.get(key);
    if (last && last.header === this.liveHeaders.get(server.id)?.[headerName] && Date.now() - last.at < REAUTHORIZE_SPACING_MS) return Promise.resolve(false);
    const run = (async () => {
      try {
        const stored = await this.storedFor(server, slot);
        if (!stored) return false;
        await this.refreshShared(server, slot, stored);
        return true;
      } catch (err) {
        this.host.events.emit({ type: 'credentials-error', server: server.id, error: (err as Error).message, at: Date.now() });
        return false;
      }
    })().finally(() => {
      // Whether it worked or failed, the token now in force had its chance.
      this.lastReauthorized.set(key, { at: Date.now(), header: this.liveHeaders.get(server.id)?.[headerName] });
      this.reauthorizing.delete(key);
    });
    this.reauthorizing.set(key, run);
    return run;
  }

  private async storedFor(server: BundleServer, slot: CredentialSlot): Promise<Stored | undefined> {
    const raw = await this.vault.getCompanion(server.id, slot.name, '#client');
    if (!raw) return undefined;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return undefined;
    }
    const parsed = StoredSchema.safeParse(json);
    return parsed.success ? parsed.data : undefined;
  }

  /**
   * One refresh at a time per slot: the timer, a server's start and a refused
   * request may all ask at once, and a provider that rotates refresh tokens
   * treats a second use of one as theft and ends the grant.
   */
  private refreshShared(server: BundleServer, slot: CredentialSlot, stored: Stored): Promise<void> {
    const key = `${server.id}/${slot.name}`;
    const running = this.refreshing.get(key);
    if (running) return running;
    const run = (async () => {
      const refreshToken = await this.vault.getCompanion(server.id, slot.name, '#refresh');
      if (!refreshToken)
        throw new LoginRequiredError(`the token for "${server.id}" expired and cannot be refreshed; sign in again with \`gatehouse login ${server.id}\``);
      try {
        const tokens = await refresh(await resumeSession(stored), refreshToken);
        await this.store(server, slot, tokens, stored);
      } catch (err) {
        throw new LoginRequiredError(
          `refreshing the token for "${server.id}" failed (${(err as Error).message}); sign in again with \`gatehouse login ${server.id}\``,
        );
      }
    })().finally(() => this.refreshing.delete(key));
    this.refreshing.set(key, run);
    return run;
  }
}

/** An unauthenticated initialize, to read the server's Bearer challenge. */
async function probe(url: string): Promise<string | null> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'gatehouse', version: '0' } },
    }),
  });
  await res.body?.cancel();
  return res.status === 401 ? res.headers.get('www-authenticate') : null;
}
