// Resource updates from a 2026-07-28 upstream, through Gatehouse: the upstream's are
// heard on the listen stream Gatehouse keeps open to it, and reach a 2026 agent's
// `subscriptions/listen` stream (resourceSubscriptions) and a 2025 agent's
// resources/subscribe alike.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { FIXTURES, serversReady, startDaemon, waitFor, writeBundle, type TestDaemon } from '../helpers/daemon.ts';

const META = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientCapabilities': {},
  'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '1' },
};

function post(d: TestDaemon, token: string, id: number, method: string, params: Record<string, unknown>, name?: string): Promise<Response> {
  return fetch(d.url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2026-07-28',
      'mcp-method': method,
      ...(name ? { 'mcp-name': name } : {}),
    },
    body: JSON.stringify({ jsonrpc: '2.0', id, method, params: { ...params, _meta: META } }),
  });
}

/** The JSON messages of an SSE response, as they come. */
async function* events(res: Response): AsyncGenerator<{ method?: string; params?: Record<string, unknown> }> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const data = buffer
        .slice(0, end)
        .split('\n')
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trim())
        .join('\n');
      buffer = buffer.slice(end + 2);
      if (data) yield JSON.parse(data) as { method?: string; params?: Record<string, unknown> };
    }
  }
}

describe('resource updates from a 2026-07-28 upstream', () => {
  let fixture: ChildProcess;
  let d: TestDaemon;
  let token: string;

  before(async () => {
    fixture = spawn(process.execPath, [join(FIXTURES, 'servers', 'fixture-server.ts'), '--http', '0'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const { port } = await new Promise<{ port: number }>((resolve) => createInterface({ input: fixture.stdout! }).once('line', (l) => resolve(JSON.parse(l))));
    d = await startDaemon({
      bundle: writeBundle({
        schemaVersion: 1,
        name: 'listen',
        version: 1,
        servers: [{ id: 'fixture', transport: { type: 'http', url: `http://127.0.0.1:${port}/mcp` } }],
        settings: { naming: 'passthrough' },
      }),
    });
    await serversReady(d);
    token = await d.agentToken('watcher');
  });
  after(async () => {
    await d.stop();
    fixture.kill();
  });

  it("reach a 2026 agent's listen stream for the URIs it watches, and only those", async () => {
    const listen = await post(d, token, 1, 'subscriptions/listen', { notifications: { resourceSubscriptions: ['test://watched-resource', 'test://nowhere'] } });
    assert.equal(listen.status, 200);
    const stream = events(listen);
    const ack = (await stream.next()).value!;
    assert.equal(ack.method, 'notifications/subscriptions/acknowledged');
    assert.deepEqual(
      (ack.params!.notifications as Record<string, unknown>).resourceSubscriptions,
      ['test://watched-resource'],
      'a URI no server provides is left out',
    );
    // The upstream's listen stream is reopened with the URI: touch until an update comes through.
    const touch = async (uri: string, id: number) =>
      (await post(d, token, id, 'tools/call', { name: 'test_touch_resource', arguments: { uri } }, 'test_touch_resource')).text();
    let id = 10;
    const timer = setInterval(() => void touch('test://static-text', id++).then(() => touch('test://watched-resource', id++)), 300);
    try {
      const update = (await stream.next()).value!;
      assert.equal(update.method, 'notifications/resources/updated');
      assert.equal(update.params!.uri, 'test://watched-resource', 'an unwatched URI never reaches the stream');
      assert.deepEqual(update.params!._meta, { 'io.modelcontextprotocol/subscriptionId': 1 });
    } finally {
      clearInterval(timer);
      await listen.body!.cancel().catch(() => {});
    }
  });

  it('reach a 2025 agent that subscribed', async () => {
    const client = new Client({ name: 'classic', version: '1.0.0' });
    const heard: string[] = [];
    client.setNotificationHandler('notifications/resources/updated', (n) => {
      heard.push(String(n.params.uri));
    });
    await client.connect(new StreamableHTTPClientTransport(new URL(d.url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
    try {
      await client.subscribeResource({ uri: 'test://static-binary' });
      await waitFor(
        async () => {
          await client.callTool({ name: 'test_touch_resource', arguments: { uri: 'test://static-binary' } });
          return heard.includes('test://static-binary');
        },
        10_000,
        'the update to reach the subscriber',
      );
    } finally {
      await client.close();
    }
  });

  it('leave one listen stream open to the server: each one replaced is ended', async () => {
    // Every watch and unwatch above opened a new stream to the server; a 2026 server cancels a request when its stream ends.
    const open = async () => {
      const res = await post(d, token, 99, 'tools/call', { name: 'test_open_listen_streams', arguments: {} }, 'test_open_listen_streams');
      return Number(((await res.json()) as { result: { content: { text: string }[] } }).result.content[0]!.text);
    };
    await waitFor(async () => (await open()) === 1, 10_000, 'one listen stream open to the server');
  });
});
