// Signed batches end to end: a real local log, the durable outbox, the device
// key, and an HTTP receiver that checks what the sync endpoint will check
// (signature against the registered key, chain continuity, replays). Attacks:
// a forged batch, records edited after signing, a replayed batch, a dropped
// batch, a long outage.
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, verify as edVerify } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { batchHash, checkBatch, continuity, SignedBatchSchema, type DeviceHead, type SignedBatch, type Verify } from '../../shared/audit/batch.ts';
import type { AuditRecord } from '../../shared/audit/record.ts';
import { EncryptedFileBackend } from '../secrets/encrypted-file.ts';
import { fromPrivateKey, loadOrCreateDeviceKey } from './device-key.ts';
import { AuditLog } from './log.ts';
import { Outbox } from './outbox.ts';
import { httpSender, Shipper } from './shipper.ts';

let n = 0;
const record = (args: unknown = { q: 'hello' }): AuditRecord => ({
  id: `r${++n}`,
  ts: new Date().toISOString(),
  type: 'tools/call',
  correlationId: `c${n}`,
  user: 'alice',
  agent: 'cursor',
  clientInfo: null,
  server: 'fx',
  tool: 'echo',
  arguments: args,
  decision: { effect: 'allow', rule: 'test' },
  outcome: 'ok',
  error: null,
  latencyMs: 1,
  result: null,
  bundleVersion: 1,
});
const verifierFor =
  (pem: string): Verify =>
  (message, signature) =>
    edVerify(null, message, createPublicKey(pem), signature);

/** What the org keeps per device, as the sync endpoint will. */
class Receiver {
  readonly stored = new Map<string, SignedBatch>();
  readonly gaps: { from: number; to: number }[] = [];
  readonly rejected: string[] = [];
  head: DeviceHead | null = null;
  down = false;
  private readonly verify: Verify;
  constructor(verify: Verify) {
    this.verify = verify;
  }
  async accept(body: unknown): Promise<{ status: number; json: unknown }> {
    if (this.down) return { status: 503, json: { error: 'down' } };
    const parsed = SignedBatchSchema.safeParse(body);
    if (!parsed.success) return { status: 400, json: { error: 'malformed' } };
    const batch = parsed.data;
    const check = await checkBatch(batch, this.verify);
    if (!check.ok) {
      this.rejected.push(check.reason);
      return { status: 401, json: { error: check.reason } };
    }
    const c = continuity(this.head, batch, (id) => (this.stored.has(id) ? batchHash(this.stored.get(id)!.header) : null));
    if (c.kind === 'duplicate') return { status: 200, json: { batchId: batch.header.batchId, status: 'duplicate' } };
    if (c.kind === 'fork') {
      this.rejected.push(c.reason);
      return { status: 409, json: { error: c.reason } };
    }
    if (c.kind === 'gap') this.gaps.push({ from: c.missingFrom, to: c.missingTo });
    this.stored.set(batch.header.batchId, batch);
    const last = batch.records[batch.records.length - 1]!;
    this.head = { lastSeq: last.seq, lastRecordHash: last.hash, lastBatchHash: batchHash(batch.header) };
    return { status: 200, json: { batchId: batch.header.batchId, status: 'accepted' } };
  }
}

