// The bridge inside an allow-listed sandbox, on the real kernel: the forwarder preloaded
// into a server on the daemon's Node, else socat (or the Node forwarder where a host has
// no socat) carries the sandbox's loopback port 3128 to the egress proxy's unix socket.
// A server that connects the moment it starts must find it listening, and a bridge that
// cannot listen must keep the server from starting.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseBundle } from '../../shared/bundle/schema.ts';
import type { JsonRpcMessage } from '../../shared/jsonrpc/message.ts';
import { bwrapArgs } from '../../gateway/sandbox/bwrap.ts';
import { bridgeEnv, egressBridge, forceEgressBridge, forwarderFile, preloadFile, type EgressBridge } from '../../gateway/sandbox/egress-bridge.ts';
import { hostLayout } from '../../gateway/sandbox/host.ts';
import { resolveSandbox } from '../../gateway/sandbox/policy.ts';
import { sandboxSupport, which } from '../../gateway/sandbox/probe.ts';
import { createChannel } from '../../gateway/upstream/launch.ts';
import { RotatingLog } from '../../gateway/upstream/stderr-log.ts';
import { descendants, FIXTURES, tempDir } from '../helpers/daemon.ts';

const support = sandboxSupport();
const socat = which('socat', '/usr/bin:/usr/local/bin');
const skip = support.mechanism !== 'bubblewrap' && process.env.CI !== 'true' ? `no sandbox here: ${support.reason}` : false;
const node = realpathSync(process.execPath);
const bash = which('bash', '/usr/bin:/bin');

/** Runs a command in a bubblewrap sandbox with an allow-list, behind the given bridge. */
function inSandbox(bridge: EgressBridge, socketDir: string, command: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const { system, symlinks } = hostLayout();
  const args = bwrapArgs({
    sandbox: resolveSandbox({ read: [], write: [], network: { allow: ['example.com:443'] } }, {}),
    system,
    symlinks,
    runtimeRead: [dirname(dirname(node))],
    runtimeWrite: [],
    secrets: [],
    command: command[0]!,
    args: command.slice(1),
    egress: { socketDir, bridge },
  });
  const env = bridgeEnv(bridge, { PATH: process.env.PATH ?? '' });
  const child = spawn(support.program!, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) =>
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    }),
  );
}

// bash opens the TCP connection itself, within a millisecond or two of starting:
// earlier than any server would, so a bridge that is not yet listening shows here.
const connectAtOnce = ['-c', 'exec 3<>/dev/tcp/127.0.0.1/3128 || exit 9; printf hello >&3; cat <&3'];

describe('the egress bridge inside a bubblewrap sandbox', { skip }, () => {
  let proxy: Server;
  let socketDir: string;

  before(async () => {
    assert.equal(support.mechanism, 'bubblewrap', `CI must sandbox: ${support.reason}`);
    assert.ok(bash, 'bash is needed for the connect-at-once command');
    socketDir = mkdtempSync(join(tmpdir(), 'gh-egress-'));
    // Stands in for the egress proxy: answers whatever arrives on the socket.
    proxy = createServer((s) => s.once('data', (d) => s.end(`proxy got ${d.toString()}`)));
    await new Promise<void>((resolve) => proxy.listen(join(socketDir, 'proxy.sock'), resolve));
  });
  after(() => {
    proxy?.close();
  });

  it('socat is listening before the server starts', { skip: !socat && process.env.CI !== 'true' ? 'socat is not installed' : false }, async () => {
    assert.ok(socat, 'CI installs socat (.ci/run)');
    for (let i = 0; i < 3; i++) {
      const run = await inSandbox({ kind: 'socat', shell: '/bin/sh', socat: realpathSync(socat) }, socketDir, [bash!, ...connectAtOnce]);
      assert.deepEqual([run.code, run.out], [0, 'proxy got hello'], run.err);
    }
  });

  it('the Node forwarder is listening before the server starts', async () => {
    const run = await inSandbox({ kind: 'node', node, forwarder: forwarderFile(), preload: preloadFile() }, socketDir, [bash!, ...connectAtOnce]);
    assert.deepEqual([run.code, run.out], [0, 'proxy got hello'], run.err);
  });

  it('the in-process bridge is listening before a Node server’s first statement', async () => {
    // The server's first statement reads this namespace's socket tables: the port must be listening already.
    const main = [
      `const early = ['/proc/net/tcp', '/proc/net/tcp6'].some((t) => / [0-9A-F]+:0C38 0+:0000 0A /.test(require('node:fs').readFileSync(t, 'utf8')));`,
      `const s = require('node:net').connect(3128, '127.0.0.1', () => s.write('hello'));`,
      `s.on('data', (d) => { process.stdout.write(early + ' ' + d); s.end(); });`,
    ].join('\n');
    for (let i = 0; i < 3; i++) {
      const run = await inSandbox({ kind: 'in-process', preload: preloadFile() }, socketDir, [node, '-e', main]);
      assert.deepEqual([run.code, run.out], [0, 'true proxy got hello'], run.err);
    }
  });

  it('a socat that cannot listen keeps the server from starting at all', async () => {
    const run = await inSandbox({ kind: 'socat', shell: '/bin/sh', socat: '/usr/bin/false' }, socketDir, [bash!, '-c', 'echo server started']);
    assert.equal(run.code, 70);
    assert.equal(run.out, '');
    assert.match(run.err, /egress bridge \(socat\) exited before listening; the server is not started/);
  });
});

