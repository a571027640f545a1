// The official MCP conformance suite, `latest` and the pinned prerelease, against our
// fixture server: directly, and through Gatehouse with the fixture as a Streamable HTTP
// upstream and as a stdio upstream, reached over the daemon's HTTP endpoint with an
// agent's bearer token. Compared check by check: nothing that passes directly may fail
// through Gatehouse. CONFORMANCE_REPORT=1 prints every scenario's figures.
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { FIXTURES, ROOT, startDaemon, stdioServer, tempDir, writeBundle, type TestDaemon } from '../helpers/daemon.ts';

const run = promisify(execFile);

interface SuiteVersion {
  label: string;
  bin: string;
  args: string[];
  /**
   * Scenarios the suite's own reference server fails directly too (pending against it, or
   * extensions it does not implement): the fixture need not pass them.
   */
  referenceFails: ReadonlySet<string>;
  /** Scenarios the reference server passes and our fixture does not yet, and why. */
  fixtureGaps: ReadonlyMap<string, string>;
}

/**
 * Checks that need the server to stream: Gatehouse answers a 2025 agent's call with plain
 * JSON unless something must go out first, which the transport allows, so these checks
 * are not applicable through it (the suite marks them INFO or skips them). They would
 * apply once Gatehouse serves resumable SSE streams to agents (issue 13, not built yet).
 * A FAILURE of any of them still counts as lost.
 */
const STREAM_ONLY_CHECKS: ReadonlySet<string> = new Set([
  'server-sse-polling/server-sse-priming-event',
  'server-sse-polling/server-sse-retry-field',
  'server-sse-polling/server-sse-disconnect-resume',
  'server-sse-multiple-streams/server-sse-streams-functional',
]);

const SUITES: SuiteVersion[] = [
  {
    label: 'latest',
    bin: join(ROOT, 'node_modules', '@modelcontextprotocol', 'conformance', 'dist', 'index.js'),
    args: ['--suite', 'all'],
    referenceFails: new Set(),
    fixtureGaps: new Map(),
  },
  {
    label: 'next',
    bin: join(ROOT, 'node_modules', 'conformance-next', 'dist', 'index.js'),
    args: ['--suite', 'all', '--timeout', '15000'],
    referenceFails: new Set([
      'http-header-validation',
      'http-custom-header-server-validation',
      'tasks-lifecycle',
      'tasks-capability-negotiation',
      'tasks-wire-fields',
      'tasks-request-state-removal',
      'tasks-mrtr-input',
      'tasks-request-headers',
      'tasks-dispatch-and-envelope',
      'tasks-required-task-error',
      'tasks-mrtr-composition',
    ]),
    fixtureGaps: new Map(),
  },
];

/** One scenario's outcome: whether the suite ticked it, and each check's status by id. */
interface Scenario {
  ok: boolean;
  checks: Map<string, string>;
}

