import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, it } from 'node:test';
import type { AuditRecord } from '../../shared/audit/record.ts';
import { fromPrivateKey } from './device-key.ts';
import { AuditLog } from './log.ts';
import { Outbox } from './outbox.ts';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-24T12:00:00Z');

function record(i: number, daysAgo: number): AuditRecord {
  return {
    id: `r${i}`,
    ts: new Date(NOW - daysAgo * DAY).toISOString(),
    type: 'tools/call',
    correlationId: `c${i}`,
    user: 'u',
    agent: 'a',
    clientInfo: null,
    server: 's',
    tool: 's__t',
    decision: { effect: 'allow', rule: 'r' },
    outcome: 'ok',
    error: null,
    latencyMs: 1,
    result: null,
    bundleVersion: 1,
  };
}

function setUp(): { dir: string; log: AuditLog; outbox: Outbox } {
  const dir = mkdtempSync(join(tmpdir(), 'gh-retention-'));
  const log = new AuditLog(dir);
  for (let i = 1; i <= 30; i++) log.append(record(i, 60 - i)); // 59 days ago … 30 days ago
  for (let i = 31; i <= 40; i++) log.append(record(i, 1));
  log.flush();
  const outbox = new Outbox(dir, 'dev-1', fromPrivateKey(generateKeyPairSync('ed25519').privateKey).sign);
  return { dir, log, outbox };
}

describe('audit retention with checkpoints', () => {
  it('prunes nothing the org has not acknowledged, however old', async () => {
    const { log } = setUp();
    assert.deepEqual(log.prune(7, NOW), { pruned: 0, checkpoint: null });
    assert.equal(log.verify().records, 40);
  });

  it('prunes acknowledged records older than the retention, and the chain still verifies', async () => {
    const { dir, log, outbox } = setUp();
    const batch = (await outbox.cut(25))!;
    outbox.acknowledge(batch.header.batchId);
    const r = log.prune(45, NOW); // records 1-14 are older than 45 days (15 is exactly 45); 15-25 acknowledged but younger
    assert.deepEqual(r, { pruned: 14, checkpoint: 14 });
    const v = log.verify();
    assert.deepEqual([v.ok, v.records, v.prunedThrough], [true, 26, 14]);
    // The chain goes on from where it was.
    log.append(record(41, 0));
    log.flush();
    assert.equal(log.verify().ok, true);
    log.close();
    const again = new AuditLog(dir);
    assert.equal(again.verify().records, 27);
    // Still tamper-evident after pruning: edit a kept row.
    execFileSync('sqlite3', [
      join(dir, 'audit.db'),
      'DROP TRIGGER records_no_update; UPDATE records SET body = replace(body, \'"ok"\', \'"error"\') WHERE seq = 20;',
    ]);
    const broken = again.verify();
    assert.equal(broken.ok, false);
    assert.equal(broken.firstBad?.seq, 20);
    again.close();
  });

  it('refuses to delete records past the checkpoint, and flags a forged checkpoint', async () => {
    const { dir, log, outbox } = setUp();
    outbox.acknowledge((await outbox.cut(10))!.header.batchId);
    log.prune(30, NOW);
    log.close();
    const db = new DatabaseSync(join(dir, 'audit.db'));
    assert.throws(() => db.exec('DELETE FROM records WHERE seq = 35'), /append-only/);
    assert.throws(() => db.exec('DELETE FROM checkpoints'), /append-only/);
    // Someone forges a checkpoint to delete records that were never shipped.
    db.exec("INSERT INTO checkpoints (seq, hash, at) VALUES (38, 'sha256:forged', '2026-11-24')");
    db.exec('DELETE FROM records WHERE seq <= 38');
    db.close();
    const after = new AuditLog(dir);
    const v = after.verify();
    assert.equal(v.ok, false);
    assert.match(v.firstBad!.reason, /never acknowledged/);
    after.close();
  });
});
