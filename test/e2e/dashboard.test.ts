// The dashboard in a real browser (Debian's Chromium driven by playwright-core),
// served by Vite, against a real daemon running the demo servers plus rug-pull
// servers of ours. Each page renders real data (a screenshot of each is saved under
// test-output/screenshots); the rug-pull flow runs end to end: a server changes a
// tool, a pending change appears (with its live event), the user opens the diff,
// sees the hidden character, approves, and the tool becomes callable through MCP;
// rejecting keeps another one blocked.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { Client } from '@modelcontextprotocol/client';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { stdioClient } from '../helpers/clients.ts';
import { CLI, FIXTURES, ROOT, startDaemon, tempDir, waitFor, type TestDaemon } from '../helpers/daemon.ts';
import { keychainReady, NO_KEYCHAIN } from '../helpers/keychain.ts';

const run = promisify(execFile);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = join(ROOT, 'test-output', 'screenshots');
const available = existsSync(CHROMIUM);
if (!available && process.env.CI) throw new Error(`CI must install Chromium (${CHROMIUM})`);
const keychain = available && await keychainReady();
const textOf = (r: unknown) => (r as { content: { text?: string }[] }).content.map((c) => c.text ?? '').join('');

/** The demo bundle's servers, plus rug-pull servers pinned to their original tools and a server that needs a credential. */
async function e2eBundle(): Promise<string> {
  const dir = tempDir('gh-e2e-');
  const demo = JSON.parse(readFileSync(join(ROOT, 'resources', 'demo-bundle.json'), 'utf8').replaceAll('${bundleDir}', join(ROOT, 'resources')));
  const rug = (id: string, mode: string) => ({ id, transport: { type: 'stdio', command: process.execPath, args: [join(FIXTURES, 'servers', 'rugpull-server.ts')], env: { RUGPULL_MODE: mode, RUGPULL_AFTER: '1000', RUGPULL_NOTIFY: '1' } } });
  const bundle = {
    ...demo,
    policies: { ...demo.policies, rules: [...demo.policies.rules, { id: 'e2e-servers', effect: 'allow', servers: ['weather', 'kb', 'vault'] }] },
    servers: [...demo.servers, rug('weather', 'hidden'), rug('kb', 'enum'),
      { id: 'vault', transport: { type: 'stdio', command: process.execPath, args: [join(FIXTURES, 'servers', 'faulty-server.ts')] }, credentials: [{ name: 'api_key', kind: 'env', description: 'API key for the vault service', rotationDays: 30 }] }],
  };
  const path = join(dir, 'bundle.json');
  writeFileSync(path, JSON.stringify(bundle, null, 2));
  await run(process.execPath, [CLI, 'pin', '--bundle', path, '--server', 'weather', '--server', 'kb', '--write', '--data-dir', tempDir()]);
  // Pinned; now let the rug-pull servers change after two calls.
  const pinned = JSON.parse(readFileSync(path, 'utf8'));
  for (const s of pinned.servers) if (s.transport.env?.RUGPULL_AFTER) s.transport.env.RUGPULL_AFTER = '2';
  writeFileSync(path, JSON.stringify(pinned, null, 2));
  return path;
}

