import type { Settings } from '../../shared/bundle/schema.ts';
import { ErrorCode, errorResponse, type JsonRpcId, type JsonRpcNotification, type JsonRpcRequest } from '../../shared/jsonrpc/message.ts';
import { LIST_CHANGED_OF } from '../../shared/jsonrpc/methods.ts';
import type { Upstream } from '../upstream/upstream.ts';
import { fail, reply } from './answers.ts';
import type { Catalog } from './catalog.ts';
import { LOG_LEVELS, type ClientSession } from './client-session.ts';
import { isModern, MAX_SUBSCRIBED_URI_CHARS } from './era.ts';
import { QUESTION_CAPABILITY, withheldQuestion } from './input-relay.ts';
import { jsonText } from '../../shared/text/json-text.ts';

// Keyed by what a peer sends: a Map, so "__proto__" is just an unknown method.
/** Questions from servers (sampling, elicitation, roots) one agent may have open at once. */
const MAX_RELAYED_PER_SESSION = 64;
/**
 * Resource subscriptions one agent session may hold, and the longest URI one may name: each is
 * kept (and subscribed upstream) until the agent leaves, so without a bound an agent could make
 * the daemon hold 16 MB URIs without end (red team, 2026-12-02).
 */
export const MAX_SUBSCRIPTIONS_PER_SESSION = 1024;

const LIST_CHANGED_METHODS: ReadonlySet<string> = new Set(LIST_CHANGED_OF.values());

interface ProgressRoute {
  session: ClientSession;
  token: string | number;
  clientRequestId: JsonRpcId;
}

/**
 * Progress tokens as upstreams see them. Agents pick tokens independently, so the
 * shared upstream session gets a unique one per call, mapped back here.
 */
export class ProgressRoutes {
  private readonly routes = new Map<string, ProgressRoute>();
  private next = 1;

  open(session: ClientSession, token: string | number, clientRequestId: JsonRpcId): string {
    const ours = `gh${this.next++}`;
    this.routes.set(ours, { session, token, clientRequestId });
    return ours;
  }

  close(token: string | undefined): void {
    if (token !== undefined) this.routes.delete(token);
  }

  get(token: string): ProgressRoute | undefined {
    return this.routes.get(token);
  }

  /** A held call resumed under another request (a 2026 agent's retry): its progress goes there now. */
  move(token: string | undefined, session: ClientSession, clientToken: string | number | undefined, clientRequestId: JsonRpcId): void {
    const route = token === undefined ? undefined : this.routes.get(token);
    if (route) this.routes.set(token!, { session, token: clientToken ?? route.token, clientRequestId });
  }
}

export interface RelayOptions {
  settings(): Settings;
  sessions(): ReadonlyMap<string, ClientSession>;
  upstreams(): Upstream[];
  catalog(): Catalog;
  progress: ProgressRoutes;
  /** Sends the agent's request on to the upstream (the router's forward). */
  forward(session: ClientSession, req: JsonRpcRequest, upstream: Upstream, params: Record<string, unknown>): void;
}

/**
 * Traffic that is not an agent's call: an upstream's requests to the agent (sampling,
 * elicitation, roots) and its notifications (progress, logs, resource updates,
 * cancellations), the resource subscriptions and log levels that decide who hears them.
 */
export class Relay {
  private readonly opts: RelayOptions;
  private readonly subscribers = new Map<string, Set<ClientSession>>();
  /** The most verbose level any agent asked for: upstream sessions are shared, so each agent is filtered here. */
  private upstreamLogLevel: number | undefined;
  /** Where 2026 agents hear resource updates: their listen streams (set by the router, which holds them). */
  updateListener: ((session: ClientSession, uri: string, update: JsonRpcNotification) => void) | undefined;
  /** Holds a 2026 agent's call on a 2025 server's mid-call question (set by the router's forwarder); false when it cannot. */
  questionHolder: ((session: ClientSession, callId: JsonRpcId, upstream: Upstream, question: JsonRpcRequest) => boolean) | undefined;

  constructor(opts: RelayOptions) {
    this.opts = opts;
  }

