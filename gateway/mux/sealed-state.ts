// State Gatehouse hands an agent to bring back later (a 2026 requestState): readable,
// but sealed with an HMAC under a key that never leaves this process, so what comes
// back is known to be what Gatehouse wrote.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const b64 = (data: string | Buffer) => Buffer.from(data).toString('base64url');
/** An HMAC-SHA-256 in unpadded base64url. */
const MAC_TEXT = /^[A-Za-z0-9_-]{43}$/;

export class StateSeal {
  private readonly key = randomBytes(32);
  private readonly maxLength: number;

  constructor(maxLength: number) {
    this.maxLength = maxLength;
  }

  seal(state: unknown): string {
    const body = b64(JSON.stringify(state));
    return `${body}.${b64(createHmac('sha256', this.key).update(body).digest())}`;
  }

  /** The sealed value, or undefined when `state` is not one this process sealed. */
  unseal(state: unknown): unknown {
    if (typeof state !== 'string' || state.length > this.maxLength) return undefined;
    const dot = state.indexOf('.');
    if (dot < 0) return undefined;
    const body = state.slice(0, dot);
    const macText = state.slice(dot + 1);
    // Node's base64url decoding skips stray characters: only the one spelling this process writes is taken.
    if (!MAC_TEXT.test(macText)) return undefined;
    const mac = Buffer.from(macText, 'base64url');
    const expected = createHmac('sha256', this.key).update(body).digest();
    if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) return undefined;
    // The MAC proves this process wrote the body.
    return JSON.parse(Buffer.from(body, 'base64url').toString()) as unknown;
  }
}
