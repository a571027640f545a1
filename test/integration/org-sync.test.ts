// The org's registry end to end, with every part real: gatehouse-admin signs and
// publishes, gatehouse-server (PostgreSQL when installed, else SQLite) serves,
// a desktop enrolls, logs in to an oidc-provider IdP, enforces what it is sent,
// rejects what a compromised endpoint serves, survives the endpoint going away,
// fails closed when its bundle expires, and ships its audit trail upstream.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { Client } from '@modelcontextprotocol/client';
import { BUNDLE_PAYLOAD_TYPE, keyFingerprint, signEnvelope } from '../../shared/bundle/envelope.ts';
import { ErrorCode } from '../../shared/jsonrpc/message.ts';
import { generateEd25519 } from '../../shared/signing/ed25519.ts';
import { browse } from '../helpers/browser.ts';
import { refusal, stdioClient } from '../helpers/clients.ts';
import { CLI, FIXTURES, ROOT, startDaemon, stdioServer, tempDir, waitFor, writeBundle, type TestDaemon } from '../helpers/daemon.ts';
import { keychainReady, NO_KEYCHAIN } from '../helpers/keychain.ts';
import { lineOf, run } from '../helpers/processes.ts';
import { KeychainBackend } from '../../gateway/secrets/keychain.ts';
import { freePort, startPostgres, type TestPostgres } from '../helpers/postgres.ts';

const ADMIN = join(ROOT, 'bin', 'gatehouse-admin.js');
const SERVER = join(ROOT, 'bin', 'gatehouse-server.js');

interface Status {
  problems?: { component: string; message: string }[];
  bundle: { version: number; closed?: string | null };
  org: { state: string; lastRejection: { code: string; reason: string } | null; lastError: string | null } | null;
  identity?: { user: string; groups: string[]; source: string; problem: string | null };
  audit: { unacknowledged: number };
}

const ready = await keychainReady();

