// tools/list through the daemon over HTTP, interleaved (bench/interleave.ts): time to
// the last byte with a raw keep-alive client, for 2,000 tools (50 upstreams × 40) and
// 20,000 tools (10 upstreams × 2,000), and 20,000 tools followed page by page.
//   node bench/list.ts [--rounds 5] [--calls 200]
import { parseArgs } from 'node:util';
import { ALLOW_ALL, daemon, LIST_SERVER, RawClient, stopAll, TOFU } from './harness.ts';
import { percentile, runInterleaved, type BenchCase } from './interleave.ts';

const { values: opts } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, calls: { type: 'string', default: '200' } } });
const CALLS = Number(opts.calls);

const servers = (n: number, tools: number) => Array.from({ length: n }, (_, i) => ({ id: `s${i}`, transport: { type: 'stdio', command: process.execPath, args: [LIST_SERVER, String(tools)] } }));

/** A daemon on these servers, once every tool has been judged and listed. */
async function listing(n: number, tools: number, pageSize?: number): Promise<RawClient> {
  const gh = await daemon({ schemaVersion: 1, name: 'list', policies: ALLOW_ALL, servers: servers(n, tools), settings: { ...TOFU, ...(pageSize ? { pageSize } : {}) } });
  const raw = new RawClient(gh.url, { authorization: `Bearer ${gh.token}` });
  await raw.init();
  const deadline = Date.now() + 600_000;
  while (Date.now() < deadline) {
    const all = await listAll(raw);
    if (all === n * tools) return raw;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('the catalogue never filled in');
}

async function listAll(raw: RawClient): Promise<number> {
  let count = 0;
  let cursor: string | undefined;
  do {
    const page = await raw.call('tools/list', cursor ? { cursor } : {}) as { result: { tools: unknown[]; nextCursor?: string } };
    count += page.result.tools.length;
    cursor = page.result.nextCursor;
  } while (cursor);
  return count;
}

function listCase(name: string, open: () => Promise<RawClient>, paged = false): BenchCase {
  let raw: RawClient;
  return {
    name,
    setup: async () => { raw = await open(); for (let i = 0; i < 20; i++) await raw.call('tools/list', {}, false); },
    round: async () => {
      const samples: number[] = [];
      for (let i = 0; i < (paged ? Math.ceil(CALLS / 20) : CALLS); i++) {
        const t = performance.now();
        if (paged) await listAll(raw);
        else await raw.call('tools/list', {}, false);
        samples.push(performance.now() - t);
      }
      return { 'p50 ms': percentile(samples, 50), 'p99 ms': percentile(samples, 99) };
    },
    teardown: () => raw.close(),
  };
}

try {
  await runInterleaved('tools/list through the daemon (HTTP, raw client, to the last byte)', [
    listCase('2,000 tools from 50 upstreams × 40, one page', () => listing(50, 40)),
    listCase('20,000 tools from 10 upstreams × 2,000, one page (default pageSize)', () => listing(10, 2000)),
    listCase('20,000 tools, pageSize 1,000: all 20 pages, following nextCursor', () => listing(10, 2000, 1000), true),
  ], Number(opts.rounds), 3);
} finally {
  stopAll();
}
process.exit(0);
