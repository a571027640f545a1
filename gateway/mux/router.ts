import type { Bundle } from '../../shared/bundle/schema.ts';
import {
  ErrorCode,
  errorResponse,
  isNotification,
  isRequest,
  isResponse,
  responseProblem,
  type JsonRpcId,
  type JsonRpcMessage,
  type JsonRpcNotification,
  type JsonRpcRequest,
  type JsonRpcResponse,
} from '../../shared/jsonrpc/message.ts';
import { methodsWith } from '../../shared/jsonrpc/methods.ts';
import type { Verdict } from '../../shared/policy/evaluate.ts';
import { cutText } from '../../shared/text/cut.ts';
import type { AuditRecorder } from '../audit/call-record.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { Upstream } from '../upstream/upstream.ts';
import type { Admission, Target } from './admission.ts';
import { paramsProblem } from './agent-shapes.ts';
import { fail, reply } from './answers.ts';
import type { Approvals } from './approval.ts';
import type { Catalog } from './catalog.ts';
import type { ClientSession } from './client-session.ts';
import { declares, relayedExtensions, TASKS_EXTENSION, withRequestExtensions } from '../upstream/extensions.ts';
import { adoptModernMeta, discoverResult, EraErrorCode, initializeResult, isModern, modernRequestRejection, type ListenStreams } from './era.ts';
import { Forwarder } from './forwarder.ts';
import type { Lists } from './lists.ts';
import type { ProgressRoutes, Relay } from './relay.ts';

type Handler = (session: ClientSession, req: JsonRpcRequest, params: Record<string, unknown>) => void;

const FORWARDED_METHODS = methodsWith('forwarded');
const CATALOG_METHODS = methodsWith('catalog');

export interface RouterOptions {
  bundle(): Bundle;
  sessions(): ReadonlyMap<string, ClientSession>;
  /** Why every forwarded request is refused (the bundle expired), or undefined. */
  closedReason(): string | undefined;
  paused(): boolean;
  upstream(id: string): Upstream | undefined;
  /** Every server, in bundle order (whose advertised extensions agents are told of). */
  upstreams(): Iterable<Upstream>;
  /** Whether the user switched a server off on this desktop. */
  disabled(id: string): boolean;
  /** Whether a server is still on its first start (requests that list wait for it). */
  firstStartPending(): boolean;
  whenSettled(): Promise<void>;
  /** The instructions passed on to agents (pass-through naming with a single server). */
  instructions(): string | undefined;
  lists: Lists;
  admission: Admission;
  approvals: Approvals;
  relay: Relay;
  listens: ListenStreams;
  progress: ProgressRoutes;
  recorder: AuditRecorder;
  events: EventBus;
}

/**
 * Where every agent message goes: a method table in front of the upstreams. A call is
 * named (an exposed tool or prompt name, or a URI), admitted, then forwarded under a
 * fresh id and progress token; its answer comes back under the agent's id, after its
 * audit record is durable.
 */
export class Router {
  private readonly opts: RouterOptions;
  private readonly handlers: ReadonlyMap<string, Handler>;
  private readonly forwarder: Forwarder;

