// tools/list through the daemon over HTTP, interleaved (bench/interleave.ts): time to
// the last byte with a raw keep-alive client, for 2,000 tools (50 upstreams × 40) and
// 20,000 tools (10 upstreams × 2,000), and 20,000 tools followed page by page.
//   node bench/list.ts [--rounds 5] [--calls 200] [--baseline DIR]
// --baseline DIR adds the same one-page cases against another checkout's daemon
// (e.g. a git worktree of an older commit), interleaved with these.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { toolHash } from '../shared/pinning/hash.ts';
import { ALLOW_ALL, CLI, daemon, LIST_SERVER, RawClient, stopAll } from './harness.ts';
import { runInterleaved, timeCalls, type BenchCase } from './interleave.ts';
import { listTools } from './list-tools.ts';

const { values: opts } = parseArgs({
  options: { rounds: { type: 'string', default: '5' }, calls: { type: 'string', default: '200' }, baseline: { type: 'string' } },
});
const CALLS = Number(opts.calls);

// Pinned in the bundle, so both daemons list at once: this measures serving the list, not judging it (bench/pinning.ts).
const servers = (n: number, tools: number) => {
  const pins = Object.fromEntries(listTools(tools).map((t) => [String(t.name), toolHash(t)]));
  return Array.from({ length: n }, (_, i) => ({
    id: `s${i}`,
    transport: { type: 'stdio', command: process.execPath, args: [LIST_SERVER, String(tools)] },
    pins,
  }));
};

/** A daemon on these servers, once every tool has been judged and listed. */
async function listing(n: number, tools: number, pageSize = 100_000, cli = CLI): Promise<RawClient> {
  const gh = await daemon({ schemaVersion: 1, name: 'list', policies: ALLOW_ALL, servers: servers(n, tools), settings: { pageSize } }, cli);
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
    const page = (await raw.call('tools/list', cursor ? { cursor } : {})) as { result: { tools: unknown[]; nextCursor?: string } };
    count += page.result.tools.length;
    cursor = page.result.nextCursor;
  } while (cursor);
  return count;
}

function listCase(name: string, open: () => Promise<RawClient>, paged = false): BenchCase {
  let raw: RawClient;
  return {
    name,
    setup: async () => {
      raw = await open();
      for (let i = 0; i < 20; i++) await raw.call('tools/list', {}, false);
    },
    round: () => timeCalls(() => (paged ? listAll(raw) : raw.call('tools/list', {}, false)), paged ? Math.ceil(CALLS / 20) : CALLS),
    teardown: () => raw.close(),
  };
}

const cases = [
  listCase('2,000 tools from 50 upstreams × 40, one page', () => listing(50, 40)),
  listCase('20,000 tools from 10 upstreams × 2,000, one page (default pageSize)', () => listing(10, 2000)),
  listCase('20,000 tools, pageSize 1,000: all 20 pages, following nextCursor', () => listing(10, 2000, 1000), true),
];
if (opts.baseline) {
  const cli = join(opts.baseline, 'bin', 'gatehouse.js');
  cases.push(listCase(`baseline ${opts.baseline}: 2,000 tools, one page`, () => listing(50, 40, 100_000, cli)));
  cases.push(listCase(`baseline ${opts.baseline}: 20,000 tools, one page`, () => listing(10, 2000, 100_000, cli)));
}
try {
  await runInterleaved('tools/list through the daemon (HTTP, raw client, to the last byte)', cases, Number(opts.rounds), 3);
} finally {
  stopAll();
}
process.exit(0);
