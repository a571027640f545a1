// Gatehouse benchmarks: prints figures, never passes or fails.
//   node bench/run.ts [--calls 2000] [--rounds 5] [--skip-peers]
// Every group runs interleaved (bench/interleave.ts): its cases alternate in rounds,
// each round a share of the calls, and each figure is the median over rounds with
// its spread. Latency: sequential echo calls, direct vs through Gatehouse vs peers
// (supergateway, mcp-proxy, mcp-hub), with the MCP SDK's client and a lean raw HTTP
// client. Throughput with 32 concurrent HTTP clients. Idle memory. The big
// tools/list figures are bench/list.ts.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client, SSEClientTransport, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { ALLOW_ALL, CLI, DAEMON_FLAGS, daemon, firstLine, FIXTURE, freePort, memoryMb, portOpen, RawClient, ROOT, start, stopAll, TOFU } from './harness.ts';
import { runInterleaved, timeCalls, type BenchCase, type Summary } from './interleave.ts';

const PEERS = join(ROOT, 'bench', 'peers');
const { values: opts } = parseArgs({
  options: {
    calls: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '5' },
    'skip-peers': { type: 'boolean', default: false },
    /** Comma-separated groups to run (stdio, http, throughput, memory); all when absent. */
    only: { type: 'string' },
  },
});
const ROUNDS = Number(opts.rounds);
const PER_ROUND = Math.ceil(Number(opts.calls) / ROUNDS);
const WARMUP = 300;
const fixtureBundle = {
  schemaVersion: 1,
  name: 'bench',
  policies: ALLOW_ALL,
  servers: [{ id: 'fx', transport: { type: 'stdio', command: process.execPath, args: [FIXTURE] } }],
  settings: TOFU,
};

/** A latency case: warm up once, then PER_ROUND sequential calls per round. */
function latency(name: string, connect: () => Promise<() => Promise<unknown>>, close?: () => Promise<void> | void): BenchCase {
  let call: () => Promise<unknown>;
  return {
    name,
    setup: async () => {
      call = await connect();
      for (let i = 0; i < WARMUP; i++) await call();
    },
    round: () => timeCalls(call, PER_ROUND),
    teardown: close,
  };
}

async function stdioClient(command: string, args: string[]): Promise<Client> {
  const c = new Client({ name: 'bench', version: '1' });
  await c.connect(new StdioClientTransport({ command, args }));
  return c;
}

async function sdkHttp(url: string, token?: string, legacySse = false): Promise<Client> {
  const c = new Client({ name: 'bench', version: '1' });
  const requestInit = { headers: token ? { authorization: `Bearer ${token}` } : {} };
  await c.connect(legacySse ? new SSEClientTransport(new URL(url), { requestInit }) : new StreamableHTTPClientTransport(new URL(url), { requestInit }));
  return c;
}

async function echoName(c: Client): Promise<string> {
  const { tools } = await c.listTools();
  const t = tools.find((x) => x.name === 'echo' || x.name.endsWith('echo'));
  if (!t) throw new Error(`no echo tool in ${tools.map((x) => x.name).join(',')}`);
  return t.name;
}

const median = (r: Map<string, Map<string, Summary>>, name: string, figure: string) => r.get(name)?.get(figure)?.median;
const ratio = (a: number | undefined, b: number | undefined) => (a && b ? `${(a / b).toFixed(2)}×` : 'n/a');

// ---- stdio ------------------------------------------------------------------------

async function stdioGroup(): Promise<void> {
  const gh = await daemon(fixtureBundle);
  const clients: Client[] = [];
  const via = (args: string[], tool: string) => async () => {
    const c = await stdioClient(process.execPath, args);
    clients.push(c);
    return () => c.callTool({ name: tool, arguments: { message: 'hi' } });
  };
  const cases = [
    latency('stdio: direct', via([FIXTURE], 'echo')),
    latency('stdio: Gatehouse (bridge + daemon)', via([CLI, 'stdio', '--agent', 'bench', '--data-dir', gh.dataDir, '--no-start'], 'fx__echo')),
    latency(
      'stdio: Gatehouse --standalone (no bridge)',
      via([...DAEMON_FLAGS, CLI, 'stdio', '--standalone', '--bundle', join(gh.dataDir, 'bundle.json'), '--data-dir', gh.dataDir], 'fx__echo'),
    ),
  ];
  const r = await runInterleaved('stdio latency (SDK client, echo)', cases, ROUNDS, 3);
  const direct = median(r, cases[0]!.name, 'p50 ms');
  const bridge = median(r, cases[1]!.name, 'p50 ms');
  const standalone = median(r, cases[2]!.name, 'p50 ms');
  if (direct !== undefined && bridge !== undefined && standalone !== undefined) {
    console.log(`\nadded p50 over direct: bridge + daemon ${(bridge - direct).toFixed(3)} ms, --standalone ${(standalone - direct).toFixed(3)} ms`);
  }
  await Promise.all(clients.map((c) => c.close()));
}

