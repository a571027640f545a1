import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { SESSION_COOKIE } from '../../shared/console/contract.ts';

// The console's sign-in: one link printed in the admin's terminal, good once
// and for a few minutes, turns into an HttpOnly, SameSite=Strict cookie plus a
// secret the page keeps in localStorage and sends as a header. Browsers send a
// 127.0.0.1 cookie to every port on 127.0.0.1 (any local user's server the admin
// visits gets it), but localStorage belongs to this port's origin alone: the
// cookie without the header opens nothing. Only hashes of both are kept.

const LINK_LIFETIME_MS = 10 * 60_000;
const SESSION_LIFETIME_MS = 12 * 3_600_000;

const digest = (text: string) => createHash('sha256').update(text).digest();

export class Sessions {
  private link: { hash: Buffer; expires: number } | null = null;
  private readonly sessions = new Map<string, { expires: number; secret: Buffer }>();
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  /** A fresh one-time login token (any earlier unused one stops working). */
  newLink(): string {
    const token = randomBytes(32).toString('base64url');
    this.link = { hash: digest(token), expires: this.now() + LINK_LIFETIME_MS };
    return token;
  }

  /** Spends the login token; the cookie to set and the page's secret, or null when the token is wrong, used or expired. */
  login(token: string): { cookie: string; secret: string } | null {
    const link = this.link;
    if (!link || link.expires < this.now() || !timingSafeEqual(link.hash, digest(token))) return null;
    this.link = null;
    const id = randomBytes(32).toString('base64url');
    const secret = randomBytes(32).toString('base64url');
    this.sessions.set(digest(id).toString('hex'), { expires: this.now() + SESSION_LIFETIME_MS, secret: digest(secret) });
    return { cookie: `${SESSION_COOKIE}=${id}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${SESSION_LIFETIME_MS / 1000}`, secret };
  }

  /** The session's expiry when the cookie names a live one and the header carries its secret. */
  check(cookieHeader: string | undefined, secretHeader: string | string[] | undefined): number | null {
    const id = sessionId(cookieHeader);
    if (!id || typeof secretHeader !== 'string') return null;
    const key = digest(id).toString('hex');
    const session = this.sessions.get(key);
    if (session === undefined) return null;
    if (session.expires < this.now()) {
      this.sessions.delete(key);
      return null;
    }
    return timingSafeEqual(session.secret, digest(secretHeader)) ? session.expires : null;
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
