import type { GatewayEvent } from '../shared/control/contract.ts';
// Desktop notifications without nagging: the same thing is announced once (until it
// resolves and comes back), and no more than a few notifications go out a minute. What
// the rate limit holds back is not lost: it is summarised in one notification later.

export interface Announcement {
  key: string;
  title: string;
  body: string;
  target: string;
}

export class NotificationGate {
  private readonly shown = new Map<string, number>();
  private readonly recent: number[] = [];
  /** Held back by the rate limit since the last summary, by key (the newest of each). */
  private readonly held = new Map<string, Announcement>();
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
    if (!this.take(now)) {
      this.held.set(a.key, a);
      return false;
    }
    this.held.delete(a.key);
    this.shown.set(a.key, now);
    return true;
  }

  /** One notification for everything the rate limit held back, once there is room; call it now and then. */
  summary(now = Date.now()): Announcement | undefined {
    for (const [key] of this.held) {
      const last = this.shown.get(key);
      if (last !== undefined && now - last < this.repeatAfterMs) this.held.delete(key);
    }
    if (this.held.size === 0 || !this.take(now)) return undefined;
    const items = [...this.held.values()];
    this.held.clear();
    for (const a of items) this.shown.set(a.key, now);
    if (items.length === 1) return items[0];
    const pending = items.filter((a) => a.key.startsWith('pending:')).length;
    const titles = items
      .slice(0, 3)
      .map((a) => a.title)
      .join('; ');
    return {
      key: `summary:${now}`,
      title: `${items.length} more Gatehouse alerts`,
      body: `${titles}${items.length > 3 ? '; …' : ''}`,
      target: pending === items.length ? '#/pending' : '#/overview',
    };
  }

  private take(now: number): boolean {
    while (this.recent.length && now - this.recent[0]! > 60_000) this.recent.shift();
    if (this.recent.length >= this.perMinute) return false;
    this.recent.push(now);
    return true;
  }

  /** The condition went away (a server came back): announce it again if it returns. */
  resolve(key: string): void {
    this.shown.delete(key);
    this.held.delete(key);
  }
}

/** Turns a daemon event into an announcement, or nothing. */
export function announce(event: GatewayEvent): Announcement | undefined {
  if (event.type === 'pending-change') {
    return {
      key: `pending:${event.id}`,
      title: `${event.exposedName} ${event.kind === 'new' ? 'is new' : 'changed'}`,
      body: `Risk ${event.risk}. ${event.localDecision ? 'Review it before your agents can use it.' : "It awaits your organisation's approval."}`,
      target: `#/pending/${event.id}`,
    };
  }
  if (event.type === 'server' && (event.state === 'failed' || event.state === 'backoff')) {
    return { key: `server:${event.server}`, title: `${event.server} is down`, body: event.error ?? 'The server stopped.', target: '#/servers' };
  }
  if (event.type === 'agent-request') {
    // The notification only leads to the Overview: allowing happens there, never from the notification itself.
    return {
      key: `agent-request:${event.id}`,
      title: `${event.client} asks to connect`,
      body: `As agent "${event.agent}", token to ${event.redirect}. Allow or deny it in Gatehouse.`,
      target: '#/overview',
    };
  }
  if (event.type === 'bundle-rejected') return { key: `bundle:${event.reason}`, title: 'A bundle was refused', body: event.reason, target: '#/settings' };
  return undefined;
}
