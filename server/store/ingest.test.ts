// Batched ingest must store every record exactly: a batch larger than any old chunk
// size, bodies full of what array literals and CSV-like encodings choke on (quotes,
// backslashes, braces, commas, NULL-looking text, non-BMP characters), and null columns.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startPostgres, type TestPostgres } from '../../test/helpers/postgres.ts';
import { openStore } from './open.ts';
import type { BatchRow, RecordIndex, ServerStore, StoredRecord } from './store.ts';

const pg: TestPostgres | undefined = await startPostgres().catch((err: Error) => {
  if (process.env.CI) throw err;
  return undefined;
});
const dir = mkdtempSync(join(tmpdir(), 'gh-ingest-test-'));
after(async () => {
  await pg?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const NASTY = ['"quoted", {braced}', 'back\\slash \\" and \\\\', 'NULL', '', 'tab\tnew\nline', '🚀 non-BMP 𝒳', 'comma,separated,{"a":[1,2]}', 'null'];

function batchOf(first: number, n: number): { row: BatchRow; records: (StoredRecord & RecordIndex)[] } {
  const batchId = `dev:${first}-${first + n - 1}`;
  const records = Array.from({ length: n }, (_, i) => {
    const seq = first + i;
    const nasty = NASTY[seq % NASTY.length]!;
    // Shared by neighbours, as one agent request's downstream calls are; some records have none.
    const correlationId = seq % 7 === 0 ? null : `corr ${NASTY[Math.floor(seq / 2) % NASTY.length]} ${Math.floor(seq / 2)}`;
    return {
      deviceId: 'dev',
      seq,
      hash: `h${seq}`,
      prev: `h${seq - 1}`,
      batchId,
      body: JSON.stringify({ seq, text: nasty, ...(correlationId ? { correlationId } : {}) }),
      ts: new Date(Date.UTC(2026, 0, 1, 0, 0, seq % 60)).toISOString(),
      user: nasty || 'u',
      outcome: 'ok',
      type: 'tools/call',
      agent: seq % 3 === 0 ? null : nasty,
      server: seq % 4 === 0 ? null : 's',
      tool: seq % 5 === 0 ? null : `t${seq}`,
      correlationId,
    };
  });
  const row: BatchRow = {
    batchId,
    deviceId: 'dev',
    firstSeq: first,
    lastSeq: first + n - 1,
    batchHash: `b${first}`,
    prevBatchHash: `b${first - 1}`,
    lastRecordHash: `h${first + n - 1}`,
    header: '{}',
    signature: 's',
    receivedAt: new Date().toISOString(),
  };
  return { row, records };
}

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`batched ingest on ${kind}`, { skip: kind === 'postgres' && !pg ? 'PostgreSQL is not installed here' : false }, () => {
    it('stores a 4,500-record batch and a small one exactly, in order, nulls kept', async () => {
      const store: ServerStore = await openStore(kind === 'sqlite' ? join(dir, 'ingest.db') : pg!.url);
      try {
        await store.addDevice({ id: 'dev', name: 'd', publicKey: 'k', tokenHash: `t-${kind}`, enrolledAt: new Date().toISOString(), label: null });
        const big = batchOf(1, 4500);
        const small = batchOf(4501, 3);
        await store.storeBatch(big.row, big.records);
        await store.storeBatch(small.row, small.records);
        const stored = await store.records('dev', 1, 5000);
        const sent = [...big.records, ...small.records];
        assert.equal(stored.length, sent.length);
        stored.forEach((r, i) =>
          assert.deepEqual(
            r,
            { deviceId: 'dev', seq: sent[i]!.seq, hash: sent[i]!.hash, prev: sent[i]!.prev, body: sent[i]!.body, batchId: sent[i]!.batchId },
            `record ${i + 1}`,
          ),
        );
        // The index columns too: queries filter on them.
        const byAgentless = await store.queryRecords({ device: 'dev', limit: 10_000, tool: 't7' });
        assert.deepEqual(
          byAgentless.map((r) => r.seq),
          [7],
        );
        // Correlation rows link the records that share an id, and only those.
        const linked = await store.console.auditRecord('dev', 10);
        assert.deepEqual(
          linked?.chain.map((r) => r.seq).sort((a, b) => a - b),
          [10, 11],
        );
        const alone = await store.console.auditRecord('dev', 14);
        assert.deepEqual(
          alone?.chain.map((r) => r.seq),
          [],
        );
        // A batch whose records clash with stored ones is refused whole: nothing of it stays.
        const clash = batchOf(4503, 10);
        await assert.rejects(store.storeBatch({ ...clash.row, batchId: 'dev:clash' }, clash.records));
        assert.equal((await store.records('dev', 4504, 5000)).length, 0);
        // So is one that breaks half-way through (its 600th record repeats a sequence number):
        // neither the batch row nor the 599 records before the break stay.
        const torn = batchOf(4504, 1000);
        torn.records[599] = { ...torn.records[599]!, seq: torn.records[598]!.seq };
        await assert.rejects(store.storeBatch(torn.row, torn.records));
        assert.equal((await store.records('dev', 4504, 6000)).length, 0);
        assert.equal(await store.batchHash(torn.row.batchId), null);
        // and the store takes the next batch as if nothing happened.
        const next = batchOf(4504, 2);
        await store.storeBatch(next.row, next.records);
        assert.equal((await store.records('dev', 4504, 6000)).length, 2);
      } finally {
        await store.close();
      }
    });
  });
}
