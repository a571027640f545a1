import { existsSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { extname, join, normalize } from 'node:path';
import type { ControlApi } from '../control/api.ts';
import { isAllowedHost, isAllowedOrigin, isLoopbackAddress } from './loopback-guard.ts';
import type { McpHttpEndpoint } from './mcp-http.ts';
import type { AgentAuth } from '../agent-auth/routes.ts';

// An ESM import of node:http makes Node 24 load undici (about 7 MB that an idle daemon never uses); the builtin getter does not.
const { createServer } = process.getBuiltinModule('node:http');

export interface ListenerOptions {
  port: number;
  mcp: McpHttpEndpoint;
  control: ControlApi;
  /** The browser's return from an OAuth authorization server (matched by state, so no token). */
  oauthCallback?: (url: URL) => Promise<{ status: number; message: string }>;
  /** The built dashboard (dist/renderer), served at /app/ for the desktop window. */
  dashboardDir?: string;
  allowedOrigins?: readonly string[];
  /** The loopback OAuth authorization server for agents (/.well-known/…, /oauth/…). */
  agentAuth?: AgentAuth;
}

/** The one loopback HTTP listener: MCP at /mcp, the control API at /api/v1. */
export async function listenHttp(opts: ListenerOptions): Promise<{ server: Server; port: number }> {
  let port = opts.port;
  const server = createServer((req, res) => {
    if (refusedForeign(req, res, port, opts.allowedOrigins)) return;
    const q = req.url?.indexOf('?') ?? -1;
    const path = q === -1 ? (req.url ?? '/') : req.url!.slice(0, q);
    if (path === '/mcp') {
      opts.mcp.handle(req, res);
      return;
    }
    if ((path === '/app' || path.startsWith('/app/')) && req.method === 'GET' && opts.dashboardDir) {
      serveDashboard(opts.dashboardDir, path, res);
      return;
    }
    if (path === '/oauth/callback' && req.method === 'GET' && opts.oauthCallback) {
      opts.oauthCallback(new URL(req.url ?? '/', `http://127.0.0.1:${port}`)).then(
        (outcome) => callbackPage(res, outcome),
        () => callbackPage(res, { status: 500, message: 'Gatehouse could not finish this sign-in. Start again with `gatehouse login`.' }),
      );
      return;
    }
    // The Host header was checked above: it names this listener, so it is a safe issuer and resource.
    if (
      opts.agentAuth &&
      (path.startsWith('/.well-known/') || path.startsWith('/oauth/')) &&
      opts.agentAuth.handle(req, res, path, `http://${req.headers.host ?? `127.0.0.1:${port}`}`)
    )
      return;
    if (path.startsWith('/api/v1/')) {
      opts.control.handle(req, res, path).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: (err as Error).message }));
      });
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Gatehouse: MCP is at /mcp, the control API at /api/v1/');
  });
  // Loopback reconnects are cheap; a short keep-alive keeps idle agent sockets from piling up.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address && typeof address === 'object') port = address.port;
  return { server, port };
}

/** Answers (and returns true for) a request from off this machine, or naming another host or a foreign page. */
function refusedForeign(req: IncomingMessage, res: ServerResponse, port: number, allowedOrigins: readonly string[] | undefined): boolean {
  if (!isLoopbackAddress(req.socket.remoteAddress)) {
    res.writeHead(403).end('loopback only');
    return true;
  }
  if (!isAllowedHost(req.headers.host, port)) {
    res
      .writeHead(421, { 'content-type': 'application/json' })
      .end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32600, message: `Host "${req.headers.host ?? ''}" is not this loopback listener` } }));
    return true;
  }
  if (!isAllowedOrigin(req.headers.origin, port, allowedOrigins)) {
    res
      .writeHead(403, { 'content-type': 'application/json' })
      .end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32600, message: `Origin "${req.headers.origin}" is not allowed` } }));
    return true;
  }
  return false;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};

/** Static files of the dashboard. The page holds no secret: every datum comes from the token-guarded API. */
function serveDashboard(dir: string, path: string, res: ServerResponse): void {
  const rel = normalize(path.replace(/^\/app\/?/, '') || 'index.html');
  const file = join(dir, rel);
  if (rel.startsWith('..') || !file.startsWith(dir) || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end(existsSync(dir) ? 'not found' : 'the dashboard is not built: run npm run build');
    return;
  }
  res
    .writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': rel === 'index.html' ? 'no-store' : 'max-age=31536000, immutable',
      'content-security-policy': "default-src 'self'; connect-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
      'x-content-type-options': 'nosniff',
    })
    .end(readFileSync(file));
}

/** The page the browser shows on its return from an OAuth authorization server. */
function callbackPage(res: ServerResponse, { status, message }: { status: number; message: string }): void {
  const body = `<!doctype html><meta charset="utf-8"><title>Gatehouse</title><body style="font:16px system-ui;margin:4em"><h1>Gatehouse</h1><p>${message.replace(/[<>&]/g, (c) => `&#${c.charCodeAt(0)};`)}</p>`;
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' }).end(body);
}
