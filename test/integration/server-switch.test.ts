// Switching a server off on one desktop: its tools leave every agent at once, a call
// names the way back, the choice survives a daemon restart, and bad input is refused.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stdioClient } from '../helpers/clients.ts';
import { CLI, startDaemon, stdioServer, tempDir, waitFor, writeBundle, type TestDaemon } from '../helpers/daemon.ts';

interface Servers {
  servers: { id: string; state: string; enabled?: boolean; lastError: string | null; pid: number | null }[];
}

describe('switching a server off and on', () => {
  const dataDir = tempDir();
  const bundle = writeBundle({ schemaVersion: 1, name: 'switch', servers: [stdioServer('a', 'faulty-server.ts'), stdioServer('b', 'faulty-server.ts')] });
  let daemon: TestDaemon;
  const serverA = async () => (await daemon.control<Servers>('/servers')).body.servers.find((s) => s.id === 'a')!;
  const allReady = async () => (await daemon.control<Servers>('/servers')).body.servers.every((s) => s.state === 'ready');

  before(async () => {
    daemon = await startDaemon({ bundle, dataDir });
    await waitFor(allReady, 15_000, 'both servers ready');
  });
  after(async () => {
    await daemon.stop();
  });

  it("takes the server's tools away from a connected agent, and a call says how to turn it back on", async () => {
    const c = await stdioClient(daemon.dataDir, 'switcher');
    try {
      assert.ok((await c.listTools()).tools.some((t) => t.name === 'a__echo'));
      const r = await daemon.control<{ enabled: boolean }>('/servers/a/enabled', { method: 'POST', body: JSON.stringify({ enabled: false }) });
      assert.equal(r.status, 200);
      const a = await serverA();
      assert.equal(a.enabled, false);
      assert.equal(a.state, 'disabled');
      assert.equal(a.pid, null, 'its process is stopped');
      assert.match(a.lastError ?? '', /switched off on this desktop/);
      const tools = (await c.listTools()).tools.map((t) => t.name);
      assert.ok(!tools.some((t) => t.startsWith('a__')), `a's tools are gone: ${tools.join(', ')}`);
      assert.ok(tools.includes('b__echo'), 'the other server is untouched');
      await assert.rejects(c.callTool({ name: 'a__echo', arguments: { message: 'x' } }), /switched off on this desktop.*server enable a/);
      const restart = await daemon.control<{ error: string }>('/servers/a/restart', { method: 'POST' });
      assert.equal(restart.status, 409, "a switched-off server is not restarted behind the user's back");
    } finally {
      await c.close();
    }
  });

  it('keeps the server off across a daemon restart, and the CLI turns it back on', async () => {
    await daemon.stop();
    daemon = await startDaemon({ bundle, dataDir });
    await waitFor(async () => (await daemon.control<Servers>('/servers')).body.servers.find((s) => s.id === 'b')?.state === 'ready', 15_000, 'b ready');
    assert.equal((await serverA()).enabled, false);
    assert.equal((await serverA()).state, 'disabled');
    const status = spawnSync(process.execPath, [CLI, 'status', '--data-dir', dataDir], { encoding: 'utf8' });
    assert.match(status.stdout, /switched off on this desktop: `.*server enable a` turns it back on/);
    const on = spawnSync(process.execPath, [CLI, 'server', 'enable', 'a', '--data-dir', dataDir], { encoding: 'utf8' });
    assert.equal(on.status, 0, on.stderr);
    assert.match(on.stdout, /a: switched on/);
    await waitFor(async () => (await serverA()).state === 'ready', 15_000, 'a ready again');
    assert.equal((await serverA()).enabled, true);
    const c = await stdioClient(daemon.dataDir, 'switcher-2');
    try {
      const r = await c.callTool({ name: 'a__echo', arguments: { message: 'back' } });
      assert.equal((r.content as { text: string }[])[0]!.text, 'back');
    } finally {
      await c.close();
    }
  });

  it('refuses a malformed body, an unknown server and an unknown action, changing nothing', async () => {
    for (const body of ['{"enabled":"no"}', '{"enabled":false,"extra":1}', 'not json', '{"__proto__":{"enabled":false}}']) {
      const r = await daemon.control<{ error: string }>('/servers/a/enabled', { method: 'POST', body });
      assert.equal(r.status, 400, `${body} → ${r.status}`);
    }
    assert.equal((await daemon.control('/servers/nope/enabled', { method: 'POST', body: '{"enabled":false}' })).status, 404);
    assert.equal((await daemon.control('/servers/__proto__/enabled', { method: 'POST', body: '{"enabled":false}' })).status, 404);
    assert.equal((await serverA()).enabled, true);
    const bad = spawnSync(process.execPath, [CLI, 'server', 'pause', 'a', '--data-dir', dataDir], { encoding: 'utf8' });
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /server enable\|disable\|restart ID/);
  });
});

describe('a damaged list of switched-off servers', () => {
  it('starts with every server on and says what is wrong', async () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'disabled-servers.json'), '{"servers": ["a", 42]}');
    const daemon = await startDaemon({ bundle: writeBundle({ schemaVersion: 1, name: 'switch', servers: [stdioServer('a', 'faulty-server.ts')] }), dataDir });
    try {
      const status = await waitFor(
        async () => {
          const s = (await daemon.control<{ servers: Servers['servers']; problems?: { component: string; message: string }[] }>('/status')).body;
          return s.servers[0]?.state === 'ready' ? s : undefined;
        },
        15_000,
        'a ready',
      );
      assert.equal(status.servers[0]!.enabled, true);
      assert.ok(
        status.problems?.some((p) => p.component === 'disabled-servers' && /not a list of server ids/.test(p.message)),
        JSON.stringify(status.problems),
      );
    } finally {
      await daemon.stop();
    }
  });
});
