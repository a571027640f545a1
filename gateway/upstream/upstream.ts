import type { BundleServer } from '../../shared/bundle/schema.ts';
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
import type { UpstreamChannel } from './channel.ts';
import { CatalogCache, type CatalogKind, type CatalogLists } from './catalog-cache.ts';
import { envelopeFor, handshake, relayedCapabilities, type CallerEnvelope } from './handshake.ts';
import { UpstreamListen } from './listen.ts';
import { withNpmError } from './npm-error.ts';

export { withNpmError };

export type { CallerEnvelope };

export type UpstreamState = 'starting' | 'ready' | 'backoff' | 'failed' | 'stopped';
export type { CatalogKind };

export interface UpstreamListener {
  onNotification(upstream: Upstream, message: JsonRpcNotification): void;
  onServerRequest(upstream: Upstream, message: JsonRpcRequest): void;
  onCatalogChanged(upstream: Upstream, kind: CatalogKind): void;
  onStateChanged(upstream: Upstream): void;
}

export interface UpstreamOptions {
  server: BundleServer;
  callTimeoutMs: number;
  startTimeoutMs: number;
  restart: { initialDelayMs: number; maxDelayMs: number };
  makeChannel(): UpstreamChannel;
  listener: UpstreamListener;
  clientInfo: { name: string; version: string };
}

/** `answered` is false when the response is Gatehouse's own (a timeout, a lost connection, a cancelled call's end of wait). */
type ResponseHandler = (response: JsonRpcResponse, answered: boolean) => void;
interface Pending {
  handler: ResponseHandler;
  timer: NodeJS.Timeout | undefined;
  method: string;
  cancelled?: boolean;
}

/** How long a cancelled request still waits for a late answer, so the record can say what the server did. */
export const LATE_ANSWER_WAIT_MS = 5000;

// Keyed by what a server sends: a Map, so "__proto__" or "constructor" is just an unknown method.
export const LIST_CHANGED: ReadonlyMap<string, readonly CatalogKind[]> = new Map([
  ['notifications/tools/list_changed', ['tools']],
  ['notifications/resources/list_changed', ['resources', 'resourceTemplates']],
  ['notifications/prompts/list_changed', ['prompts']],
]);

const HEALTHY_AFTER_MS = 60_000;

export interface UpstreamSnapshot {
  readonly id: string;
  readonly state: UpstreamState;
  readonly pid: number | null;
  readonly restarts: number;
  readonly lastError: string | null;
  readonly stderrTail: readonly string[];
  readonly protocolVersion: string | null;
  readonly serverInfo: Readonly<Record<string, unknown>> | null;
  readonly counts: Readonly<Record<CatalogKind, number>>;
  readonly inflight: number;
}

/**
 * One upstream MCP server: its connection, handshake, catalog cache and restarts.
 * The session is shared by every agent and never re-initialised per call.
 */
export class Upstream {
  readonly id: string;
  state: UpstreamState = 'stopped';
  lastError: string | undefined;
  restarts = 0;
  startedAt: number | undefined;
  protocolVersion: string | undefined;
  serverInfo: Record<string, unknown> | undefined;
  capabilities: Record<string, unknown> = {};
  instructions: string | undefined;
  private readonly cache: CatalogCache;
  /** The server's lists as last read (all pages), per kind. */
  readonly catalog: CatalogLists;

  private channel: UpstreamChannel | undefined;
  private nextId = 1;
  private readonly pending = new Map<JsonRpcId, Pending>();
  private backoffTimer: NodeJS.Timeout | undefined;
  private consecutiveFailures = 0;
  private stopped = true;
  /** Speaks the stateless 2026-07-28 revision: no initialize, an envelope on every request. */
  modern = false;
  private generation = 0;

  private readonly opts: UpstreamOptions;
  private readonly listen: UpstreamListen;

