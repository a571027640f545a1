// A linear model over the features of features.ts, and how its weights are
// stored: 16-bit integers with one scale, base64 in a generated module, so the
// shipped file stays small and reads the same in Node and in a browser.
import { accumulate, clear, DIM, touchedIndex, valueAt } from './features.ts';

export interface StoredModel {
  /** Base64 of DIM little-endian int16 weights; weight = int * scale. */
  weights: string;
  scale: number;
  bias: number;
  /** Score bands, chosen on out-of-fold scores of benign real-server tools. */
  thresholds: { medium: number; high: number };
}

export const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** The raw margin w·x + b of a tool; siblings are the other tools of its server. */
export function margin(tool: Record<string, unknown>, w: ArrayLike<number>, bias: number, siblings?: readonly string[]): number {
  const n = accumulate(tool, null, siblings);
  let z = bias;
  for (let t = 0; t < n; t++) {
    const i = touchedIndex(t);
    z += w[i]! * valueAt(i);
  }
  clear();
  return z;
}

/** Rounds weights to what storage keeps, so measured models are the models that would ship. */
export function quantize(w: ArrayLike<number>): { ints: Int16Array; scale: number } {
  let max = 0;
  for (let i = 0; i < w.length; i++) max = Math.max(max, Math.abs(w[i]!));
  const scale = max > 0 ? max / 32767 : 1;
  const ints = new Int16Array(w.length);
  for (let i = 0; i < w.length; i++) ints[i] = Math.round(w[i]! / scale);
  return { ints, scale };
}

export function dequantize(ints: Int16Array, scale: number): Float32Array {
  const w = new Float32Array(ints.length);
  for (let i = 0; i < ints.length; i++) w[i] = ints[i]! * scale;
  return w;
}

export function encodeWeights(ints: Int16Array): string {
  const bytes = new Uint8Array(ints.length * 2);
  for (let i = 0; i < ints.length; i++) {
    bytes[2 * i] = ints[i]! & 0xff;
    bytes[2 * i + 1] = (ints[i]! >> 8) & 0xff;
  }
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function decodeWeights(model: StoredModel): Float32Array {
  const s = atob(model.weights);
  if (s.length !== DIM * 2)
    throw new Error(`learned model has ${s.length / 2} weights, the features need ${DIM}: retrain (node test/scanner/learned/train.ts)`);
  const ints = new Int16Array(DIM);
  for (let i = 0; i < DIM; i++) ints[i] = ((s.charCodeAt(2 * i) | (s.charCodeAt(2 * i + 1) << 8)) << 16) >> 16;
  return dequantize(ints, model.scale);
}
