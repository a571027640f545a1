import { EventEmitter } from 'node:events';
import type { Bundle, BundleServer } from '../../shared/bundle/schema.ts';
import type { GatewayEvent } from '../../shared/control/contract.ts';
import {
  ErrorCode, errorResponse, isNotification, isPlainObject, isRequest, isResponse, responseProblem,
  type JsonRpcId, type JsonRpcMessage, type JsonRpcNotification, type JsonRpcRequest, type JsonRpcResponse,
} from '../../shared/jsonrpc/message.ts';
import { isModernVersion, META, negotiateLegacyVersion } from '../../shared/jsonrpc/protocol.ts';
import { exposedName } from '../../shared/naming/tool-names.ts';
import type { PendingChange } from '../../shared/pinning/pending.ts';
import type { AuditRecord } from '../../shared/audit/record.ts';
import type { Redactor } from '../../shared/redaction/redact.ts';
import { redactShapes } from '../../shared/redaction/redact.ts';
import { randomUUID } from 'node:crypto';
import { nodeSha256Hex } from '../hashing/sha256.ts';
import { Policy, SERVER_ACCESS, type Decision, type RuleSummary, type Subject } from '../../shared/policy/evaluate.ts';
import { PinGate } from '../pinning/gate.ts';
import { PinStore } from '../pinning/store.ts';
import type { UpstreamChannel } from '../upstream/channel.ts';
import { Upstream, type CatalogKind, type UpstreamListener } from '../upstream/upstream.ts';
import { Approvals, type DecisionContext } from './approval.ts';
import { clip } from '../../shared/pinning/word-diff.ts';
import { Catalog } from './catalog.ts';
import { EncodedMessage } from './encoded-message.ts';
import { capabilitiesOf, clientInfoOf, paramsProblem } from './agent-shapes.ts';
import { ClientSession, LOG_LEVELS, type CallEnding, type ClientSink, type InflightCall } from './client-session.ts';
import { cutText } from '../../shared/text/cut.ts';
import { SHUTDOWN_NOTICE } from '../../shared/jsonrpc/shutdown.ts';
import { ListenStreams, modernRequestRejection, modernResult, modernResultText, SUPPORTED_VERSIONS } from './era.ts';

export const GATEHOUSE_INFO = { name: 'gatehouse', title: 'Gatehouse', version: '0.1.0' };

const SERVER_CAPABILITIES = {
  tools: { listChanged: true },
  resources: { subscribe: true, listChanged: true },
  prompts: { listChanged: true },
  logging: {},
  completions: {},
};

const RECHECK_INTERVAL_MS = 2000;
// Tables indexed by what a peer sends are Maps: "__proto__" or "constructor" must be an unknown name, not a property.
const RECORDED: ReadonlyMap<string, AuditRecord['type']> = new Map([['tools/call', 'tools/call'], ['resources/read', 'resources/read'], ['prompts/get', 'prompts/get'], ['completion/complete', 'completion/complete']]);

const RELAY_CAPABILITY: ReadonlyMap<string, string> = new Map([
  ['sampling/createMessage', 'sampling'],
  ['elicitation/create', 'elicitation'],
  ['roots/list', 'roots'],
]);

const LIST_NOTIFICATION: Record<CatalogKind, string> = {
  tools: 'notifications/tools/list_changed',
  prompts: 'notifications/prompts/list_changed',
  resources: 'notifications/resources/list_changed',
  resourceTemplates: 'notifications/resources/list_changed',
};

export interface GatewayOptions {
  bundle: Bundle;
  makeChannel(server: BundleServer): UpstreamChannel;
  /** Local pin decisions; in memory when not given. */
  pins?: PinStore;
  /** Scrubs held secret values from everything sent to agents. */
  redactor?: () => Redactor;
  /** A server left the bundle or was revoked: its credentials must go too. */
  onServerRetired?: (server: BundleServer) => void;
  /** Where records go; a call's answer is sent once its record is committed. */
  audit?: AuditSink;
  /** Who the local user is (from the org login), for policy and the records. */
  identity?: Identity;
  /** Values for `${name}` in policy path roots (bundleDir, dataDir). */
  vars?: Record<string, string>;
  /** Servers the user switched off on this desktop (read live: `serverToggled` applies a change). */
  disabledServers?: ReadonlySet<string>;
}

export interface Identity { user: string; groups: readonly string[] }

export interface AuditSink { append(record: AuditRecord, done?: () => void): void }

interface ProgressRoute { session: ClientSession; token: string | number; clientRequestId: JsonRpcId }

type Handler = (session: ClientSession, req: JsonRpcRequest, params: Record<string, unknown>) => void;

/**
 * The multiplexer: routes every agent message to the right upstream and every
 * upstream message back to the right agent. Pure routing and bookkeeping; the
 * transports on either side are plugged in from outside.
 */
export class Gateway extends EventEmitter<{ event: [GatewayEvent] }> implements UpstreamListener {
  readonly upstreams = new Map<string, Upstream>();
  readonly sessions = new Map<string, ClientSession>();
  private bundle: Bundle;
  private catalog: Catalog;
  private policy: Policy;
  private identity: Identity;
  /** Per-subject views of the catalog: what each (user, groups, agent) may list. */
  private readonly views = new Map<string, Catalog>();
  /** Why nothing is reachable (the bundle expired); undefined while the bundle governs. */
  private closed: string | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;
  private readonly progress = new Map<string, ProgressRoute>();
  private readonly subscribers = new Map<string, Set<ClientSession>>();
  private nextProgress = 1;
  private nextSession = 1;
  private readonly pendingListChanges = new Set<string>();
  private listChangeTimer: NodeJS.Timeout | undefined;
  private readonly handlers: ReadonlyMap<string, Handler>;
  private upstreamLogLevel: number | undefined;
  readonly gate: PinGate;
  /** Decisions taken in the agent's conversation (gateway/mux/approval.ts). */
  readonly approvals: Approvals;
  /** 2026-07-28 agents' subscriptions/listen streams (mux/era.ts). */
  private readonly listens = new ListenStreams((s) => this.sessions.get(s.id) === s);
  /** Paused by the user (tray, API): agents stay connected, but nothing is forwarded. */
  paused = false;
  private settled: Promise<void> | undefined;

  private readonly opts: GatewayOptions;