  constructor(opts: RouterOptions) {
    this.opts = opts;
    this.forwarder = new Forwarder({ ...opts, callTimeoutMs: () => opts.bundle().settings.callTimeoutMs });
    opts.relay.updateListener = (session, uri, update) => opts.listens.resourceUpdated(session, uri, update);
    opts.relay.questionHolder = (session, callId, upstream, question) => this.forwarder.holdQuestion(session, callId, upstream, question);
    const { lists, relay, listens } = opts;
    this.handlers = new Map<string, Handler>([
      ['initialize', (s, r, p) => this.initialize(s, r, p)],
      ['ping', (s, r) => reply(s, r, {})],
      ['server/discover', (s, r) => reply(s, r, discoverResult(opts.instructions(), relayedExtensions(opts.upstreams())))],
      [
        'subscriptions/listen',
        (s, r, p) => {
          const refused = listens.listen(s, r, p, (uri) => this.watchable(s, r, uri));
          if (refused) fail(s, r.id, ErrorCode.InvalidParams, refused);
        },
      ],
      ['tools/list', (s, r, p) => lists.serve(s, r, p, 'tools')],
      ['prompts/list', (s, r, p) => lists.serve(s, r, p, 'prompts')],
      ['resources/list', (s, r, p) => lists.serve(s, r, p, 'resources')],
      ['resources/templates/list', (s, r, p) => lists.serve(s, r, p, 'resourceTemplates')],
      ['tools/call', (s, r, p) => this.routeNamed(s, r, p, 'tool')],
      ['prompts/get', (s, r, p) => this.routeNamed(s, r, p, 'prompt')],
      ['resources/read', (s, r, p) => this.routeUri(s, r, p)],
      ['resources/subscribe', (s, r, p) => this.subscribe(s, r, p)],
      ['resources/unsubscribe', (s, r, p) => relay.unsubscribe(s, r, p)],
      ['completion/complete', (s, r, p) => this.complete(s, r, p)],
      ['logging/setLevel', (s, r, p) => relay.setLevel(s, r, p)],
      ['tasks/get', (s, r, p) => this.routeTask(s, r, p)],
      ['tasks/update', (s, r, p) => this.routeTask(s, r, p)],
      ['tasks/cancel', (s, r, p) => this.routeTask(s, r, p)],
    ]);
  }

  private get catalog(): Catalog {
    return this.opts.lists.catalog;
  }

  /**
   * Entry point for every message an agent sends. An agent is a hostile peer: whatever
   * it sends costs at most its own request (answered with an error), never the daemon.
   */
  handle(session: ClientSession, message: JsonRpcMessage): void {
    this.guarded(session, message, () => {
      session.lastActiveAt = Date.now();
      if (isRequest(message)) this.request(session, message);
      else if (isResponse(message)) this.response(session, message);
      else if (isNotification(message)) this.notification(session, message);
    });
  }

  /** Runs one message's work; a throw costs that message (its request answered with an error), never the daemon. */
  private guarded(session: ClientSession, message: JsonRpcMessage, work: () => void): void {
    try {
      work();
    } catch (err) {
      this.opts.events.emit({
        type: 'problem',
        component: 'multiplexer',
        message: `a message from agent "${session.agent}" could not be handled: ${(err as Error).message}`,
        at: Date.now(),
      });
      if (isRequest(message) && !session.inflight.has(message.id))
        fail(session, message.id, ErrorCode.InternalError, `Gatehouse could not handle ${message.method}; the request was dropped`);
    }
  }

  /** Routes the call again once its tool is approved (the approval round trip's end). */
  proceed(session: ClientSession, req: JsonRpcRequest, params: Record<string, unknown>): void {
    this.routeNamed(session, req, params, 'tool');
  }

  /**
   * Abandons an agent's request: the upstream is told to stop, and no answer is sent.
   * The call is still recorded, once, when the upstream answers late or the wait for
   * that ends (the upstream may already have acted on it).
   */
  cancel(session: ClientSession, requestId: JsonRpcId, reason: string, ended: 'cancelled' | 'disconnected' = 'cancelled'): void {
    if (this.forwarder.cancel(session, requestId, reason, ended)) return;
    if (!this.opts.listens.end(session, requestId, (uri) => this.opts.relay.unwatchFor(session, uri))) this.opts.approvals.abandoned(session, requestId);
  }

  private request(session: ClientSession, message: JsonRpcRequest): void {
    const params = message.params ?? {};
    const refusal = this.refusal(session, message, params);
    if (refusal) {
      fail(session, message.id, refusal.code, refusal.message, refusal.data);
      return;
    }
    const handler = this.handlers.get(message.method);
    if (!handler) {
      session.sink.send(errorResponse(message.id, ErrorCode.MethodNotFound, `method "${message.method}" is not supported by Gatehouse`));
      return;
    }
    if (CATALOG_METHODS.has(message.method) && this.opts.firstStartPending()) {
      // In a promise's callback a throw was an unhandled rejection, which stopped the daemon (red team, 2026-12-02).
      void this.opts.whenSettled().then(() => {
        if (this.opts.sessions().has(session.id)) this.guarded(session, message, () => handler(session, message, params));
      });
    } else handler(session, message, params);
  }

