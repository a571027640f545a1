import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';
import { CONSOLE_API, LOGIN_PATH, SESSION_HEADER } from '../../shared/console/contract.ts';
import { isAllowedHost, isAllowedOrigin, isLoopbackAddress } from '../../shared/net/loopback-guard.ts';
import type { Workspace } from '../admin/workspace.ts';
import { BodyTooLarge, readBody } from '../http/body.ts';
import { ApiError, ConsoleApi, type Answer } from './api.ts';
import { Sessions } from './session.ts';

// `gatehouse-admin console`: the admin console, served on loopback only, to
// the admin's own browser. The same defences as the daemon's listener: the peer
// must be loopback, the Host header one of our loopback names (DNS rebinding),
// a browser Origin this listener (CSRF), and every API request needs the
// session cookie the one-time login link set. The org's signing keys stay in
// this process; the page never sees them.

const API_BODY_MAX = 1024 * 1024;
const TYPES = new Map([
  ['.html', 'text/html; charset=utf-8'],
  ['.js', 'text/javascript; charset=utf-8'],
  ['.css', 'text/css; charset=utf-8'],
  ['.json', 'application/json'],
  ['.svg', 'image/svg+xml'],
  ['.png', 'image/png'],
  ['.ico', 'image/x-icon'],
  ['.woff2', 'font/woff2'],
  ['.map', 'application/json'],
]);
const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

export interface ConsoleServerOptions {
  ws: Workspace;
  syncUrl: string | null;
  /** Who approvals are recorded as. */
  admin: string;
  port: number;
  /** The built UI (dist/console). */
  uiDir: string;
  log?: (line: string) => void;
}

export interface ConsoleServer {
  url: string;
  port: number;
  newLoginLink(): string;
  close(): Promise<void>;
}

function text(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...PAGE_HEADERS, ...headers }).end(body);
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res
    .writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...headers })
    .end(JSON.stringify(body));
}

export async function startConsole(o: ConsoleServerOptions): Promise<ConsoleServer> {
  const sessions = new Sessions();
  let expiresAt = '';
  const api = new ConsoleApi({ ws: o.ws, syncUrl: o.syncUrl, admin: o.admin, sessionExpiresAt: () => expiresAt });
  let port = o.port;
  const uiRoot = resolve(o.uiDir);

  const serveUi = (req: IncomingMessage, res: ServerResponse, path: string) => {
    if (!existsSync(join(uiRoot, 'index.html'))) {
      text(res, 503, `The console's UI is not built (${uiRoot} has no index.html): run \`npm run build\`. The API answers under ${CONSOLE_API}.`);
      return;
    }
    let file = resolve(uiRoot, `.${decodeURIComponent(path)}`);
    if (file !== uiRoot && !file.startsWith(uiRoot + sep)) {
      text(res, 404, 'not found');
      return;
    }
    if (!existsSync(file) || !statSync(file).isFile()) {
      if (extname(path)) {
        text(res, 404, 'not found');
        return;
      }
      file = join(uiRoot, 'index.html');
    }
    const hashed = file.includes(`${sep}assets${sep}`);
    res.writeHead(200, {
      'content-type': TYPES.get(extname(file)) ?? 'application/octet-stream',
      'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-store',
      ...PAGE_HEADERS,
    });
    res.end(req.method === 'HEAD' ? undefined : readFileSync(file));
  };

  const handleApi = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const writes = req.method !== 'GET' && req.method !== 'HEAD';
    if (writes) {
      // A form or a foreign page cannot send JSON with a same-origin Origin: this is the CSRF check.
      if (!req.headers.origin) {
        json(res, 403, { error: 'a state-changing request needs the Origin header of this console', code: 'origin' });
        return;
      }
      if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
        json(res, 403, { error: 'state-changing requests are JSON (content-type: application/json)', code: 'content-type' });
        return;
      }
    }
    const expires = sessions.check(req.headers.cookie, req.headers[SESSION_HEADER]);
    if (expires === null) {
      json(res, 401, { error: 'not signed in: open the login link `gatehouse-admin console` printed in its terminal', code: 'session' });
      return;
    }
    expiresAt = new Date(expires).toISOString();
    let body: unknown;
    if (writes) {
      const raw = (await readBody(req, API_BODY_MAX)).toString('utf8');
      try {
        body = raw ? JSON.parse(raw) : {};
      } catch {
        json(res, 400, { error: 'the body is not JSON', code: 'json' });
        return;
      }
    }
    if (req.method === 'POST' && url.pathname === `${CONSOLE_API}/logout`) {
      json(res, 200, { ok: true }, { 'set-cookie': sessions.end(req.headers.cookie) });
      return;
    }
    const answer: Answer = await api.handle({ method: req.method ?? 'GET', path: url.pathname.slice(CONSOLE_API.length), query: url.searchParams, body });
    if ('stream' in answer) {
      res.writeHead(answer.status, {
        'content-type': answer.stream.type,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        'content-disposition': `attachment; filename="${answer.stream.filename}"`,
      });
      await answer.stream.produce(
        (chunk) =>
          new Promise<void>((done) => {
            if (res.write(chunk)) done();
            else res.once('drain', done);
          }),
      );
      res.end();
      return;
    }
    json(res, answer.status, answer.body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (!isLoopbackAddress(req.socket.remoteAddress)) {
      req.socket.destroy();
      return;
    }
    if (!isAllowedHost(req.headers.host, port)) {
      text(res, 403, 'this console answers only on its own loopback address');
      return;
    }
    if (!isAllowedOrigin(req.headers.origin, port)) {
      text(res, 403, 'requests from other origins are refused');
      return;
    }
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (url.pathname === LOGIN_PATH && req.method === 'GET') {
      const signedIn = sessions.login(url.searchParams.get('token') ?? '');
      if (!signedIn) {
        text(res, 401, 'This login link was already used or has expired. Press Enter in the terminal running `gatehouse-admin console` for a new one.');
        return;
      }
      // The secret rides in the fragment, which the browser never sends anywhere; the page moves it to localStorage.
      res.writeHead(303, { location: `/#session=${signedIn.secret}`, 'set-cookie': signedIn.cookie, 'cache-control': 'no-store', ...PAGE_HEADERS }).end();
      return;
    }
    if (url.pathname === CONSOLE_API || url.pathname.startsWith(`${CONSOLE_API}/`)) {
      await handleApi(req, res, url);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      text(res, 405, 'method not allowed');
      return;
    }
    serveUi(req, res, url.pathname);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err instanceof ApiError) {
        json(res, err.status, { error: err.message, code: err.code });
        return;
      }
      if (err instanceof BodyTooLarge) {
        json(res, 413, { error: err.message, code: 'too-large' });
        return;
      }
      o.log?.(`console error: ${(err as Error).stack ?? String(err)}`);
      json(res, 500, { error: `internal error: ${(err as Error).message}`, code: 'internal' });
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(o.port, '127.0.0.1', () => {
      server.off('error', fail);
      ok();
    });
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    newLoginLink: () => `${url}${LOGIN_PATH}?token=${sessions.newLink()}`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
