// The admin console end to end, every part real: a `gatehouse-admin` workspace, the
// `gatehouse-admin console` it serves (the built UI, dist/console), `gatehouse-server` on
// PostgreSQL (when installed) and on SQLite, and two enrolled desktops (real daemons with
// rug-pull MCP servers), driven through Debian's Chromium with playwright-core. A rug pull
// on a desktop reaches the console's queue, the admin approves it and the desktop serves
// the tool; a rejection keeps it blocked there; the simulator agrees with the desktop;
// audit search finds both desktops' calls. On the first database every page passes
// axe-core in light and dark mode at 1280×800 and 1024×768 (nothing overflows sideways)
// and is photographed at both sizes under test-output/screenshots.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@modelcontextprotocol/client';
import { chromium, type Browser, type Page } from 'playwright-core';
import { keyFingerprint } from '../../shared/bundle/envelope.ts';
import { stdioClient } from '../helpers/clients.ts';
import { CLI, FIXTURES, ROOT, startDaemon, tempDir, waitFor, type TestDaemon } from '../helpers/daemon.ts';
import { keychainReady, NO_KEYCHAIN } from '../helpers/keychain.ts';
import { freePort, startPostgres } from '../helpers/postgres.ts';

const AXE = readFileSync(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
interface AxeResult {
  violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[];
}
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = join(ROOT, 'test-output', 'screenshots');
const DIST = join(ROOT, 'dist', 'console');
const available = existsSync(CHROMIUM);
if (!available && process.env.CI) throw new Error(`CI must install Chromium (${CHROMIUM})`);
const SIZES = [
  [1280, 800],
  [1024, 768],
] as const;

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** The console's build, made again when its sources are newer (npm test builds first; a targeted run may not have). */
async function ensureBuilt(): Promise<void> {
  const index = join(DIST, 'index.html');
  const sources = Math.max(newest(join(ROOT, 'console-ui')), newest(join(ROOT, 'ui-shared')), newest(join(ROOT, 'shared', 'console')));
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  const { build } = await import('vite');
  await build({ configFile: join(ROOT, 'console-ui', 'vite.config.ts'), logLevel: 'error' });
}

const ADMIN = join(ROOT, 'bin', 'gatehouse-admin.js');
const SYNC_SERVER = join(ROOT, 'bin', 'gatehouse-server.js');
const keychain = available && (await keychainReady());

function run(cmd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    p.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    p.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** The first line of either output stream that matches. */
function lineOf(proc: ChildProcess, match: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onExit = (code: number | null) => reject(new Error(`exited with ${code}: ${seen}`));
    proc.once('exit', onExit);
    for (const stream of [proc.stdout!, proc.stderr!]) {
      createInterface({ input: stream }).on('line', (l) => {
        seen += `${l}\n`;
        if (match.test(l)) {
          proc.off('exit', onExit);
          resolve(l);
        }
      });
    }
  });
}

const skip = !available ? 'Chromium is not installed (apt-get install chromium)' : keychain ? false : NO_KEYCHAIN;
/** PostgreSQL when installed (in CI it must be), else only SQLite. */
const postgres = skip
  ? undefined
  : await startPostgres().catch((err: Error) => {
      if (process.env.CI) throw err;
      return undefined;
    });
after(async () => {
  await postgres?.stop();
});

