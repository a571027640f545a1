// The admin console's API end to end, every part real: `gatehouse-admin
// console` on loopback, a `gatehouse-server` on SQLite and on PostgreSQL, two
// enrolled daemons running a server that turns on its users. A rug pull on a
// desktop shows up as an escalation; approving it (a signed publish) lets the
// desktop serve the tool; rejecting it keeps it blocked and the desktop says
// the org rejected it; audit search finds both desktops' calls; the simulator
// answers as the desktop decides; a revoked device stops syncing; `gatehouse
// unenroll` leaves the org; a revoked enrollment token cannot enroll. The console
// refuses foreign Hosts and Origins, and requests without its cookie.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@modelcontextprotocol/client';
import { keyFingerprint } from '../../shared/bundle/envelope.ts';
import * as C from '../../shared/console/contract.ts';
import { refusal, stdioClient } from '../helpers/clients.ts';
import { CLI, FIXTURES, ROOT, startDaemon, tempDir, waitFor, type TestDaemon } from '../helpers/daemon.ts';
import { keychainReady, NO_KEYCHAIN } from '../helpers/keychain.ts';
import { lineOf, run } from '../helpers/processes.ts';
import { freePort, startPostgres, type TestPostgres } from '../helpers/postgres.ts';

const ADMIN = join(ROOT, 'bin', 'gatehouse-admin.js');
const SYNC = join(ROOT, 'bin', 'gatehouse-server.js');

