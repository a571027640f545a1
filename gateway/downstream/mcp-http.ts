import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  classifyMessage,
  ErrorCode,
  errorResponse,
  isRequest,
  type JsonRpcId,
  type JsonRpcMessage,
  type JsonRpcRequest,
} from '../../shared/jsonrpc/message.ts';
import { isModernVersion, LEGACY_PROTOCOL_VERSIONS, META, MODERN_PROTOCOL_VERSION } from '../../shared/jsonrpc/protocol.ts';
import type { ClientSession } from '../mux/client-session.ts';
import type { Gateway } from '../mux/gateway.ts';
import { cutText } from '../../shared/text/cut.ts';
import { EventLog, sseEvent } from './event-log.ts';
import { detach, resumeStream } from './call-streams.ts';
import { deliver, startSse, type HttpSession, type PostExchange } from './http-exchange.ts';
import { modernEdgeRejection } from './modern-edge.ts';

// The MCP Streamable HTTP endpoint, written against node:http directly: the hot
// path is parse, route, write. A POST's answer is plain JSON unless something
// related to it (progress, a log line, an elicitation) must go out first, in
// which case the response turns into an SSE stream on the spot.

const SUPPORTED_VERSIONS = new Set<string>([...LEGACY_PROTOCOL_VERSIONS, MODERN_PROTOCOL_VERSION]);
const IDLE_SESSION_MS = 30 * 60_000;
/** One token may hold this many sessions; a new one evicts its least recently used idle one. */
export const MAX_SESSIONS_PER_AGENT = 32;
/** A session whose GET stream closed (its client likely went away) ends after this unless it is used again. */
const ORPHAN_GRACE_MS = 60_000;

export interface McpHttpOptions {
  gateway: Gateway;
  /** Resolves the agent behind a request's bearer token, or undefined when it has none or a bad one. */
  agentFor(req: IncomingMessage): string | undefined;
  /** The WWW-Authenticate value of a 401: where an OAuth-capable client learns how to get a token. */
  challenge?(req: IncomingMessage): string;
}

export class McpHttpEndpoint {
  private readonly sessions = new Map<string, HttpSession>();
  private readonly sweeper: NodeJS.Timeout;
  private readonly opts: McpHttpOptions;

