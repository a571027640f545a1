// Token buckets, one per (limit, key). The clock is passed in so tests and the
// gateway agree on time without sleeping.
//
// A Policy is rebuilt on every reload and org push, and most pushes leave the
// limits alone: the buckets are grouped by each limit's identity (its whole
// definition), so a new Policy carries over the buckets of every limit that is
// still there unchanged, and a limit that changed in any way starts full.

import canonicalize from 'canonicalize';
import type { RateLimit } from '../bundle/schema.ts';

export interface Bucket {
  tokens: number;
  at: number;
}

/** One limit's buckets, by whom they count (user, agent, server or tool). */
export type LimitBuckets = Map<string, Bucket>;

export interface Wanted {
  buckets: LimitBuckets;
  key: string;
  capacity: number;
  perMs: number;
}

/** Equal for two limits exactly when their definitions are. */
export const limitIdentity = (limit: RateLimit): string => canonicalize(limit) ?? limit.id;

/**
 * Buckets are keyed by names peers choose (agent names, users, tools), so a limit's
 * map is swept when it grows past this: a bucket that has refilled is the same as
 * none, and goes.
 */
export const SWEEP_AT = 10_000;

export class TokenBuckets {
  private readonly byLimit = new Map<string, LimitBuckets>();
  private readonly sweepAt = new WeakMap<LimitBuckets, number>();

  /**
   * A store for a new set of limits that keeps the previous store's buckets of
   * the limits still in it, and forgets those of limits that went or changed.
   */
  static carriedOver(previous: TokenBuckets | undefined, identities: readonly string[]): TokenBuckets {
    const next = new TokenBuckets();
    for (const id of identities) {
      const kept = previous?.byLimit.get(id);
      next.byLimit.set(id, kept ?? new Map());
    }
    return next;
  }

  /** The buckets of one limit; created on first use. */
  of(identity: string): LimitBuckets {
    let buckets = this.byLimit.get(identity);
    if (!buckets) {
      buckets = new Map();
      this.byLimit.set(identity, buckets);
    }
    return buckets;
  }

  /**
   * Takes one token from every named bucket, or from none: a call held back by one
   * limit must not use up another. Returns the wait until all would have a token,
   * and which of `wanted` was the longest wait.
   */
  take(wanted: readonly Wanted[], now: number): { ok: true } | { ok: false; retryAfterMs: number; index: number } {
    let worst: { retryAfterMs: number; index: number } | undefined;
    const filled: Bucket[] = [];
    for (let i = 0; i < wanted.length; i++) {
      const w = wanted[i]!;
      const rate = w.capacity / w.perMs;
      let b = w.buckets.get(w.key);
      if (!b) {
        if (w.buckets.size >= (this.sweepAt.get(w.buckets) ?? SWEEP_AT)) this.sweep(w, now);
        b = { tokens: w.capacity, at: now };
        w.buckets.set(w.key, b);
      }
      b.tokens = Math.min(w.capacity, b.tokens + (now - b.at) * rate);
      b.at = now;
      filled.push(b);
      if (b.tokens < 1) {
        const wait = Math.ceil((1 - b.tokens) / rate);
        if (!worst || wait > worst.retryAfterMs) worst = { retryAfterMs: wait, index: i };
      }
    }
    if (worst) return { ok: false, ...worst };
    for (const b of filled) b.tokens -= 1;
    return { ok: true };
  }

  /** Drops the full buckets; the next sweep waits until the map doubles, so sweeping stays amortised O(1). */
  private sweep(w: Wanted, now: number): void {
    const rate = w.capacity / w.perMs;
    for (const [key, b] of w.buckets) if (b.tokens + (now - b.at) * rate >= w.capacity) w.buckets.delete(key);
    this.sweepAt.set(w.buckets, Math.max(SWEEP_AT, w.buckets.size * 2));
  }
}
