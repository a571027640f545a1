import type { Bundle, BundleServer } from '../../shared/bundle/schema.ts';
import { isResponse, type JsonRpcId, type JsonRpcMessage, type JsonRpcNotification, type JsonRpcRequest } from '../../shared/jsonrpc/message.ts';
import type { PendingChange } from '../../shared/pinning/pending.ts';
import type { Identity, RuleSummary } from '../../shared/policy/evaluate.ts';
import type { Redactor } from '../../shared/redaction/redact.ts';
import { SHUTDOWN_NOTICE } from '../../shared/jsonrpc/shutdown.ts';
import { AuditRecorder, type AuditSink } from '../audit/call-record.ts';
import { EventBus } from '../events/event-bus.ts';
import { PinGate } from '../pinning/gate.ts';
import { PinStore } from '../pinning/store.ts';
import type { UpstreamChannel } from '../upstream/channel.ts';
import type { CatalogKind, Upstream, UpstreamListener, UpstreamSnapshot } from '../upstream/upstream.ts';
import { Admission } from './admission.ts';
import { fail } from './answers.ts';
import { Approvals, type DecisionSource } from './approval.ts';
import type { Catalog } from './catalog.ts';
import { ClientSession, type ClientSink, type SessionSnapshot } from './client-session.ts';
import { EncodedMessage } from './encoded-message.ts';
import { isModern, ListenStreams } from './era.ts';
import { Lists } from './lists.ts';
import { ProgressRoutes, Relay } from './relay.ts';
import { Router } from './router.ts';
import { encodingSafe } from './safe-sink.ts';
import { UpstreamPool } from './upstream-pool.ts';

export { GATEHOUSE_INFO } from './era.ts';
export type { AuditSink } from '../audit/call-record.ts';
export type { Identity } from '../../shared/policy/evaluate.ts';

export interface GatewayOptions {
  bundle: Bundle;
  makeChannel(server: BundleServer): UpstreamChannel;
  /** Local pin decisions; in memory when not given. */
  pins?: PinStore;
  /** Scrubs held secret values from everything sent to agents. */
  redactor?: () => Redactor;
  /** A server left the bundle or was revoked: its credentials must go too. */
  onServerRetired?: (server: BundleServer) => void;
  /** The daemon's event bus; a private one when not given. */
  events?: EventBus;
  /** Builds and appends audit records; when not given, one over `audit` (or none). */
  recorder?: AuditRecorder;
  /** Where records go when no recorder is given; a call's answer is sent once its record is committed. */
  audit?: AuditSink;
  /** Who the local user is (from the org login), for policy and the records. */
  identity?: Identity;
  /** Values for `${name}` in policy path roots (bundleDir, dataDir). */
  vars?: Record<string, string>;
  /** Servers the user switched off on this desktop (read live: `serverToggled` applies a change). */
  disabledServers?: ReadonlySet<string>;
}

/**
 * The multiplexer, assembled: agent sessions on one side, the upstream pool on the
 * other, and between them the router (mux/router.ts) with its services: admission
 * (policy, rate limits, pin decisions), the approval round trip, lists, and the relay
 * of server-initiated traffic. This class wires them and is what the daemon holds;
 * outside code reads it through snapshots and changes it through its methods.
 */
export class Gateway {
  readonly events: EventBus;
  readonly recorder: AuditRecorder;
  readonly gate: PinGate;
  /** Decisions taken in the agent's conversation (gateway/mux/approval.ts). */
  readonly approvals: Approvals;
  private readonly live = new Map<string, ClientSession>();
  private readonly pool: UpstreamPool;
  private readonly admission: Admission;
  private readonly lists: Lists;
  private readonly relay: Relay;
  private readonly router: Router;
  /** 2026-07-28 agents' subscriptions/listen streams (mux/era.ts). */
  private readonly listens = new ListenStreams((s) => this.live.get(s.id) === s);
  private readonly redactor: (() => Redactor) | undefined;
  private nextSession = 1;
  private pausedByUser = false;