// ---- HTTP -------------------------------------------------------------------------

/** An endpoint that answers at once (bench/floor-server.ts): the client's own cost, below which no proxy can go. */
const FLOOR = 'HTTP: floor (answers at once, no upstream)';

interface HttpTarget {
  label: string;
  url: string;
  headers: Record<string, string>;
  token?: string;
  legacySse?: boolean;
}

async function httpTargets(skipPeers: boolean): Promise<HttpTarget[]> {
  const targets: HttpTarget[] = [];
  const fx = start(process.execPath, [FIXTURE, '--http', '0']);
  const { port } = (await firstLine(fx)) as { port: number };
  targets.push({ label: 'HTTP: direct', url: `http://127.0.0.1:${port}/mcp`, headers: {} });
  const floor = start(process.execPath, [join(ROOT, 'bench', 'floor-server.ts')]);
  const floorPort = ((await firstLine(floor)) as { port: number }).port;
  targets.push({ label: FLOOR, url: `http://127.0.0.1:${floorPort}/mcp`, headers: {} });
  const gh = await daemon(fixtureBundle);
  targets.push({ label: 'HTTP: Gatehouse', url: gh.url, headers: { authorization: `Bearer ${gh.token}` }, token: gh.token });
  if (skipPeers) return targets;
  if (!existsSync(join(PEERS, 'node_modules'))) {
    console.error('installing peers into bench/peers (npm install)');
    execFileSync('npm', ['install', '--loglevel=error', '--no-audit', '--no-fund'], { cwd: PEERS, stdio: 'inherit' });
  }
  const bin = (n: string) => join(PEERS, 'node_modules', '.bin', n);
  const sg = freePort();
  start(bin('supergateway'), [
    '--stdio',
    `${process.execPath} ${FIXTURE}`,
    '--outputTransport',
    'streamableHttp',
    '--stateful',
    '--port',
    String(sg),
    '--logLevel',
    'none',
  ]);
  const mp = freePort();
  start(bin('mcp-proxy'), ['--port', String(mp), '--host', '127.0.0.1', '--', process.execPath, FIXTURE]);
  const mh = freePort();
  const cfg = join(mkdtempSync(join(tmpdir(), 'gh-hub-')), 'hub.json');
  writeFileSync(cfg, JSON.stringify({ mcpServers: { fx: { command: process.execPath, args: [FIXTURE] } } }));
  start(bin('mcp-hub'), ['--port', String(mh), '--config', cfg]);
  await Promise.all([portOpen(sg), portOpen(mp), portOpen(mh)]);
  await new Promise((r) => setTimeout(r, 3000)); // mcp-hub connects its servers after listening
  targets.push({ label: 'HTTP: supergateway 4.0.0', url: `http://127.0.0.1:${sg}/mcp`, headers: {} });
  targets.push({ label: 'HTTP: mcp-proxy 6.7.19', url: `http://127.0.0.1:${mp}/mcp`, headers: {} });
  // mcp-hub speaks only the legacy HTTP+SSE transport (GET /mcp, POST /messages).
  targets.push({ label: 'HTTP+SSE (legacy): mcp-hub 4.2.1', url: `http://127.0.0.1:${mh}/mcp`, headers: {}, legacySse: true });
  return targets;
}

