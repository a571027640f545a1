// Scanner speed, printed, never asserted (timing belongs to figures, not tests):
// the cost of one scan over every captured real tool and the corpus, and first
// sight of catalogues of 2,500 to 20,000 tools spread over servers of 50, each
// tool checked against one index of the whole catalogue (collisions, look-alikes,
// squats, names in text) rather than against every other tool.
//   node test/scanner/measure-speed.ts [dir]
// With a directory (a checkout or an extracted past commit, see generalisation.ts
// history), that copy's shared/scanner is measured instead: an A/B on one machine.
import { join } from 'node:path';
import { cpuUsage } from 'node:process';
import { pathToFileURL } from 'node:url';
import type * as Scan from '../../shared/scanner/scan.ts';
import type * as Index from '../../shared/scanner/tool-index.ts';
import { ROOT } from '../helpers/daemon.ts';
import { loadBenignServers, loadJsonl } from './evaluate.ts';

const base = process.argv[2] ?? ROOT;
const { scanToolList, scanTool } = (await import(pathToFileURL(join(base, 'shared', 'scanner', 'scan.ts')).href)) as typeof Scan;
const { indexTools } = (await import(pathToFileURL(join(base, 'shared', 'scanner', 'tool-index.ts')).href)) as typeof Index;
console.log(`scanner from ${base}`);

type Tool = Record<string, unknown>;
const real: Tool[] = [
  ...loadBenignServers().flatMap((s) => s.tools),
  ...loadJsonl('benign.dev.jsonl').map((e) => e.tool),
  ...loadJsonl('poisoned.dev.jsonl').map((e) => e.tool),
];
const pct = (s: number[], p: number) => [...s].sort((a, b) => a - b)[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
const cpuMs = () => {
  const u = cpuUsage();
  return (u.user + u.system) / 1000;
};

for (const tool of real) scanTool(tool);
const wall: number[] = [];
const cpu: number[] = [];
for (let round = 0; round < 5; round++) {
  for (const tool of real) {
    const w = performance.now();
    const c = cpuMs();
    scanTool(tool);
    cpu.push(cpuMs() - c);
    wall.push(performance.now() - w);
  }
}
console.log(
  `one scan, ${real.length} real tools × 5: wall p50 ${pct(wall, 50).toFixed(3)} ms, p90 ${pct(wall, 90).toFixed(2)} ms, p99 ${pct(wall, 99).toFixed(2)} ms; CPU p50 ${pct(cpu, 50).toFixed(3)} ms (CPU timer resolution is coarse)`,
);

console.log('\n| catalogue | servers | wall | CPU | per tool (CPU) |\n|---|---|---|---|---|');
for (const n of [2500, 5000, 10000, 20000]) {
  const servers: { id: string; tools: Tool[] }[] = [];
  for (let i = 0; i < n; i++) {
    if (i % 50 === 0) servers.push({ id: `s${i / 50}`, tools: [] });
    const base = real[i % real.length]!;
    servers.at(-1)!.tools.push({ ...base, name: `${String(base.name)}_${i}` });
  }
  const w = performance.now();
  const c = cpuMs();
  const index = indexTools(servers.flatMap((s) => s.tools.map((t) => ({ server: s.id, name: String(t.name) }))));
  for (const s of servers) scanToolList(s.tools, { index, server: s.id });
  const cpuTotal = cpuMs() - c;
  console.log(
    `| ${n.toLocaleString('en')} tools | ${servers.length} | ${((performance.now() - w) / 1000).toFixed(2)} s | ${(cpuTotal / 1000).toFixed(2)} s | ${(cpuTotal / n).toFixed(3)} ms |`,
  );
}
