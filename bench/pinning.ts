// Pinning and scanner figures, interleaved (bench/interleave.ts). Prints figures, never fails.
//   node bench/pinning.ts [--rounds 5] [--sizes 1000,5000,20000] [--where both|workers|loop] [--only TEXT] [--skip-daemon] [--skip-in-process] [--pace MS]
// In-process: hashing and comparing 2,000 pinned tools; first sight of N new tools
// (hash + scan + pending change, or trust on first use with durable pins) until all
// are judged, on the scan workers and on the event loop, how long evaluate() itself
// blocks, and the longest event-loop stall meanwhile. Through a daemon: calls to another server while one server's N new
// tools are first seen, and how fast SIGTERM is answered in the middle of it.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { parseBundle, type Bundle } from '../shared/bundle/schema.ts';
import { toolHash } from '../shared/pinning/hash.ts';
import { scanTool } from '../shared/scanner/scan.ts';
import { PinGate } from '../gateway/pinning/gate.ts';
import { PinStore } from '../gateway/pinning/store.ts';
import { DAEMON_ENV, DAEMON_NODE_FLAGS } from '../gateway/cli/stdio-bridge.ts';
import { DAEMON_FLAGS, daemonArgv, threadCpuDelta, threadCpuMs } from './harness.ts';
import { load, percentile, runInterleaved, type BenchCase } from './interleave.ts';
import { mcpClient } from './mcp-client.ts';

const { values: opts } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    sizes: { type: 'string', default: '1000,5000,20000' },
    'skip-daemon': { type: 'boolean', default: false },
    'skip-in-process': { type: 'boolean', default: false },
    /** Where first sight runs: workers, loop, or both (interleaved A/B). */
    where: { type: 'string', default: 'both' },
    /** Only the in-process cases whose name contains this text. */
    only: { type: 'string', default: '' },
    /** Milliseconds between the daemon case's calls to the other server: 0 calls back to back (a harsh agent). */
    pace: { type: 'string', default: '0' },
  },
});
const THREADS = opts.where === 'workers' ? [false] : opts.where === 'loop' ? [true] : [false, true];
const ROUNDS = Number(opts.rounds);
const PACE = Number(opts.pace);
const SIZES = opts.sizes
  .split(',')
  .map(Number)
  .filter((n) => n > 0);

const corpusDir = join(import.meta.dirname, '..', '..', 'shared', 'corpus', 'tool-poisoning');
const corpus = ['benign.dev.jsonl', 'poisoned.dev.jsonl'].flatMap((f) =>
  readFileSync(join(corpusDir, f), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { tool: Record<string, unknown> }).tool),
);
/**
 * N realistic tools: the corpus's real definitions (benign and poisoned), renamed, and every description (the tool's
 * and its parameters') made distinct too, so no cache of texts (the scanner's, V8's regexp or string caches) gains from
 * the bench's own copies, which real catalogues would not have: a conservative case.
 */
const toolsOf = (n: number, tag = '') => {
  const g = ++generation;
  return Array.from(
    { length: n },
    (_, i) => distinct({ ...corpus[i % corpus.length]!, name: `tool_${i}${tag}` }, ` (tool ${i}${tag}, g${g})`) as Record<string, unknown>,
  );
};
/** A new mark per call of toolsOf, so no round meets another round's texts either. */
let generation = 0;
function distinct(value: unknown, mark: string): unknown {
  if (Array.isArray(value)) return value.map((v) => distinct(v, mark));
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      k === 'description' && typeof v === 'string' ? v + mark : k === 'enum' || k === 'default' ? v : distinct(v, mark),
    ]),
  );
}

function bundleOf(pins: Record<string, string>, trustOnFirstUse: boolean): Bundle {
  const parsed = parseBundle({
    schemaVersion: 1,
    name: 'bench',
    servers: [{ id: 's', transport: { type: 'stdio', command: 'x' }, pins }],
    settings: { pinning: { trustOnFirstUse } },
  });
  if (!parsed.ok) throw new Error('bad bench bundle');
  return parsed.bundle;
}
/** `onThread`: every tool judged in slices on the event loop, as before the scan workers. */
const gateFor = (bundle: Bundle, store = new PinStore(), onThread = false) =>
  new PinGate({
    store,
    settings: () => bundle.settings,
    exposedName: (s, t) => `${s}__${t}`,
    otherTools: () => [],
    onPending: () => {},
    onDecision: () => {},
    ...(onThread ? { offThread: false as const } : {}),
  });

// ---- in-process -------------------------------------------------------------------

