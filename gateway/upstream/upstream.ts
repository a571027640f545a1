import type { BundleServer } from '../../shared/bundle/schema.ts';
import {
  ErrorCode,
  errorResponse,
  isNotification,
  isPlainObject,
  isRequest,
  isResponse,
  responseProblem,
  type JsonRpcId,
  type JsonRpcMessage,
  type JsonRpcNotification,
  type JsonRpcRequest,
  type JsonRpcResponse,
} from '../../shared/jsonrpc/message.ts';
import { LEGACY_PROTOCOL_VERSIONS, MODERN_PROTOCOL_VERSION, META } from '../../shared/jsonrpc/protocol.ts';
import { cutText } from '../../shared/text/cut.ts';
import type { UpstreamChannel } from './channel.ts';

export type UpstreamState = 'starting' | 'ready' | 'backoff' | 'failed' | 'stopped';
export type CatalogKind = 'tools' | 'resources' | 'resourceTemplates' | 'prompts';

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

const LIST_METHODS: Record<CatalogKind, { method: string; key: string; capability: string }> = {
  tools: { method: 'tools/list', key: 'tools', capability: 'tools' },
  resources: { method: 'resources/list', key: 'resources', capability: 'resources' },
  resourceTemplates: { method: 'resources/templates/list', key: 'resourceTemplates', capability: 'resources' },
  prompts: { method: 'prompts/list', key: 'prompts', capability: 'prompts' },
};

// Keyed by what a server sends: a Map, so "__proto__" or "constructor" is just an unknown method.
export const LIST_CHANGED: ReadonlyMap<string, readonly CatalogKind[]> = new Map([
  ['notifications/tools/list_changed', ['tools']],
  ['notifications/resources/list_changed', ['resources', 'resourceTemplates']],
  ['notifications/prompts/list_changed', ['prompts']],
]);

