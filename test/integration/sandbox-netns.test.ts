// Issue 16's network proof against a real remote host, not only loopback ports: the
// test makes its own network namespace joined to this one by a veth pair, with
// addresses from the benchmarking range (198.18.0.0/15, RFC 2544, never routed), runs
// an HTTP server in it, and lets the sandboxed escape server try to reach it. Needs
// root (ip netns); skipped with the reason elsewhere, except in CI, where it must run.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { request } from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@modelcontextprotocol/client';
import type { AuditRecord } from '../../shared/audit/record.ts';
import type { Status } from '../../shared/control/contract.ts';
import { sandboxSupport } from '../../gateway/sandbox/probe.ts';
import { closeHttp, httpClient } from '../helpers/clients.ts';
import { FIXTURES, startDaemon, tempDir, writeBundle, type TestDaemon } from '../helpers/daemon.ts';

type Outcome = { ok: boolean; value?: unknown; error?: string };
const textOf = (r: unknown) => (r as { content: Array<{ text?: string }> }).content.map((c) => c.text ?? '').join('');

const tag = randomBytes(4).toString('hex');
const NS = `gh-sbx-${process.pid}-${tag}`;
// Interface names are at most 15 bytes.
const HOST_IF = `ghh${tag}`;
const NS_IF = `ghn${tag}`;
// A random /29 in 198.19.0.0/16: .1 here, .2 and .3 in the namespace.
const net = `198.19.${randomInt(256)}`;
const base = randomInt(32) * 8;
const HOST_ADDR = `${net}.${base + 1}`;
const ALLOWED = `${net}.${base + 2}`;
const OTHER = `${net}.${base + 3}`;
const PORT = 8080;
const OTHER_PORT = 8081;

const ip = (...args: string[]) => spawnSync('ip', args, { encoding: 'utf8', timeout: 10_000 });

/** Makes the namespace and its link, or says why it cannot (not root, ip missing, refused). */
function makeNamespace(): string | undefined {
  if (process.platform !== 'linux') return 'network namespaces are Linux only';
  if (process.getuid?.() !== 0) return 'ip netns needs root';
  const steps: string[][] = [
    ['netns', 'add', NS],
    ['link', 'add', HOST_IF, 'type', 'veth', 'peer', 'name', NS_IF],
    ['link', 'set', NS_IF, 'netns', NS],
    ['addr', 'add', `${HOST_ADDR}/29`, 'dev', HOST_IF],
    ['link', 'set', HOST_IF, 'up'],
    ['-n', NS, 'addr', 'add', `${ALLOWED}/29`, 'dev', NS_IF],
    ['-n', NS, 'addr', 'add', `${OTHER}/29`, 'dev', NS_IF],
    ['-n', NS, 'link', 'set', NS_IF, 'up'],
    ['-n', NS, 'link', 'set', 'lo', 'up'],
  ];
  for (const step of steps) {
    const r = ip(...step);
    if (r.status !== 0) return `ip ${step.join(' ')} failed: ${(r.stderr || r.error?.message || `exit ${r.status}`).trim()}`;
  }
  return undefined;
}

/** Removes what makeNamespace made; deleting the namespace also removes the veth's both ends. */
function removeNamespace(): void {
  ip('netns', 'del', NS);
  ip('link', 'del', HOST_IF);
}

const support = sandboxSupport();
const unavailable = support.mechanism === 'bubblewrap' ? makeNamespace() : `no sandbox here: ${support.reason}`;
if (support.mechanism === 'bubblewrap') {
  // Whatever part was made: removed now when setup failed, else by after() (and at exit, should after() not run).
  if (unavailable) removeNamespace();
  else process.once('exit', removeNamespace);
}
// In CI both must work: a refusal there is a failure, not a skip.
const skip = unavailable && process.env.CI !== 'true' ? unavailable : false;

/** Node in the namespace, answering on both ports of both addresses with what it was asked. */
const REMOTE = `
const http = require('node:http');
let up = 0;
for (const port of [${PORT}, ${OTHER_PORT}]) {
  http.createServer((req, res) => res.end('remote ' + req.socket.localAddress + ':' + port + ' answered'))
    .listen(port, '0.0.0.0', () => { if (++up === 2) console.log('ready'); });
}`;

/** A GET from this namespace (no proxy): shows what a refusal would have reached. */
function directGet(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: '/', timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => {
        body += d.toString();
      });
      res.on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

