// L2-regularised logistic regression over sparse vectors, full-batch with Adam:
// no sampling, so the same data gives the same weights on every run.
import { DIM } from '../../../shared/scanner/learned/features.ts';

export interface Example {
  indices: Int32Array;
  values: Float64Array;
  label: 0 | 1;
  weight: number;
}
export interface TrainOptions {
  l2: number;
  iterations: number;
  rate: number;
  /** 'logistic', or 'bayes': multinomial naive Bayes over the same features (a linear model too), smoothed by l2 as its alpha. */
  algorithm: 'logistic' | 'bayes';
}
export const DEFAULTS: TrainOptions = { l2: 1e-6, iterations: 300, rate: 0.05, algorithm: 'logistic' };

/** Naive Bayes log-ratio weights: for comparison under the same cross-validation. */
function trainBayes(examples: readonly Example[], alpha: number): { w: Float64Array; bias: number } {
  const pos = new Float64Array(DIM),
    neg = new Float64Array(DIM);
  let nPos = 0,
    nNeg = 0;
  for (const e of examples) {
    const into = e.label ? pos : neg;
    for (let k = 0; k < e.indices.length; k++) into[e.indices[k]!]! += e.values[k]! * e.weight;
    if (e.label) nPos += e.weight;
    else nNeg += e.weight;
  }
  const sp = pos.reduce((a, b) => a + b, 0) + alpha * DIM,
    sn = neg.reduce((a, b) => a + b, 0) + alpha * DIM;
  const w = new Float64Array(DIM);
  for (let i = 0; i < DIM; i++) if (pos[i] || neg[i]) w[i] = Math.log((pos[i]! + alpha) / sp) - Math.log((neg[i]! + alpha) / sn);
  return { w, bias: Math.log(nPos / nNeg) };
}

export function train(examples: readonly Example[], opts: TrainOptions = DEFAULTS): { w: Float64Array; bias: number } {
  if (opts.algorithm === 'bayes') return trainBayes(examples, opts.l2);
  // One flat copy of the data: the inner loops then read contiguous typed arrays.
  const offsets = new Int32Array(examples.length + 1);
  examples.forEach((e, k) => {
    offsets[k + 1] = offsets[k]! + e.indices.length;
  });
  const idx = new Int32Array(offsets[examples.length]!);
  const val = new Float64Array(idx.length);
  examples.forEach((e, k) => {
    idx.set(e.indices, offsets[k]!);
    val.set(e.values, offsets[k]!);
  });
  const total = examples.reduce((s, e) => s + e.weight, 0);
  const scale = Float64Array.from(examples, (e) => e.weight / total);
  const labels = Float64Array.from(examples, (e) => e.label);

  const w = new Float64Array(DIM);
  const g = new Float64Array(DIM);
  const m = new Float64Array(DIM + 1);
  const v = new Float64Array(DIM + 1);
  let bias = 0;
  const b1 = 0.9,
    b2 = 0.999,
    eps = 1e-8;
  for (let it = 1; it <= opts.iterations; it++) {
    g.fill(0);
    let gb = 0;
    for (let k = 0; k < examples.length; k++) {
      const from = offsets[k]!,
        to = offsets[k + 1]!;
      let z = bias;
      for (let j = from; j < to; j++) z += w[idx[j]!]! * val[j]!;
      const d = (1 / (1 + Math.exp(-z)) - labels[k]!) * scale[k]!;
      gb += d;
      for (let j = from; j < to; j++) g[idx[j]!]! += d * val[j]!;
    }
    const c1 = 1 - b1 ** it,
      c2 = 1 - b2 ** it;
    for (let i = 0; i < DIM; i++) {
      const gi = g[i]! + opts.l2 * w[i]!;
      if (gi === 0 && m[i] === 0) continue;
      m[i] = b1 * m[i]! + (1 - b1) * gi;
      v[i] = b2 * v[i]! + (1 - b2) * gi * gi;
      w[i]! -= (opts.rate * (m[i]! / c1)) / (Math.sqrt(v[i]! / c2) + eps);
    }
    m[DIM] = b1 * m[DIM]! + (1 - b1) * gb;
    v[DIM] = b2 * v[DIM]! + (1 - b2) * gb * gb;
    bias -= (opts.rate * (m[DIM]! / c1)) / (Math.sqrt(v[DIM]! / c2) + eps);
  }
  return { w, bias };
}
