import { randomBytes, timingSafeEqual } from 'node:crypto';

// `gatehouse dashboard` opens the dashboard already signed in: the CLI (which can read
// the control token) asks for a code, puts it in the link's fragment, and the page
// trades it once for the token. A code is single-use and short-lived, so a link left
// in the browser's history opens nothing later.

export const CODE = /^[0-9a-f]{64}$/;

export class OneTimeCodes {
  private readonly codes = new Map<string, number>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(ttlMs = 60_000, now = () => Date.now()) {
    this.ttlMs = ttlMs;
    this.now = now;
  }

  issue(): string {
    this.sweep();
    const code = randomBytes(32).toString('hex');
    this.codes.set(code, this.now() + this.ttlMs);
    return code;
  }

  /** True once for a live code; every later try, and any unknown or expired code, is false. */
  redeem(code: string): boolean {
    this.sweep();
    if (!CODE.test(code)) return false;
    for (const [known] of this.codes) {
      if (timingSafeEqual(Buffer.from(known), Buffer.from(code))) {
        this.codes.delete(known);
        return true;
      }
    }
    return false;
  }

  private sweep(): void {
    const now = this.now();
    for (const [code, until] of this.codes) if (until <= now) this.codes.delete(code);
  }
}
