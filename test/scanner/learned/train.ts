// Trains the learned tool-poisoning detector (shared/scanner/learned/) and
// measures it honestly. Deterministic: full-batch training, no sampling, fixed
// fold assignment, so anyone who retrains gets the same weights file.
//   node test/scanner/learned/train.ts           cross-validated figures, then writes the weights
//   node test/scanner/learned/train.ts --check   retrains and fails if the committed weights differ
//   node test/scanner/learned/train.ts --quick   writes the weights without the cross-validation
// Prints aggregates only (no poisoned text).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { featureVector } from '../../../shared/scanner/learned/features.ts';
import { dequantize, encodeWeights, margin, quantize, sigmoid } from '../../../shared/scanner/learned/model.ts';
import { scanTool, scanToolList } from '../../../shared/scanner/scan.ts';
import { ROOT } from '../../helpers/daemon.ts';
import type { CorpusEntry } from '../corpus.ts';
import { devBenignServers, familyOf, flaggedAt, loadBenignServers, loadJsonl, wilson } from '../evaluate.ts';
import { PARAPHRASES, PARAPHRASES_2 } from '../paraphrases.ts';
import { BENIGN_VARIANTS, POISONED_VARIANTS } from '../variants.ts';
import { DEFAULTS, train, type Example, type TrainOptions } from './logistic.ts';

type Tool = Record<string, unknown>;
export interface Item {
  id: string;
  tool: Tool;
  siblings?: string[];
  label: 0 | 1;
  family: string;
  technique: string;
  server: string;
  real: boolean;
  example: Example;
  rules: boolean;
  /** A carrier: the benign part of a poisoned tool, trained on as benign, never measured. */
  carrier?: boolean;
}

/**
 * The benign part of a poisoned tool: its name, its first sentence when the description has
 * more than one, and its parameters' names and types. Poisoned tools in the corpora are mostly
 * toy and demo tools (add, read_file, get_weather); without their clean counterparts the model
 * learns that adding numbers or reading files is suspicious instead of what the attack asks.
 */
export function carrierOf(tool: Tool): Tool {
  const description = typeof tool.description === 'string' ? tool.description.trim() : '';
  const first = /^[^\n]*?[.!?](?=\s)/.exec(description)?.[0];
  const schema = tool.inputSchema as { properties?: Record<string, { type?: unknown }> } | undefined;
  const properties: Record<string, unknown> = {};
  for (const [name, p] of Object.entries(schema?.properties ?? {})) {
    // A parameter name of three words or more may be the attack itself (schema_param_name).
    if (name.split(/_|-|(?<=[a-z])(?=[A-Z])/).length <= 2) properties[name] = { type: typeof p?.type === 'string' ? p.type : 'string' };
  }
  return { name: tool.name, ...(first && first.length < description.length ? { description: first } : {}), inputSchema: { type: 'object', properties } };
}

export const WEIGHTS_FILE = join(ROOT, 'shared', 'scanner', 'learned', 'weights.ts');
/** Benign servers are split into this many folds (by server) for out-of-fold benign scores. */
const BENIGN_FOLDS = 5;
/** False-alarm budgets on real-server tools for the bands. */
const MEDIUM = { tools: 0.01, servers: 0.1 };
const HIGH = { tools: 0.002, servers: 0.05 };
/** A carrier weighs 0.15 of a benign tool of a one-tool server (chosen by leave-one-family-out among 0.15 and 0.5). */
const CARRIER_WEIGHT = 0.15;