  constructor(opts: GatewayOptions) {
    super();
    this.opts = opts;
    this.bundle = opts.bundle;
    this.identity = opts.identity ?? { user: 'local', groups: [] };
    this.policy = new Policy(opts.bundle, opts.vars);
    this.gate = new PinGate({
      store: opts.pins ?? new PinStore(),
      settings: () => this.bundle.settings,
      exposedName: (server, tool) => this.exposedName(server, tool),
      otherTools: (server) => [...this.upstreams.values()].filter((u) => u.id !== server && u.state === 'ready').flatMap((u) => u.catalog.tools.map((t) => ({ server: u.id, name: String(t.name) }))),
      onPending: (change) => {
        // A quarantine is a decision too: the record says what was held back and why.
        this.record(undefined, 'decision', { server: change.server, tool: change.exposedName, outcome: 'denied', decision: { effect: 'deny', rule: `quarantined: pending change ${change.id}` }, detail: { kind: change.kind, risk: change.risk, hash: change.newHash, findings: change.findings.map((f) => f.rule) } });
        this.emit('event', { type: 'pending-change', id: change.id, server: change.server, tool: change.tool, exposedName: change.exposedName, kind: change.kind, risk: change.risk, localDecision: change.localDecision, at: Date.now() });
      },
      onDecision: (d) => this.emit('event', { type: 'pending-decided', id: d.id, server: d.server, tool: d.tool, decision: d.decision, by: d.by, at: Date.now() }),
      // A big first sight is judged in slices: agents see the list fill in.
      onProgress: () => { this.invalidate('tools'); this.listChanged('tools'); },
    });
    this.approvals = new Approvals({
      gate: this.gate,
      settings: () => this.bundle.settings,
      personal: () => this.bundle.org === undefined,
      isModern: (s) => this.isModern(s),
      decide: (id, d, by, reason, context) => this.decide(id, d, by, reason, context),
      record: (s, type, fields) => this.record(s, type, fields),
      fail: (s, id, code, message, data) => this.fail(s, id, code, message, data),
      scrub: (value) => this.scrub(value),
      proceed: (s, req, params) => this.routeNamed(s, req, params, 'tool'),
      conflict: (c) => this.emit('event', { type: 'pending-decided', id: c.id, server: c.server, tool: c.tool, decision: `conflict: ${c.answer} after ${c.earlier.decision}`, by: c.by, at: Date.now() }),
    });
    this.catalog = this.newCatalog();
    this.handlers = new Map<string, Handler>([
      ['initialize', (s, r, p) => this.initialize(s, r, p)],
      ['ping', (s, r) => this.reply(s, r, {})],
      ['server/discover', (s, r) => this.reply(s, r, this.discoverResult())],
      ['subscriptions/listen', (s, r, p) => { if (!this.listens.listen(s, r, p)) this.fail(s, r.id, ErrorCode.InvalidParams, 'subscriptions/listen needs a "notifications" object'); }],
      ['tools/list', (s, r, p) => { this.recheckTools(); this.list(s, r, p, 'tools'); }],
      ['prompts/list', (s, r, p) => this.list(s, r, p, 'prompts')],
      ['resources/list', (s, r, p) => this.list(s, r, p, 'resources')],
      ['resources/templates/list', (s, r, p) => this.list(s, r, p, 'resourceTemplates')],
      ['tools/call', (s, r, p) => this.routeNamed(s, r, p, 'tool')],
      ['prompts/get', (s, r, p) => this.routeNamed(s, r, p, 'prompt')],
      ['resources/read', (s, r, p) => this.routeUri(s, r, p)],
      ['resources/subscribe', (s, r, p) => this.subscribe(s, r, p)],
      ['resources/unsubscribe', (s, r, p) => this.unsubscribe(s, r, p)],
      ['completion/complete', (s, r, p) => this.complete(s, r, p)],
      ['logging/setLevel', (s, r, p) => this.setLevel(s, r, p)],
    ]);
  }

  get settings(): Bundle['settings'] { return this.bundle.settings; }
  get currentBundle(): Bundle { return this.bundle; }
  toolView(): ReturnType<Catalog['toolView']> { return this.catalog.toolView(); }
  /** Who the bundle's policy lets call a tool (for the dashboard). */
  rulesFor(server: string, tool: string): RuleSummary[] { return this.policy.rulesFor(server, tool); }
  /** The tools an agent of that name could call under the current policy (what a consent page names). */
  toolsFor(agent: string): string[] {
    const subject = { user: this.identity.user, groups: this.identity.groups, agent };
    const view = this.catalog.toolView();
    return view.items.flatMap((t) => {
      const route = view.routes.get(t.name as string);
      return route && this.policy.visible(subject, route.upstream.id, route.name) ? [t.name as string] : [];
    });
  }

  /** Why the gateway refuses everything (an expired bundle), or undefined. */
  get closedReason(): string | undefined { return this.closed; }
  get user(): Identity { return this.identity; }

  /** The org login changed who the user is: views and decisions follow. */
  setIdentity(identity: Identity): void {
    this.identity = identity;
    this.views.clear();
    for (const kind of ['tools', 'prompts', 'resources'] as const) this.listChanged(kind);
  }

  start(): void {
    this.watchExpiry();
    for (const server of this.bundle.servers) {
      // A revoked server keeps no credentials, even ones stored before this start.
      if (server.status === 'revoked') this.opts.onServerRetired?.(server);
      this.addUpstream(server);
    }
  }

  async stop(): Promise<void> {
    clearTimeout(this.listChangeTimer);
    clearTimeout(this.expiryTimer);
    for (const s of [...this.sessions.values()]) {
      // Bridges then wait for a daemon to come back rather than start one (cli/bridge-ledger.ts).
      if (s.transport === 'stdio') s.sink.send(SHUTDOWN_NOTICE);
      this.closeSession(s);
    }
    await Promise.all([...this.upstreams.values()].map((u) => u.stop()));
  }

  /** Applies a new bundle: servers whose definition changed are restarted, others keep running. */
  async applyBundle(bundle: Bundle): Promise<void> {
    const policy = new Policy(bundle, this.opts.vars, this.policy); // throws before anything changes if a rule does not compile; unchanged rate limits keep their state
    const before = new Map(this.bundle.servers.map((s) => [s.id, JSON.stringify(s)]));
    const reopened = this.closed !== undefined;
    this.bundle = bundle;
    this.policy = policy;
    this.closed = undefined;
    this.resetCatalogs();
    this.watchExpiry();
    if (reopened) before.clear(); // the upstreams were stopped when the old bundle expired
    const next = new Map(bundle.servers.map((s) => [s.id, s]));
    const stops: Promise<void>[] = [];
    for (const [id, upstream] of this.upstreams) {
      const server = next.get(id);
      if (!server || before.get(id) !== JSON.stringify(server) || server.status === 'revoked') {
        this.upstreams.delete(id);
        stops.push(upstream.stop());
      }
    }
    await Promise.all(stops);
    for (const [id, json] of before) {
      const server = next.get(id);
      if (!server || server.status === 'revoked') this.opts.onServerRetired?.(server ?? (JSON.parse(json) as BundleServer));
    }
    for (const server of bundle.servers) if (!this.upstreams.has(server.id)) this.addUpstream(server);
    // Servers that kept running are judged again under the new bundle: a tighter localApproval must reach changes already pending.
    for (const u of this.upstreams.values()) if (u.state === 'ready') this.gate.evaluate(u.server, u.catalog.tools, u.instructions);
    this.emit('event', { type: 'bundle', name: bundle.name, version: bundle.version, at: Date.now() });
    for (const kind of ['tools', 'prompts', 'resources'] as const) this.listChanged(kind);
  }

  /**
   * When an agent lists tools, re-read upstream lists in the background (at most
   * every few seconds), so a server that changes its tools without saying so is
   * still caught. The agent meanwhile gets the approved, cached definitions.
   */
  private recheckTools(): void {
    for (const u of this.upstreams.values()) if (u.state === 'ready' && 'tools' in u.capabilities) u.recheck('tools', RECHECK_INTERVAL_MS);
  }

  private newCatalog(): Catalog {
    return new Catalog(this.bundle.settings, () => [...this.upstreams.values()], (u, tool) => this.gate.isApproved(u.id, tool));
  }

  /** A new bundle, or none in force: the full catalog and every per-subject view start over. */
  private resetCatalogs(): void {
    this.views.clear();
    this.catalog = this.newCatalog();
  }