  constructor(opts: GatewayOptions) {
    this.redactor = opts.redactor;
    this.events = opts.events ?? new EventBus();
    this.recorder =
      opts.recorder ??
      new AuditRecorder({
        sink: opts.audit,
        redactor: opts.redactor,
        context: () => ({ user: this.admission.identity.user, bundleVersion: this.pool.bundle.version }),
      });
    this.pool = this.newPool(opts);
    this.gate = this.newGate(opts.pins ?? new PinStore());
    this.admission = new Admission({
      bundle: () => this.pool.bundle,
      identity: opts.identity ?? { user: 'local', groups: [] },
      vars: opts.vars,
      gate: this.gate,
      recorder: this.recorder,
      reevaluate: (server) => this.reevaluate(server),
    });
    this.lists = new Lists({
      settings: () => this.pool.bundle.settings,
      upstreams: () => this.pool.all(),
      sessions: () => this.live.values(),
      listens: this.listens,
      approved: (u, tool) => this.gate.isApproved(u.id, tool),
      judging: (u) => this.gate.judging(u.id),
      filterFor: (s) => this.admission.filterFor(s),
    });
    const progress = new ProgressRoutes();
    this.relay = new Relay({
      settings: () => this.pool.bundle.settings,
      sessions: () => this.live,
      upstreams: () => this.pool.all(),
      catalog: () => this.lists.catalog,
      progress,
      forward: (s, req, u, params) => this.router.forward(s, req, u, params),
    });
    this.approvals = this.newApprovals();
    this.router = this.newRouter(progress);
  }

  private newPool(opts: GatewayOptions): UpstreamPool {
    return new UpstreamPool({
      bundle: opts.bundle,
      makeChannel: opts.makeChannel,
      listener: this.upstreamListener(),
      events: this.events,
      onServerRetired: opts.onServerRetired,
      disabled: opts.disabledServers,
      reset: () => this.lists.reset(),
      announce: () => this.lists.allChanged(),
      judge: (u) => this.judge(u),
    });
  }

  private newRouter(progress: ProgressRoutes): Router {
    const bundle = () => this.pool.bundle;
    return new Router({
      bundle,
      sessions: () => this.live,
      closedReason: () => this.pool.closedReason,
      paused: () => this.pausedByUser,
      upstream: (id) => this.pool.get(id),
      upstreams: () => this.pool.all(),
      disabled: (id) => this.pool.isDisabled(id),
      firstStartPending: () => this.pool.firstStartPending(),
      whenSettled: () => this.pool.whenSettled(),
      instructions: () => this.instructions(),
      lists: this.lists,
      admission: this.admission,
      approvals: this.approvals,
      relay: this.relay,
      listens: this.listens,
      progress,
      recorder: this.recorder,
      events: this.events,
    });
  }

  get settings(): Bundle['settings'] {
    return this.pool.bundle.settings;
  }
  get currentBundle(): Bundle {
    return this.pool.bundle;
  }
  toolView(): ReturnType<Catalog['toolView']> {
    return this.lists.catalog.toolView();
  }
  /** Who the bundle's policy lets call a tool (for the dashboard). */
  rulesFor(server: string, tool: string): RuleSummary[] {
    return this.admission.rulesFor(server, tool);
  }
  /** The tools an agent of that name could call under the current policy (what a consent page names). */
  toolsFor(agent: string): string[] {
    const filter = this.admission.filterFor({ agent });
    const view = this.lists.catalog.toolView();
    return view.items.flatMap((t) => {
      const route = view.routes.get(t.name as string);
      return route && filter.tool(route.upstream, { name: route.name }) ? [t.name as string] : [];
    });
  }
  isDisabled(id: string): boolean {
    return this.pool.isDisabled(id);
  }
  /** The user switched a server off or on (the set given as `disabledServers` changed). */
  serverToggled(id: string): Promise<void> {
    return this.pool.toggled(id);
  }
  /** Why the gateway refuses everything (an expired bundle), or undefined. */
  get closedReason(): string | undefined {
    return this.pool.closedReason;
  }
  get user(): Identity {
    return this.admission.identity;
  }
  /** Paused by the user (tray, API): agents stay connected, but nothing is forwarded. */
  get paused(): boolean {
    return this.pausedByUser;
  }

  setPaused(paused: boolean): void {
    this.pausedByUser = paused;
    this.events.emit({ type: 'paused', paused, at: Date.now() });
  }

  /** Each upstream as it is now, for the status; changing it goes through the gateway. */
  upstreams(): UpstreamSnapshot[] {
    return this.pool.all().map((u) => u.snapshot());
  }
  upstream(id: string): UpstreamSnapshot | undefined {
    return this.pool.get(id)?.snapshot();
  }
  sessions(): SessionSnapshot[] {
    return [...this.live.values()].map((s) => s.snapshot());
  }

