// Rate limits are not reset by a reload or an org push that leaves them alone:
// against a real daemon, a burst uses up a limit, a reload with an unrelated
// change keeps the caller waiting, and only a change to the limit itself gives
// a fresh bucket.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@modelcontextprotocol/client';
import { ErrorCode } from '../../shared/jsonrpc/message.ts';
import { refusal, stdioClient } from '../helpers/clients.ts';
import { startDaemon, stdioServer, writeBundle, type TestDaemon } from '../helpers/daemon.ts';

const LIMIT = { id: 'two-a-minute', per: 'agent', servers: ['limited'], tools: ['pid'], calls: 2, perSeconds: 60 };
const bundle = (version: number, extraRules: unknown[], limit: Record<string, unknown>) => ({
  schemaVersion: 1,
  name: 'limits',
  version,
  servers: [stdioServer('limited', 'faulty-server.ts')],
  policies: { rules: [{ id: 'limited-all', effect: 'allow', servers: ['limited'] }, ...extraRules], rateLimits: [limit] },
});

describe('rate limits across reloads', () => {
  let d: TestDaemon;
  let path: string;
  let client: Client;

  before(async () => {
    path = writeBundle(bundle(1, [], LIMIT));
    d = await startDaemon({ bundle: path });
    client = await stdioClient(d.dataDir, 'burster');
  });
  after(async () => {
    await client?.close();
    await d?.stop();
  });

  const reload = async (next: Record<string, unknown>) => {
    writeFileSync(path, JSON.stringify({ ...next, settings: { pinning: { trustOnFirstUse: true } } }));
    const r = await d.control<{ ok: boolean; version?: number; error?: string }>('/bundle/reload', { method: 'POST' });
    assert.deepEqual([r.status, r.body.ok, r.body.version], [200, true, next.version], JSON.stringify(r.body));
  };
  const pid = () => client.callTool({ name: 'limited__pid', arguments: {} });

  it('keeps a used-up bucket through a reload that does not touch the limit, and starts afresh when the limit changes', async () => {
    await pid();
    await pid();
    assert.equal((await refusal(pid())).code, ErrorCode.RateLimited, 'the burst used the limit up');

    await reload(bundle(2, [{ id: 'unrelated', effect: 'deny', servers: ['elsewhere'] }], LIMIT));
    const still = await refusal(pid());
    assert.equal(still.code, ErrorCode.RateLimited, 'an unrelated reload is no way around the limit');
    assert.match(still.message, /two-a-minute/);

    await reload(bundle(3, [], { ...LIMIT, calls: 3 }));
    const fresh = await pid();
    assert.ok(!fresh.isError, 'a changed limit starts with a full bucket');
  });
});
