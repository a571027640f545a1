// Start cost of a sandboxed stdio server: spawn until the server answers
// `initialize`, p50 over 20 starts each, unsandboxed vs bubblewrap with no network
// vs bubblewrap with an allow-list (egress proxy + the in-sandbox bridge: in the
// server's own process, the default for a server on the daemon's Node; socat, for other
// servers; the Node forwarder, where there is no socat). The variants are interleaved
// (one start of each per round, bench/interleave.ts), so a change in the machine's load
// hits them all alike; each start also gives `spawned` (the launcher's preparation and
// the spawn: policy, host facts, proxy) apart from the rest (sandbox setup, bridge,
// server boot), and a few tools/call round trips, to show the sandbox costs nothing per
// call. Then the bridge alone: `true` unsandboxed, in bubblewrap directly, behind socat,
// behind the Node forwarder, and `node -e ''` unsandboxed, in bubblewrap, and with the
// in-process bridge (no server boot in these figures, so what the sandbox and each bridge
// add stand out).
//   node bench/sandbox.ts [--starts 20]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseBundle } from '../shared/bundle/schema.ts';
import type { JsonRpcMessage } from '../shared/jsonrpc/message.ts';
import { bwrapArgs } from '../gateway/sandbox/bwrap.ts';
import { bridgeEnv, egressBridge, forceEgressBridge, forwarderFile, preloadFile, type EgressBridge } from '../gateway/sandbox/egress-bridge.ts';
import { hostLayout } from '../gateway/sandbox/host.ts';
import { resolveSandbox } from '../gateway/sandbox/policy.ts';
import { sandboxSupport } from '../gateway/sandbox/probe.ts';
import { createChannel } from '../gateway/upstream/launch.ts';
import { RotatingLog } from '../gateway/upstream/stderr-log.ts';
import { ROOT } from './harness.ts';
import { runInterleaved, type BenchCase, type Summary } from './interleave.ts';

const { values } = parseArgs({ options: { starts: { type: 'string', default: '20' } } });
const STARTS = Number(values.starts);
const CALLS = 10;
const script = join(ROOT, 'test', 'fixtures', 'servers', 'escape-server.ts');
const work = mkdtempSync(join(tmpdir(), 'gh-bench-sandbox-'));
const fixtures = join(ROOT, 'test', 'fixtures', 'servers');
const allowList = { read: [fixtures], network: { allow: ['example.com:443'] } };

const variants: Array<{ label: string; sandbox: unknown; bridge?: EgressBridge['kind'] }> = [
  { label: 'unsandboxed', sandbox: 'off' },
  { label: 'network none', sandbox: { read: [fixtures], network: 'none' } },
  { label: 'allow-list, in-process bridge', sandbox: allowList, bridge: 'in-process' },
  { label: 'allow-list, socat', sandbox: allowList, bridge: 'socat' },
  { label: 'allow-list, Node forwarder', sandbox: allowList, bridge: 'node' },
];