/** Every item with its features; the rules' verdict too (poisoned alone, benign beside its server's tools). */
export function loadItems(carrierWeight = CARRIER_WEIGHT): Item[] {
  const items: Item[] = [];
  const strict = (e: CorpusEntry) => e.label_confidence !== 'context_dependent';
  for (const file of ['poisoned.dev.jsonl', 'poisoned.extra.jsonl']) {
    for (const e of loadJsonl(file).filter(strict)) {
      items.push({
        id: e.id,
        tool: e.tool,
        label: 1,
        family: familyOf(e),
        technique: e.technique,
        server: '',
        real: false,
        example: { ...featureVector(e.tool), label: 1, weight: 1 },
        rules: flaggedAt(scanTool(e.tool)),
      });
      const carrier = carrierOf(e.tool);
      items.push({
        id: `${e.id} (carrier)`,
        tool: carrier,
        label: 0,
        family: familyOf(e),
        technique: e.technique,
        server: `carrier:${e.id}`,
        real: false,
        carrier: true,
        example: { ...featureVector(carrier), label: 0, weight: carrierWeight },
        rules: false,
      });
    }
  }
  const benign = [
    ...devBenignServers().map((s) => ({ name: `dev:${s.name}`, tools: s.tools, real: false })),
    ...loadBenignServers().map((s) => ({ name: s.package, tools: s.tools, real: true })),
  ];
  for (const s of benign) {
    const scans = scanToolList(s.tools);
    const names = s.tools.map((t) => String(t.name));
    s.tools.forEach((tool, i) =>
      items.push({
        id: `${s.name}/${String(tool.name)}`,
        tool,
        siblings: names,
        label: 0,
        family: 'benign',
        technique: 'benign',
        server: s.name,
        real: s.real,
        example: { ...featureVector(tool, names), label: 0, weight: 1 },
        rules: flaggedAt(scans[i]!),
      }),
    );
  }
  // The classes weigh the same in total; a big server counts no more than a few small ones.
  const sizes = new Map<string, number>();
  for (const it of items) if (!it.label && !it.carrier) sizes.set(it.server, (sizes.get(it.server) ?? 0) + 1);
  for (const it of items) if (!it.label && !it.carrier) it.example.weight = 1 / Math.sqrt(sizes.get(it.server)!);
  const pos = items.filter((i) => i.label).length;
  const negWeight = items.filter((i) => !i.label).reduce((s, i) => s + i.example.weight, 0);
  for (const it of items) if (it.label) it.example.weight = negWeight / pos;
  return items;
}

/** The training examples without the features too few families share (TrainOptions.minFamilies). */
export function examplesFor(items: readonly Item[], opts: TrainOptions): Example[] {
  if (opts.minFamilies <= 1) return items.map((i) => i.example);
  const families = new Map<number, Set<string>>();
  const benign = new Set<number>();
  for (const it of items) {
    for (const i of it.example.indices) {
      if (!it.label) benign.add(i);
      else {
        const f = families.get(i) ?? new Set<string>();
        f.add(it.family);
        families.set(i, f);
      }
    }
  }
  const drop = new Set([...families].filter(([i, f]) => f.size < opts.minFamilies && !benign.has(i)).map(([i]) => i));
  return items.map((it) => {
    const keep: number[] = [];
    it.example.indices.forEach((i, k) => {
      if (!drop.has(i)) keep.push(k);
    });
    return { ...it.example, indices: Int32Array.from(keep, (k) => it.example.indices[k]!), values: Float64Array.from(keep, (k) => it.example.values[k]!) };
  });
}

function fit(items: readonly Item[], opts: TrainOptions): { w: Float32Array; bias: number } {
  const { w, bias } = train(examplesFor(items, opts), opts);
  const q = quantize(w);
  return { w: dequantize(q.ints, q.scale), bias };
}
const score = (m: { w: Float32Array; bias: number }, tool: Tool, siblings?: readonly string[]) => sigmoid(margin(tool, m.w, m.bias, siblings));

/** Out-of-fold scores: each poisoned item scored by a model built without its group (family or technique), each benign one without its server's fold. */
export function crossValidate(items: readonly Item[], opts: TrainOptions, key: 'family' | 'technique'): Map<Item, number> {
  const out = new Map<Item, number>();
  const groups = [...new Set(items.filter((i) => i.label).map((i) => i[key]))].sort();
  for (const g of groups) {
    // The held-out group's carriers go too: they share its words.
    const m = fit(
      items.filter((i) => !((i.label || i.carrier) && i[key] === g)),
      opts,
    );
    for (const i of items) if (i.label && i[key] === g) out.set(i, score(m, i.tool, i.siblings));
  }
  return out;
}