  /** The upstream is admitted to: the first subscriber of a URI subscribes upstream, the others share it. */
  subscribe(session: ClientSession, req: JsonRpcRequest, upstream: Upstream, uri: string, params: Record<string, unknown>): void {
    if (uri.length > MAX_SUBSCRIBED_URI_CHARS) {
      fail(
        session,
        req.id,
        ErrorCode.InvalidParams,
        `resources/subscribe: a URI of ${uri.length} characters is over the ${MAX_SUBSCRIBED_URI_CHARS} Gatehouse keeps`,
      );
      return;
    }
    if (!session.subscriptions.has(uri) && session.subscriptions.size >= MAX_SUBSCRIPTIONS_PER_SESSION) {
      fail(
        session,
        req.id,
        ErrorCode.InvalidParams,
        `resources/subscribe: this session holds ${MAX_SUBSCRIPTIONS_PER_SESSION} subscriptions; unsubscribe from one first`,
      );
      return;
    }
    const subs = this.subscribers.get(uri);
    session.subscriptions.add(uri);
    if (subs && subs.size > 0) {
      subs.add(session);
      reply(session, req, {});
      return;
    }
    this.subscribers.set(uri, new Set([session]));
    if (upstream.modern) {
      // A 2026-07-28 server has no resources/subscribe: its listen stream carries the URI instead.
      upstream.watch(uri);
      reply(session, req, {});
    } else this.opts.forward(session, req, upstream, params);
  }

  /** A 2026 agent's listen stream watches a URI: as a subscription, without an answer of its own. */
  watchFor(session: ClientSession, upstream: Upstream, uri: string): void {
    const subs = this.subscribers.get(uri);
    if (subs && subs.size > 0) {
      subs.add(session);
      return;
    }
    this.subscribers.set(uri, new Set([session]));
    if (upstream.modern) upstream.watch(uri);
    else upstream.forward('resources/subscribe', { uri }, () => {});
  }

  /** The listen stream that watched a URI ended. */
  unwatchFor(session: ClientSession, uri: string): void {
    this.dropSubscriber(session, uri);
  }

  unsubscribe(session: ClientSession, req: JsonRpcRequest, params: Record<string, unknown>): void {
    const uri = params.uri;
    if (typeof uri !== 'string') {
      fail(session, req.id, ErrorCode.InvalidParams, 'resources/unsubscribe needs a "uri" string');
      return;
    }
    session.subscriptions.delete(uri);
    const subs = this.subscribers.get(uri);
    subs?.delete(session);
    const upstream = this.opts.catalog().resolveUri(uri);
    if (subs && subs.size === 0 && upstream) {
      this.subscribers.delete(uri);
      if (!upstream.modern) {
        this.opts.forward(session, req, upstream, params);
        return;
      }
      upstream.unwatch(uri);
    }
    reply(session, req, {});
  }

  setLevel(session: ClientSession, req: JsonRpcRequest, params: Record<string, unknown>): void {
    const level = LOG_LEVELS.indexOf(params.level as never);
    if (level < 0) {
      fail(session, req.id, ErrorCode.InvalidParams, `unknown log level "${String(params.level)}"; use one of ${LOG_LEVELS.join(', ')}`);
      return;
    }
    session.logLevel = level;
    reply(session, req, {});
    let wanted = level;
    for (const s of this.opts.sessions().values()) if (s.logLevel !== undefined && s.logLevel < wanted) wanted = s.logLevel;
    if (wanted === this.upstreamLogLevel) return;
    this.upstreamLogLevel = wanted;
    for (const u of this.opts.upstreams()) this.sendLevel(u);
  }

  /** An upstream (re)started: it gets the log level agents asked for. */
  upstreamReady(upstream: Upstream): void {
    this.sendLevel(upstream);
  }

  /** The agent's roots changed: the servers that see its roots are told. */
  rootsChanged(method: string): void {
    for (const u of this.opts.upstreams()) if (u.server.forwardRoots && u.state === 'ready') u.notify(method);
  }

  /** The agent went away: questions it was asked fail, and its subscriptions end. */
  closed(session: ClientSession): void {
    for (const relayed of session.relayed.values()) {
      relayed.upstream.respond(errorResponse(relayed.upstreamRequestId, ErrorCode.ConnectionClosed, 'the client that was asked disconnected'));
    }
    session.relayed.clear();
    for (const uri of session.subscriptions) this.dropSubscriber(session, uri);
  }