  /**
   * After its expiry the bundle no longer governs: every upstream stops and
   * every call is refused until a newer bundle arrives (fail closed).
   */
  private watchExpiry(): void {
    clearTimeout(this.expiryTimer);
    const at = this.bundle.expiresAt === undefined ? undefined : Date.parse(this.bundle.expiresAt);
    if (at === undefined) return;
    const wait = at - Date.now();
    if (wait <= 0) { void this.failClosed(`bundle "${this.bundle.name}" version ${this.bundle.version} expired at ${this.bundle.expiresAt}; no server is reachable until a newer bundle arrives from the org`); return; }
    // Timers overflow past ~24.8 days; check again then.
    this.expiryTimer = setTimeout(() => this.watchExpiry(), Math.min(wait, 2 ** 31 - 1));
    this.expiryTimer.unref();
  }

  private async failClosed(reason: string): Promise<void> {
    this.closed = reason;
    const stopping = [...this.upstreams.values()];
    this.upstreams.clear();
    this.resetCatalogs();
    this.emit('event', { type: 'bundle', name: this.bundle.name, version: this.bundle.version, at: Date.now() });
    for (const kind of ['tools', 'prompts', 'resources'] as const) this.listChanged(kind);
    await Promise.all(stopping.map((u) => u.stop()));
  }

  private subjectOf(session: ClientSession): Subject {
    return { user: this.identity.user, groups: this.identity.groups, agent: session.agent };
  }

  /** The catalog as this session's subject may see it: only tools the policy could allow, only servers it may use. */
  private catalogFor(session: ClientSession): Catalog {
    const subject = this.subjectOf(session);
    const key = `${subject.user}\u0000${subject.agent}`;
    let view = this.views.get(key);
    if (!view) {
      const policy = this.policy;
      view = new Catalog(this.bundle.settings, () => [...this.upstreams.values()],
        (u, tool) => this.gate.isApproved(u.id, tool) && policy.visible(subject, u.id, String(tool.name)),
        (u) => policy.serverVisible(subject, u.id));
      this.views.set(key, view);
    }
    return view;
  }

  private invalidate(kind: CatalogKind): void {
    this.catalog.invalidate(kind);
    for (const view of this.views.values()) view.invalidate(kind);
  }

  /**
   * The policy's word on one request, before it reaches the upstream. A refusal
   * is recorded and answered with an error that names the rule.
   */
  private admit(session: ClientSession, req: JsonRpcRequest, upstream: Upstream, tool: string | undefined, args: unknown, shownName: string): Decision | undefined {
    const subject = this.subjectOf(session);
    const decision = tool === undefined ? this.policy.checkServer(subject, upstream.id) : this.policy.check(subject, upstream.id, tool, args);
    if (decision.effect === 'deny') {
      this.record(session, 'denial', { server: upstream.id, tool: shownName, outcome: 'denied', decision: { effect: 'deny', rule: decision.rule }, arguments: this.scrub(args) });
      this.fail(session, req.id, ErrorCode.PolicyDenied, `denied by policy rule "${decision.rule}": ${decision.reason}`, { rule: decision.rule, server: upstream.id, target: shownName });
      return undefined;
    }
    if (tool === undefined) return decision;
    const rate = this.policy.rate(subject, upstream.id, tool, Date.now());
    if (!rate.ok) {
      this.record(session, 'denial', { server: upstream.id, tool: shownName, outcome: 'denied', decision: { effect: 'deny', rule: `rate-limit:${rate.limit}` }, arguments: this.scrub(args) });
      this.fail(session, req.id, ErrorCode.RateLimited, `rate limit "${rate.limit}" reached for ${shownName}: retry after ${Math.ceil(rate.retryAfterMs / 100) / 10} s`, { limit: rate.limit, retryAfterMs: rate.retryAfterMs });
      return undefined;
    }
    return decision;
  }

  exposedName(server: string, tool: string): string {
    return exposedName(server, tool, this.bundle.settings.toolNameSeparator, this.bundle.settings.naming === 'passthrough');
  }

  /**
   * Approves or rejects a pending change, then shows agents the result. The
   * decision names where it was taken and, from a chat, the agent and its client.
   */
  decide(id: string, decision: 'approve' | 'reject', by: string, reason: string | null, context: DecisionContext = { via: 'api' }): PendingChange {
    const kept = { via: context.via, agent: context.session?.agent, client: clientName(context.session?.clientInfo), correlationId: context.correlationId, late: context.late || undefined };
    const change = decision === 'approve' ? this.gate.approve(id, by, reason, kept) : this.gate.reject(id, by, reason, kept);
    this.record(context.session, 'decision', { ...(context.correlationId ? { correlationId: context.correlationId } : {}), server: change.server, tool: change.exposedName, outcome: 'ok', decision: { effect: decision === 'approve' ? 'allow' : 'deny', rule: `pending change ${id}` }, detail: { by, via: context.via, reason, risk: change.risk, hash: change.newHash, ...(context.late ? { late: true } : {}) } });
    this.reevaluate(change.server);
    return change;
  }

  /** Undoes a rejection: the definition is pending again, to be decided anew. */
  reopen(id: string, by: string, reason: string | null, via: DecisionContext['via']): PendingChange | undefined {
    const d = this.gate.reopen(id, by, reason, { via });
    this.record(undefined, 'decision', { server: d.server, tool: this.exposedName(d.server, d.tool), outcome: 'ok', decision: { effect: 'deny', rule: `reopened change ${id}` }, detail: { by, via, reason, risk: d.risk, hash: d.hash } });
    this.reevaluate(d.server);
    return this.gate.pending().find((p) => p.id === id);
  }

  private reevaluate(server: string): void {
    const upstream = this.upstreams.get(server);
    if (upstream?.state === 'ready') this.gate.evaluate(upstream.server, upstream.catalog.tools, upstream.instructions);
    this.invalidate('tools');
    this.listChanged('tools');
  }

  isDisabled(id: string): boolean { return this.opts.disabledServers?.has(id) ?? false; }

  /** The user switched a server off or on: stop it, or start it, and tell agents their lists changed. */
  async serverToggled(id: string): Promise<void> {
    const server = this.bundle.servers.find((s) => s.id === id);
    const upstream = this.upstreams.get(id);
    if (this.isDisabled(id) && upstream) {
      this.upstreams.delete(id);
      await upstream.stop();
      this.resetCatalogs();
      this.emit('event', { type: 'server', server: id, state: 'disabled', error: null, at: Date.now() });
      for (const kind of ['tools', 'prompts', 'resources'] as const) this.listChanged(kind);
    } else if (!this.isDisabled(id) && !upstream && server) {
      this.addUpstream(server);
    }
  }

  private addUpstream(server: BundleServer): void {
    // Revoked servers are never spawned or connected, and nothing is under an expired bundle.
    if (server.status === 'revoked' || this.closed !== undefined || this.isDisabled(server.id)) return;
    const upstream = new Upstream({
      server,
      callTimeoutMs: this.bundle.settings.callTimeoutMs,
      startTimeoutMs: this.bundle.settings.startTimeoutMs,
      restart: this.bundle.settings.restart,
      makeChannel: () => this.opts.makeChannel(server),
      listener: this,
      clientInfo: { name: GATEHOUSE_INFO.name, version: GATEHOUSE_INFO.version },
    });
    this.upstreams.set(server.id, upstream);
    upstream.start();
  }

  // ---- agent sessions -------------------------------------------------------