const pinned = toolsOf(2000);
const pinnedBundle = bundleOf(Object.fromEntries(pinned.map((t) => [t.name, toolHash(t)])), false);
const warmGate = gateFor(pinnedBundle);
warmGate.evaluate(pinnedBundle.servers[0]!, pinned);
const changed = pinned.map((t, i) => (i % 10 === 0 ? { ...t, description: `${String((t as { description?: unknown }).description)} (v2)` } : t));

async function judge(bundle: Bundle, tools: Record<string, unknown>[], store: PinStore, onThread = false): Promise<Record<string, number>> {
  const gate = gateFor(bundle, store, onThread);
  const stalls = monitorEventLoopDelay({ resolution: 1 });
  stalls.enable();
  const t0 = performance.now();
  gate.evaluate(bundle.servers[0]!, tools);
  const blocked = performance.now() - t0;
  await gate.judged('s');
  const total = performance.now() - t0;
  stalls.disable();
  return { 'all judged, ms': total, 'evaluate() blocked, ms': blocked, 'longest event-loop stall, ms': stalls.max / 1e6 };
}

const cases: BenchCase[] = [
  {
    name: '2,000 tools, all pinned, first sight (canonicalize + hash + compare)',
    round: async () =>
      judge(
        pinnedBundle,
        pinned.map((t) => structuredClone(t)),
        new PinStore(),
      ),
  },
  {
    name: '2,000 tools, all pinned, a refresh that changed nothing',
    round: () => {
      const list = pinned.map((t) => structuredClone(t));
      const t0 = performance.now();
      warmGate.evaluate(pinnedBundle.servers[0]!, list);
      return { 'evaluate(), ms': performance.now() - t0 };
    },
  },
  {
    name: '2,000 tools, 10% changed, first sight (+ scan + diff of the changed)',
    round: async () =>
      judge(
        pinnedBundle,
        changed.map((t) => structuredClone(t)),
        new PinStore(),
      ),
  },
];
const dirs: string[] = [];
for (const n of SIZES) {
  const label = n.toLocaleString('en');
  for (const onThread of THREADS) {
    const where = onThread ? 'on the event loop' : 'on scan workers';
    cases.push({
      name: `first sight of ${label} new tools, held for review, ${where}`,
      round: () => judge(bundleOf({}, false), toolsOf(n), new PinStore(), onThread),
    });
    cases.push({
      name: `first sight of ${label} new tools, trust on first use (pins.journal on disk), ${where}`,
      round: async () => {
        const dir = mkdtempSync(join(tmpdir(), 'gh-bench-pins-'));
        dirs.push(dir);
        return judge(bundleOf({}, true), toolsOf(n), new PinStore(dir), onThread);
      },
    });
  }
}
cases.push({
  name: `scan one tool (dev corpus, ${corpus.length} tools)`,
  round: () => {
    const s: number[] = [];
    for (const t of corpus) {
      const t0 = performance.now();
      scanTool(t);
      s.push(performance.now() - t0);
    }
    return { 'p50, ms': percentile(s, 50), 'p99, ms': percentile(s, 99) };
  },
});

const chosen = cases.filter((c) => c.name.includes(opts.only));
if (!opts['skip-in-process']) await runInterleaved('Pinning and scanner (in-process)', chosen, ROUNDS, 2);
for (const d of dirs) rmSync(d, { recursive: true, force: true });

// ---- through a daemon: other servers' calls and SIGTERM during first sight ------------------

if (!opts['skip-daemon']) await daemonCase(Math.max(...SIZES));

