// Red team of session 14's ingest (binary COPY on PostgreSQL, node:crypto chain checks):
// records PostgreSQL cannot hold as text, a batch that breaks inside its COPY (nothing
// stored, and every pooled connection usable after, none left in COPY mode), lone
// surrogates and a 4 MB body stored so the chain still verifies, rival and repeated
// deliveries racing, a batch id reused for other records, and another device's chain.
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { BATCH_GENESIS, batchHash, chainHash, headerBytes, signBatch, type BatchRecord } from '../../shared/audit/batch.ts';
import { ingestBatch } from '../../server/audit/ingest.ts';
import { verifyDevice } from '../../server/audit/verify.ts';
import { openStore } from '../../server/store/open.ts';
import type { DeviceRow, ServerStore } from '../../server/store/store.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';

const postgres: TestPostgres | undefined = await startPostgres().catch((err: Error) => {
  if (process.env.CI) throw err;
  return undefined;
});
after(async () => {
  await postgres?.stop();
});

interface Device {
  row: DeviceRow;
  key: KeyObject;
}

function newDevice(id: string): Device {
  const pair = generateKeyPairSync('ed25519');
  const row = {
    id,
    name: id,
    publicKey: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    tokenHash: `t-${id}`,
    enrolledAt: new Date().toISOString(),
    label: null,
  };
  return { row, key: pair.privateKey };
}

/** A record body as the daemon writes one; `tool` and `extra` carry the attack. */
function body(seq: number, tool: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    id: `r${seq}`,
    ts: new Date(Date.UTC(2026, 10, 30, 0, 0, seq % 60)).toISOString(),
    type: 'tools/call',
    correlationId: `c${seq}`,
    user: 'alice@acme.test',
    agent: 'cursor',
    clientInfo: null,
    server: 'fs',
    tool,
    decision: null,
    outcome: 'ok',
    error: null,
    latencyMs: 1,
    result: null,
    bundleVersion: 1,
    ...extra,
  });
}

function chained(from: number, bodies: string[], prev: string): BatchRecord[] {
  return bodies.map((b, i) => {
    const hash = chainHash(prev, b);
    const r = { seq: from + i, prev, hash, body: b };
    prev = hash;
    return r;
  });
}

const sealed = (d: Device, records: BatchRecord[], prevBatchHash: string) =>
  signBatch({ deviceId: d.row.id, prevBatchHash, records, createdAt: new Date().toISOString() }, (m) => new Uint8Array(sign(null, m, d.key)));

const plain = (from: number, n: number, tag = 't') => Array.from({ length: n }, (_, i) => body(from + i, `fs__${tag}${i}`));