function version(bin: string): string {
  return (JSON.parse(readFileSync(join(bin, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
}

async function runSuite(s: SuiteVersion, url: string, scenario?: string): Promise<Map<string, Scenario>> {
  const out = tempDir('gh-conformance-');
  // CONFORMANCE_SCENARIO=name runs one scenario, for debugging.
  const only = scenario ?? process.env.CONFORMANCE_SCENARIO;
  const args = only ? ['--scenario', only, ...s.args.filter((a) => a !== '--suite' && a !== 'all')] : s.args;
  const { stdout } = await run(process.execPath, [s.bin, 'server', '--url', url, ...args, '-o', out], { maxBuffer: 64 * 1024 * 1024 }).catch(
    (e: { stdout?: string }) => ({ stdout: e.stdout ?? '' }),
  );
  const results = new Map<string, Scenario>();
  for (const line of stdout.split('\n')) {
    const m = /^([✓✗]) ([\w-]+): (\d+) passed, (\d+) failed/.exec(line);
    if (m) results.set(m[2]!, { ok: m[1] === '✓', checks: new Map() });
  }
  for (const dir of readdirSync(out)) {
    const m = /^server-(.+)-\d{4}-\d\d-\d\dT/.exec(dir);
    if (!m) continue;
    // A single-scenario run prints no summary line: its checks decide.
    if (only && !results.has(m[1]!)) results.set(m[1]!, { ok: true, checks: new Map() });
    const scenario = results.get(m[1]!);
    if (!scenario) continue;
    let checks: unknown;
    try {
      checks = JSON.parse(readFileSync(join(out, dir, 'checks.json'), 'utf8'));
    } catch {
      continue;
    }
    if (!Array.isArray(checks)) continue;
    for (const c of checks as { id?: unknown; status?: unknown }[]) {
      if (typeof c.id !== 'string' || typeof c.status !== 'string') continue;
      // A check id may repeat within a scenario (one per message, say): the worst status wins.
      const before = scenario.checks.get(c.id);
      scenario.checks.set(c.id, before === undefined || before === 'SUCCESS' ? c.status : before);
      if (only && c.status === 'FAILURE') scenario.ok = false;
    }
  }
  return results;
}

function tally(r: Map<string, Scenario>): string {
  const scenarios = [...r.values()];
  const checks = scenarios.flatMap((s) => [...s.checks.values()]);
  return `${scenarios.filter((s) => s.ok).length}/${scenarios.length} scenarios, ${checks.filter((c) => c === 'SUCCESS').length}/${checks.length} checks`;
}

/**
 * Some checks give the server a fixed window (500 ms to 1.5 s) to stream something; on a
 * loaded machine a path may miss it once. A scenario that lost checks is run once more on
 * that path, and the second run's outcome stands.
 */
async function settle(s: SuiteVersion, url: string, base: Map<string, Scenario>, other: Map<string, Scenario>): Promise<string[]> {
  const first = lost(base, other);
  const again = new Set(first.map((l) => l.split('/')[0]!.split(' ')[0]!));
  for (const name of again) {
    const rerun = await runSuite(s, url, name);
    const r = rerun.get(name);
    if (r) other.set(name, r);
  }
  return lost(base, other);
}

/** Every scenario and check that passes in `base` and not in `other`. */
function lost(base: Map<string, Scenario>, other: Map<string, Scenario>): string[] {
  const out: string[] = [];
  for (const [name, s] of base) {
    const o = other.get(name);
    if (s.ok && !o?.ok) out.push(name);
    for (const [id, status] of s.checks) {
      const there = o?.checks.get(id);
      if (status !== 'SUCCESS' || there === 'SUCCESS') continue;
      if (STREAM_ONLY_CHECKS.has(`${name}/${id}`) && there !== 'FAILURE') continue;
      out.push(`${name}/${id} (${there ?? 'missing'})`);
    }
  }
  return out;
}

/** Every scenario's outcome per path, and each check that is not a success on some path, with its status on each. */
function report(baseline: Map<string, Scenario>, viaHttp: Map<string, Scenario>, viaStdio: Map<string, Scenario>): void {
  const mark = (r: Scenario | undefined) => (r?.ok ? 'pass' : 'FAIL');
  for (const [name, b] of baseline) {
    console.log(`  ${name}: direct ${mark(b)}, http ${mark(viaHttp.get(name))}, stdio ${mark(viaStdio.get(name))}`);
    const ids = new Set([...b.checks.keys(), ...(viaHttp.get(name)?.checks.keys() ?? []), ...(viaStdio.get(name)?.checks.keys() ?? [])]);
    for (const id of ids) {
      const st = [b, viaHttp.get(name), viaStdio.get(name)].map((r) => r?.checks.get(id) ?? 'missing');
      if (st.some((x) => x !== 'SUCCESS')) console.log(`    ${id}: direct ${st[0]}, http ${st[1]}, stdio ${st[2]}`);
    }
  }
}

/**
 * The suite cannot send headers: this loopback proxy adds the agent's bearer token and
 * names the daemon as Host/Origin where the suite named the proxy. A foreign Host (the
 * DNS-rebinding scenario's) goes through untouched, so the daemon still judges it.
 */
async function bearerProxy(target: URL, token: string): Promise<Server> {
  const server = createServer((req, res) => {
    const self = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    const headers = { ...req.headers, authorization: `Bearer ${token}` };
    if (headers.host === self || headers.host === `localhost:${(server.address() as AddressInfo).port}`) headers.host = target.host;
    if (typeof headers.origin === 'string' && headers.origin.endsWith(`//${self}`)) headers.origin = target.origin;
    const up = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    up.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    res.on('close', () => up.destroy());
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

describe('official MCP conformance suite', () => {
  let direct: ChildProcess;
  let directUrl: string;
  const daemons: TestDaemon[] = [];
  const proxies: Server[] = [];
  const through = new Map<'http' | 'stdio', string>();

  async function gatehouse(server: Record<string, unknown>): Promise<string> {
    const bundle = writeBundle({ schemaVersion: 1, name: 'conformance', version: 1, servers: [server], settings: { naming: 'passthrough' } });
    const daemon = await startDaemon({ bundle });
    daemons.push(daemon);
    const proxy = await bearerProxy(new URL(daemon.url), await daemon.agentToken('conformance'));
    proxies.push(proxy);
    return `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/mcp`;
  }

  before(async () => {
    direct = spawn(process.execPath, [join(FIXTURES, 'servers', 'fixture-server.ts'), '--http', '0'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const { port } = await new Promise<{ port: number }>((resolve) => createInterface({ input: direct.stdout! }).once('line', (l) => resolve(JSON.parse(l))));
    directUrl = `http://127.0.0.1:${port}/mcp`;
    // The suite's roots scenarios need the server to see the agent's roots, which a bundle must allow.
    through.set('http', await gatehouse({ id: 'fixture', transport: { type: 'http', url: directUrl }, forwardRoots: true }));
    through.set('stdio', await gatehouse({ ...stdioServer('fixture', 'fixture-server.ts'), forwardRoots: true }));
  });
  after(async () => {
    direct.kill();
    for (const p of proxies) p.close();
    await Promise.all(daemons.map((d) => d.stop()));
  });

  for (const s of SUITES) {
    it(`${s.label} suite (${version(s.bin)}): Gatehouse loses no check the fixture passes directly`, async () => {
      // Three runs of the same suite at once: each is mostly waiting on loopback I/O.
      const [baseline, viaHttp, viaStdio] = await Promise.all([runSuite(s, directUrl), runSuite(s, through.get('http')!), runSuite(s, through.get('stdio')!)]);
      console.log(
        `conformance ${version(s.bin)}: direct ${tally(baseline)}; through Gatehouse, HTTP upstream ${tally(viaHttp)}; stdio upstream ${tally(viaStdio)}`,
      );
      if (process.env.CONFORMANCE_REPORT) report(baseline, viaHttp, viaStdio);
      for (const [name, why] of s.fixtureGaps) console.log(`  not measured yet: ${name}: ${why}`);
      assert.ok(baseline.size >= 30, `the suite ran ${baseline.size} scenarios`);
      const fixtureMisses = [...baseline].filter(([name, r]) => !r.ok && !s.referenceFails.has(name) && !s.fixtureGaps.has(name)).map(([name]) => name);
      const [lostViaHttp, lostViaStdio] = await Promise.all([
        settle(s, through.get('http')!, baseline, viaHttp),
        settle(s, through.get('stdio')!, baseline, viaStdio),
      ]);
      assert.deepEqual({ fixtureMisses, lostViaHttp, lostViaStdio }, { fixtureMisses: [], lostViaHttp: [], lostViaStdio: [] });
    });
  }
});