  constructor(opts: UpstreamOptions) {
    this.opts = opts;
    this.id = opts.server.id;
    this.cache = new CatalogCache({
      request: (method, params) =>
        new Promise<JsonRpcResponse | undefined>((resolve) => {
          // Lists are Gatehouse's own housekeeping, not an agent's call: they get the (longer) start timeout.
          if (this.channel) this.send(this.channel, method, params, resolve, this.opts.server.startTimeoutMs ?? this.opts.startTimeoutMs);
          else resolve(undefined);
        }),
      capabilities: () => this.capabilities,
      changed: (kind) => this.opts.listener.onCatalogChanged(this, kind),
      failed: (message) => {
        this.lastError = message;
      },
    });
    this.catalog = this.cache.lists;
    this.listen = new UpstreamListen({
      request: (method, params, handler) => this.forward(method, params, handler, 0),
      cancel: (id, reason) => this.cancel(id, reason),
      capabilities: () => this.capabilities,
      ready: () => this.modern && this.state === 'ready',
    });
  }

  get server(): BundleServer {
    return this.opts.server;
  }
  /** A new bundle changed only what does not touch the running process (pins, status): take it without a restart. */
  adopt(server: BundleServer): void {
    this.opts.server = server;
  }
  get pid(): number | undefined {
    return this.channel?.pid;
  }
  get stderrTail(): readonly string[] {
    return this.channel?.stderrTail ?? [];
  }
  /** Calls waiting on the server (its listen stream is not one). */
  get inflight(): number {
    return this.pending.size - (this.listen.streaming ? 1 : 0);
  }

  /** The upstream as it is now, copied: what the status reports, never a handle to change it. */
  snapshot(): UpstreamSnapshot {
    const c = this.catalog;
    return {
      id: this.id,
      state: this.state,
      pid: this.pid ?? null,
      restarts: this.restarts,
      lastError: this.lastError ?? null,
      stderrTail: [...this.stderrTail],
      protocolVersion: this.protocolVersion ?? null,
      serverInfo: this.serverInfo ?? null,
      counts: { tools: c.tools.length, resources: c.resources.length, resourceTemplates: c.resourceTemplates.length, prompts: c.prompts.length },
      inflight: this.inflight,
    };
  }

