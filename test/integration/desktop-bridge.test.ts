// The desktop app's Node side against a real daemon: the dashboard scheme's proxy (the
// page's calls get the token added in main, and only the dashboard's routes pass), the
// attach proof (a stranger on the port never sees the token), and the supervisor
// starting, restarting and stopping a real daemon under plain Node.
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SseParser } from '../../shared/control/sse.ts';
import { dashboardHandler } from '../../electron/dashboard-protocol.ts';
import { probeDaemon, spawnDaemon, stillProven } from '../../electron/daemon-process.ts';
import { DaemonSupervisor } from '../../electron/supervisor.ts';
import { APP_ORIGIN } from '../../electron/web-policy.ts';
import { CLI, startDaemon, tempDir, waitFor, writeBundle, type TestDaemon } from '../helpers/daemon.ts';

const VERSION = '0.1.0';

/** A listener that is not Gatehouse: records what it was sent, answers the hello as told. */
async function stranger(answer: (nonce: string) => { status: number; body: unknown }): Promise<{ server: Server; port: number; seen: IncomingHttpHeaders[] }> {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    const nonce = new URL(req.url ?? '/', 'http://x').searchParams.get('nonce') ?? '';
    const { status, body } = answer(nonce);
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as { port: number }).port, seen };
}

/** A data dir whose daemon.json and control token point at `port`. */
function dataDirFor(port: number, token = `ghc_${'s'.repeat(43)}`): string {
  const dir = tempDir('gh-desk-');
  writeFileSync(join(dir, 'control-token'), `${token}\n`, { mode: 0o600 });
  writeFileSync(join(dir, 'daemon.json'), JSON.stringify({ pid: 1, port, socket: join(dir, 'x.sock'), startedAt: new Date().toISOString() }));
  return dir;
}

describe('desktop bridge (real daemon)', () => {
  let d: TestDaemon;
  const dashboardDir = join(tempDir('gh-dash-'), 'renderer');
  const req = (path: string, init: RequestInit = {}) => new Request(`${APP_ORIGIN}${path}`, init);
  let handle: (r: Request) => Promise<Response>;
  let connected = true;

  before(async () => {
    d = await startDaemon({ bundle: writeBundle({ schemaVersion: 1, name: 'desk', servers: [] }) });
    mkdirSync(dashboardDir, { recursive: true });
    writeFileSync(join(dashboardDir, 'index.html'), '<!doctype html><title>dash</title>');
    // A file beside the dashboard that the scheme must never serve.
    writeFileSync(join(dashboardDir, '..', 'secret.json'), '{"secret":true}');
    handle = dashboardHandler({ dashboardDir, daemon: () => (connected ? { base: `http://127.0.0.1:${d.port}`, token: d.controlToken } : null) });
  });
  after(async () => {
    await d.stop();
  });

  it("proxies the dashboard's calls with the token added in main, whatever the page sends", async () => {
    const res = await handle(req('/api/v1/status', { headers: { authorization: 'Bearer made-up-by-the-page' } }));
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { bundle: { name: string } }).bundle.name, 'desk');
    assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    const pause = await handle(
      req('/api/v1/pause', { method: 'POST', headers: { 'content-type': 'application/json', origin: APP_ORIGIN }, body: JSON.stringify({ paused: false }) }),
    );
    assert.equal(pause.status, 200);
  });

  it('refuses routes the dashboard does not use, foreign origins, oversized bodies, and says when there is no daemon', async () => {
    assert.equal((await handle(req('/api/v1/hello?nonce=' + 'a'.repeat(64)))).status, 403);
    assert.equal((await handle(req('/api/v1/status', { method: 'POST' }))).status, 403);
    assert.equal((await handle(req('/api/v1/pending/../../mcp'))).status, 403, 'dot segments resolve before the allow-list sees the path');
    assert.equal((await handle(req('/api/v1/pending/../../../mcp'))).status, 404, 'out of /api, it is a file that is not there');
    assert.equal((await handle(req('/api/v1/status', { headers: { origin: 'null' } }))).status, 403);
    assert.equal((await handle(req('/api/v1/status', { headers: { origin: 'https://evil.example' } }))).status, 403);
    assert.equal((await handle(req('/api/v1/tokens', { method: 'POST', body: 'x'.repeat(70_000) }))).status, 413);
    assert.equal((await handle(new Request('gatehouse-app://elsewhere/api/v1/status'))).status, 404);
    connected = false;
    try {
      assert.equal((await handle(req('/api/v1/status'))).status, 503);
    } finally {
      connected = true;
    }
  });

  it("serves the dashboard's files and nothing outside them", async () => {
    const index = await handle(req('/'));
    assert.equal(index.status, 200);
    assert.match(await index.text(), /<title>dash/);
    assert.match(index.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    for (const path of ['/../secret.json', '/%2e%2e/secret.json', '/%2E%2E%2Fsecret.json', '/..%5csecret.json', '/index.html%00.js', '/nothing.js']) {
      const res = await handle(req(path));
      assert.notEqual(res.status, 200, path);
      assert.doesNotMatch(await res.text(), /secret/, path);
    }
  });

  it('streams the event feed through, read with the shared SSE parser', async () => {
    const res = await handle(req('/api/v1/events'));
    assert.equal(res.status, 200);
    const parser = new SseParser();
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    await d.control('/pause', { method: 'POST', body: JSON.stringify({ paused: true }) });
    let types: string[] = [];
    while (!types.includes('paused')) {
      const { value, done } = await reader.read();
      if (done) break;
      types = [...types, ...parser.push(value).map((e) => e.type)];
    }
    await reader.cancel();
    await d.control('/pause', { method: 'POST', body: JSON.stringify({ paused: false }) });
    assert.ok(types.includes('paused'), types.join(','));
  });

  it('attaches only to a daemon that proves it holds the token', async () => {
    const proven = await probeDaemon(d.dataDir);
    assert.deepEqual(proven, {
      kind: 'proven',
      endpoint: { base: `http://127.0.0.1:${d.port}`, token: d.controlToken },
      version: VERSION,
      pid: (await d.control<{ pid: number }>('/status')).body.pid,
    });
    assert.equal(await stillProven({ base: `http://127.0.0.1:${d.port}`, token: d.controlToken }), true);
    assert.equal(await stillProven({ base: `http://127.0.0.1:${d.port}`, token: `ghc_${'x'.repeat(43)}` }), false);
    // The hello answers only well-formed nonces and never carries the token itself.
    assert.equal((await fetch(`http://127.0.0.1:${d.port}/api/v1/hello?nonce=short`)).status, 400);
    const hello = await (await fetch(`http://127.0.0.1:${d.port}/api/v1/hello?nonce=${'b'.repeat(64)}`)).text();
    assert.ok(!hello.includes(d.controlToken));
  });

  it('a stranger on the port, however it answers, is not attached to and never receives the token', async () => {
    const answers: Array<(nonce: string) => { status: number; body: unknown }> = [
      () => ({ status: 404, body: { error: 'nope' } }),
      () => ({ status: 200, body: { gatehouse: 'control', version: VERSION, proof: '0'.repeat(64) } }),
      () => ({ status: 200, body: 'not even an object' }),
      () => ({ status: 200, body: 'x'.repeat(5_000_000) }),
    ];
    for (const answer of answers) {
      const s = await stranger(answer);
      try {
        const token = `ghc_${'s'.repeat(43)}`;
        const result = await probeDaemon(dataDirFor(s.port, token));
        assert.equal(result.kind, 'unproven');
        for (const headers of s.seen) assert.ok(!JSON.stringify(headers).includes(token), 'the token was sent to a stranger');
      } finally {
        s.server.close();
      }
    }
  });

  it("a relay of the real daemon's proof from another port does not pass", async () => {
    const s = await stranger(() => ({ status: 200, body: null }));
    s.server.removeAllListeners('request');
    s.server.on('request', (rq, rs) => {
      void fetch(`http://127.0.0.1:${d.port}${rq.url ?? '/'}`).then(async (r) =>
        rs.writeHead(r.status, { 'content-type': 'application/json' }).end(await r.text()),
      );
    });
    try {
      const dir = dataDirFor(s.port, d.controlToken);
      assert.equal((await probeDaemon(dir)).kind, 'unproven');
    } finally {
      s.server.close();
    }
  });

  it('a daemon.json left behind with nothing on its port means start our own', async () => {
    const s = await stranger(() => ({ status: 500, body: null }));
    const port = s.port;
    await new Promise((r) => s.server.close(r));
    assert.deepEqual(await probeDaemon(dataDirFor(port)), { kind: 'none' });
  });
});