/** A request with exactly the headers given (fetch will not send a foreign Host). */
function raw(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path: url.pathname + url.search, headers, setHost: false }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => {
        text += c.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const ready = await keychainReady();
const pg: TestPostgres | undefined = ready
  ? await startPostgres().catch((err: Error) => {
      if (process.env.CI) throw err;
      return undefined;
    })
  : undefined;
after(async () => {
  await pg?.stop();
});

for (const kind of ['sqlite', 'postgres'] as const) {
  const skip = !ready ? NO_KEYCHAIN : kind === 'postgres' && !pg ? 'PostgreSQL is not installed here' : false;
  describe(`admin console API on ${kind}, with enrolled desktops`, { skip }, () => {
    const adminDir = tempDir('gh-capi-admin-');
    let sync: ChildProcess;
    let consoleProc: ChildProcess;
    let syncUrl: string;
    let base: string;
    let host: string;
    let cookie: string;
    /** The session's secret, which the UI keeps in sessionStorage and sends as a header. */
    let secret: string;
    const desktops: TestDaemon[] = [];
    const clients: Client[] = [];
    const admin = async (...args: string[]) => {
      const r = await run(ADMIN, ['--dir', adminDir, ...args]);
      assert.equal(r.code, 0, `gatehouse-admin ${args.join(' ')}: ${r.stderr}`);
      return r;
    };
    const registryPath = join(adminDir, 'registry.json');
    const setEnv = (env: Record<string, Record<string, string>>) => {
      const r = JSON.parse(readFileSync(registryPath, 'utf8')) as {
        servers: { id: string; transport: { env?: Record<string, string> } }[];
        drafts: { id: string; transport: { env?: Record<string, string> } }[];
      };
      for (const s of [...r.servers, ...r.drafts]) if (env[s.id]) s.transport.env = env[s.id];
      writeFileSync(registryPath, JSON.stringify(r, null, 2));
    };
    const rug = (after: string) => ({ RUGPULL_MODE: 'smuggle', RUGPULL_AFTER: after, RUGPULL_NOTIFY: '1' });
    /** The console's API as the UI calls it: the cookie, and for writes JSON with our Origin. */
    async function api<T>(method: string, path: string, schema: { parse(v: unknown): T }, body?: unknown, status = 200): Promise<T> {
      const res = await fetch(`${base}${C.CONSOLE_API}${path}`, {
        method,
        headers: { cookie, [C.SESSION_HEADER]: secret, ...(method === 'GET' ? {} : { origin: base, 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const json: unknown = await res.json();
      assert.equal(res.status, status, `${method} ${path}: ${JSON.stringify(json)}`);
      return schema.parse(json);
    }
    const enroll = async (label: string) => {
      const token = (await admin('enroll-token', '--label', label)).stdout.trim();
      const org = JSON.parse(readFileSync(join(adminDir, 'org.json'), 'utf8')) as { keys: { publicKey: string }[] };
      const dataDir = tempDir('gh-capi-desktop-');
      const r = await run(CLI, ['enroll', syncUrl, '--token', token, '--fingerprint', keyFingerprint(org.keys[0]!.publicKey), '--data-dir', dataDir]);
      assert.equal(r.code, 0, r.stderr);
      const d = await startDaemon({ dataDir, env: { GATEHOUSE_SYNC_MAX_DELAY_MS: '1000', GATEHOUSE_REPORT_EVERY_MS: '500' } });
      desktops.push(d);
      clients.push(await stdioClient(dataDir, 'cursor'));
    };
    /** What the desktops say, for a failure's message. */
    const diagnose = async (err: unknown): Promise<never> => {
      const states = await Promise.all(
        desktops.map(async (d) => {
          const st = (await d.control<{ bundle: unknown; problems?: unknown; org: unknown }>('/status')).body;
          return {
            bundle: st.bundle,
            problems: st.problems,
            org: st.org,
            pending: JSON.stringify((await d.control('/pending')).body).slice(0, 400),
            log: d.stderr.join('').slice(-800),
          };
        }),
      );
      throw new Error(`${(err as Error).message}\n${JSON.stringify(states, null, 1)}`);
    };
    // `held` waits for what the test needs of it: the desktops report on their own schedule.
    const openEscalation = (tool: string, server: string, held: (e: C.EscalationSummary) => boolean = () => true) =>
      waitFor(
        async () => {
          const page = await api('GET', '/escalations?state=open', C.EscalationListSchema);
          return page.escalations.find((e) => e.server === server && e.tool === tool && held(e));
        },
        20_000,
        `${server}/${tool} in the queue`,
      ).catch(diagnose);
    const pull = async (client: Client, server: string) => {
      await client.callTool({ name: `${server}__search`, arguments: { query: 'x' } });
      await waitFor(
        async () => (await client.listTools()).tools.every((t) => t.name !== `${server}__fetch_weather`) || undefined,
        15_000,
        'the change to be held back',
      );
    };

    before(async () => {
      if (kind === 'postgres') {
        // Each run gets its own database in the shared cluster.
        const { default: pgLib } = await import('pg');
        const c = new pgLib.Client({ connectionString: pg!.url });
        await c.connect();
        await c.query('CREATE DATABASE console_api');
        await c.end();
      }
      const db = kind === 'postgres' ? pg!.url.replace(/\/postgres$/, '/console_api') : join(tempDir('gh-capi-sync-'), 'sync.db');
      const port = await freePort();
      syncUrl = `http://127.0.0.1:${port}`;
      await admin('init', '--org', 'acme', '--name', 'Acme Corp', '--sync', syncUrl);
      const init = await run(SYNC, ['init', '--org-file', join(adminDir, 'org.json'), '--database', db]);
      assert.equal(init.code, 0, init.stderr);
      sync = spawn(process.execPath, [SYNC, '--database', db, '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
      await lineOf(sync, /"event":"ready"/);
      const script = join(FIXTURES, 'servers', 'rugpull-server.ts');
      await admin('server', 'add', '--id', 'weather', '--command', process.execPath, '--arg', script);
      await admin('server', 'add', '--id', 'notes', '--command', process.execPath, '--arg', script);
      setEnv({ weather: rug('1000'), notes: rug('1000') });
      await admin('server', 'approve', 'weather');
      await admin('server', 'approve', 'notes');
      // Pinned while they could not change; on desktops they have turned from the start, and stay turned
      // across restarts (a desktop restarts a server whose entry a publish changed, pins included).
      setEnv({ weather: rug('0'), notes: rug('0') });
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
      const link = /(http:\/\/127\.0\.0\.1:\d+\/login\?\S+)/.exec(await lineOf(consoleProc, /\/login\?token=/))![1]!;
      base = new URL(link).origin;
      host = new URL(link).host;
      const login = await fetch(link, { redirect: 'manual' });
      assert.equal(login.status, 303);
      const set = login.headers.get('set-cookie') ?? '';
      assert.match(set, /HttpOnly/);
      assert.match(set, /SameSite=Strict/);
      cookie = set.split(';')[0]!;
      secret = /session=([A-Za-z0-9_-]+)/.exec(login.headers.get('location') ?? '')![1]!;
      const again = await fetch(link, { redirect: 'manual' });
      assert.equal(again.status, 401, 'a login link works once');
      await enroll('alice laptop');
      await enroll('bob laptop');
    });

    after(async () => {
      for (const c of clients) await c.close().catch(() => {});
      for (const d of desktops) await d.stop();
      for (const p of [consoleProc, sync])
        if (p && p.exitCode === null)
          await new Promise((r) => {
            p.once('exit', r);
            p.kill('SIGTERM');
          });
    });

    it('refuses a foreign Host or Origin, and API requests without the cookie', async () => {
      assert.equal((await raw(base, 'GET', `${C.CONSOLE_API}/session`, { host: `evil.example:${new URL(base).port}`, cookie })).status, 403);
      assert.equal((await raw(base, 'GET', `${C.CONSOLE_API}/session`, { host, cookie, origin: 'http://evil.example' })).status, 403);
      assert.equal((await raw(base, 'GET', `${C.CONSOLE_API}/session`, { host })).status, 401);
      // Browsers send a 127.0.0.1 cookie to every port: the cookie alone, or with a wrong secret, opens nothing.
      assert.equal((await raw(base, 'GET', `${C.CONSOLE_API}/session`, { host, cookie })).status, 401);
      assert.equal((await raw(base, 'GET', `${C.CONSOLE_API}/session`, { host, cookie, [C.SESSION_HEADER]: 'x'.repeat(43) })).status, 401);
      assert.equal(
        (await raw(base, 'POST', `${C.CONSOLE_API}/keys/rotate`, { host, cookie, 'content-type': 'application/json' }, '{}')).status,
        403,
        'a write without Origin',
      );
      assert.equal(
        (await raw(base, 'POST', `${C.CONSOLE_API}/keys/rotate`, { host, cookie, origin: base, 'content-type': 'text/plain' }, '{}')).status,
        403,
        'a form-encodable write',
      );
      const session = await api('GET', '/session', C.SessionSchema);
      assert.equal(session.org, 'acme');
      assert.equal(session.endpoint.reachable, true);
      assert.equal(session.endpoint.database, kind);
      assert.equal(session.unpublished, false);
    });

    it('lists both desktops in the fleet, with their token labels and bundle version', async () => {
      const page = await waitFor(
        async () => {
          const p = await api('GET', '/fleet/devices', C.DeviceListSchema);
          return p.devices.length === 2 && p.devices.every((d) => d.syncState === 'current') ? p : undefined;
        },
        15_000,
        'both desktops to report',
      );
      assert.deepEqual(page.devices.map((d) => d.label).sort(), ['alice laptop', 'bob laptop']);
      assert.ok(page.devices.every((d) => d.bundleVersion === page.latestVersion && d.pinnedKeys.length === 1));
    });

    it('a rug pull on a desktop is an escalation; approving it publishes the pin and the desktop serves the tool', async () => {
      const client = clients[0]!;
      await pull(client, 'weather');
      // The second desktop's report may come after the first one's opened the escalation.
      const e = await openEscalation('fetch_weather', 'weather', (x) => x.devices >= 2);
      assert.equal(e.risk, 'critical');
      assert.equal(e.devices, 2, 'both desktops hold the same change: one escalation');
      const detail = await api('GET', `/escalations/${e.id}`, C.EscalationDetailSchema);
      assert.equal(detail.change.exposedName, 'weather__fetch_weather');
      assert.ok(detail.findings.length > 0);
      assert.ok(JSON.stringify(detail.change.newDefinition).includes('\u{E0041}') || detail.diff.length > 0);
      const done = await api('POST', `/escalations/${e.id}/approve`, C.EscalationDecideResponseSchema, { reason: 'checked with the vendor' });
      assert.equal(done.escalation.state, 'approved');
      assert.ok(done.publishedVersion! > 1);
      let lastError = '';
      const text = await waitFor(
        async () => {
          try {
            return JSON.stringify(await client.callTool({ name: 'weather__fetch_weather', arguments: { city: 'Oslo' } }));
          } catch (err) {
            lastError = (err as Error).message;
            return undefined;
          }
        },
        10_000,
        'the desktop to serve the approved tool',
      ).catch((err: unknown) => diagnose(new Error(`${(err as Error).message}: ${lastError}`)));
      assert.match(text, /after the change|Oslo/);
    });

    it('a rejection keeps the change blocked, and the desktop says the org rejected it', async () => {
      const [d, client] = [desktops[1]!, clients[1]!];
      await pull(client, 'notes');
      const e = await openEscalation('fetch_weather', 'notes');
      const done = await api('POST', `/escalations/${e.id}/reject`, C.EscalationDecideResponseSchema, { reason: 'hidden instructions' });
      assert.equal(done.escalation.state, 'rejected');
      assert.equal(done.publishedVersion, null);
      await waitFor(
        async () =>
          (await d.control<{ decisions: { tool: string; decision: string; by: string }[] }>('/decisions')).body.decisions.find(
            (x) => x.tool === 'fetch_weather' && x.decision === 'rejected' && /your org/.test(x.by),
          ),
        15_000,
        'the org rejection to reach the desktop',
      );
      const err = await refusal(client.callTool({ name: 'notes__fetch_weather', arguments: { city: 'Oslo' } }));
      assert.match(err.message, /rejected by your org/);
      const queue = await api('GET', '/escalations?state=rejected', C.EscalationListSchema);
      assert.ok(queue.escalations.some((x) => x.id === e.id));
    });

    it('the simulator answers as the desktop decides', async () => {
      const user = (await desktops[0]!.control<{ identity: { user: string; groups: string[] } }>('/status')).body.identity.user;
      const denied = await api('POST', '/policies/simulate', C.SimulateResponseSchema, {
        user,
        agent: 'cursor',
        server: 'weather',
        tool: 'summarize',
        arguments: { text: 'x' },
      });
      assert.deepEqual([denied.effect, denied.rule], ['deny', 'no-summaries']);
      const err = await refusal(clients[0]!.callTool({ name: 'weather__summarize', arguments: { text: 'x' } }));
      assert.match(err.message, /no-summaries/);
      const allowed = await api('POST', '/policies/simulate', C.SimulateResponseSchema, {
        user,
        agent: 'cursor',
        server: 'weather',
        tool: 'search',
        arguments: { query: 'x' },
      });
      assert.deepEqual([allowed.effect, allowed.rule], ['allow', 'everyone']);
      await clients[0]!.callTool({ name: 'weather__search', arguments: { query: 'x' } });
      const other = await api('POST', '/policies/simulate', C.SimulateResponseSchema, {
        user,
        agent: 'claude',
        server: 'weather',
        tool: 'summarize',
        arguments: { text: 'x' },
      });
      assert.equal(other.effect, 'allow', 'the deny rule names only cursor');
    });

    it('audit search finds the calls of both desktops, pages them, and shows a record with its request chain', async () => {
      // Desktops ship every 30 s or 1,000 records; the app's "sync now" ships at once.
      for (const d of desktops) await d.control('/audit/ship', { method: 'POST' });
      const page = await waitFor(
        async () => {
          const p = await api('GET', '/audit/records?type=tools%2Fcall&limit=200', C.AuditPageSchema);
          return new Set(p.records.map((r) => r.deviceId)).size === 2 ? p : undefined;
        },
        20_000,
        "both desktops' calls to arrive",
      ).catch(async (err: unknown) => {
        const all = await api('GET', '/audit/records?limit=200', C.AuditPageSchema);
        const audits = await Promise.all(desktops.map(async (d) => (await d.control<{ audit: unknown; problems?: unknown }>('/status')).body));
        throw new Error(
          `${(err as Error).message}: ${JSON.stringify(all.records.map((r) => [r.deviceId.slice(0, 8), r.seq, r.type, r.tool, r.outcome]))} ${JSON.stringify(audits.map((a) => [a.audit, a.problems]))}`,
        );
      });
      assert.ok(page.records.some((r) => r.tool === 'weather__search') && page.records.some((r) => r.tool === 'notes__search'));
      const first = await api('GET', '/audit/records?limit=2', C.AuditPageSchema);
      const second = await api('GET', `/audit/records?limit=2&cursor=${encodeURIComponent(first.nextCursor!)}`, C.AuditPageSchema);
      assert.equal(new Set([...first.records, ...second.records].map((r) => `${r.deviceId}#${r.seq}`)).size, 4);
      const row = page.records[0]!;
      const detail = await api('GET', `/audit/records/${row.deviceId}/${row.seq}`, C.AuditDetailSchema);
      assert.equal(detail.record.correlationId, row.correlationId);
      assert.ok(detail.chain.some((r) => r.seq === row.seq));
      const byCorrelation = await api('GET', `/audit/records?correlationId=${encodeURIComponent(row.correlationId)}`, C.AuditPageSchema);
      assert.ok(byCorrelation.records.every((r) => r.correlationId === row.correlationId) && byCorrelation.records.length > 0);
      const csv = await fetch(`${base}${C.CONSOLE_API}/audit/export?format=csv&tool=weather__search`, { headers: { cookie, [C.SESSION_HEADER]: secret } });
      assert.match(csv.headers.get('content-disposition') ?? '', /attachment/);
      const lines = (await csv.text()).trim().split('\r\n');
      assert.equal(lines[0], C.AUDIT_CSV_COLUMNS.join(','));
      assert.ok(lines.length > 1 && lines.slice(1).every((l) => l.includes('weather__search')));
      const verify = await api('GET', '/audit/verify', C.AuditVerifySchema);
      assert.equal(verify.reports.length, 2);
    });

    it('revokes a device: it no longer syncs; a revoked enrollment token cannot enroll', async () => {
      const devices = await api('GET', '/fleet/devices', C.DeviceListSchema);
      const bob = devices.devices.find((d) => d.label === 'bob laptop')!;
      const revoked = await api('POST', `/fleet/devices/${bob.id}/revoke`, C.RevokeDeviceResponseSchema, { reason: 'laptop lost' });
      assert.equal(revoked.device.syncState, 'revoked');
      await waitFor(
        async () =>
          (await desktops[1]!.control<{ problems?: { component: string; message: string }[] }>('/status')).body.problems?.find((p) =>
            /revoked/.test(p.message),
          ),
        15_000,
        'the desktop to learn it was revoked',
      );
      const issued = await api('POST', '/fleet/tokens', C.IssuedTokenSchema, { label: 'carol', ttlDays: 1 }, 201);
      assert.match(issued.command, /^gatehouse enroll /);
      const list = await api('GET', '/fleet/tokens', C.EnrollTokenListSchema);
      assert.ok(list.tokens.some((t) => t.id === issued.token.id && t.label === 'carol'));
      await api('POST', `/fleet/tokens/${issued.token.id}/revoke`, C.RevokeTokenResponseSchema, {});
      const r = await run(CLI, ['enroll', syncUrl, '--token', issued.secret, '--fingerprint', issued.fingerprint, '--data-dir', tempDir('gh-capi-carol-')]);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /revoked/);
    });

    it('shows keys with the devices that pin them, and the catalogue with its pins', async () => {
      const keys = await api('GET', '/keys', C.KeysSchema);
      assert.equal(keys.keys.filter((k) => k.state === 'current').length, 1);
      assert.equal(keys.keys[0]!.devices, 1, 'the revoked device no longer counts');
      const cat = await api('GET', '/catalogue', C.CatalogueSchema);
      const weather = cat.servers.find((s) => s.id === 'weather')!;
      assert.equal(weather.status, 'approved');
      assert.ok(weather.pins.some((p) => p.tool === 'fetch_weather'));
      assert.ok(!JSON.stringify(cat).includes('RUGPULL'), 'environment values are not shown');
    });

    it('gatehouse unenroll leaves the org, and the fleet shows the device revoked', async () => {
      const d = desktops[0]!;
      await clients[0]!.close();
      await d.stop();
      const r = await run(CLI, ['unenroll', '--data-dir', d.dataDir]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /left org "acme"/);
      assert.equal(r.stderr, '', 'the org was told');
      const page = await api('GET', '/fleet/devices?state=revoked', C.DeviceListSchema);
      assert.equal(page.total, 2);
      assert.notEqual((await run(CLI, ['unenroll', '--data-dir', d.dataDir])).code, 0, 'not enrolled any more');
    });
  });
}
