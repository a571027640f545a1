import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { after, describe, it } from 'node:test';
import { judgeOffThread } from './off-thread.ts';
import { ScanPool } from './scan-pool.ts';

// How many scan workers a first sight may use: every core while the machine is idle, one left to the rest of it
// otherwise (docs/performance.md, "Scan workers on two cores, measured again"); and a job over two workers still
// judges every tool once.

const cores = availableParallelism();
const ctx = { siblings: [], others: [], scannerRules: [], trustOnFirstUse: true };
const pools: ScanPool[] = [];
after(() => Promise.all(pools.map((p) => p.close())));

describe('scan pool: workers per job', () => {
  it('takes every core while idle, leaves one when busy, and never more than its size', () => {
    let load = 0;
    const pool = new ScanPool({ size: 4, busyCores: () => load });
    pools.push(pool);
    assert.equal(pool.open(ctx).workers, Math.min(4, cores));
    load = cores * 2;
    assert.equal(pool.open(ctx).workers, Math.max(1, Math.min(4, cores - 1)));
    // A load the machine cannot report counts as busy.
    load = Number.NaN;
    assert.equal(pool.open(ctx).workers, Math.max(1, Math.min(4, cores - 1)));
    assert.equal(new ScanPool({ size: 1, busyCores: () => 0 }).open(ctx).workers, 1);
  });

  it('judges every tool exactly once over two workers', async () => {
    const pool = new ScanPool({ size: 2, busyCores: () => 0 });
    pools.push(pool);
    const queue = Array.from({ length: 300 }, (_, i) => ({ name: `tool_${i}`, description: `Returns record ${i}.`, inputSchema: { type: 'object' } }));
    const job = pool.open({ ...ctx, siblings: queue.map((t) => t.name) });
    const decided = new Map<string, number>();
    const left = await judgeOffThread(job, queue, {
      live: () => true,
      known: () => false,
      baseline: () => ({ hasBaseline: false, baseline: null }),
      decide: (tool) => void decided.set(String(tool.name), (decided.get(String(tool.name)) ?? 0) + 1),
      commit: () => {},
      failed: (m) => assert.fail(m),
    });
    assert.deepEqual(left, []);
    assert.equal(decided.size, 300);
    assert.ok([...decided.values()].every((n) => n === 1));
  });
});
