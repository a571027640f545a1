// input_required results (SEP-2322) from a 2026-07-28 upstream, through Gatehouse's
// HTTP endpoint: a 2026 agent gets them with the server's requestState sealed and bound
// to it, so another agent, another call or a changed state is refused before the
// server sees it; a 2025 agent is asked each input request as the request it knows,
// and the call completes as it would directly.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { startDaemon, stdioServer, waitFor, writeBundle, type TestDaemon } from '../helpers/daemon.ts';
import { modernRequest, type Answer } from '../helpers/modern.ts';

const textOf = (r: unknown) => (r as { content: { text?: string }[] }).content.map((c) => c.text ?? '').join('');

/** One stateless 2026-07-28 tools/call, as the revision wants it sent over HTTP. */
function modern(
  d: TestDaemon,
  token: string,
  id: number,
  name: string,
  extra: Record<string, unknown> = {},
  caps: Record<string, unknown> = { elicitation: {} },
): Promise<Answer> {
  return modernRequest(d.url, token, 'tools/call', { name, arguments: {}, ...extra }, caps, id);
}

describe('input_required through Gatehouse', () => {
  let d: TestDaemon;
  let alpha: string;
  let beta: string;

  before(async () => {
    d = await startDaemon({
      bundle: writeBundle({
        schemaVersion: 1,
        name: 'mrtr',
        version: 1,
        servers: [stdioServer('fixture', 'fixture-server.ts')],
        settings: { naming: 'passthrough' },
      }),
    });
    await waitFor(
      async () => (await d.control<{ servers: { state: string; protocolVersion: string }[] }>('/servers')).body.servers[0]?.state === 'ready',
      20_000,
    );
    alpha = await d.agentToken('alpha');
    beta = await d.agentToken('beta');
  });
  after(() => d.stop());

  it('speaks the 2026 revision to a dual-era server', async () => {
    const servers = (await d.control<{ servers: { protocolVersion: string }[] }>('/servers')).body.servers;
    assert.equal(servers[0]!.protocolVersion, '2026-07-28');
  });

  it("round-trips a 2026 agent's requestState sealed, and the server gets its own back", async () => {
    const first = await modern(d, alpha, 1, 'test_input_required_result_request_state');
    assert.equal(first.body.result?.resultType, 'input_required');
    const state = first.body.result!.requestState!;
    assert.equal(typeof state, 'string');
    const done = await modern(d, alpha, 2, 'test_input_required_result_request_state', {
      inputResponses: { confirm: { action: 'accept', content: { ok: true } } },
      requestState: state,
    });
    assert.match(JSON.stringify(done.body.result), /state-ok/, 'the server verified its own state, unwrapped by Gatehouse');
  });

  it('refuses a state replayed by another agent, used on another call, or changed', async () => {
    const first = await modern(d, alpha, 3, 'test_input_required_result_request_state');
    const state = first.body.result!.requestState!;
    const answers = { confirm: { action: 'accept', content: { ok: true } } };
    const stolen = await modern(d, beta, 4, 'test_input_required_result_request_state', { inputResponses: answers, requestState: state });
    assert.equal(stolen.body.error?.code, -32602);
    assert.match(stolen.body.error!.message, /another agent/);
    const elsewhere = await modern(d, alpha, 5, 'test_input_required_result_tampered_state', { inputResponses: answers, requestState: state });
    assert.equal(elsewhere.body.error?.code, -32602);
    assert.match(elsewhere.body.error!.message, /another call/);
    const [body, mac] = state.split('.');
    for (const changed of [`${body}x.${mac}`, `${body}.${mac!.slice(0, -2)}${mac!.endsWith('AA') ? 'BB' : 'AA'}`, 'not-a-state', '']) {
      const r = await modern(d, alpha, 6, 'test_input_required_result_request_state', { inputResponses: answers, requestState: changed });
      assert.equal(r.body.error?.code, -32602, `state ${JSON.stringify(changed)}`);
    }
  });

  it("asks only what the 2026 agent declared: the server's -32021 reaches it as HTTP 400", async () => {
    const r = await modern(d, alpha, 7, 'test_missing_capability', {}, {});
    assert.equal(r.status, 400);
    assert.equal(r.body.error?.code, -32021);
    assert.equal(r.body.id, 7);
  });

  it('asks a 2025 agent each input request mid-call, and completes the call with its answers', async () => {
    const asked: string[] = [];
    const client = new Client({ name: 'classic', version: '1.0.0' }, { capabilities: { elicitation: { form: {} }, sampling: {} } });
    client.setRequestHandler('elicitation/create', async (request) => {
      asked.push(String(request.params.message));
      return { action: 'accept', content: { name: 'Alice', color: 'green' } };
    });
    client.setRequestHandler('sampling/createMessage', async () => {
      asked.push('sampling');
      return { role: 'assistant', content: { type: 'text', text: 'Paris' }, model: 'test', stopReason: 'endTurn' };
    });
    await client.connect(new StreamableHTTPClientTransport(new URL(d.url), { requestInit: { headers: { authorization: `Bearer ${alpha}` } } }));
    try {
      assert.equal(textOf(await client.callTool({ name: 'test_input_required_result_elicitation', arguments: {} })), 'Hello, Alice!');
      assert.deepEqual(asked.splice(0), ['What is your name?']);
      assert.match(textOf(await client.callTool({ name: 'test_input_required_result_multi_round', arguments: {} })), /both steps/);
      assert.deepEqual(asked.splice(0), ['Step 1: What is your name?', 'Step 2: What is your favorite color?']);
      assert.match(textOf(await client.callTool({ name: 'test_sampling', arguments: { prompt: 'capital?' } })), /LLM response: Paris/);
      assert.deepEqual(asked.splice(0), ['sampling']);
    } finally {
      await client.close();
    }
  });

  it('does not put to a 2025 agent what it cannot answer', async () => {
    const client = new Client({ name: 'mute', version: '1.0.0' }, { capabilities: {} });
    await client.connect(new StreamableHTTPClientTransport(new URL(d.url), { requestInit: { headers: { authorization: `Bearer ${beta}` } } }));
    try {
      await assert.rejects(client.callTool({ name: 'test_input_required_result_elicitation', arguments: {} }), /-32021|capabilit/);
    } finally {
      await client.close();
    }
  });
});
