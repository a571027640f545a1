// A request the server refused with 401 goes out once more with fresh
// credentials, and only then: against a real loopback HTTP server that accepts
// one token and answers a JSON-RPC request with JSON.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { JsonRpcMessage } from '../../shared/jsonrpc/message.ts';
import { HttpChannel } from './http-channel.ts';

describe('HttpChannel: a refused token', () => {
  let server: Server;
  let url: string;
  let accepted = 'Bearer good';
  let onRefused = () => {};
  const seen: string[] = [];

  before(async () => {
    server = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push(req.headers.authorization ?? '');
        if (req.headers.authorization !== accepted) {
          onRefused();
          res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid_token"}');
          return;
        }
        if (req.method !== 'POST') {
          res.writeHead(405).end();
          return;
        }
        const msg = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id?: number };
        if (msg.id === undefined) {
          res.writeHead(202).end();
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: msg.id, result: { ok: true } }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/mcp`;
  });
  after(() => server.close());

  /** One request through a fresh channel: its answer, or the reason the channel closed. */
  async function roundTrip(channel: HttpChannel): Promise<{ answer?: JsonRpcMessage; closed?: string }> {
    await channel.start();
    const out = new Promise<{ answer?: JsonRpcMessage; closed?: string }>((resolve) => {
      channel.onmessage = (answer) => resolve({ answer });
      channel.onclose = (closed) => resolve({ closed });
    });
    channel.send({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} });
    const result = await out;
    await channel.close();
    return result;
  }

  /** A channel sending `token`, whose refresher counts its calls and, when given one, puts `fresh` in force. */
  function channelWith(token: string, fresh?: string) {
    const headers = { Authorization: token };
    const asked = { count: 0 };
    const channel = new HttpChannel({
      url,
      headers,
      mode: 'streamable',
      reauthorize: async () => {
        asked.count++;
        if (fresh) headers.Authorization = fresh;
        return fresh !== undefined;
      },
    });
    return { channel, headers, asked };
  }

  it('refreshes once and sends the request again with the new token', async () => {
    accepted = 'Bearer fresh';
    seen.length = 0;
    const { channel, asked } = channelWith('Bearer revoked', 'Bearer fresh');
    const { answer, closed } = await roundTrip(channel);
    assert.equal(closed, undefined);
    assert.deepEqual((answer as { result?: unknown }).result, { ok: true });
    assert.equal(asked.count, 1);
    assert.deepEqual(seen.slice(0, 2), ['Bearer revoked', 'Bearer fresh']);
  });

  it('sends again without a refresh when the token changed while the request was out', async () => {
    accepted = 'Bearer next';
    seen.length = 0;
    const { channel, headers, asked } = channelWith('Bearer old');
    // A refresh elsewhere lands while the first attempt is on the wire.
    onRefused = () => {
      headers.Authorization = 'Bearer next';
    };
    const { answer } = await roundTrip(channel);
    onRefused = () => {};
    assert.deepEqual((answer as { result?: unknown }).result, { ok: true });
    assert.deepEqual(seen, ['Bearer old', 'Bearer next']);
    assert.equal(asked.count, 0);
  });

  it('gives the refusal back, and sends nothing more, when no refresh is possible', async () => {
    accepted = 'Bearer unreachable';
    seen.length = 0;
    const { channel, asked } = channelWith('Bearer stale');
    const { closed } = await roundTrip(channel);
    assert.match(closed ?? '', /invalid_token|401/);
    assert.equal(asked.count, 1);
    assert.deepEqual(seen, ['Bearer stale']);
  });

  it('a refresh that throws is a refusal, not a crash', async () => {
    accepted = 'Bearer unreachable';
    seen.length = 0;
    const channel = new HttpChannel({
      url,
      headers: { Authorization: 'Bearer stale' },
      mode: 'streamable',
      reauthorize: () => Promise.reject(new Error('keychain gone')),
    });
    const { closed } = await roundTrip(channel);
    assert.match(closed ?? '', /invalid_token|401/);
    assert.deepEqual(seen, ['Bearer stale']);
  });

  it('a server without a refresher is asked once', async () => {
    accepted = 'Bearer unreachable';
    seen.length = 0;
    const { closed } = await roundTrip(new HttpChannel({ url, headers: { Authorization: 'Bearer stale' }, mode: 'streamable' }));
    assert.match(closed ?? '', /invalid_token|401/);
    assert.deepEqual(seen, ['Bearer stale']);
  });
});