  openSession(agent: string, transport: 'stdio' | 'http', sink: ClientSink): ClientSession {
    const session = new ClientSession(`s${this.nextSession++}`, agent, transport, this.redacting(sink));
    this.sessions.set(session.id, session);
    this.emit('event', { type: 'agent-connected', session: session.id, agent, transport, at: Date.now() });
    return session;
  }

  /**
   * Every message to an agent passes here: when Gatehouse holds secrets, their
   * values are replaced before the agent (and its model) can see them. Answers go
   * out as the redacted JSON text; other messages are rebuilt only if something
   * had to be scrubbed.
   */
  private redacting(sink: ClientSink): ClientSink {
    const redactor = this.opts.redactor;
    if (!redactor) return sink;
    return {
      send(message, related) {
        const r = redactor();
        if (r.empty) { sink.send(message, related); return; }
        if (typeof message === 'string' || message instanceof EncodedMessage) { sink.send(r.redact(message.toString()), related); return; }
        const text = JSON.stringify(message);
        const clean = r.redact(text);
        if (isResponse(message) && message.id !== null) { sink.send(clean, message.id); return; }
        sink.send(clean === text ? message : (JSON.parse(clean) as JsonRpcMessage), related);
      },
    };
  }

  /** Restarts one server (its credentials changed); the others keep running. */
  async restartServer(id: string): Promise<void> {
    const upstream = this.upstreams.get(id);
    const server = this.bundle.servers.find((s) => s.id === id);
    if (upstream) {
      this.upstreams.delete(id);
      await upstream.stop();
    }
    if (server) this.addUpstream(server);
  }

  closeSession(session: ClientSession): void {
    if (!this.sessions.delete(session.id)) return;
    // Cancel what the agent left running, so upstreams stop working for nobody.
    for (const requestId of [...session.inflight.keys()]) this.cancel(session, requestId, 'client disconnected', 'disconnected');
    for (const relayed of session.relayed.values()) {
      relayed.upstream.respond(errorResponse(relayed.upstreamRequestId, ErrorCode.ConnectionClosed, 'the client that was asked disconnected'));
    }
    session.relayed.clear();
    this.approvals.closed(session);
    for (const uri of session.subscriptions) this.dropSubscriber(session, uri);
    this.emit('event', { type: 'agent-disconnected', session: session.id, agent: session.agent, at: Date.now() });
  }

  /**
   * Entry point for every message an agent sends. An agent is a hostile peer: whatever
   * it sends costs at most its own request (answered with an error), never the daemon.
   */
  handle(session: ClientSession, message: JsonRpcMessage): void {
    try {
      this.dispatch(session, message);
    } catch (err) {
      this.emit('event', { type: 'problem', component: 'multiplexer', message: `a message from agent "${session.agent}" could not be handled: ${(err as Error).message}`, at: Date.now() });
      if (isRequest(message) && !session.inflight.has(message.id)) this.fail(session, message.id, ErrorCode.InternalError, `Gatehouse could not handle ${message.method}; the request was dropped`);
    }
  }

  private dispatch(session: ClientSession, message: JsonRpcMessage): void {
    session.lastActiveAt = Date.now();
    if (isRequest(message)) {
      const params = message.params ?? {};
      const bad = paramsProblem(params);
      if (bad) { this.fail(session, message.id, ErrorCode.InvalidParams, `invalid params for ${message.method}: ${bad}`); return; }
      // Answers are matched by id: a second request under an id still running would orphan the first.
      if (session.inflight.has(message.id)) { this.fail(session, message.id, ErrorCode.InvalidRequest, `request id ${JSON.stringify(message.id)} is already in use by a request still running`); return; }
      if (!session.initialized && message.method !== 'initialize') this.adoptModernMeta(session, params);
      const eraRejection = this.isModern(session) ? modernRequestRejection(message.method, params) : undefined;
      if (eraRejection) { this.fail(session, message.id, eraRejection.code, eraRejection.message, eraRejection.data); return; }
      const handler = this.handlers.get(message.method);
      if (this.closed !== undefined && FORWARDED_METHODS.has(message.method)) {
        this.fail(session, message.id, ErrorCode.BundleExpired, this.closed);
        return;
      }
      if (this.paused && FORWARDED_METHODS.has(message.method)) {
        this.fail(session, message.id, ErrorCode.UpstreamUnavailable, 'Gatehouse is paused by its user: nothing reaches the servers until it is resumed (tray menu, or POST /api/v1/pause {"paused":false})');
        return;
      }
      if (handler && CATALOG_METHODS.has(message.method) && this.firstStartPending()) {
        void this.whenSettled().then(() => { if (this.sessions.has(session.id)) handler(session, message, params); });
      } else if (handler) handler(session, message, params);
      else session.sink.send(errorResponse(message.id, ErrorCode.MethodNotFound, `method "${message.method}" is not supported by Gatehouse`));
      return;
    }
    if (isResponse(message)) {
      if (message.id === null) return;
      const problem = responseProblem(message);
      // A malformed answer still answers its question: as an error, so nothing waits on it.
      const answer: JsonRpcResponse = problem ? errorResponse(message.id, ErrorCode.InvalidRequest, `the agent sent a malformed answer: ${problem}`) : message;
      const own = session.own.get(message.id);
      if (own) { session.own.delete(message.id); own(answer); return; }
      const relayed = session.relayed.get(message.id);
      if (!relayed) return;
      session.relayed.delete(message.id);
      relayed.upstream.respond('result' in answer
        ? { jsonrpc: '2.0', id: relayed.upstreamRequestId, result: answer.result }
        : { jsonrpc: '2.0', id: relayed.upstreamRequestId, error: answer.error });
      return;
    }
    if (isNotification(message)) this.clientNotification(session, message);
  }

  /**
   * Abandons an agent's request: the upstream is told to stop, and no answer is sent.
   * The call is still recorded, once, when the upstream answers late or the wait for
   * that ends (the upstream may already have acted on it).
   */
  cancel(session: ClientSession, requestId: JsonRpcId, reason: string, ended: 'cancelled' | 'disconnected' = 'cancelled'): void {
    const call = session.inflight.get(requestId);
    if (!call) { if (!this.listens.end(session, requestId)) this.approvals.abandoned(session, requestId); return; }
    session.inflight.delete(requestId);
    call.ended = { as: ended, reason };
    if (call.progressToken) this.progress.delete(call.progressToken);
    if (call.upstreamId !== undefined) call.upstream.cancel(call.upstreamId, reason);
  }

  private clientNotification(session: ClientSession, n: JsonRpcNotification): void {
    switch (n.method) {
      case 'notifications/initialized':
        session.initialized = true;
        return;
      case 'notifications/cancelled': {
        const requestId = n.params?.requestId as JsonRpcId | undefined;
        if (requestId !== undefined) this.cancel(session, requestId, typeof n.params?.reason === 'string' ? cutText(n.params.reason, 200) : 'cancelled by client');
        return;
      }
      case 'notifications/roots/list_changed':
        for (const u of this.upstreams.values()) if (u.server.forwardRoots && u.state === 'ready') u.notify(n.method);
        return;
      default:
        return;
    }
  }