describe('an allow-listed server started by the launcher, with each bridge', { skip }, () => {
  let web: HttpServer;
  let port: number;
  const work = tempDir('gh-bridge-');

  before(async () => {
    web = createHttpServer((_req, res) => res.end('allowed host answered'));
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    port = (web.address() as { port: number }).port;
  });
  after(() => {
    forceEgressBridge(undefined);
    web?.close();
  });

  for (const kind of ['in-process', 'socat', 'node'] as const) {
    it(
      `reaches the allowed host through the ${kind} bridge`,
      { skip: kind === 'socat' && !socat && process.env.CI !== 'true' ? 'socat is not installed' : false },
      async () => {
        forceEgressBridge(kind);
        assert.equal(egressBridge({ command: process.execPath, path: process.env.PATH }).kind, kind);
        const parsed = parseBundle({
          schemaVersion: 1,
          name: 'bridge',
          servers: [
            {
              id: 's',
              transport: { type: 'stdio', command: process.execPath, args: [join(FIXTURES, 'servers', 'escape-server.ts')] },
              sandbox: { read: [join(FIXTURES, 'servers')], network: { allow: [`127.0.0.1:${port}`] } },
            },
          ],
        });
        assert.ok(parsed.ok);
        const ch = createChannel(parsed.bundle.servers[0]!, {
          settings: parsed.bundle.settings,
          vars: { dataDir: work, bundleDir: work },
          env: process.env,
          log: new RotatingLog(join(work, `${kind}.log`)),
        });
        const waiting = new Map<number, (m: JsonRpcMessage) => void>();
        ch.onmessage = (m) => {
          if ('id' in m && typeof m.id === 'number') waiting.get(m.id)?.(m);
        };
        const ask = (id: number, method: string, params: Record<string, unknown>) =>
          new Promise<JsonRpcMessage>((resolve) => {
            waiting.set(id, resolve);
            ch.send({ jsonrpc: '2.0', id, method, params } as JsonRpcMessage);
          });
        await ch.start();
        try {
          await ask(1, 'initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'test', version: '1' } });
          // Which bridge runs: socat's process, or a second Node with the forwarder, in the sandbox's tree; neither in-process.
          const commands = descendants(ch.pid!).map((pid) => {
            try {
              return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
            } catch {
              return [];
            }
          });
          assert.equal(
            commands.some((c) => c[0]?.endsWith('/socat')),
            kind === 'socat',
            JSON.stringify(commands),
          );
          assert.equal(
            commands.some((c) => c[2] === '/run/gatehouse/forwarder.mjs'),
            kind === 'node',
            JSON.stringify(commands),
          );
          const preloaded = descendants(ch.pid!).some((pid) => {
            try {
              return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes('NODE_OPTIONS=--require=/run/gatehouse/egress-preload.cjs');
            } catch {
              return false;
            }
          });
          assert.equal(preloaded, kind === 'in-process');
          const answer = await ask(2, 'tools/call', { name: 'fetch', arguments: { url: `http://127.0.0.1:${port}/` } });
          const text = (answer as { result?: { content?: Array<{ text?: string }> } }).result?.content?.[0]?.text ?? JSON.stringify(answer);
          assert.deepEqual(JSON.parse(text), { ok: true, value: '200 allowed host answered' });
        } finally {
          await ch.close();
        }
      },
    );
  }
});
