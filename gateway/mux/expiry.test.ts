import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseBundle, type Bundle } from '../../shared/bundle/schema.ts';
import { ErrorCode } from '../../shared/jsonrpc/message.ts';
import type { JsonRpcMessage } from '../../shared/jsonrpc/message.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createChannel } from '../upstream/launch.ts';
import { RotatingLog } from '../upstream/stderr-log.ts';
import { Gateway } from './gateway.ts';

const FIXTURE = fileURLToPath(new URL('../../test/fixtures/servers/faulty-server.ts', import.meta.url));

function bundle(expiresAt: string): Bundle {
  const r = parseBundle({
    schemaVersion: 1,
    name: 'b',
    version: 4,
    expiresAt,
    servers: [{ id: 'fx', transport: { type: 'stdio', command: process.execPath, args: [FIXTURE] } }],
    policies: { rules: [{ id: 'all', effect: 'allow' }] },
  });
  if (!r.ok) throw new Error('bad test bundle');
  return r.bundle;
}

async function waitUntil(check: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
}

describe('an expired bundle', () => {
  it('starts nothing, refuses every forwarded request with the reason, and lists nothing', async () => {
    const spawned: string[] = [];
    const gateway = new Gateway({
      bundle: bundle(new Date(Date.now() - 1000).toISOString()),
      makeChannel: (server) => {
        spawned.push(server.id);
        throw new Error('must not be called');
      },
    });
    gateway.start();
    assert.deepEqual(spawned, [], 'no upstream was spawned');
    assert.match(gateway.closedReason ?? '', /version 4 expired at/);
    const sent: JsonRpcMessage[] = [];
    const session = gateway.openSession('agent', 'stdio', {
      send: (m) => {
        sent.push(JSON.parse(typeof m === 'string' ? m : JSON.stringify(m)) as JsonRpcMessage);
      },
    });
    gateway.handle(session, {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
    });
    gateway.handle(session, { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'fx__echo', arguments: {} } });
    gateway.handle(session, { jsonrpc: '2.0', id: 3, method: 'tools/list', params: {} });
    await new Promise((r) => setTimeout(r, 20));
    const call = sent.find((m) => 'id' in m && m.id === 2) as { error: { code: number; message: string } };
    assert.equal(call.error.code, ErrorCode.BundleExpired);
    assert.match(call.error.message, /expired/);
    const list = sent.find((m) => 'id' in m && m.id === 3) as unknown as { result: { tools: unknown[] } };
    assert.deepEqual(list.result.tools, []);
    await gateway.stop();
  });

  it('closes when its time comes while running', async () => {
    // The server starts under a bundle valid for an hour (however slow the machine); the same
    // bundle then comes back with an expiry a moment away, and the running gateway must close.
    const b = bundle(new Date(Date.now() + 3_600_000).toISOString());
    const log = new RotatingLog(join(mkdtempSync(join(tmpdir(), 'gh-expiry-')), 'fx.log'));
    const gateway: Gateway = new Gateway({
      bundle: b,
      makeChannel: (server) => createChannel(server, { settings: b.settings, vars: {}, env: process.env, log }),
    });
    gateway.start();
    await waitUntil(() => gateway.upstream('fx')?.state === 'ready', 30_000);
    await gateway.applyBundle({ ...b, expiresAt: new Date(Date.now() + 2000).toISOString() });
    assert.equal(gateway.closedReason, undefined);
    assert.equal(gateway.upstream('fx')?.state, 'ready', 'the server kept running across the new bundle');
    await waitUntil(() => gateway.closedReason !== undefined, 10_000);
    assert.match(gateway.closedReason ?? '', /expired/);
    assert.equal(gateway.upstreams().length, 0);
    await gateway.stop();
  });
});