async function daemonCase(n: number): Promise<void> {
  const root = join(import.meta.dirname, '..');
  const dir = mkdtempSync(join(tmpdir(), 'gh-bench-first-sight-'));
  const bundle = join(dir, 'bundle.json');
  const server = (id: string, args: string[]) => ({ id, transport: { type: 'stdio', command: process.execPath, args } });
  writeFileSync(
    bundle,
    JSON.stringify({
      schemaVersion: 1,
      name: 'first-sight',
      policies: { rules: [{ id: 'allow-all', effect: 'allow' }] },
      settings: { pinning: { trustOnFirstUse: true } },
      servers: [
        server('fx', [join(root, 'test', 'fixtures', 'servers', 'fixture-server.ts')]),
        server('big', [join(root, 'bench', 'list-server.ts'), '1', '--grow', String(n)]),
      ],
    }),
  );
  const results: string[] = [];
  const cpuByThread: string[] = [];
  for (let round = 0; round < Math.min(ROUNDS, 3); round++) {
    rmSync(join(dir, 'pins.json'), { force: true });
    rmSync(join(dir, 'pins.journal'), { force: true });
    const daemon = spawn(
      process.execPath,
      // As the CLI and the desktop app start it: their Node flags and environment.
      [...DAEMON_NODE_FLAGS, ...DAEMON_FLAGS, ...daemonArgv(join(root, 'bin', 'gatehouse.js'), dir, bundle)],
      { stdio: ['ignore', 'pipe', process.env.BENCH_DAEMON_STDERR ? 'inherit' : 'ignore'], env: { ...DAEMON_ENV, ...process.env } },
    );
    try {
      const ready = await new Promise<{ port: number; controlToken: string }>((resolve, reject) => {
        daemon.once('exit', (c) => reject(new Error(`daemon exited ${c}`)));
        // The ready line; anything else on stdout (BENCH_DAEMON_FLAGS=--trace-gc) is echoed to stderr.
        createInterface({ input: daemon.stdout! }).on('line', (l) => {
          const at = l.indexOf('{"event":"ready"');
          if (at >= 0) resolve(JSON.parse(l.slice(at)) as { port: number; controlToken: string });
          else process.stderr.write(`${l}\n`);
        });
      });
      const base = `http://127.0.0.1:${ready.port}`;
      const control = { authorization: `Bearer ${ready.controlToken}`, 'content-type': 'application/json' };
      const { token } = (await (
        await fetch(`${base}/api/v1/tokens`, { method: 'POST', headers: control, body: JSON.stringify({ agent: 'bench' }) })
      ).json()) as { token: string };
      const mcp = mcpClient(`${base}/mcp`, token);
      await mcp.rpc('initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'bench', version: '1' } });
      for (;;) {
        const s = (await (await fetch(`${base}/api/v1/servers`, { headers: control })).json()) as { servers: { state: string }[] };
        if (s.servers.every((x) => x.state === 'ready')) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      for (let i = 0; i < 200; i++) await mcp.rpc('tools/call', { name: 'fx__echo', arguments: { message: 'warm' } });
      // The big server now offers n new tools and says so; the gateway judges them while we call fx.
      const cpu0 = threadCpuMs(daemon.pid!);
      const t0 = performance.now();
      await mcp.rpc('tools/call', { name: 'big__grow', arguments: {} });
      const waits: number[] = [];
      let listed = 0;
      // An agent listing every 250 ms, on another thread (see list-poller.ts).
      const lister = new Worker(join(import.meta.dirname, 'list-poller.ts'), { workerData: { url: `${base}/mcp`, token } });
      lister.on('message', (count: number) => (listed = count));
      let firstSight = 0;
      try {
        while (listed < n) {
          const c0 = performance.now();
          await mcp.rpc('tools/call', { name: 'fx__echo', arguments: { message: 'hi' } });
          waits.push(performance.now() - c0);
          if (PACE) await new Promise((r) => setTimeout(r, PACE));
          if (performance.now() - t0 > 600_000) break;
        }
        firstSight = performance.now() - t0;
        cpuByThread.push(`round ${round + 1}: ${threadCpuDelta(cpu0, threadCpuMs(daemon.pid!))}`);
      } finally {
        await lister.terminate();
      }
      // SIGTERM in the middle of the next first sight.
      await mcp.rpc('tools/call', { name: 'big__grow', arguments: {} });
      await new Promise((r) => setTimeout(r, 100));
      const s0 = performance.now();
      const exited = new Promise<void>((r) => daemon.once('exit', () => r()));
      daemon.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
      const term = performance.now() - s0;
      results.push(
        `| ${round + 1} | ${(firstSight / 1000).toFixed(2)} s | ${waits.length} | ${percentile(waits, 50).toFixed(2)} | ${percentile(waits, 99).toFixed(2)} | ${Math.max(...waits).toFixed(1)} | ${term.toFixed(0)} ms |`,
      );
      process.stderr.write('.');
    } finally {
      try {
        process.kill(daemon.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  }
  console.log(`\nCalls to another server during first sight of ${n.toLocaleString('en')} new tools (daemon, trust on first use, HTTP)`);
  console.log(`after: ${load()}\n`);
  console.log('| round | all listed after | fx__echo calls meanwhile | p50 ms | p99 ms | max ms | SIGTERM to exit, mid first sight |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of results) console.log(r);
  console.log("\nThe daemon's CPU during each first sight, by thread (from /proc):");
  for (const r of cpuByThread) console.log(`- ${r}`);
  rmSync(dir, { recursive: true, force: true });
}
