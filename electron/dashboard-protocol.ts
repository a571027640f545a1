import { readFile } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { APP_ORIGIN, securityHeaders } from './web-policy.ts';

// The dashboard's own scheme, served from the main process: the built files from disk,
// and /api/v1/… proxied to the daemon with the control token added here. The page never
// holds the token; a script injected into it can reach only the routes the dashboard
// itself uses, and only while the window is open.

export interface DaemonEndpoint {
  base: string;
  token: string;
}

export interface DashboardHandlerOptions {
  /** The built dashboard (dist/renderer). */
  dashboardDir: string;
  /** The daemon the app is connected to now, or null while there is none. */
  daemon: () => DaemonEndpoint | null;
  /** The origin the page is served at (our scheme in Electron; a loopback URL in tests). */
  origin?: string;
  fetch?: typeof fetch;
}

/**
 * The control routes the dashboard uses, by method. Anything else is not the page's
 * business: /hello, and above all /dashboard/redeem, which hands a token to whoever asks.
 */
const ROUTES: ReadonlyArray<readonly [string, RegExp]> = [
  ['GET', /^\/api\/v1\/(status|tools|servers|agents|pending|decisions|secrets|log-level|events|audit|org\/preview)$/],
  ['GET', /^\/api\/v1\/pending\/[0-9a-f]{12}$/],
  ['GET', /^\/api\/v1\/oauth\/logins\/[A-Za-z0-9_-]{8,40}$/],
  ['POST', /^\/api\/v1\/pending\/[0-9a-f]{12}\/(approve|reject)$/],
  ['POST', /^\/api\/v1\/decisions\/[0-9a-f]{12}\/reopen$/],
  ['POST', /^\/api\/v1\/(tokens|bundle\/reload|org\/enroll|pause|audit\/ship|identity\/refresh|identity\/reload|try)$/],
  ['POST', /^\/api\/v1\/connect\/[a-z-]{3,20}$/],
  ['POST', /^\/api\/v1\/servers\/[a-z0-9-]{1,32}\/(restart|enabled)$/],
  ['GET', /^\/api\/v1\/agent-requests$/],
  ['POST', /^\/api\/v1\/agent-requests\/[0-9a-f]{32}\/(allow|deny)$/],
  ['POST', /^\/api\/v1\/oauth\/[a-z0-9-]{1,32}\/login$/],
  ['PUT', /^\/api\/v1\/log-level$/],
  ['PUT', /^\/api\/v1\/secrets\/[a-z0-9-]{1,32}\/[A-Za-z0-9_-]{1,48}$/],
  ['POST', /^\/api\/v1\/secrets\/[a-z0-9-]{1,32}\/[A-Za-z0-9_-]{1,48}\/rotate$/],
  ['DELETE', /^\/api\/v1\/secrets\/[a-z0-9-]{1,32}\/[A-Za-z0-9_-]{1,48}$/],
  ['DELETE', /^\/api\/v1\/tokens\/[A-Za-z0-9._-]{1,64}$/],
];

export function routeAllowed(method: string, path: string): boolean {
  return ROUTES.some(([m, re]) => m === method && re.test(path));
}

const MAX_BODY = 64 * 1024;

const TYPES = new Map([
  ['.html', 'text/html; charset=utf-8'],
  ['.js', 'text/javascript; charset=utf-8'],
  ['.css', 'text/css; charset=utf-8'],
  ['.svg', 'image/svg+xml'],
  ['.png', 'image/png'],
  ['.ico', 'image/x-icon'],
  ['.woff2', 'font/woff2'],
  ['.json', 'application/json'],
]);

type Body = ConstructorParameters<typeof Response>[0];

function answer(status: number, body: Body, headers: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { ...securityHeaders(), 'cache-control': 'no-store', ...headers } });
}

const problem = (status: number, error: string) => answer(status, JSON.stringify({ error }), { 'content-type': 'application/json' });

export function dashboardHandler(opts: DashboardHandlerOptions): (request: Request) => Promise<Response> {
  const own = new URL(opts.origin ?? APP_ORIGIN);
  const root = resolve(opts.dashboardDir);
  const doFetch = opts.fetch ?? fetch;

  async function file(pathname: string): Promise<Response> {
    let rel: string;
    try {
      rel = decodeURIComponent(pathname);
    } catch {
      return answer(400, 'bad path');
    }
    if (rel === '/' || rel === '') rel = '/index.html';
    if (rel.includes('\0') || rel.includes('\\')) return answer(400, 'bad path');
    const path = resolve(join(root, rel));
    if (!path.startsWith(root + sep)) return answer(404, 'not found');
    const type = TYPES.get(extname(path).toLowerCase());
    if (!type) return answer(404, 'not found');
    try {
      return answer(200, new Uint8Array(await readFile(path)), { 'content-type': type });
    } catch {
      return answer(404, 'not found');
    }
  }

  async function api(request: Request, url: URL): Promise<Response> {
    if (!routeAllowed(request.method, url.pathname)) return problem(403, `the dashboard does not use ${request.method} ${url.pathname}`);
    // A page on another origin (a frame, a popup) must not ride on our token.
    // (Compared as scheme://host: URL.origin of a custom scheme is "null", which is also what an opaque-origin frame sends.)
    const origin = request.headers.get('origin');
    if (origin !== null && origin !== `${own.protocol}//${own.host}`) return problem(403, 'foreign origin');
    const daemon = opts.daemon();
    if (!daemon) return problem(503, 'the gateway is not running');
    let body: ArrayBuffer | undefined;
    if (request.method !== 'GET' && request.method !== 'DELETE') {
      if (Number(request.headers.get('content-length') ?? 0) > MAX_BODY) return problem(413, 'request too large');
      body = await request.arrayBuffer();
      if (body.byteLength > MAX_BODY) return problem(413, 'request too large');
    }
    // Only what the API reads is passed on; the page's own authorization header (if any) is not.
    const headers: Record<string, string> = { authorization: `Bearer ${daemon.token}` };
    const type = request.headers.get('content-type');
    if (type) headers['content-type'] = type;
    let res: Response;
    try {
      res = await doFetch(`${daemon.base}${url.pathname}${url.search}`, {
        method: request.method,
        headers,
        ...(body ? { body } : {}),
        redirect: 'manual',
        signal: request.signal,
      });
    } catch {
      return problem(502, 'the gateway did not answer');
    }
    const out: Record<string, string> = { 'content-type': res.headers.get('content-type') ?? 'application/json' };
    return answer(res.status, res.body, out);
  }

  return async (request) => {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return answer(400, 'bad URL');
    }
    if (url.protocol !== own.protocol || url.host !== own.host) return answer(404, 'not found');
    if (url.pathname.startsWith('/api/')) return api(request, url);
    if (request.method !== 'GET' && request.method !== 'HEAD') return answer(405, 'method not allowed');
    return file(url.pathname);
  };
}