const MAX_PAGES = 1000;
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
  readonly catalog: Record<CatalogKind, Record<string, unknown>[]> = { tools: [], resources: [], resourceTemplates: [], prompts: [] };

  private channel: UpstreamChannel | undefined;
  private nextId = 1;
  private readonly pending = new Map<JsonRpcId, Pending>();
  private backoffTimer: NodeJS.Timeout | undefined;
  private consecutiveFailures = 0;
  private stopped = true;
  /** Speaks the stateless 2026-07-28 revision: no initialize, an envelope on every request. */
  modern = false;
  private readonly refreshing = new Map<CatalogKind, Promise<void>>();
  private readonly refreshAgain = new Set<CatalogKind>();
  private readonly lastFetched = new Map<CatalogKind, number>();
  private generation = 0;

  private readonly opts: UpstreamOptions;

  constructor(opts: UpstreamOptions) {
    this.opts = opts;
    this.id = opts.server.id;
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
  get inflight(): number {
    return this.pending.size;
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
  forward(method: string, params: Record<string, unknown> | undefined, handler: ResponseHandler, timeoutMs = this.timeoutFor()): JsonRpcId | undefined {
    const ch = this.channel;
    if (!ch || this.state !== 'ready') {
      handler(
        errorResponse(0, ErrorCode.UpstreamUnavailable, `server "${this.id}" is not available (${this.state}${this.lastError ? `: ${this.lastError}` : ''})`),
        false,
      );
      return undefined;
    }
    return this.send(ch, method, params, handler, timeoutMs);
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
    this.notify('notifications/cancelled', { requestId: upstreamId, reason });
  }

  private timeoutFor(): number {
    return this.opts.server.callTimeoutMs ?? this.opts.callTimeoutMs;
  }

  private send(ch: UpstreamChannel, method: string, params: Record<string, unknown> | undefined, handler: ResponseHandler, timeoutMs: number): JsonRpcId {
    const id = this.nextId++;
    let outParams = params;
    if (this.modern) outParams = { ...params, _meta: { ...(params?._meta as object | undefined), ...this.modernMeta() } };
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
        for (const k of kinds) void this.refresh(k);
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
      await Promise.all((Object.keys(LIST_METHODS) as CatalogKind[]).map((k) => this.fetchCatalog(k)));
      if (generation !== this.generation || this.stopped) return;
      this.lastError = undefined;
      this.setState('ready');
      setTimeout(() => {
        if (generation === this.generation && this.state === 'ready') this.consecutiveFailures = 0;
      }, HEALTHY_AFTER_MS).unref();
    } catch (err) {
      if (generation !== this.generation) return;
      this.lost((err as Error).message, (err as { retry?: boolean }).retry !== false);
    }
  }

  private async handshake(ch: UpstreamChannel): Promise<void> {
    const startTimeout = this.opts.server.startTimeoutMs ?? this.opts.startTimeoutMs;
    const init = await new Promise<JsonRpcResponse>((resolve) =>
      this.send(
        ch,
        'initialize',
        {
          protocolVersion: LEGACY_PROTOCOL_VERSIONS[0],
          capabilities: this.clientCapabilities(),
          clientInfo: this.opts.clientInfo,
        },
        resolve,
        startTimeout,
      ),
    );
    if ('error' in init) {
      // A server of the stateless 2026-07-28 era has no initialize: ask it to describe itself instead.
      const discover = await new Promise<JsonRpcResponse>((resolve) => {
        this.modern = true;
        this.send(ch, 'server/discover', {}, resolve, startTimeout);
      });
      if ('error' in discover) {
        this.modern = false;
        throw new Error(`initialize failed: ${init.error.message}`);
      }
      const r = discover.result;
      this.protocolVersion = MODERN_PROTOCOL_VERSION;
      this.serverInfo = isPlainObject(r.serverInfo) ? r.serverInfo : undefined;
      this.capabilities = isPlainObject(r.capabilities) ? r.capabilities : {};
      this.instructions = typeof r.instructions === 'string' ? r.instructions : undefined;
      return;
    }
    const r = init.result;
    this.protocolVersion = typeof r.protocolVersion === 'string' ? r.protocolVersion : undefined;
    this.serverInfo = isPlainObject(r.serverInfo) ? r.serverInfo : undefined;
    this.capabilities = isPlainObject(r.capabilities) ? r.capabilities : {};
    this.instructions = typeof r.instructions === 'string' ? r.instructions : undefined;
    ch.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  }

  private clientCapabilities(): Record<string, unknown> {
    const caps: Record<string, unknown> = { sampling: {}, elicitation: { form: {}, url: {} } };
    if (this.opts.server.forwardRoots) caps.roots = { listChanged: true };
    return caps;
  }

  private modernMeta(): Record<string, unknown> {
    return {
      [META.protocolVersion]: MODERN_PROTOCOL_VERSION,
      [META.clientCapabilities]: this.clientCapabilities(),
      [META.clientInfo]: this.opts.clientInfo,
    };
  }

  /** Re-reads a list unless it was read within `minIntervalMs`. */
  recheck(kind: CatalogKind, minIntervalMs: number): void {
    const now = Date.now();
    if (now - (this.lastFetched.get(kind) ?? 0) < minIntervalMs) return;
    this.lastFetched.set(kind, now);
    void this.refresh(kind, true);
  }

  /** Re-reads one list, coalescing bursts of list_changed into at most one extra fetch. */
  private refresh(kind: CatalogKind, onlyIfChanged = false): Promise<void> {
    const running = this.refreshing.get(kind);
    if (running) {
      this.refreshAgain.add(kind);
      return running;
    }
    const run = (async () => {
      try {
        const previous = this.catalog[kind];
        const before = onlyIfChanged ? JSON.stringify(previous) : '';
        do {
          this.refreshAgain.delete(kind);
          await this.fetchCatalog(kind);
          // Fetching again: until then agents keep the list the pin gate judged, not unjudged copies (an empty catalogue).
          if (this.refreshAgain.has(kind)) this.catalog[kind] = previous;
        } while (this.refreshAgain.has(kind));
        if (!onlyIfChanged || JSON.stringify(this.catalog[kind]) !== before) this.opts.listener.onCatalogChanged(this, kind);
        // Nothing changed: keep the objects the pin gate approved, or the next catalog rebuild would hide them all.
        else this.catalog[kind] = previous;
      } catch (err) {
        this.lastError = `refreshing ${kind}: ${(err as Error).message}`;
      } finally {
        this.refreshing.delete(kind);
      }
    })();
    this.refreshing.set(kind, run);
    return run;
  }

  private async fetchCatalog(kind: CatalogKind): Promise<void> {
    const spec = LIST_METHODS[kind];
    if (!(spec.capability in this.capabilities)) {
      this.catalog[kind] = [];
      return;
    }
    const ch = this.channel;
    if (!ch) return;
    const items: Record<string, unknown>[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      // Lists are Gatehouse's own housekeeping, not an agent's call: they get the (longer) start timeout.
      const response = await new Promise<JsonRpcResponse>((resolve) =>
        this.send(ch, spec.method, cursor ? { cursor } : undefined, resolve, this.opts.server.startTimeoutMs ?? this.opts.startTimeoutMs),
      );
      if ('error' in response) {
        // Optional lists (templates) may be unimplemented even when the capability is there.
        if (response.error.code === ErrorCode.MethodNotFound) break;
        throw new Error(`${spec.method} failed: ${response.error.message}`);
      }
      const list = response.result[spec.key];
      if (Array.isArray(list)) for (const item of list) if (item && typeof item === 'object') items.push(item as Record<string, unknown>);
      cursor = typeof response.result.nextCursor === 'string' && response.result.nextCursor ? response.result.nextCursor : undefined;
      if (!cursor) break;
    }
    this.catalog[kind] = items;
    this.lastFetched.set(kind, Date.now());
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

/**
 * A server started through npx that fails usually fails in npm (a registry it cannot
 * reach, a proxy's certificate, a package that does not exist); "did not answer
 * initialize" hides that. npm's own error, from the server's stderr, goes beside it.
 */
export function withNpmError(reason: string, stderrTail: readonly string[]): string {
  let line: string | undefined;
  for (let i = stderrTail.length - 1; i >= 0 && !line; i--) if (/\bnpm (?:ERR!|error) /.test(stderrTail[i]!)) line = stderrTail[i];
  if (!line) return reason;
  const what = cutText(line.replace(/^.*?\bnpm (?:ERR!|error) /, '').trim(), 200);
  return what && !reason.includes(what) ? `${reason} (npm: ${what})` : reason;
}
