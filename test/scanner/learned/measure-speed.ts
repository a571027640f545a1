// How long the learned detector takes per tool (prints, never asserts): every
// real-server and corpus tool, scored beside its server's tools, many rounds.
//   node test/scanner/learned/measure-speed.ts
import { learnedFindings, learnedScore } from '../../../shared/scanner/learned/classify.ts';
import { BENIGN_SERVERS_2_DIR, devBenignServers, loadBenignServers, loadJsonl } from '../evaluate.ts';

type Tool = Record<string, unknown>;
const jobs: { tool: Tool; siblings?: string[] }[] = [];
for (const s of [...loadBenignServers(), ...loadBenignServers(BENIGN_SERVERS_2_DIR), ...devBenignServers()]) {
  const names = s.tools.map((t) => String(t.name));
  for (const tool of s.tools) jobs.push({ tool, siblings: names });
}
for (const file of ['poisoned.dev.jsonl', 'poisoned.extra.jsonl']) for (const e of loadJsonl(file)) jobs.push({ tool: e.tool });

// Warm up: decode the weights, let the JIT compile the hot loops.
for (const j of jobs) learnedScore(j.tool, j.siblings);
const ROUNDS = 20;
const each: number[] = [];
const cpu0 = process.cpuUsage();
const t0 = performance.now();
for (let r = 0; r < ROUNDS; r++) {
  for (const j of jobs) {
    const s = performance.now();
    learnedScore(j.tool, j.siblings);
    each.push(performance.now() - s);
  }
}
const wall = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
each.sort((a, b) => a - b);
const q = (p: number) => each[Math.min(each.length - 1, Math.floor(p * each.length))]!;
const us = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;
console.log(`${jobs.length} tools × ${ROUNDS} rounds: mean ${us(wall / each.length)} wall, ${us((cpu.user + cpu.system) / 1000 / each.length)} CPU per tool`);
console.log(`per tool: p50 ${us(q(0.5))}, p90 ${us(q(0.9))}, p99 ${us(q(0.99))}, max ${us(each.at(-1)!)}`);
const f0 = performance.now();
let findings = 0;
for (const j of jobs) findings += learnedFindings(j.tool, j.siblings).length;
console.log(`learnedFindings over all ${jobs.length} (explaining the ${findings} flagged): ${us((performance.now() - f0) / jobs.length)} per tool`);
