// A/B of the scanner's speed: this tree's shared/scanner against a past commit's
// (extracted with git archive, with shared/text when the commit has it, into test-output/), interleaved in rounds on the same
// tools so load spikes land on both alike. Prints, never asserts.
//   node test/scanner/ab-speed.ts <commit> [rounds]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { cpuUsage } from 'node:process';
import { pathToFileURL } from 'node:url';
import { percentile, runInterleaved } from '../../bench/interleave.ts';
import type * as Scan from '../../shared/scanner/scan.ts';
import { ROOT } from '../helpers/daemon.ts';
import { loadBenignServers, loadJsonl } from './evaluate.ts';

const commit = process.argv[2];
if (!commit) throw new Error('usage: ab-speed.ts <commit> [rounds]');
const rounds = Number(process.argv[3] ?? 7);
const dir = join(ROOT, 'test-output', `scanner-${commit}`);
if (!existsSync(join(dir, 'shared', 'scanner', 'scan.ts'))) {
  mkdirSync(dir, { recursive: true });
  execFileSync('sh', ['-c', `git archive ${commit} shared/scanner $(git ls-tree -d --name-only ${commit} shared/text) | tar -x -C ${JSON.stringify(dir)}`], {
    cwd: ROOT,
  });
}
const load = async (base: string) => ((await import(pathToFileURL(join(base, 'shared', 'scanner', 'scan.ts')).href)) as typeof Scan).scanTool;
const scanners = { [commit]: await load(dir), 'this tree': await load(ROOT) };

type Tool = Record<string, unknown>;
const tools: Tool[] = [
  ...loadBenignServers().flatMap((s) => s.tools),
  ...loadJsonl('benign.dev.jsonl').map((e) => e.tool),
  ...loadJsonl('poisoned.dev.jsonl').map((e) => e.tool),
];
const cpuMs = () => {
  const u = cpuUsage();
  return (u.user + u.system) / 1000;
};

await runInterleaved(
  `scanner speed, ${tools.length} tools per round`,
  Object.entries(scanners).map(([name, scan]) => ({
    name,
    setup: () => void tools.forEach((t) => scan(t)),
    round: () => {
      const wall: number[] = [];
      const c0 = cpuMs();
      for (const t of tools) {
        const w = performance.now();
        scan(t);
        wall.push(performance.now() - w);
      }
      return { 'p50 per tool (wall ms)': percentile(wall, 50), 'p90 per tool (wall ms)': percentile(wall, 90), 'all tools (CPU ms)': cpuMs() - c0 };
    },
  })),
  rounds,
  3,
);