  /** Why a request is answered with an error before any handler sees it, or undefined. */
  private refusal(
    session: ClientSession,
    message: JsonRpcRequest,
    params: Record<string, unknown>,
  ): { code: number; message: string; data?: unknown } | undefined {
    const bad = paramsProblem(params);
    if (bad) return { code: ErrorCode.InvalidParams, message: `invalid params for ${message.method}: ${bad}` };
    // Answers are matched by id: a second request under an id still running would orphan the first.
    if (session.inflight.has(message.id))
      return { code: ErrorCode.InvalidRequest, message: `request id ${JSON.stringify(message.id)} is already in use by a request still running` };
    if (!session.initialized && message.method !== 'initialize') adoptModernMeta(session, params);
    const era = isModern(session) ? modernRequestRejection(message.method, params) : undefined;
    if (era) return era;
    if (!FORWARDED_METHODS.has(message.method)) return undefined;
    const closed = this.opts.closedReason();
    if (closed !== undefined) return { code: ErrorCode.BundleExpired, message: closed };
    if (this.opts.paused())
      return {
        code: ErrorCode.UpstreamUnavailable,
        message: 'Gatehouse is paused by its user: nothing reaches the servers until it is resumed (tray menu, or POST /api/v1/pause {"paused":false})',
      };
    return undefined;
  }

  /** An agent's answer: to Gatehouse's own question, or to a server's relayed one. */
  private response(session: ClientSession, message: JsonRpcResponse): void {
    if (message.id === null) return;
    const problem = responseProblem(message);
    // A malformed answer still answers its question: as an error, so nothing waits on it.
    const answer: JsonRpcResponse = problem ? errorResponse(message.id, ErrorCode.InvalidRequest, `the agent sent a malformed answer: ${problem}`) : message;
    const own = session.own.get(message.id);
    if (own) {
      session.own.delete(message.id);
      own(answer);
      return;
    }
    const relayed = session.relayed.get(message.id);
    if (!relayed) return;
    session.relayed.delete(message.id);
    relayed.upstream.respond(
      'result' in answer
        ? { jsonrpc: '2.0', id: relayed.upstreamRequestId, result: answer.result }
        : { jsonrpc: '2.0', id: relayed.upstreamRequestId, error: answer.error },
    );
  }

  private notification(session: ClientSession, n: JsonRpcNotification): void {
    switch (n.method) {
      case 'notifications/initialized':
        session.initialized = true;
        return;
      case 'notifications/cancelled': {
        const requestId = n.params?.requestId as JsonRpcId | undefined;
        if (requestId !== undefined)
          this.cancel(session, requestId, typeof n.params?.reason === 'string' ? cutText(n.params.reason, 200) : 'cancelled by client');
        return;
      }
      case 'notifications/roots/list_changed':
        this.opts.relay.rootsChanged(n.method);
        return;
      default:
        return;
    }
  }

  private initialize(session: ClientSession, req: JsonRpcRequest, params: Record<string, unknown>): void {
    const result = initializeResult(session, params, this.opts.instructions(), relayedExtensions(this.opts.upstreams()));
    this.opts.events.emit({
      type: 'agent-initialized',
      session: session.id,
      agent: session.agent,
      clientInfo: session.clientInfo ?? null,
      protocolVersion: String(session.protocolVersion),
      at: Date.now(),
    });
    session.sink.send({ jsonrpc: '2.0', id: req.id, result });
  }