for (const db of ['postgres', 'sqlite'] as const) {
  // Pages are checked and photographed once, on the first database.
  const pages = db === 'postgres' || !postgres;
  describe(
    `admin console (Chromium) against gatehouse-server on ${db === 'postgres' ? 'PostgreSQL' : 'SQLite'} and enrolled desktops`,
    { skip: skip || (db === 'postgres' && !postgres ? 'PostgreSQL is not installed' : false) },
    () => {
      const adminDir = tempDir('gh-console-admin-');
      let sync: ChildProcess | undefined;
      let consoleProc: ChildProcess | undefined;
      let syncUrl: string;
      let base: string;
      let browser: Browser;
      let page: Page;
      const desktops: TestDaemon[] = [];
      const clients: Client[] = [];
      const admin = async (...args: string[]) => {
        const r = await run(ADMIN, ['--dir', adminDir, ...args]);
        assert.equal(r.code, 0, `gatehouse-admin ${args.join(' ')}: ${r.stderr}`);
        return r;
      };
      const registryPath = join(adminDir, 'registry.json');
      const rug = (mode: string, after: string) => ({ RUGPULL_MODE: mode, RUGPULL_AFTER: after, RUGPULL_NOTIFY: '1' });
      /** Sets the rug-pull servers' environment in the workspace (the CLI's `server add` takes no env). */
      const setEnv = (env: Record<string, Record<string, string>>) => {
        const r = JSON.parse(readFileSync(registryPath, 'utf8')) as {
          servers: { id: string; transport: { env?: Record<string, string> } }[];
          drafts: { id: string; transport: { env?: Record<string, string> } }[];
        };
        for (const s of [...r.servers, ...r.drafts]) if (env[s.id]) s.transport.env = env[s.id];
        writeFileSync(registryPath, JSON.stringify(r, null, 2));
      };
      const enroll = async (label: string) => {
        const token = (await admin('enroll-token', '--label', label)).stdout.trim();
        const org = JSON.parse(readFileSync(join(adminDir, 'org.json'), 'utf8')) as { keys: { publicKey: string }[] };
        const dataDir = tempDir('gh-console-desktop-');
        const r = await run(CLI, ['enroll', syncUrl, '--token', token, '--fingerprint', keyFingerprint(org.keys[0]!.publicKey), '--data-dir', dataDir]);
        assert.equal(r.code, 0, r.stderr);
        const d = await startDaemon({ dataDir, env: { GATEHOUSE_SYNC_MAX_DELAY_MS: '1000', GATEHOUSE_REPORT_EVERY_MS: '1000' } });
        desktops.push(d);
        const client = await stdioClient(dataDir, 'cursor');
        clients.push(client);
        return { d, client };
      };

      before(async () => {
        mkdirSync(SHOTS, { recursive: true });
        await ensureBuilt();
        const database = db === 'postgres' ? postgres!.url : join(tempDir('gh-console-sync-'), 'sync.db');
        const port = await freePort();
        syncUrl = `http://127.0.0.1:${port}`;
        await admin('init', '--org', 'acme', '--name', 'Acme Corp', '--sync', syncUrl);
        const init = await run(SYNC_SERVER, ['init', '--org-file', join(adminDir, 'org.json'), '--database', database]);
        assert.equal(init.code, 0, init.stderr);
        sync = spawn(process.execPath, [SYNC_SERVER, '--database', database, '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
        await lineOf(sync, /"event":"ready"/);
        const script = join(FIXTURES, 'servers', 'rugpull-server.ts');
        await admin('server', 'add', '--id', 'weather', '--command', process.execPath, '--arg', script);
        await admin('server', 'add', '--id', 'notes', '--command', process.execPath, '--arg', script);
        // Pinned while they cannot change; then they turn after two calls.
        setEnv({ weather: rug('smuggle', '1000'), notes: rug('description', '1000') });
        await admin('server', 'approve', 'weather', '--force');
        await admin('server', 'approve', 'notes', '--force');
        setEnv({ weather: rug('smuggle', '2'), notes: rug('description', '2') });
        const policy = join(adminDir, 'policy.json');
        writeFileSync(
          policy,
          JSON.stringify({
            rules: [
              { id: 'everyone', effect: 'allow', servers: ['weather', 'notes'] },
              { id: 'no-summaries', effect: 'deny', tools: ['summarize'], subjects: { agents: ['cursor'] } },
            ],
          }),
        );
        await admin('policy', 'set', policy);
        await admin('publish');

        consoleProc = spawn(process.execPath, [ADMIN, '--dir', adminDir, 'console', '--port', '0', '--no-browser'], { stdio: ['ignore', 'pipe', 'pipe'] });
        const link = /(http:\/\/127\.0\.0\.1:\d+\/login\?\S+)/.exec(await lineOf(consoleProc, /http:\/\/127\.0\.0\.1:\d+\/login\?/))![1]!;
        base = new URL(link).origin;
        browser = await chromium.launch({
          executablePath: CHROMIUM,
          args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
        });
        page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
        await page.goto(link);
        await page.waitForURL(`${base}/**`);
      });
      after(async () => {
        await browser?.close();
        for (const c of clients) await c.close().catch(() => {});
        for (const d of desktops) await d.stop();
        for (const p of [consoleProc, sync])
          if (p && p.exitCode === null)
            await new Promise((r) => {
              p.once('exit', r);
              p.kill('SIGTERM');
            });
      });

      const open = async (route: string) => {
        await page.goto(`${base}/#/${route}`);
        await page.waitForLoadState('domcontentloaded');
      };
      const check = async (name: string) => {
        if (!pages) return;
        for (const [width, height] of SIZES) {
          await page.setViewportSize({ width, height });
          for (const scheme of ['light', 'dark'] as const) {
            await page.emulateMedia({ colorScheme: scheme });
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
              `${name} in ${scheme} mode at ${width}×${height}`,
            );
          }
          await page.emulateMedia({ colorScheme: 'light' });
          const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
          assert.ok(overflow <= 0, `${name} overflows sideways by ${overflow}px at ${width}×${height}`);
          await page.screenshot({ path: join(SHOTS, `console-${name}-${width}x${height}.png`), fullPage: true });
        }
        await page.setViewportSize({ width: 1280, height: 800 });
      };
      const textOf = (r: unknown) => (r as { content: { text?: string }[] }).content.map((c) => c.text ?? '').join('');

      it('enrolls two desktops; both appear in the fleet', async () => {
        await enroll('alice laptop');
        await enroll('bob laptop');
        await open('fleet');
        const table = page.getByRole('table', { name: 'Devices' });
        await table.getByText('alice laptop').waitFor({ timeout: 15_000 });
        await table.getByText('bob laptop').waitFor();
        await check('fleet');
      });

      it('a rug pull on a desktop appears in the queue; approving it lets the desktop serve the tool within 2 s', async () => {
        const { client } = { client: clients[0]! };
        for (let i = 0; i < 2; i++) await client.callTool({ name: 'weather__search', arguments: { query: 'x' } });
        await waitFor(
          async () => (await client.listTools()).tools.every((t) => t.name !== 'weather__fetch_weather') || undefined,
          15_000,
          'the change to be held back',
        );
        await assert.rejects(client.callTool({ name: 'weather__fetch_weather', arguments: { city: 'Oslo' } }), /awaits|approval|org/i);
        await open('escalations');
        const queue = page.getByRole('navigation', { name: 'Escalations, worst first' });
        await queue.getByText('weather/fetch_weather').waitFor({ timeout: 20_000 });
        await queue.getByText('weather/fetch_weather').click();
        await page.getByRole('heading', { name: /weather\/fetch_weather changed/ }).waitFor();
        assert.ok((await page.locator('mark.invisible-char').count()) > 0, 'the hidden tag characters are shown');
        await check('escalations');
        await page.getByLabel('Reason (optional)').fill('checked with the vendor');
        await page.getByRole('button', { name: 'Approve' }).click();
        // The rug-pull fixture forgets its change when restarted, and a new pin restarts the server on the desktops
        // (Gateway.applyBundle restarts a server whose entry changed): published as a server that stays changed.
        setEnv({ weather: rug('smuggle', '0') });
        await page.getByRole('button', { name: 'Yes, approve' }).click();
        await page.getByText(/Approved and published as bundle version \d+/).waitFor({ timeout: 30_000 });
        const approvedAt = Date.now();
        // How quickly is a figure, printed (the target is 2 s); the test only needs it served.
        const answer = await waitFor(
          () => client.callTool({ name: 'weather__fetch_weather', arguments: { city: 'Oslo' } }).then(textOf, () => undefined),
          10_000,
          'the desktop to serve the approved tool',
        );
        assert.match(answer, /after the change/);
        process.stdout.write(`${db}: approved in the console → served on the desktop: ${Date.now() - approvedAt} ms\n`);
      });

      it('a rejection keeps the change blocked on the desktop, which says the org rejected it', async () => {
        const { d, client } = { d: desktops[1]!, client: clients[1]! };
        for (let i = 0; i < 2; i++) await client.callTool({ name: 'notes__search', arguments: { query: 'x' } });
        await open('escalations');
        const queue = page.getByRole('navigation', { name: 'Escalations, worst first' });
        await queue.getByText('notes/fetch_weather').waitFor({ timeout: 20_000 });
        await queue.getByText('notes/fetch_weather').click();
        await page.getByRole('heading', { name: /notes\/fetch_weather changed/ }).waitFor();
        await page.getByRole('button', { name: 'Reject' }).click();
        await page.getByRole('button', { name: 'Cancel' }).click();
        assert.equal(await page.getByRole('alertdialog').count(), 0, 'cancel asks nothing more');
        await page.getByRole('button', { name: 'Reject' }).click();
        await page.getByRole('button', { name: 'Yes, reject' }).click();
        await page.getByText(/Rejected: desktops keep the tool blocked/).waitFor();
        await waitFor(
          async () =>
            (await d.control<{ decisions: { tool: string; decision: string; by: string }[] }>('/decisions')).body.decisions.find(
              (x) => x.tool === 'fetch_weather' && x.decision === 'rejected' && /your org/.test(x.by),
            ),
          15_000,
          'the org rejection to reach the desktop',
        );
        await assert.rejects(client.callTool({ name: 'notes__fetch_weather', arguments: { city: 'Oslo' } }), /rejected/);
        await open('escalations');
        await page.getByText('Nothing awaits the org').waitFor();
        await page.getByLabel('Show').selectOption('all');
        await page.getByRole('navigation', { name: 'Escalations, worst first' }).getByText('rejected').waitFor();
        await check('escalations-decided');
      });

      it('edits rules with validation and shows what would change for whom', async () => {
        await open('policies');
        const rule = page.getByRole('group', { name: /Rule 1: everyone/ });
        await rule.waitFor();
        await page.getByText('The rules are valid.').waitFor();
        await rule.getByLabel('Id', { exact: true }).fill('bad id!');
        await page.getByText(/rules\.0\.id: rule ids are/).waitFor();
        await page
          .getByRole('group', { name: /Rule 1/ })
          .getByLabel('Id', { exact: true })
          .fill('everyone');
        await page
          .getByRole('group', { name: /Rule 1/ })
          .getByLabel('Groups')
          .fill('eng');
        await page.getByRole('button', { name: 'Show what changes' }).click();
        const diff = page.getByRole('table', { name: 'Who may call each tool, before and after' });
        await diff.getByText(/eng/).first().waitFor();
        assert.match(await page.getByRole('region', { name: /What changes against published version/ }).innerText(), /changed: everyone/);
        await page.getByRole('button', { name: 'Discard edits' }).click();
      });

      it('the simulator answers as the desktop decides', async () => {
        await open('policies');
        const sim = page.getByRole('region', { name: 'Simulator' });
        await sim.getByLabel('User').fill('alice');
        await sim.getByLabel('Agent').fill('cursor');
        await sim.getByLabel('Server').fill('weather');
        await sim.getByLabel('Tool').fill('summarize');
        await sim.getByRole('button', { name: 'Ask' }).click();
        await sim.getByText(/Denied by no-summaries/).waitFor();
        await assert.rejects(clients[0]!.callTool({ name: 'weather__summarize', arguments: { text: 'x' } }), /no-summaries|denied|not allowed/i);
        await sim.getByLabel('Tool').fill('search');
        await sim.getByRole('button', { name: 'Ask' }).click();
        await sim.getByText(/Allowed by everyone/).waitFor();
        await check('policies');
      });

      it("audit search finds the calls of both desktops, with a record's detail", async () => {
        // Desktops ship every 2 s but cut a batch only when it is full or 30 s old: flushed now.
        for (const d of desktops) assert.equal((await d.control('/audit/ship', { method: 'POST' })).status, 200);
        await open('audit');
        const table = page.getByRole('table', { name: 'Audit records' });
        await waitFor(
          async () => {
            await page.getByRole('button', { name: 'Search', exact: true }).click();
            const text = await table.innerText().catch(() => '');
            return /weather__search/.test(text) && /notes__search/.test(text) ? true : undefined;
          },
          20_000,
          "both desktops' calls in the search",
        ).catch(async (e: unknown) => {
          await page.screenshot({ path: join(SHOTS, 'console-DEBUG-audit.png'), fullPage: true });
          process.stdout.write(`DEBUG audit page: ${await page.locator('main').innerText()}\n`);
          throw e;
        });
        await page.getByLabel('Tool', { exact: true }).fill('notes__search');
        await page.getByRole('button', { name: 'Search', exact: true }).click();
        await table.getByText('notes__search').first().waitFor();
        await page.getByTitle("Show this record's details").first().click();
        await page.getByRole('heading', { name: /Request chain/ }).waitFor();
        await check('audit');
        // The export is what the button downloads (a fetch with the session's header): both desktops' records, filtered as searched.
        await page.getByLabel('Tool', { exact: true }).fill('');
        await page.getByRole('button', { name: 'Search', exact: true }).click();
        const saved = async (name: string) => {
          const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name }).click()]);
          return readFileSync((await dl.path())!, 'utf8');
        };
        const lines = (await saved('Export JSON Lines'))
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { deviceId: string; tool?: string });
        assert.equal(new Set(lines.map((l) => l.deviceId)).size, 2, 'records of both desktops');
        assert.match((await saved('Export CSV')).split('\r\n')[0]!, /^deviceId,deviceName,seq,/);
      });

      it('adds a server by form, approves it with progress, and publishes', async () => {
        await open('catalogue');
        await page.getByRole('table', { name: 'Servers' }).getByText('weather', { exact: true }).first().waitFor();
        const form = page.getByRole('form', { name: 'Add a server' });
        await form.getByLabel('Id', { exact: true }).fill('tools');
        await form.getByLabel('Runs as').selectOption('stdio');
        await form.getByLabel('Command', { exact: true }).fill(process.execPath);
        await form.getByLabel('Arguments, one a line').fill(join(FIXTURES, 'servers', 'faulty-server.ts'));
        await form.getByRole('button', { name: 'Add as draft' }).click();
        await page.getByText(/Added "tools" as a draft/).waitFor();
        await page.getByRole('button', { name: 'Approve tools' }).click();
        await page.getByRole('heading', { name: /Approving tools/ }).waitFor();
        await page.getByText(/Approved: \d+ tool\(s\) pinned|Not approved:/).waitFor({ timeout: 60_000 });
        if (await page.getByRole('button', { name: 'Approve anyway' }).count()) {
          await page.getByRole('button', { name: 'Approve anyway' }).click();
          await page.getByRole('button', { name: 'Yes, approve anyway' }).click();
          await page.getByText(/Approved: \d+ tool\(s\) pinned/).waitFor({ timeout: 60_000 });
        }
        assert.ok((await page.locator('ol.steps li').count()) > 0, 'the approval shows its steps');
        // An official registry server.json becomes a draft; its secret input, a credential slot.
        const serverJson = {
          name: 'io.github.acme/weather-pro',
          description: 'Forecasts',
          version: '1.0.0',
          packages: [
            {
              registryType: 'npm',
              identifier: '@acme/weather-pro',
              version: '1.0.0',
              transport: { type: 'stdio' },
              environmentVariables: [{ name: 'WEATHER_API_KEY', isSecret: true, description: 'API key' }],
            },
          ],
        };
        const importer = page.getByRole('form', { name: 'Import a server.json' });
        await importer.getByLabel('…or paste it').fill(JSON.stringify(serverJson));
        await importer.getByLabel('Id in the registry (optional)').fill('weather-pro');
        await importer.getByRole('button', { name: 'Import' }).click();
        await page.getByText(/Imported "weather-pro" as a draft/).waitFor();
        const row = page.getByRole('row').filter({ hasText: 'weather-pro' });
        await row.getByText('draft').waitFor();
        assert.match(await row.innerText(), /@acme\/weather-pro@1\.0\.0/);
        await page.getByRole('button', { name: 'Deprecate tools' }).click();
        await page.getByRole('button', { name: 'Yes, deprecate' }).click();
        await page.getByRole('row').filter({ hasText: 'tools' }).getByText('deprecated').waitFor();
        await check('catalogue');
        await page.getByRole('region', { name: 'Unpublished changes' }).getByRole('button', { name: 'Publish' }).click();
        await page.getByRole('button', { name: 'Yes, publish' }).click();
        await page.getByText(/Published version \d+/).waitFor({ timeout: 30_000 });
        await waitFor(
          async () => (await desktops[0]!.control<{ servers: { id: string }[] }>('/servers')).body.servers.some((x) => x.id === 'tools') || undefined,
          15_000,
          'the desktop to get the new server',
        );
      });

      it("verifies every device's chain", async () => {
        await open('audit');
        await page.getByRole('button', { name: 'Verify every device' }).click();
        const table = page.getByRole('table', { name: 'Verification by device' });
        await table.waitFor({ timeout: 20_000 });
        assert.equal(await table.getByText('intact').count(), 2);
      });

      it('issues an enrollment token and shows the keys with the devices that trust them', async () => {
        await open('fleet');
        await page.getByLabel('For whom').fill('carol@acme');
        await page.getByRole('button', { name: 'Issue a token' }).click();
        await page.getByText(/Token issued for carol@acme/).waitFor();
        assert.match(await page.getByLabel('enroll command', { exact: true }).innerText(), /^gatehouse enroll /);
        await page.getByRole('table', { name: 'Enrollment tokens' }).getByText('carol@acme').waitFor();
        await open('keys');
        await page.getByRole('table', { name: 'Signing keys' }).waitFor();
        await page
          .getByRole('button', { name: /device\(s\) trust/ })
          .first()
          .click();
        const trusting = page.getByRole('table', { name: /Devices that trust/ });
        await trusting.waitFor({ timeout: 15_000 });
        assert.equal(await trusting.getByRole('row').count(), 3, 'both desktops (and the header row)');
        await check('keys');
      });

      it('offers a skip link, titles pages, moves focus, and pins a theme', async () => {
        await open('keys');
        await page.reload();
        await page.getByRole('table', { name: 'Signing keys' }).waitFor();
        await page.keyboard.press('Tab');
        assert.equal(await page.evaluate<string>('document.activeElement?.textContent'), 'Skip to content');
        await page.keyboard.press('Enter');
        assert.equal(await page.evaluate<string>('document.activeElement?.id'), 'main');
        await page.getByRole('link', { name: 'Fleet' }).click();
        await page.getByRole('heading', { name: 'Fleet', level: 2 }).waitFor();
        assert.equal(await page.title(), 'Fleet — Gatehouse admin');
        assert.equal(await page.evaluate<string>('document.activeElement?.id'), 'main', 'focus follows the navigation');
        await page.emulateMedia({ colorScheme: 'light' });
        await page.getByLabel('Theme').selectOption('dark');
        assert.equal(await page.evaluate<string>('getComputedStyle(document.body).backgroundColor'), 'rgb(18, 20, 24)', 'dark even though the system is light');
        await page.getByLabel('Theme').selectOption('system');
        assert.equal(await page.evaluate<string>('getComputedStyle(document.body).backgroundColor'), 'rgb(251, 251, 253)');
      });

      it('revokes a device: its sync stops', async () => {
        await open('fleet');
        await page
          .getByRole('button', { name: /Revoke .*bob/ })
          .first()
          .click();
        await page.getByRole('button', { name: 'Yes, revoke' }).click();
        await page.getByText(/revoked: its token no longer fetches bundles/).waitFor();
        type Status = { org: { lastError: string | null } | null; problems?: { message: string }[] };
        await waitFor(
          async () => {
            const s = (await desktops[1]!.control<Status>('/status')).body;
            return (
              [s.org?.lastError ?? '', ...(s.problems ?? []).map((p) => p.message)].some((m) => /revoked|401|unknown device|enroll again/i.test(m)) || undefined
            );
          },
          20_000,
          'the revoked desktop to be refused by the endpoint',
        );
        await check('fleet-revoked');
      });
    },
  );
}