const support = sandboxSupport();
if (support.mechanism !== 'bubblewrap') console.log(`no bubblewrap here (${support.reason}); only the unsandboxed figures are measured`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
/** Each variant's start times by round, for the per-round difference against the unsandboxed start of the same round. */
const startsByRound = new Map<string, number[]>();

/** One start: until start() resolves (prepared and spawned), until `initialize` is answered, then tools/call round trips. */
function startCase(v: (typeof variants)[number], index: number): BenchCase {
  const parsed = parseBundle({
    schemaVersion: 1,
    name: 'bench',
    servers: [{ id: 's', transport: { type: 'stdio', command: process.execPath, args: [script] }, sandbox: v.sandbox }],
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const server = parsed.bundle.servers[0]!;
  let round = 0;
  return {
    name: v.label,
    round: async () => {
      forceEgressBridge(v.bridge);
      const log = new RotatingLog(join(work, `${index}-${round++}.log`));
      const ch = createChannel(server, { settings: parsed.bundle.settings, vars: { dataDir: work, bundleDir: work }, env: process.env, log });
      let waiting: ((m: JsonRpcMessage) => void) | undefined;
      ch.onmessage = (m) => waiting?.(m);
      const ask = (id: number, method: string, params: Record<string, unknown>) =>
        new Promise<JsonRpcMessage>((resolve) => {
          waiting = resolve;
          ch.send({ jsonrpc: '2.0', id, method, params } as JsonRpcMessage);
        });
      const t = performance.now();
      await ch.start();
      const spawned = performance.now() - t;
      await ask(1, 'initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench', version: '1' } });
      const start = performance.now() - t;
      const calls: number[] = [];
      for (let c = 0; c < CALLS; c++) {
        const tc = performance.now();
        await ask(100 + c, 'tools/call', { name: 'list_dir', arguments: { path: '/usr' } });
        calls.push((performance.now() - tc) * 1000);
      }
      await ch.close();
      forceEgressBridge(undefined);
      startsByRound.set(v.label, [...(startsByRound.get(v.label) ?? []), start]);
      return { 'start ms': start, 'spawned ms': spawned, 'tools/call µs': median(calls) };
    },
  };
}

/** A command as it is, for the sandbox's own cost beside the cases below: spawn to exit. */
function bareCase(label: string, command: string[]): BenchCase {
  return {
    name: label,
    round: () => {
      const t = performance.now();
      const r = spawnSync(command[0]!, command.slice(1), { stdio: 'ignore', env: { PATH: process.env.PATH ?? '' } });
      if (r.status !== 0) throw new Error(`${label}: exit ${r.status}`);
      return { ms: performance.now() - t };
    },
  };
}

/** bubblewrap with an allow-list (or none, without a bridge) running a command: spawn to exit. */
function bridgeCase(label: string, bridge: EgressBridge | undefined, command: string[], socketDir: string): BenchCase {
  const node = realpathSync(process.execPath);
  const { system, symlinks } = hostLayout();
  const args = bwrapArgs({
    sandbox: resolveSandbox({ read: [], write: [], network: bridge ? { allow: ['example.com:443'] } : 'none' }, {}),
    system,
    symlinks,
    runtimeRead: [join(node, '..', '..')],
    runtimeWrite: [],
    secrets: [],
    command: command[0]!,
    args: command.slice(1),
    egress: bridge ? { socketDir, bridge } : undefined,
  });
  const env = bridge ? bridgeEnv(bridge, { PATH: process.env.PATH ?? '' }) : { PATH: process.env.PATH ?? '' };
  return {
    name: label,
    round: () => {
      const t = performance.now();
      const r = spawnSync(support.program!, args, { stdio: 'ignore', env });
      if (r.status !== 0) throw new Error(`${label}: exit ${r.status}`);
      return { ms: performance.now() - t };
    },
  };
}

const cases = variants.filter((v) => v.sandbox === 'off' || support.mechanism === 'bubblewrap').map(startCase);
const starts = await runInterleaved('Sandboxed server starts (bench/sandbox.ts)', cases, STARTS, 1);
const base = starts.get('unsandboxed')?.get('start ms');
const added = (s: Summary | undefined) => (s && base ? `${s.median - base.median >= 0 ? '+' : ''}${(s.median - base.median).toFixed(1)} ms` : 'n/a');
const paired = (label: string) => {
  const mine = startsByRound.get(label);
  const theirs = startsByRound.get('unsandboxed');
  if (!mine || !theirs || mine.length !== theirs.length) return 'n/a';
  const d = median(mine.map((x, i) => x - theirs[i]!));
  return `${d >= 0 ? '+' : ''}${d.toFixed(1)} ms`;
};
console.log('');
for (const v of variants.slice(1))
  console.log(
    `added by ${v.label}: ${added(starts.get(v.label)?.get('start ms'))} per start (p50 against unsandboxed's p50); median of the per-round differences ${paired(v.label)}`,
  );

if (support.mechanism === 'bubblewrap') {
  const node = realpathSync(process.execPath);
  const socketDir = mkdtempSync(join(tmpdir(), 'gh-egress-'));
  forceEgressBridge('socat');
  const socat = egressBridge({ command: '/bin/true', path: '' });
  forceEgressBridge(undefined);
  await runInterleaved(
    'The bridge alone: bubblewrap running a command, spawn to exit',
    [
      bareCase('true, unsandboxed', ['/bin/true']),
      bridgeCase('true', undefined, ['/bin/true'], socketDir),
      bridgeCase('socat listening, then true', socat, ['/bin/true'], socketDir),
      bridgeCase('Node forwarder listening, then true', { kind: 'node', node, forwarder: forwarderFile(), preload: preloadFile() }, ['/bin/true'], socketDir),
      bareCase("node -e '', unsandboxed", [node, '-e', '']),
      bridgeCase("node -e ''", undefined, [node, '-e', ''], socketDir),
      bridgeCase("node -e '' with the in-process bridge", { kind: 'in-process', preload: preloadFile() }, [node, '-e', ''], socketDir),
    ],
    STARTS,
    1,
  );
}
