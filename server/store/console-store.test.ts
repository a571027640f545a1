// The console's queries on both stores (embedded SQLite and a real PostgreSQL):
// reports merge into escalations deduplicated across devices, a change a device
// stops reporting is released, decisions come back to the devices that hold
// the change, pages never repeat a row, and a revoked device holds nothing.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BATCH_GENESIS, chainHash } from '../../shared/audit/batch.ts';
import type { DeviceReport, ReportedChange } from '../../shared/console/device-report.ts';
import { startPostgres, type TestPostgres } from '../../test/helpers/postgres.ts';
import { escalationId } from './console-store.ts';
import { openStore } from './open.ts';
import type { ServerStore } from './store.ts';

const publicKey = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
const hash = (c: string) => `sha256:${c.repeat(64)}`;

function change(tool: string, h: string, risk: ReportedChange['risk'] = 'critical'): ReportedChange {
  return {
    server: 'fs',
    tool,
    kind: 'changed',
    oldHash: hash('0'),
    newHash: h,
    oldDefinition: { name: tool },
    newDefinition: { name: tool, description: 'new' },
    diff: [{ path: '/description', kind: 'added', after: 'new' }],
    findings: [],
    risk,
    createdAt: '2026-11-30T10:00:00.000Z',
  };
}
const report = (user: string, pending: ReportedChange[], bundleVersion = 1): DeviceReport => ({ user, bundleVersion, keys: ['k1'], auditBacklog: 0, pending });

