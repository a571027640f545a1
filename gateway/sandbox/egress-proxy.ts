import { connect, createServer, type Server, type Socket } from 'node:net';
import { hostAllowed, type HostRule } from './policy.ts';

const MAX_HEAD_BYTES = 16 * 1024;
const HEAD_TIMEOUT_MS = 10_000;

export interface Refusal {
  host: string;
  port: number;
  at: string;
}

/** The proxy the user has configured (HTTPS_PROXY…): allowed hosts are reached through it. */
export interface UpstreamProxy {
  host: string;
  port: number;
  /** `Basic …` from the URL's user info; never logged. */
  authorization?: string | undefined;
  /** NO_PROXY entries: these hosts are reached directly. */
  bypass: string[];
}

/** Reads an http:// proxy URL and a NO_PROXY list; undefined for none or a scheme we cannot speak. */
export function upstreamProxyFrom(url: string | undefined, noProxy: string | undefined): UpstreamProxy | undefined {
  if (!url) return undefined;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (u.protocol !== 'http:') return undefined;
  const authorization = u.username
    ? `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64')}`
    : undefined;
  const bypass = (noProxy ?? '')
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean);
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port ? Number(u.port) : 80, authorization, bypass };
}

/** NO_PROXY as curl reads it: `*`, a host, or a domain (with or without a leading dot) and its subdomains. */
function bypassed(proxy: UpstreamProxy, host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return proxy.bypass.some((e) => {
    if (e === '*') return true;
    const name = (e.startsWith('.') ? e.slice(1) : e).replace(/:\d+$/, '');
    return h === name || h.endsWith(`.${name}`);
  });
}

/**
 * The only way out of a sandbox with an allow-list: an HTTP proxy (CONNECT for TLS,
 * absolute-form requests for plain HTTP) that reaches a host only when the bundle
 * lists it. Everything the sandboxed process sends is hostile: the head is capped,
 * must arrive in time, and is parsed no further than the request line and headers.
 */
export class EgressProxy {
  readonly server: Server;
  private readonly rules: readonly HostRule[];
  private readonly onRefused: (refusal: Refusal) => void;
  private readonly sockets = new Set<Socket>();
  private readonly via: UpstreamProxy | undefined;

  constructor(rules: readonly HostRule[], onRefused: (refusal: Refusal) => void, via?: UpstreamProxy) {
    this.rules = rules;
    this.onRefused = onRefused;
    this.via = via;
    this.server = createServer((socket) => this.accept(socket));
  }

