// The sync endpoint's audit ingest against both stores (embedded SQLite and a
// real PostgreSQL): a forged batch, a replay, a dropped batch (gap), a rewritten
// history (fork), an edited stored row, and append-only enforcement.
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BATCH_GENESIS, batchHash, chainHash, signBatch, type BatchRecord, type SignedBatch } from '../../shared/audit/batch.ts';
import { startPostgres, type TestPostgres } from '../../test/helpers/postgres.ts';
import { ingestBatch } from '../audit/ingest.ts';
import { verifyDevice } from '../audit/verify.ts';
import { openStore } from './open.ts';
import type { DeviceRow, ServerStore } from './store.ts';

const pair = generateKeyPairSync('ed25519');
const forger = generateKeyPairSync('ed25519');
const signer =
  (key = pair.privateKey) =>
  (m: Uint8Array) =>
    new Uint8Array(sign(null, m, key));

function records(from: number, to: number, prev: string, tool?: string): BatchRecord[] {
  const out: BatchRecord[] = [];
  for (let seq = from; seq <= to; seq++) {
    const body = JSON.stringify({
      id: `r${seq}`,
      ts: new Date(Date.UTC(2026, 10, 24, 12, 0, seq)).toISOString(),
      type: 'tools/call',
      correlationId: `c${seq}`,
      user: seq % 2 ? 'alice@acme.test' : 'bob@acme.test',
      agent: 'cursor',
      clientInfo: null,
      server: 'fs',
      tool: tool ?? (seq % 3 ? 'fs__read' : 'fs__write'),
      decision: { effect: 'allow', rule: 'r' },
      outcome: 'ok',
      error: null,
      latencyMs: 1,
      result: null,
      bundleVersion: 3,
    });
    const hash = chainHash(prev, body);
    out.push({ seq, prev, hash, body });
    prev = hash;
  }
  return out;
}

async function chain(sizes: number[]): Promise<SignedBatch[]> {
  const out: SignedBatch[] = [];
  let prevRecord = BATCH_GENESIS;
  let prevBatch = BATCH_GENESIS;
  let seq = 1;
  for (const n of sizes) {
    const b = await signBatch(
      { deviceId: 'dev-1', prevBatchHash: prevBatch, records: records(seq, seq + n - 1, prevRecord), createdAt: new Date().toISOString() },
      signer(),
    );
    out.push(b);
    prevRecord = b.records[b.records.length - 1]!.hash;
    prevBatch = batchHash(b.header);
    seq += n;
  }
  return out;
}

/** One signed batch of `recs` that follows `last`. */
async function chainAfter(last: SignedBatch, recs: BatchRecord[]): Promise<SignedBatch[]> {
  return [await signBatch({ deviceId: 'dev-1', prevBatchHash: batchHash(last.header), records: recs, createdAt: new Date().toISOString() }, signer())];
}

const laptop: DeviceRow = {
  id: 'dev-1',
  name: 'laptop',
  publicKey: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  tokenHash: 'h',
  enrolledAt: new Date().toISOString(),
  label: null,
};