const pg: TestPostgres | undefined = await startPostgres().catch((err: Error) => {
  if (process.env.CI) throw err;
  return undefined;
});
after(async () => {
  await pg?.stop();
});

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`console store on ${kind}`, { skip: kind === 'postgres' && !pg ? 'PostgreSQL is not installed here' : false }, () => {
    let store: ServerStore;
    const devices = ['dev-00000000-0000-0000-0000-000000000001', 'dev-00000000-0000-0000-0000-000000000002', 'dev-00000000-0000-0000-0000-000000000003'];

    before(async () => {
      store = await openStore(kind === 'sqlite' ? join(mkdtempSync(join(tmpdir(), 'gh-cstore-')), 'sync.db') : pg!.url);
      await store.initOrg({ id: 'acme', name: 'Acme', keys: [{ keyId: 'k1', publicKey }], oidc: null });
      for (const [i, id] of devices.entries()) {
        await store.addDevice({ id, name: `laptop-${i}`, publicKey, tokenHash: `h${i}`, enrolledAt: new Date().toISOString(), label: null });
        await store.console.enrolled(id, i === 0 ? 'nonce-aaaaaaaa' : null);
      }
    });
    after(async () => {
      await store.close();
    });

    it('deduplicates a change reported by two devices, and releases it when one stops holding it', async () => {
      await store.console.report(devices[0]!, report('alice', [change('read', hash('a')), change('write', hash('b'), 'low')]), '2026-11-30T10:00:01.000Z');
      await store.console.report(devices[1]!, report('bob', [change('read', hash('a'))]), '2026-11-30T10:00:02.000Z');
      const page = await store.console.escalationPage({ state: 'open', limit: 50 });
      assert.equal(page.total, 2);
      assert.deepEqual(
        page.escalations.map((e) => [e.tool, e.devices, e.users]),
        [
          ['read', 2, ['alice', 'bob']],
          ['write', 1, ['alice']],
        ],
      );
      await store.console.report(devices[0]!, report('alice', [change('read', hash('a'))]), '2026-11-30T10:00:03.000Z');
      const after = await store.console.escalationPage({ state: 'open', limit: 50 });
      assert.deepEqual(
        after.escalations.map((e) => e.tool),
        ['read'],
      );
    });

    it('answers a decision to the devices that hold the change', async () => {
      const id = escalationId('fs', 'read', hash('a'));
      assert.equal(
        await store.console.decideEscalation(
          id,
          { decision: 'rejected', by: 'admin@host', reason: 'exfiltration', publishedVersion: null },
          '2026-11-30T10:01:00.000Z',
        ),
        true,
      );
      const decisions = await store.console.report(devices[1]!, report('bob', [change('read', hash('a'))]), '2026-11-30T10:01:01.000Z');
      assert.deepEqual(
        decisions.map((d) => [d.tool, d.decision, d.by, d.reason]),
        [['read', 'rejected', 'admin@host', 'exfiltration']],
      );
      assert.deepEqual(await store.console.report(devices[2]!, report('carol', []), '2026-11-30T10:01:02.000Z'), []);
      const detail = await store.console.escalation(id);
      assert.equal(detail?.summary.state, 'rejected');
      assert.equal(detail?.change.newDefinition?.description, 'new');
      assert.equal(detail?.devices.length, 2);
    });

    it('pages devices without repeats and filters by sync state; revocation releases what a device held', async () => {
      const first = await store.console.devicePage({ limit: 2, latestVersion: 1, now: Date.parse('2026-11-30T11:00:00Z') });
      assert.equal(first.total, 3);
      const second = await store.console.devicePage({ limit: 2, cursor: first.nextCursor!, latestVersion: 1, now: Date.parse('2026-11-30T11:00:00Z') });
      assert.deepEqual([...first.devices, ...second.devices].map((d) => d.id).sort(), [...devices].sort());
      assert.equal(second.nextCursor, null);
      const behind = await store.console.devicePage({ limit: 50, state: 'behind', latestVersion: 2, now: Date.parse('2026-11-30T11:00:00Z') });
      assert.equal(behind.total, 3);
      assert.ok(await store.console.revokeDevice(devices[1]!, '2026-11-30T11:00:00.000Z', 'lost'));
      const d = await store.console.device(devices[1]!, 2, Date.parse('2026-11-30T11:00:00Z'));
      assert.equal(d?.syncState, 'revoked');
      assert.equal((await store.console.escalation(escalationId('fs', 'read', hash('a'))))?.summary.devices, 1);
      assert.equal((await store.console.devicePage({ limit: 50, q: 'LAPTOP-1', latestVersion: 2, now: 0 })).total, 1);
    });

    it('lists, counts and revokes enrollment tokens', async () => {
      await store.console.addEnrollToken({ id: 'nonce-aaaaaaaa', label: 'alice', issuedAt: '2026-11-30T09:00:00.000Z', expiresAt: '2026-12-07T09:00:00.000Z' });
      assert.deepEqual(
        (await store.console.enrolTokens()).map((t) => [t.id, t.uses, t.revokedAt]),
        [['nonce-aaaaaaaa', 1, null]],
      );
      assert.ok(await store.console.revokeEnrollToken('nonce-aaaaaaaa', '2026-11-30T12:00:00.000Z'));
      assert.equal((await store.console.enrolToken('nonce-aaaaaaaa'))?.revokedAt, '2026-11-30T12:00:00.000Z');
    });

    it('searches audit records newest first with a cursor, by correlation id and agent', async () => {
      let prev = BATCH_GENESIS;
      const rows = Array.from({ length: 7 }, (_, i) => {
        const body = JSON.stringify({
          id: `r${i}`,
          ts: `2026-11-30T10:00:0${i}.000Z`,
          type: 'tools/call',
          correlationId: i < 2 ? 'corr-1' : `c${i}`,
          user: 'alice',
          agent: i % 2 ? 'cursor' : 'claude',
          clientInfo: null,
          server: 'fs',
          tool: 'fs__read',
          decision: { effect: 'allow', rule: 'r1' },
          outcome: 'ok',
          error: null,
          latencyMs: 3,
          result: null,
          bundleVersion: 1,
        });
        const h = chainHash(prev, body);
        const row = {
          deviceId: devices[0]!,
          seq: i + 1,
          hash: h,
          prev,
          body,
          batchId: 'b1',
          ts: `2026-11-30T10:00:0${i}.000Z`,
          user: 'alice',
          agent: i % 2 ? 'cursor' : 'claude',
          server: 'fs',
          tool: 'fs__read',
          outcome: 'ok',
          type: 'tools/call',
          correlationId: i < 2 ? 'corr-1' : `c${i}`,
        };
        prev = h;
        return row;
      });
      await store.storeBatch(
        {
          batchId: 'b1',
          deviceId: devices[0]!,
          firstSeq: 1,
          lastSeq: 7,
          batchHash: 'x',
          prevBatchHash: BATCH_GENESIS,
          lastRecordHash: prev,
          header: '{}',
          signature: 's',
          receivedAt: new Date().toISOString(),
        },
        rows,
      );
      const p1 = await store.console.auditPage({ limit: 4 });
      const p2 = await store.console.auditPage({ limit: 4, cursor: p1.nextCursor! });
      assert.deepEqual(
        [...p1.records, ...p2.records].map((r) => r.seq),
        [7, 6, 5, 4, 3, 2, 1],
      );
      assert.equal(p2.nextCursor, null);
      assert.equal(p1.records[0]?.deviceName, 'laptop-0');
      assert.equal(p1.records[0]?.rule, 'r1');
      assert.deepEqual(
        (await store.console.auditPage({ correlationId: 'corr-1', limit: 10 })).records.map((r) => r.seq),
        [2, 1],
      );
      assert.deepEqual(
        (await store.console.auditPage({ agent: 'cursor', limit: 10 })).records.map((r) => r.seq),
        [6, 4, 2],
      );
      const detail = await store.console.auditRecord(devices[0]!, 1);
      assert.deepEqual(
        detail?.chain.map((r) => r.seq),
        [1, 2],
      );
    });
  });
}
