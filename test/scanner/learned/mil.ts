// Experiment: the learned model trained as MULTIPLE INSTANCES. A poisoned tool usually hides
// its order in one sentence of honest text, and a model over the whole tool dilutes that
// sentence in the rest. Here each description sentence (beside the tool's name and schema)
// is an instance as well as the whole tool; a tool's score is its worst instance. Benign
// tools teach that none of their instances is poisoned; a poisoned tool teaches only that its
// worst instance is (chosen by the previous round's model, as in MI-SVM).
//   node test/scanner/learned/mil.ts [--rounds=2] [--hold=heldout-7,heldout-8]
// Prints, for each held-out source, rules / learned / rules OR learned with the whole-tool
// model and with the multiple-instance model, each at its own medium threshold chosen on
// out-of-fold real servers as train.ts does. Aggregates only (no poisoned text).
import { featureVector } from '../../../shared/scanner/learned/features.ts';
import { dequantize, quantize, sigmoid } from '../../../shared/scanner/learned/model.ts';
import { loadItems, type Item } from './data.ts';
import { DEFAULTS, train, type Example } from './logistic.ts';
import { thresholds } from './train.ts';

type Tool = Record<string, unknown>;
type Vec = { indices: Int32Array; values: Float64Array };
type Model = { w: Float32Array; bias: number };

const MAX_SENTENCES = 24;
/** The description's sentences, each beside the rest of the definition (name, schema). */
export function instancesOf(tool: Tool): Tool[] {
  const d = tool.description;
  if (typeof d !== 'string') return [tool];
  const parts = d.split(/(?<=[.!?。！？])\s+|\n+/).filter((x) => x.trim().length > 0);
  if (parts.length < 2) return [tool];
  return [tool, ...parts.slice(0, MAX_SENTENCES).map((s) => ({ ...tool, description: s }))];
}

const vectors = new Map<Item, Vec[]>();
function vecs(i: Item): Vec[] {
  let v = vectors.get(i);
  if (!v) {
    v = instancesOf(i.tool).map((t) => featureVector(t, i.siblings));
    vectors.set(i, v);
  }
  return v;
}
const dot = (m: Model, v: Vec) => {
  let z = m.bias;
  for (let k = 0; k < v.indices.length; k++) z += m.w[v.indices[k]!]! * v.values[k]!;
  return z;
};
const worst = (m: Model, i: Item) => Math.max(...vecs(i).map((v) => dot(m, v)));

function fitWhole(items: readonly Item[]): Model {
  const { w, bias } = train(
    items.map((i) => i.example),
    DEFAULTS,
  );
  const q = quantize(w);
  return { w: dequantize(q.ints, q.scale), bias };
}

function fitMil(items: readonly Item[], rounds: number): Model {
  let m = fitWhole(items);
  for (let r = 0; r < rounds; r++) {
    const ex: Example[] = [];
    let neg = 0,
      pos = 0;
    for (const i of items) {
      const vs = vecs(i);
      if (i.label) {
        let best = vs[0]!,
          z = -Infinity;
        for (const v of vs) {
          const s = dot(m, v);
          if (s > z) [z, best] = [s, v];
        }
        ex.push({ ...best, label: 1, weight: i.example.weight });
        pos += i.example.weight;
      } else {
        const each = i.example.weight / Math.sqrt(vs.length);
        for (const v of vs) ex.push({ ...v, label: 0, weight: each });
        neg += each * vs.length;
      }
    }
    // The classes weigh the same in total, as in the whole-tool training.
    for (const e of ex) if (e.label) e.weight *= neg / pos;
    const { w, bias } = train(ex, DEFAULTS);
    const q = quantize(w);
    m = { w: dequantize(q.ints, q.scale), bias };
  }
  return m;
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const rounds = Number(args.find((a) => a.startsWith('--rounds='))?.slice(9) ?? 2);
  const hold = (args.find((a) => a.startsWith('--hold='))?.slice(7) ?? 'heldout-7,heldout-8').split(',');
  const t0 = Date.now();
  const items = loadItems(0.15, true, 3);
  process.stderr.write(`loaded ${items.length} items in ${Date.now() - t0} ms\n`);
  const measured = (i: Item) => !i.carrier;
  const whole = new Map<Item, number>(),
    mil = new Map<Item, number>();
  const score = (a: Model, b: Model, i: Item) => {
    whole.set(i, sigmoid(dot(a, vecs(i)[0]!)));
    mil.set(i, sigmoid(worst(b, i)));
  };
  for (const s of hold) {
    const rest = items.filter((i) => i.source !== s);
    const a = fitWhole(rest),
      b = fitMil(rest, rounds);
    for (const i of items) if (i.source === s && measured(i)) score(a, b, i);
    process.stderr.write(`held out ${s} (${Date.now() - t0} ms)\n`);
  }
  // Real servers' tools scored out of fold, for the thresholds (as train.ts's outOfSource).
  const poisonedSources = new Set(items.filter((i) => i.label).map((i) => i.source));
  const servers = [...new Set(items.filter((i) => !i.label && measured(i) && !poisonedSources.has(i.source)).map((i) => i.server))].sort();
  const fold = new Map(servers.map((s, k) => [s, k % 5]));
  for (let f = 0; f < 5; f++) {
    const rest = items.filter((i) => fold.get(i.server) !== f);
    const a = fitWhole(rest),
      b = fitMil(rest, rounds);
    for (const i of items) if (fold.get(i.server) === f && measured(i)) score(a, b, i);
    process.stderr.write(`benign fold ${f} (${Date.now() - t0} ms)\n`);
  }
  const realOnly = items.filter((i) => (i.kind === 'real' || i.kind === 'real-2') && measured(i));
  for (const [name, scores] of [
    ['whole tool', whole],
    [`multiple instances (${rounds} rounds)`, mil],
  ] as const) {
    const t = thresholds(realOnly, scores);
    const flagged = (i: Item) => scores.get(i)! > t.medium;
    const real = realOnly.filter(flagged);
    console.log(`\n== ${name}: medium > ${t.medium.toFixed(4)}, high > ${t.high.toFixed(4)}`);
    console.log(`real servers out of fold: ${real.length}/${realOnly.length} tools on ${new Set(real.map((i) => i.server)).size} servers`);
    for (const s of hold) {
      const p = items.filter((i) => i.source === s && i.label);
      const b = items.filter((i) => i.source === s && !i.label && measured(i));
      const rules = p.filter((i) => i.rules).length;
      const learned = p.filter(flagged).length;
      const union = p.filter((i) => i.rules || flagged(i)).length;
      const badServers = new Set(b.filter((i) => i.rules || flagged(i)).map((i) => i.server)).size;
      console.log(
        `${s}: ${p.length} poisoned; rules ${rules}, learned ${learned}, rules OR learned ${union}; benign alarms (union) ${b.filter((i) => i.rules || flagged(i)).length}/${b.length} on ${badServers}/${new Set(b.map((i) => i.server)).size} servers`,
      );
    }
  }
}
