import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode, type JsonRpcMessage, type JsonRpcRequest } from '../../shared/jsonrpc/message.ts';
import { harness, testBundle, tick } from '../../test/helpers/mux-harness.ts';

const ok = () => ({ content: [] });
const byMethod = (sent: JsonRpcMessage[], method: string) => sent.filter((m): m is JsonRpcRequest => 'method' in m && m.method === method);

describe('the relay', () => {
  it("puts a server's question to the agent whose call is running, and its answer back under the server's id", async () => {
    const h = await harness(testBundle(['a']), { a: { slow: ok } });
    const ch = h.channels.get('a')!;
    ch.hold = true;
    const idle = await h.agent('idle');
    const busy = await h.agent('busy');
    void busy.request('tools/call', { name: 'a__slow', arguments: {} });
    await tick();
    ch.speak({ jsonrpc: '2.0', id: 'q1', method: 'sampling/createMessage', params: { messages: [] } });
    const asked = byMethod(busy.sent, 'sampling/createMessage');
    assert.equal(asked.length, 1);
    assert.equal(byMethod(idle.sent, 'sampling/createMessage').length, 0);
    assert.notEqual(asked[0]!.id, 'q1', "the agent sees an id of Gatehouse's");
    h.gateway.handle(busy.session, { jsonrpc: '2.0', id: asked[0]!.id, result: { role: 'assistant', content: { type: 'text', text: 'hi' } } });
    const back = ch.received.find((m) => 'id' in m && m.id === 'q1' && 'result' in m);
    assert.ok(back, 'the server got its answer under its own id');
    ch.release();
    await h.stop();
  });

  it('answers a question no agent can take with an error, and fails open questions when their agent leaves', async () => {
    const h = await harness(testBundle(['a']), { a: { slow: ok } });
    const ch = h.channels.get('a')!;
    ch.speak({ jsonrpc: '2.0', id: 'nobody', method: 'roots/list' });
    const refused = ch.received.find((m) => 'id' in m && m.id === 'nobody');
    assert.ok(refused && 'error' in refused && refused.error.code === ErrorCode.MethodNotFound);
    ch.hold = true;
    const agent = await h.agent();
    void agent.request('tools/call', { name: 'a__slow', arguments: {} });
    await tick();
    ch.speak({ jsonrpc: '2.0', id: 'q2', method: 'sampling/createMessage', params: {} });
    h.gateway.closeSession(agent.session);
    const failed = ch.received.find((m) => 'id' in m && m.id === 'q2');
    assert.ok(failed && 'error' in failed && failed.error.code === ErrorCode.ConnectionClosed);
    await h.stop();
  });

  it('does not put a server-to-client request to a 2026-07-28 agent: its call is answered input_required instead, and one that cannot answer is not asked', async () => {
    const h = await harness(testBundle(['a']), { a: { slow: ok } });
    const ch = h.channels.get('a')!;
    ch.hold = true;
    const modern = await h.agent('modern');
    modern.session.protocolVersion = '2026-07-28';
    void modern.request('tools/call', { name: 'a__slow', arguments: {} });
    await tick();
    ch.speak({ jsonrpc: '2.0', id: 'q3', method: 'sampling/createMessage', params: { messages: [] } });
    assert.equal(byMethod(modern.sent, 'sampling/createMessage').length, 0);
    const held = modern.sent.find((m) => 'result' in m && m.result.resultType === 'input_required') as { result: Record<string, unknown> } | undefined;
    assert.deepEqual((held?.result.inputRequests as Record<string, unknown> | undefined)?.sampling, {
      method: 'sampling/createMessage',
      params: { messages: [] },
    });
    assert.equal(
      ch.received.find((m) => 'id' in m && m.id === 'q3'),
      undefined,
      'the server waits for the answer',
    );
    const mute = await h.agent('mute');
    mute.session.protocolVersion = '2026-07-28';
    mute.session.capabilities = {};
    void mute.request('tools/call', { name: 'a__slow', arguments: {} });
    await tick();
    ch.speak({ jsonrpc: '2.0', id: 'q4', method: 'elicitation/create', params: {} });
    const refused = ch.received.find((m) => 'id' in m && m.id === 'q4');
    assert.ok(refused && 'error' in refused && refused.error.code === ErrorCode.MethodNotFound, 'the server hears at once, not after a timeout');
    ch.release();
    await h.stop();
  });

  it("passes on log lines at or above each agent's level, and asks the upstream for the most verbose one wanted", async () => {
    const h = await harness(testBundle(['a']), { a: { x: ok } });
    const ch = h.channels.get('a')!;
    const quiet = await h.agent('quiet');
    const chatty = await h.agent('chatty');
    await quiet.request('logging/setLevel', { level: 'error' });
    await chatty.request('logging/setLevel', { level: 'debug' });
    assert.deepEqual(
      ch.requests('logging/setLevel').map((r) => r.params?.level),
      ['error', 'debug'],
    );
    ch.speak({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'hello' } });
    assert.equal(byMethod(chatty.sent, 'notifications/message').length, 1);
    assert.equal(byMethod(quiet.sent, 'notifications/message').length, 0);
    await h.stop();
  });

  it('shares one upstream subscription per resource and unsubscribes when the last agent leaves', async () => {
    const h = await harness(testBundle(['a']), { a: { x: ok } }, { resources: [{ uri: 'mem://note', name: 'note' }] });
    const ch = h.channels.get('a')!;
    const one = await h.agent('one');
    const two = await h.agent('two');
    assert.ok('result' in (await one.request('resources/subscribe', { uri: 'mem://note' })));
    assert.ok('result' in (await two.request('resources/subscribe', { uri: 'mem://note' })));
    assert.equal(ch.requests('resources/subscribe').length, 1);
    ch.speak({ jsonrpc: '2.0', method: 'notifications/resources/updated', params: { uri: 'mem://note' } });
    assert.equal(byMethod(one.sent, 'notifications/resources/updated').length, 1);
    assert.equal(byMethod(two.sent, 'notifications/resources/updated').length, 1);
    h.gateway.closeSession(one.session);
    assert.equal(ch.requests('resources/unsubscribe').length, 0, 'one agent still listens');
    h.gateway.closeSession(two.session);
    assert.equal(ch.requests('resources/unsubscribe').length, 1);
    await h.stop();
  });
});
