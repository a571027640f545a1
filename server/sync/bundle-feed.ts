import type { ServerStore } from '../store/store.ts';

// The latest published bundle, as served to desktops. Kept in memory so an
// ETag hit costs no database read; refreshed from the database at most every
// `refreshMs`, which is also how a bundle published through another instance
// behind the same load balancer reaches this one's long-polling desktops.

export interface Published {
  version: number;
  envelope: string;
  etag: string;
}

export class BundleFeed {
  private current: Published | null = null;
  private checkedAt = 0;
  private refreshing: Promise<void> | undefined;
  private readonly waiters = new Set<() => void>();
  private poller: NodeJS.Timeout | undefined;
  private readonly store: ServerStore;
  private readonly refreshMs: number;
  private readonly onError: (message: string) => void;
  /** The failure last reported: a database that stays down is one log line, not four a second. */
  private lastError: string | undefined;

  constructor(store: ServerStore, refreshMs = 250, onError: (message: string) => void = () => {}) {
    this.store = store;
    this.refreshMs = refreshMs;
    this.onError = onError;
  }

  static etagOf(version: number): string {
    return `"bundle-${version}"`;
  }

  /** `fresh` reads the database now (an unconditional fetch: a desktop's first, or its "sync now"). */
  async latest(fresh = false): Promise<Published | null> {
    if (fresh || Date.now() - this.checkedAt >= this.refreshMs) await this.refresh();
    return this.current;
  }

  private refresh(): Promise<void> {
    return (this.refreshing ??= (async () => {
      try {
        const version = await this.store.latestVersion();
        if (version !== (this.current?.version ?? 0)) {
          const row = await this.store.latestBundle();
          if (row) this.set(row.version, row.envelope);
        }
        this.checkedAt = Date.now();
        if (this.lastError !== undefined) this.onError('reading the latest bundle works again');
        this.lastError = undefined;
      } finally {
        this.refreshing = undefined;
      }
    })());
  }

  /** A bundle published through this instance: serve it and wake the waiters at once. */
  published(version: number, envelope: string): void {
    if (version > (this.current?.version ?? 0)) this.set(version, envelope);
  }

  private set(version: number, envelope: string): void {
    this.current = { version, envelope, etag: BundleFeed.etagOf(version) };
    for (const wake of [...this.waiters]) wake();
  }

  /** Resolves when a bundle other than `etag` is current, or after `ms`. */
  wait(etag: string, ms: number): Promise<void> {
    if (this.current && this.current.etag !== etag) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        if (this.waiters.size === 0) this.stopPolling();
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
      this.poller ??= setInterval(() => {
        // A waiter's poll has no request to fail: say so in the log, once, and keep polling.
        void this.refresh().catch((err: unknown) => {
          const message = `reading the latest bundle failed: ${err instanceof Error ? err.message : String(err)}`;
          if (message !== this.lastError) this.onError(message);
          this.lastError = message;
        });
      }, this.refreshMs);
    });
  }

  private stopPolling(): void {
    clearInterval(this.poller);
    this.poller = undefined;
  }

  close(): void {
    for (const wake of [...this.waiters]) wake();
    this.stopPolling();
  }
}