  private routeNamed(session: ClientSession, req: JsonRpcRequest, params: Record<string, unknown>, what: 'tool' | 'prompt'): void {
    const name = params.name;
    if (typeof name !== 'string') {
      fail(session, req.id, ErrorCode.InvalidParams, `${req.method} needs a "name" string`);
      return;
    }
    const view = what === 'tool' ? this.catalog.toolView() : this.catalog.promptView();
    const route = view.routes.get(name);
    const { approvals } = this.opts;
    // An answer to Gatehouse's own question is read before the route: someone else's approval must not skip it.
    if (what === 'tool' && params.inputResponses !== undefined && approvals.answered(session, req, params, name)) return;
    if (!route) {
      if (what === 'tool' && approvals.heldBack(session, req, params, name)) return;
      this.unknownName(session, req.id, name, what);
      return;
    }
    const decision = this.admit(session, req, {
      upstream: route.upstream,
      tool: what === 'tool' ? route.name : undefined,
      args: params.arguments,
      shown: name,
    });
    if (!decision) return;
    this.forward(session, req, route.upstream, { ...params, name: route.name }, decision);
  }

  private unknownName(session: ClientSession, id: JsonRpcId, name: string, what: 'tool' | 'prompt'): void {
    const bundle = this.opts.bundle();
    const sep = bundle.settings.toolNameSeparator;
    const at = name.indexOf(sep);
    if (bundle.settings.naming === 'prefixed' && at > 0) {
      const serverId = name.slice(0, at);
      const upstream = this.opts.upstream(serverId);
      if (!upstream && this.opts.disabled(serverId) && bundle.servers.some((s) => s.id === serverId)) {
        fail(
          session,
          id,
          ErrorCode.UpstreamUnavailable,
          `server "${serverId}" is switched off on this desktop: its user can turn it back on (gatehouse server enable ${serverId}, or the dashboard's Servers page)`,
          { server: serverId, [what]: name },
        );
        return;
      }
      if (!upstream) {
        fail(session, id, ErrorCode.InvalidParams, `unknown server "${serverId}" (in ${what} "${name}"): it is not in the bundle "${bundle.name}"`, {
          server: serverId,
          [what]: name,
        });
        return;
      }
      if (upstream.state !== 'ready') {
        fail(
          session,
          id,
          ErrorCode.UpstreamUnavailable,
          `server "${serverId}" is not available (${upstream.state}${upstream.lastError ? `: ${upstream.lastError}` : ''})`,
          { server: serverId, [what]: name },
        );
        return;
      }
    }
    fail(session, id, ErrorCode.InvalidParams, `unknown ${what} "${name}"`, { [what]: name });
  }

  private routeUri(session: ClientSession, req: JsonRpcRequest, params: Record<string, unknown>): void {
    const uri = params.uri;
    if (typeof uri !== 'string') {
      fail(session, req.id, ErrorCode.InvalidParams, `${req.method} needs a "uri" string`);
      return;
    }
    const upstream = this.catalog.resolveUri(uri);
    // Invalid params, as the current revision wants (SEP-2164); -32002 was the older servers' habit.
    if (!upstream) {
      fail(session, req.id, ErrorCode.InvalidParams, `no server provides resource "${uri}"`, { uri });
      return;
    }
    const decision = this.admit(session, req, { upstream, tool: undefined, args: { uri }, shown: uri });
    if (!decision) return;
    this.forward(session, req, upstream, params, decision);
  }

  private subscribe(session: ClientSession, req: JsonRpcRequest, params: Record<string, unknown>): void {
    const uri = params.uri;
    if (typeof uri !== 'string') {
      fail(session, req.id, ErrorCode.InvalidParams, 'resources/subscribe needs a "uri" string');
      return;
    }
    const upstream = this.catalog.resolveUri(uri);
    if (!upstream) {
      fail(session, req.id, ErrorCode.ResourceNotFound, `no server provides resource "${uri}"`, { uri });
      return;
    }
    if (!this.admit(session, req, { upstream, tool: undefined, args: { uri }, shown: uri })) return;
    this.opts.relay.subscribe(session, req, upstream, uri, params);
  }

