import { SSEClientTransport, StreamableHTTPClientTransport, type Transport } from '@modelcontextprotocol/client';
import type { JsonRpcId, JsonRpcMessage } from '../../shared/jsonrpc/message.ts';
import type { UpstreamChannel } from './channel.ts';

export interface HttpLaunch {
  url: string;
  headers: Record<string, string>;
  /** `auto` tries Streamable HTTP, then legacy SSE when the server refuses it. */
  mode: 'streamable' | 'sse' | 'auto';
  /** The server refused the credentials in force (401): refresh them; true when the request may be sent again with `headers`. */
  reauthorize?: () => Promise<boolean>;
}

/**
 * A remote MCP server over Streamable HTTP (or legacy HTTP+SSE). The SDK's client
 * transports do the HTTP work (sessions, SSE parsing, reconnection); we use them
 * as raw message pipes and keep our own session logic above.
 */
export class HttpChannel implements UpstreamChannel {
  onmessage?: (message: JsonRpcMessage) => void;
  onclose?: (reason: string) => void;
  readonly pid = undefined;
  readonly stderrTail: string[] = [];
  private transport: Transport | undefined;
  private closing = false;
  /** Set once the first message round trip has proved the transport. */
  private proven = false;
  /** Each open request's own stream, by its JSON-encoded id, to end it on cancel. */
  private readonly streams = new Map<string, AbortController>();

  private readonly launch: HttpLaunch;

  constructor(launch: HttpLaunch) {
    this.launch = launch;
  }

  async start(): Promise<void> {
    this.transport = this.make(this.launch.mode === 'sse' ? 'sse' : 'streamable');
    await this.transport.start();
  }

  send(message: JsonRpcMessage): void {
    const t = this.transport;
    if (!t) throw new Error('upstream connection is not open');
    const key = 'method' in message && 'id' in message ? JSON.stringify(message.id) : undefined;
    const abort = key === undefined ? undefined : new AbortController();
    if (abort) this.streams.set(key!, abort);
    t.send(message as never, abort ? { requestSignal: abort.signal } : undefined).then(
      () => {
        this.proven = true;
      },
      (err: unknown) => {
        // A stream ended on purpose (abort) is no failure of the connection.
        if (!abort?.signal.aborted) void this.sendFailed(message, err);
      },
    );
  }

  abort(id: JsonRpcId): boolean {
    const key = JSON.stringify(id);
    const stream = this.streams.get(key);
    this.streams.delete(key);
    stream?.abort();
    return stream !== undefined;
  }

  async close(): Promise<void> {
    this.closing = true;
    this.streams.clear();
    await this.transport?.close().catch(() => {});
  }

  private make(kind: 'streamable' | 'sse'): Transport {
    const url = new URL(this.launch.url);
    const requestInit = { headers: this.launch.headers };
    const options = this.launch.reauthorize ? { requestInit, fetch: this.fetchReauthorized } : { requestInit };
    const transport: Transport = kind === 'sse' ? new SSEClientTransport(url, options) : new StreamableHTTPClientTransport(url, options);
    transport.onmessage = (m) => {
      const message = m as unknown as JsonRpcMessage;
      if (!('method' in message) && 'id' in message) this.streams.delete(JSON.stringify(message.id));
      this.onmessage?.(message);
    };
    transport.onerror = (err) => this.note(err.message);
    transport.onclose = () => {
      if (this.closing || transport !== this.transport) return;
      this.closing = true;
      this.onclose?.('connection closed');
    };
    return transport;
  }

  /**
   * A request the server refused with 401 is sent once more with fresh
   * credentials: when the token changed since it was sent (a refresh raced it),
   * or once a refresh succeeds. A token the server revoked early, or a clock
   * that disagrees with the provider's, then costs no call and no reconnection.
   */
  private readonly fetchReauthorized = async (url: string | URL, init?: RequestInit): Promise<Response> => {
    const res = await fetch(url, init);
    const reauthorize = this.launch.reauthorize;
    // Only a body that can be sent twice: the SDK's requests carry JSON text or nothing.
    if (res.status !== 401 || !reauthorize || (init?.body != null && typeof init.body !== 'string')) return res;
    const sent = new Headers(init?.headers);
    const stale = () => Object.entries(this.launch.headers).some(([name, value]) => sent.get(name) !== value);
    // Resent when a refresh raced the request, or when one now succeeds and changes the token.
    const refreshed = stale() || ((await reauthorize().catch(() => false)) && stale());
    if (!refreshed) return res;
    await res.body?.cancel().catch(() => {});
    const headers = new Headers(init?.headers);
    for (const [name, value] of Object.entries(this.launch.headers)) headers.set(name, value);
    return fetch(url, { ...init, headers });
  };

  private async sendFailed(message: JsonRpcMessage, err: unknown): Promise<void> {
    const text = err instanceof Error ? err.message : String(err);
    const status = httpStatus(err, text);
    this.note(text);
    // A notification the server refused (a stateless 2026 server has nothing to cancel, say) costs nothing else.
    if (this.proven && !('id' in message) && status !== undefined && status < 500) return;
    const isInitialize = 'method' in message && message.method === 'initialize';
    if (!this.proven && 'method' in message && message.method === 'server/discover' && 'id' in message && status !== undefined && status < 500) {
      // The era probe: a server that refuses it is a legacy one, which the handshake then initializes.
      this.onmessage?.({ jsonrpc: '2.0', id: message.id, error: { code: -32601, message: `server/discover refused: ${text}` } });
      return;
    }
    if (!this.proven && isInitialize && status === 400 && 'id' in message) {
      // A Streamable HTTP server that refuses initialize (a stateless 2026-07-28
      // server does): answer the session with an error so it tries server/discover.
      this.onmessage?.({ jsonrpc: '2.0', id: message.id, error: { code: -32600, message: `initialize refused: ${text}` } });
      return;
    }
    // Per the spec's backwards-compatibility rule: a 4xx to the first POST means
    // the server predates Streamable HTTP, so retry over the legacy SSE transport.
    if (!this.proven && this.launch.mode === 'auto' && status !== undefined && status >= 400 && status < 500 && isInitialize) {
      const old = this.transport;
      this.transport = this.make('sse');
      await old?.close().catch(() => {});
      try {
        await this.transport.start();
        await this.transport.send(message as never);
        this.proven = true;
        return;
      } catch (fallbackErr) {
        this.note(`legacy SSE fallback failed: ${fallbackErr instanceof Error ? fallbackErr.message : String(fallbackErr)}`);
      }
    }
    if (!this.closing) {
      this.closing = true;
      this.onclose?.(`request failed: ${text}`);
    }
  }

  private note(line: string): void {
    this.stderrTail.push(`[${new Date().toISOString()}] ${line}`);
    if (this.stderrTail.length > 40) this.stderrTail.shift();
  }
}

function httpStatus(err: unknown, text: string): number | undefined {
  const data = (err as { data?: { status?: unknown } } | undefined)?.data;
  if (typeof data?.status === 'number') return data.status;
  const m = /\b(4\d\d|5\d\d)\b/.exec(text);
  return m ? Number(m[1]) : undefined;
}