  onNotification(upstream: Upstream, message: JsonRpcNotification): void {
    const params = message.params ?? {};
    switch (message.method) {
      case 'notifications/progress':
        this.progress(message, params);
        return;
      case 'notifications/message':
        this.log(upstream, message, params);
        return;
      case 'notifications/resources/updated': {
        // The server's own subscription tag (its listen stream's) means nothing to agents.
        const { _meta: _tag, ...rest } = params;
        const update: JsonRpcNotification = { jsonrpc: '2.0', method: message.method, params: rest };
        const subs = this.subscribers.get(String(params.uri));
        for (const s of subs ?? []) {
          if (isModern(s)) this.updateListener?.(s, String(params.uri), update);
          else s.sink.send(update);
        }
        return;
      }
      case 'notifications/cancelled':
        this.questionCancelled(upstream, message, params);
        return;
      default:
        if (LIST_CHANGED_METHODS.has(message.method)) return; // handled through onCatalogChanged
        for (const [session, related] of this.audienceOf(upstream)) session.sink.send(message, related);
    }
  }

  onServerRequest(upstream: Upstream, message: JsonRpcRequest): void {
    // Its own capabilities never offered what the bundle withholds either.
    const withheld = withheldQuestion(message.method, upstream.server.forwardRoots === true);
    if (withheld) {
      upstream.respond(errorResponse(message.id, ErrorCode.MethodNotFound, `server "${upstream.id}": ${withheld}`));
      return;
    }
    const callers = this.callersOf(upstream);
    if (callers.size > 1) {
      // Nothing on the wire says which call a server's question belongs to: with calls of
      // several agents running, a guess could show one agent's question (a payment to
      // confirm, say) to another and let it answer (red team, 2026-11-30). Refuse instead.
      upstream.respond(
        errorResponse(
          message.id,
          ErrorCode.MethodNotFound,
          `calls of ${callers.size} agents are running on server "${upstream.id}": Gatehouse cannot tell whose call asks ${message.method}, so it asks none`,
        ),
      );
      return;
    }
    const capability = QUESTION_CAPABILITY.get(message.method);
    const target = this.askerOf(upstream, capability, false);
    if (!target) {
      // A 2026 agent cannot be asked mid-call: its call is answered input_required instead, and its retry resumes it.
      const modern = this.askerOf(upstream, capability, true);
      if (modern && this.questionHolder?.(modern.session, modern.related, upstream, message)) return;
      upstream.respond(errorResponse(message.id, ErrorCode.MethodNotFound, `no connected agent can answer ${message.method} for server "${upstream.id}"`));
      return;
    }
    const { session } = target;
    if (session.relayed.size >= MAX_RELAYED_PER_SESSION) {
      upstream.respond(
        errorResponse(
          message.id,
          ErrorCode.InternalError,
          `agent "${session.agent}" has ${MAX_RELAYED_PER_SESSION} questions from servers unanswered; ask again later`,
        ),
      );
      return;
    }
    const relayId = session.relayId();
    const question = { jsonrpc: '2.0' as const, id: relayId, method: message.method, ...(message.params ? { params: message.params } : {}) };
    if (jsonText(question) === undefined) {
      // Params nested past what JSON.stringify can write: the agent's sink would drop the question, and the server
      // would wait for its timeout. Answer it now.
      upstream.respond(errorResponse(message.id, ErrorCode.InvalidParams, `${message.method} from server "${upstream.id}" could not be encoded for the agent`));
      return;
    }
    session.relayed.set(relayId, { upstream, upstreamRequestId: message.id });
    // An agent that never answers must not hold the question, or the server's wait, forever.
    setTimeout(() => {
      if (session.relayed.get(relayId)?.upstreamRequestId !== message.id) return;
      session.relayed.delete(relayId);
      upstream.respond(errorResponse(message.id, ErrorCode.RequestTimeout, `agent "${session.agent}" did not answer ${message.method} in time`));
    }, this.opts.settings().callTimeoutMs).unref();
    session.sink.send(question, target.related);
  }

