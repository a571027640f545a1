// A new bundle restarts only servers whose process it changes: an org approval that
// only adds a pin (or deprecates a server) must not restart it on every desktop.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { startDaemon, stdioServer, waitFor, writeBundle, type TestDaemon } from '../helpers/daemon.ts';

interface Servers {
  servers: { id: string; state: string; pid: number | null; status: string }[];
}

describe('applying a new bundle', () => {
  let d: TestDaemon;
  let path: string;
  const bundle = (version: number, a: Record<string, unknown>) => ({
    schemaVersion: 1,
    name: 'apply',
    version,
    servers: [stdioServer('a', 'faulty-server.ts', a), stdioServer('b', 'faulty-server.ts')],
  });
  const pids = async () => Object.fromEntries((await d.control<Servers>('/servers')).body.servers.map((s) => [s.id, s.pid]));
  const reload = async (b: Record<string, unknown>) => {
    writeFileSync(path, JSON.stringify({ ...b, policies: { rules: [{ id: 'all', effect: 'allow' }] }, settings: { pinning: { trustOnFirstUse: true } } }));
    const r = await d.control<{ ok: boolean; error?: string }>('/bundle/reload', { method: 'POST' });
    assert.equal(r.body.ok, true, r.body.error);
  };
  const ready = async () => (await d.control<Servers>('/servers')).body.servers.every((s) => s.state === 'ready');

  before(async () => {
    path = writeBundle(bundle(1, {}));
    d = await startDaemon({ bundle: path });
    await waitFor(ready, 15_000, 'servers ready');
  });
  after(async () => {
    await d.stop();
  });

  it('keeps a server running when only its pins or its status change', async () => {
    const first = await pids();
    await reload(bundle(2, { pins: { echo: 'sha256:' + '0'.repeat(64) } }));
    await reload(bundle(3, { status: 'deprecated' }));
    await waitFor(ready, 15_000, 'servers ready');
    assert.deepEqual(await pids(), first, 'same processes');
    assert.equal((await d.control<Servers>('/servers')).body.servers.find((s) => s.id === 'a')!.status, 'deprecated', 'the new entry is in force');
  });

  it('restarts a server whose launch changed, and only that one', async () => {
    const first = await pids();
    await reload(
      bundle(4, {
        status: 'deprecated',
        transport: {
          type: 'stdio',
          command: process.execPath,
          args: [(stdioServer('a', 'faulty-server.ts').transport as { args: string[] }).args[0]!],
          env: { CHANGED: '1' },
        },
      }),
    );
    await waitFor(async () => (await ready()) && (await pids()).a !== first.a, 15_000, 'a restarted');
    assert.equal((await pids()).b, first.b, 'b kept running');
  });
});
