// Trains the learned tool-poisoning detector (shared/scanner/learned/) and
// measures it honestly, leaving one SOURCE out at a time (test/scanner/learned/data.ts).
// Deterministic: full-batch training, no sampling, fixed fold assignment, so anyone who
// retrains gets the same weights file.
//   node test/scanner/learned/train.ts           cross-validated figures, then writes the weights
//   node test/scanner/learned/train.ts --dry     the figures only (compare settings: --l2= --iterations= --rate= --carrier= --real= --bayes --sentences --unbalanced; --dump=FILE saves the out-of-source scores)
//   node test/scanner/learned/train.ts --check   retrains and fails if the committed weights differ
//   node test/scanner/learned/train.ts --quick   writes the weights without the leave-one-source-out figures
// Prints aggregates and benign tool names only (no poisoned text).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dequantize, encodeWeights, margin, quantize, sigmoid } from '../../../shared/scanner/learned/model.ts';
import { ROOT } from '../../helpers/daemon.ts';
import { wilson } from '../evaluate.ts';
import { loadItems, type BenignKind, type Item } from './data.ts';
import { DEFAULTS, train, type TrainOptions } from './logistic.ts';

type Tool = Record<string, unknown>;
type Model = { w: Float32Array; bias: number };
export const WEIGHTS_FILE = join(ROOT, 'shared', 'scanner', 'learned', 'weights.ts');
/** Benign servers without a poisoned source of their own are split into this many folds (by server). */
const BENIGN_FOLDS = 5;
/** False-alarm budgets on real-server tools for the bands (medium was 1% of tools until set 3 was learned from). */
const MEDIUM = { tools: 0.005, servers: 0.1 };
const HIGH = { tools: 0.002, servers: 0.05 };
/** A carrier weighs 0.15 of a benign tool of a one-tool server (see docs/scanner-learned.md). */
const CARRIER_WEIGHT = 0.15;
/** How much more a real server's tool weighs than a team-written benign tool (--real=). */
const REAL_WEIGHT = 3;

function fit(items: readonly Item[], opts: TrainOptions): Model {
  const { w, bias } = train(
    items.map((i) => i.example),
    opts,
  );
  const q = quantize(w);
  return { w: dequantize(q.ints, q.scale), bias };
}
/** Experiment (--sentences): the worst of the whole tool and each description sentence alone beside the same schema. */
let perSentence = false;
function score(m: Model, tool: Tool, siblings?: readonly string[]): number {
  let z = margin(tool, m.w, m.bias, siblings);
  if (perSentence && typeof tool.description === 'string') {
    const parts = tool.description.split(/(?<=[.!?])\s+|\n+/).filter((x) => x.trim());
    if (parts.length > 1) for (const part of parts.slice(0, 24)) z = Math.max(z, margin({ ...tool, description: part }, m.w, m.bias, siblings));
  }
  return sigmoid(z);
}
const pass = (i: Item) => !i.carrier;

/**
 * Out-of-source scores for every measured item. A source's poisoned tools, and the benign tools
 * written with them, are scored by a model trained without anything from that source (its
 * carriers too: they share its words). The other benign tools (real servers, hard-benign sets
 * with no poisoned twin) are scored by a model trained without their fold of servers.
 */
export function outOfSource(items: readonly Item[], opts: TrainOptions, log = false): Map<Item, number> {
  const out = new Map<Item, number>();
  const sources = [...new Set(items.filter((i) => i.label).map((i) => i.source))].sort();
  const poisonedSource = new Set(sources);
  for (const s of sources) {
    const m = fit(
      items.filter((i) => i.source !== s),
      opts,
    );
    for (const i of items) if (i.source === s && pass(i)) out.set(i, score(m, i.tool, i.siblings));
    if (log) process.stderr.write('.');
  }
  const servers = [...new Set(items.filter((i) => !i.label && pass(i) && !poisonedSource.has(i.source)).map((i) => i.server))].sort();
  const fold = new Map(servers.map((s, k) => [s, k % BENIGN_FOLDS]));
  for (let f = 0; f < BENIGN_FOLDS; f++) {
    const m = fit(
      items.filter((i) => fold.get(i.server) !== f),
      opts,
    );
    for (const i of items) if (fold.get(i.server) === f && pass(i)) out.set(i, score(m, i.tool, i.siblings));
    if (log) process.stderr.write('.');
  }
  if (log) process.stderr.write('\n');
  return out;
}