  /** A request without initialize that carries the 2026-07-28 _meta envelope: a stateless client. */
  private adoptModernMeta(session: ClientSession, params: Record<string, unknown>): void {
    const meta = params._meta as Record<string, unknown> | undefined;
    const version = meta?.[META.protocolVersion];
    if (typeof version !== 'string' || !isModernVersion(version)) return;
    session.protocolVersion = version;
    const caps = meta?.[META.clientCapabilities];
    if (caps !== undefined) session.capabilities = capabilitiesOf(caps);
    const info = meta?.[META.clientInfo];
    if (info !== undefined) session.clientInfo = clientInfoOf(info);
    const level = meta?.[META.logLevel];
    const index = LOG_LEVELS.indexOf(level as never);
    if (index >= 0) session.logLevel = index;
  }

  private isModern(session: ClientSession): boolean {
    return isModernVersion(session.protocolVersion);
  }

  private reply(session: ClientSession, req: JsonRpcRequest, result: Record<string, unknown>): void {
    session.sink.send({ jsonrpc: '2.0', id: req.id, result: this.isModern(session) ? { resultType: 'complete', ...result } : result });
  }

  private fail(session: ClientSession, id: JsonRpcId, code: number, message: string, data?: unknown): void {
    session.errors++;
    session.sink.send(errorResponse(id, code, message, data));
  }

  private initialize(session: ClientSession, req: JsonRpcRequest, params: Record<string, unknown>): void {
    session.protocolVersion = negotiateLegacyVersion(params.protocolVersion);
    session.clientInfo = clientInfoOf(params.clientInfo);
    session.capabilities = capabilitiesOf(params.capabilities);
    session.initialized = true;
    this.emit('event', { type: 'agent-initialized', session: session.id, agent: session.agent, clientInfo: session.clientInfo ?? null, protocolVersion: session.protocolVersion, at: Date.now() });
    const result: Record<string, unknown> = { protocolVersion: session.protocolVersion, capabilities: SERVER_CAPABILITIES, serverInfo: GATEHOUSE_INFO };
    const instructions = this.instructions();
    if (instructions) result.instructions = instructions;
    session.sink.send({ jsonrpc: '2.0', id: req.id, result });
  }

  private discoverResult(): Record<string, unknown> {
    const result: Record<string, unknown> = {
      supportedVersions: SUPPORTED_VERSIONS,
      capabilities: SERVER_CAPABILITIES,
      serverInfo: GATEHOUSE_INFO,
      ttlMs: 0,
      cacheScope: 'private',
      _meta: { [META.serverInfo]: GATEHOUSE_INFO },
    };
    const instructions = this.instructions();
    if (instructions) result.instructions = instructions;
    return result;
  }

  /** With pass-through naming and one upstream, Gatehouse is transparent: pass its instructions on. */
  private instructions(): string | undefined {
    if (this.bundle.settings.naming !== 'passthrough' || this.upstreams.size !== 1) return undefined;
    return [...this.upstreams.values()][0]?.instructions;
  }

  private list(session: ClientSession, req: JsonRpcRequest, params: Record<string, unknown>, kind: CatalogKind): void {
    const catalog = this.catalogFor(session);
    const view = kind === 'tools' ? catalog.toolView()
      : kind === 'prompts' ? catalog.promptView()
      : kind === 'resources' ? catalog.resourceView()
      : catalog.templateView();
    const { list } = view;
    let offset = 0;
    if (typeof params.cursor === 'string') {
      const resumed = list.resume(params.cursor);
      if (resumed === undefined) {
        this.fail(session, req.id, ErrorCode.InvalidParams, `invalid cursor for ${req.method}: list again without a cursor`);
        return;
      }
      offset = resumed;
    }
    const notification = LIST_NOTIFICATION[kind];
    session.seen.set(notification, this.listSnapshot(notification, catalog));
    const modern = this.isModern(session) ? '"resultType":"complete","ttlMs":0,"cacheScope":"private",' : '';
    // The answer is written from the cached bytes: only the id and the page's end are encoded per request.
    const head = Buffer.from(`{"jsonrpc":"2.0","id":${JSON.stringify(req.id)},"result":{${modern}"${kind}":`);
    const end = Math.min(list.items.length, offset + this.bundle.settings.pageSize);
    const body = offset === 0 && end === list.items.length ? [list.body] : list.page(offset, end);
    const tail = end < list.items.length ? Buffer.from(`,"nextCursor":"${list.cursorAt(end)}"}}`) : LIST_END;
    session.sink.send(new EncodedMessage([head, ...body, tail]), req.id);
  }

  private routeNamed(session: ClientSession, req: JsonRpcRequest, params: Record<string, unknown>, what: 'tool' | 'prompt'): void {
    const name = params.name;
    if (typeof name !== 'string') { this.fail(session, req.id, ErrorCode.InvalidParams, `${req.method} needs a "name" string`); return; }
    const view = what === 'tool' ? this.catalog.toolView() : this.catalog.promptView();
    const route = view.routes.get(name);
    // An answer to Gatehouse's own question is read before the route: someone else's approval must not skip it.
    if (what === 'tool' && params.inputResponses !== undefined && this.approvals.answered(session, req, params, name)) return;
    if (!route) {
      if (what === 'tool' && this.approvals.heldBack(session, req, params, name)) return;
      this.unknownName(session, req.id, name, what);
      return;
    }
    const decision = this.admit(session, req, route.upstream, what === 'tool' ? route.name : undefined, params.arguments, name);
    if (!decision) return;
    this.forward(session, req, route.upstream, { ...params, name: route.name }, decision);
  }

  private unknownName(session: ClientSession, id: JsonRpcId, name: string, what: 'tool' | 'prompt'): void {
    const sep = this.bundle.settings.toolNameSeparator;
    const at = name.indexOf(sep);
    if (this.bundle.settings.naming === 'prefixed' && at > 0) {
      const serverId = name.slice(0, at);
      const upstream = this.upstreams.get(serverId);
      if (!upstream && this.isDisabled(serverId) && this.bundle.servers.some((s) => s.id === serverId)) {
        this.fail(session, id, ErrorCode.UpstreamUnavailable, `server "${serverId}" is switched off on this desktop: its user can turn it back on (gatehouse server enable ${serverId}, or the dashboard's Servers page)`, { server: serverId, [what]: name });
        return;
      }
      if (!upstream) {
        this.fail(session, id, ErrorCode.InvalidParams, `unknown server "${serverId}" (in ${what} "${name}"): it is not in the bundle "${this.bundle.name}"`, { server: serverId, [what]: name });
        return;
      }
      if (upstream.state !== 'ready') {
        this.fail(session, id, ErrorCode.UpstreamUnavailable, `server "${serverId}" is not available (${upstream.state}${upstream.lastError ? `: ${upstream.lastError}` : ''})`, { server: serverId, [what]: name });
        return;
      }
    }
    this.fail(session, id, ErrorCode.InvalidParams, `unknown ${what} "${name}"`, { [what]: name });
  }

  private routeUri(session: ClientSession, req: JsonRpcRequest, params: Record<string, unknown>): void {
    const uri = params.uri;
    if (typeof uri !== 'string') { this.fail(session, req.id, ErrorCode.InvalidParams, `${req.method} needs a "uri" string`); return; }
    const upstream = this.catalog.resolveUri(uri);
    // Invalid params, as the current revision wants (SEP-2164); -32002 was the older servers' habit.
    if (!upstream) { this.fail(session, req.id, ErrorCode.InvalidParams, `no server provides resource "${uri}"`, { uri }); return; }
    const decision = this.admit(session, req, upstream, undefined, { uri }, uri);
    if (!decision) return;
    this.forward(session, req, upstream, params, decision);
  }

