// The sync endpoint's audit ingest at the store: storeBatch() of 1,000-record batches
// on SQLite and PostgreSQL, interleaved (bench/interleave.ts), in records/s, and on
// PostgreSQL the transaction storeBatch ran before (an INSERT … SELECT FROM unnest() of
// column arrays), for an A/B in the same run. The HTTP path with signature, chain and
// Merkle checks is bench/endpoint-ingest.ts.
//   node bench/store-ingest.ts [--rounds 5] [--batches 10]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openStore } from '../server/store/open.ts';
import type { BatchRow, RecordIndex, ServerStore, StoredRecord } from '../server/store/store.ts';
import { startPostgres } from '../test/helpers/postgres.ts';
import { auditBody } from './audit-body.ts';
import { runInterleaved, type BenchCase } from './interleave.ts';

const { values: opts } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, batches: { type: 'string', default: '10' } } });
const BATCHES = Number(opts.batches);
const SIZE = 1000;

function batch(device: string, first: number): { row: BatchRow; records: (StoredRecord & RecordIndex)[] } {
  const batchId = `${device}-${first}`;
  const records = Array.from({ length: SIZE }, (_, i) => {
    const seq = first + i;
    return {
      deviceId: device,
      seq,
      hash: `h${seq}`.padEnd(64, '0'),
      prev: `h${seq - 1}`.padEnd(64, '0'),
      body: auditBody(seq),
      batchId,
      ts: new Date().toISOString(),
      user: 'alice@acme.com',
      agent: 'cursor',
      server: 'memory',
      tool: 'memory__read_graph',
      outcome: 'ok',
      type: 'tools/call',
      correlationId: `c${seq}`,
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

const UNNEST_RECORDS = `INSERT INTO audit_records (device_id, seq, hash, prev, body, batch_id, ts, user_name, agent, server, tool, outcome, type)
  SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[])`;
const UNNEST_CORRELATION = `INSERT INTO audit_correlation (correlation_id, device_id, seq)
  SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[]) ON CONFLICT DO NOTHING`;

/** The transaction storeBatch ran before COPY: the batch row, then one unnest() insert per table. */
function unnestCase(url: string): BenchCase {
  let pool: pg.Pool;
  let next = 1;
  return {
    name: `PostgreSQL: unnest() of column arrays (the previous storeBatch), ${BATCHES} batches of 1,000 records`,
    setup: () => {
      pool = new pg.Pool({ connectionString: url, max: 2 });
    },
    round: async () => {
      const work = Array.from({ length: BATCHES }, () => {
        const b = batch('dev-unnest', next);
        next += SIZE;
        return b;
      });
      const t0 = performance.now();
      for (const { row: b, records } of work) {
        const c = await pool.connect();
        try {
          await c.query('BEGIN');
          await c.query(
            'INSERT INTO audit_batches (batch_id, device_id, first_seq, last_seq, batch_hash, prev_batch_hash, last_record_hash, header, signature, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)',
            [b.batchId, b.deviceId, b.firstSeq, b.lastSeq, b.batchHash, b.prevBatchHash, b.lastRecordHash, b.header, b.signature, b.receivedAt],
          );
          const cols: unknown[][] = Array.from({ length: 13 }, () => []);
          for (const r of records)
            [r.deviceId, r.seq, r.hash, r.prev, r.body, r.batchId, r.ts, r.user, r.agent, r.server, r.tool, r.outcome, r.type].forEach((v, k) =>
              cols[k]!.push(v),
            );
          await c.query({ name: 'bench_unnest_records', text: UNNEST_RECORDS, values: cols });
          await c.query({
            name: 'bench_unnest_correlation',
            text: UNNEST_CORRELATION,
            values: [records.map((r) => r.correlationId), records.map((r) => r.deviceId), records.map((r) => r.seq)],
          });
          await c.query('COMMIT');
        } finally {
          c.release();
        }
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
    unnestCase(pgc.url),
  );
else console.log('PostgreSQL: not installed here, skipped');
try {
  await runInterleaved('Audit ingest at the store', cases, Number(opts.rounds), 0);
} finally {
  await pgc?.stop();
  rmSync(dir, { recursive: true, force: true });
}
