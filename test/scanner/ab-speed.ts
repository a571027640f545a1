// A/B of the scanner's speed: this tree's shared/scanner against a past commit's
// (extracted with git archive, with shared/text when the commit has it, into test-output/), interleaved in rounds on the same
// tools so load spikes land on both alike. Prints, never asserts.
//   node test/scanner/ab-speed.ts <commit> [rounds] [--learned]
// Two sets: the 108 captured real servers (both sets, 3,382 tools) and the corpus (benign and poisoned dev).
// The rules alone unless --learned.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { cpuUsage } from 'node:process';
import { pathToFileURL } from 'node:url';
import { percentile, runInterleaved } from '../../bench/interleave.ts';
import type * as Scan from '../../shared/scanner/scan.ts';
import { ROOT } from '../helpers/daemon.ts';
import { BENIGN_SERVERS_2_DIR, loadBenignServers, loadJsonl } from './evaluate.ts';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const learned = process.argv.includes('--learned');
const commit = args[0];
if (!commit) throw new Error('usage: ab-speed.ts <commit> [rounds] [--learned]');
const rounds = Number(args[1] ?? 7);
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
const sets: [string, Tool[]][] = [
  ['real', [...loadBenignServers(), ...loadBenignServers(BENIGN_SERVERS_2_DIR)].flatMap((s) => s.tools)],
  ['corpus', [...loadJsonl('benign.dev.jsonl'), ...loadJsonl('poisoned.dev.jsonl'), ...loadJsonl('poisoned.extra.jsonl')].map((e) => e.tool)],
];
const cpuMs = () => {
  const u = cpuUsage();
  return (u.user + u.system) / 1000;
};

await runInterleaved(
  `scanner speed (${learned ? 'rules and learned model' : 'rules alone'}), ${sets.map(([name, tools]) => `${name} ${tools.length} tools`).join(', ')} per round`,
  Object.entries(scanners).map(([name, scan]) => ({
    name,
    setup: () => void sets.forEach(([, tools]) => tools.forEach((t) => scan(t, { learned }))),
    round: () => {
      const figures: Record<string, number> = {};
      for (const [set, tools] of sets) {
        const wall: number[] = [];
        const c0 = cpuMs();
        for (const t of tools) {
          const w = performance.now();
          scan(t, { learned });
          wall.push(performance.now() - w);
        }
        const cpu = cpuMs() - c0;
        figures[`${set}: p50 per tool (wall ms)`] = percentile(wall, 50);
        figures[`${set}: mean per tool (CPU ms)`] = cpu / tools.length;
      }
      return figures;
    },
  })),
  rounds,
  3,
);
