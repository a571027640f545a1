// Attacks on switching servers off per desktop, against a real daemon: a hostile or
// damaged disabled-servers.json must not keep the daemon from starting, and a server
// switched off must never be started again behind the user's back: not by a daemon
// restart, a reload, a bundle update that changes it, a restart request, a credential
// change, a storm of toggles, or a bundle that expires and is replaced.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseBundle } from '../../shared/bundle/schema.ts';
import { DeferredChannel } from '../../gateway/upstream/deferred-channel.ts';
import { RotatingLog } from '../../gateway/upstream/stderr-log.ts';
import { StdioChannel } from '../../gateway/upstream/stdio-channel.ts';
import { Upstream } from '../../gateway/upstream/upstream.ts';
import { FIXTURES, startDaemon, tempDir, waitFor, writeBundle, type TestDaemon } from '../helpers/daemon.ts';

interface ServerRow {
  id: string;
  state: string;
  enabled?: boolean;
  pid: number | null;
}
interface Status {
  servers: ServerRow[];
  problems?: { component: string; message: string }[];
}

/** A stdio server that notes each start in a file, so a start nobody sees in the status still counts. */
function countedServer(id: string, starts: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const script = join(FIXTURES, 'servers', 'faulty-server.ts');
  return {
    id,
    transport: { type: 'stdio', command: '/bin/sh', args: ['-c', `echo start >> '${starts}'; exec '${process.execPath}' '${script}' '${starts}'`] },
    ...extra,
  };
}
const startsIn = (file: string) => {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).length;
  } catch {
    return 0;
  }
};
const settle = () => new Promise((r) => setTimeout(r, 1_500));

describe('a hostile or damaged disabled-servers.json', () => {
  const cases: [string, (path: string) => void][] = [
    ['binary garbage', (p) => writeFileSync(p, Buffer.from([0xff, 0xfe, 0, 1, 2, 0x7b]))],
    ['__proto__ keys', (p) => writeFileSync(p, '{"__proto__":{"servers":["a"]},"servers":["a"],"constructor":1}')],
    ['ids that are not ids', (p) => writeFileSync(p, JSON.stringify({ servers: ['../../etc', 'A'.repeat(5000), '__proto__'] }))],
    ['far too many ids', (p) => writeFileSync(p, JSON.stringify({ servers: Array.from({ length: 200_000 }, (_, i) => `s${i}`) }))],
    ['deeply nested JSON', (p) => writeFileSync(p, `${'['.repeat(100_000)}${']'.repeat(100_000)}`)],
    ['a directory', (p) => mkdirSync(p)],
    ['a dangling symlink', (p) => symlinkSync('/nonexistent/gatehouse', p)],
  ];
  for (const [what, plant] of cases) {
    it(`starts anyway with ${what}, reports it, and can switch servers off again`, async () => {
      const dataDir = tempDir();
      const path = join(dataDir, 'disabled-servers.json');
      plant(path);
      const starts = join(tempDir(), 'starts');
      const d = await startDaemon({ dataDir, bundle: writeBundle({ schemaVersion: 1, name: 'damaged', servers: [countedServer('a', starts)] }) });
      try {
        const status = await waitFor(
          async () => {
            const s = (await d.control<Status>('/status')).body;
            return s.servers[0]?.state === 'ready' || s.servers[0]?.state === 'disabled' ? s : undefined;
          },
          15_000,
          'a settled',
        );
        if (what !== '__proto__ keys' && what !== 'a dangling symlink')
          assert.ok(
            status.problems?.some((p) => p.component === 'disabled-servers'),
            `the problem is reported: ${JSON.stringify(status.problems)}`,
          );
        const off = await d.control('/servers/a/enabled', { method: 'POST', body: '{"enabled":false}' });
        if (what === 'a directory') {
          assert.equal(off.status, 500, 'a list that cannot be written is an error, not a crash');
          assert.equal((await d.control<{ servers: ServerRow[] }>('/servers')).body.servers[0]?.enabled, true, 'and the server stays as the file says');
        } else {
          assert.equal(off.status, 200);
          assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), { servers: ['a'] });
        }
        assert.equal(d.proc.exitCode, null);
      } finally {
        await d.stop();
      }
    });
  }

  it('starts anyway when the file is a FIFO nobody writes to, or a device that never ends', async () => {
    for (const plant of [(p: string) => execFileSync('mkfifo', [p]), (p: string) => symlinkSync('/dev/zero', p)]) {
      const dataDir = tempDir();
      plant(join(dataDir, 'disabled-servers.json'));
      const d = await startDaemon({ dataDir, bundle: writeBundle({ schemaVersion: 1, name: 'fifo', servers: [] }) });
      try {
        const status = (await d.control<Status>('/status')).body;
        assert.ok(
          status.problems?.some((p) => p.component === 'disabled-servers'),
          JSON.stringify(status.problems),
        );
      } finally {
        await d.stop();
      }
    }
  });
});

