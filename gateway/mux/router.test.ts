import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode, type JsonRpcRequest } from '../../shared/jsonrpc/message.ts';
import { harness, testBundle, tick } from '../../test/helpers/mux-harness.ts';

const echo = (args: Record<string, unknown>) => ({ content: [{ type: 'text', text: JSON.stringify(args) }] });

describe('the router', () => {
  it("routes a call by its exposed name to its server, under a fresh id, and answers under the agent's", async () => {
    const h = await harness(testBundle(['a', 'b']), { a: { echo }, b: { echo } });
    const agent = await h.agent();
    const answer = await agent.request('tools/call', { name: 'b__echo', arguments: { x: 1 } });
    assert.ok('result' in answer, JSON.stringify(answer));
    assert.deepEqual(answer.result.content, [{ type: 'text', text: '{"x":1}' }]);
    const upstream = h.channels.get('b')!.requests('tools/call');
    assert.equal(upstream.length, 1);
    assert.equal(upstream[0]!.params?.name, 'echo', 'the upstream sees its own name');
    assert.equal(h.channels.get('a')!.requests('tools/call').length, 0);
    assert.equal(h.records.filter((r) => r.type === 'tools/call').length, 1);
    assert.equal(h.records.at(-1)!.tool, 'b__echo');
    await h.stop();
  });

  it('names the unknown: a server not in the bundle, or a tool the server lacks', async () => {
    const h = await harness(testBundle(['a']), { a: { echo } });
    const agent = await h.agent();
    const noServer = await agent.request('tools/call', { name: 'zz__echo', arguments: {} });
    assert.ok('error' in noServer);
    assert.equal(noServer.error.code, ErrorCode.InvalidParams);
    assert.match(noServer.error.message, /unknown server "zz"/);
    const noTool = await agent.request('tools/call', { name: 'a__nope', arguments: {} });
    assert.ok('error' in noTool);
    assert.match(noTool.error.message, /unknown tool "a__nope"/);
    await h.stop();
  });

  it('treats a method named like an object property as unknown', async () => {
    const h = await harness(testBundle(['a']), { a: { echo } });
    const agent = await h.agent();
    for (const method of ['__proto__', 'constructor', 'toString']) {
      const answer = await agent.request(method, {});
      assert.ok('error' in answer);
      assert.equal(answer.error.code, ErrorCode.MethodNotFound, method);
    }
    await h.stop();
  });

  it('refuses a second request under an id still running, and cancels one upstream with no answer', async () => {
    const h = await harness(testBundle(['a']), { a: { echo } });
    const ch = h.channels.get('a')!;
    ch.hold = true;
    const agent = await h.agent();
    const before = agent.sent.length;
    h.gateway.handle(agent.session, { jsonrpc: '2.0', id: 'dup', method: 'tools/call', params: { name: 'a__echo', arguments: {} } });
    h.gateway.handle(agent.session, { jsonrpc: '2.0', id: 'dup', method: 'tools/call', params: { name: 'a__echo', arguments: {} } });
    await tick();
    const refused = agent.sent.slice(before).find((m) => 'error' in m);
    assert.ok(refused && 'error' in refused);
    assert.equal(refused.error.code, ErrorCode.InvalidRequest);
    const upstreamId = ch.requests('tools/call')[0]!.id;
    agent.notify('notifications/cancelled', { requestId: 'dup', reason: 'changed my mind' });
    const cancel = ch.received.find((m): m is JsonRpcRequest => 'method' in m && m.method === 'notifications/cancelled');
    assert.equal(cancel?.params?.requestId, upstreamId, 'the upstream hears its own id');
    const sentAfterCancel = agent.sent.length;
    ch.release();
    await tick();
    assert.equal(agent.sent.length, sentAfterCancel, 'no answer after a cancel');
    assert.equal(h.records.at(-1)!.outcome, 'cancelled', 'the call is still recorded');
    await h.stop();
  });

  it("gives each call its own progress token upstream and maps progress back to the agent's", async () => {
    const h = await harness(testBundle(['a']), { a: { echo } });
    const ch = h.channels.get('a')!;
    ch.hold = true;
    const one = await h.agent('one');
    const two = await h.agent('two');
    void one.request('tools/call', { name: 'a__echo', arguments: {}, _meta: { progressToken: 7 } });
    void two.request('tools/call', { name: 'a__echo', arguments: {}, _meta: { progressToken: 7 } });
    await tick();
    const tokens = ch.requests('tools/call').map((r) => (r.params?._meta as { progressToken: unknown }).progressToken);
    assert.equal(new Set(tokens).size, 2, 'two agents, the same token: distinct upstream tokens');
    ch.speak({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: tokens[1], progress: 1 } });
    const heard = two.sent.find((m) => 'method' in m && m.method === 'notifications/progress');
    assert.deepEqual(heard && 'params' in heard ? heard.params : undefined, { progressToken: 7, progress: 1 });
    assert.ok(!one.sent.some((m) => 'method' in m && m.method === 'notifications/progress'), 'the other agent hears nothing');
    ch.release();
    await h.stop();
  });

  it('refuses forwarded requests while paused, and serves lists meanwhile', async () => {
    const h = await harness(testBundle(['a']), { a: { echo } });
    const agent = await h.agent();
    h.gateway.setPaused(true);
    const call = await agent.request('tools/call', { name: 'a__echo', arguments: {} });
    assert.ok('error' in call);
    assert.equal(call.error.code, ErrorCode.UpstreamUnavailable);
    const list = await agent.request('tools/list');
    assert.ok('result' in list);
    assert.equal((list.result.tools as unknown[]).length, 1);
    await h.stop();
  });
});
