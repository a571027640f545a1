// Desktop notifications without nagging: the same thing is announced once (until it
// resolves and comes back), and no more than a few notifications go out a minute.

export interface Announcement { key: string; title: string; body: string; target: string }

export class NotificationGate {
  private readonly shown = new Map<string, number>();
  private readonly recent: number[] = [];
  private readonly perMinute: number;
  private readonly repeatAfterMs: number;

  constructor(perMinute = 4, repeatAfterMs = 60 * 60_000) {
    this.perMinute = perMinute;
    this.repeatAfterMs = repeatAfterMs;
  }

  /** Whether to show it now; records it when so. */
  admit(a: Announcement, now = Date.now()): boolean {
    const last = this.shown.get(a.key);
    if (last !== undefined && now - last < this.repeatAfterMs) return false;
    while (this.recent.length && now - this.recent[0]! > 60_000) this.recent.shift();
    if (this.recent.length >= this.perMinute) return false;
    this.recent.push(now);
    this.shown.set(a.key, now);
    return true;
  }

  /** The condition went away (a server came back): announce it again if it returns. */
  resolve(key: string): void {
    this.shown.delete(key);
  }
}

/** Turns a daemon event into an announcement, or nothing. */
export function announce(type: string, data: Record<string, unknown>): Announcement | undefined {
  if (type === 'pending-change') {
    return { key: `pending:${String(data.id)}`, title: `${String(data.exposedName)} ${data.kind === 'new' ? 'is new' : 'changed'}`, body: `Risk ${String(data.risk)}. ${data.localDecision ? 'Review it before your agents can use it.' : 'It awaits your organisation\'s approval.'}`, target: `#/pending/${String(data.id)}` };
  }
  if (type === 'server' && (data.state === 'failed' || data.state === 'backoff')) {
    return { key: `server:${String(data.server)}`, title: `${String(data.server)} is down`, body: String(data.error ?? 'The server stopped.'), target: '#/servers' };
  }
  if (type === 'bundle-rejected') return { key: `bundle:${String(data.reason)}`, title: 'A bundle was refused', body: String(data.reason), target: '#/settings' };
  return undefined;
}
