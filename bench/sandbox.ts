// Start cost of a sandboxed stdio server: spawn until the server answers
// `initialize`, p50 over 20 starts each, unsandboxed vs bubblewrap with no network
// vs bubblewrap with an allow-list (egress proxy + in-sandbox forwarder). Also one
// tools/call round trip each, to show the sandbox costs nothing per call.
//   node bench/sandbox.ts
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBundle } from '../shared/bundle/schema.ts';
import type { JsonRpcMessage } from '../shared/jsonrpc/message.ts';
import { sandboxSupport } from '../gateway/sandbox/probe.ts';
import { createChannel } from '../gateway/upstream/launch.ts';
import { RotatingLog } from '../gateway/upstream/stderr-log.ts';
import { ROOT } from './harness.ts';

const STARTS = 20;
const CALLS = 200;
const script = join(ROOT, 'test', 'fixtures', 'servers', 'escape-server.ts');
const work = mkdtempSync(join(tmpdir(), 'gh-bench-sandbox-'));

const variants: Array<[string, unknown]> = [
  ['unsandboxed', 'off'],
  ['bubblewrap, network none', { read: [join(ROOT, 'test', 'fixtures', 'servers')], network: 'none' }],
  ['bubblewrap, allow-list (proxy + forwarder)', { read: [join(ROOT, 'test', 'fixtures', 'servers')], network: { allow: ['example.com:443'] } }],
];

const support = sandboxSupport();
if (support.mechanism !== 'bubblewrap') console.log(`no bubblewrap here (${support.reason}); only the unsandboxed figures are measured`);

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
const results = new Map<string, number>();

for (const [label, sandbox] of variants) {
  if (sandbox !== 'off' && support.mechanism !== 'bubblewrap') continue;
  const parsed = parseBundle({ schemaVersion: 1, name: 'bench', servers: [{ id: 's', transport: { type: 'stdio', command: process.execPath, args: [script] }, sandbox }] });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const server = parsed.bundle.servers[0]!;
  const starts: number[] = [];
  const calls: number[] = [];
  for (let i = 0; i < STARTS; i++) {
    const log = new RotatingLog(join(work, `${i}.log`));
    const ch = createChannel(server, { settings: parsed.bundle.settings, vars: { dataDir: work, bundleDir: work }, env: process.env, log });
    let waiting: ((m: JsonRpcMessage) => void) | undefined;
    ch.onmessage = (m) => waiting?.(m);
    const ask = (id: number, method: string, params: Record<string, unknown>) => new Promise<JsonRpcMessage>((resolve) => { waiting = resolve; ch.send({ jsonrpc: '2.0', id, method, params } as JsonRpcMessage); });
    const t = performance.now();
    await ch.start();
    await ask(1, 'initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench', version: '1' } });
    starts.push(performance.now() - t);
    if (i === 0) {
      for (let c = 0; c < CALLS; c++) {
        const tc = performance.now();
        await ask(100 + c, 'tools/call', { name: 'list_dir', arguments: { path: '/usr' } });
        calls.push(performance.now() - tc);
      }
    }
    await ch.close();
  }
  results.set(label, pct(starts, 0.5));
  console.log(`${label}: start p50 ${pct(starts, 0.5).toFixed(1)} ms, p90 ${pct(starts, 0.9).toFixed(1)} ms (${STARTS} starts); tools/call p50 ${(pct(calls, 0.5) * 1000).toFixed(0)} µs (${CALLS} calls)`);
}
const base = results.get('unsandboxed')!;
for (const [label, p50] of results) if (label !== 'unsandboxed') console.log(`added by ${label}: ${(p50 - base).toFixed(1)} ms per start (p50)`);
