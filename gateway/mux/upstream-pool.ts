import type { Bundle, BundleServer } from '../../shared/bundle/schema.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { UpstreamChannel } from '../upstream/channel.ts';
import { Upstream, type UpstreamListener } from '../upstream/upstream.ts';
import { GATEHOUSE_INFO } from './era.ts';

export interface PoolOptions {
  bundle: Bundle;
  makeChannel(server: BundleServer): UpstreamChannel;
  /** Hears every upstream's messages and state changes. */
  listener: UpstreamListener;
  events: EventBus;
  /** A server left the bundle or was revoked: its credentials must go too. */
  onServerRetired?: ((server: BundleServer) => void) | undefined;
  /** Servers the user switched off on this desktop (read live: `toggled` applies a change). */
  disabled?: ReadonlySet<string> | undefined;
  /** The bundle or the set of upstreams changed: every list is built anew. */
  reset(): void;
  /** Agents are told their lists may have changed (after a new bundle, or closing). */
  announce(): void;
  /** A server that kept running under a new bundle is judged again (a tighter localApproval must reach changes already pending). */
  judge(upstream: Upstream): void;
}

/**
 * The upstreams the bundle in force asks for: started, restarted when their definition
 * or credentials change, stopped when they leave or are revoked, and all stopped when
 * the bundle expires (fail closed). Owns the bundle; everyone else reads it from here.
 */
export class UpstreamPool {
  private readonly upstreams = new Map<string, Upstream>();
  private readonly opts: PoolOptions;
  private current: Bundle;
  /** Why nothing is reachable (the bundle expired); undefined while the bundle governs. */
  private closed: string | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;
  private settled: Promise<void> | undefined;
  /** When agents stop waiting for the servers still on their first start. */
  private settleBy: number | undefined;

  constructor(opts: PoolOptions) {
    this.opts = opts;
    this.current = opts.bundle;
  }

  get bundle(): Bundle {
    return this.current;
  }
  get closedReason(): string | undefined {
    return this.closed;
  }
  get size(): number {
    return this.upstreams.size;
  }
  get(id: string): Upstream | undefined {
    return this.upstreams.get(id);
  }
  all(): Upstream[] {
    return [...this.upstreams.values()];
  }
  ready(): Upstream[] {
    return this.all().filter((u) => u.state === 'ready');
  }

  start(): void {
    this.watchExpiry();
    for (const server of this.current.servers) {
      // A revoked server keeps no credentials, even ones stored before this start.
      if (server.status === 'revoked') this.opts.onServerRetired?.(server);
      this.add(server);
    }
  }

  async stop(): Promise<void> {
    clearTimeout(this.expiryTimer);
    await Promise.all(this.all().map((u) => u.stop()));
  }

  /** Puts a new bundle in force: servers whose definition changed are restarted, the others keep running. */
  async apply(bundle: Bundle): Promise<void> {
    const before = new Map(this.current.servers.map((s) => [s.id, s]));
    const reopened = this.closed !== undefined;
    this.current = bundle;
    this.closed = undefined;
    this.opts.reset();
    this.watchExpiry();
    if (reopened) before.clear(); // the upstreams were stopped when the old bundle expired
    const next = new Map(bundle.servers.map((s) => [s.id, s]));
    const stops: Promise<void>[] = [];
    for (const [id, upstream] of this.upstreams) {
      const server = next.get(id);
      const old = before.get(id);
      if (!server || server.status === 'revoked' || !old || launchKey(old) !== launchKey(server)) {
        this.upstreams.delete(id);
        stops.push(upstream.stop());
      } else if (JSON.stringify(old) !== JSON.stringify(server)) {
        // An org approval changes a pin: every desktop would otherwise restart the server (and lose its state) for nothing.
        upstream.adopt(server);
      }
    }
    await Promise.all(stops);
    for (const [id, old] of before) {
      const server = next.get(id);
      if (!server || server.status === 'revoked') this.opts.onServerRetired?.(server ?? old);
    }
    for (const server of bundle.servers) if (!this.upstreams.has(server.id)) this.add(server);
    for (const u of this.ready()) this.opts.judge(u);
    this.opts.events.emit({ type: 'bundle', name: bundle.name, version: bundle.version, at: Date.now() });
    this.opts.announce();
  }

  isDisabled(id: string): boolean {
    return this.opts.disabled?.has(id) ?? false;
  }