  private subscribe(session: ClientSession, req: JsonRpcRequest, params: Record<string, unknown>): void {
    const uri = params.uri;
    if (typeof uri !== 'string') { this.fail(session, req.id, ErrorCode.InvalidParams, 'resources/subscribe needs a "uri" string'); return; }
    const upstream = this.catalog.resolveUri(uri);
    if (!upstream) { this.fail(session, req.id, ErrorCode.ResourceNotFound, `no server provides resource "${uri}"`, { uri }); return; }
    if (!this.admit(session, req, upstream, undefined, { uri }, uri)) return;
    const subs = this.subscribers.get(uri);
    session.subscriptions.add(uri);
    if (subs && subs.size > 0) { subs.add(session); this.reply(session, req, {}); return; }
    this.subscribers.set(uri, new Set([session]));
    this.forward(session, req, upstream, params);
  }

  private unsubscribe(session: ClientSession, req: JsonRpcRequest, params: Record<string, unknown>): void {
    const uri = params.uri;
    if (typeof uri !== 'string') { this.fail(session, req.id, ErrorCode.InvalidParams, 'resources/unsubscribe needs a "uri" string'); return; }
    session.subscriptions.delete(uri);
    const subs = this.subscribers.get(uri);
    subs?.delete(session);
    const upstream = this.catalog.resolveUri(uri);
    if (subs && subs.size === 0 && upstream) {
      this.subscribers.delete(uri);
      this.forward(session, req, upstream, params);
      return;
    }
    this.reply(session, req, {});
  }

  private dropSubscriber(session: ClientSession, uri: string): void {
    const subs = this.subscribers.get(uri);
    if (!subs) return;
    subs.delete(session);
    if (subs.size > 0) return;
    this.subscribers.delete(uri);
    const upstream = this.catalog.resolveUri(uri);
    if (upstream?.state === 'ready') upstream.forward('resources/unsubscribe', { uri }, () => {});
  }

  private complete(session: ClientSession, req: JsonRpcRequest, params: Record<string, unknown>): void {
    const ref = params.ref as Record<string, unknown> | undefined;
    if (ref?.type === 'ref/prompt' && typeof ref.name === 'string') {
      const route = this.catalog.promptView().routes.get(ref.name);
      if (!route) { this.unknownName(session, req.id, ref.name, 'prompt'); return; }
      if (!this.admit(session, req, route.upstream, undefined, undefined, ref.name)) return;
      this.forward(session, req, route.upstream, { ...params, ref: { ...ref, name: route.name } });
      return;
    }
    if (ref?.type === 'ref/resource' && typeof ref.uri === 'string') {
      const match = this.catalog.templateView().matchers.find((m) => m.template === ref.uri);
      const upstream = match?.upstream ?? this.catalog.resolveUri(ref.uri);
      if (!upstream) { this.fail(session, req.id, ErrorCode.InvalidParams, `no server provides resource template "${ref.uri}"`); return; }
      if (!this.admit(session, req, upstream, undefined, undefined, ref.uri)) return;
      this.forward(session, req, upstream, params);
      return;
    }
    this.fail(session, req.id, ErrorCode.InvalidParams, 'completion/complete needs a ref of type ref/prompt or ref/resource');
  }

  private setLevel(session: ClientSession, req: JsonRpcRequest, params: Record<string, unknown>): void {
    const level = LOG_LEVELS.indexOf(params.level as never);
    if (level < 0) { this.fail(session, req.id, ErrorCode.InvalidParams, `unknown log level "${String(params.level)}"; use one of ${LOG_LEVELS.join(', ')}`); return; }
    session.logLevel = level;
    this.reply(session, req, {});
    // Upstream sessions are shared, so ask them for the most verbose level any agent wants and filter per agent.
    let wanted = level;
    for (const s of this.sessions.values()) if (s.logLevel !== undefined && s.logLevel < wanted) wanted = s.logLevel;
    if (wanted === this.upstreamLogLevel) return;
    this.upstreamLogLevel = wanted;
    for (const u of this.upstreams.values()) {
      if (u.state === 'ready' && 'logging' in u.capabilities) u.forward('logging/setLevel', { level: LOG_LEVELS[wanted] }, () => {});
    }
  }

  /** Sends an agent's request to an upstream under a fresh id, and its answer back under the agent's id. */
  private forward(session: ClientSession, req: JsonRpcRequest, upstream: Upstream, params: Record<string, unknown>, decision?: Decision): void {
    const clientId = req.id;
    session.calls++;
    let outParams = params;
    let progressToken: string | undefined;
    const meta = params._meta as Record<string, unknown> | undefined;
    if (meta && (typeof meta.progressToken === 'string' || typeof meta.progressToken === 'number')) {
      // Agents pick tokens independently; give the shared upstream session a unique one.
      progressToken = `gh${this.nextProgress++}`;
      this.progress.set(progressToken, { session, token: meta.progressToken, clientRequestId: clientId });
      outParams = { ...params, _meta: { ...meta, progressToken } };
    }
    if (meta && this.isModern(session)) {
      // Our own upstream session carries its own envelope; do not leak the agent's.
      const { [META.protocolVersion]: _v, [META.clientCapabilities]: _c, [META.clientInfo]: _i, [META.logLevel]: _l, ...rest } = (outParams._meta as Record<string, unknown>);
      outParams = { ...outParams, _meta: rest };
    }
    const call: InflightCall = { upstream, upstreamId: undefined, method: req.method, startedAt: performance.now(), progressToken };
    session.inflight.set(clientId, call);
    const modern = this.isModern(session);
    const audit = this.opts.audit;
    call.upstreamId = upstream.forward(req.method, outParams, (response: JsonRpcResponse, answered: boolean) => {
      if (call.ended) {
        // The agent stopped waiting: nobody gets this answer, but the call happened and is recorded.
        if (audit) audit.append(this.callRecord(session, req, params, upstream, response, performance.now() - call.startedAt, decision, undefined, { ...call.ended, answered }));
        return;
      }
      if (session.inflight.get(clientId) !== call) return;
      session.inflight.delete(clientId);
      if (progressToken) this.progress.delete(progressToken);
      const answer: JsonRpcMessage = 'result' in response
        ? { jsonrpc: '2.0', id: clientId, result: modern ? modernResult(req.method, response.result) : response.result }
        : { jsonrpc: '2.0', id: clientId, error: response.error };
      if (!('result' in response)) session.errors++;
      if (!audit) { session.sink.send(answer); return; }
      // The result is serialized once, for the record's size and hash and for the wire.
      const resultText = 'result' in response ? JSON.stringify(response.result) : undefined;
      const record = this.callRecord(session, req, params, upstream, response, performance.now() - call.startedAt, decision, resultText);
      const wire = resultText !== undefined && !(modern && 'resultType' in (response as { result: object }).result)
        ? `{"jsonrpc":"2.0","id":${JSON.stringify(clientId)},"result":${modern ? modernResultText(req.method, (response as { result: Record<string, unknown> }).result, resultText) : resultText}}`
        : answer;
      // The record is durable before the agent sees the answer: a crash never loses a returned call.
      audit.append(record, () => session.sink.send(wire, clientId));
    });
  }

  // ---- audit ------------------------------------------------------------------

  private nextRecord = 0;