  /** The org login changed who the user is: views and decisions follow. */
  setIdentity(identity: Identity): void {
    this.admission.identity = identity;
    this.lists.dropViews();
    this.lists.allChanged();
  }

  exposedName(server: string, tool: string): string {
    return this.admission.exposedName(server, tool);
  }

  /** The dashboard's address, once the daemon listens: approval questions link to the full diff. */
  linkDashboard(url: string): void {
    this.approvals.dashboard = url;
  }

  start(): void {
    this.pool.start();
  }

  async stop(): Promise<void> {
    this.lists.stop();
    for (const s of [...this.live.values()]) {
      // Bridges then wait for a daemon to come back rather than start one (cli/bridge-ledger.ts).
      if (s.transport === 'stdio') s.sink.send(SHUTDOWN_NOTICE);
      this.closeSession(s);
    }
    await this.pool.stop();
  }

  /** Applies a new bundle: servers whose definition changed are restarted, others keep running. */
  async applyBundle(bundle: Bundle): Promise<void> {
    this.admission.use(this.admission.compile(bundle)); // compiling throws before anything changes
    await this.pool.apply(bundle);
  }

  /** Restarts one server (its credentials changed); the others keep running. */
  restartServer(id: string): Promise<void> {
    return this.pool.restart(id);
  }

  /** See UpstreamPool.whenSettled. */
  whenSettled(): Promise<void> {
    return this.pool.whenSettled();
  }

  decide(id: string, decision: 'approve' | 'reject', by: string, reason: string | null, context: DecisionSource = { via: 'api' }): PendingChange {
    return this.admission.decide(id, decision, by, reason, context);
  }

  reopen(id: string, by: string, reason: string | null, via: DecisionSource['via']): PendingChange | undefined {
    return this.admission.reopen(id, by, reason, via);
  }

  // ---- agent sessions -------------------------------------------------------

  openSession(agent: string, transport: 'stdio' | 'http', sink: ClientSink): ClientSession {
    const id = `s${this.nextSession++}`;
    const problem = (message: string) =>
      this.events.emit({ type: 'problem', component: 'multiplexer', message: `agent "${agent}" (${id}): ${message}`, at: Date.now() });
    const session = new ClientSession(id, agent, transport, encodingSafe(this.redacting(sink), problem));
    this.live.set(session.id, session);
    this.events.emit({ type: 'agent-connected', session: session.id, agent, transport, at: Date.now() });
    return session;
  }

  closeSession(session: ClientSession): void {
    if (!this.live.delete(session.id)) return;
    // Cancel what the agent left running, so upstreams stop working for nobody.
    for (const requestId of [...session.inflight.keys()]) this.router.cancel(session, requestId, 'client disconnected', 'disconnected');
    this.relay.closed(session);
    this.approvals.closed(session);
    this.events.emit({ type: 'agent-disconnected', session: session.id, agent: session.agent, at: Date.now() });
  }

  /** Every message an agent sends (mux/router.ts). */
  handle(session: ClientSession, message: JsonRpcMessage): void {
    this.router.handle(session, message);
  }

  cancel(session: ClientSession, requestId: JsonRpcId, reason: string, ended?: 'cancelled' | 'disconnected'): void {
    this.router.cancel(session, requestId, reason, ended);
  }

  /**
   * Every message to an agent passes here: when Gatehouse holds secrets, their
   * values are replaced before the agent (and its model) can see them. Answers go
   * out as the redacted JSON text; other messages are rebuilt only if something
   * had to be scrubbed.
   */
  private redacting(sink: ClientSink): ClientSink {
    const redactor = this.redactor;
    if (!redactor) return sink;
    return {
      send(message, related) {
        const r = redactor();
        if (r.empty) {
          sink.send(message, related);
          return;
        }
        if (typeof message === 'string' || message instanceof EncodedMessage) {
          sink.send(r.redact(message.toString()), related);
          return;
        }
        const text = JSON.stringify(message);
        const clean = r.redact(text);
        if (isResponse(message) && message.id !== null) {
          sink.send(clean, message.id);
          return;
        }
        sink.send(clean === text ? message : (JSON.parse(clean) as JsonRpcMessage), related);
      },
    };
  }

  // ---- wiring ---------------------------------------------------------------

