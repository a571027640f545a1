// The dashboard in a real browser (Debian's Chromium driven by playwright-core),
// served by Vite, against a real daemon running the demo servers plus rug-pull
// servers of ours. Each page renders real data (a screenshot of each is saved under
// test-output/screenshots); the rug-pull flow runs end to end: a server changes a
// tool, a pending change appears (with its live event), the user opens the diff,
// sees the hidden character, approves, and the tool becomes callable through MCP;
// rejecting keeps another one blocked. Every page passes axe-core in light and dark
// mode and is photographed at 1280×800 and 800×600 (where nothing may overflow sideways).
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
const AXE = readFileSync(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
interface AxeResult {
  violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[]; failureSummary?: string }[] }[];
}
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = join(ROOT, 'test-output', 'screenshots');
const available = existsSync(CHROMIUM);
if (!available && process.env.CI) throw new Error(`CI must install Chromium (${CHROMIUM})`);
const keychain = available && (await keychainReady());
const textOf = (r: unknown) => (r as { content: { text?: string }[] }).content.map((c) => c.text ?? '').join('');

/** The demo bundle's servers, plus rug-pull servers pinned to their original tools and a server that needs a credential. */
async function e2eBundle(): Promise<string> {
  const dir = tempDir('gh-e2e-');
  const demo = JSON.parse(readFileSync(join(ROOT, 'resources', 'demo-bundle.json'), 'utf8').replaceAll('${bundleDir}', join(ROOT, 'resources')));
  // The demo bundle sandboxes every server by default: the fixtures may read the checkout (their script and its node_modules).
  const sandbox = { read: [ROOT], network: 'none' };
  const rug = (id: string, mode: string) => ({
    id,
    transport: {
      type: 'stdio',
      command: process.execPath,
      args: [join(FIXTURES, 'servers', 'rugpull-server.ts')],
      env: { RUGPULL_MODE: mode, RUGPULL_AFTER: '1000', RUGPULL_NOTIFY: '1' },
    },
    sandbox,
  });
  const bundle = {
    ...demo,
    policies: { ...demo.policies, rules: [...demo.policies.rules, { id: 'e2e-servers', effect: 'allow', servers: ['weather', 'kb', 'vault'] }] },
    servers: [
      ...demo.servers,
      rug('weather', 'hidden'),
      rug('kb', 'enum'),
      {
        id: 'vault',
        transport: { type: 'stdio', command: process.execPath, args: [join(FIXTURES, 'servers', 'faulty-server.ts')] },
        sandbox,
        credentials: [{ name: 'api_key', kind: 'env', description: 'API key for the vault service', rotationDays: 30 }],
      },
    ],
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
  let bundlePath: string;
  const events: string[] = [];

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    bundlePath = await e2eBundle();
    d = await startDaemon({ bundle: bundlePath });
    process.env.GATEHOUSE_DAEMON_URL = `http://127.0.0.1:${d.port}`;
    const { createServer } = await import('vite');
    vite = await createServer({ configFile: join(ROOT, 'renderer', 'vite.config.ts'), server: { port: 0, strictPort: false }, logLevel: 'error' });
    await vite.listen();
    const address = vite.httpServer!.address() as { port: number };
    base = `http://127.0.0.1:${address.port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    client = await stdioClient(d.dataDir, 'e2e-agent');
    await waitFor(
      async () =>
        (await d.control<{ servers: { id: string; state: string }[] }>('/servers')).body.servers
          .filter((s) => s.id !== 'vault')
          .every((s) => s.state === 'ready'),
      30_000,
      'servers ready',
    );
    void (async () => {
      const res = await fetch(`http://127.0.0.1:${d.port}/api/v1/events`, { headers: { authorization: `Bearer ${d.controlToken}` } });
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        for (const m of value.matchAll(/^event: (\S+)$/gm)) events.push(m[1]!);
      }
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

  /**
   * The page as it stands, checked by axe-core in light and dark mode (zero violations),
   * and photographed at 1280×800 and 800×600, where nothing may overflow sideways.
   */
  const check = async (name: string) => {
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      // Evaluated rather than added as a <script>: the page's CSP allows only its own scripts.
      if (!(await page.evaluate<boolean>("'axe' in window"))) await page.evaluate(AXE);
      const result = await page.evaluate<AxeResult>("axe.run(document, { resultTypes: ['violations'] })");
      assert.deepEqual(
        result.violations.map(
          (v) =>
            `${v.id} (${v.impact}): ${v.help} at ${v.nodes
              .slice(0, 3)
              .map((n) => JSON.stringify(n.target))
              .join(', ')}`,
        ),
        [],
        `${name} in ${scheme} mode`,
      );
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
    await page.setViewportSize({ width: 800, height: 600 });
    try {
      const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      assert.ok(overflow <= 0, `${name} overflows sideways by ${overflow}px at 800×600`);
      await page.screenshot({ path: join(SHOTS, `${name}-800x600.png`), fullPage: true });
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  };

  it('renders the overview with live data', async () => {
    await open('overview');
    await page.getByText('servers ready').waitFor();
    assert.match(await page.locator('main').innerText(), /gatehouse-demo/);
    assert.equal(await page.title(), 'Overview — Gatehouse');
    // vault needs a credential it has not got: a problem, listed first, with a way to act.
    const problems = page.getByRole('region', { name: 'Needs your attention' });
    await problems.getByText(/vault/).waitFor();
    assert.ok(await problems.getByRole('link', { name: 'See the server and its log' }).first().isVisible());
    await check('overview');
  });

  it("lists and searches every server's tools", async () => {
    await open('servers');
    await page.getByRole('cell', { name: /everything__echo/ }).waitFor();
    await page.getByLabel('Search').fill('memory__');
    assert.ok(await page.getByRole('cell', { name: /memory__create_entities/ }).isVisible());
    assert.equal(await page.getByRole('cell', { name: /everything__echo/ }).count(), 0, 'search filters');
    await page.getByLabel('Search').fill('filesystem__read_text_file');
    await page.getByText('everyone (demo-files-only, with argument limits)').waitFor();
    await page.getByLabel('Search').fill('');
    await check('servers');
  });

  it('says when nothing awaits review', async () => {
    await open('pending');
    await page.getByText('Nothing to review').waitFor();
    await check('pending-empty');
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
    await check('credentials');
  });

  it("shows audited calls and a request's whole chain", async () => {
    await client.callTool({
      name: 'everything__echo',
      arguments: { message: 'audited' },
      _meta: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    });
    await open('audit');
    await page.getByRole('cell', { name: 'everything__echo' }).first().waitFor();
    assert.ok(await page.getByRole('cell', { name: 'e2e-agent' }).first().isVisible(), 'rows show the agent that made the call');
    await page.getByTitle("Show this request's whole chain").first().click();
    await page.getByText(/Request chain/).waitFor();
    await page.getByTitle("Show this record's details").first().click();
    const pane = page.getByRole('complementary', { name: /everything__echo/ });
    await pane.getByText('"message": "audited"').waitFor();
    assert.match(await pane.innerText(), /Who\s+\S+ through e2e-agent/);
    assert.match(await pane.locator('time').first().innerText(), /\d{4}/, 'times carry the date');
    await check('audit');
  });

  it('previews connecting an IDE', async () => {
    await open('connect');
    await page.getByRole('listitem').filter({ hasText: 'Cursor' }).getByRole('button', { name: 'Preview' }).click();
    await page.getByText(/Would write .*mcp\.json/).waitFor();
    await check('connect');
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
    await check('settings');
  });

  it('titles each page, moves focus to it, and offers a skip link', async () => {
    // A fresh load, so the keyboard starts at the top of the page.
    await open('overview');
    await page.reload();
    await page.getByText('servers ready').waitFor();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate<string>('document.activeElement?.textContent'), 'Skip to content');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate<string>('document.activeElement?.id'), 'main');
    await page.getByRole('link', { name: 'Audit' }).click();
    await page.getByRole('heading', { name: 'Audit', level: 2 }).waitFor();
    assert.equal(await page.title(), 'Audit — Gatehouse');
    assert.equal(await page.evaluate<string>('document.activeElement?.id'), 'main', 'focus follows the navigation');
    assert.match((await page.locator('link[rel=icon]').getAttribute('href')) ?? '', /^data:image\/svg/);
  });

  it('tries a tool from a form built from its schema, as the agent "dashboard", with policy and audit applied', async () => {
    await open('servers');
    await page.getByLabel('Search').fill('everything__echo');
    await page.getByRole('link', { name: 'Try everything__echo' }).click();
    await page.getByRole('heading', { name: 'Try a tool' }).waitFor();
    await page.getByLabel(/^message/).fill('from the form');
    await page.getByRole('button', { name: 'Call' }).click();
    await page
      .getByRole('region', { name: /Result/ })
      .getByText(/from the form/)
      .waitFor();
    const audited = await d.control<{ records: { record: { agent: string | null; tool: string | null; outcome: string } }[] }>(
      '/audit?agent=dashboard&limit=20',
    );
    assert.ok(
      audited.body.records.some((r) => r.record.tool === 'everything__echo' && r.record.outcome === 'ok'),
      'the call is in the audit log as the agent "dashboard"',
    );
    await check('try');

    // The bundle's argument limits hold for the dashboard too.
    await open('try/filesystem__read_text_file');
    await page.getByLabel(/^path/).fill('/etc/passwd');
    await page.getByRole('button', { name: 'Call' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: /refused|denied|outside|not allowed/i })
      .waitFor();
  });

  it('restarts a server from its row', async () => {
    const pidOf = async () =>
      (await d.control<{ servers: { id: string; pid: number | null; state: string }[] }>('/servers')).body.servers.find((s) => s.id === 'memory')!;
    const before = await pidOf();
    await open('servers');
    await page.getByRole('button', { name: 'Restart memory' }).click();
    const after = await waitFor(
      async () => {
        const s = await pidOf();
        return s.state === 'ready' && s.pid !== before.pid ? s : undefined;
      },
      30_000,
      'memory to restart',
    );
    assert.notEqual(after.pid, before.pid);
    await page.getByText('Log of memory').click();
    await page.getByLabel('Recent output of memory').waitFor();
  });

  it('explains what to run when the page is not signed in, and signs in from a one-time link', async () => {
    const fresh = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const tab = await fresh.newPage();
      await tab.goto(`${base}/#/overview&token=not-the-token`);
      await tab.getByRole('heading', { name: 'This page is not signed in to Gatehouse' }).waitFor();
      assert.match(await tab.locator('main').innerText(), /gatehouse dashboard/);
      assert.equal(await tab.title(), 'Not signed in — Gatehouse');

      const { code } = (await d.control<{ code: string }>('/dashboard/link', { method: 'POST' })).body;
      const signedIn = await fresh.newPage();
      await signedIn.goto(`${base}/#/overview&code=${code}`);
      await signedIn.getByText('servers ready').waitFor();
      assert.doesNotMatch(signedIn.url(), /code=/, 'the code leaves the address bar');
      // Each tab keeps its own sign-in (sessionStorage): a new tab with the same link gets nothing.
      const again = await fresh.newPage();
      await again.goto(`${base}/#/overview&code=${code}`);
      await again.getByRole('heading', { name: 'This page is not signed in to Gatehouse' }).waitFor();
    } finally {
      await fresh.close();
    }
  });

  /** The id of the pending change for a tool, once Gatehouse has quarantined it. */
  const pendingId = (tool: string) =>
    waitFor(
      async () => (await d.control<{ pending: { id: string; exposedName: string }[] }>('/pending')).body.pending.find((p) => p.exposedName === tool)?.id,
      15_000,
      `${tool} to be pending`,
    );

  // How quickly is a figure for bench/dashboard.ts; here only that the daemon's own copy works.
  it(
    'shows live data from the built dashboard the daemon serves (the desktop window)',
    { skip: !existsSync(join(ROOT, 'dist', 'renderer', 'index.html')) && 'dashboard not built (npm run build)' },
    async () => {
      const fresh = await browser.newPage();
      try {
        await fresh.goto(`http://127.0.0.1:${d.port}/app/#/overview&token=${d.controlToken}`);
        await fresh.getByText('servers ready').waitFor();
      } finally {
        await fresh.close();
      }
    },
  );

  it('runs the rug-pull flow: diff with the hidden character visible, approve, callable through MCP', async () => {
    for (let i = 0; i < 2; i++) await client.callTool({ name: 'weather__search', arguments: { query: 'x' } });
    await open(`pending/${await pendingId('weather__fetch_weather')}`);
    await page.getByRole('heading', { name: /weather__fetch_weather changed/ }).waitFor({ timeout: 15_000 });
    assert.ok(events.includes('pending-change'), 'a live event announced the change (for the desktop notification)');
    const glyph = page.locator('mark.invisible-char').first();
    assert.equal(await glyph.innerText(), 'U+200B');
    assert.equal(await glyph.getAttribute('title'), 'ZERO WIDTH SPACE');
    assert.ok(await page.getByText('Contains 1 zero-width character(s)').isVisible());
    assert.ok((await page.locator('ins.inserted').count()) > 0, 'what was inserted within a field is marked');
    await check('pending-diff');
    await assert.rejects(client.callTool({ name: 'weather__fetch_weather', arguments: { city: 'Oslo' } }), /awaits approval/);
    await page.getByLabel('Reason (optional)').fill('checked the email line with the vendor');
    const risk = (await page.getByRole('heading', { name: /weather__fetch_weather changed/ }).innerText()).match(/risk (\w+)/)![1]!;
    await page.getByRole('button', { name: 'Approve' }).click();
    if (risk === 'high' || risk === 'critical') {
      // A risky approval asks once more, and nothing is decided until the user confirms.
      await page.getByRole('alertdialog').waitFor();
      assert.equal(
        (await d.control<{ pending: { exposedName: string }[] }>('/pending')).body.pending.some((p) => p.exposedName === 'weather__fetch_weather'),
        true,
      );
      await page.getByRole('button', { name: 'Yes, approve' }).click();
    }
    await page.getByText(/Approved: agents can use the new definition now/).waitFor();
    // The decision history says who, where and why.
    const history = page.getByRole('region', { name: 'Decision history' });
    const row = history.getByRole('row').filter({ hasText: 'weather/fetch_weather' }).first();
    await row.waitFor();
    assert.match(await row.innerText(), /approved[\s\S]*the app[\s\S]*checked the email line with the vendor/);
    const answer = await waitFor(async () => {
      try {
        return textOf(await client.callTool({ name: 'weather__fetch_weather', arguments: { city: 'Oslo' } }));
      } catch {
        return undefined;
      }
    });
    assert.match(answer, /after the change/);
  });

  it('keeps a rejected change blocked', async () => {
    for (let i = 0; i < 2; i++) await client.callTool({ name: 'kb__summarize', arguments: { text: 'x' } });
    const id = await pendingId('kb__search');
    // The bundle stops letting this change's risk be approved here: Reject must still be offered.
    type Pend = { pending: { id: string; risk: string; localDecision: boolean }[] };
    const risk = (await d.control<Pend>('/pending')).body.pending.find((p) => p.id === id)!.risk;
    const bundle = JSON.parse(readFileSync(bundlePath, 'utf8'));
    bundle.settings = {
      ...bundle.settings,
      pinning: { ...bundle.settings?.pinning, localApproval: { none: true, low: true, medium: true, high: true, critical: false, [risk]: false } },
    };
    writeFileSync(bundlePath, JSON.stringify(bundle, null, 2));
    assert.equal((await d.control('/bundle/reload', { method: 'POST' })).status, 200);
    await waitFor(
      async () => {
        await client.listTools(); // a listing re-judges the server's tools under the new bundle
        return (await d.control<Pend>('/pending')).body.pending.find((p) => p.id === id)?.localDecision === false;
      },
      15_000,
      'the change to be beyond local approval',
    );
    await open(`pending/${id}`);
    await page.getByRole('heading', { name: /kb__search changed/ }).waitFor({ timeout: 15_000 });
    await page
      .getByRole('note')
      .getByText(/does not let a \w+-risk change be approved on this computer/)
      .waitFor();
    assert.equal(await page.getByRole('button', { name: 'Approve' }).count(), 0, 'no Approve it could not do');
    await page.getByRole('button', { name: 'Reject' }).click();
    await page.getByRole('button', { name: 'Cancel' }).click();
    assert.equal(await page.getByRole('alertdialog').count(), 0, 'cancel asks nothing more and decides nothing');
    await page.getByRole('button', { name: 'Reject' }).click();
    await page.getByRole('button', { name: 'Yes, reject' }).click();
    await page.getByText(/Rejected: the tool stays blocked/).waitFor();
    await assert.rejects(client.callTool({ name: 'kb__search', arguments: { query: 'x' } }), /was rejected by/);
    await open('servers');
    await page.getByLabel('Pin state').selectOption('rejected');
    await page.getByRole('cell', { name: 'kb__search' }).waitFor();
    await check('servers-rejected');
  });

  it('reopens a rejection clicked by mistake, from the decision history', async () => {
    const rejected = (await d.control<{ decisions: { id: string; tool: string; decision: string }[] }>('/decisions')).body.decisions
      .filter((x) => x.tool === 'search' && x.decision === 'rejected')
      .at(-1)!;
    await open('pending');
    await page.getByRole('button', { name: /Reopen the rejection of kb\/search/ }).click();
    await page
      .getByRole('status')
      .getByText(/was reopened: the change is pending again/)
      .waitFor();
    type Pend = { pending: { id: string }[] };
    await waitFor(async () => (await d.control<Pend>('/pending')).body.pending.some((p) => p.id === rejected.id), 10_000, 'the change to be pending again');
    await assert.rejects(client.callTool({ name: 'kb__search', arguments: { query: 'x' } }), /awaits approval|review change/);
    assert.equal(await page.getByRole('button', { name: /Reopen the rejection of kb\/search/ }).count(), 0, 'the reopened rejection is no longer offered');
  });
});
