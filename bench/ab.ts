// A/B of two checkouts of Gatehouse on the same machine in one run: is a change a
// regression? Prints figures, never fails.
//   git worktree add /tmp/base <commit> && ln -s "$PWD/node_modules" /tmp/base/node_modules
//   node bench/ab.ts --base /tmp/base [--calls 3000] [--rounds 6]
// To weigh a Node flag on one tree: --base . --head-flags=--max-opt=2 (comma-separated;
// each side's daemon gets --max-semi-space-size=1 plus its own flags; NAME=value sets its
// environment, e.g. --head-flags=MALLOC_ARENA_MAX=2).
// Each side runs its own daemon (its own sources, its own fixture server); the cases
// alternate in rounds (bench/interleave.ts): echo latency over HTTP (lean raw client and
// the MCP SDK client), through the stdio bridge, and calls/s with 32 HTTP clients.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { ALLOW_ALL, daemonArgv, firstLine, RawClient, ROOT, start, statCpuMs, stopAll, TOFU, variantWords } from './harness.ts';
import { runInterleaved, timeCalls, type BenchCase } from './interleave.ts';

const { values: opts } = parseArgs({
  options: {
    base: { type: 'string' },
    'base-flags': { type: 'string', default: '' },
    'head-flags': { type: 'string', default: '' },
    calls: { type: 'string', default: '3000' },
    rounds: { type: 'string', default: '6' },
  },
});
if (!opts.base) {
  process.stderr.write('usage: node bench/ab.ts --base DIR (a checkout of the commit to compare against)\n');
  process.exit(2);
}
const ROUNDS = Number(opts.rounds);
const PER_ROUND = Math.ceil(Number(opts.calls) / ROUNDS);
const sides = { base: resolve(opts.base), head: ROOT };

interface Side {
  name: string;
  root: string;
  /** The daemon's pid: its CPU time per call is read from /proc, which load barely moves. */
  pid: number;
  url: string;
  token: string;
  dataDir: string;
}

const flagsOf = (list: string | undefined) => (list ?? '').split(',').filter((f) => f !== '');

async function daemonOf(name: string, root: string, words: string[]): Promise<Side> {
  const { env, flags } = variantWords(words);
  const dir = mkdtempSync(join(tmpdir(), `gh-ab-${name}-`));
  const bundle = {
    schemaVersion: 1,
    name: 'ab',
    policies: ALLOW_ALL,
    servers: [{ id: 'fx', transport: { type: 'stdio', command: process.execPath, args: [join(root, 'test', 'fixtures', 'servers', 'fixture-server.ts')] } }],
    settings: TOFU,
  };
  writeFileSync(join(dir, 'bundle.json'), JSON.stringify(bundle));
  const p = start(
    process.execPath,
    ['--max-semi-space-size=1', ...flags, ...daemonArgv(join(root, 'bin', 'gatehouse.js'), dir, join(dir, 'bundle.json'))],
    env,
  );
  const ready = (await firstLine(p)) as { port: number; controlToken: string };
  const base = `http://127.0.0.1:${ready.port}`;
  const auth = { authorization: `Bearer ${ready.controlToken}`, 'content-type': 'application/json' };
  const { token } = (await (await fetch(`${base}/api/v1/tokens`, { method: 'POST', headers: auth, body: JSON.stringify({ agent: 'ab' }) })).json()) as {
    token: string;
  };
  for (;;) {
    const s = (await (await fetch(`${base}/api/v1/servers`, { headers: auth })).json()) as { servers: { state: string }[] };
    if (s.servers.every((x) => x.state === 'ready')) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { name, root, pid: p.pid!, url: `${base}/mcp`, token, dataDir: dir };
}

/** CPU time (user + system) a process has used, in milliseconds, from /proc/PID/stat. */
const cpuMs = (pid: number): number => statCpuMs(readFileSync(`/proc/${pid}/stat`, 'utf8'));

/** Each latency case's first connection and first call after the daemon's start (one sample per side and run), where lazy loading would show. */
const firstCalls: string[] = [];

function latency(name: string, pid: number, connect: () => Promise<{ call: () => Promise<unknown>; close: () => Promise<void> | void }>): BenchCase {
  let c: { call: () => Promise<unknown>; close: () => Promise<void> | void };
  return {
    name,
    setup: async () => {
      const t0 = performance.now();
      c = await connect();
      const t1 = performance.now();
      await c.call();
      firstCalls.push(`| ${name} | ${(t1 - t0).toFixed(1)} | ${(performance.now() - t1).toFixed(1)} |`);
      for (let i = 0; i < 300; i++) await c.call();
    },
    round: async () => {
      const cpu = cpuMs(pid);
      const figures = await timeCalls(() => c.call(), PER_ROUND);
      return { ...figures, 'daemon CPU µs/call': ((cpuMs(pid) - cpu) * 1000) / PER_ROUND };
    },
    teardown: () => c.close(),
  };
}

const raw = (s: Side) =>
  latency(`${s.name}: HTTP raw`, s.pid, async () => {
    const r = new RawClient(s.url, { authorization: `Bearer ${s.token}` });
    await r.init();
    return { call: () => r.call('tools/call', { name: 'fx__echo', arguments: { text: 'hi' } }, false), close: () => r.close() };
  });

const sdk = (s: Side) =>
  latency(`${s.name}: HTTP SDK`, s.pid, async () => {
    const client = new Client({ name: 'ab', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(s.url), { requestInit: { headers: { authorization: `Bearer ${s.token}` } } }));
    return { call: () => client.callTool({ name: 'fx__echo', arguments: { text: 'hi' } }), close: () => client.close() };
  });

const bridge = (s: Side) =>
  latency(`${s.name}: stdio bridge`, s.pid, async () => {
    const client = new Client({ name: 'ab', version: '1' });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [join(s.root, 'bin', 'gatehouse.js'), 'stdio', '--no-start', '--agent', 'ab', '--data-dir', s.dataDir],
      }),
    );
    return { call: () => client.callTool({ name: 'fx__echo', arguments: { text: 'hi' } }), close: () => client.close() };
  });

function throughput(s: Side): BenchCase {
  const clients: RawClient[] = [];
  return {
    name: `${s.name}: 32 HTTP clients`,
    setup: async () => {
      for (let i = 0; i < 32; i++) {
        const r = new RawClient(s.url, { authorization: `Bearer ${s.token}` });
        await r.init();
        clients.push(r);
      }
    },
    round: async () => {
      let done = 0;
      const until = performance.now() + 2000;
      await Promise.all(
        clients.map(async (r) => {
          while (performance.now() < until) {
            await r.call('tools/call', { name: 'fx__echo', arguments: { text: 'hi' } }, false);
            done++;
          }
        }),
      );
      return { 'calls/s': done / 2 };
    },
    teardown: () => {
      for (const r of clients) r.close();
    },
  };
}

try {
  const base = await daemonOf('base', sides.base, flagsOf(opts['base-flags']));
  const head = await daemonOf('head', sides.head, flagsOf(opts['head-flags']));
  process.stdout.write(`A/B: base ${sides.base} vs head ${sides.head}\n\n`);
  await runInterleaved('Echo latency, interleaved', [raw(base), raw(head), sdk(base), sdk(head), bridge(base), bridge(head)], ROUNDS, 3);
  console.log(`\nFirst use after start (ms, one sample each)\n\n| case | connect | first call |\n|---|---|---|\n${firstCalls.join('\n')}\n`);
  await runInterleaved('Throughput, interleaved', [throughput(base), throughput(head)], ROUNDS, 0);
} finally {
  stopAll();
}