  /** The user switched a server off or on: stop it, or start it, and tell agents their lists changed. */
  async toggled(id: string): Promise<void> {
    const server = this.current.servers.find((s) => s.id === id);
    const upstream = this.upstreams.get(id);
    if (this.isDisabled(id) && upstream) {
      this.upstreams.delete(id);
      await upstream.stop();
      this.opts.reset();
      this.opts.events.emit({ type: 'server', server: id, state: 'disabled', error: null, at: Date.now() });
      this.opts.announce();
    } else if (!this.isDisabled(id) && !upstream && server) {
      this.add(server);
    }
  }

  /** Restarts one server (its credentials changed); the others keep running. */
  async restart(id: string): Promise<void> {
    const upstream = this.upstreams.get(id);
    const server = this.current.servers.find((s) => s.id === id);
    if (upstream) {
      this.upstreams.delete(id);
      await upstream.stop();
    }
    if (server) this.add(server);
  }

  /**
   * Resolves once every upstream has had its first chance to start, so an agent that
   * lists right after connecting sees every server's tools, not whichever came up first.
   */
  whenSettled(): Promise<void> {
    if (!this.firstStartPending()) {
      this.settleBy = undefined;
      return Promise.resolve();
    }
    // One wait per first start, not one per request: a server that never comes up must not
    // hold every later list (and the calls queued behind it) for the whole wait again.
    this.settleBy ??= Date.now() + Math.min(this.current.settings.startTimeoutMs, 15_000);
    const left = this.settleBy - Date.now();
    if (left <= 0) return Promise.resolve();
    this.settled ??= new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        unsubscribe();
        this.settled = undefined;
        resolve();
      };
      const unsubscribe = this.opts.events.on(() => {
        if (this.firstStartPending()) return;
        this.settleBy = undefined;
        done();
      });
      const timer = setTimeout(done, left);
    });
    return this.settled;
  }

  firstStartPending(): boolean {
    for (const u of this.upstreams.values()) if (u.state === 'starting' && u.restarts === 0) return true;
    return false;
  }

  private add(server: BundleServer): void {
    // Revoked servers are never spawned or connected, nor switched-off ones, and nothing is under an expired bundle.
    if (server.status === 'revoked' || this.closed !== undefined || this.isDisabled(server.id)) return;
    const settings = this.current.settings;
    const upstream = new Upstream({
      server,
      callTimeoutMs: settings.callTimeoutMs,
      startTimeoutMs: settings.startTimeoutMs,
      restart: settings.restart,
      makeChannel: () => this.opts.makeChannel(server),
      listener: this.opts.listener,
      clientInfo: { name: GATEHOUSE_INFO.name, version: GATEHOUSE_INFO.version },
    });
    this.upstreams.set(server.id, upstream);
    // A server new to this desktop gets agents' patience for its first start too.
    if (!this.settled) this.settleBy = undefined;
    upstream.start();
  }

  /**
   * After its expiry the bundle no longer governs: every upstream stops and
   * every call is refused until a newer bundle arrives (fail closed).
   */
  private watchExpiry(): void {
    clearTimeout(this.expiryTimer);
    const bundle = this.current;
    const at = bundle.expiresAt === undefined ? undefined : Date.parse(bundle.expiresAt);
    if (at === undefined) return;
    const wait = at - Date.now();
    if (wait <= 0) {
      void this.failClosed(
        `bundle "${bundle.name}" version ${bundle.version} expired at ${bundle.expiresAt}; no server is reachable until a newer bundle arrives from the org`,
      );
      return;
    }
    // Timers overflow past ~24.8 days; check again then.
    this.expiryTimer = setTimeout(() => this.watchExpiry(), Math.min(wait, 2 ** 31 - 1));
    this.expiryTimer.unref();
  }

  private async failClosed(reason: string): Promise<void> {
    this.closed = reason;
    const stopping = this.all();
    this.upstreams.clear();
    this.opts.reset();
    this.opts.events.emit({ type: 'bundle', name: this.current.name, version: this.current.version, at: Date.now() });
    this.opts.announce();
    await Promise.all(stopping.map((u) => u.stop()));
  }
}

/** What a server's process depends on: everything but its pins and its approved/deprecated status. */
function launchKey(server: BundleServer): string {
  const { pins: _pins, status: _status, ...launch } = server;
  return JSON.stringify(launch);
}
