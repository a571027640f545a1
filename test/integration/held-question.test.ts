// A 2025-era server asks its questions mid-call (elicitation, sampling) and waits; a
// 2026-07-28 agent cannot be asked mid-call. Through Gatehouse the agent's call is
// answered input_required with the server's question, the call stays open upstream, and
// the agent's retry with the answer resumes it: the server gets the answer and the retry
// gets the call's result. The state is bound to the agent and the call like any other.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FIXTURES, serversReady, startDaemon, waitFor, writeBundle, type TestDaemon } from '../helpers/daemon.ts';
import { modernRequest } from '../helpers/modern.ts';

/** A tools/call from a 2026 agent that can answer elicitation and sampling (unless `caps` says otherwise). */
async function call(
  d: TestDaemon,
  token: string,
  name: string,
  args: Record<string, unknown>,
  extra: Record<string, unknown> = {},
  caps: Record<string, unknown> = {},
) {
  return (await modernRequest(d.url, token, 'tools/call', { name, arguments: args, ...extra }, { elicitation: {}, sampling: {}, ...caps })).body;
}

describe("a 2025 server's mid-call question to a 2026 agent", () => {
  let d: TestDaemon;
  let alpha: string;
  let beta: string;

  before(async () => {
    const legacy = { id: 'old', transport: { type: 'stdio', command: process.execPath, args: [join(FIXTURES, 'servers', 'fixture-server.ts'), '--legacy'] } };
    d = await startDaemon({ bundle: writeBundle({ schemaVersion: 1, name: 'held', version: 1, servers: [legacy], settings: { naming: 'passthrough' } }) });
    await serversReady(d);
    alpha = await d.agentToken('alpha');
    beta = await d.agentToken('beta');
  });
  after(() => d.stop());

  it('is a 2025 server', async () => {
    const servers = (await d.control<{ servers: { protocolVersion: string }[] }>('/servers')).body.servers;
    assert.notEqual(servers[0]!.protocolVersion, '2026-07-28');
  });

  it('reaches the agent as input_required, and the retry with the answer completes the call', async () => {
    const first = await call(d, alpha, 'test_elicitation', { message: 'Your name?' });
    assert.equal(first.result?.resultType, 'input_required');
    assert.equal(first.result?.inputRequests?.elicitation?.method, 'elicitation/create');
    const answer = { elicitation: { action: 'accept', content: { response: 'Ada' } } };
    const done = await call(d, alpha, 'test_elicitation', { message: 'Your name?' }, { inputResponses: answer, requestState: first.result!.requestState });
    assert.equal(done.result?.resultType, 'complete');
    assert.equal(done.result?.content?.[0]?.text, 'User response: action=accept, content={"response":"Ada"}');
  });

  it('works for sampling too', async () => {
    const first = await call(d, alpha, 'test_sampling', { prompt: 'Hi' });
    assert.equal(first.result?.inputRequests?.sampling?.method, 'sampling/createMessage');
    const answer = { sampling: { role: 'assistant', content: { type: 'text', text: 'Hello back' }, model: 'm' } };
    const done = await call(d, alpha, 'test_sampling', { prompt: 'Hi' }, { inputResponses: answer, requestState: first.result!.requestState });
    assert.equal(done.result?.content?.[0]?.text, 'LLM response: Hello back');
  });

  it('refuses the state from another agent, on another call, or without the answer; the owner can still answer', async () => {
    const first = await call(d, alpha, 'test_elicitation', { message: 'Colour?' });
    const state = first.result!.requestState!;
    const answer = { elicitation: { action: 'accept', content: { response: 'blue' } } };
    const stolen = await call(d, beta, 'test_elicitation', { message: 'Colour?' }, { inputResponses: answer, requestState: state });
    assert.equal(stolen.error?.code, -32602);
    const elsewhere = await call(d, alpha, 'test_sampling', { prompt: 'x' }, { inputResponses: answer, requestState: state });
    assert.equal(elsewhere.error?.code, -32602);
    const empty = await call(d, alpha, 'test_elicitation', { message: 'Colour?' }, { inputResponses: {}, requestState: state });
    assert.equal(empty.error?.code, -32602);
    const done = await call(d, alpha, 'test_elicitation', { message: 'Colour?' }, { inputResponses: answer, requestState: state });
    assert.equal(done.result?.content?.[0]?.text, 'User response: action=accept, content={"response":"blue"}');
    const again = await call(d, alpha, 'test_elicitation', { message: 'Colour?' }, { inputResponses: answer, requestState: state });
    assert.match(again.error?.message ?? '', /no longer open/);
  });

  it('does not ask an agent that did not declare the capability', async () => {
    const res = await call(d, alpha, 'test_elicitation', { message: 'x' }, {}, { elicitation: undefined });
    assert.notEqual(res.result?.resultType, 'input_required');
  });
});

describe('a held call whose agent does not come back', () => {
  let d: TestDaemon;
  let token: string;

  before(async () => {
    const legacy = { id: 'old', transport: { type: 'stdio', command: process.execPath, args: [join(FIXTURES, 'servers', 'fixture-server.ts'), '--legacy'] } };
    d = await startDaemon({
      bundle: writeBundle({ schemaVersion: 1, name: 'held', version: 1, servers: [legacy], settings: { naming: 'passthrough', callTimeoutMs: 1500 } }),
    });
    await serversReady(d);
    token = await d.agentToken('forgetful');
  });
  after(() => d.stop());

  it('is given up after the call timeout: a late answer finds no question open', async () => {
    const first = await call(d, token, 'test_elicitation', { message: 'Anyone?' });
    const state = first.result!.requestState!;
    await waitFor(
      async () =>
        /no longer open/.test(
          (await call(d, token, 'test_elicitation', { message: 'Anyone?' }, { inputResponses: {}, requestState: state })).error?.message ?? '',
        ),
      15_000,
      'the held question to expire',
    );
    const late = await call(
      d,
      token,
      'test_elicitation',
      { message: 'Anyone?' },
      { inputResponses: { elicitation: { action: 'accept', content: { response: 'late' } } }, requestState: state },
    );
    assert.equal(late.error?.code, -32602);
  });
});