async function listen(receiver: Receiver): Promise<{ url: string; server: Server; posts: () => number }> {
  let posts = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      posts++;
      void receiver.accept(JSON.parse(body)).then(({ status, json }) => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/v1/audit/batches`, server, posts: () => posts };
}

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'gh-ship-'));
  const log = new AuditLog(dir);
  const key = fromPrivateKey(generateKeyPairSync('ed25519').privateKey);
  const outbox = new Outbox(dir, 'dev-1', key.sign);
  return { dir, log, key, outbox };
}

describe('signed audit batches', () => {
  it('cuts by size, signs, ships oldest first, and the receiver verifies every record', async () => {
    const { log, key, outbox } = setup();
    for (let i = 0; i < 250; i++) log.append(record());
    log.flush();
    const receiver = new Receiver(verifierFor(key.publicKeyPem));
    const http = await listen(receiver);
    const shipper = new Shipper({ outbox, send: httpSender(http.url), maxRecords: 100, maxAgeMs: 60_000 });
    assert.equal(await shipper.tick(), 2, 'two full batches; 50 records wait for size or age');
    assert.equal(outbox.unbatched().count, 50);
    const aged = new Shipper({ outbox, send: httpSender(http.url), maxRecords: 100, maxAgeMs: 60_000, now: () => Date.now() + 61_000 });
    assert.equal(await aged.tick(), 1, 'the rest goes once it is old enough');
    assert.deepEqual(
      [...receiver.stored.values()].map((b) => [b.header.firstSeq, b.header.lastSeq]),
      [
        [1, 100],
        [101, 200],
        [201, 250],
      ],
    );
    assert.deepEqual(receiver.gaps, []);
    assert.equal(log.backlog().batchesWaiting, 0);
    http.server.closeAllConnections();
    http.server.close();
    log.close();
    outbox.close();
  });

  it('rejects a forged batch (signed with another key) and a batch whose records were edited after signing', async () => {
    const { log, outbox } = setup();
    for (let i = 0; i < 10; i++) log.append(record());
    log.flush();
    const batch = (await outbox.cut(100))!;
    const registered = fromPrivateKey(generateKeyPairSync('ed25519').privateKey);
    const receiver = new Receiver(verifierFor(registered.publicKeyPem));
    assert.equal((await receiver.accept(batch)).status, 401);
    assert.match(receiver.rejected[0]!, /signature/);

    const honest = setup();
    for (let i = 0; i < 5; i++) honest.log.append(record());
    honest.log.flush();
    const good = (await honest.outbox.cut(100))!;
    const tampered = structuredClone(good);
    tampered.records[2]!.body = tampered.records[2]!.body.replace('alice', 'mallory');
    const r2 = new Receiver(verifierFor(honest.key.publicKeyPem));
    assert.equal((await r2.accept(tampered)).status, 401);
    assert.match(r2.rejected[0]!, /record 3 does not match its hash/);
    const rehashed = structuredClone(tampered);
    // An attacker who recomputes the chain still cannot match the signed Merkle root.
    const { chainHash } = await import('../../shared/audit/batch.ts');
    for (let i = 2; i < rehashed.records.length; i++) {
      const r = rehashed.records[i]!;
      if (i > 2) r.prev = rehashed.records[i - 1]!.hash;
      r.hash = chainHash(r.prev, r.body);
    }
    assert.equal((await r2.accept(rehashed)).status, 401);
    assert.match(r2.rejected[1]!, /Merkle root/);
    assert.equal((await r2.accept(good)).status, 200);
  });

  it('accepts a replayed batch once, and reports a dropped batch as a gap', async () => {
    const { log, key, outbox } = setup();
    const receiver = new Receiver(verifierFor(key.publicKeyPem));
    const batches: SignedBatch[] = [];
    for (let b = 0; b < 3; b++) {
      for (let i = 0; i < 4; i++) log.append(record());
      log.flush();
      batches.push((await outbox.cut(4))!);
    }
    assert.equal((await receiver.accept(batches[0])).status, 200);
    const replay = await receiver.accept(batches[0]);
    assert.deepEqual([replay.status, (replay.json as { status: string }).status], [200, 'duplicate']);
    assert.equal(receiver.stored.size, 1);
    // batches[1] never arrives (deleted on the device).
    assert.equal((await receiver.accept(batches[2])).status, 200);
    assert.deepEqual(receiver.gaps, [{ from: 5, to: 8 }]);
  });

  it('keeps everything through a long outage, backs off with jitter, then delivers all in order with no duplicates', async () => {
    const { log, key, outbox } = setup();
    const receiver = new Receiver(verifierFor(key.publicKeyPem));
    receiver.down = true;
    const http = await listen(receiver);
    let clock = Date.now();
    const shipper = new Shipper({
      outbox,
      send: httpSender(http.url),
      maxRecords: 50,
      maxAgeMs: 600_000,
      baseDelayMs: 1000,
      maxDelayMs: 60_000,
      random: () => 1,
      now: () => clock,
    });
    const delays: number[] = [];
    for (let round = 0; round < 8; round++) {
      for (let i = 0; i < 60; i++) log.append(record());
      log.flush();
      assert.equal(await shipper.tick(), 0);
      const next = outbox.nextWaiting()!;
      delays.push(next.nextAttemptAt - clock);
      clock = next.nextAttemptAt;
    }
    assert.deepEqual(delays, [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000], 'exponential, capped');
    assert.equal(http.posts(), 8, 'one attempt per due time, not a busy loop');
    assert.deepEqual(
      log.backlog(),
      { records: 480, unacknowledged: 480, batchesWaiting: 9 },
      '480 records → 9 full batches of 50 in the outbox, shown by the status while offline',
    );
    assert.equal(outbox.unbatched().count, 30);
    receiver.down = false;
    clock += 60_000;
    assert.equal(await shipper.tick(), 9);
    // A retry of an already acknowledged batch (ack lost in transit) is only acknowledged again.
    assert.equal((await receiver.accept([...receiver.stored.values()][0])).status, 200);
    const seqs = [...receiver.stored.values()].flatMap((b) => b.records.map((r) => r.seq));
    assert.deepEqual(
      seqs,
      Array.from({ length: 450 }, (_, i) => i + 1),
    );
    assert.deepEqual(receiver.gaps, []);
    assert.deepEqual(log.backlog(), { records: 480, unacknowledged: 30, batchesWaiting: 0 });
    http.server.closeAllConnections();
    http.server.close();
    log.close();
    outbox.close();
  });

  it('survives a restart: the outbox and its chain continue where they stopped', async () => {
    const { dir, log, key, outbox } = setup();
    for (let i = 0; i < 7; i++) log.append(record());
    log.flush();
    const first = (await outbox.cut(100))!;
    log.close();
    outbox.close();
    const log2 = new AuditLog(dir);
    const outbox2 = new Outbox(dir, 'dev-1', key.sign);
    assert.equal(log2.backlog().batchesWaiting, 1);
    for (let i = 0; i < 3; i++) log2.append(record());
    log2.flush();
    const second = (await outbox2.cut(100))!;
    const receiver = new Receiver(verifierFor(key.publicKeyPem));
    assert.equal((await receiver.accept(first)).status, 200);
    assert.equal((await receiver.accept(second)).status, 200);
    assert.equal(second.header.prevBatchHash, batchHash(first.header));
    log2.close();
    outbox2.close();
  });

  it('keeps the device key in the secret store and reuses it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-key-'));
    const store = new EncryptedFileBackend(dir, 'a long test passphrase');
    const a = await loadOrCreateDeviceKey(store);
    const b = await loadOrCreateDeviceKey(new EncryptedFileBackend(dir, 'a long test passphrase'));
    assert.equal(a.publicKeyPem, b.publicKeyPem);
    assert.match(a.publicKeyPem, /BEGIN PUBLIC KEY/);
  });
});