describe('a sandboxed server and a host in another network namespace', { skip }, () => {
  let remote: ChildProcess | undefined;
  let daemon: TestDaemon | undefined;
  let client: Client | undefined;
  const call = async (name: string, args: Record<string, unknown>): Promise<Outcome> =>
    JSON.parse(textOf(await client!.callTool({ name, arguments: args }))) as Outcome;

  before(async () => {
    assert.equal(unavailable, undefined, `CI must run this: ${unavailable}`);
    remote = spawn('ip', ['netns', 'exec', NS, process.execPath, '-e', REMOTE], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the server in the namespace did not start within 30 s')), 30_000);
      remote!.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the server in the namespace exited (${code})`));
      });
      createInterface({ input: remote!.stdout! }).once('line', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    const bundle = writeBundle({
      schemaVersion: 1,
      name: 'sandbox-netns',
      servers: [
        {
          id: 'escape',
          transport: { type: 'stdio', command: process.execPath, args: [join(FIXTURES, 'servers', 'escape-server.ts')] },
          sandbox: { read: [join(FIXTURES, 'servers')], network: { allow: [`${ALLOWED}:${PORT}`] } },
        },
      ],
    });
    daemon = await startDaemon({ bundle, env: { HOME: tempDir('gh-home-') } });
    client = await httpClient(daemon.url, await daemon.agentToken('sandbox-netns-test'));
  });

  after(async () => {
    if (client) await closeHttp(client).catch(() => {});
    await daemon?.stop();
    remote?.kill();
    removeNamespace();
  });

  it('the host can reach every port of both addresses, so a refusal below is the sandbox deciding', async () => {
    assert.equal(await directGet(ALLOWED, PORT), `remote ${ALLOWED}:${PORT} answered`);
    assert.equal(await directGet(ALLOWED, OTHER_PORT), `remote ${ALLOWED}:${OTHER_PORT} answered`);
    assert.equal(await directGet(OTHER, PORT), `remote ${OTHER}:${PORT} answered`);
  });

  it('reaches the allowed host and port through the egress proxy', async () => {
    const raw = await call('escape__proxy_get', { host: ALLOWED, port: PORT });
    assert.equal(raw.ok, true, JSON.stringify(raw));
    assert.match(String(raw.value), new RegExp(`^HTTP/1\\.1 200[\\s\\S]*remote ${ALLOWED.replaceAll('.', '\\.')}:${PORT} answered`));
    assert.deepEqual(await call('escape__fetch', { url: `http://${ALLOWED}:${PORT}/` }), { ok: true, value: `200 remote ${ALLOWED}:${PORT} answered` });
    assert.deepEqual(await call('escape__proxy_connect', { host: ALLOWED, port: PORT }), { ok: true, value: '200' });
  });

  it('is refused another port of that host and another host, with 403', async () => {
    for (const [host, port] of [
      [ALLOWED, OTHER_PORT],
      [OTHER, PORT],
    ] as const) {
      const got = await call('escape__proxy_get', { host, port });
      assert.match(String(got.value), /^HTTP\/1\.1 403/, `${host}:${port}: ${JSON.stringify(got)}`);
      assert.doesNotMatch(String(got.value), /answered/);
      assert.deepEqual(await call('escape__proxy_connect', { host, port }), { ok: true, value: '403' });
    }
  });

  it('reaches nothing around the proxy: the sandbox has no route to the namespace', async () => {
    for (const [host, port] of [
      [ALLOWED, PORT],
      [ALLOWED, OTHER_PORT],
      [OTHER, PORT],
      [HOST_ADDR, PORT],
    ] as const) {
      const direct = await call('escape__tcp_connect', { host, port });
      assert.equal(direct.ok, false, `connected to ${host}:${port} directly`);
      assert.equal(direct.error, 'ENETUNREACH', `${host}:${port}: ${JSON.stringify(direct)}`);
    }
  });

  it('records each refused host in the status and as an audit denial naming the host', async () => {
    const { body } = await daemon!.control<Status>('/status');
    const sandbox = body.servers.find((s) => s.id === 'escape')?.sandbox;
    assert.equal(sandbox?.enforced, true, JSON.stringify(sandbox));
    const refused = sandbox?.refused ?? [];
    for (const [host, port] of [
      [ALLOWED, OTHER_PORT],
      [OTHER, PORT],
    ] as const) {
      assert.ok(
        refused.some((r) => r.host === host && r.port === port),
        `${host}:${port} not in ${JSON.stringify(refused)}`,
      );
    }
    assert.ok(!refused.some((r) => r.host === ALLOWED && r.port === PORT), 'the allowed host counted as refused');
    const audit = await daemon!.control<{ records: Array<{ record: AuditRecord }> }>('/audit?limit=500');
    const denials = audit.body.records.map((r) => r.record).filter((r) => r.type === 'denial' && r.server === 'escape');
    for (const [host, port] of [
      [ALLOWED, OTHER_PORT],
      [OTHER, PORT],
    ] as const) {
      const denial = denials.find((r) => {
        const d = r.detail as { host?: string; port?: number; sandbox?: string } | undefined;
        return d?.sandbox === 'egress' && d.host === host && d.port === port;
      });
      assert.ok(denial, `no audit denial for ${host}:${port}`);
      assert.equal(denial.outcome, 'denied');
      assert.ok(denial.error?.includes(`${host}:${port} is not on this server's allow-list`), denial.error ?? 'no error text');
    }
  });
});