async function freshStore(kind: 'sqlite' | 'postgres', name: string): Promise<ServerStore> {
  if (kind === 'sqlite') return openStore(join(mkdtempSync(join(tmpdir(), 'gh-red14-')), 'sync.db'));
  const admin = new pg.Client(postgres!.url);
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return openStore(postgres!.url.replace(/\/postgres$/, `/${name}`));
}

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`session 14 ingest attacks on ${kind}`, { skip: kind === 'postgres' && !postgres ? 'PostgreSQL is not installed here' : false }, () => {
    let store: ServerStore;
    before(async () => {
      store = await freshStore(kind, 'red14');
    });
    after(async () => {
      await store.close();
    });

    it('stores lone surrogates, U+2028, non-BMP text and a 4 MB body so that the chain still verifies', async () => {
      const d = newDevice('dev-odd');
      await store.addDevice(d.row);
      const odd = ['lone \ud800 high', 'lone \udfff low', 'reversed \udc00\ud800', 'line\u2028sep\u2029para', '🚀𝒳', 'quote " back \\ tab \t'];
      const bodies = odd.map((t, i) => body(i + 1, t, { error: t }));
      bodies.push(body(bodies.length + 1, 'fs__big', { error: 'y'.repeat(4 << 20) }));
      const b = await sealed(d, chained(1, bodies, BATCH_GENESIS), BATCH_GENESIS);
      assert.deepEqual((await ingestBatch(store, d.row, b, new Date())).body, { batchId: b.header.batchId, status: 'accepted' });
      const stored = await store.records('dev-odd', 1, 100);
      assert.equal(stored.length, bodies.length);
      // What was stored hashes to what was chained (a lone surrogate is stored as the same bytes the hash read).
      for (const r of stored) assert.equal(chainHash(r.prev, r.body), r.hash, `record ${r.seq}`);
      assert.equal((await verifyDevice(store, d.row)).ok, true);
      assert.equal(stored.at(-1)!.body.length, bodies.at(-1)!.length);
    });

    it('a NUL in a record field that is not indexed is kept (the body stays JSON text), and sequence numbers beyond 2^53 are malformed, not a 500', async () => {
      const d = newDevice('dev-nul');
      await store.addDevice(d.row);
      const b = await sealed(
        d,
        chained(1, [body(1, 'fs__read', { error: 'a\u0000b', result: { excerpt: '\u0000'.repeat(3) } })], BATCH_GENESIS),
        BATCH_GENESIS,
      );
      assert.equal((await ingestBatch(store, d.row, b, new Date())).status, 200);
      assert.equal((await store.records(d.row.id, 1, 1))[0]!.body, b.records[0]!.body);
      assert.equal((await verifyDevice(store, d.row)).ok, true);
      for (const seq of [2 ** 53 + 2, 1e300]) {
        const far = await sealed(d, chained(seq, [body(2, 'fs__read')], b.records[0]!.hash), batchHash(b.header));
        const r = await ingestBatch(store, d.row, far, new Date());
        assert.equal(r.status, 400, JSON.stringify(r.body));
      }
      assert.deepEqual(await store.problems(d.row.id), []);
    });

    it('a batch that breaks inside its COPY stores nothing, and leaves every pooled connection usable', async () => {
      const d = newDevice('dev-torn');
      await store.addDevice(d.row);
      const first = await sealed(d, chained(1, plain(1, 1000), BATCH_GENESIS), BATCH_GENESIS);
      // More failing batches than the pool holds connections: one left in COPY mode would fail what follows.
      for (let round = 0; round < 12; round++) {
        const torn = structuredClone(first);
        torn.records[599]!.seq = torn.records[598]!.seq; // a duplicate key inside the COPY (a signature check would catch it first, so the store is called directly)
        const rows = torn.records.map((r) => ({
          deviceId: d.row.id,
          seq: r.seq,
          hash: r.hash,
          prev: r.prev,
          body: r.body,
          batchId: 'dev-torn:1-1000',
          ts: 'x',
          user: 'u',
          agent: null,
          server: null,
          tool: null,
          outcome: 'ok',
          type: 't',
          correlationId: `c${r.seq}`,
        }));
        await assert.rejects(
          store.storeBatch(
            {
              batchId: `dev-torn:torn-${round}`,
              deviceId: d.row.id,
              firstSeq: 1,
              lastSeq: 1000,
              batchHash: 'h',
              prevBatchHash: BATCH_GENESIS,
              lastRecordHash: 'h',
              header: '{}',
              signature: 's',
              receivedAt: new Date().toISOString(),
            },
            rows,
          ),
        );
      }
      assert.equal((await store.records(d.row.id, 1, 5000)).length, 0);
      assert.equal(await store.lastBatch(d.row.id), null);
      // Twenty reads at once use every connection in the pool.
      const reads = await Promise.all(Array.from({ length: 20 }, () => store.records(d.row.id, 1, 5000)));
      assert.ok(reads.every((r) => r.length === 0));
      assert.deepEqual((await ingestBatch(store, d.row, first, new Date())).body, { batchId: first.header.batchId, status: 'accepted' });
      assert.equal((await store.records(d.row.id, 1, 5000)).length, 1000);
    });

    it('six copies and two rival batches for the same range at once: one stored, copies acknowledged, rivals refused as forks, no 500', async () => {
      const d = newDevice('dev-race');
      await store.addDevice(d.row);
      const real = await sealed(d, chained(1, plain(1, 500), BATCH_GENESIS), BATCH_GENESIS);
      const rivals = await Promise.all(['r1', 'r2'].map((tag) => sealed(d, chained(1, plain(1, 500, tag), BATCH_GENESIS), BATCH_GENESIS)));
      const sent = [real, ...rivals, ...Array.from({ length: 5 }, () => structuredClone(real))];
      const answers = await Promise.all(sent.map((b) => ingestBatch(store, d.row, b, new Date())));
      const accepted = answers.filter((a) => a.status === 200 && a.body.status === 'accepted');
      assert.equal(accepted.length, 1, JSON.stringify(answers.map((a) => a.body)));
      const storedBodies = (await store.records(d.row.id, 1, 1000)).map((r) => r.body);
      assert.equal(storedBodies.length, 500);
      // Whichever won, every delivery of the same records is acknowledged and every other one refused.
      const winner = sent.find((b) => b.records[0]!.body === storedBodies[0])!;
      sent.forEach((b, i) => {
        if (b.records[0]!.body === winner.records[0]!.body) assert.equal(answers[i]!.status, 200, `delivery ${i}`);
        else assert.equal(answers[i]!.status, 409, `delivery ${i}: ${JSON.stringify(answers[i]!.body)}`);
      });
      // The rivals are reported as forks; what was stored checks out whole.
      const report = await verifyDevice(store, d.row);
      assert.deepEqual([...new Set(report.problems.map((p) => p.kind))], ['fork'], JSON.stringify(report.problems));
      assert.equal(report.records, 500);
    });

    it('a batch id reused for other records is a fork, and the stored records stay as they were', async () => {
      const d = newDevice('dev-reuse');
      await store.addDevice(d.row);
      const b1 = await sealed(d, chained(1, plain(1, 5), BATCH_GENESIS), BATCH_GENESIS);
      assert.equal((await ingestBatch(store, d.row, b1, new Date())).status, 200);
      const b2 = await sealed(d, chained(6, plain(6, 5), b1.records.at(-1)!.hash), batchHash(b1.header));
      assert.equal((await ingestBatch(store, d.row, b2, new Date())).status, 200);
      // The same id (dev-reuse:1-5), other bodies, a valid signature: a rewritten history.
      const rewritten = await sealed(d, chained(1, plain(1, 5, 'other'), BATCH_GENESIS), BATCH_GENESIS);
      assert.equal(rewritten.header.batchId, b1.header.batchId);
      const r = await ingestBatch(store, d.row, rewritten, new Date());
      assert.equal(r.status, 409);
      assert.deepEqual(
        (await store.records(d.row.id, 1, 10)).map((x) => x.body),
        [...b1.records, ...b2.records].map((x) => x.body),
      );
      assert.ok((await store.problems(d.row.id)).some((p) => p.kind === 'fork'));
    });

    it("a device that posts another device's chain is refused, as it was signed or re-signed as its own claim", async () => {
      const victim = newDevice('dev-victim');
      const thief = newDevice('dev-thief');
      await store.addDevice(victim.row);
      await store.addDevice(thief.row);
      const theirs = await sealed(victim, chained(1, plain(1, 3), BATCH_GENESIS), BATCH_GENESIS);
      // As it came: the header names the other device.
      assert.equal((await ingestBatch(store, thief.row, theirs, new Date())).status, 403);
      // The header renamed to the thief, the victim's signature kept: the signature no longer holds.
      const renamed = structuredClone(theirs);
      renamed.header.deviceId = thief.row.id;
      assert.equal((await ingestBatch(store, thief.row, renamed, new Date())).status, 401);
      // Or re-signed by the thief under the victim's batch id, to squat it (batch ids are one key space for all devices).
      const squat = structuredClone(theirs);
      squat.header.deviceId = thief.row.id;
      const signed = await sealed(thief, squat.records, BATCH_GENESIS);
      const squatting = { ...signed, header: { ...signed.header, batchId: theirs.header.batchId } };
      squatting.signature = Buffer.from(sign(null, headerBytes(squatting.header), thief.key)).toString('base64url');
      const squatted = await ingestBatch(store, thief.row, squatting, new Date());
      assert.equal(squatted.status, 401);
      assert.match(JSON.stringify(squatted.body), /the batch id does not match its range/);
      assert.equal(await store.batchHash(theirs.header.batchId), null);
      // The victim's own key still accepts it later, and nothing of it was stored for either device.
      assert.equal((await store.records(thief.row.id, 1, 10)).length, 0);
      assert.equal((await store.records(victim.row.id, 1, 10)).length, 0);
      assert.equal((await ingestBatch(store, victim.row, theirs, new Date())).status, 200);
    });
  });
}
