// When an agent's HTTP session ends (DELETE), the streams still open on its POSTs end
// with it: a listen stream, and a call that is still running upstream (which is
// cancelled), so neither the agent's connection nor the server's work outlives the session.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { serversReady, startDaemon, stdioServer, writeBundle, type TestDaemon } from '../helpers/daemon.ts';
import { legacySession } from '../helpers/modern.ts';

/** Resolves with how a response body ended: 'ended' once the server closes it, 'open' if it is still open after `ms`. */
async function endsWithin(res: Response, ms: number): Promise<'ended' | 'open'> {
  const timer = new Promise<'open'>((resolve) => setTimeout(() => resolve('open'), ms).unref());
  const ended = res.text().then(() => 'ended' as const);
  return Promise.race([ended, timer]);
}

describe('an HTTP session that ends', () => {
  let d: TestDaemon;
  let token: string;

  before(async () => {
    d = await startDaemon({
      bundle: writeBundle({
        schemaVersion: 1,
        name: 'end',
        version: 1,
        servers: [stdioServer('fixture', 'fixture-server.ts')],
        settings: { naming: 'passthrough' },
      }),
    });
    await serversReady(d);
    token = await d.agentToken('leaver');
  });
  after(() => d.stop());

  it('ends its open listen stream and its running call', async () => {
    const { headers, post } = await legacySession(d.url, token, { elicitation: {} });
    const listen = await post({ jsonrpc: '2.0', id: 2, method: 'subscriptions/listen', params: { notifications: { toolsListChanged: true } } });
    assert.equal(listen.headers.get('content-type'), 'text/event-stream');
    // The server asks the agent mid-call, and the call waits for an answer that never comes.
    const call = await post({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'test_elicitation', arguments: { message: 'never answered' } } });
    assert.equal(call.headers.get('content-type'), 'text/event-stream');
    const deleted = await fetch(d.url, { method: 'DELETE', headers });
    assert.equal(deleted.status, 200);
    assert.equal(await endsWithin(listen, 10_000), 'ended', 'the listen stream ended with the session');
    assert.equal(await endsWithin(call, 10_000), 'ended', "the call's stream ended with the session");
  });
});