describe('supervisor with a real daemon under plain Node', () => {
  it('starts one, restarts it when it is killed, and stops it on quit', async () => {
    const dataDir = tempDir('gh-sup-');
    const sup = new DaemonSupervisor(
      {
        appVersion: VERSION,
        probe: () => probeDaemon(dataDir),
        spawn: () => spawnDaemon({ node: process.execPath, cli: CLI, dataDir }),
        stopOther: () => assert.fail('nothing else should be running'),
        alive: stillProven,
        setTimer: (fn, ms) => setTimeout(fn, ms),
        clearTimer: (h) => clearTimeout(h as NodeJS.Timeout),
        now: () => Date.now(),
      },
      { initialDelayMs: 50, maxDelayMs: 200 },
    );
    sup.start();
    try {
      const first = await waitFor(() => sup.endpoint, 30_000, 'the first daemon');
      const status = async (base: string, token: string) =>
        (await (await fetch(`${base}/api/v1/status`, { headers: { authorization: `Bearer ${token}` } })).json()) as { pid: number };
      const pid = (await status(first.base, first.token)).pid;
      process.kill(pid, 'SIGKILL');
      const second = await waitFor(
        async () => {
          const e = sup.endpoint;
          if (!e) return null;
          try {
            const p = (await status(e.base, e.token)).pid;
            return p !== pid ? p : null;
          } catch {
            return null;
          }
        },
        30_000,
        'a restarted daemon',
      );
      assert.notEqual(second, pid);
      sup.quit();
      await waitFor(
        () => {
          try {
            process.kill(second, 0);
            return false;
          } catch {
            return true;
          }
        },
        15_000,
        'the daemon to stop on quit',
      );
      assert.equal(sup.state.phase, 'stopped');
    } finally {
      sup.quit();
    }
  });
});