  private recordBase(session: ClientSession | undefined, type: AuditRecord['type'], params: Record<string, unknown> | undefined): Omit<AuditRecord, 'outcome'> {
    const meta = params?._meta as Record<string, unknown> | undefined;
    const traceparent = typeof meta?.traceparent === 'string' ? /^[\da-f]{2}-([\da-f]{32})-/.exec(meta.traceparent)?.[1] : undefined;
    const now = Date.now();
    return {
      id: `${now.toString(36).padStart(9, '0')}-${(this.nextRecord++).toString(36).padStart(6, '0')}`,
      ts: new Date(now).toISOString(),
      type,
      correlationId: traceparent ?? randomUUID(),
      user: this.identity.user,
      agent: session?.agent ?? null,
      clientInfo: session?.clientInfo ?? null,
      server: null,
      tool: null,
      decision: null,
      error: null,
      latencyMs: null,
      result: null,
      bundleVersion: this.bundle.version,
    };
  }

  /** Arguments as recorded: held secrets and well-known credential shapes scrubbed. */
  private scrub(value: unknown): unknown {
    if (value === undefined) return undefined;
    const text = this.scrubText(JSON.stringify(value));
    // A replacement can land inside an escape sequence of a hostile string; the record then keeps the scrubbed text.
    try { return JSON.parse(text) as unknown; } catch { return text; }
  }

  /**
   * The call's record, whatever the server answered: if building the full record fails
   * on something unforeseen, a plain one takes its place, so no forwarded call goes
   * unrecorded (and its answer is not held back by a throw).
   */
  private callRecord(session: ClientSession, req: JsonRpcRequest, params: Record<string, unknown>, upstream: Upstream, response: JsonRpcResponse, latencyMs: number, decision: Decision | undefined, resultText: string | undefined, ended?: CallEnding & { answered: boolean }): AuditRecord {
    try {
      return this.fullCallRecord(session, req, params, upstream, response, latencyMs, decision, resultText, ended);
    } catch (err) {
      return {
        ...this.recordBase(session, RECORDED.get(req.method) ?? 'tools/call', undefined),
        server: upstream.id,
        tool: typeof params.name === 'string' ? cutText(params.name, 200) : null,
        decision: { effect: 'allow', rule: decision?.rule ?? SERVER_ACCESS },
        outcome: outcomeOf(response, ended),
        error: `the full record could not be built: ${cutText((err as Error).message, 200)}`,
        latencyMs: Math.round(latencyMs * 1000) / 1000,
      };
    }
  }

  private fullCallRecord(session: ClientSession, req: JsonRpcRequest, params: Record<string, unknown>, upstream: Upstream, response: JsonRpcResponse, latencyMs: number, decision: Decision | undefined, resultText: string | undefined, ended?: CallEnding & { answered: boolean }): AuditRecord {
    const base = this.recordBase(session, RECORDED.get(req.method) ?? 'tools/call', params);
    const target = typeof params.name === 'string' ? params.name : typeof params.uri === 'string' ? params.uri : null;
    const record: AuditRecord = {
      ...base,
      correlationId: this.approvals.correlationOf(req) ?? base.correlationId,
      server: upstream.id,
      tool: target === null ? null : this.exposedTarget(upstream.id, req.method, target),
      arguments: this.scrub(params.arguments ?? (params.uri ? { uri: params.uri } : undefined)),
      decision: { effect: 'allow', rule: decision?.rule ?? SERVER_ACCESS },
      outcome: outcomeOf(response, ended),
      latencyMs: Math.round(latencyMs * 1000) / 1000,
    };
    if (ended) {
      // What the upstream did after the agent left: its late answer, or nothing within the wait.
      record.detail = { endedBy: ended.reason, lateAnswer: ended.answered ? ('result' in response ? (response.result.isError === true ? 'error' : 'ok') : 'error') : null };
      if (!ended.answered) return record;
    }
    if ('error' in response) {
      record.error = this.scrubText(response.error.message);
    } else {
      const text = resultText ?? JSON.stringify(response.result);
      const listed: unknown = Array.isArray(response.result.content) ? response.result.content : Array.isArray(response.result.contents) ? response.result.contents : [];
      // Content items come from the server: only objects are read.
      const content = (listed as unknown[]).filter(isPlainObject) as { type?: unknown; text?: unknown }[];
      const firstText = content.map((c) => c.text).find((t): t is string => typeof t === 'string') ?? '';
      record.result = {
        bytes: Buffer.byteLength(text),
        contentTypes: [...new Set(content.map((c) => (typeof c.type === 'string' ? cutText(c.type, 40) : 'resource')))],
        sha256: nodeSha256Hex(text),
        excerpt: scrubbedExcerpt(firstText, 200, (t) => this.scrubText(t)),
      };
      if (response.result.isError === true) record.error = scrubbedExcerpt(firstText, 500, (t) => this.scrubText(t));
    }
    return record;
  }

  private scrubText(text: string): string {
    const redactor = this.opts.redactor?.();
    return redactShapes(redactor ? redactor.redact(text) : text);
  }

  private exposedTarget(server: string, method: string, name: string): string {
    return method === 'tools/call' || method === 'prompts/get' ? this.exposedName(server, name) : name;
  }

  /** Records something that is not a forwarded call: a denial, a decision. */
  record(session: ClientSession | undefined, type: AuditRecord['type'], fields: Partial<AuditRecord> & { outcome: AuditRecord['outcome'] }): void {
    this.opts.audit?.append({ ...this.recordBase(session, type, undefined), ...fields });
  }

  // ---- upstream events ------------------------------------------------------

  onNotification(upstream: Upstream, message: JsonRpcNotification): void {
    const params = message.params ?? {};
    switch (message.method) {
      case 'notifications/progress': {
        const route = this.progress.get(String(params.progressToken));
        if (!route || !this.sessions.has(route.session.id)) return;
        route.session.sink.send({ jsonrpc: '2.0', method: message.method, params: { ...params, progressToken: route.token } }, route.clientRequestId);
        return;
      }
      case 'notifications/message': {
        const level = LOG_LEVELS.indexOf(params.level as never);
        for (const [session, related] of this.audienceOf(upstream)) {
          if (session.logLevel !== undefined && level >= 0 && level < session.logLevel) continue;
          // A 2026-07-28 request without a logLevel in its _meta asked for no log lines.
          if (session.logLevel === undefined && this.isModern(session)) continue;
          session.sink.send(message, related);
        }
        return;
      }
      case 'notifications/resources/updated': {
        const subs = this.subscribers.get(String(params.uri));
        if (subs) for (const s of subs) s.sink.send(message);
        return;
      }
      case 'notifications/cancelled': {
        for (const session of this.sessions.values()) {
          for (const [relayId, r] of session.relayed) {
            if (r.upstream === upstream && r.upstreamRequestId === params.requestId) {
              session.relayed.delete(relayId);
              session.sink.send({ jsonrpc: '2.0', method: message.method, params: { ...params, requestId: relayId } });
            }
          }
        }
        return;
      }
      default:
        if (LIST_CHANGED_METHODS.has(message.method)) return; // handled through onCatalogChanged
        for (const [session, related] of this.audienceOf(upstream)) session.sink.send(message, related);
    }
  }

