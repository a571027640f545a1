// What the stdio bridge costs, against the floor of any bridge: sequential echo calls with the
// MCP SDK's stdio client, interleaved (bench/interleave.ts): straight to the fixture server;
// through `gatehouse stdio` (the bridge and a daemon); through a bare relay to the same daemon
// (a hello line, then stdin.pipe(socket) and socket.pipe(stdout), nothing looked at); and
// `--standalone`; and a bare relay process in front of the server itself, the floor of any
// proxy (of `--standalone` in particular). --base DIR adds another checkout's bridge (with its own daemon) and
// standalone in the same rounds.
//   node bench/stdio-hop.ts [--calls 4000] [--rounds 8] [--base DIR]
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { ALLOW_ALL, CLI, daemon, DAEMON_FLAGS, FIXTURE, stopAll, TOFU } from './harness.ts';
import { runInterleaved, timeCalls, type BenchCase } from './interleave.ts';

const { values: opts } = parseArgs({
  options: { base: { type: 'string' }, calls: { type: 'string', default: '4000' }, rounds: { type: 'string', default: '8' } },
});
const ROUNDS = Number(opts.rounds);
const PER_ROUND = Math.ceil(Number(opts.calls) / ROUNDS);
const bundle = {
  schemaVersion: 1,
  name: 'bench',
  policies: ALLOW_ALL,
  servers: [{ id: 'fx', transport: { type: 'stdio', command: process.execPath, args: [FIXTURE] } }],
  settings: TOFU,
};

const RELAY = `import { connect } from 'node:net';
const [path, agent] = process.argv.slice(1);
const s = connect(path, () => {
  s.write(JSON.stringify({ gatehouse: 1, agent }) + '\\n');
  process.stdin.pipe(s);
  s.pipe(process.stdout);
});
process.stdin.on('end', () => s.end());
s.on('close', () => process.exit(0));`;

// The floor of any proxy process in front of a stdio server: one more process that reads and
// writes every byte each way, and looks at none of them.
const PROXY = `import { spawn } from 'node:child_process';
const c = spawn(process.execPath, [process.argv[1]], { stdio: ['pipe', 'pipe', 'inherit'] });
process.stdin.pipe(c.stdin);
c.stdout.pipe(process.stdout);
process.stdin.on('end', () => c.stdin.end());
c.on('exit', () => process.exit(0));`;

function latency(name: string, args: string[], tool: string): BenchCase {
  let c: Client;
  const call = () => c.callTool({ name: tool, arguments: { message: 'hi' } });
  return {
    name,
    setup: async () => {
      c = new Client({ name: 'bench', version: '1' });
      await c.connect(new StdioClientTransport({ command: process.execPath, args }));
      for (let i = 0; i < 300; i++) await call();
    },
    round: () => timeCalls(call, PER_ROUND),
    teardown: () => c.close(),
  };
}

const trees: [string, string][] = [['this tree', CLI]];
if (opts.base) trees.push(['base', join(resolve(opts.base), 'bin', 'gatehouse.js')]);
const cases = [
  latency('direct', [FIXTURE], 'echo'),
  latency('bare process relay to the server (the floor of any proxy)', ['--input-type=module', '-e', PROXY, FIXTURE], 'echo'),
];
for (const [label, cli] of trees) {
  const gh = await daemon(bundle, cli);
  cases.push(latency(`${label}: bridge + daemon`, [cli, 'stdio', '--agent', 'bench', '--data-dir', gh.dataDir, '--no-start'], 'fx__echo'));
  if (label === 'this tree')
    cases.push(
      latency(`${label}: bare relay + daemon (the floor)`, ['--input-type=module', '-e', RELAY, join(gh.dataDir, 'gatehouse.sock'), 'bench'], 'fx__echo'),
    );
  cases.push(
    latency(
      `${label}: --standalone`,
      [...DAEMON_FLAGS, cli, 'stdio', '--standalone', '--bundle', join(gh.dataDir, 'bundle.json'), '--data-dir', gh.dataDir],
      'fx__echo',
    ),
  );
}
try {
  const r = await runInterleaved('stdio hop (SDK client, echo)', cases, ROUNDS, 3);
  const p50 = (name: string) => r.get(name)?.get('p50 ms')?.median ?? NaN;
  console.log('');
  for (const c of cases.slice(1)) console.log(`${c.name}: adds ${(p50(c.name) - p50('direct')).toFixed(3)} ms p50 over direct`);
} finally {
  stopAll();
}
process.exit(0);
