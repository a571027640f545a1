// Redaction on the result path: a 4 KB tool result, with 50 secrets held.
//   node bench/redaction.ts
import { randomBytes } from 'node:crypto';
import { Redactor } from '../shared/redaction/redact.ts';

const pct = (s: number[], p: number) => [...s].sort((a, b) => a - b)[Math.floor((p / 100) * s.length)]!;
// Random values with no shared prefix: the hard case for a multi-pattern scan.
const secrets = Array.from({ length: 50 }, (_, i) => ({ label: `server${i}/key`, value: randomBytes(18).toString('base64url') }));
const redactor = new Redactor(secrets);
const words = 'the quick brown fox jumps over the lazy dog while the build runs and the logs scroll by '.repeat(60);
const clean = JSON.stringify({ jsonrpc: '2.0', id: 1, result: { content: [{ type: 'text', text: words.slice(0, 4000) }] } });
const dirty = clean.replace('lazy dog', `lazy ${secrets[17]!.value} dog`);

// Distinct strings each time, so no engine-level cache of the last match flatters the figure.
const variants = (base: string) => Array.from({ length: 500 }, (_, i) => base.replace('quick', `quick${i}`));
for (const [label, texts] of [
  ['4 KB result, no secret in it', variants(clean)],
  ['4 KB result, one secret in it', variants(dirty)],
] as const) {
  for (let i = 0; i < 2000; i++) redactor.redact(texts[i % texts.length]!);
  const samples: number[] = [];
  for (let i = 0; i < 20000; i++) {
    const text = texts[i % texts.length]!;
    const t = performance.now();
    redactor.redact(text);
    samples.push((performance.now() - t) * 1000);
  }
  console.log(`${label}, 50 secrets held: p50 ${pct(samples, 50).toFixed(1)} µs, p99 ${pct(samples, 99).toFixed(1)} µs`);
}