  /** The agents with calls running on a server. */
  private callersOf(upstream: Upstream): Set<string> {
    const agents = new Set<string>();
    for (const session of this.opts.sessions().values())
      for (const call of session.inflight.values())
        if (call.upstream === upstream) {
          agents.add(session.agent);
          break;
        }
    return agents;
  }

  /** The agent whose call caused a server's question: the one with the newest call running on it that can answer (one agent's sessions only, see callersOf). */
  private askerOf(upstream: Upstream, capability: string | undefined, modern: boolean): { session: ClientSession; related: JsonRpcId } | undefined {
    let target: { session: ClientSession; related: JsonRpcId; at: number } | undefined;
    for (const session of this.opts.sessions().values()) {
      if (capability && !(capability in session.capabilities)) continue;
      // The 2026-07-28 revision has no server-to-client requests: such an agent is asked another way.
      if (isModern(session) !== modern) continue;
      for (const [id, call] of session.inflight) {
        if (call.upstream === upstream && (!target || call.startedAt > target.at)) target = { session, related: id, at: call.startedAt };
      }
    }
    return target;
  }

  private progress(message: JsonRpcNotification, params: Record<string, unknown>): void {
    const route = this.opts.progress.get(String(params.progressToken));
    if (!route || !this.opts.sessions().has(route.session.id)) return;
    route.session.sink.send({ jsonrpc: '2.0', method: message.method, params: { ...params, progressToken: route.token } }, route.clientRequestId);
  }

  private log(upstream: Upstream, message: JsonRpcNotification, params: Record<string, unknown>): void {
    const level = LOG_LEVELS.indexOf(params.level as never);
    for (const [session, related] of this.audienceOf(upstream)) {
      if (session.logLevel !== undefined && level >= 0 && level < session.logLevel) continue;
      // A 2026-07-28 request without a logLevel in its _meta asked for no log lines.
      if (session.logLevel === undefined && isModern(session)) continue;
      session.sink.send(message, related);
    }
  }

  /** The server withdrew a question it relayed: the agent hears it under the id it was asked with. */
  private questionCancelled(upstream: Upstream, message: JsonRpcNotification, params: Record<string, unknown>): void {
    for (const session of this.opts.sessions().values()) {
      for (const [relayId, r] of session.relayed) {
        if (r.upstream === upstream && r.upstreamRequestId === params.requestId) {
          session.relayed.delete(relayId);
          session.sink.send({ jsonrpc: '2.0', method: message.method, params: { ...params, requestId: relayId } });
        }
      }
    }
  }

  /**
   * Who hears an upstream's unsolicited messages: the agents with calls running on it
   * (with the newest call, for HTTP stream routing), or every agent when none has.
   */
  private audienceOf(upstream: Upstream): Map<ClientSession, JsonRpcId | undefined> {
    const out = new Map<ClientSession, JsonRpcId | undefined>();
    for (const session of this.opts.sessions().values()) {
      let newest: { id: JsonRpcId; at: number } | undefined;
      for (const [id, call] of session.inflight) {
        if (call.upstream === upstream && (!newest || call.startedAt > newest.at)) newest = { id, at: call.startedAt };
      }
      if (newest) out.set(session, newest.id);
    }
    if (out.size === 0) for (const s of this.opts.sessions().values()) if (s.initialized) out.set(s, undefined);
    return out;
  }

  private dropSubscriber(session: ClientSession, uri: string): void {
    const subs = this.subscribers.get(uri);
    if (!subs) return;
    subs.delete(session);
    if (subs.size > 0) return;
    this.subscribers.delete(uri);
    const upstream = this.opts.catalog().resolveUri(uri);
    if (upstream?.modern) upstream.unwatch(uri);
    else if (upstream?.state === 'ready') upstream.forward('resources/unsubscribe', { uri }, () => {});
  }

  private sendLevel(upstream: Upstream): void {
    if (this.upstreamLogLevel === undefined) return;
    // A 2026-07-28 server takes the level per request (the caller's envelope), not as a method.
    if (upstream.state === 'ready' && !upstream.modern && 'logging' in upstream.capabilities)
      upstream.forward('logging/setLevel', { level: LOG_LEVELS[this.upstreamLogLevel] }, () => {});
  }
}