async function httpGroup(targets: HttpTarget[]): Promise<void> {
  const closers: (() => Promise<void> | void)[] = [];
  const cases: BenchCase[] = [];
  for (const t of targets) {
    cases.push(
      latency(`${t.label} (SDK client)`, async () => {
        const c = await sdkHttp(t.url, t.token, t.legacySse);
        closers.push(() => c.close());
        const name = await echoName(c);
        return () => c.callTool({ name, arguments: { message: 'hi' } });
      }),
    );
    if (t.legacySse) continue;
    cases.push(
      latency(`${t.label} (raw keep-alive client)`, async () => {
        const raw = new RawClient(t.url, t.headers);
        closers.push(() => raw.close());
        await raw.init();
        const name = t.label === 'HTTP: Gatehouse' ? 'fx__echo' : 'echo';
        return () => raw.call('tools/call', { name, arguments: { message: 'hi' } });
      }),
    );
  }
  const r = await runInterleaved('HTTP latency (echo)', cases, ROUNDS, 3);
  const peers = targets.filter((t) => !['HTTP: direct', 'HTTP: Gatehouse', FLOOR].includes(t.label));
  for (const client of ['SDK client', 'raw keep-alive client']) {
    const ours = median(r, `HTTP: Gatehouse (${client})`, 'p50 ms');
    const floor = median(r, `${FLOOR} (${client})`, 'p50 ms');
    const best = Math.min(...peers.map((p) => median(r, `${p.label} (${client})`, 'p50 ms') ?? Infinity));
    if (Number.isFinite(best))
      console.log(
        `${client}: best peer p50 / Gatehouse p50 = ${ratio(best, ours)}; the most any proxy could reach (best peer / floor) = ${ratio(best, floor)}`,
      );
  }
  await Promise.all(closers.map((c) => c()));
}

/** Calls/s with 32 concurrent raw clients, interleaved between Gatehouse and the peers. */
async function throughputGroup(targets: HttpTarget[], clients = 32, seconds = 3): Promise<void> {
  const cases: BenchCase[] = targets
    .filter((t) => !t.legacySse)
    .map((t) => {
      let raws: RawClient[] = [];
      const name = t.label === 'HTTP: Gatehouse' ? 'fx__echo' : 'echo';
      return {
        name: `${t.label}, ${clients} raw clients, ${seconds} s`,
        setup: async () => {
          raws = await Promise.all(
            Array.from({ length: clients }, async () => {
              const r = new RawClient(t.url, t.headers);
              await r.init();
              return r;
            }),
          );
        },
        round: async () => {
          let done = 0;
          const until = performance.now() + seconds * 1000;
          await Promise.all(
            raws.map(async (r) => {
              while (performance.now() < until) {
                await r.call('tools/call', { name, arguments: { message: 'x' } });
                done++;
              }
            }),
          );
          return { 'calls/s': done / seconds };
        },
        teardown: () => raws.forEach((r) => r.close()),
      };
    });
  await runInterleaved('Throughput (echo)', cases, Math.min(ROUNDS, 3), 0);
}

async function idleMemory(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gh-bench-mem-'));
  const p = start(process.execPath, [...DAEMON_FLAGS, CLI, 'daemon', '--data-dir', dir, '--port', '0']);
  await firstLine(p);
  await new Promise((r) => setTimeout(r, 15_000));
  const m = memoryMb(p.pid!);
  const form = existsSync(join(ROOT, 'dist', '.build-stamp')) ? 'compiled dist/' : 'TypeScript sources';
  console.log(`\nIdle daemon RSS (demo bundle, ${form}): ${m.rss.toFixed(0)} MB (anon ${m.anon.toFixed(0)} MB, file-backed ${m.file.toFixed(0)} MB)`);
}

console.log(`Gatehouse benchmark — ${new Date().toISOString()} — ${opts.calls} calls per case over ${ROUNDS} rounds, after ${WARMUP} warm-up calls`);
const wanted = (group: string) => opts.only === undefined || opts.only.split(',').includes(group);
try {
  if (wanted('stdio')) await stdioGroup();
  if (wanted('http') || wanted('throughput')) {
    const targets = await httpTargets(opts['skip-peers']);
    if (wanted('http')) await httpGroup(targets);
    if (wanted('throughput')) await throughputGroup(targets);
  }
  if (wanted('memory')) await idleMemory();
} finally {
  stopAll();
}
process.exit(0);
