// The desktop window without Electron: the built dashboard served exactly as the main
// process serves it (electron/dashboard-protocol.ts, with its CSP and its token-adding
// proxy; a loopback origin stands in for the gatehouse-app scheme), the preload's bridge
// injected as the sandbox would expose it, in Debian's Chromium against a real daemon.
// The page works under the CSP, never holds the control token, cannot reach the daemon
// directly, and a gatehouse://enroll link lands on a filled-in form.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { stripTypeScriptTypes } from 'node:module';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { runInNewContext } from 'node:vm';
import { chromium, type Browser, type Page } from 'playwright-core';
import { dashboardHandler } from '../../electron/dashboard-protocol.ts';
import { parseDeepLink, routeFor } from '../../electron/links.ts';
import { appUrl } from '../../electron/web-policy.ts';
import { ROOT, startDaemon, tempDir, writeBundle, type TestDaemon } from '../helpers/daemon.ts';

const run = promisify(execFile);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.CI) throw new Error(`CI must install Chromium (${CHROMIUM})`);

/** Runs the real preload in a sandbox-like context and returns what it exposes to the page. */
function preloadBridge(): Record<string, unknown> {
  const exposed: Record<string, unknown> = {};
  const code = stripTypeScriptTypes(readFileSync(join(ROOT, 'electron', 'preload.cts'), 'utf8'));
  const electron = {
    contextBridge: {
      exposeInMainWorld: (key: string, api: unknown) => {
        exposed[key] = api;
      },
    },
  };
  const argv = ['electron', '--gatehouse-token=should-not-be-read'];
  runInNewContext(code, {
    require: (name: string) => {
      if (name !== 'electron') throw new Error(`a sandboxed preload cannot require ${name}`);
      return electron;
    },
    process: { argv },
    Object,
  });
  return exposed;
}

