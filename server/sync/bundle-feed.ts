import type { ServerStore } from '../store/store.ts';

// The latest published bundle, as served to desktops. Kept in memory so an
// ETag hit costs no database read; refreshed from the database at most every
// `refreshMs`, which is also how a bundle published through another instance
// behind the same load balancer reaches this one's long-polling desktops.

export interface Published { version: number; envelope: string; etag: string }

export class BundleFeed {
  private current: Published | null = null;
  private checkedAt = 0;
  private refreshing: Promise<void> | undefined;
  private readonly waiters = new Set<() => void>();
  private poller: NodeJS.Timeout | undefined;
  private readonly store: ServerStore;
  private readonly refreshMs: number;

  constructor(store: ServerStore, refreshMs = 250) {
    this.store = store;
    this.refreshMs = refreshMs;
  }

  static etagOf(version: number): string { return `"bundle-${version}"`; }

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
      const done = () => { clearTimeout(timer); this.waiters.delete(done); if (this.waiters.size === 0) this.stopPolling(); resolve(); };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
      this.poller ??= setInterval(() => { void this.refresh().catch(() => {}); }, this.refreshMs);
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
