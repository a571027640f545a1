import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { SESSION_COOKIE } from '../../shared/console/contract.ts';

// The console's sign-in: one link printed in the admin's terminal, good once
// and for a few minutes, turns into an HttpOnly, SameSite=Strict cookie. Only
// hashes of the session ids are kept.

const LINK_LIFETIME_MS = 10 * 60_000;
const SESSION_LIFETIME_MS = 12 * 3_600_000;

const digest = (text: string) => createHash('sha256').update(text).digest();

export class Sessions {
  private link: { hash: Buffer; expires: number } | null = null;
  private readonly sessions = new Map<string, number>();
  private readonly now: () => number;

  constructor(now: () => number = Date.now) { this.now = now; }

  /** A fresh one-time login token (any earlier unused one stops working). */
  newLink(): string {
    const token = randomBytes(32).toString('base64url');
    this.link = { hash: digest(token), expires: this.now() + LINK_LIFETIME_MS };
    return token;
  }

  /** Spends the login token; the cookie to set, or null when the token is wrong, used or expired. */
  login(token: string): string | null {
    const link = this.link;
    if (!link || link.expires < this.now() || !timingSafeEqual(link.hash, digest(token))) return null;
    this.link = null;
    const id = randomBytes(32).toString('base64url');
    this.sessions.set(digest(id).toString('hex'), this.now() + SESSION_LIFETIME_MS);
    return `${SESSION_COOKIE}=${id}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${SESSION_LIFETIME_MS / 1000}`;
  }

  /** The session's expiry when the request's cookie names a live one. */
  check(cookieHeader: string | undefined): number | null {
    const id = sessionId(cookieHeader);
    if (!id) return null;
    const key = digest(id).toString('hex');
    const expires = this.sessions.get(key);
    if (expires === undefined) return null;
    if (expires < this.now()) { this.sessions.delete(key); return null; }
    return expires;
  }

  end(cookieHeader: string | undefined): string {
    const id = sessionId(cookieHeader);
    if (id) this.sessions.delete(digest(id).toString('hex'));
    return `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`;
  }
}

function sessionId(cookieHeader: string | undefined): string | null {
  for (const part of (cookieHeader ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === SESSION_COOKIE) return v.join('=') || null;
  }
  return null;
}