  /** Starts the server; failures are reported through state, never thrown. */
  start(): void {
    this.stopped = false;
    void this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.backoffTimer);
    this.failPending('server is shutting down');
    const ch = this.channel;
    this.channel = undefined;
    await ch?.close();
    this.setState('stopped');
  }

  /**
   * Sends a request upstream and calls `handler` exactly once with the response,
   * a timeout error, or a connection error. Returns the upstream id (for cancellation).
   */
  forward(
    method: string,
    params: Record<string, unknown> | undefined,
    handler: ResponseHandler,
    timeoutMs = this.timeoutFor(),
    caller?: CallerEnvelope,
  ): JsonRpcId | undefined {
    const ch = this.channel;
    if (!ch || this.state !== 'ready') {
      handler(
        errorResponse(0, ErrorCode.UpstreamUnavailable, `server "${this.id}" is not available (${this.state}${this.lastError ? `: ${this.lastError}` : ''})`),
        false,
      );
      return undefined;
    }
    return this.send(ch, method, params, handler, timeoutMs, caller);
  }

  /** Resource updates from a 2026-07-28 server come on its listen stream: the first subscriber of a URI adds it. */
  watch(uri: string): void {
    this.listen.watch(uri);
  }

  unwatch(uri: string): void {
    this.listen.unwatch(uri);
  }

  notify(method: string, params?: Record<string, unknown>): void {
    const message: JsonRpcNotification = params ? { jsonrpc: '2.0', method, params } : { jsonrpc: '2.0', method };
    try {
      this.channel?.send(message);
    } catch {
      /* connection gone; the close handler reports it */
    }
  }

  /** Answers a request the server sent us (sampling, elicitation, roots, ping). */
  respond(response: JsonRpcResponse): void {
    try {
      this.channel?.send(response);
    } catch {
      /* ditto */
    }
  }

  /**
   * Tells the server to stop working on a request. Its handler still runs once: with
   * the server's late answer if one comes within LATE_ANSWER_WAIT_MS, else with an
   * error saying none came.
   */
  cancel(upstreamId: JsonRpcId, reason: string): void {
    const p = this.pending.get(upstreamId);
    if (!p || p.cancelled) return;
    p.cancelled = true;
    clearTimeout(p.timer);
    p.timer = setTimeout(
      () =>
        this.settle(
          upstreamId,
          errorResponse(upstreamId, ErrorCode.RequestTimeout, `server "${this.id}" did not answer cancelled ${p.method} within ${LATE_ANSWER_WAIT_MS} ms`),
          false,
        ),
      LATE_ANSWER_WAIT_MS,
    );
    p.timer.unref();
    // On the 2026-07-28 wire over HTTP a request is cancelled by ending its stream: a stateless server has no session to hear a notification on.
    if (!(this.modern && this.channel?.abort?.(upstreamId))) this.notify('notifications/cancelled', { requestId: upstreamId, reason });
  }

  private timeoutFor(): number {
    return this.opts.server.callTimeoutMs ?? this.opts.callTimeoutMs;
  }

  private send(
    ch: UpstreamChannel,
    method: string,
    params: Record<string, unknown> | undefined,
    handler: ResponseHandler,
    timeoutMs: number,
    caller?: CallerEnvelope,
  ): JsonRpcId {
    const id = this.nextId++;
    let outParams = params;
    if (this.modern) outParams = { ...params, _meta: { ...(params?._meta as object | undefined), ...this.modernMeta(caller) } };
    const message: JsonRpcRequest = outParams ? { jsonrpc: '2.0', id, method, params: outParams } : { jsonrpc: '2.0', id, method };
    const timer = timeoutMs > 0 ? setTimeout(() => this.timeout(id), timeoutMs) : undefined;
    this.pending.set(id, { handler, timer, method });
    try {
      ch.send(message);
    } catch (err) {
      this.settle(id, errorResponse(id, ErrorCode.UpstreamUnavailable, `server "${this.id}": ${(err as Error).message}`), false);
    }
    return id;
  }

  private timeout(id: JsonRpcId): void {
    const p = this.pending.get(id);
    if (!p) return;
    const ms = this.timeoutFor();
    this.notify('notifications/cancelled', { requestId: id, reason: `timed out after ${ms} ms` });
    this.settle(id, errorResponse(id, ErrorCode.RequestTimeout, `server "${this.id}" did not answer ${p.method} within ${ms} ms`), false);
  }

  private settle(id: JsonRpcId, response: JsonRpcResponse, answered: boolean): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    p.handler(response, answered);
  }

  private failPending(reason: string): void {
    const all = [...this.pending.entries()];
    this.pending.clear();
    for (const [id, p] of all) {
      clearTimeout(p.timer);
      p.handler(errorResponse(id, ErrorCode.ConnectionClosed, `server "${this.id}" ${reason} during ${p.method}`), false);
    }
  }

  /**
   * Everything a server sends enters here. A server is a hostile peer: one malformed
   * message costs at most the request it answers (which fails cleanly), never the
   * daemon, and whatever a listener does with it cannot throw back into the channel.
   */
  private receive(generation: number, message: JsonRpcMessage): void {
    if (generation !== this.generation) return;
    try {
      this.dispatch(message);
    } catch (err) {
      this.note(`dropped a message that could not be handled: ${(err as Error).message}`);
    }
  }

  private dispatch(message: JsonRpcMessage): void {
    if (isResponse(message)) {
      if (message.id === null || !this.pending.has(message.id)) return;
      const problem = responseProblem(message);
      if (problem) {
        this.note(`malformed answer to request ${String(message.id)}: ${problem}`);
        this.settle(
          message.id,
          errorResponse(message.id, ErrorCode.InternalError, `server "${this.id}" sent a malformed answer: ${problem}`, { server: this.id }),
          true,
        );
        return;
      }
      // 2025-era agents do not know the 2026 result discriminator; a complete result is just a result.
      if (this.modern && 'result' in message && message.result.resultType === 'complete') delete message.result.resultType;
      this.settle(message.id, message, true);
      return;
    }
    if (isRequest(message)) {
      if (message.method === 'ping') {
        this.respond({ jsonrpc: '2.0', id: message.id, result: {} });
        return;
      }
      this.opts.listener.onServerRequest(this, message);
      return;
    }
    if (isNotification(message)) {
      const kinds = LIST_CHANGED.get(message.method);
      if (kinds) {
        for (const k of kinds) this.cache.refresh(k);
      }
      this.opts.listener.onNotification(this, message);
    }
  }

  /** Problems with what the server sent, kept beside its stderr for the status page. */
  readonly problems: string[] = [];
  private note(problem: string): void {
    this.problems.push(problem);
    if (this.problems.length > 20) this.problems.shift();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const generation = ++this.generation;
    this.setState('starting');
    this.startedAt = Date.now();
    const ch = this.opts.makeChannel();
    this.channel = ch;
    ch.onmessage = (m) => this.receive(generation, m);
    ch.onclose = (reason) => {
      if (generation === this.generation) this.lost(reason);
    };
    try {
      await ch.start();
      // Stopped (switched off, bundle changed) while it started: the channel is nobody's, so it goes now.
      if (generation !== this.generation || this.stopped) {
        await ch.close();
        return;
      }
      await this.handshake(ch);
      await this.cache.fetchAll(this.opts.server.startTimeoutMs ?? this.opts.startTimeoutMs);
      if (generation !== this.generation || this.stopped) return;
      this.lastError = undefined;
      this.setState('ready');
      if (this.modern) this.listen.open();
      setTimeout(() => {
        if (generation === this.generation && this.state === 'ready') this.consecutiveFailures = 0;
      }, HEALTHY_AFTER_MS).unref();
    } catch (err) {
      if (generation !== this.generation) return;
      this.lost((err as Error).message, (err as { retry?: boolean }).retry !== false);
    }
  }

  private async handshake(ch: UpstreamChannel): Promise<void> {
    const described = await handshake({
      ask: (method, params, modern, timeoutMs) =>
        new Promise<JsonRpcResponse>((resolve) => {
          this.modern = modern;
          this.send(ch, method, params, resolve, timeoutMs);
        }),
      notify: (m) => ch.send(m),
      clientInfo: this.opts.clientInfo,
      capabilities: this.clientCapabilities(),
      startTimeoutMs: this.opts.server.startTimeoutMs ?? this.opts.startTimeoutMs,
    });
    this.modern = described.modern;
    this.protocolVersion = described.protocolVersion;
    this.serverInfo = described.serverInfo;
    this.capabilities = described.capabilities;
    this.instructions = described.instructions;
  }

  private clientCapabilities(): Record<string, unknown> {
    return relayedCapabilities(this.opts.server.forwardRoots === true);
  }

  private modernMeta(caller: CallerEnvelope | undefined): Record<string, unknown> {
    return envelopeFor(this.opts.clientInfo, this.opts.server.forwardRoots === true, caller);
  }

  /** Re-reads a list unless it was read within `minIntervalMs`. */
  recheck(kind: CatalogKind, minIntervalMs: number): void {
    this.cache.recheck(kind, minIntervalMs);
  }

  /** The connection ended. Retried with backoff unless `retry` is false (a missing credential, say). */
  private lost(reason: string, retry = true): void {
    const ch = this.channel;
    this.channel = undefined;
    this.generation++;
    this.lastError = withNpmError(reason, ch?.stderrTail ?? []);
    this.failPending(reason.startsWith('exited') ? reason : `failed (${reason})`);
    void ch?.close().catch(() => {});
    for (const k of Object.keys(this.catalog) as CatalogKind[]) {
      if (this.catalog[k].length) {
        this.catalog[k] = [];
        this.opts.listener.onCatalogChanged(this, k);
      }
    }
    if (this.stopped) {
      this.setState('stopped');
      return;
    }
    if (!retry) {
      this.setState('failed');
      return;
    }
    const { initialDelayMs, maxDelayMs } = this.opts.restart;
    const delay = Math.min(maxDelayMs, initialDelayMs * 2 ** this.consecutiveFailures);
    this.consecutiveFailures++;
    this.setState('backoff');
    this.backoffTimer = setTimeout(() => {
      this.restarts++;
      void this.connect();
    }, delay);
    this.backoffTimer.unref();
  }

  private setState(state: UpstreamState): void {
    this.state = state;
    this.opts.listener.onStateChanged(this);
  }
}
