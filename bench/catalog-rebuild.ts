// How long the daemon's thread spends rebuilding the tool catalogue while a big first
// sight fills it in: 20,000 tools approved 500 at a time, the catalogue invalidated and
// rebuilt after each step (as a progress report and the next call do), in-process.
// Each DIR is a checkout (this one by default, or a git worktree of an older commit),
// interleaved in rounds (bench/interleave.ts). Prints figures, never fails.
//   node bench/catalog-rebuild.ts [--rounds 5] [DIR ...]
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { parseBundle } from '../shared/bundle/schema.ts';
import type * as CatalogModule from '../gateway/mux/catalog.ts';
import { percentile, runInterleaved, type BenchCase } from './interleave.ts';

const { values: opts, positionals } = parseArgs({ options: { rounds: { type: 'string', default: '5' } }, allowPositionals: true });
const dirs = positionals.length ? positionals : [join(import.meta.dirname, '..')];
const parsed = parseBundle({ schemaVersion: 1, name: 'bench', servers: [] });
if (!parsed.ok) throw new Error('bad bench bundle');
const settings = parsed.bundle.settings;
const N = 20_000;
const STEP = 500;

const cases: BenchCase[] = [];
for (const dir of dirs) {
  const { Catalog } = (await import(pathToFileURL(join(dir, 'gateway', 'mux', 'catalog.ts')).href)) as typeof CatalogModule;
  cases.push({
    name: `catalogue rebuilt while ${N.toLocaleString('en')} tools are approved ${STEP} at a time (${dir})`,
    round: () => {
      const tools = Array.from({ length: N }, (_, i) => ({
        name: `tool_${i}`,
        description: `Benchmark tool number ${i}, which does nothing in particular but has a realistic description length for a tool.`,
        inputSchema: {
          type: 'object',
          properties: { message: { type: 'string', description: 'A message' }, count: { type: 'integer' } },
          required: ['message'],
        },
      }));
      const upstream = { id: 'big', state: 'ready', catalog: { tools, prompts: [], resources: [], resourceTemplates: [] } };
      const approved = new Set<unknown>();
      const catalog = new Catalog(
        settings,
        () => [upstream as never],
        (_u, tool) => approved.has(tool),
      );
      const times: number[] = [];
      for (let from = 0; from < N; from += STEP) {
        for (const t of tools.slice(from, from + STEP)) approved.add(t);
        catalog.invalidate('tools');
        const t0 = performance.now();
        const view = catalog.toolView();
        void view.list.items.length;
        times.push(performance.now() - t0);
      }
      return { 'rebuild p50, ms': percentile(times, 50), 'rebuild max, ms': Math.max(...times), 'the whole list, ms': times.at(-1)! };
    },
  });
}
await runInterleaved('Catalogue rebuilds during first sight (in-process)', cases, Number(opts.rounds), 1);
