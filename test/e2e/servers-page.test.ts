// The Servers page in Chromium against a real daemon: each server's sandbox is shown,
// and switching a server off and on from the page takes effect in the daemon.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { ROOT, startDaemon, stdioServer, waitFor, writeBundle, type TestDaemon } from '../helpers/daemon.ts';
import { sandboxSupport } from '../../gateway/sandbox/probe.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.CI) throw new Error(`CI must install Chromium (${CHROMIUM})`);
const AXE = readFileSync(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
interface Servers { servers: { id: string; state: string; enabled?: boolean }[] }

describe('Servers page: sandbox and switching off (Chromium, real daemon)', { skip: available ? false : 'Chromium is not installed (apt-get install chromium)' }, () => {
  let d: TestDaemon;
  let vite: ViteDevServer;
  let browser: Browser;
  let page: Page;
  let base: string;
  const boxed = sandboxSupport().mechanism === 'bubblewrap';

  before(async () => {
    const sandbox = { read: [ROOT], network: 'none' };
    d = await startDaemon({ bundle: writeBundle({ schemaVersion: 1, name: 'servers-page', servers: [stdioServer('boxed', 'faulty-server.ts', { sandbox }), stdioServer('plain', 'faulty-server.ts')], settings: { sandbox: { allowUnsandboxed: true } } }) });
    await waitFor(async () => (await d.control<Servers>('/servers')).body.servers.every((s) => s.state === 'ready'), 30_000, 'servers ready');
    process.env.GATEHOUSE_DAEMON_URL = `http://127.0.0.1:${d.port}`;
    const { createServer } = await import('vite');
    vite = await createServer({ configFile: join(ROOT, 'renderer', 'vite.config.ts'), server: { port: 0, strictPort: false }, logLevel: 'error' });
    await vite.listen();
    base = `http://127.0.0.1:${(vite.httpServer!.address() as { port: number }).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${base}/#/servers&token=${d.controlToken}`);
    await page.getByRole('heading', { name: 'Servers & tools' }).waitFor();
  });
  after(async () => {
    await browser?.close();
    await vite?.close();
    await d?.stop();
  });

  it('shows each server\'s sandbox', async () => {
    await page.getByRole('columnheader', { name: 'Sandbox' }).waitFor();
    const boxedRow = page.getByRole('row').filter({ hasText: 'boxed' }).first();
    const plainRow = page.getByRole('row').filter({ hasText: 'plain' }).first();
    if (boxed) assert.match(await boxedRow.innerText(), /bubblewrap\s+no network/);
    else assert.match(await boxedRow.innerText(), /not enforced/);
    assert.match(await plainRow.innerText(), /off\s+runs as you/);
  });

  it('switches a server off and on from the page', async () => {
    await page.getByRole('button', { name: 'Switch off plain' }).click();
    await waitFor(async () => (await d.control<Servers>('/servers')).body.servers.find((s) => s.id === 'plain')?.enabled === false, 10_000, 'plain switched off');
    await page.getByRole('button', { name: 'Switch on plain' }).waitFor({ timeout: 10_000 });
    assert.match(await page.getByRole('row').filter({ hasText: 'plain' }).first().innerText(), /switched off/);
    assert.equal(await page.getByRole('button', { name: 'Restart plain' }).count(), 0, 'no restart for a switched-off server');
    mkdirSync(join(ROOT, 'test-output', 'screenshots'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'test-output', 'screenshots', 'servers-switched-off-1280x800.png'), fullPage: true });
    // The page's CSP refuses inline scripts; evaluate() runs axe without one.
    await page.evaluate(AXE);
    const axe = await page.evaluate<{ violations: { id: string }[] }>("axe.run(document, { resultTypes: ['violations'] })");
    assert.deepEqual(axe.violations.map((v) => v.id), []);
    await page.getByRole('button', { name: 'Switch on plain' }).click();
    await waitFor(async () => (await d.control<Servers>('/servers')).body.servers.find((s) => s.id === 'plain')?.state === 'ready', 20_000, 'plain ready again');
    await page.getByRole('button', { name: 'Switch off plain' }).waitFor({ timeout: 10_000 });
  });
});
