// The admin console's first paint at fleet scale: 10,000 devices and 1,000,000
// audit records in PostgreSQL (bulk-loaded with unnest), then the console's
// first-page calls timed end to end — browser-side fetch → `gatehouse-admin
// console` (signs an admin statement) → the sync endpoint → PostgreSQL:
// the fleet page, the audit search's first page (unfiltered and by user), and
// the escalation queue. Prints p50/p99 per call.
//   node bench/console.ts [--devices N] [--records N] [--rounds N]
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { CONSOLE_API } from '../shared/console/contract.ts';
import { Workspace } from '../server/admin/workspace.ts';
import { startConsole } from '../server/console/server.ts';
import { SyncApp } from '../server/http/app.ts';
import { openStore } from '../server/store/open.ts';
import { startPostgres } from '../test/helpers/postgres.ts';

const { values } = parseArgs({
  options: { devices: { type: 'string', default: '10000' }, records: { type: 'string', default: '1000000' }, rounds: { type: 'string', default: '40' } },
});
const DEVICES = Number(values.devices);
const RECORDS = Number(values.records);
const ROUNDS = Number(values.rounds);

const pgServer = await startPostgres();
if (!pgServer) throw new Error('PostgreSQL is not installed (apt-get install postgresql)');
const t0 = Date.now();
const store = await openStore(pgServer.url);
const db = new pg.Client({ connectionString: pgServer.url });
await db.connect();

const ws = new Workspace(mkdtempSync(join(tmpdir(), 'gh-bench-console-')));
const key = await ws.newKey('acme');
ws.saveOrg({ org: 'acme', name: 'Acme', oidc: null, keys: [key] });
ws.saveRegistry({ version: 0, drafts: [], servers: [], agents: [], policies: { rules: [], rateLimits: [] }, profiles: [], settings: {} });
await store.initOrg({ id: 'acme', name: 'Acme', keys: [key], oidc: null });
await db.query(`INSERT INTO bundles (version, envelope, published_at) VALUES (7, '{}', $1)`, [new Date().toISOString()]);

