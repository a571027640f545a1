// Token buckets, one per (limit, key). The clock is passed in so tests and the
// gateway agree on time without sleeping.

export interface Bucket { tokens: number; at: number }

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  /**
   * Takes one token from every named bucket, or from none: a call held back by one
   * limit must not use up another. Returns the wait until all would have a token.
   */
  take(wanted: readonly { key: string; capacity: number; perMs: number }[], now: number): { ok: true } | { ok: false; retryAfterMs: number; key: string } {
    let worst: { retryAfterMs: number; key: string } | undefined;
    const filled: Bucket[] = [];
    for (const w of wanted) {
      const rate = w.capacity / w.perMs;
      let b = this.buckets.get(w.key);
      if (!b) { b = { tokens: w.capacity, at: now }; this.buckets.set(w.key, b); }
      b.tokens = Math.min(w.capacity, b.tokens + (now - b.at) * rate);
      b.at = now;
      filled.push(b);
      if (b.tokens < 1) {
        const wait = Math.ceil((1 - b.tokens) / rate);
        if (!worst || wait > worst.retryAfterMs) worst = { retryAfterMs: wait, key: w.key };
      }
    }
    if (worst) return { ok: false, ...worst };
    for (const b of filled) b.tokens -= 1;
    return { ok: true };
  }
}
