// What a recheck of an unchanged 20,000-tool list costs the daemon's loop: the catalogue
// cache compares the list it re-read with the one it holds. Two whole-list JSON texts
// (the comparison before 4e218a1) against the cache's own item-by-item sameItems.
//   node bench/list-recheck.ts [--rounds 5] [--tools 20000]
import { parseArgs } from 'node:util';
import { sameItems } from '../gateway/upstream/catalog-cache.ts';
import { runInterleaved } from './interleave.ts';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, tools: { type: 'string', default: '20000' } } });
const count = Number(values.tools);
const list = () =>
  Array.from({ length: count }, (_, i) => ({
    name: `tool_${i}`,
    description: `Does thing ${i} for the caller, with text about as long as a real tool's description.`,
    inputSchema: { type: 'object', properties: { path: { type: 'string', description: 'where' }, limit: { type: 'number' } }, required: ['path'] },
  }));
const held = list();
const texts = new WeakMap<object, string>();
const sample = (same: (read: object[]) => boolean) => () => {
  const times: number[] = [];
  for (let k = 0; k < 5; k++) {
    const read = list();
    const started = performance.now();
    if (!same(read)) throw new Error('the lists differ');
    times.push(performance.now() - started);
  }
  return { 'p50 ms': times.sort((a, b) => a - b)[2]! };
};
await runInterleaved(
  `recheck of an unchanged ${count}-tool list`,
  [
    { name: 'whole-list JSON twice', round: sample((read) => JSON.stringify(read) === JSON.stringify(held)) },
    { name: 'item by item, held texts kept', round: sample((read) => sameItems(read, held, texts)) },
  ],
  Number(values.rounds),
);
