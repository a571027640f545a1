// Start cost of a sandboxed stdio server: spawn until the server answers
// `initialize`, p50 over 20 starts each, unsandboxed vs bubblewrap with no network
// vs bubblewrap with an allow-list (egress proxy + the in-sandbox bridge: socat, and
// the Node forwarder it falls back to). The variants are interleaved (one start of
// each per round), so a change in the machine's load hits them all alike. Also
// tools/call round trips each, to show the sandbox costs nothing per call. Then the
// bridge alone: bubblewrap running `true` directly, behind socat, behind the Node
// forwarder (no server boot in the figure, so what the bridge adds stands out).
//   node bench/sandbox.ts
import { spawnSync } from 'node:child_process';
import { mkdtempSync, realpathSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBundle } from '../shared/bundle/schema.ts';
import type { JsonRpcMessage } from '../shared/jsonrpc/message.ts';
import { bwrapArgs } from '../gateway/sandbox/bwrap.ts';
import { egressBridge, forceEgressBridge, forwarderFile, type EgressBridge } from '../gateway/sandbox/egress-bridge.ts';
import { hostLayout } from '../gateway/sandbox/launcher.ts';
import { resolveSandbox } from '../gateway/sandbox/policy.ts';
import { sandboxSupport } from '../gateway/sandbox/probe.ts';
import { createChannel } from '../gateway/upstream/launch.ts';
import { RotatingLog } from '../gateway/upstream/stderr-log.ts';
import { ROOT } from './harness.ts';

const STARTS = 20;
const CALLS = 200;
const script = join(ROOT, 'test', 'fixtures', 'servers', 'escape-server.ts');
const work = mkdtempSync(join(tmpdir(), 'gh-bench-sandbox-'));
const fixtures = join(ROOT, 'test', 'fixtures', 'servers');
const allowList = { read: [fixtures], network: { allow: ['example.com:443'] } };

const variants: Array<{ label: string; sandbox: unknown; bridge?: EgressBridge['kind'] }> = [
  { label: 'unsandboxed', sandbox: 'off' },
  { label: 'bubblewrap, network none', sandbox: { read: [fixtures], network: 'none' } },
  { label: 'bubblewrap, allow-list (proxy + socat)', sandbox: allowList, bridge: 'socat' },
  { label: 'bubblewrap, allow-list (proxy + Node forwarder)', sandbox: allowList, bridge: 'node' },
];

const support = sandboxSupport();
if (support.mechanism !== 'bubblewrap') console.log(`no bubblewrap here (${support.reason}); only the unsandboxed figures are measured`);
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
console.log(`load average at start: ${load()}`);

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
const runs = variants
  .filter((v) => v.sandbox === 'off' || support.mechanism === 'bubblewrap')
  .map((v) => {
    const parsed = parseBundle({
      schemaVersion: 1,
      name: 'bench',
      servers: [{ id: 's', transport: { type: 'stdio', command: process.execPath, args: [script] }, sandbox: v.sandbox }],
    });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    return { ...v, server: parsed.bundle.servers[0]!, settings: parsed.bundle.settings, starts: [] as number[], calls: [] as number[] };
  });

for (let i = 0; i < STARTS; i++) {
  for (const run of runs) {
    forceEgressBridge(run.bridge);
    const log = new RotatingLog(join(work, `${runs.indexOf(run)}-${i}.log`));
    const ch = createChannel(run.server, { settings: run.settings, vars: { dataDir: work, bundleDir: work }, env: process.env, log });
    let waiting: ((m: JsonRpcMessage) => void) | undefined;
    ch.onmessage = (m) => waiting?.(m);
    const ask = (id: number, method: string, params: Record<string, unknown>) =>
      new Promise<JsonRpcMessage>((resolve) => {
        waiting = resolve;
        ch.send({ jsonrpc: '2.0', id, method, params } as JsonRpcMessage);
      });
    const t = performance.now();
    await ch.start();
    await ask(1, 'initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench', version: '1' } });
    run.starts.push(performance.now() - t);
    if (i === 0) {
      for (let c = 0; c < CALLS; c++) {
        const tc = performance.now();
        await ask(100 + c, 'tools/call', { name: 'list_dir', arguments: { path: '/usr' } });
        run.calls.push(performance.now() - tc);
      }
    }
    await ch.close();
  }
}
forceEgressBridge(undefined);
console.log(`load average at end: ${load()}`);
for (const run of runs)
  console.log(
    `${run.label}: start p50 ${pct(run.starts, 0.5).toFixed(1)} ms, p90 ${pct(run.starts, 0.9).toFixed(1)} ms (${STARTS} starts); tools/call p50 ${(pct(run.calls, 0.5) * 1000).toFixed(0)} µs (${CALLS} calls)`,
  );
const base = pct(runs[0]!.starts, 0.5);
for (const run of runs.slice(1)) console.log(`added by ${run.label}: ${(pct(run.starts, 0.5) - base).toFixed(1)} ms per start (p50)`);

if (support.mechanism === 'bubblewrap') {
  const node = realpathSync(process.execPath);
  const { system, symlinks } = hostLayout();
  const socketDir = mkdtempSync(join(tmpdir(), 'gh-egress-'));
  const socat = egressBridge(node);
  const bridges: Array<[string, EgressBridge | undefined]> = [
    ['bubblewrap, true', undefined],
    ...(socat.kind === 'socat' ? [['bubblewrap, socat listening, then true', socat] as [string, EgressBridge]] : []),
    ['bubblewrap, Node forwarder listening, then true', { kind: 'node', node, forwarder: forwarderFile() }],
  ];
  const times = new Map<string, number[]>(bridges.map(([label]) => [label, []]));
  for (let i = 0; i < STARTS; i++) {
    for (const [label, bridge] of bridges) {
      const args = bwrapArgs({
        sandbox: resolveSandbox({ read: [], write: [], network: bridge ? { allow: ['example.com:443'] } : 'none' }, {}),
        system,
        symlinks,
        runtimeRead: [join(node, '..', '..')],
        runtimeWrite: [],
        secrets: [],
        command: '/bin/true',
        args: [],
        egress: bridge ? { socketDir, bridge } : undefined,
      });
      const t = performance.now();
      const r = spawnSync(support.program!, args, { stdio: 'ignore' });
      times.get(label)!.push(performance.now() - t);
      if (r.status !== 0) throw new Error(`${label}: exit ${r.status}`);
    }
  }
  console.log(`bridge alone (load average now ${load()}):`);
  for (const [label, xs] of times) console.log(`  ${label}: p50 ${pct(xs, 0.5).toFixed(1)} ms, p90 ${pct(xs, 0.9).toFixed(1)} ms (${STARTS} runs)`);
}
