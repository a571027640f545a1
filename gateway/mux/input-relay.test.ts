import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonRpcId, JsonRpcMessage, JsonRpcRequest } from '../../shared/jsonrpc/message.ts';
import { ClientSession } from './client-session.ts';
import { InputRelay } from './input-relay.ts';
import { StateSeal } from './sealed-state.ts';

function session(agent: string, capabilities: Record<string, unknown>, sent: [JsonRpcMessage, JsonRpcId | undefined][] = []): ClientSession {
  const s = new ClientSession(`s-${agent}`, agent, 'http', { send: (m, related) => sent.push([m as JsonRpcMessage, related]) });
  s.capabilities = capabilities;
  return s;
}
const call: JsonRpcRequest = { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 't' } };

describe('sealed state', () => {
  it('opens only what this process sealed, unchanged', () => {
    const seal = new StateSeal(1024);
    const state = seal.seal({ a: 1 });
    assert.deepEqual(seal.unseal(state), { a: 1 });
    const [body, mac] = state.split('.');
    for (const bad of [`${body}A.${mac}`, `${body}.${mac!.slice(1)}`, body, '', 'x'.repeat(2000), 42, null]) assert.equal(seal.unseal(bad), undefined);
    assert.equal(new StateSeal(1024).unseal(state), undefined, "another process's key");
  });
});

describe('input_required toward agents', () => {
  it("binds a 2026 agent's state to it and to the call, and gives the server its own back", () => {
    const relay = new InputRelay();
    const alice = session('alice', {});
    const shown = relay.sealFor(alice, 'srv', call, { name: 't' }, { resultType: 'input_required', inputRequests: {}, requestState: 'server-own' });
    assert.notEqual(shown.requestState, 'server-own');
    const retry = { name: 't', inputResponses: {}, requestState: shown.requestState };
    assert.deepEqual(relay.unsealRetry(alice, 'srv', call, retry), { name: 't', inputResponses: {}, requestState: 'server-own' });
    assert.match(String(relay.unsealRetry(session('bob', {}), 'srv', call, retry)), /another agent/);
    assert.match(String(relay.unsealRetry(alice, 'other', call, retry)), /another call/);
    assert.match(String(relay.unsealRetry(alice, 'srv', call, { ...retry, name: 'u' })), /another call/);
    assert.match(String(relay.unsealRetry(alice, 'srv', { ...call, method: 'prompts/get' }, retry)), /another call/);
    assert.match(String(relay.unsealRetry(alice, 'srv', call, { ...retry, requestState: 'server-own' })), /not one Gatehouse issued/);
  });

  it('asks a 2025 agent each request on the call, and collects the answers under their keys', () => {
    const sent: [JsonRpcMessage, JsonRpcId | undefined][] = [];
    const agent = session('classic', { elicitation: {}, sampling: {} }, sent);
    let outcome: unknown;
    new InputRelay().ask(
      agent,
      call,
      {
        resultType: 'input_required',
        // As a peer sends it: parsed JSON, where "__proto__" is an own key.
        inputRequests: JSON.parse('{"__proto__":{"method":"elicitation/create","params":{"message":"a"}},"b":{"method":"sampling/createMessage","params":{}}}'),
        requestState: 'st',
      },
      60_000,
      (o) => (outcome = o),
    );
    assert.equal(sent.length, 2);
    assert.ok(
      sent.every(([, related]) => related === 7),
      'asked on the call it belongs to',
    );
    for (const [m] of sent)
      agent.own.get((m as JsonRpcRequest).id)!({ jsonrpc: '2.0', id: (m as JsonRpcRequest).id, result: { answer: (m as JsonRpcRequest).method } });
    assert.deepEqual(JSON.parse(JSON.stringify(outcome)), {
      inputResponses: { ['__proto__']: { answer: 'elicitation/create' }, b: { answer: 'sampling/createMessage' } },
      requestState: 'st',
    });
    assert.equal(Object.getPrototypeOf({}).answer, undefined, 'a "__proto__" key stays a key');
  });

  it('asks nothing when one request needs a capability the agent lacks', () => {
    const sent: [JsonRpcMessage, JsonRpcId | undefined][] = [];
    let outcome: { error?: { message: string } } | undefined;
    new InputRelay().ask(
      session('mute', { elicitation: {} }, sent),
      call,
      { inputRequests: { a: { method: 'elicitation/create', params: {} }, b: { method: 'roots/list' } } },
      60_000,
      (o) => (outcome = o as never),
    );
    assert.equal(sent.length, 0);
    assert.match(outcome!.error!.message, /roots/);
  });
});

describe('what an input_required result may ask', () => {
  const relay = new InputRelay();
  const asking = (...methods: string[]) => ({
    resultType: 'input_required',
    inputRequests: Object.fromEntries(methods.map((m, i) => [`q${i}`, { method: m }])),
  });

  it("keeps the agent's roots from a server the bundle does not forward them to", () => {
    assert.match(relay.refusal(asking('elicitation/create', 'roots/list'), false) ?? '', /roots/);
    assert.equal(relay.refusal(asking('elicitation/create', 'roots/list'), true), undefined);
    assert.equal(relay.refusal(asking('elicitation/create', 'sampling/createMessage'), false), undefined);
  });

  it('passes on at most 16 questions at once', () => {
    assert.equal(relay.refusal(asking(...Array<string>(16).fill('elicitation/create')), false), undefined);
    assert.match(relay.refusal(asking(...Array<string>(17).fill('elicitation/create')), false) ?? '', /17 questions/);
  });

  it('refuses a server state too big to be carried back sealed, instead of failing the retry', () => {
    assert.equal(relay.refusal({ ...asking('elicitation/create'), requestState: 'x'.repeat(128 * 1024) }, false), undefined);
    assert.match(relay.refusal({ ...asking('elicitation/create'), requestState: 'x'.repeat(128 * 1024 + 1) }, false) ?? '', /requestState/);
  });
});
