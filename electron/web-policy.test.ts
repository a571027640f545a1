import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appUrl, contentSecurityPolicy, isAppUrl, mayOpenExternally, navigationDecision, permissionAllowed } from './web-policy.ts';

test('only our own scheme and host count as the app, whatever the string looks like', () => {
  assert.equal(isAppUrl('gatehouse-app://dashboard/index.html#/pending'), true);
  for (const raw of [
    'gatehouse-app://dashboard.evil.example/',
    'gatehouse-app://dashboardx/',
    'gatehouse-app://evil/',
    'gatehouse-other://dashboard/',
    'http://127.0.0.1:7465/app/',
    'gatehouse-app://user@dashboard/',
    'file:///index.html',
    'javascript:alert(1)',
    'nonsense',
  ]) {
    assert.equal(isAppUrl(raw), false, raw);
  }
});

test('navigation stays in the app; https goes to the system browser; everything else is refused', () => {
  assert.equal(navigationDecision('gatehouse-app://dashboard/index.html#/audit'), 'allow');
  assert.equal(navigationDecision('https://modelcontextprotocol.io/docs'), 'external');
  for (const raw of ['http://example.com', 'file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'https://a:b@example.com/', 'ms-msdt:/id', '']) {
    assert.equal(navigationDecision(raw), 'deny', raw);
    assert.equal(mayOpenExternally(raw), false, raw);
  }
});

test('routes are only hash routes of safe characters', () => {
  assert.equal(appUrl('#/pending/0123456789ab'), 'gatehouse-app://dashboard/index.html#/pending/0123456789ab');
  assert.equal(appUrl('#/settings/url%3Dhttps'), 'gatehouse-app://dashboard/index.html#/settings/url%3Dhttps');
  assert.equal(appUrl('javascript:alert(1)'), 'gatehouse-app://dashboard/index.html#/overview');
  assert.equal(appUrl('#/x"><script>'), 'gatehouse-app://dashboard/index.html#/overview');
  assert.equal(appUrl('#/pending', undefined, 3), 'gatehouse-app://dashboard/index.html?load=3#/pending');
});

test('no permission is granted but clipboard writes from our own page', () => {
  assert.equal(permissionAllowed('clipboard-sanitized-write', 'gatehouse-app://dashboard/index.html'), true);
  assert.equal(permissionAllowed('clipboard-sanitized-write', 'https://evil.example/'), false);
  for (const p of ['media', 'geolocation', 'notifications', 'openExternal', 'clipboard-read', 'hid', 'serial', 'fileSystem']) {
    assert.equal(permissionAllowed(p, 'gatehouse-app://dashboard/index.html'), false, p);
  }
});

test('the CSP allows no inline script, no frames and no foreign connection', () => {
  const csp = contentSecurityPolicy();
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.match(csp, /connect-src 'self'(;|$)/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.doesNotMatch(csp, /unsafe-eval|script-src[^;]*unsafe-inline|\*/);
});

test("the proxy passes the dashboard's routes and not the ones that would hand the page a token or more", async () => {
  const { routeAllowed } = await import('./dashboard-protocol.ts');
  for (const [m, p] of [
    ['GET', '/api/v1/status'],
    ['POST', '/api/v1/pending/0123456789ab/approve'],
    ['POST', '/api/v1/servers/fs/restart'],
    ['GET', '/api/v1/events'],
    ['DELETE', '/api/v1/tokens/cursor'],
  ]) {
    assert.equal(routeAllowed(m!, p!), true, `${m} ${p}`);
  }
  for (const [m, p] of [
    ['POST', '/api/v1/dashboard/redeem'],
    ['GET', '/api/v1/hello'],
    ['POST', '/api/v1/status'],
    ['GET', '/api/v1/pending/0123456789ab/approve'],
    ['GET', '/mcp'],
    ['POST', '/api/v1/servers/../restart'],
    ['GET', '/api/v1/status/'],
    ['GET', '/api/v1/statusx'],
  ]) {
    assert.equal(routeAllowed(m!, p!), false, `${m} ${p}`);
  }
});

test('every control call the dashboard makes is one the proxy lets through (the list cannot fall behind the renderer)', async () => {
  const { readdirSync, readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { routeAllowed } = await import('./dashboard-protocol.ts');
  const { ROUTES, routePath } = await import('../shared/control/routes.ts');
  const dir = join(import.meta.dirname, '..', 'renderer', 'src');
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.tsx?$/.test(f))
    .map((f) => readFileSync(join(dir, f), 'utf8'));
  // Paths written out, and paths built from the shared route table by name (routePath('name', …), or either of two names).
  const literal = files.flatMap((text) =>
    [...text.matchAll(/call\('(GET|POST|PUT|DELETE)', [`']([^`']+)[`']/g)].map(
      (m) =>
        [
          m[1]!,
          `/api/v1${m[2]!
            .replace(/\$\{decision\}/g, 'approve')
            .replace(/\$\{client\}/g, 'cursor')
            .replace(/\$\{[^}]+\}/g, '0123456789ab')
            .replace(/\?.*$/, '')}`,
        ] as const,
    ),
  );
  const names = new Set(
    files.flatMap((text) => [...text.matchAll(/routePath\(([^,)]*)/g)].flatMap((m) => [...m[1]!.matchAll(/'([A-Za-z]+)'/g)].map((n) => n[1]!))),
  );
  const samples = ['0123456789ab', '0123456789abcdef0123456789abcdef', 'cursor', 'api_key'];
  const built = [...names].map((name) => {
    const route = (ROUTES as Record<string, { method: string; path: string; params?: Record<string, RegExp> }>)[name];
    assert.ok(route, `routePath('${name}') names a route`);
    const params = Object.fromEntries(Object.entries(route.params ?? {}).map(([k, re]) => [k, samples.find((v) => re.test(v)) ?? 'x']));
    return [route.method, `/api/v1${routePath(name as never, params)}`] as const;
  });
  const calls = [...literal, ...built];
  assert.ok(calls.length >= 15, `found only ${calls.length} calls`);
  for (const [method, path] of calls) assert.equal(routeAllowed(method, path), true, `${method} ${path}`);
});
