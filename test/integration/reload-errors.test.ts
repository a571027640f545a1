// A reload that fails is reported, not fatal and not misreported: a bundle that
// parses but cannot be applied (a policy root that is not absolute only fails
// when the policy compiles), reloaded by SIGHUP and through the control API,
// leaves the daemon up on its last good bundle, says so in the daemon log, and
// shows as the reload's latest problem in the status until a good one applies.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@modelcontextprotocol/client';
import { stdioClient } from '../helpers/clients.ts';
import { startDaemon, stdioServer, waitFor, writeBundle, type TestDaemon } from '../helpers/daemon.ts';

interface StatusProblems {
  bundle: { version: number };
  problems?: { component: string; message: string; at: string }[];
}

const bundle = (version: number, root: string) => ({
  schemaVersion: 1,
  name: 'reloads',
  version,
  servers: [stdioServer('fx', 'faulty-server.ts')],
  policies: {
    rules: [
      { id: 'fx', effect: 'allow', servers: ['fx'] },
      { id: 'rooted', effect: 'allow', servers: ['none'], paths: [{ argument: 'path', within: [root] }] },
    ],
  },
  settings: { pinning: { trustOnFirstUse: true } },
});

describe('failed reloads', () => {
  let d: TestDaemon;
  let path: string;
  let client: Client;

  before(async () => {
    path = writeBundle(bundle(1, '/tmp'));
    d = await startDaemon({ bundle: path });
    client = await stdioClient(d.dataDir, 'watcher');
  });
  after(async () => {
    await client?.close();
    await d?.stop();
  });

  const status = async () => (await d.control<StatusProblems>('/status')).body;
  const reloadProblem = async () => (await status()).problems?.find((p) => p.component === 'reload');

  it('survives a SIGHUP reload that fails to apply, says so only once it knows, and keeps serving the last good bundle', async () => {
    writeFileSync(path, JSON.stringify(bundle(2, 'relative/root')));
    const logged = d.stderr.length;
    d.proc.kill('SIGHUP');
    await waitFor(() => d.stderr.slice(logged).join('').includes('kept the last good bundle'), 10_000, 'the SIGHUP outcome in the daemon log');
    const log = d.stderr.slice(logged).join('');
    assert.doesNotMatch(log, /bundle reloaded|in force/, 'no success line for a reload that failed');
    assert.match(log, /relative\/root/);
    assert.equal(d.proc.exitCode, null, 'the daemon is still running');
    const echo = await client.callTool({ name: 'fx__echo', arguments: { message: 'still here' } });
    assert.equal((echo.content as { text: string }[])[0]!.text, 'still here');
    const s = await status();
    assert.equal(s.bundle.version, 1);
    assert.match((await reloadProblem())?.message ?? '', /relative\/root/, JSON.stringify(s.problems));
  });

  it('answers a control API reload with the error, and clears the problem once a good bundle applies', async () => {
    const bad = await d.control<{ ok: boolean; error?: string }>('/bundle/reload', { method: 'POST' });
    assert.equal(bad.status, 422);
    assert.equal(bad.body.ok, false);
    assert.match(bad.body.error ?? '', /relative\/root/);

    writeFileSync(path, JSON.stringify(bundle(3, '/tmp')));
    const logged = d.stderr.length;
    d.proc.kill('SIGHUP');
    await waitFor(() => d.stderr.slice(logged).join('').includes('bundle version 3 in force'), 10_000, 'the SIGHUP success line');
    assert.equal((await status()).bundle.version, 3);
    assert.equal(await reloadProblem(), undefined, 'the reload works again');
  });
});
