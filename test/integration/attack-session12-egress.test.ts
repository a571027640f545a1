// Red team, issue 16's in-process egress bridge, on the real kernel: a server on the
// daemon's Node, sandboxed with an allow-list, attacks from inside. It dials the proxy's
// socket itself, asks it for a host not on its list and for the daemon's own port, dials
// the daemon's port and socket directly, overwrites the preloaded bridge and reads its
// environment. The proxy stays the enforcement point: only the listed host answers.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { sandboxSupport } from '../../gateway/sandbox/probe.ts';
import { FIXTURES, startDaemon, tempDir, waitFor, writeBundle, type TestDaemon } from '../helpers/daemon.ts';

const support = sandboxSupport();
const skip = support.mechanism === 'bubblewrap' ? false : process.env.CI === 'true' ? false : `no sandbox here: ${support.reason}`;
const textOf = (r: unknown) => (r as { content: { text?: string }[] }).content.map((c) => c.text ?? '').join('');
const PROXY_SOCKET = '/run/gatehouse-egress/proxy.sock';

interface Outcome {
  ok: boolean;
  value?: unknown;
  error?: string;
}

describe('attack: a sandboxed server against its in-process egress bridge', { skip }, () => {
  let d: TestDaemon;
  let client: Client;
  let host: Server;
  let port = 0;
  const call = async (name: string, args: Record<string, unknown> = {}): Promise<Outcome> =>
    JSON.parse(textOf(await client.callTool({ name, arguments: args }))) as Outcome;
  const get = (target: string) => `GET http://${target}/ HTTP/1.1\r\nHost: ${target}\r\n\r\n`;

  before(async () => {
    // A host service on the machine's loopback: one server may reach it, the other may not.
    host = createServer((_req, res) => res.end('host-secret'));
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
    port = (host.address() as { port: number }).port;
    const server = (id: string, allow: string) => ({
      id,
      transport: { type: 'stdio', command: process.execPath, args: [join(FIXTURES, 'servers', 'egress-attack-server.ts')] },
      sandbox: { read: [join(FIXTURES, 'servers')], network: { allow: [allow] } },
    });
    d = await startDaemon({
      bundle: writeBundle({ schemaVersion: 1, name: 'red-egress', servers: [server('wide', `127.0.0.1:${port}`), server('narrow', 'example.invalid:443')] }),
      env: { HOME: tempDir('gh-home-') },
    });
    client = new Client({ name: 'red', version: '1' });
    const token = await d.agentToken('red');
    await client.connect(new StreamableHTTPClientTransport(new URL(d.url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
    await waitFor(async () => (await client.listTools()).tools.length >= 12, 30_000, 'both servers listed');
  });
  after(async () => {
    await client?.close();
    await d?.stop();
    host?.close();
  });

  it('the listed host answers through the bridge, so every refusal below is the proxy deciding', async () => {
    assert.deepEqual(await call('wide__fetch', { url: `http://127.0.0.1:${port}/` }), { ok: true, value: '200 host-secret' });
    const { body } = await d.control<{ servers: { id: string; sandbox?: { enforced: boolean } }[] }>('/status');
    assert.equal(body.servers.find((s) => s.id === 'narrow')?.sandbox?.enforced, true);
  });

  it('the bridge took itself out of the environment, and its file cannot be rewritten', async () => {
    const env = await call('narrow__env');
    assert.equal(env.ok, true);
    assert.deepEqual(env.value, { bridge: null, nodeOptions: null, proxy: 'http://127.0.0.1:3128' });
    assert.deepEqual(await call('narrow__write_file', { path: '/run/gatehouse/egress-preload.cjs', text: 'module.exports = 1' }), {
      ok: false,
      error: 'EROFS',
    });
  });

  it('a host not on the list is refused through the bridge and on the proxy socket dialled directly', async () => {
    const viaBridge = await call('narrow__fetch', { url: `http://127.0.0.1:${port}/` });
    assert.equal(viaBridge.ok, false, JSON.stringify(viaBridge));
    for (const request of [get(`127.0.0.1:${port}`), `CONNECT 127.0.0.1:${port} HTTP/1.1\r\n\r\n`]) {
      const direct = await call('narrow__unix_send', { path: PROXY_SOCKET, request });
      assert.match(String(direct.value), /^HTTP\/1\.1 403 /, JSON.stringify(direct));
      assert.doesNotMatch(String(direct.value), /host-secret/);
    }
  });

  it("the daemon's own port and socket are out of reach, directly and through the proxy", async () => {
    const direct = await call('narrow__tcp_send', { host: '127.0.0.1', port: d.port, request: 'GET /api/v1/status HTTP/1.1\r\nHost: x\r\n\r\n' });
    assert.equal(direct.ok, false, JSON.stringify(direct));
    const proxied = await call('narrow__unix_send', { path: PROXY_SOCKET, request: `CONNECT 127.0.0.1:${d.port} HTTP/1.1\r\n\r\n` });
    assert.match(String(proxied.value), /^HTTP\/1\.1 403 /);
    const socket = await call('narrow__unix_send', { path: d.socket, request: 'GET / HTTP/1.1\r\n\r\n' });
    assert.equal(socket.ok, false, JSON.stringify(socket));
  });
});
