// A 2025 HTTP agent that loses its GET stream and opens it again with Last-Event-ID gets
// what was sent meanwhile (SSE resumption): here, list changes while it was away.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { serversReady, startDaemon, stdioServer, writeBundle, type TestDaemon } from '../helpers/daemon.ts';

interface Event {
  id: string | undefined;
  message: { method?: string };
}

/** The SSE events of a response, as they come. */
async function* events(res: Response): AsyncGenerator<Event> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const lines = buffer.slice(0, end).split('\n');
      buffer = buffer.slice(end + 2);
      const data = lines.filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim());
      if (data.length)
        yield {
          id: lines
            .find((l) => l.startsWith('id:'))
            ?.slice(3)
            .trim(),
          message: JSON.parse(data.join('\n')) as Event['message'],
        };
    }
  }
}

describe('a resumable GET stream', () => {
  let d: TestDaemon;
  let headers: Record<string, string>;
  let nextId = 1;

  const post = async (body: Record<string, unknown>) => {
    const res = await fetch(d.url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', ...body }),
    });
    return res.text();
  };
  const call = (method: string, params: Record<string, unknown>) => post({ id: nextId++, method, params });
  const get = (signal: AbortSignal, extra: Record<string, string> = {}) => fetch(d.url, { headers: { ...headers, ...extra }, signal });

  before(async () => {
    d = await startDaemon({
      bundle: writeBundle({
        schemaVersion: 1,
        name: 'resume',
        version: 1,
        servers: [stdioServer('fixture', 'fixture-server.ts')],
        settings: { naming: 'passthrough' },
      }),
    });
    await serversReady(d);
    headers = { authorization: `Bearer ${await d.agentToken('resumer')}`, accept: 'application/json, text/event-stream' };
    const init = await fetch(d.url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 0,
        method: 'initialize',
        params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
      }),
    });
    headers['mcp-session-id'] = init.headers.get('mcp-session-id')!;
    headers['mcp-protocol-version'] = '2025-11-25';
    await init.text();
    await post({ method: 'notifications/initialized' });
    await call('tools/list', {});
  });
  after(() => d.stop());

  it('replays what was sent while the stream was closed, from the last id the client saw', async () => {
    const closeFirst = new AbortController();
    const first = await get(closeFirst.signal);
    const stream = events(first);
    await call('tools/call', { name: 'test_trigger_tool_change', arguments: {} });
    const seen = (await stream.next()).value!;
    assert.equal(seen.message.method, 'notifications/tools/list_changed');
    assert.match(seen.id ?? '', /^\d+$/, 'events carry ids');
    closeFirst.abort();
    await call('tools/list', {});
    await call('tools/call', { name: 'test_trigger_tool_change', arguments: {} });
    // The change goes out while no stream is open; a client coming back says where it was.
    await new Promise((r) => setTimeout(r, 500));
    const closeAgain = new AbortController();
    const again = await get(closeAgain.signal, { 'last-event-id': seen.id! });
    const missed = (await events(again).next()).value!;
    assert.equal(missed.message.method, 'notifications/tools/list_changed');
    assert.ok(Number(missed.id) > Number(seen.id), 'only what came after the last id seen');
    closeAgain.abort();
  });
});