  /**
   * Whether a 2026 agent's listen stream may watch a resource: a server provides it and
   * the agent may read it (a denial is recorded, and the URI left out of the stream).
   */
  private watchable(session: ClientSession, req: JsonRpcRequest, uri: string): boolean {
    const upstream = this.catalog.resolveUri(uri);
    if (!upstream || !this.opts.admission.allows(session, req, { upstream, tool: undefined, args: { uri }, shown: uri })) return false;
    this.opts.relay.watchFor(session, upstream, uri);
    return true;
  }

  private complete(session: ClientSession, req: JsonRpcRequest, params: Record<string, unknown>): void {
    const ref = params.ref as Record<string, unknown> | undefined;
    if (ref?.type === 'ref/prompt' && typeof ref.name === 'string') {
      const route = this.catalog.promptView().routes.get(ref.name);
      if (!route) {
        this.unknownName(session, req.id, ref.name, 'prompt');
        return;
      }
      if (!this.admit(session, req, { upstream: route.upstream, tool: undefined, args: undefined, shown: ref.name })) return;
      this.forward(session, req, route.upstream, { ...params, ref: { ...ref, name: route.name } });
      return;
    }
    if (ref?.type === 'ref/resource' && typeof ref.uri === 'string') {
      const match = this.catalog.templateView().matchers.find((m) => m.template === ref.uri);
      const upstream = match?.upstream ?? this.catalog.resolveUri(ref.uri);
      if (!upstream) {
        fail(session, req.id, ErrorCode.InvalidParams, `no server provides resource template "${ref.uri}"`);
        return;
      }
      if (!this.admit(session, req, { upstream, tool: undefined, args: undefined, shown: ref.uri })) return;
      this.forward(session, req, upstream, params);
      return;
    }
    fail(session, req.id, ErrorCode.InvalidParams, 'completion/complete needs a ref of type ref/prompt or ref/resource');
  }

  /**
   * A tasks extension method: to the server that made the task, under its own id. The
   * task's call was admitted when it was made, so a poll costs no rate-limit token, but
   * the agent must still be allowed that server: a policy that takes it away also takes
   * away its tasks' results. An agent that did not declare the extension is refused as
   * the revision says, before its task id is looked at.
   */
  private routeTask(session: ClientSession, req: JsonRpcRequest, params: Record<string, unknown>): void {
    const capabilities = isModern(session) ? session.capabilities : withRequestExtensions(session.capabilities, params);
    if (!declares(capabilities, TASKS_EXTENSION)) {
      fail(session, req.id, EraErrorCode.MissingRequiredClientCapability, `${req.method} needs the ${TASKS_EXTENSION} extension in the client's capabilities`, {
        requiredCapabilities: { extensions: { [TASKS_EXTENSION]: {} } },
      });
      return;
    }
    const to = this.forwarder.tasks.route(session.agent, params.taskId);
    if (typeof to === 'string') {
      fail(session, req.id, ErrorCode.InvalidParams, `${req.method}: ${to}`);
      return;
    }
    const upstream = this.opts.upstream(to.upstreamId);
    if (!upstream || upstream.state !== 'ready') {
      fail(session, req.id, ErrorCode.UpstreamUnavailable, `the server that made this task ("${to.upstreamId}") is not available`);
      return;
    }
    if (!this.admit(session, req, { upstream, tool: undefined, args: undefined, shown: `a task of ${upstream.id}` })) return;
    this.forward(session, req, upstream, { ...params, taskId: to.taskId });
  }

  private admit(session: ClientSession, req: JsonRpcRequest, target: Target): Verdict | undefined {
    return this.opts.admission.admit(session, req, target);
  }

  /** Sends an agent's request to an upstream under a fresh id, and its answer back under the agent's id. */
  forward(session: ClientSession, req: JsonRpcRequest, upstream: Upstream, params: Record<string, unknown>, decision?: Verdict): void {
    this.forwarder.forward(session, req, upstream, params, decision);
  }
}
