// Red team, issue 16: each sandboxed server's egress proxy listens on a unix socket on the
// host. Those sockets lived in /tmp/gh-egress-*, so a server allowed to read /tmp (even one
// with network "none") could dial another server's proxy and reach that server's hosts.
// They now live in the daemon's data dir, which every sandbox masks: here the narrow
// server dials the wide server's real socket path and must not get through.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { FIXTURES, startDaemon, tempDir, waitFor, writeBundle, type TestDaemon } from '../helpers/daemon.ts';
import { sandboxSupport } from '../../gateway/sandbox/probe.ts';

const support = sandboxSupport();
const skip = support.mechanism === 'bubblewrap' ? false : process.env.CI === 'true' ? false : `no sandbox here: ${support.reason}`;
const textOf = (r: unknown) => (r as { content: { text?: string }[] }).content.map((c) => c.text ?? '').join('');

describe("attack: one sandboxed server dials another server's egress proxy socket", { skip }, () => {
  let d: TestDaemon;
  let client: Client;
  let port = 0;
  const host = createServer((_q, s) => s.end('host-secret'));

  before(async () => {
    await new Promise<void>((r) => host.listen(0, '127.0.0.1', () => r()));
    port = (host.address() as { port: number }).port;
    const server = (id: string, sandbox: unknown) => ({
      id,
      transport: { type: 'stdio', command: process.execPath, args: [join(FIXTURES, 'servers', 'egress-attack-server.ts')] },
      sandbox,
    });
    d = await startDaemon({
      bundle: writeBundle({
        schemaVersion: 1,
        name: 'egress-socket',
        servers: [
          server('wide', { read: [join(FIXTURES, 'servers')], network: { allow: [`127.0.0.1:${port}`] } }),
          // Reads all of /tmp, where the test's data dir lives too.
          server('narrow', { read: [join(FIXTURES, 'servers'), tmpdir()], network: 'none' }),
        ],
      }),
      env: { HOME: tempDir('gh-home-') },
    });
    client = new Client({ name: 'red', version: '1' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(d.url), { requestInit: { headers: { authorization: `Bearer ${await d.agentToken('red')}` } } }),
    );
    await waitFor(async () => (await client.listTools()).tools.some((t) => t.name.startsWith('narrow__')) || undefined, 60_000, 'narrow listed');
  });
  after(async () => {
    await client?.close();
    await d?.stop();
    host.close();
  });

  const call = async (name: string, args: Record<string, unknown>) =>
    JSON.parse(textOf(await client.callTool({ name, arguments: args }))) as { ok: boolean; value?: unknown };

  it("finds the wide server's socket outside /tmp and cannot reach its host through it", async () => {
    // Found from the host: the wide server's socket, under the daemon's data dir.
    const sockets = await waitFor(
      () => {
        try {
          const dirs = readdirSync(join(d.dataDir, 'egress'));
          return dirs.length ? dirs.map((s) => join(d.dataDir, 'egress', s, 'proxy.sock')) : undefined;
        } catch {
          return undefined;
        }
      },
      30_000,
      'the egress socket folder',
    );
    for (const path of sockets) {
      const r = await call('narrow__unix_send', { path, request: `GET http://127.0.0.1:${port}/ HTTP/1.1\r\nHost: x\r\n\r\n` });
      assert.ok(!String(r.value ?? '').includes('host-secret'), `the narrow server reached the host through ${path}`);
    }
    // And nothing is left in /tmp to find.
    const listed = await call('narrow__list_dir', { path: tmpdir() });
    const inTmp = (Array.isArray(listed.value) ? (listed.value as string[]) : []).filter((n) => n.startsWith('gh-egress-'));
    for (const dir of inTmp) {
      const r = await call('narrow__unix_send', {
        path: join(tmpdir(), dir, 'proxy.sock'),
        request: `GET http://127.0.0.1:${port}/ HTTP/1.1\r\nHost: x\r\n\r\n`,
      });
      assert.ok(!String(r.value ?? '').includes('host-secret'), `reached the host through /tmp/${dir}`);
    }
  });

  it('the wide server itself still reaches its host', async () => {
    const r = await call('wide__fetch', { url: `http://127.0.0.1:${port}/` });
    assert.ok(String(r.value ?? '').includes('host-secret'), JSON.stringify(r));
  });
});