describe("a switched-off server is never started behind the user's back", () => {
  const dataDir = tempDir();
  const starts = join(tempDir(), 'starts');
  const bundleDir = tempDir('gh-bundle-');
  const bundleFile = (version: number, extra: Record<string, unknown> = {}, env: Record<string, string> = {}) =>
    writeBundle(
      {
        schemaVersion: 1,
        name: 'switch-attack',
        version,
        servers: [
          countedServer('off', starts, { transport: { ...(countedServer('off', starts).transport as object), env } }),
          countedServer('on', join(bundleDir, 'on-starts')),
        ],
        ...extra,
      },
      bundleDir,
    );
  let d: TestDaemon;
  const row = async (id: string) => (await d.control<{ servers: ServerRow[] }>('/servers')).body.servers.find((s) => s.id === id);
  const toggle = (enabled: boolean) => d.control('/servers/off/enabled', { method: 'POST', body: JSON.stringify({ enabled }) });

  before(async () => {
    d = await startDaemon({ dataDir, bundle: bundleFile(1) });
    await waitFor(async () => (await row('off'))?.state === 'ready', 15_000, 'off ready');
    assert.equal((await toggle(false)).status, 200);
    await waitFor(async () => (await row('off'))?.state === 'disabled', 10_000, 'off disabled');
  });
  after(async () => {
    await d.stop();
  });

  it('not by a restart request, a reload, or a bundle update that changes the server', async () => {
    const count = startsIn(starts);
    assert.equal((await d.control('/servers/off/restart', { method: 'POST' })).status, 409);
    assert.equal((await d.control<{ ok: boolean }>('/bundle/reload', { method: 'POST' })).status, 200);
    bundleFile(2, {}, { CHANGED: '1' });
    const reloaded = await d.control<{ ok: boolean; version: number }>('/bundle/reload', { method: 'POST' });
    assert.equal(reloaded.body.version, 2, JSON.stringify(reloaded.body));
    await settle();
    assert.equal(startsIn(starts), count, 'no start');
    assert.equal((await row('off'))?.state, 'disabled');
  });

  it('not by a bundle that expires and is replaced by a newer one', async () => {
    const count = startsIn(starts);
    bundleFile(3, { expiresAt: new Date(Date.now() + 1_500).toISOString() });
    assert.equal((await d.control<{ version: number }>('/bundle/reload', { method: 'POST' })).body.version, 3);
    await waitFor(async () => (await row('on'))?.pid === null, 10_000, 'the expired bundle to stop everything');
    bundleFile(4);
    assert.equal((await d.control<{ version: number }>('/bundle/reload', { method: 'POST' })).body.version, 4);
    await waitFor(async () => (await row('on'))?.state === 'ready', 15_000, 'the other server back');
    await settle();
    assert.equal(startsIn(starts), count, 'no start');
    assert.equal((await row('off'))?.state, 'disabled');
  });

  it('not by a storm of toggles and reloads that ends switched off', async () => {
    const ops: Promise<unknown>[] = [];
    for (let i = 0; i < 40; i++) {
      ops.push(toggle(i % 2 === 1));
      if (i % 10 === 0) ops.push(d.control('/bundle/reload', { method: 'POST' }));
    }
    await Promise.all(ops);
    assert.equal((await toggle(false)).status, 200);
    await settle();
    const count = startsIn(starts);
    const r = await row('off');
    assert.equal(r?.state, 'disabled');
    assert.equal(r?.pid, null);
    assert.deepEqual(JSON.parse(readFileSync(join(dataDir, 'disabled-servers.json'), 'utf8')), { servers: ['off'] });
    await settle();
    assert.equal(startsIn(starts), count, 'nothing started after the storm settled');
    // No process of it is left running either.
    const running = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.includes(starts) && !l.includes('ps -eo'));
    assert.deepEqual(running, []);
  });

  it('not by a daemon restart, and the daemon survives the file being replaced under it', async () => {
    await d.stop();
    const count = startsIn(starts);
    d = await startDaemon({ dataDir, bundle: bundleFile(5) });
    await waitFor(async () => (await row('on'))?.state === 'ready', 15_000, 'on ready');
    await settle();
    assert.equal(startsIn(starts), count, 'no start at daemon start');
    assert.equal((await row('off'))?.state, 'disabled');
    // Someone writes garbage over the file while the daemon runs: the in-memory choice holds until the next start.
    writeFileSync(join(dataDir, 'disabled-servers.json'), 'garbage');
    assert.equal((await d.control('/servers/off/restart', { method: 'POST' })).status, 409);
    assert.equal((await d.control('/bundle/reload', { method: 'POST' })).status, 200);
    await settle();
    assert.equal(startsIn(starts), count);
  });
});

describe('a server with credentials switched off while it is still starting', () => {
  it('leaves no process of it running', async () => {
    // The daemon's own parts: an Upstream over a DeferredChannel (what a server with
    // credentials gets) over a real stdio process; the keychain's answer takes 300 ms,
    // and the user switches the server off meanwhile (serverToggled → upstream.stop()).
    const starts = join(tempDir(), 'starts');
    const parsed = parseBundle({ schemaVersion: 1, name: 'cred-race', servers: [countedServer('keyed', starts)] });
    assert.ok(parsed.ok);
    const server = parsed.bundle.servers[0]!;
    const t = server.transport as { command: string; args: string[] };
    const log = new RotatingLog(join(tempDir(), 'keyed.log'));
    const upstream = new Upstream({
      server,
      callTimeoutMs: 5_000,
      startTimeoutMs: 5_000,
      restart: { initialDelayMs: 100, maxDelayMs: 1_000 },
      makeChannel: () =>
        new DeferredChannel(async () => {
          await new Promise((r) => setTimeout(r, 300));
          return new StdioChannel({ command: t.command, args: t.args, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } }, log, 1 << 20);
        }),
      listener: { onNotification() {}, onServerRequest() {}, onCatalogChanged() {}, onStateChanged() {} },
      clientInfo: { name: 'attack', version: '1' },
    });
    upstream.start();
    await upstream.stop();
    await settle();
    const running = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.includes(starts) && !l.includes('ps -eo'));
    for (const line of running)
      try {
        process.kill(Number(line.trim().split(' ')[0]), 'SIGKILL');
      } catch {
        /* gone */
      }
    assert.equal(upstream.state, 'stopped');
    assert.deepEqual(running, [], `stopped, yet running (${startsIn(starts)} start)`);
  });
});