const users = Array.from({ length: 800 }, (_, i) => `user${i}@acme.test`);
const agents = ['cursor', 'claude-code', 'vscode', 'windsurf', 'claude-desktop'];
const tools = ['fs__read_text_file', 'fs__write_file', 'github__create_issue', 'github__search', 'memory__create_entities', 'jira__get_issue'];
const outcomes = ['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'error', 'denied', 'timeout', 'cancelled'];
const deviceId = (i: number) =>
  `dev-${createHash('sha256')
    .update(String(i))
    .digest('hex')
    .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12}).*$/, '$1-$2-$3-$4-$5')}`;

// Devices, their reported state, one audit batch each (the fleet page reads its last sequence).
const now = Date.now();
{
  const ids = Array.from({ length: DEVICES }, (_, i) => deviceId(i));
  await db.query(
    `INSERT INTO devices (id, name, public_key, token_hash, enrolled_at, label)
    SELECT id, 'laptop-' || n, 'pem', 'hash-' || n, $2, 'token for ' || n FROM unnest($1::text[]) WITH ORDINALITY AS t(id, n)`,
    [ids, new Date(now - 90 * 86_400_000).toISOString()],
  );
  await db.query(
    `INSERT INTO device_state (device_id, last_contact_at, user_name, bundle_version, audit_backlog, pending_count, keys)
    SELECT id, $2::timestamptz - (n * interval '7 seconds'), 'user' || (n % 800) || '@acme.test', 6 + (n % 2), n % 50, n % 3, $3 FROM unnest($1::text[]) WITH ORDINALITY AS t(id, n)`,
    [ids, new Date(now).toISOString(), JSON.stringify([key.keyId])],
  );
  // Timestamps stored as ISO text, as the store writes them.
  await db.query(`UPDATE device_state SET last_contact_at = to_char(last_contact_at::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);
  await db.query(
    `INSERT INTO audit_batches (batch_id, device_id, first_seq, last_seq, batch_hash, prev_batch_hash, last_record_hash, header, signature, received_at)
    SELECT id || ':1', id, 1, $2::bigint, 'h', 'g', 'r', '{}', 's', $3 FROM unnest($1::text[]) AS t(id)`,
    [ids, Math.ceil(RECORDS / DEVICES), new Date(now).toISOString()],
  );
}

// Audit records: dropped indexes first, rebuilt by migrate() after the load.
for (const ix of [
  'audit_records_ts',
  'audit_records_page',
  'audit_records_user',
  'audit_records_agent',
  'audit_records_server',
  'audit_records_tool',
  'audit_records_outcome',
])
  await db.query(`DROP INDEX IF EXISTS ${ix}`);
await db.query('DROP TRIGGER IF EXISTS audit_records_append_only ON audit_records');
const CHUNK = 50_000;
const perDevice = Math.ceil(RECORDS / DEVICES);
for (let start = 0; start < RECORDS; start += CHUNK) {
  const n = Math.min(CHUNK, RECORDS - start);
  const cols: unknown[][] = Array.from({ length: 14 }, () => new Array<unknown>(n));
  for (let k = 0; k < n; k++) {
    const i = start + k;
    const dev = deviceId(i % DEVICES);
    const seq = Math.floor(i / DEVICES) + 1;
    const ts = new Date(now - (RECORDS - i) * 2000).toISOString();
    const user = users[(i % DEVICES) % users.length]!;
    const tool = tools[i % tools.length]!;
    const outcome = outcomes[i % outcomes.length]!;
    const agent = agents[i % agents.length]!;
    const corr = `c${i.toString(36)}`;
    const body = JSON.stringify({
      id: `r${i.toString(36)}`,
      ts,
      type: 'tools/call',
      correlationId: corr,
      user,
      agent,
      clientInfo: null,
      server: tool.split('__')[0],
      tool,
      decision: { effect: outcome === 'denied' ? 'deny' : 'allow', rule: 'eng' },
      outcome,
      error: null,
      latencyMs: i % 900,
      result: null,
      bundleVersion: 7,
    });
    const row = [dev, seq, `h${i}`, `p${i}`, body, `${dev}:1`, ts, user, agent, tool.split('__')[0], tool, outcome, 'tools/call', corr];
    for (let c = 0; c < 14; c++) cols[c]![k] = row[c];
  }
  await db.query(
    `INSERT INTO audit_records (device_id, seq, hash, prev, body, batch_id, ts, user_name, agent, server, tool, outcome, type)
    SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[])`,
    cols.slice(0, 13),
  );
  await db.query('INSERT INTO audit_correlation (correlation_id, device_id, seq) SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])', [
    cols[13],
    cols[0],
    cols[1],
  ]);
}
await store.migrate();
await db.query('ANALYZE');
process.stderr.write(`seeded ${DEVICES} devices (${perDevice} records each) and ${RECORDS} audit records in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);

// Escalations: 60 distinct changes held by some devices each.
for (let e = 0; e < 60; e++) {
  const h = `sha256:${createHash('sha256').update(`e${e}`).digest('hex')}`;
  const change = {
    server: 'github',
    tool: `tool_${e}`,
    kind: 'changed' as const,
    oldHash: null,
    newHash: h,
    oldDefinition: null,
    newDefinition: { name: `tool_${e}`, description: 'x' },
    diff: [],
    findings: [],
    risk: (['critical', 'high', 'medium'] as const)[e % 3]!,
    createdAt: new Date(now).toISOString(),
  };
  for (let d = 0; d < 5; d++)
    await store.console.report(
      deviceId(e * 5 + d),
      { user: users[d]!, bundleVersion: 7, keys: [key.keyId], auditBacklog: 0, pending: [change] },
      new Date(now).toISOString(),
    );
}

const app = new SyncApp({ store });
const sync = createServer(app.handle);
await new Promise<void>((r) => sync.listen(0, '127.0.0.1', r));
const syncUrl = `http://127.0.0.1:${(sync.address() as { port: number }).port}`;
const consoleServer = await startConsole({ ws, syncUrl, admin: 'bench@host', port: 0, uiDir: resolve(import.meta.dirname, '..', 'dist', 'console') });
const login = await fetch(consoleServer.newLoginLink(), { redirect: 'manual' });
const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;

async function time(path: string): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < ROUNDS + 3; i++) {
    const t = performance.now();
    const res = await fetch(`${consoleServer.url}${CONSOLE_API}${path}`, { headers: { cookie } });
    const body = await res.text();
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${body.slice(0, 300)}`);
    if (i >= 3) out.push(performance.now() - t);
  }
  return out.sort((a, b) => a - b);
}
const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((xs.length - 1) * p))]!;

const calls: [string, string][] = [
  ['fleet, first page (50 of 10,000, with total)', '/fleet/devices'],
  ['fleet, filtered to behind', '/fleet/devices?state=behind'],
  ['audit search, first page', '/audit/records'],
  ['audit search by user', `/audit/records?user=${encodeURIComponent(users[17]!)}`],
  ['audit search by outcome=denied and tool', '/audit/records?outcome=denied&tool=fs__write_file'],
  ['audit search by agent (no index of its own)', '/audit/records?agent=windsurf'],
  ['audit search by correlation id', '/audit/records?correlationId=c2n9c'],
  ['escalation queue', '/escalations'],
  ['session (endpoint health + version)', '/session'],
];
process.stdout.write(`| call | p50 ms | p99 ms |\n|---|---|---|\n`);
for (const [name, path] of calls) {
  const xs = await time(path);
  process.stdout.write(`| ${name} | ${pct(xs, 0.5).toFixed(1)} | ${pct(xs, 0.99).toFixed(1)} |\n`);
}

await consoleServer.close();
await new Promise((r) => sync.close(r));
app.close();
await db.end();
await store.close();
await pgServer.stop();
