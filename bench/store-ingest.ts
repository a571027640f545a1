// The sync endpoint's audit ingest at the store: storeBatch() of 1,000-record batches
// on SQLite and PostgreSQL, interleaved (bench/interleave.ts), in records/s, and on
// PostgreSQL the multi-row VALUES insert that storeBatch used before (13 bound
// parameters per row), for an A/B in the same run. The HTTP path with signature,
// chain and Merkle checks is bench/sync-endpoint.ts.
//   node bench/store-ingest.ts [--rounds 5] [--batches 10]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openStore } from '../server/store/open.ts';
import type { BatchRow, RecordIndex, ServerStore, StoredRecord } from '../server/store/store.ts';
import { startPostgres } from '../test/helpers/postgres.ts';
import { runInterleaved, type BenchCase } from './interleave.ts';

const { values: opts } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, batches: { type: 'string', default: '10' } } });
const BATCHES = Number(opts.batches);
const SIZE = 1000;

const body = (seq: number) =>
  JSON.stringify({
    id: `r${seq}`,
    ts: new Date().toISOString(),
    type: 'tools/call',
    correlationId: `c${seq}`,
    user: 'alice@acme.com',
    agent: 'cursor',
    clientInfo: { name: 'Cursor', version: '1' },
    server: 'memory',
    tool: 'memory__read_graph',
    arguments: { q: 'x' },
    decision: { effect: 'allow', rule: 'all' },
    outcome: 'ok',
    error: null,
    latencyMs: 0.4,
    result: { bytes: 120, contentTypes: ['text'], sha256: 'a'.repeat(64), excerpt: 'hello' },
    bundleVersion: 3,
  });

function batch(device: string, first: number): { row: BatchRow; records: (StoredRecord & RecordIndex)[] } {
  const batchId = `${device}-${first}`;
  const records = Array.from({ length: SIZE }, (_, i) => {
    const seq = first + i;
    return {
      deviceId: device,
      seq,
      hash: `h${seq}`.padEnd(64, '0'),
      prev: `h${seq - 1}`.padEnd(64, '0'),
      body: body(seq),
      batchId,
      ts: new Date().toISOString(),
      user: 'alice@acme.com',
      agent: 'cursor',
      server: 'memory',
      tool: 'memory__read_graph',
      outcome: 'ok',
      type: 'tools/call',
    };
  });
  const row: BatchRow = {
    batchId,
    deviceId: device,
    firstSeq: first,
    lastSeq: first + SIZE - 1,
    batchHash: `b${first}`,
    prevBatchHash: `b${first - SIZE}`,
    lastRecordHash: records.at(-1)!.hash,
    header: '{}',
    signature: 'sig',
    receivedAt: new Date().toISOString(),
  };
  return { row, records };
}

function ingestCase(label: string, open: () => Promise<ServerStore>): BenchCase {
  let store: ServerStore;
  let next = 1;
  return {
    name: `${label}: storeBatch, ${BATCHES} batches of 1,000 records`,
    setup: async () => {
      store = await open();
      await store.addDevice({ id: 'dev', name: 'bench', publicKey: 'x', tokenHash: 'x', enrolledAt: new Date().toISOString(), label: null });
    },
    round: async () => {
      const work = Array.from({ length: BATCHES }, () => {
        const b = batch('dev', next);
        next += SIZE;
        return b;
      });
      const t0 = performance.now();
      for (const b of work) await store.storeBatch(b.row, b.records);
      return { 'records/s': (BATCHES * SIZE) / ((performance.now() - t0) / 1000) };
    },
    teardown: () => store.close(),
  };
}

/** The insert storeBatch used before: a multi-row VALUES list, 13 parameters per row. */
function valuesCase(url: string): BenchCase {
  let pool: pg.Pool;
  let next = 1;
  return {
    name: `PostgreSQL: multi-row VALUES (the previous insert), ${BATCHES} batches of 1,000 records`,
    setup: () => {
      pool = new pg.Pool({ connectionString: url, max: 2 });
    },
    round: async () => {
      const work = Array.from({ length: BATCHES }, () => {
        const b = batch('dev-values', next);
        next += SIZE;
        return b;
      });
      const t0 = performance.now();
      for (const b of work) {
        const args: unknown[] = [];
        const values = b.records.map((r, j) => {
          args.push(r.deviceId, r.seq, r.hash, r.prev, r.body, r.batchId, r.ts, r.user, r.agent, r.server, r.tool, r.outcome, r.type);
          return `(${Array.from({ length: 13 }, (_, k) => `$${j * 13 + k + 1}`).join(', ')})`;
        });
        await pool.query(
          `INSERT INTO audit_records (device_id, seq, hash, prev, body, batch_id, ts, user_name, agent, server, tool, outcome, type) VALUES ${values.join(', ')}`,
          args,
        );
      }
      return { 'records/s': (BATCHES * SIZE) / ((performance.now() - t0) / 1000) };
    },
    teardown: () => pool.end(),
  };
}

const dir = mkdtempSync(join(tmpdir(), 'gh-ingest-'));
const pgc = await startPostgres();
const cases = [ingestCase('SQLite', () => openStore(join(dir, 'sync.db')))];
if (pgc)
  cases.push(
    ingestCase('PostgreSQL', () => openStore(pgc.url)),
    valuesCase(pgc.url),
  );
else console.log('PostgreSQL: not installed here, skipped');
try {
  await runInterleaved('Audit ingest at the store', cases, Number(opts.rounds), 0);
} finally {
  await pgc?.stop();
  rmSync(dir, { recursive: true, force: true });
}
