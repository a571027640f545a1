// The fuzz harness, bounded for CI: a hostile agent over the socket, the stdio bridge
// and HTTP, and a hostile upstream, each for a share of the time; every invariant of
// issue 11 must hold. `npm run fuzz -- --seconds N` runs it longer (docs/reliability.md).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fuzz } from './harness.ts';
import { verdict } from './verdict.ts';

const SECONDS = Number(process.env.GATEHOUSE_FUZZ_SECONDS ?? 60);

describe('fuzzing the daemon as a hostile agent and upstream', () => {
  it(`holds every invariant for ${SECONDS} s`, { timeout: (SECONDS + 120) * 1000 }, async (t) => {
    const report = await fuzz({ seconds: SECONDS, log: (line) => t.diagnostic(line) });
    t.diagnostic(
      `seed ${report.seed}; records ${report.callRecords}/${report.upstreamCalls}; RSS ${report.rssBeforeMb.toFixed(0)} → ${report.rssAfterMb.toFixed(0)} MB`,
    );
    for (const p of report.paths) assert.ok(p.frames > 0 && p.probes > 0, `${p.path}: frames were sent and probed`);
    assert.deepEqual(verdict(report), [], `seed ${report.seed} (rerun with npm run fuzz -- --seed ${report.seed})`);
  });
});