describe(
  'desktop window (dashboard scheme + CSP + preload bridge, Chromium, real daemon)',
  { skip: available ? false : 'Chromium is not installed (apt-get install chromium)' },
  () => {
    let d: TestDaemon;
    let server: Server;
    let origin: string;
    let browser: Browser;
    let page: Page;
    const cspErrors: string[] = [];
    const requested: string[] = [];
    const bodies: string[] = [];

    before(async () => {
      d = await startDaemon({ bundle: writeBundle({ schemaVersion: 1, name: 'desk-window', servers: [] }) });
      const dashboardDir = join(tempDir('gh-win-'), 'renderer');
      await run(
        join(ROOT, 'node_modules', '.bin', 'vite'),
        ['build', '--config', join(ROOT, 'renderer', 'vite.config.ts'), '--logLevel', 'error', '--outDir', dashboardDir, '--emptyOutDir'],
        { cwd: ROOT },
      );
      // The scheme handler behind a loopback listener: Chromium cannot be given Electron's protocol, but the handler is the same code.
      let handle: (r: Request) => Promise<Response> = async () => new Response(null, { status: 503 });
      server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const headers = new Headers();
          for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
          const body = chunks.length && req.method !== 'GET' && req.method !== 'HEAD' ? Buffer.concat(chunks) : undefined;
          const abort = new AbortController();
          res.on('close', () => abort.abort());
          void handle(
            new Request(`${origin}${req.url ?? '/'}`, { method: req.method ?? 'GET', headers, ...(body ? { body } : {}), signal: abort.signal }),
          ).then((r) => {
            res.writeHead(r.status, Object.fromEntries(r.headers));
            if (r.body)
              Readable.fromWeb(r.body as import('node:stream/web').ReadableStream)
                .on('error', () => res.destroy())
                .pipe(res);
            else res.end();
          });
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      handle = dashboardHandler({ dashboardDir, origin, daemon: () => ({ base: `http://127.0.0.1:${d.port}`, token: d.controlToken }) });

      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
      const context = await browser.newContext();
      const bridge = preloadBridge();
      await context.addInitScript(
        `Object.defineProperty(window, 'gatehouse', { value: Object.freeze(${JSON.stringify(bridge.gatehouse)}), enumerable: true });`,
      );
      page = await context.newPage();
      page.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
      });
      page.on('request', (r) => requested.push(r.url()));
      page.on('response', (r) => {
        void r.text().then(
          (t) => bodies.push(t),
          () => undefined,
        );
      });
    });

    after(async () => {
      await browser?.close();
      server?.close();
      await d?.stop();
    });

    it('the preload exposes no token and no endpoint, only that this is the desktop app', () => {
      assert.deepEqual(JSON.parse(JSON.stringify(preloadBridge())), { gatehouse: { desktop: true } });
    });

    it("the dashboard works under the main process's CSP, through the proxy, with no token in the page", async () => {
      await page.goto(appUrl('#/overview', origin, 1));
      await page.getByText('desk-window').first().waitFor({ timeout: 20_000 });
      // Let the live event stream and the polls run once more.
      await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Settings' }).click();
      await page
        .getByRole('heading', { name: /Settings/ })
        .first()
        .waitFor();
      assert.deepEqual(cspErrors, []);
      // Evaluated as text: this file is type-checked without the DOM library.
      const seen = await page.evaluate<string>(`JSON.stringify({
      bridge: window.gatehouse,
      html: document.documentElement.outerHTML,
      url: location.href,
      local: { ...localStorage },
      session: { ...sessionStorage },
      cookie: document.cookie,
      resources: performance.getEntriesByType('resource').map((e) => e.name),
    })`);
      assert.match(seen, /"bridge":\{"desktop":true\}/);
      assert.ok(!seen.includes(d.controlToken), 'the control token reached the page');
      for (const body of bodies) assert.ok(!body.includes(d.controlToken), 'a response carried the control token');
      assert.deepEqual(
        requested.filter((u) => !u.startsWith(`${origin}/`)),
        [],
        'every request stays on the app origin',
      );
    });

    it('live events reach the page through the proxy (the page reloads what it shows when the daemon reports something)', async () => {
      const stream = page.waitForResponse((r) => r.url().endsWith('/api/v1/events'), { timeout: 20_000 });
      await page.goto(appUrl('#/overview', origin, 3));
      await page.getByText('desk-window').first().waitFor({ timeout: 20_000 });
      assert.equal((await stream).status(), 200);
      const reloaded = page.waitForRequest((r) => r.url().endsWith('/api/v1/status'), { timeout: 15_000 });
      await d.control('/pause', { method: 'POST', body: JSON.stringify({ paused: true }) });
      await reloaded;
      await d.control('/pause', { method: 'POST', body: JSON.stringify({ paused: false }) });
    });

    it('a script in the page cannot reach the daemon directly nor the routes the dashboard does not use', async () => {
      const results = await page.evaluate(async (daemonPort) => {
        const attempt = async (url: string) => {
          try {
            return (await fetch(url)).status;
          } catch {
            return 'blocked';
          }
        };
        return {
          direct: await attempt(`http://127.0.0.1:${daemonPort}/api/v1/status`),
          hello: await attempt(`/api/v1/hello?nonce=${'a'.repeat(64)}`),
          mcp: await attempt('/mcp'),
          status: await attempt('/api/v1/status'),
        };
      }, d.port);
      assert.deepEqual(results, { direct: 'blocked', hello: 403, mcp: 404, status: 200 });
      // Blocked by the CSP itself, not merely by the daemon's Origin check.
      assert.ok(
        cspErrors.some((e) => e.includes(`127.0.0.1:${d.port}`) && e.includes('connect-src')),
        cspErrors.join('\n'),
      );
      cspErrors.length = 0;
    });

    it('a gatehouse://enroll link lands on the enrollment form, filled in', async () => {
      const link = parseDeepLink('gatehouse://enroll?url=https%3A%2F%2Fsync.example.com%2Fv1&token=enroll-123');
      assert.equal(link.kind, 'enroll');
      // As main opens it on the window already showing Settings: a fresh load, so the form takes the link's values.
      await page.goto(appUrl(routeFor(link), origin, 2));
      await page.getByLabel('Sync endpoint').waitFor();
      assert.equal(await page.getByLabel('Sync endpoint').inputValue(), 'https://sync.example.com/v1');
      assert.equal(await page.getByLabel('Enrollment code').inputValue(), 'enroll-123');
      assert.deepEqual(cspErrors, []);
    });
  },
);