  /** A unix socket path (Linux, bound into the sandbox) or a loopback port (0 picks one). */
  listen(where: string | number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      const done = () => {
        this.server.off('error', reject);
        resolve();
      };
      if (typeof where === 'string') this.server.listen(where, done);
      else this.server.listen(where, '127.0.0.1', done);
    });
  }

  get port(): number | undefined {
    const a = this.server.address();
    return a && typeof a === 'object' ? a.port : undefined;
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setTimeout(HEAD_TIMEOUT_MS, () => socket.destroy());
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) {
        if (buffered.length > MAX_HEAD_BYTES) reply(socket, 431, 'request head too large');
        return;
      }
      socket.off('data', onData);
      socket.pause();
      socket.setTimeout(0);
      this.route(socket, buffered.subarray(0, end).toString('latin1'), buffered.subarray(end + 4));
    };
    socket.on('data', onData);
  }

  private route(socket: Socket, head: string, rest: Buffer): void {
    const [requestLine = '', ...headers] = head.split('\r\n');
    const parts = requestLine.split(' ');
    if (parts.length !== 3 || !/^[A-Z]{1,16}$/.test(parts[0]!) || !/^HTTP\/1\.[01]$/.test(parts[2]!)) {
      reply(socket, 400, 'not an HTTP/1 proxy request');
      return;
    }
    const [method, target, version] = parts as [string, string, string];
    if (method === 'CONNECT') {
      const dest = splitHostPort(target);
      if (!dest) {
        reply(socket, 400, 'CONNECT needs host:port');
        return;
      }
      this.open(socket, dest, 'connect', () => rest);
      return;
    }
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      reply(socket, 400, 'a proxy request needs an absolute http:// URL');
      return;
    }
    if (url.protocol !== 'http:' || url.username || url.password) {
      reply(socket, 400, 'only plain http:// URLs are proxied; use CONNECT for TLS');
      return;
    }
    const dest = { host: url.hostname, port: url.port ? Number(url.port) : 80 };
    // Proxy-* headers are for this hop only, and one request per connection keeps
    // every request on the host that was checked.
    const kept = headers.filter((h) => !/^(proxy-[a-z-]*|connection|keep-alive)\s*:/i.test(h));
    // Through the user's proxy the request keeps its absolute form and gains the proxy's credentials.
    const chained = this.via && !bypassed(this.via, dest.host);
    const requestTarget = chained ? url.href : `${url.pathname}${url.search}`;
    const auth = chained && this.via!.authorization ? [`Proxy-Authorization: ${this.via!.authorization}`] : [];
    const rewritten = [`${method} ${requestTarget} ${version}`, ...kept, ...auth, 'Connection: close', '', ''].join('\r\n');
    this.open(socket, dest, 'http', () => Buffer.concat([Buffer.from(rewritten, 'latin1'), rest]));
  }

  private open(socket: Socket, dest: { host: string; port: number }, mode: 'connect' | 'http', first: () => Buffer): void {
    if (!hostAllowed(this.rules, dest.host, dest.port)) {
      this.onRefused({ host: dest.host.slice(0, 255), port: dest.port, at: new Date().toISOString() });
      reply(socket, 403, `${dest.host.slice(0, 255)}:${dest.port} is not on this server's network allow-list`);
      return;
    }
    const host = dest.host.startsWith('[') ? dest.host.slice(1, -1) : dest.host;
    const via = this.via && !bypassed(this.via, host) ? this.via : undefined;
    const upstream = connect(via ? { host: via.host, port: via.port } : { host, port: dest.port });
    this.sockets.add(upstream);
    upstream.once('close', () => {
      this.sockets.delete(upstream);
      socket.destroy();
    });
    upstream.once('error', () => {
      if (!socket.destroyed) reply(socket, 502, `could not reach ${dest.host}:${dest.port}`);
      upstream.destroy();
    });
    const join = () => {
      upstream.removeAllListeners('error');
      upstream.on('error', () => socket.destroy());
      socket.once('close', () => upstream.destroy());
      if (mode === 'connect') socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      const data = first();
      if (data.length) upstream.write(data);
      socket.pipe(upstream).pipe(socket);
      socket.resume();
    };
    upstream.once('connect', () => {
      if (!via || mode === 'http') {
        join();
        return;
      }
      // A tunnel through the user's proxy: ask it for one, and answer only once it agrees.
      const authority = host.includes(':') ? `[${host}]:${dest.port}` : `${host}:${dest.port}`;
      upstream.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n${via.authorization ? `Proxy-Authorization: ${via.authorization}\r\n` : ''}\r\n`);
      let head = Buffer.alloc(0);
      const onHead = (chunk: Buffer) => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) {
          if (head.length > MAX_HEAD_BYTES) upstream.destroy();
          return;
        }
        upstream.off('data', onHead);
        const status = /^HTTP\/1\.[01] (\d{3})/.exec(head.subarray(0, end).toString('latin1'))?.[1];
        if (status !== '200') {
          reply(socket, 502, `the configured proxy refused ${authority} (${status ?? 'no HTTP answer'})`);
          upstream.destroy();
          return;
        }
        const early = head.subarray(end + 4);
        join();
        if (early.length) socket.write(early);
      };
      upstream.on('data', onHead);
    });
  }
}

function splitHostPort(target: string): { host: string; port: number } | undefined {
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+):(\d{1,5})$/.exec(target);
  if (!m) return undefined;
  const port = Number(m[2]);
  return port >= 1 && port <= 65535 ? { host: m[1]!, port } : undefined;
}

function reply(socket: Socket, status: number, text: string): void {
  const reason = status === 403 ? 'Forbidden' : status === 431 ? 'Request Header Fields Too Large' : status === 502 ? 'Bad Gateway' : 'Bad Request';
  const body = `${text}\n`;
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}