/**
 * The lowest threshold (flag when score > t) that keeps false alarms on real-server tools within
 * both budgets: a share of the tools and a share of the servers (one false alarm on a server
 * teaches its user to approve blindly).
 */
export function thresholdFor(scored: readonly { score: number; server: string }[], toolShare: number, serverShare: number): number {
  const sorted = [...scored].sort((a, b) => b.score - a.score);
  const servers = new Set(scored.map((x) => x.server)).size;
  const hit = new Set<string>();
  let k = 0;
  // Flagging the top k tools stays within budget while k+1 would not.
  while (k < sorted.length && k + 1 <= toolShare * sorted.length) {
    const next = new Set(hit).add(sorted[k]!.server);
    if (next.size > serverShare * servers) break;
    hit.add(sorted[k]!.server);
    k++;
  }
  return sorted[k]?.score ?? 0.5;
}

const isReal = (i: Item) => i.kind === 'real' || i.kind === 'real-2';
export function thresholds(items: readonly Item[], scores: Map<Item, number>): { medium: number; high: number } {
  const scored = items.filter(isReal).map((i) => ({ score: scores.get(i)!, server: i.server }));
  const medium = thresholdFor(scored, MEDIUM.tools, MEDIUM.servers);
  return { medium, high: Math.max(medium, thresholdFor(scored, HIGH.tools, HIGH.servers)) };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const ci = (h: number, n: number) => {
  const [l, u] = wilson(h, n);
  return `${pct(l)}–${pct(u)}`;
};
const ratio = (h: number, n: number) => `${h}/${n} (${pct(h / Math.max(1, n))}, ${ci(h, n)})`;

function alarms(set: readonly Item[], hit: (i: Item) => boolean): string {
  const servers = new Set(set.map((i) => i.server)).size;
  const bad = new Set(set.filter(hit).map((i) => i.server)).size;
  return `${ratio(set.filter(hit).length, set.length)}; servers ${ratio(bad, servers)}`;
}

function reportBenign(items: readonly Item[], scores: Map<Item, number>, t: number): void {
  const learned = (i: Item) => scores.get(i)! > t;
  const groups: [string, (i: Item) => boolean][] = [
    ['real servers (both sets)', isReal],
    ['real servers, set 1 (46)', (i) => i.kind === 'real'],
    ['real servers, set 2 (62)', (i) => i.kind === 'real-2'],
    ['dev benign', (i) => i.kind === 'dev'],
    ['hard-benign sets (team-written)', (i) => i.kind === 'hard'],
    ['spent held-out sets, benign', (i) => i.kind === 'heldout'],
  ];
  console.log('\n| benign (out of fold) | rules | learned | rules OR learned |\n|---|---|---|---|');
  for (const [name, keep] of groups) {
    const set = items.filter((i) => !i.label && pass(i) && keep(i));
    console.log(`| ${name} | ${alarms(set, (i) => i.rules)} | ${alarms(set, learned)} | ${alarms(set, (i) => i.rules || learned(i))} |`);
  }
  const real = items.filter((i) => isReal(i) && learned(i));
  console.log(`\nlearned false alarms on real servers: ${real.map((i) => `${i.id} (${scores.get(i)!.toFixed(2)})`).join(', ') || 'none'}`);
}

function reportRecall(items: readonly Item[], scores: Map<Item, number>, t: number): void {
  const learned = (i: Item) => scores.get(i)! > t;
  const poisoned = items.filter((i) => i.label);
  const sources = [...new Set(poisoned.map((i) => i.source))];
  console.log(`\nLeave-one-source-out recall (medium or higher; learned at score > ${t.toFixed(4)})`);
  console.log('| source | n | rules | learned | rules OR learned | rules miss | learned catches of those |\n|---|---|---|---|---|---|---|');
  const kinds: [string, (s: string) => boolean][] = [
    ['public families', (s) => !/^(paraphrase|heldout|variants|stress)/.test(s)],
    ['paraphrase sets, variants, stress', (s) => /^(paraphrase|variants|stress)/.test(s)],
    ['spent held-out sets', (s) => s.startsWith('heldout')],
    ['all', () => true],
  ];
  const row = (name: string, set: Item[]) => {
    const missed = set.filter((i) => !i.rules);
    const r = set.filter((i) => i.rules).length;
    const u = set.filter((i) => i.rules || learned(i)).length;
    return `| ${name} | ${set.length} | ${ratio(r, set.length)} | ${ratio(set.filter(learned).length, set.length)} | ${ratio(u, set.length)} | ${missed.length} | ${ratio(missed.filter(learned).length, missed.length)} |`;
  };
  for (const s of sources)
    console.log(
      row(
        s,
        poisoned.filter((i) => i.source === s),
      ),
    );
  for (const [name, keep] of kinds) {
    const within = sources.filter(keep);
    const macro = within.reduce((a, s) => a + poisoned.filter((i) => i.source === s && learned(i)).length / poisoned.filter((i) => i.source === s).length, 0);
    console.log(
      `${row(
        `**${name}** (learned macro ${pct(macro / within.length)})`,
        poisoned.filter((i) => keep(i.source)),
      )}`,
    );
  }
  const missed = poisoned.filter((i) => !i.rules);
  const techniques = [...new Set(missed.map((i) => i.technique))].sort();
  console.log(
    `\nRules' misses by technique: learned catches (out of source): ${techniques.map((k) => `${k} ${missed.filter((i) => i.technique === k && learned(i)).length}/${missed.filter((i) => i.technique === k).length}`).join(', ')}`,
  );
}

/** The final model, trained on everything, as the generated weights module. */
export function weightsModule(items: readonly Item[], opts: TrainOptions, bands: { medium: number; high: number }): string {
  const { w, bias } = train(
    items.map((i) => i.example),
    opts,
  );
  const q = quantize(w);
  return `// Generated by test/scanner/learned/train.ts: do not edit. Retrain with
// \`node test/scanner/learned/train.ts\` (deterministic: the same data gives this file).
import type { StoredModel } from './model.ts';

export const MODEL: StoredModel = {
  scale: ${q.scale},
  bias: ${bias},
  thresholds: { medium: ${bands.medium}, high: ${bands.high} },
  weights:
    '${encodeWeights(q.ints)}',
};
`;
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const opts: TrainOptions = { ...DEFAULTS };
  let carrier = CARRIER_WEIGHT;
  let real = REAL_WEIGHT;
  for (const a of args) {
    const m = /^--(l2|iterations|rate|carrier|real)=(.+)$/.exec(a);
    if (m?.[1] === 'carrier') carrier = Number(m[2]);
    else if (m?.[1] === 'real') real = Number(m[2]);
    else if (m) opts[m[1] as 'l2' | 'iterations' | 'rate'] = Number(m[2]);
    if (a === '--bayes') opts.algorithm = 'bayes';
  }
  perSentence = args.includes('--sentences');
  const items = loadItems(carrier, !args.includes('--unbalanced'), real);
  const quick = args.includes('--quick') || args.includes('--check');
  const count = (k?: BenignKind) => items.filter((i) => !i.label && !i.carrier && (!k || i.kind === k)).length;
  console.log(
    `options ${JSON.stringify({ ...opts, carrier, real })}; ${items.filter((i) => i.label).length} poisoned (as many carriers), ${count()} benign (${count('real') + count('real-2')} on real servers)`,
  );
  const scores = outOfSource(items, opts, !quick);
  const bands = thresholds(items, scores);
  const dump = args.find((a) => a.startsWith('--dump='))?.slice('--dump='.length);
  if (dump)
    writeFileSync(
      dump,
      JSON.stringify(
        [...scores].map(([i, score]) => ({
          id: i.id,
          source: i.source,
          kind: i.kind,
          server: i.server,
          label: i.label,
          rules: i.rules,
          technique: i.technique,
          score,
        })),
      ),
    );
  console.log(
    `thresholds (out-of-fold real-server tools): medium ${bands.medium.toFixed(4)} (≤ 0.5% of tools, ≤ 10% of servers), high ${bands.high.toFixed(4)} (≤ 0.2%, ≤ 5%)`,
  );
  if (!quick) {
    reportBenign(items, scores, bands.medium);
    reportRecall(items, scores, bands.medium);
  }
  if (args.includes('--dry')) process.exit(0);
  const text = weightsModule(items, opts, bands);
  if (args.includes('--check')) {
    const same = readFileSync(WEIGHTS_FILE, 'utf8') === text;
    console.log(same ? 'weights reproduce exactly' : 'weights differ from the committed file');
    process.exitCode = same ? 0 : 1;
  } else {
    writeFileSync(WEIGHTS_FILE, text);
    console.log(`\nwrote ${WEIGHTS_FILE} (${text.length} bytes)`);
  }
}