const pg: TestPostgres | undefined = await startPostgres().catch((err: Error) => {
  if (process.env.CI) throw err;
  return undefined;
});
after(async () => {
  await pg?.stop();
});

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`audit ingest on ${kind}`, { skip: kind === 'postgres' && !pg ? 'PostgreSQL is not installed here' : false }, () => {
    let store: ServerStore;
    const device = laptop;
    let batches: SignedBatch[];
    const now = new Date();

    before(async () => {
      store = await openStore(kind === 'sqlite' ? join(mkdtempSync(join(tmpdir(), 'gh-store-')), 'sync.db') : pg!.url);
      await store.initOrg({ id: 'acme', name: 'Acme', keys: [{ keyId: 'k', publicKey: device.publicKey }], oidc: null });
      await store.addDevice(device);
      batches = await chain([5, 5, 5, 5]);
    });
    after(async () => {
      await store.close();
    });

    it('refuses a second org in the same database', async () => {
      await assert.rejects(store.initOrg({ id: 'globex', name: 'Globex', keys: [], oidc: null }), /already serves an org/);
    });

    it('accepts batches in order and a replay once', async () => {
      assert.deepEqual((await ingestBatch(store, device, batches[0], now)).body, { batchId: 'dev-1:1-5', status: 'accepted' });
      assert.deepEqual((await ingestBatch(store, device, JSON.parse(JSON.stringify(batches[0])), now)).body, { batchId: 'dev-1:1-5', status: 'duplicate' });
      assert.equal((await store.queryRecords({ device: 'dev-1', limit: 100 })).length, 5);
    });

    it('refuses a forged batch (wrong key) and one claiming another device', async () => {
      const forged = await signBatch(
        { deviceId: 'dev-1', prevBatchHash: batchHash(batches[0]!.header), records: batches[1]!.records, createdAt: now.toISOString() },
        signer(forger.privateKey),
      );
      const r = await ingestBatch(store, device, forged, now);
      assert.equal(r.status, 401);
      const other = await ingestBatch(store, device, { ...batches[1]!, header: { ...batches[1]!.header, deviceId: 'dev-2' } }, now);
      assert.equal(other.status, 403);
      const edited = structuredClone(batches[1]!);
      edited.records[2]!.body = edited.records[2]!.body.replace('"outcome":"ok"', '"outcome":"error"');
      assert.notEqual(edited.records[2]!.body, batches[1]!.records[2]!.body);
      assert.equal((await ingestBatch(store, device, edited, now)).status, 401);
    });

    it('reports a dropped batch as a gap, and refuses a rewritten history as a fork', async () => {
      const r = await ingestBatch(store, device, batches[2], now); // batch 2 (records 6-10) never sent
      assert.equal(r.status, 200);
      const problems = await store.problems('dev-1');
      assert.ok(
        problems.some((p) => p.kind === 'gap' && /records 6-10/.test(p.detail)),
        JSON.stringify(problems),
      );
      const rewritten = await signBatch(
        { deviceId: 'dev-1', prevBatchHash: BATCH_GENESIS, records: records(16, 20, 'sha256:bogus'), createdAt: now.toISOString() },
        signer(),
      );
      const fork = await ingestBatch(store, device, rewritten, now);
      assert.equal(fork.status, 409);
      const report = await verifyDevice(store, device);
      assert.equal(report.ok, false);
      assert.ok(report.problems.some((p) => p.kind === 'gap'));
      assert.ok(report.problems.some((p) => p.kind === 'fork'));
    });

    it('answers admin queries by user, tool and time', async () => {
      const alice = await store.queryRecords({ user: 'alice@acme.test', limit: 100 });
      assert.ok(alice.length > 0 && alice.every((r) => JSON.parse(r.body).user === 'alice@acme.test'));
      const writes = await store.queryRecords({ tool: 'fs__write', since: '2026-11-24T12:00:03Z', limit: 100 });
      assert.ok(writes.every((r) => JSON.parse(r.body).tool === 'fs__write' && JSON.parse(r.body).ts >= '2026-11-24T12:00:03Z'));
    });

    it('keeps stored batches and records append-only', async () => {
      const raw = store as unknown as { db?: { exec(s: string): void }; pool?: { query(s: string): Promise<unknown> } };
      for (const sql of ["UPDATE audit_records SET body = 'x'", 'DELETE FROM audit_batches']) {
        await assert.rejects(async () => {
          if (raw.db) raw.db.exec(sql);
          else await raw.pool!.query(sql);
        }, /append-only/);
      }
    });

    it("verify names a record edited behind the triggers' back", async () => {
      const raw = store as unknown as { db?: { exec(s: string): void }; pool?: { query(s: string): Promise<unknown> } };
      const sql =
        kind === 'sqlite'
          ? `DROP TRIGGER audit_records_no_update; UPDATE audit_records SET body = replace(body, '"outcome":"ok"', '"outcome":"error"') WHERE seq = 3`
          : `DROP TRIGGER audit_records_append_only ON audit_records; UPDATE audit_records SET body = replace(body, '"outcome":"ok"', '"outcome":"error"') WHERE seq = 3`;
      if (raw.db) raw.db.exec(sql);
      else await raw.pool!.query(sql);
      const report = await verifyDevice(store, device);
      assert.ok(
        report.problems.some((p) => p.kind === 'broken' && /batch dev-1:1-5: record 3 does not match its hash/.test(p.detail)),
        JSON.stringify(report.problems),
      );
    });
  });
}

