// The CLI's errors, as a user meets them: one voice ("gatehouse: …"), a suggestion
// for a slip, no control-API routes or Node parser text, the port's holder named,
// and hints that name the command the user actually runs.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { CLI, ROOT, startDaemon, tempDir, writeBundle, type TestDaemon } from '../helpers/daemon.ts';

const exec = promisify(execFile);
async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return exec(process.execPath, [CLI, ...args], { env: { ...process.env, GATEHOUSE_COMMAND: '', ...env } }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

describe('CLI errors', () => {
  let d: TestDaemon;
  before(async () => {
    d = await startDaemon({ bundle: writeBundle({ schemaVersion: 1, name: 'cli-errors', version: 1, servers: [] }) });
  });
  after(async () => {
    await d?.stop();
  });

  it('suggests the command or flag that was meant, in its own words', async () => {
    const typo = await cli(['stauts']);
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /^gatehouse: unknown command "stauts"; did you mean "status"\?\n/);
    const flag = await cli(['status', '--agnet', 'x', '--data-dir', d.dataDir]);
    assert.match(flag.stderr, /^gatehouse: unknown flag --agnet; did you mean --agent\?/);
    assert.doesNotMatch(flag.stderr, /positional argument|ERR_PARSE_ARGS/, "not Node's parser text");
    assert.match((await cli(['token', 'create', '--agent'])).stderr, /^gatehouse: --agent needs a value/);
    assert.match((await cli(['connect', 'vscdoe'])).stderr, /did you mean "vscode"\?/);
  });

  it('keeps control-API routes out of messages', async () => {
    const r = await cli(['approve', 'nope', '--data-dir', d.dataDir]);
    assert.notEqual(r.code, 0);
    assert.doesNotMatch(r.stderr, /\/api\/v1|no such endpoint|POST /);
    assert.match(r.stderr, /^gatehouse: /);
  });

  it('says there is no audit log rather than "unable to open database file"', async () => {
    const r = await cli(['audit', 'export', '--data-dir', join(tempDir(), 'never-used')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no audit log in .*never-used: the daemon writes one there/);
    assert.doesNotMatch(r.stderr, /unable to open/);
  });

  it('names the process holding the port and how to pick another', async () => {
    const holder = createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
    const { port } = holder.address() as { port: number };
    try {
      const r = await cli(['daemon', '--port', String(port), '--data-dir', tempDir()]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, new RegExp(`port ${port} on 127.0.0.1 is already in use by another program \\(pid ${process.pid}: `));
      assert.match(r.stderr, /pick another with --port N/);
    } finally {
      await new Promise<void>((r) => holder.close(() => r()));
    }
  });

  it('names the command the user runs in hints', async () => {
    const none = join(tempDir(), 'none');
    assert.match((await cli(['status', '--data-dir', none])).stderr, /start one with `gatehouse daemon`/);
    assert.match(
      (await cli(['status', '--data-dir', none], { GATEHOUSE_COMMAND: './scripts/gatehouse' })).stderr,
      /start one with `\.\/scripts\/gatehouse daemon`/,
    );
    assert.match((await cli(['status', '--data-dir', none], { GATEHOUSE_COMMAND: 'x; rm -rf /' })).stderr, /`gatehouse daemon`/, 'an odd value is ignored');
  });

  it('status speaks of an org only when there is one, with plurals', async () => {
    const r = await cli(['status', '--data-dir', d.dataDir]);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /acknowledged by the org|\(s\)/);
    assert.match(r.stdout, /audit: +(1 record|\d+ records)\n/);
  });

  it(
    'gatehouse dashboard prints a link that signs in once',
    { skip: !existsSync(join(ROOT, 'dist', 'renderer', 'index.html')) && 'dashboard not built (npm run build)' },
    async () => {
      const r = await cli(['dashboard', '--no-browser', '--data-dir', d.dataDir]);
      assert.equal(r.code, 0, r.stderr);
      const link = /(http:\/\/127\.0\.0\.1:\d+\/app\/#\/overview&code=([0-9a-f]{64}))/.exec(r.stderr);
      assert.ok(link, r.stderr);
      const redeem = () =>
        fetch(`http://127.0.0.1:${d.port}/api/v1/dashboard/redeem`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ code: link[2] }),
        });
      const first = await redeem();
      assert.equal(first.status, 200);
      assert.equal(((await first.json()) as { token: string }).token, d.controlToken);
      const second = await redeem();
      assert.equal(second.status, 401, 'the link works once');
      assert.doesNotMatch(await second.text(), new RegExp(d.controlToken));
    },
  );
});
