// Pinning and scanner figures: hashing and comparing 2,000 tools, and scanning
// one tool. In-process; prints figures, never fails.
//   node bench/pinning.ts
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseBundle } from '../shared/bundle/schema.ts';
import { toolHash } from '../shared/pinning/hash.ts';
import { scanTool } from '../shared/scanner/scan.ts';
import { PinGate } from '../gateway/pinning/gate.ts';
import { PinStore } from '../gateway/pinning/store.ts';

const pct = (s: number[], p: number) => [...s].sort((a, b) => a - b)[Math.floor((p / 100) * s.length)]!;
const corpusDir = join(import.meta.dirname, '..', '..', 'shared', 'corpus', 'tool-poisoning');
const corpus = ['benign.dev.jsonl', 'poisoned.dev.jsonl'].flatMap((f) => readFileSync(join(corpusDir, f), 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { tool: Record<string, unknown> }).tool));

// 2,000 realistic tools: the corpus's real definitions, renamed to be distinct.
const tools = Array.from({ length: 2000 }, (_, i) => ({ ...corpus[i % corpus.length]!, name: `tool_${i}` }));
const pins = Object.fromEntries(tools.map((t) => [t.name, toolHash(t)]));
const parsed = parseBundle({ schemaVersion: 1, name: 'bench', servers: [{ id: 's', transport: { type: 'stdio', command: 'x' }, pins }] });
if (!parsed.ok) throw new Error('bad bench bundle');
const bundle = parsed.bundle;
const gate = new PinGate({ store: new PinStore(), settings: () => bundle.settings, exposedName: (s, t) => `${s}__${t}`, otherTools: () => [], onPending: () => {}, onDecision: () => {} });

const rows: string[] = [];
const changed = tools.map((t, i) => (i % 10 === 0 ? { ...t, description: `${String((t as { description?: unknown }).description)} (v2)` } : t));
function evaluate(label: string, make: (round: number) => Record<string, unknown>[], fresh: boolean): void {
  const samples: number[] = [];
  for (let r = 0; r < 15; r++) {
    // A fresh gate has no hash cache: the cost of first sight (daemon start, a new server).
    const g = fresh ? new PinGate({ store: new PinStore(), settings: () => bundle.settings, exposedName: (s, t) => `${s}__${t}`, otherTools: () => [], onPending: () => {}, onDecision: () => {} }) : gate;
    const list = make(r);
    const t0 = performance.now();
    g.evaluate(bundle.servers[0]!, list);
    samples.push(performance.now() - t0);
  }
  rows.push(`| ${label} | ${pct(samples, 50).toFixed(1)} ms | ${Math.min(...samples).toFixed(1)} ms |`);
}
evaluate('2,000 tools, all pinned, first sight (canonicalize + hash + compare)', () => tools.map((t) => structuredClone(t)), true);
evaluate('2,000 tools, all pinned, a refresh that changed nothing', () => tools.map((t) => structuredClone(t)), false);
evaluate('2,000 tools, 10% changed, first sight (+ scan + diff of the changed)', () => changed.map((t) => structuredClone(t)), true);
const scans: number[] = [];
for (let r = 0; r < 20; r++) for (const t of corpus) { const t0 = performance.now(); scanTool(t); scans.push(performance.now() - t0); }
rows.push(`| scan one tool (dev corpus, ${corpus.length} tools × 20) | ${pct(scans, 50).toFixed(3)} ms p50 | ${pct(scans, 99).toFixed(3)} ms p99 |`);

console.log(`Pinning and scanner — Node ${process.version}\n`);
console.log('| case | p50 | best / p99 |');
console.log('|---|---|---|');
for (const r of rows) console.log(r);