describe('the org registry, end to end', { skip: ready ? false : NO_KEYCHAIN }, () => {
  const adminDir = tempDir('gh-admin-');
  const groupsFile = join(tempDir('gh-idp-'), 'groups.json');
  const desktop = tempDir('gh-desktop-');
  let pgServer: TestPostgres | undefined;
  let database: string;
  let port: number;
  let syncUrl: string;
  let server: ChildProcess | undefined;
  let idp: ChildProcess;
  let issuer: string;
  let d: TestDaemon;
  let client: Client;
  const admin = async (...args: string[]) => {
    const r = await run(ADMIN, ['--dir', adminDir, ...args]);
    assert.equal(r.code, 0, `gatehouse-admin ${args.join(' ')}: ${r.stderr}`);
    return r;
  };
  const status = async () => (await d.control<Status>('/status')).body;
  const startServer = async () => {
    server = spawn(process.execPath, [SERVER, '--database', database, '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
    server.stderr!.on('data', (c: Buffer) => {
      if (/error/i.test(c.toString())) process.stderr.write(`[sync] ${c}`);
    });
    await lineOf(server, /"event":"ready"/);
  };
  const stopServer = async () => {
    if (!server || server.exitCode !== null) return;
    const s = server;
    await new Promise((r) => {
      s.once('exit', r);
      s.kill('SIGTERM');
    });
  };
  /** What a compromised endpoint could serve: a row written straight into its database. */
  const plant = async (version: number, envelope: unknown) => {
    const text = JSON.stringify(envelope);
    if (database.startsWith('postgres')) {
      const c = new pg.Client({ connectionString: database });
      await c.connect();
      await c.query('INSERT INTO bundles (version, envelope, published_at) VALUES ($1, $2, $3)', [version, text, new Date().toISOString()]);
      await c.end();
    } else {
      const db = new DatabaseSync(database);
      db.prepare('INSERT INTO bundles (version, envelope, published_at) VALUES (?, ?, ?)').run(version, text, new Date().toISOString());
      db.close();
    }
  };
  const signingKey = () => {
    const org = JSON.parse(readFileSync(join(adminDir, 'org.json'), 'utf8')) as { keys: { keyId: string }[] };
    const keyId = org.keys[0]!.keyId;
    return { keyId, privateKeyPem: readFileSync(join(adminDir, 'keys', `${keyId}.pem`), 'utf8') };
  };
  const toolNames = async () => (await client.listTools()).tools.map((t) => t.name);

  before(async () => {
    pgServer = await startPostgres().catch((err: Error) => {
      if (process.env.CI) throw err;
      return undefined;
    });
    database = pgServer?.url ?? join(tempDir('gh-sync-'), 'sync.db');
    process.stdout.write(`sync endpoint on ${pgServer ? 'PostgreSQL' : 'SQLite'}\n`);
    port = await freePort();
    syncUrl = `http://127.0.0.1:${port}`;
    idp = spawn(process.execPath, [join(FIXTURES, 'oauth', 'org-idp.ts')], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, IDP_GROUPS_FILE: groupsFile },
    });
    issuer = (JSON.parse(await lineOf(idp, /listening/)) as { issuer: string }).issuer;

    await admin('init', '--org', 'acme', '--name', 'Acme Corp', '--sync', syncUrl, '--oidc-issuer', issuer, '--oidc-client', 'gatehouse-desktop');
    const init = await run(SERVER, ['init', '--org-file', join(adminDir, 'org.json'), '--database', database]);
    assert.equal(init.code, 0, init.stderr);
    await startServer();
    const fixture = join(FIXTURES, 'servers', 'faulty-server.ts');
    await admin('server', 'add', '--id', 'fx', '--command', process.execPath, '--arg', fixture);
    await admin('server', 'add', '--id', 'other', '--command', process.execPath, '--arg', fixture);
    await admin('server', 'approve', 'fx');
    await admin('server', 'approve', 'other');
    const policy = join(adminDir, 'policy.json');
    writeFileSync(
      policy,
      JSON.stringify({
        rules: [
          { id: 'everyone-echo', effect: 'allow', servers: ['fx'], tools: ['echo', 'big'] },
          { id: 'eng-pid', effect: 'allow', subjects: { groups: ['eng'] }, servers: ['fx'], tools: ['pid'] },
          { id: 'other-all', effect: 'allow', servers: ['other'] },
        ],
      }),
    );
    await admin('policy', 'set', policy);
    await admin('publish');
  });

  after(async () => {
    await client?.close().catch(() => {});
    await d?.stop();
    await stopServer();
    idp?.kill();
    await pgServer?.stop();
  });

  it('refuses to enroll when the key fingerprint does not match', async () => {
    const token = (await admin('enroll-token', '--label', 'wrong')).stdout.trim();
    const r = await run(CLI, ['enroll', syncUrl, '--token', token, '--fingerprint', 'SHA256:0000:0000:0000:0000:0000:0000:0000:0000', '--data-dir', tempDir()]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /do not enroll/);
    const forged = await run(CLI, ['enroll', syncUrl, '--token', 'bm90LWEtdG9rZW4=', '--trust-on-first-use', '--data-dir', tempDir()]);
    assert.equal(forged.code, 2);
    assert.match(forged.stderr, /enrollment token refused/);
  });

  it("enrolls with the admin's token and fingerprint, then takes the org's bundle", async () => {
    const token = (await admin('enroll-token', '--label', 'alice laptop')).stdout.trim();
    const org = JSON.parse(readFileSync(join(adminDir, 'org.json'), 'utf8')) as { keys: { publicKey: string }[] };
    const r = await run(CLI, ['enroll', syncUrl, '--token', token, '--fingerprint', keyFingerprint(org.keys[0]!.publicKey), '--data-dir', desktop]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /enrolled in Acme Corp as device dev-/);
    const refused = await run(CLI, ['daemon', '--data-dir', desktop, '--port', '0', '--bundle', join(ROOT, 'resources', 'demo-bundle.json')]);
    assert.equal(refused.code, 2, 'an enrolled desktop takes no local bundle');
    assert.match(refused.stderr, /enrolled in org "acme"/);
    d = await startDaemon({ dataDir: desktop, env: { GATEHOUSE_SYNC_MAX_DELAY_MS: '1000' } });
    await waitFor(async () => (await status()).bundle.version === 1, 10_000, 'the org bundle');
    client = await stdioClient(desktop, 'cursor');
    const names = await waitFor(
      async () => {
        const n = await toolNames();
        return n.includes('fx__echo') ? n : undefined;
      },
      10_000,
      'fx tools',
    );
    assert.ok(!names.includes('fx__pid'), 'eng-only tool hidden before login');
    assert.ok(!names.includes('fx__crash'), 'no rule allows crash');
  });

  it('logs in through the org IdP, and group rules follow the verified ID token', async () => {
    const login = spawn(process.execPath, [CLI, 'login', '--no-browser', '--data-dir', desktop], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    const url = await new Promise<string>((resolve) =>
      login.stderr!.on('data', (c: Buffer) => {
        err += c.toString();
        const m = /(http:\/\/\S+\/auth\?\S+)/.exec(err);
        if (m) resolve(m[1]!);
      }),
    );
    await browse(url, 'eng-alice', '/callback');
    const code = await new Promise((r) => login.once('exit', r));
    assert.equal(code, 0, err);
    const s = await status();
    assert.deepEqual([s.identity?.user, s.identity?.groups, s.identity?.source], ['eng-alice@acme.test', ['eng'], 'oidc']);
    await waitFor(async () => (await toolNames()).includes('fx__pid'), 5000, 'the eng tool to appear');
    assert.match((await client.callTool({ name: 'fx__pid', arguments: {} })).content[0] ? 'ok' : '', /ok/);
  });

  it("renews the login at the IdP, so a user taken out of a group loses that group's tools", async () => {
    writeFileSync(groupsFile, JSON.stringify({ 'eng-alice': ['sales'] }));
    const r = await d.control<{ user: string; groups: string[] }>('/identity/refresh', { method: 'POST' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.groups, ['sales']);
    await waitFor(async () => !(await toolNames()).includes('fx__pid'), 5000, 'the eng tool to go');
    assert.equal((await refusal(client.callTool({ name: 'fx__pid', arguments: {} }))).code, ErrorCode.PolicyDenied);
    writeFileSync(groupsFile, JSON.stringify({ 'eng-alice': ['eng'] }));
    assert.deepEqual((await d.control<{ groups: string[] }>('/identity/refresh', { method: 'POST' })).body.groups, ['eng']);
    await waitFor(async () => (await toolNames()).includes('fx__pid'), 5000, 'the eng tool back');
  });

  it('enforces a newly published bundle by push (the figure is in bench/sync-endpoint.ts)', async () => {
    const policy = join(adminDir, 'policy.json');
    const doc = JSON.parse(readFileSync(policy, 'utf8')) as { rules: { id: string }[] };
    doc.rules.unshift({ id: 'no-big', effect: 'deny', servers: ['fx'], tools: ['big'] } as never);
    writeFileSync(policy, JSON.stringify(doc));
    await admin('policy', 'set', policy);
    const t0 = performance.now();
    await admin('publish');
    const published = performance.now();
    await waitFor(async () => !(await toolNames()).includes('fx__big'), 5000, 'the new policy to apply');
    const enforced = performance.now();
    process.stdout.write(
      `push: enforced ${(enforced - published).toFixed(0)} ms after publish returned (${(enforced - t0).toFixed(0)} ms including the admin CLI)\n`,
    );
    const r = await refusal(client.callTool({ name: 'fx__big', arguments: { bytes: 1 } }));
    assert.equal(r.code, ErrorCode.PolicyDenied);
    assert.match(r.message, /no-big/);
  });

  it('holds a changed tool for the org when policy says so, and releases it when the admin approves the new version', async () => {
    const registryPath = join(adminDir, 'registry.json');
    const setEnv = (after: string) => {
      const reg = JSON.parse(readFileSync(registryPath, 'utf8')) as {
        drafts: { id: string; transport: { env?: Record<string, string> } }[];
        servers: { id: string; transport: { env?: Record<string, string> } }[];
      };
      for (const s of [...reg.drafts, ...reg.servers])
        if (s.id === 'wx') s.transport.env = { RUGPULL_MODE: 'update', RUGPULL_AFTER: after, RUGPULL_NOTIFY: '1' };
      writeFileSync(registryPath, JSON.stringify(reg, null, 2));
    };
    await admin('server', 'add', '--id', 'wx', '--command', process.execPath, '--arg', join(FIXTURES, 'servers', 'rugpull-server.ts'));
    setEnv('1');
    await admin('server', 'approve', 'wx');
    const policy = JSON.parse(readFileSync(join(adminDir, 'policy.json'), 'utf8')) as { rules: unknown[]; settings?: unknown };
    policy.rules.push({ id: 'wx-all', effect: 'allow', servers: ['wx'] });
    // Every change waits for the org, whatever its risk.
    policy.settings = { pinning: { localApproval: { none: false, low: false, medium: false, high: false, critical: false } } };
    writeFileSync(join(adminDir, 'policy.json'), JSON.stringify(policy));
    await admin('policy', 'set', join(adminDir, 'policy.json'));
    await admin('publish');
    await waitFor(async () => (await toolNames()).includes('wx__fetch_weather'), 10_000, 'the approved tool');
    await client.callTool({ name: 'wx__fetch_weather', arguments: { city: 'Oslo' } }); // after this call the server changes the tool
    const pending = await waitFor(
      async () =>
        (await d.control<{ pending: { id: string; tool: string; localDecision: boolean }[] }>('/pending')).body.pending.find((p) => p.tool === 'fetch_weather'),
      10_000,
      'the change to be held',
    );
    assert.equal(pending.localDecision, false);
    const held = await refusal(client.callTool({ name: 'wx__fetch_weather', arguments: { city: 'Oslo' } }));
    assert.match(held.message, /awaits approval by your organisation's admin/);
    const local = await run(CLI, ['approve', pending.id, '--data-dir', desktop]);
    assert.equal(local.code, 2, 'the user may not approve it locally');
    // The admin approves the new version (the server is upgraded for everyone) and publishes.
    setEnv('0');
    await admin('server', 'approve', 'wx');
    await admin('publish');
    const tool = await waitFor(
      async () => (await client.listTools()).tools.find((t) => t.name === 'wx__fetch_weather' && /units you ask for/.test(t.description ?? '')),
      15_000,
      'the new version, approved by the org',
    );
    assert.ok(tool);
    assert.equal(
      (await d.control<{ pending: { tool: string }[] }>('/pending')).body.pending.filter((p) => p.tool === 'fetch_weather').length,
      0,
      'nothing pending any more',
    );
  });

  it('rejects what a compromised endpoint serves, with the reason, and keeps the last good bundle', async () => {
    const before = (await status()).bundle.version;
    const base = {
      schemaVersion: 1,
      name: 'Acme Corp',
      org: 'acme',
      issuedAt: new Date().toISOString(),
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      servers: [{ id: 'evil', transport: { type: 'stdio', command: 'sh', args: ['-c', 'echo pwned'] }, approvedAt: 'x' }],
      policies: { rules: [{ id: 'all', effect: 'allow' }] },
    };
    const cases: [string, () => Promise<unknown>][] = [
      [
        'signature',
        async () => {
          const env = await signEnvelope(BUNDLE_PAYLOAD_TYPE, JSON.stringify({ ...base, version: 50 }), [signingKey()]);
          const bytes = Buffer.from(env.payload, 'base64');
          bytes[bytes.indexOf('pwned')] = 'P'.charCodeAt(0);
          return { ...env, payload: bytes.toString('base64') };
        },
      ],
      [
        'unknown-key',
        async () =>
          signEnvelope(BUNDLE_PAYLOAD_TYPE, JSON.stringify({ ...base, version: 51 }), [
            { keyId: 'attacker', privateKeyPem: (await generateEd25519()).privateKeyPem },
          ]),
      ],
      ['org', async () => signEnvelope(BUNDLE_PAYLOAD_TYPE, JSON.stringify({ ...base, org: 'globex', version: 52 }), [signingKey()])],
      [
        'expired',
        async () =>
          signEnvelope(BUNDLE_PAYLOAD_TYPE, JSON.stringify({ ...base, version: 53, expiresAt: new Date(Date.now() - 1000).toISOString() }), [signingKey()]),
      ],
      ['rollback', async () => signEnvelope(BUNDLE_PAYLOAD_TYPE, JSON.stringify({ ...base, version: 1 }), [signingKey()])],
      ['schema', async () => signEnvelope(BUNDLE_PAYLOAD_TYPE, JSON.stringify({ ...base, version: 55, servers: [{ id: 'Evil Id' }] }), [signingKey()])],
    ];
    let version = 60;
    for (const [code, make] of cases) {
      await plant(version++, await make());
      const sync = await run(CLI, ['sync', '--data-dir', desktop]);
      assert.equal(sync.code, 0, sync.stderr);
      const s = await status();
      assert.equal(s.org?.lastRejection?.code, code, `${code}: ${JSON.stringify(s.org?.lastRejection)}`);
      assert.equal(s.bundle.version, before, 'the last good bundle stays in force');
      assert.ok(!(await toolNames()).some((n) => n.startsWith('evil__')));
    }
    const records = await d.control<{ records: { record: { type: string; outcome: string; decision: { rule: string } | null } }[] }>(
      '/audit?outcome=denied&limit=200',
    );
    const rejected = records.body.records.filter((r) => r.record.type === 'bundle').map((r) => r.record.decision?.rule);
    for (const code of ['signature', 'unknown-key', 'org', 'expired', 'rollback', 'schema'])
      assert.ok(rejected.includes(`bundle-${code}`), `audit lacks bundle-${code}`);
  });

  it('keeps governing while the endpoint is down, and catches up when it is back, without a restart', async () => {
    await stopServer();
    await waitFor(async () => (await status()).org?.state === 'offline', 10_000, 'offline');
    assert.match(JSON.stringify((await client.callTool({ name: 'fx__echo', arguments: { message: 'offline' } })).content), /offline/);
    // Shipping fails while the endpoint is down: the status says so (it used to be swallowed)…
    await d.control('/audit/ship', { method: 'POST' });
    const shipping = () => status().then((s) => s.problems?.find((p) => p.component === 'audit-shipping'));
    assert.match((await shipping())?.message ?? '', /sending audit batches failed/);
    assert.equal((await run(CLI, ['sync', '--data-dir', desktop])).code === 0, false, 'a sync that cannot reach the org is not reported as done');
    // The planted rows above sit at versions 50-65: publish past them.
    await startServer();
    // …and stops saying so once a batch gets through.
    await waitFor(
      async () => (await d.control<{ acknowledged?: number }>('/audit/ship', { method: 'POST' }), !(await shipping())),
      20_000,
      'the shipping problem to clear',
    );
    await admin('server', 'revoke', 'other');
    await admin('publish');
    await waitFor(async () => !(await toolNames()).some((n) => n.startsWith('other__')), 10_000, 'the revocation to reach the desktop');
    const r = await refusal(client.callTool({ name: 'other__echo', arguments: { message: 'x' } }));
    assert.equal(r.code, ErrorCode.InvalidParams);
  });

  it('fails closed when the bundle expires, and opens again with a fresh one', async () => {
    await admin('publish', '--ttl', '0.0001'); // about 8.6 s: time to see it in force first, even on a slow machine
    await waitFor(async () => (await toolNames()).includes('fx__echo'), 5000, 'the short-lived bundle');
    await waitFor(async () => (await status()).bundle.closed, 15_000, 'the bundle to expire');
    const r = await refusal(client.callTool({ name: 'fx__echo', arguments: { message: 'x' } }));
    assert.equal(r.code, ErrorCode.BundleExpired);
    assert.match(r.message, /expired/);
    assert.deepEqual(await toolNames(), []);
    await admin('publish');
    await waitFor(async () => (await toolNames()).includes('fx__echo'), 10_000, 'the fresh bundle');
  });

  it('rotates the org key: the old key signs the bundle naming the new one, then only the new one counts', async () => {
    const oldKey = signingKey();
    const rotate = await admin('keys', 'rotate');
    assert.match(rotate.stdout, /new key/);
    const before = (await status()).bundle.version;
    await admin('publish');
    await waitFor(async () => (await status()).bundle.version > before, 5000, 'the rotation bundle, signed by the old key');
    const version = (await status()).bundle.version;
    const newKey = signingKey();
    assert.notEqual(newKey.keyId, oldKey.keyId);
    await admin('publish');
    await waitFor(async () => (await status()).bundle.version === version + 1, 5000, 'a bundle signed by the new key only');
    // The retired key can no longer move the desktop.
    const base = {
      schemaVersion: 1,
      name: 'Acme Corp',
      org: 'acme',
      version: version + 10,
      issuedAt: new Date().toISOString(),
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      servers: [],
      policies: { rules: [] },
    };
    await plant(version + 10, await signEnvelope(BUNDLE_PAYLOAD_TYPE, JSON.stringify(base), [oldKey]));
    await run(CLI, ['sync', '--data-dir', desktop]);
    const s = await status();
    assert.equal(s.org?.lastRejection?.code, 'unknown-key');
    assert.equal(s.bundle.version, version + 1);
  });

  it('enrolls by itself from an org.json shipped through MDM, and takes the bundle', async () => {
    const mdm = tempDir('gh-mdm-');
    await admin('publish'); // past the bundle the rotation test planted with the retired key
    await waitFor(async () => (await status()).bundle.version > 70, 5000, 'the fresh publish');
    const org = JSON.parse(readFileSync(join(adminDir, 'org.json'), 'utf8')) as { keys: unknown[] };
    const token = (await admin('enroll-token', '--label', 'mdm fleet')).stdout.trim();
    writeFileSync(join(mdm, 'org.json'), JSON.stringify({ syncUrl, org: 'acme', name: 'Acme Corp', rootKeys: org.keys, enrolToken: token }));
    const second = await startDaemon({ dataDir: mdm, env: { GATEHOUSE_SYNC_MAX_DELAY_MS: '1000' } });
    try {
      const want = (await status()).bundle.version;
      await waitFor(async () => (await second.control<Status>('/status')).body.bundle.version === want, 10_000, 'the MDM desktop to take the bundle').catch(
        async (err: Error) => {
          throw new Error(`${err.message}: ${JSON.stringify((await second.control<Status>('/status')).body.org)} ${second.stderr.join('')}`);
        },
      );
      const saved = JSON.parse(readFileSync(join(mdm, 'org.json'), 'utf8')) as { deviceId?: string; enrolToken?: string };
      assert.match(saved.deviceId ?? '', /^dev-/);
      assert.equal(saved.enrolToken, undefined, 'the enrollment token is removed once used');
      assert.match((await admin('devices')).stdout, /mdm fleet/);
    } finally {
      await second.stop();
    }
  });

  it("enrolls a running desktop without a restart: its local bundle gives way to the org's", async () => {
    const local = await startDaemon({
      bundle: writeBundle({ schemaVersion: 1, name: 'personal', servers: [stdioServer('mine', 'faulty-server.ts')] }),
      env: { GATEHOUSE_SYNC_MAX_DELAY_MS: '1000' },
    });
    try {
      await waitFor(
        async () =>
          (await local.control<{ servers: { id: string; state: string }[] }>('/servers')).body.servers.some((x) => x.id === 'mine' && x.state === 'ready'),
        10_000,
        'the local server',
      );
      const org = JSON.parse(readFileSync(join(adminDir, 'org.json'), 'utf8')) as { keys: { publicKey: string }[] };
      const token = (await admin('enroll-token', '--label', 'live')).stdout.trim();
      const wrong = await run(CLI, [
        'enroll',
        syncUrl,
        '--token',
        token,
        '--fingerprint',
        'SHA256:0000:0000:0000:0000:0000:0000:0000:0000',
        '--data-dir',
        local.dataDir,
      ]);
      assert.equal(wrong.code, 2);
      assert.match(wrong.stderr, /do not enroll/);
      const r = await run(CLI, ['enroll', syncUrl, '--token', token, '--fingerprint', keyFingerprint(org.keys[0]!.publicKey), '--data-dir', local.dataDir]);
      assert.equal(r.code, 0, r.stderr);
      const want = (await status()).bundle.version;
      await waitFor(async () => (await local.control<Status>('/status')).body.bundle.version === want, 10_000, 'the org bundle on the running desktop');
      const servers = (await local.control<{ servers: { id: string }[] }>('/servers')).body.servers.map((x) => x.id);
      assert.ok(!servers.includes('mine'), 'the personal server is gone');
      assert.ok(servers.includes('fx'));
      const again = await run(CLI, ['enroll', syncUrl, '--token', token, '--fingerprint', keyFingerprint(org.keys[0]!.publicKey), '--data-dir', local.dataDir]);
      assert.equal(again.code, 2, 'a second enrollment is refused');
    } finally {
      await local.stop();
    }
  });

  it('ships the audit trail; the admin can query it and verify it is whole', async () => {
    await client.callTool({ name: 'fx__echo', arguments: { message: 'for the auditors' } });
    await waitFor(
      async () => ((await status()).audit.unacknowledged === 0 ? true : (await d.control('/audit/ship', { method: 'POST' }), false)),
      60_000,
      'the outbox to drain',
    );
    const q = await admin('audit', 'query', '--tool', 'fx__echo', '--user', 'eng-alice@acme.test', '--json');
    const rows = q.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { tool: string; user: string; agent: string; outcome: string });
    assert.ok(rows.length >= 1);
    assert.ok(rows.every((r) => r.tool === 'fx__echo' && r.user === 'eng-alice@acme.test' && r.agent === 'cursor'));
    const v = await admin('audit', 'verify');
    assert.match(v.stdout, /intact/);
    // Enrollment, the org login and every bundle accepted or refused are in the trail the org holds.
    const all = (await admin('audit', 'query', '--limit', '5000', '--json')).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; outcome: string; detail?: Record<string, unknown> });
    const types = new Set(all.map((r) => r.type));
    for (const t of ['enrolment', 'login', 'bundle', 'tools/call', 'denial']) assert.ok(types.has(t), `no ${t} record upstream: ${[...types].join(', ')}`);
    assert.ok(all.some((r) => r.type === 'login' && r.outcome === 'ok' && (r.detail?.groups as string[] | undefined)?.includes('eng')));
  });

  it('ends the org login when the IdP refuses to renew it: group rules stop applying', async () => {
    const refresh = await new KeychainBackend().get('org/refresh-token');
    assert.ok(refresh, 'the refresh token is in the keychain');
    const res = await fetch(`${issuer}/token/revocation`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: refresh!, client_id: 'gatehouse-desktop' }),
    });
    assert.equal(res.status, 200);
    const r = await d.control<{ user: string; groups: string[]; source: string; problem: string | null }>('/identity/refresh', { method: 'POST' });
    assert.equal(r.body.source, 'os');
    assert.deepEqual(r.body.groups, []);
    assert.match(r.body.problem ?? '', /gatehouse login/);
    await waitFor(async () => !(await toolNames()).includes('fx__pid'), 5000, 'the eng tool to go');
    assert.equal(await new KeychainBackend().get('org/id-token'), null, 'the ended login is removed from the keychain');
  });
});