// Deliveries as a desktop's outbox makes them: a retry can cross the first attempt (a
// timeout, then a resend while the first is still being stored), and a big batch can
// arrive with one link broken in the middle.
for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`re-delivery and torn batches on ${kind}`, { skip: kind === 'postgres' && !pg ? 'PostgreSQL is not installed here' : false }, () => {
    let store: ServerStore;
    const device = laptop;
    let delivered: SignedBatch[];

    before(async () => {
      let url = pg?.url ?? '';
      if (kind === 'postgres') {
        const admin = new (await import('pg')).default.Client(pg!.url);
        await admin.connect();
        await admin.query('CREATE DATABASE redelivery');
        await admin.end();
        url = pg!.url.replace(/\/postgres$/, '/redelivery');
      }
      store = await openStore(kind === 'sqlite' ? join(mkdtempSync(join(tmpdir(), 'gh-store-')), 'sync.db') : url);
      await store.addDevice(device);
      delivered = await chain([1000, 1000]);
    });
    after(async () => {
      await store.close();
    });

    it('stores a batch delivered twice at once one time, and acknowledges both deliveries', async () => {
      const first = delivered[0]!;
      const answers = await Promise.all([ingestBatch(store, device, first, new Date()), ingestBatch(store, device, structuredClone(first), new Date())]);
      assert.deepEqual(
        answers.map((a) => a.status),
        [200, 200],
        JSON.stringify(answers.map((a) => a.body)),
      );
      assert.deepEqual(answers.map((a) => (a.body as { status: string }).status).sort(), ['accepted', 'duplicate']);
      assert.equal((await store.records('dev-1', 1, 5000)).length, 1000);
      assert.deepEqual((await ingestBatch(store, device, first, new Date())).body, { batchId: 'dev-1:1-1000', status: 'duplicate' });
      assert.equal((await verifyDevice(store, device)).ok, true);
    });

    it('stores nothing of a batch whose chain breaks half-way, then takes the mended batch', async () => {
      const second = delivered[1]!;
      const torn = structuredClone(second);
      // Record 1500 is re-chained onto a different predecessor: its own hash is right,
      // but it no longer links to record 1499.
      const r = torn.records[499]!;
      r.prev = chainHash('sha256:elsewhere', 'x');
      r.hash = chainHash(r.prev, r.body);
      const refused = await ingestBatch(store, device, torn, new Date());
      assert.equal(refused.status, 401);
      assert.match((refused.body as { error: string }).error, /record 1500 does not link/);
      assert.equal((await store.records('dev-1', 1001, 3000)).length, 0);
      assert.equal(await store.batchHash('dev-1:1001-2000'), null);
      assert.deepEqual((await ingestBatch(store, device, second, new Date())).body, { batchId: 'dev-1:1001-2000', status: 'accepted' });
      assert.equal((await store.records('dev-1', 1001, 3000)).length, 1000);
    });

    it('stores a batch whose records name a tool with a NUL in it (names come from upstream servers)', async () => {
      // PostgreSQL's text refuses U+0000; the body keeps it escaped, the search columns
      // get U+FFFD. Refused, the batch would block every later batch from this device.
      const last = delivered[1]!;
      const [poison] = await chainAfter(last, records(2001, 2003, last.records.at(-1)!.hash, 'fx__a\u0000b'));
      assert.deepEqual((await ingestBatch(store, device, poison, new Date())).body, { batchId: 'dev-1:2001-2003', status: 'accepted' });
      const stored = await store.records('dev-1', 2001, 2003);
      assert.equal(stored.length, 3);
      assert.equal((JSON.parse(stored[0]!.body) as { tool: string }).tool, 'fx__a\u0000b');
      assert.equal((await store.queryRecords({ device: 'dev-1', tool: 'fx__a\ufffdb', limit: 10 })).length, 3);
      // The chain still checks out (the torn batch before left a 'rejected' note, not a break).
      assert.deepEqual(
        (await verifyDevice(store, device)).problems.filter((p) => p.kind === 'broken'),
        [],
      );
    });
  });
}
