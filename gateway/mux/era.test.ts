import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import type { JsonRpcId, JsonRpcMessage } from '../../shared/jsonrpc/message.ts';
import { modernEdgeRejection } from '../downstream/modern-edge.ts';
import type { ClientSession } from './client-session.ts';
import { ListenStreams, modernRequestRejection, modernResult, modernResultText, SUPPORTED_VERSIONS } from './era.ts';

const META = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} };

function request(method: string, params: Record<string, unknown>, headers: Record<string, string>): [IncomingMessage, unknown] {
  return [{ method: 'POST', headers } as unknown as IncomingMessage, { jsonrpc: '2.0', id: 7, method, params }];
}

describe('2026-07-28 request rules', () => {
  it("answers removed and unknown methods with 404 / -32601, and serves the revision's own", () => {
    for (const method of ['initialize', 'ping', 'logging/setLevel', 'resources/subscribe', 'resources/unsubscribe', 'unknown/method', '__proto__']) {
      assert.deepEqual(
        [modernRequestRejection(method, { _meta: META })?.httpStatus, modernRequestRejection(method, { _meta: META })?.code],
        [404, -32601],
        method,
      );
    }
    for (const method of ['server/discover', 'tools/call', 'resources/read', 'subscriptions/listen'])
      assert.equal(modernRequestRejection(method, { _meta: META }), undefined, method);
  });

  it('names the supported versions and echoes the requested one when the version is not ours', () => {
    const r = modernRequestRejection('server/discover', { _meta: { ...META, 'io.modelcontextprotocol/protocolVersion': 'v999.0.0' } });
    assert.equal(r?.httpStatus, 400);
    assert.equal(r?.code, -32022);
    assert.deepEqual(r?.data, { supported: SUPPORTED_VERSIONS, requested: 'v999.0.0' });
  });

  it('refuses at the HTTP edge what the envelope or the headers get wrong', () => {
    const ok = { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'echo' };
    assert.equal(modernEdgeRejection(...request('tools/call', { name: 'echo', _meta: META }, ok)), undefined);
    const cases: [string, Record<string, unknown>, Record<string, string>, number, number][] = [
      ['missing _meta', { name: 'echo' }, ok, 400, -32602],
      ['no Mcp-Method header', { name: 'echo', _meta: META }, { 'mcp-protocol-version': '2026-07-28', 'mcp-name': 'echo' }, 400, -32020],
      ['Mcp-Method names another method', { name: 'echo', _meta: META }, { ...ok, 'mcp-method': 'tools/list' }, 400, -32020],
      ['no Mcp-Name header', { name: 'echo', _meta: META }, { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call' }, 400, -32020],
      ['Mcp-Name names another tool', { name: 'echo', _meta: META }, { ...ok, 'mcp-name': 'wrong' }, 400, -32020],
      ['Mcp-Name is broken Base64', { name: 'echo', _meta: META }, { ...ok, 'mcp-name': '=?base64?%%%?=' }, 400, -32020],
      ['removed method', { _meta: META }, { ...ok, 'mcp-method': 'ping' }, 404, -32601],
    ];
    for (const [what, params, headers, status, code] of cases) {
      const method = headers['mcp-method'] === 'ping' ? 'ping' : 'tools/call';
      const r = modernEdgeRejection(...request(method, params, headers));
      assert.deepEqual([r?.httpStatus, r?.code], [status, code], what);
    }
    // A name that is not ASCII travels Base64-encoded and still matches.
    const name = 'écho';
    assert.equal(
      modernEdgeRejection(...request('tools/call', { name, _meta: META }, { ...ok, 'mcp-name': `=?base64?${Buffer.from(name).toString('base64')}?=` })),
      undefined,
    );
  });

  it("gives forwarded results the 2026 fields, caching hints only where the method is cacheable, and keeps the upstream's own", () => {
    const read = { contents: [] };
    assert.deepEqual(JSON.parse(modernResultText('resources/read', read, JSON.stringify(read))), {
      resultType: 'complete',
      ttlMs: 0,
      cacheScope: 'private',
      contents: [],
    });
    assert.deepEqual(JSON.parse(modernResultText('tools/call', {}, '{}')), { resultType: 'complete' });
    assert.deepEqual(modernResult('resources/read', { ttlMs: 5000, contents: [] }), {
      resultType: 'complete',
      ttlMs: 5000,
      cacheScope: 'private',
      contents: [],
    });
    assert.equal(modernResult('tools/call', { resultType: 'input_required' }).resultType, 'input_required');
  });
});

describe('subscriptions/listen streams', () => {
  function session(sent: [JsonRpcMessage | string, JsonRpcId | undefined][]): ClientSession {
    return { sink: { send: (m: JsonRpcMessage | string, related?: JsonRpcId) => sent.push([m, related]) } } as unknown as ClientSession;
  }

  it('acknowledges first, then delivers only what the stream asked for, tagged with its id, until it ends', () => {
    const sent: [JsonRpcMessage | string, JsonRpcId | undefined][] = [];
    const s = session(sent);
    let open = true;
    const listens = new ListenStreams(() => open);
    assert.equal(
      listens.listen(
        s,
        { jsonrpc: '2.0', id: 'sub-1', method: 'subscriptions/listen' },
        { notifications: { toolsListChanged: true, promptsListChanged: false, resourceSubscriptions: ['x://y', 'x://refused', 'x://y'] } },
        (uri) => uri === 'x://y',
      ),
      undefined,
    );
    assert.deepEqual(sent.shift(), [
      {
        jsonrpc: '2.0',
        method: 'notifications/subscriptions/acknowledged',
        params: { notifications: { toolsListChanged: true, resourceSubscriptions: ['x://y'] }, _meta: { 'io.modelcontextprotocol/subscriptionId': 'sub-1' } },
      },
      'sub-1',
    ]);
    const update = { jsonrpc: '2.0' as const, method: 'notifications/resources/updated', params: { uri: 'x://y' } };
    listens.resourceUpdated(s, 'x://refused', { ...update, params: { uri: 'x://refused' } });
    assert.equal(sent.length, 0, 'a resource the stream does not watch');
    listens.resourceUpdated(s, 'x://y', update);
    assert.deepEqual(sent.shift(), [
      { jsonrpc: '2.0', method: 'notifications/resources/updated', params: { uri: 'x://y', _meta: { 'io.modelcontextprotocol/subscriptionId': 'sub-1' } } },
      'sub-1',
    ]);
    listens.listChanged('notifications/prompts/list_changed');
    assert.equal(sent.length, 0, 'a list the stream did not ask for');
    listens.listChanged('notifications/tools/list_changed');
    assert.deepEqual(sent.shift(), [
      { jsonrpc: '2.0', method: 'notifications/tools/list_changed', params: { _meta: { 'io.modelcontextprotocol/subscriptionId': 'sub-1' } } },
      'sub-1',
    ]);
    const unwatched: string[] = [];
    assert.equal(
      listens.end(s, 'sub-1', (uri) => unwatched.push(uri)),
      true,
    );
    assert.deepEqual(unwatched, ['x://y'], 'the ended stream gives up what it watched');
    assert.equal(listens.end(s, 'sub-1'), false);
    listens.listChanged('notifications/tools/list_changed');
    assert.equal(sent.length, 0, 'an ended stream');
    listens.listen(s, { jsonrpc: '2.0', id: 2, method: 'subscriptions/listen' }, { notifications: { toolsListChanged: true } }, () => true);
    sent.length = 0;
    open = false;
    listens.listChanged('notifications/tools/list_changed');
    assert.equal(sent.length, 0, 'a closed session');
  });

  it('refuses a listen without a filter object', () => {
    const listens = new ListenStreams(() => true);
    for (const notifications of [undefined, null, [], 'tools', { resourceSubscriptions: 'x://y' }]) {
      assert.equal(
        listens.listen(session([]), { jsonrpc: '2.0', id: 1, method: 'subscriptions/listen' }, { notifications }, () => true),
        'subscriptions/listen needs a "notifications" object (with resourceSubscriptions, if any, an array)',
      );
    }
  });

  it('refuses a second stream under an open id, a 65th stream, and watches no URI over 8,192 characters', () => {
    const listens = new ListenStreams(() => true);
    const s = session([]);
    const watched: string[] = [];
    const listen = (id: number, uris: string[] = []) =>
      listens.listen(s, { jsonrpc: '2.0', id, method: 'subscriptions/listen' }, { notifications: { resourceSubscriptions: uris } }, (uri) => {
        watched.push(uri);
        return true;
      });
    assert.equal(listen(0, ['x://ok', `x://${'a'.repeat(9000)}`]), undefined);
    assert.deepEqual(watched, ['x://ok'], 'the long URI is not watched');
    assert.match(listen(0, ['x://other']) ?? '', /already open/);
    assert.deepEqual(watched, ['x://ok'], 'nor does a refused stream watch anything');
    for (let id = 1; id < 64; id++) assert.equal(listen(id), undefined);
    assert.match(listen(64) ?? '', /64 subscriptions\/listen streams/);
    assert.equal(listens.end(s, 3), true);
    assert.equal(listen(64), undefined, 'cancelling one makes room');
  });
});