export function benignOutOfFold(items: readonly Item[], opts: TrainOptions): Map<Item, number> {
  const out = new Map<Item, number>();
  const servers = [...new Set(items.filter((i) => !i.label && !i.carrier).map((i) => i.server))].sort();
  const fold = new Map(servers.map((s, k) => [s, k % BENIGN_FOLDS]));
  for (let f = 0; f < BENIGN_FOLDS; f++) {
    const m = fit(
      items.filter((i) => i.label || i.carrier || fold.get(i.server) !== f),
      opts,
    );
    for (const i of items) if (!i.label && !i.carrier && fold.get(i.server) === f) out.set(i, score(m, i.tool, i.siblings));
  }
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

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const ci = (h: number, n: number) => {
  const [l, u] = wilson(h, n);
  return `${pct(l)}–${pct(u)}`;
};

function report(items: readonly Item[], opts: TrainOptions): { medium: number; high: number } {
  const benignScores = benignOutOfFold(items, opts);
  const real = items.filter((i) => !i.label && i.real);
  const dev = items.filter((i) => !i.label && !i.real && !i.carrier);
  const scored = real.map((i) => ({ score: benignScores.get(i)!, server: i.server }));
  const t = thresholdFor(scored, MEDIUM.tools, MEDIUM.servers);
  const tHigh = Math.max(t, thresholdFor(scored, HIGH.tools, HIGH.servers));
  const model = (i: Item, s: Map<Item, number>) => s.get(i)! > t;
  console.log(
    `options ${JSON.stringify(opts)}; items: ${items.filter((i) => i.label).length} poisoned (and as many benign carriers), ${dev.length} dev benign, ${real.length} real-server benign`,
  );
  console.log(
    `thresholds (out-of-fold, real-server tools): medium ${t.toFixed(4)} (≤ ${pct(MEDIUM.tools)} of tools, ≤ ${pct(MEDIUM.servers)} of servers), high ${tHigh.toFixed(4)} (≤ ${pct(HIGH.tools)}, ≤ ${pct(HIGH.servers)})`,
  );

  const alarms = (set: readonly Item[], hit: (i: Item) => boolean) => {
    const tools = set.filter(hit).length;
    const servers = new Set(set.map((i) => i.server)).size;
    const bad = new Set(set.filter(hit).map((i) => i.server)).size;
    return `${tools}/${set.length} tools (${pct(tools / set.length)}, 95% ${ci(tools, set.length)}), ${bad}/${servers} servers (${pct(bad / servers)})`;
  };
  const modelB = (i: Item) => model(i, benignScores);
  console.log('\n| detector | real-server false alarms | dev-benign false alarms |\n|---|---|---|');
  console.log(`| rules alone | ${alarms(real, (i) => i.rules)} | ${alarms(dev, (i) => i.rules)} |`);
  console.log(`| learned alone | ${alarms(real, modelB)} | ${alarms(dev, modelB)} |`);
  console.log(`| rules OR learned | ${alarms(real, (i) => i.rules || modelB(i))} | ${alarms(dev, (i) => i.rules || modelB(i))} |`);
  console.log(
    `\nThe learned model's out-of-fold false alarms (benign tools): ${
      real
        .filter(modelB)
        .map((i) => `${i.id} (${benignScores.get(i)!.toFixed(2)})`)
        .join(', ') || 'none'
    }`,
  );

  for (const key of ['family', 'technique'] as const) {
    const scores = crossValidate(items, opts, key);
    const poisoned = items.filter((i) => i.label);
    const groups = [...new Set(poisoned.map((i) => i[key]))].sort(
      (a, b) => poisoned.filter((i) => i[key] === b).length - poisoned.filter((i) => i[key] === a).length || a.localeCompare(b),
    );
    console.log(`\nLeave-one-${key}-out recall (caught = medium or higher; learned at score > ${t.toFixed(3)})`);
    console.log(`| ${key} | n | rules | learned | rules OR learned |\n|---|---|---|---|---|`);
    const macro = { rules: 0, model: 0, union: 0 };
    const total = { rules: 0, model: 0, union: 0 };
    for (const g of groups) {
      const set = poisoned.filter((i) => i[key] === g);
      const r = set.filter((i) => i.rules).length;
      const m = set.filter((i) => model(i, scores)).length;
      const u = set.filter((i) => i.rules || model(i, scores)).length;
      macro.rules += r / set.length;
      macro.model += m / set.length;
      macro.union += u / set.length;
      total.rules += r;
      total.model += m;
      total.union += u;
      console.log(`| ${g} | ${set.length} | ${r} (${pct(r / set.length)}) | ${m} (${pct(m / set.length)}) | ${u} (${pct(u / set.length)}) |`);
    }
    const n = poisoned.length;
    console.log(
      `| **all (micro)** | ${n} | ${total.rules} (${pct(total.rules / n)}, ${ci(total.rules, n)}) | ${total.model} (${pct(total.model / n)}, ${ci(total.model, n)}) | ${total.union} (${pct(total.union / n)}, ${ci(total.union, n)}) |`,
    );
    console.log(
      `| **macro** | ${groups.length} | ${pct(macro.rules / groups.length)} | ${pct(macro.model / groups.length)} | ${pct(macro.union / groups.length)} |`,
    );
  }
  return { medium: t, high: tHigh };
}

/**
 * Sets the model never trains on: hand-written paraphrases, variants and the stress set of
 * test/scanner/. They were written beside the rules (so the rules' figures on them are tuned)
 * but the model has not seen them.
 */
function reportUnseen(model: { w: Float32Array; bias: number }, t: number): void {
  const stress = JSON.parse(readFileSync(join(ROOT, 'test', 'scanner', 'stress-set.json'), 'utf8')) as { poisoned: Tool[]; benign: Tool[] };
  const poisonedSets: [string, Tool[]][] = [
    ['paraphrase set 1', PARAPHRASES.map((p) => p.tool)],
    ['paraphrase set 2', PARAPHRASES_2.map((p) => p.tool)],
    ['variants', POISONED_VARIANTS.map((p) => p.tool)],
    ['stress set', stress.poisoned],
  ];
  const learned = (tool: Tool, siblings?: string[]) => score(model, tool, siblings) > t;
  console.log(`\nSets never trained on (final model, score > ${t.toFixed(3)})`);
  console.log('| set | n | rules | learned | rules OR learned |\n|---|---|---|---|---|');
  for (const [name, tools] of poisonedSets) {
    const r = tools.map((tool) => flaggedAt(scanTool(tool)));
    const m = tools.map((tool) => learned(tool));
    const u = tools.filter((_, k) => r[k] || m[k]).length;
    const row = (h: number) => `${h} (${pct(h / tools.length)})`;
    console.log(`| ${name} (poisoned) | ${tools.length} | ${row(r.filter(Boolean).length)} | ${row(m.filter(Boolean).length)} | ${row(u)} |`);
  }
  const benign: [string, { tool: Tool; siblings: string[] }[]][] = [
    ['variants', BENIGN_VARIANTS.map((b) => ({ tool: b.tool, siblings: b.siblings ?? [] }))],
    ['stress set', stress.benign.map((tool) => ({ tool, siblings: [] }))],
  ];
  for (const [name, set] of benign) {
    const r = set.map((b) => flaggedAt(scanTool(b.tool, { siblings: b.siblings })));
    const m = set.map((b) => learned(b.tool, b.siblings));
    const u = set.filter((_, k) => r[k] || m[k]).length;
    const row = (h: number) => `${h} (${pct(h / set.length)})`;
    console.log(
      `| ${name} (benign look-alikes: false alarms) | ${set.length} | ${row(r.filter(Boolean).length)} | ${row(m.filter(Boolean).length)} | ${row(u)} |`,
    );
  }
}

export function writeWeights(items: readonly Item[], opts: TrainOptions, thresholds: { medium: number; high: number }, unseen = false): string {
  const { w, bias } = train(examplesFor(items, opts), opts);
  const q = quantize(w);
  if (unseen) reportUnseen({ w: dequantize(q.ints, q.scale), bias }, thresholds.medium);
  const text = `// Generated by test/scanner/learned/train.ts: do not edit. Retrain with
// \`node test/scanner/learned/train.ts\` (deterministic: the same data gives this file).
import type { StoredModel } from './model.ts';

export const MODEL: StoredModel = {
  scale: ${q.scale},
  bias: ${bias},
  thresholds: { medium: ${thresholds.medium}, high: ${thresholds.high} },
  weights: '${encodeWeights(q.ints)}',
};
`;
  return text;
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const opts: TrainOptions = { ...DEFAULTS };
  for (const a of args) {
    const m = /^--(l2|iterations|rate|minFamilies)=(.+)$/.exec(a);
    if (m) opts[m[1] as 'l2' | 'iterations' | 'rate' | 'minFamilies'] = Number(m[2]);
    if (a === '--bayes') opts.algorithm = 'bayes';
  }
  const items = loadItems();
  let thresholds: { medium: number; high: number };
  if (args.includes('--quick') || args.includes('--check')) {
    const benignScores = benignOutOfFold(items, opts);
    const scored = items.filter((i) => !i.label && i.real).map((i) => ({ score: benignScores.get(i)!, server: i.server }));
    const medium = thresholdFor(scored, MEDIUM.tools, MEDIUM.servers);
    thresholds = { medium, high: Math.max(medium, thresholdFor(scored, HIGH.tools, HIGH.servers)) };
  } else thresholds = report(items, opts);
  const text = writeWeights(items, opts, thresholds, !args.includes('--quick') && !args.includes('--check'));
  if (args.includes('--check')) {
    const same = readFileSync(WEIGHTS_FILE, 'utf8') === text;
    console.log(same ? 'weights reproduce exactly' : 'weights differ from the committed file');
    process.exitCode = same ? 0 : 1;
  } else if (!args.includes('--dry')) {
    writeFileSync(WEIGHTS_FILE, text);
    console.log(`\nwrote ${WEIGHTS_FILE} (${text.length} bytes)`);
  }
}
