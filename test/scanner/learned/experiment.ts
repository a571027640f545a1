// Compares training settings under leave-one-family-out (aggregates only): not part of the build.
import { groupOf } from '../../../shared/scanner/learned/features.ts';
import { benignOutOfFold, crossValidate, loadItems, thresholdFor, type Item } from './train.ts';
import { DEFAULTS, type TrainOptions } from './logistic.ts';

const items = loadItems(process.env.CARRIER_WEIGHT ? Number(process.env.CARRIER_WEIGHT) : undefined);
const configs: { name: string; opts: Partial<TrainOptions>; groups: number[] }[] = JSON.parse(process.argv[2] ?? '[]');
for (const c of configs) {
  const keep = new Set(c.groups);
  const masked: Item[] = items.map((i) => {
    const idx: number[] = [];
    const val: number[] = [];
    i.example.indices.forEach((x, k) => {
      if (keep.has(groupOf(x))) {
        idx.push(x);
        val.push(i.example.values[k]!);
      }
    });
    return { ...i, example: { ...i.example, indices: Int32Array.from(idx), values: Float64Array.from(val) } };
  });
  const opts = { ...DEFAULTS, ...c.opts };
  const b = benignOutOfFold(masked, opts);
  const real = masked.filter((i) => !i.label && i.real).map((i) => ({ score: b.get(i)!, server: i.server }));
  const devB = masked.filter((i) => !i.label && !i.real && !i.carrier).map((i) => b.get(i)!);
  const line: string[] = [];
  for (const key of process.env.LOTO ? (['family', 'technique'] as const) : (['family'] as const)) {
    const s = crossValidate(masked, opts, key);
    const pos = masked.filter((i) => i.label);
    for (const fpr of [0.01, 0.05]) {
      const t = thresholdFor(real, fpr, 1);
      const groups = [...new Set(pos.map((i) => i[key]))];
      const macro =
        groups.reduce((a, g) => {
          const set = pos.filter((i) => i[key] === g);
          return a + set.filter((i) => s.get(i)! > t).length / set.length;
        }, 0) / groups.length;
      const micro = pos.filter((i) => s.get(i)! > t).length / pos.length;
      const union = pos.filter((i) => s.get(i)! > t || i.rules).length;
      line.push(
        `${key}@${fpr}: micro ${(micro * 100).toFixed(1)} macro ${(macro * 100).toFixed(1)}${fpr === 0.01 ? ` devFP ${devB.filter((x) => x > t).length}` : ''}`,
      );
      void union;
    }
  }
  console.log(`${c.name}: ${line.join(' | ')}`);
}