  constructor(opts: McpHttpOptions) {
    this.opts = opts;
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const s of this.sessions.values()) this.end(s);
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    const agent = this.opts.agentFor(req);
    if (!agent) {
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': this.opts.challenge?.(req) ?? 'Bearer realm="gatehouse"' });
      res.end(
        JSON.stringify(
          errorResponse(
            null,
            ErrorCode.InvalidRequest,
            'missing or unknown agent token: connect with a client that speaks MCP authorization (you then allow it in Gatehouse), or create one with `gatehouse token create --agent NAME` and send it as "Authorization: Bearer <token>"',
          ),
        ),
      );
      return;
    }
    const version = header(req, 'mcp-protocol-version');
    // A POST's body may claim the 2026-07-28 envelope, whose version error has its own layout: judged after parsing.
    if (version !== undefined && !SUPPORTED_VERSIONS.has(version) && req.method !== 'POST') {
      this.httpError(res, 400, ErrorCode.InvalidRequest, `unsupported MCP-Protocol-Version "${version}"; supported: ${[...SUPPORTED_VERSIONS].join(', ')}`);
      return;
    }
    switch (req.method) {
      case 'POST':
        this.post(req, res, agent);
        return;
      case 'GET':
        this.get(req, res, agent);
        return;
      case 'DELETE':
        this.delete(req, res, agent);
        return;
      default:
        res.writeHead(405, { allow: 'GET, POST, DELETE' }).end();
    }
  }

  private lookup(req: IncomingMessage, res: ServerResponse, agent: string): HttpSession | undefined {
    const id = header(req, 'mcp-session-id');
    if (!id) {
      this.httpError(res, 400, ErrorCode.InvalidRequest, 'missing Mcp-Session-Id header: send initialize first');
      return undefined;
    }
    const s = this.sessions.get(id);
    // A session is only visible to the agent that opened it.
    if (!s || s.agent !== agent) {
      this.httpError(res, 404, ErrorCode.InvalidRequest, 'session not found: it ended or never existed; initialize again');
      return undefined;
    }
    s.lastSeen = Date.now();
    return s;
  }

  private get(req: IncomingMessage, res: ServerResponse, agent: string): void {
    if (!(header(req, 'accept') ?? '').includes('text/event-stream')) {
      res.writeHead(406).end('GET needs Accept: text/event-stream');
      return;
    }
    const s = this.lookup(req, res, agent);
    if (!s) return;
    const last = header(req, 'last-event-id');
    if (last !== undefined && resumeStream(s, last, res, () => startSse(res, s.id))) return;
    if (s.standalone && !s.standalone.writableEnded) {
      this.httpError(res, 409, ErrorCode.InvalidRequest, 'this session already has an open GET stream');
      return;
    }
    startSse(res, s.id);
    s.standalone = res;
    // A client that lost its stream says where it was: what it missed comes first.
    if (last !== undefined) for (const e of s.events.after(last)) res.write(sseEvent(e.text, e.id));
    res.on('close', () => {
      if (s.standalone !== res) return;
      s.standalone = undefined;
      // The client's listening stream is gone: unless it comes back, so is the client.
      const closedAt = Date.now();
      setTimeout(() => {
        if (this.sessions.get(s.id) === s && !s.standalone && s.exchanges.size === 0 && s.lastSeen <= closedAt) this.end(s);
      }, ORPHAN_GRACE_MS).unref();
    });
  }

  private delete(req: IncomingMessage, res: ServerResponse, agent: string): void {
    const s = this.lookup(req, res, agent);
    if (!s) return;
    this.end(s);
    res.writeHead(200).end();
  }

  private post(req: IncomingMessage, res: ServerResponse, agent: string): void {
    const limit = this.opts.gateway.settings.maxMessageBytes;
    const declared = Number(header(req, 'content-length') ?? 0);
    if (declared > limit) {
      this.tooLarge(res, declared, limit);
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let aborted = false;
    req.on('data', (chunk: Buffer) => {
      if (aborted) return;
      size += chunk.length;
      if (size > limit) {
        aborted = true;
        this.tooLarge(res, size, limit);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (aborted) return;
      const body = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks, size).toString('utf8');
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch (err) {
        this.httpError(res, 400, ErrorCode.ParseError, `parse error: ${(err as Error).message}`);
        return;
      }
      this.dispatch(req, res, agent, parsed);
    });
  }

  private dispatch(req: IncomingMessage, res: ServerResponse, agent: string, parsed: unknown): void {
    const batch = Array.isArray(parsed);
    const messages = this.messagesOf(res, batch ? (parsed as unknown[]) : [parsed]);
    if (!messages) return;
    const init = messages.find((m) => isRequest(m) && m.method === 'initialize') as JsonRpcRequest | undefined;
    const version = header(req, 'mcp-protocol-version');
    const stateless = !batch && header(req, 'mcp-session-id') === undefined && isStatelessRequest(messages[0]!, version);
    if (stateless) {
      const no = modernEdgeRejection(req, parsed);
      if (no) {
        this.httpError(res, no.httpStatus, no.code, no.message, idOf(messages[0]!), no.data);
        return;
      }
    } else if (version !== undefined && !SUPPORTED_VERSIONS.has(version)) {
      this.httpError(
        res,
        400,
        ErrorCode.InvalidRequest,
        `unsupported MCP-Protocol-Version "${cutText(version, 64)}"; supported: ${[...SUPPORTED_VERSIONS].join(', ')}`,
        idOf(messages[0]!),
      );
      return;
    }
    const s = this.sessionFor(req, res, agent, stateless, init ? messages.length : 0);
    if (!s) return;
    const requests = messages.filter(isRequest);
    if (requests.length === 0) {
      res.writeHead(202).end();
      for (const m of messages) this.opts.gateway.handle(s.client, m);
      return;
    }
    // Answers find their POST by id: a second request under an id still running would take the first one's answer.
    const clash = requests.find((r) => s.exchanges.has(r.id));
    if (clash) {
      this.httpError(res, 409, ErrorCode.InvalidRequest, `request id ${JSON.stringify(clash.id)} is already in use by a request still running in this session`);
      return;
    }
    const accept = header(req, 'accept') ?? '';
    const exchange: PostExchange = {
      res,
      attached: true,
      sse: false,
      canSse: accept.includes('text/event-stream'),
      batch,
      waiting: new Set(requests.map((r) => r.id)),
      collected: [],
      done: false,
    };
    for (const r of requests) s.exchanges.set(r.id, exchange);
    const session = s;
    res.on('close', () => {
      // A resumable stream's call goes on: the client may come back for the rest (call-streams.ts).
      if (exchange.done || detach(exchange, res)) return;
      // The agent went away mid-call: cancel what it was waiting for.
      exchange.done = true;
      for (const id of exchange.waiting) {
        session.exchanges.delete(id);
        this.opts.gateway.cancel(session.client, id, 'client disconnected', 'disconnected');
      }
      if (session.ephemeral) this.end(session);
    });
    for (const m of messages) this.opts.gateway.handle(s.client, m);
  }

  /** The body's JSON-RPC messages, or undefined once a malformed one is answered. */
  private messagesOf(res: ServerResponse, items: unknown[]): JsonRpcMessage[] | undefined {
    if (items.length === 0) {
      this.httpError(res, 400, ErrorCode.InvalidRequest, 'empty batch');
      return undefined;
    }
    const messages: JsonRpcMessage[] = [];
    for (const item of items) {
      const m = classifyMessage(item);
      if (typeof m === 'string') {
        this.httpError(res, 400, ErrorCode.InvalidRequest, `invalid request: ${m}`);
        return undefined;
      }
      messages.push(m);
    }
    return messages;
  }

  /**
   * The session a POST belongs to: a fresh one for a stateless request or an initialize
   * (sent alone, within the agent's cap), else the one its header names. Undefined
   * once the refusal is answered.
   */
  private sessionFor(req: IncomingMessage, res: ServerResponse, agent: string, stateless: boolean, initializing: number): HttpSession | undefined {
    // 2026-07-28 clients have no session: each POST stands alone.
    if (stateless) return this.open(agent, true);
    if (initializing === 0) return this.lookup(req, res, agent);
    if (initializing > 1) {
      this.httpError(res, 400, ErrorCode.InvalidRequest, 'initialize must be sent alone');
      return undefined;
    }
    if (!this.makeRoom(agent)) {
      this.httpError(
        res,
        429,
        ErrorCode.InvalidRequest,
        `agent "${agent}" already has ${MAX_SESSIONS_PER_AGENT} sessions with requests running; end one (DELETE) or wait`,
      );
      return undefined;
    }
    return this.open(agent, false);
  }

  /**
   * Keeps one agent's sessions under the cap: at the cap, its least recently used
   * session with nothing running is ended. False when every one is busy.
   */
  private makeRoom(agent: string): boolean {
    let count = 0;
    let idlest: HttpSession | undefined;
    for (const s of this.sessions.values()) {
      if (s.agent !== agent) continue;
      count++;
      if (s.exchanges.size === 0 && (!idlest || s.lastSeen < idlest.lastSeen)) idlest = s;
    }
    if (count < MAX_SESSIONS_PER_AGENT) return true;
    if (!idlest) return false;
    this.end(idlest);
    return true;
  }

  private open(agent: string, ephemeral: boolean): HttpSession {
    const id = randomUUID();
    const s: HttpSession = {
      id,
      agent,
      standalone: undefined,
      events: new EventLog(),
      streams: new Map(),
      nextStream: 0,
      exchanges: new Map(),
      lastSeen: Date.now(),
      ephemeral,
      client: undefined as unknown as ClientSession,
    };
    s.client = this.opts.gateway.openSession(agent, 'http', { send: (message, related) => deliver(s, message, related, () => this.end(s)) });
    s.client.listening = () => (s.standalone !== undefined && !s.standalone.writableEnded) || s.exchanges.size > 0;
    if (!ephemeral) this.sessions.set(id, s);
    return s;
  }

  private end(s: HttpSession): void {
    this.sessions.delete(s.id);
    if (s.standalone && !s.standalone.writableEnded) s.standalone.end();
    // Streams still open on the session's POSTs (calls, listen streams) end with it, and what they were waiting for is given up.
    for (const exchange of new Set(s.exchanges.values())) {
      if (exchange.done) continue;
      exchange.done = true;
      for (const id of exchange.waiting) this.opts.gateway.cancel(s.client, id, 'the session ended', 'disconnected');
      if (!exchange.res.writableEnded) exchange.res.end();
    }
    s.exchanges.clear();
    s.streams.clear();
    this.opts.gateway.closeSession(s.client);
  }

  private sweep(): void {
    const cutoff = Date.now() - IDLE_SESSION_MS;
    for (const s of this.sessions.values()) {
      if (s.lastSeen < cutoff && !s.standalone && s.exchanges.size === 0) this.end(s);
    }
  }

  private tooLarge(res: ServerResponse, bytes: number, limit: number): void {
    this.httpError(res, 413, ErrorCode.MessageTooLarge, `message of ${bytes} bytes is over the ${limit}-byte limit (settings.maxMessageBytes)`);
  }

  /** Errors carry the request's id when there was one to read (the 2026-07-28 revision requires it). */
  private httpError(res: ServerResponse, status: number, code: number, message: string, id: JsonRpcId | null = null, data?: unknown): void {
    if (res.headersSent) {
      res.end();
      return;
    }
    const body = JSON.stringify(errorResponse(id, code, message, data));
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      connection: status === 413 ? 'close' : 'keep-alive',
    });
    res.end(body);
  }
}

function idOf(message: JsonRpcMessage): JsonRpcId | null {
  return isRequest(message) ? message.id : null;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function isStatelessRequest(message: JsonRpcMessage, versionHeader: string | undefined): boolean {
  if (isModernVersion(versionHeader)) return true;
  if (!isRequest(message)) return false;
  const meta = message.params?._meta as Record<string, unknown> | undefined;
  const v = meta?.[META.protocolVersion];
  return typeof v === 'string' && isModernVersion(v);
}