describe('dashboard (Chromium, Vite, real daemon)', { skip: available ? false : 'Chromium is not installed (apt-get install chromium)' }, () => {
  let d: TestDaemon;
  let vite: ViteDevServer;
  let browser: Browser;
  let page: Page;
  let client: Client;
  let base: string;
  const events: string[] = [];

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    d = await startDaemon({ bundle: await e2eBundle() });
    process.env.GATEHOUSE_DAEMON_URL = `http://127.0.0.1:${d.port}`;
    const { createServer } = await import('vite');
    vite = await createServer({ configFile: join(ROOT, 'renderer', 'vite.config.ts'), server: { port: 0, strictPort: false }, logLevel: 'error' });
    await vite.listen();
    const address = vite.httpServer!.address() as { port: number };
    base = `http://127.0.0.1:${address.port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    client = await stdioClient(d.dataDir, 'e2e-agent');
    await waitFor(async () => (await d.control<{ servers: { id: string; state: string }[] }>('/servers')).body.servers.filter((s) => s.id !== 'vault').every((s) => s.state === 'ready'), 30_000, 'servers ready');
    void (async () => {
      const res = await fetch(`http://127.0.0.1:${d.port}/api/v1/events`, { headers: { authorization: `Bearer ${d.controlToken}` } });
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) { const { value, done } = await reader.read(); if (done) return; for (const m of value.matchAll(/^event: (\S+)$/gm)) events.push(m[1]!); }
    })().catch(() => {});
  });
  after(async () => {
    await browser?.close();
    await vite?.close();
    await client?.close();
    await d?.stop();
  });

  const open = async (route: string) => {
    await page.goto(`${base}/#/${route}&token=${d.controlToken}`);
    await page.waitForLoadState('domcontentloaded');
  };

  it('renders the overview with live data', async () => {
    await open('overview');
    await page.getByText('servers ready').waitFor();
    assert.match(await page.locator('main').innerText(), /gatehouse-demo/);
    await page.screenshot({ path: join(SHOTS, 'overview.png'), fullPage: true });
  });

  it('lists and searches every server\'s tools', async () => {
    await open('servers');
    await page.getByRole('cell', { name: /everything__echo/ }).waitFor();
    await page.getByLabel('Search').fill('memory__');
    assert.ok(await page.getByRole('cell', { name: /memory__create_entities/ }).isVisible());
    assert.equal(await page.getByRole('cell', { name: /everything__echo/ }).count(), 0, 'search filters');
    await page.getByLabel('Search').fill('filesystem__read_text_file');
    await page.getByText('everyone (demo-files-only, with argument limits)').waitFor();
    await page.screenshot({ path: join(SHOTS, 'servers.png'), fullPage: true });
  });

  it('says when nothing awaits review', async () => {
    await open('pending');
    await page.getByText('Nothing to review').waitFor();
    await page.screenshot({ path: join(SHOTS, 'pending-empty.png'), fullPage: true });
  });

  // The Credentials page talks to the OS keychain; without one it can only show the keychain's error.
  it('sets a credential without ever showing its value', { skip: keychain ? false : NO_KEYCHAIN }, async () => {
    await open('credentials');
    await page.getByText('vault/api_key', { exact: true }).waitFor();
    assert.ok(await page.getByText('missing').isVisible());
    await page.getByLabel('New value for vault/api_key').fill('e2e-secret-value-123');
    await page.getByRole('button', { name: 'Set' }).click();
    await page.getByText('set', { exact: true }).first().waitFor();
    assert.ok(!(await page.content()).includes('e2e-secret-value-123'), 'the value is never displayed');
    await page.screenshot({ path: join(SHOTS, 'credentials.png'), fullPage: true });
  });

  it('shows audited calls and a request\'s whole chain', async () => {
    await client.callTool({ name: 'everything__echo', arguments: { message: 'audited' }, _meta: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } });
    await open('audit');
    await page.getByRole('cell', { name: 'everything__echo' }).first().waitFor();
    assert.ok(await page.getByRole('cell', { name: 'e2e-agent' }).first().isVisible(), 'rows show the agent that made the call');
    await page.getByTitle("Show this request's whole chain").first().click();
    await page.getByText(/Request chain/).waitFor();
    await page.screenshot({ path: join(SHOTS, 'audit.png'), fullPage: true });
  });

  it('previews connecting an IDE', async () => {
    await open('connect');
    await page.getByRole('listitem').filter({ hasText: 'Cursor' }).getByRole('button', { name: 'Preview' }).click();
    await page.getByText(/Would write .*mcp\.json/).waitFor();
    await page.screenshot({ path: join(SHOTS, 'connect.png'), fullPage: true });
  });

  it('changes settings: log level and an agent token', async () => {
    await open('settings');
    await page.getByText(/Not enrolled: this desktop runs a local bundle/).waitFor();
    await page.getByText(/this computer's account/).waitFor();
    await page.getByLabel('Log level').selectOption('debug');
    await waitFor(async () => (await d.control<{ level: string }>('/log-level')).body.level === 'debug', 5000, 'the log level to change');
    await page.getByLabel('Log level').selectOption('info');
    await page.getByLabel('Agent name').fill('from-ui');
    await page.getByRole('button', { name: 'Create token' }).click();
    await page.getByText(/from-ui: gha_/).waitFor();
    await page.screenshot({ path: join(SHOTS, 'settings.png'), fullPage: true });
  });

  /** The id of the pending change for a tool, once Gatehouse has quarantined it. */
  const pendingId = (tool: string) => waitFor(async () => (await d.control<{ pending: { id: string; exposedName: string }[] }>('/pending')).body.pending.find((p) => p.exposedName === tool)?.id, 15_000, `${tool} to be pending`);

  // How quickly is a figure for bench/dashboard.ts; here only that the daemon's own copy works.
  it('shows live data from the built dashboard the daemon serves (the desktop window)', { skip: !existsSync(join(ROOT, 'dist', 'renderer', 'index.html')) && 'dashboard not built (npm run build)' }, async () => {
    const fresh = await browser.newPage();
    try {
      await fresh.goto(`http://127.0.0.1:${d.port}/app/#/overview&token=${d.controlToken}`);
      await fresh.getByText('servers ready').waitFor();
    } finally {
      await fresh.close();
    }
  });

  it('runs the rug-pull flow: diff with the hidden character visible, approve, callable through MCP', async () => {
    for (let i = 0; i < 2; i++) await client.callTool({ name: 'weather__search', arguments: { query: 'x' } });
    await open(`pending/${await pendingId('weather__fetch_weather')}`);
    await page.getByRole('heading', { name: /weather__fetch_weather changed/ }).waitFor({ timeout: 15_000 });
    assert.ok(events.includes('pending-change'), 'a live event announced the change (for the desktop notification)');
    const glyph = page.locator('mark.invisible-char').first();
    assert.equal(await glyph.innerText(), 'U+200B');
    assert.equal(await glyph.getAttribute('title'), 'ZERO WIDTH SPACE');
    assert.ok(await page.getByText('Contains 1 zero-width character(s)').isVisible());
    await page.screenshot({ path: join(SHOTS, 'pending-diff.png'), fullPage: true });
    await assert.rejects(client.callTool({ name: 'weather__fetch_weather', arguments: { city: 'Oslo' } }), /awaits approval/);
    await page.getByLabel('Reason (optional)').fill('checked the email line with the vendor');
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByText(/Approved: agents can use the new definition now/).waitFor();
    const answer = await waitFor(async () => { try { return textOf(await client.callTool({ name: 'weather__fetch_weather', arguments: { city: 'Oslo' } })); } catch { return undefined; } });
    assert.match(answer, /after the change/);
  });

  it('keeps a rejected change blocked', async () => {
    for (let i = 0; i < 2; i++) await client.callTool({ name: 'kb__summarize', arguments: { text: 'x' } });
    await open(`pending/${await pendingId('kb__search')}`);
    await page.getByRole('heading', { name: /kb__search changed/ }).waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: 'Reject' }).click();
    await page.getByText(/Rejected: the tool stays blocked/).waitFor();
    await assert.rejects(client.callTool({ name: 'kb__search', arguments: { query: 'x' } }), /was rejected by/);
    await open('servers');
    await page.getByLabel('Pin state').selectOption('rejected');
    await page.getByRole('cell', { name: 'kb__search' }).waitFor();
    await page.screenshot({ path: join(SHOTS, 'servers-rejected.png'), fullPage: true });
  });
});