  private newGate(store: PinStore): PinGate {
    return new PinGate({
      store,
      settings: () => this.pool.bundle.settings,
      exposedName: (server, tool) => this.exposedName(server, tool),
      otherTools: (server) =>
        this.pool
          .ready()
          .filter((u) => u.id !== server)
          .flatMap((u) => u.catalog.tools.map((t) => ({ server: u.id, name: String(t.name) }))),
      // Scan workers failing, or a tool that cannot be judged: the daemon goes on, the event log and the app say so.
      onProblem: (message) => this.events.emit({ type: 'problem', component: 'pinning', message, at: Date.now() }),
      onPending: (change) => {
        // A quarantine is a decision too: the record says what was held back and why.
        this.recorder.record(undefined, 'decision', {
          server: change.server,
          tool: change.exposedName,
          outcome: 'denied',
          decision: { effect: 'deny', rule: `quarantined: pending change ${change.id}` },
          detail: { kind: change.kind, risk: change.risk, hash: change.newHash, findings: change.findings.map((f) => f.rule) },
        });
        this.events.emit({
          type: 'pending-change',
          id: change.id,
          server: change.server,
          tool: change.tool,
          exposedName: change.exposedName,
          kind: change.kind,
          risk: change.risk,
          localDecision: change.localDecision,
          at: Date.now(),
        });
      },
      onDecision: (d) =>
        this.events.emit({ type: 'pending-decided', id: d.id, server: d.server, tool: d.tool, decision: d.decision, by: d.by, at: Date.now() }),
      // A big first sight is judged in slices: agents see the list fill in. The last report shows at once (whoever
      // awaited the judging lists next); the others once their tools are encoded, off the calls' path.
      onProgress: (server, finished) => {
        const upstream = this.pool.get(server);
        if (!finished && upstream) return this.lists.progress(upstream);
        this.lists.invalidate('tools');
        this.lists.changed('tools');
      },
    });
  }

  private newApprovals(): Approvals {
    return new Approvals({
      gate: this.gate,
      settings: () => this.pool.bundle.settings,
      personal: () => this.pool.bundle.org === undefined,
      isModern: (s) => isModern(s),
      decide: (id, d, by, reason, context) => this.decide(id, d, by, reason, context),
      record: (s, type, fields) => this.recorder.record(s, type, fields),
      fail: (s, id, code, message, data) => fail(s, id, code, message, data),
      scrub: (value) => this.recorder.scrub(value),
      proceed: (s, req, params) => this.router.proceed(s, req, params),
      conflict: (c) =>
        this.events.emit({
          type: 'pending-decided',
          id: c.id,
          server: c.server,
          tool: c.tool,
          decision: `conflict: ${c.answer} after ${c.earlier.decision}`,
          by: c.by,
          at: Date.now(),
        }),
    });
  }

  /** What the upstreams tell the multiplexer: their messages go to the relay, their lists and states to the lists. */
  private upstreamListener(): UpstreamListener {
    return {
      onNotification: (u: Upstream, message: JsonRpcNotification) => this.relay.onNotification(u, message),
      onServerRequest: (u: Upstream, message: JsonRpcRequest) => this.relay.onServerRequest(u, message),
      onCatalogChanged: (u: Upstream, kind: CatalogKind) => {
        if (kind === 'tools' && u.state === 'ready') this.judge(u);
        this.lists.invalidate(kind);
        this.events.emit({ type: 'catalog', server: u.id, kind, at: Date.now() });
        this.lists.changed(kind);
      },
      onStateChanged: (u: Upstream) => {
        for (const kind of ['tools', 'prompts', 'resources', 'resourceTemplates'] as const) this.lists.invalidate(kind);
        this.events.emit({ type: 'server', server: u.id, state: u.state, error: u.lastError ?? null, at: Date.now() });
        if (u.state !== 'ready') return;
        this.judge(u);
        this.relay.upstreamReady(u);
        this.lists.allChanged();
      },
    };
  }

  /** The pin gate judges a ready server's tools and instructions (it leaves out, and reports, tools it cannot encode). */
  private judge(u: Upstream): void {
    this.gate.evaluate(u.server, u.catalog.tools, u.instructions);
  }

  private reevaluate(server: string): void {
    const upstream = this.pool.get(server);
    if (upstream?.state === 'ready') this.judge(upstream);
    this.lists.invalidate('tools');
    this.lists.changed('tools');
  }

  /** With pass-through naming and one upstream, Gatehouse is transparent: pass its instructions on. */
  private instructions(): string | undefined {
    if (this.pool.bundle.settings.naming !== 'passthrough' || this.pool.size !== 1) return undefined;
    return this.pool.all()[0]?.instructions;
  }
}
