import { acceptBundle } from '../../shared/bundle/accept.ts';
import type { Bundle } from '../../shared/bundle/schema.ts';
import { syncUrl } from '../../shared/sync/http.ts';
import type { BundleCache, Rejection } from './bundle-cache.ts';
import { cutText } from '../../shared/text/cut.ts';

// Keeps the desktop on the org's latest bundle: a long-poll on the sync
// endpoint (If-None-Match + ?wait), so a publish reaches connected desktops in
// well under a second, with no restart and nothing for the user to do. An
// endpoint that is down is retried with capped, jittered backoff; meanwhile the
// last good bundle governs until it expires.

export interface SyncState {
  state: 'connecting' | 'online' | 'offline';
  syncUrl: string;
  lastContactAt: string | null;
  offlineSince: string | null;
  lastError: string | null;
  lastRejection: Rejection | null;
}

export interface SyncClientOptions {
  syncUrl: string;
  org: string;
  rootKeys: Parameters<BundleCache['trust']>[1];
  cache: BundleCache;
  /** The device token, read from the keychain. */
  token: () => Promise<string>;
  /** Puts an accepted bundle in force; throws if the gateway cannot (a policy that does not compile). */
  apply: (bundle: Bundle) => Promise<void>;
  onRejected: (rejection: Rejection) => void;
  waitSeconds?: number;
  maxDelayMs?: number;
}

export class SyncClient {
  private readonly o: SyncClientOptions & { waitSeconds: number; maxDelayMs: number };
  private running = false;
  private etag: string | undefined;
  private failures = 0;
  private abort: AbortController | undefined;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  readonly status: SyncState;

  constructor(options: SyncClientOptions) {
    this.o = { waitSeconds: 25, maxDelayMs: 30_000, ...options };
    this.status = {
      state: 'connecting',
      syncUrl: options.syncUrl,
      lastContactAt: null,
      offlineSince: null,
      lastError: null,
      lastRejection: options.cache.lastRejection(),
    };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.abort?.abort();
    this.wake?.();
    await this.loop;
  }

  /** Fetches now instead of waiting for the next push. Resolves after that fetch. */
  async syncNow(): Promise<void> {
    const done = new Promise<void>((resolve) => {
      this.afterNext.push(resolve);
    });
    this.etag = undefined;
    this.abort?.abort();
    this.wake?.();
    await done;
  }

  private afterNext: (() => void)[] = [];

  private async run(): Promise<void> {
    while (this.running) {
      let delay = 0;
      let aborted = false;
      try {
        await this.once();
        this.failures = 0;
      } catch (err) {
        if (!this.running) break;
        aborted = (err as Error).name === 'AbortError';
        if (!aborted) {
          this.failures++;
          if (this.status.state !== 'offline') this.status.offlineSince = new Date().toISOString();
          this.status.state = 'offline';
          this.status.lastError = (err as Error).message;
          const cap = Math.min(this.o.maxDelayMs, 500 * 2 ** Math.min(this.failures, 10));
          delay = cap / 2 + (Math.random() * cap) / 2;
        }
      }
      // A sync-now aborts the wait in progress; it is answered by the fetch after that.
      if (!aborted) for (const resolve of this.afterNext.splice(0)) resolve();
      if (delay && this.running)
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, delay);
          this.wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
    }
    for (const resolve of this.afterNext.splice(0)) resolve();
  }

  private async once(): Promise<void> {
    this.abort = new AbortController();
    const url = syncUrl(this.o.syncUrl, '/bundle');
    if (this.etag) url.searchParams.set('wait', String(this.o.waitSeconds));
    const headers: Record<string, string> = { authorization: `Bearer ${await this.o.token()}` };
    if (this.etag) headers['if-none-match'] = this.etag;
    const timeout = AbortSignal.timeout((this.o.waitSeconds + 15) * 1000);
    let res: Response;
    try {
      res = await fetch(url, { headers, signal: AbortSignal.any([this.abort.signal, timeout]) });
    } catch (err) {
      if (this.abort.signal.aborted) throw Object.assign(new Error('aborted'), { name: 'AbortError' });
      throw new Error(`cannot reach ${url.origin}: ${(err as { cause?: Error }).cause?.message ?? (err as Error).message}`);
    }
    const text = await res.text();
    this.contact();
    if (res.status === 304) return;
    if (res.status === 404) {
      // Nothing published yet: ask again after a pause rather than spin.
      await new Promise((r) => setTimeout(r, 2000));
      return;
    }
    if (res.status === 401) throw new Error(`the sync endpoint refused this device (${cutText(text, 200)}): enroll again with \`gatehouse enroll\``);
    if (!res.ok) throw new Error(`the sync endpoint answered ${res.status}: ${cutText(text, 200)}`);
    this.etag = res.headers.get('etag') ?? undefined;
    let envelope: unknown;
    try {
      envelope = JSON.parse(text);
    } catch {
      envelope = text;
    }
    await this.consider(envelope);
  }

  private contact(): void {
    this.status.state = 'online';
    this.status.lastContactAt = new Date().toISOString();
    this.status.offlineSince = null;
    this.status.lastError = null;
  }

  /** The trust decision; on any refusal the last good bundle stays in force. */
  private async consider(envelope: unknown): Promise<boolean> {
    const trust = this.o.cache.trust(this.o.org, this.o.rootKeys);
    const verdict = await acceptBundle(envelope, trust, Date.now());
    if (!verdict.ok) {
      // The bundle already in force, offered again (a fresh start, a sync-now), is no news.
      if (verdict.code === 'replay') return false;
      this.rejected({ at: new Date().toISOString(), version: verdict.version ?? null, code: verdict.code, reason: verdict.reason });
      return false;
    }
    try {
      await this.o.apply(verdict.bundle);
    } catch (err) {
      this.rejected({ at: new Date().toISOString(), version: verdict.bundle.version, code: 'schema', reason: (err as Error).message });
      return false;
    }
    this.o.cache.accept(
      envelope,
      trust.keys.filter((k) => verdict.signedBy.includes(k.keyId)),
      verdict.trust,
      new Date(),
    );
    return true;
  }

  private rejected(r: Rejection): void {
    this.o.cache.reject(r);
    this.status.lastRejection = r;
    this.o.onRejected(r);
  }
}