  /**
   * Who hears an upstream's unsolicited messages: the agents with calls running on it
   * (with the newest call, for HTTP stream routing), or every agent when none has.
   */
  private audienceOf(upstream: Upstream): Map<ClientSession, JsonRpcId | undefined> {
    const out = new Map<ClientSession, JsonRpcId | undefined>();
    for (const session of this.sessions.values()) {
      let newest: { id: JsonRpcId; at: number } | undefined;
      for (const [id, call] of session.inflight) {
        if (call.upstream === upstream && (!newest || call.startedAt > newest.at)) newest = { id, at: call.startedAt };
      }
      if (newest) out.set(session, newest.id);
    }
    if (out.size === 0) for (const s of this.sessions.values()) if (s.initialized) out.set(s, undefined);
    return out;
  }

  onServerRequest(upstream: Upstream, message: JsonRpcRequest): void {
    const capability = RELAY_CAPABILITY.get(message.method);
    // The agent whose call caused this: the one with the newest call running on this upstream.
    let target: { session: ClientSession; related: JsonRpcId; at: number } | undefined;
    for (const session of this.sessions.values()) {
      if (capability && !(capability in session.capabilities)) continue;
      for (const [id, call] of session.inflight) {
        if (call.upstream === upstream && (!target || call.startedAt > target.at)) target = { session, related: id, at: call.startedAt };
      }
    }
    if (!target) {
      upstream.respond(errorResponse(message.id, ErrorCode.MethodNotFound, `no connected agent can answer ${message.method} for server "${upstream.id}"`));
      return;
    }
    const session = target.session;
    if (session.relayed.size >= MAX_RELAYED_PER_SESSION) {
      upstream.respond(errorResponse(message.id, ErrorCode.InternalError, `agent "${session.agent}" has ${MAX_RELAYED_PER_SESSION} questions from servers unanswered; ask again later`));
      return;
    }
    const relayId = session.relayId();
    session.relayed.set(relayId, { upstream, upstreamRequestId: message.id });
    // An agent that never answers must not hold the question, or the server's wait, forever.
    setTimeout(() => {
      if (session.relayed.get(relayId)?.upstreamRequestId !== message.id) return;
      session.relayed.delete(relayId);
      upstream.respond(errorResponse(message.id, ErrorCode.RequestTimeout, `agent "${session.agent}" did not answer ${message.method} in time`));
    }, this.bundle.settings.callTimeoutMs).unref();
    target.session.sink.send({ jsonrpc: '2.0', id: relayId, method: message.method, ...(message.params ? { params: message.params } : {}) }, target.related);
  }

  onCatalogChanged(upstream: Upstream, kind: CatalogKind): void {
    if (kind === 'tools' && upstream.state === 'ready') this.gate.evaluate(upstream.server, upstream.catalog.tools, upstream.instructions);
    this.invalidate(kind);
    this.emit('event', { type: 'catalog', server: upstream.id, kind, at: Date.now() });
    this.listChanged(kind);
  }

  onStateChanged(upstream: Upstream): void {
    for (const kind of ['tools', 'prompts', 'resources', 'resourceTemplates'] as const) this.invalidate(kind);
    this.emit('event', { type: 'server', server: upstream.id, state: upstream.state, error: upstream.lastError ?? null, at: Date.now() });
    if (upstream.state === 'ready') {
      this.gate.evaluate(upstream.server, upstream.catalog.tools, upstream.instructions);
      if (this.upstreamLogLevel !== undefined && 'logging' in upstream.capabilities) upstream.forward('logging/setLevel', { level: LOG_LEVELS[this.upstreamLogLevel] }, () => {});
      for (const kind of ['tools', 'prompts', 'resources'] as const) this.listChanged(kind);
    }
  }

  /** What an agent would list under a list_changed notification, to tell whether it changed. */
  private listSnapshot(method: string, catalog: Catalog): string {
    return method === LIST_NOTIFICATION.tools ? catalog.toolView().json
      : method === LIST_NOTIFICATION.prompts ? catalog.promptView().json
      : catalog.resourceView().json + catalog.templateView().json;
  }

  private firstStartPending(): boolean {
    for (const u of this.upstreams.values()) if (u.state === 'starting' && u.restarts === 0) return true;
    return false;
  }

  /**
   * Resolves once every upstream has had its first chance to start, so an agent that
   * lists right after connecting sees every server's tools, not whichever came up first.
   */
  whenSettled(): Promise<void> {
    const starting = () => this.firstStartPending();
    if (!starting()) return Promise.resolve();
    this.settled ??= new Promise<void>((resolve) => {
      const done = () => { clearTimeout(timer); this.off('event', check); this.settled = undefined; resolve(); };
      const check = () => { if (!starting()) done(); };
      const timer = setTimeout(done, Math.min(this.bundle.settings.startTimeoutMs, 15_000));
      this.on('event', check);
    });
    return this.settled;
  }

  /** Coalesces list_changed bursts (a restart touches every list) into one notification per kind. */
  private listChanged(kind: CatalogKind): void {
    this.pendingListChanges.add(LIST_NOTIFICATION[kind]);
    this.listChangeTimer ??= setTimeout(() => {
      this.listChangeTimer = undefined;
      const methods = [...this.pendingListChanges];
      this.pendingListChanges.clear();
      for (const method of methods) this.listens.listChanged(method);
      for (const session of this.sessions.values()) {
        if (!session.initialized || this.isModern(session)) continue;
        const catalog = this.catalogFor(session);
        for (const method of methods) {
          const snapshot = this.listSnapshot(method, catalog);
          // Only agents that listed before, and would now see something different, hear about it.
          const seen = session.seen.get(method);
          if (seen === undefined || seen === snapshot) continue;
          session.seen.set(method, snapshot);
          session.sink.send({ jsonrpc: '2.0', method });
        }
      }
    }, 10);
  }
}

/**
 * The start of a result for the record, redacted before it is cut: a secret that
 * straddles the cut must not leave its first half behind. Only a window is redacted
 * (results can be megabytes); it is wider than any held secret's encoded form.
 */
function scrubbedExcerpt(text: string, max: number, scrub: (t: string) => string): string {
  return cutText(scrub(cutText(text, max + 8192)), max);
}

/** A call's outcome for the record: how the upstream answered, or how the agent stopped waiting. */
function outcomeOf(response: JsonRpcResponse, ended: CallEnding | undefined): AuditRecord['outcome'] {
  if (ended) return ended.as;
  if ('result' in response) return response.result.isError === true ? 'error' : 'ok';
  return response.error.code === ErrorCode.RequestTimeout ? 'timeout' : 'error';
}

const LIST_END = Buffer.from('}}');

/** Questions from servers (sampling, elicitation, roots) one agent may have open at once. */
const MAX_RELAYED_PER_SESSION = 64;

/** Requests that reach an upstream: held back while Gatehouse is paused. */
const FORWARDED_METHODS = new Set(['tools/call', 'prompts/get', 'resources/read', 'resources/subscribe', 'completion/complete']);

/** Requests whose answer depends on the catalog, held briefly while servers first start. */
const CATALOG_METHODS = new Set(['tools/list', 'prompts/list', 'resources/list', 'resources/templates/list', 'tools/call', 'prompts/get', 'resources/read', 'resources/subscribe', 'completion/complete']);

const LIST_CHANGED_METHODS: ReadonlySet<string> = new Set(['notifications/tools/list_changed', 'notifications/resources/list_changed', 'notifications/prompts/list_changed']);

/** The client's name as it introduced itself, for decision records. */
function clientName(info: Record<string, unknown> | undefined): string | undefined {
  return typeof info?.name === 'string' ? clip(`${info.name}${typeof info.version === 'string' ? ` ${info.version}` : ''}`, 100) : undefined;
}
