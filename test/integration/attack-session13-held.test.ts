// Red team of held calls (issue 13): a hostile 2025 server that asks 10,000 questions at
// once in one call, a 2026 agent that keeps calling a tool that asks without answering,
// and retries whose answer or state is shaped to slip past the checks. The server notes
// every answer or refusal it gets to its questions, so a refused retry that reached it shows.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readJsonLines } from '../helpers/json-lines.ts';
import { after, before, describe, it } from 'node:test';
import { serversReady, startDaemon, tempDir, waitFor, writeBundle, type TestDaemon } from '../helpers/daemon.ts';
import { modernRequest } from '../helpers/modern.ts';

const SERVER = String.raw`// A hostile 2025 server (raw stdio): ask_many asks n questions at once mid-call and answers the
// call with the first answer it gets; slow_ask asks one question after ms; hang never answers.
// Every answer or error to its questions is noted in the log (argv[2]).
import { appendFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
const LOG = process.argv[2];
const send = (m) => process.stdout.write(JSON.stringify(m) + '\n');
const waiting = new Map(); // question id -> call id
let q = 0;
const ask = (callId, message) => {
  const id = "q" + ++q;
  waiting.set(id, callId);
  send({ jsonrpc: '2.0', id, method: 'elicitation/create', params: { message, requestedSchema: { type: 'object', properties: { response: { type: 'string' } } } } });
};
createInterface({ input: process.stdin }).on('line', (line) => {
  const m = JSON.parse(line);
  if (m.method === undefined && m.id !== undefined) {
    appendFileSync(LOG, JSON.stringify({ q: m.id, ok: 'result' in m, result: m.result, error: m.error?.message?.slice(0, 80) }) + '\n');
    const callId = waiting.get(m.id);
    waiting.delete(m.id);
    if ('result' in m && callId !== undefined) {
      send({ jsonrpc: '2.0', id: callId, result: { content: [{ type: 'text', text: 'answer: ' + JSON.stringify(m.result) }] } });
      for (const [k, v] of waiting) if (v === callId) waiting.delete(k);
    }
    return;
  }
  if (m.id === undefined || typeof m.method !== 'string') return;
  const p = m.params ?? {};
  switch (m.method) {
    case 'initialize':
      return send({ jsonrpc: '2.0', id: m.id, result: { protocolVersion: '2025-11-25', capabilities: { tools: {} }, serverInfo: { name: 'asker', version: '1' } } });
    case 'tools/list':
      return send({ jsonrpc: '2.0', id: m.id, result: { tools: ['ask_many', 'slow_ask', 'hang', 'ask'].map((name) => ({ name, inputSchema: { type: 'object' } })) } });
    case 'tools/call': {
      const a = p.arguments ?? {};
      if (p.name === 'ask_many') for (let i = 0; i < (a.n ?? 1); i++) ask(m.id, 'question ' + i);
      else if (p.name === 'ask') ask(m.id, String(a.secret ?? 'q'));
      else if (p.name === 'slow_ask') setTimeout(() => ask(m.id, String(a.secret ?? 'q')), a.ms ?? 1000);
      return;
    }
    case 'ping':
      return send({ jsonrpc: '2.0', id: m.id, result: {} });
    default:
      return send({ jsonrpc: '2.0', id: m.id, error: { code: -32601, message: 'no' } });
  }
});
`;

interface Noted {
  q: string;
  ok: boolean;
  result?: unknown;
  error?: string;
}

async function asker(settings: Record<string, unknown>) {
  const dir = tempDir('gh-red13-held-');
  const script = join(dir, 'asker.mjs');
  const log = join(dir, 'answers.log');
  writeFileSync(script, SERVER);
  const server = { id: 's', transport: { type: 'stdio', command: process.execPath, args: [script, log] } };
  const d = await startDaemon({
    bundle: writeBundle({ schemaVersion: 1, name: 'red-held', version: 1, servers: [server], settings: { naming: 'passthrough', ...settings } }),
  });
  await serversReady(d);
  const noted = (): Noted[] => readJsonLines<Noted>(log);
  return { d, noted };
}

const CAPS = { elicitation: {} };
const ACCEPT = { elicitation: { action: 'accept', content: { response: 'yes' } } };

describe('attack: held calls', () => {
  let d: TestDaemon;
  let noted: () => Noted[];
  let token: string;
  const call = async (name: string, args: Record<string, unknown>, extra: Record<string, unknown> = {}, id = 1) =>
    (await modernRequest(d.url, token, 'tools/call', { name, arguments: args, ...extra }, CAPS, id)).body;

  before(async () => {
    ({ d, noted } = await asker({}));
    token = await d.agentToken('alpha');
  });
  after(() => d?.stop());

  it('holds one of 10,000 questions asked at once in one call and refuses the rest to the server', async () => {
    const first = await call('ask_many', { n: 10_000 });
    assert.equal(first.result?.resultType, 'input_required');
    assert.deepEqual(Object.keys(first.result!.inputRequests!), ['elicitation']);
    await waitFor(async () => noted().length >= 9_999, 30_000, 'the other questions to be refused');
    const refused = noted();
    assert.equal(refused.length, 9_999);
    assert.ok(refused.every((n) => !n.ok));
    const done = await call('ask_many', { n: 10_000 }, { inputResponses: ACCEPT, requestState: first.result!.requestState }, 2);
    assert.match(done.result?.content?.[0]?.text ?? '', /^answer: .*"response":"yes"/);
    assert.equal(noted().filter((n) => n.ok).length, 1);
  });

  it('refuses answers of hostile shapes and altered states without telling the server anything', async () => {
    const first = await call('ask', { secret: 'colour?' });
    const state = first.result!.requestState!;
    const before = noted().length;
    const [body, mac] = state.split('.') as [string, string];
    const hostile: Record<string, unknown>[] = [
      { inputResponses: { elicitation: [] }, requestState: state },
      { inputResponses: { elicitation: 'accept' }, requestState: state },
      { inputResponses: { elicitation: null }, requestState: state },
      { inputResponses: [ACCEPT.elicitation], requestState: state },
      { inputResponses: 'yes', requestState: state },
      { inputResponses: JSON.parse('{"__proto__":{"elicitation":{"action":"accept"}}}') as unknown, requestState: state },
      { inputResponses: { sampling: ACCEPT.elicitation, roots: { roots: [] } }, requestState: state },
      { inputResponses: ACCEPT, requestState: `${body.slice(0, -1)}${body.endsWith('A') ? 'B' : 'A'}.${mac}` },
      { inputResponses: ACCEPT, requestState: state.slice(0, -2) },
      { inputResponses: ACCEPT, requestState: `${state}${'A'.repeat(300_000)}` },
      { inputResponses: ACCEPT, requestState: { state } },
    ];
    for (const [i, extra] of hostile.entries()) {
      const got = await call('ask', { secret: 'colour?' }, extra, 10 + i);
      assert.equal(got.error?.code, -32602, `hostile retry #${i}`);
    }
    // The same state on another tool of the same server, or another agent's retry, reaches nothing either.
    assert.equal((await call('ask_many', { n: 1 }, { inputResponses: ACCEPT, requestState: state }, 30)).error?.code, -32602);
    const beta = await d.agentToken('beta');
    const stolen = await modernRequest(
      d.url,
      beta,
      'tools/call',
      { name: 'ask', arguments: { secret: 'colour?' }, inputResponses: ACCEPT, requestState: state },
      CAPS,
      31,
    );
    assert.equal(stolen.body.error?.code, -32602);
    assert.equal(noted().length, before, 'no refused retry reached the server');
    const done = await call('ask', { secret: 'colour?' }, { inputResponses: ACCEPT, requestState: state }, 40);
    assert.match(done.result?.content?.[0]?.text ?? '', /^answer: /);
  });
});

describe('attack: an agent that never answers', () => {
  let d: TestDaemon;
  let noted: () => Noted[];

  before(async () => {
    ({ d, noted } = await asker({ callTimeoutMs: 4000 }));
  });
  after(() => d?.stop());

  it('has at most 64 calls held: the 65th question on is refused to the server, and all expire', async () => {
    const token = await d.agentToken('hoarder');
    const answers = await Promise.all(
      Array.from({ length: 72 }, (_, i) => modernRequest(d.url, token, 'tools/call', { name: 'ask', arguments: { secret: `q${i}` } }, CAPS, i + 1)),
    );
    const held = answers.filter((a) => a.body.result?.resultType === 'input_required');
    assert.equal(held.length, 64);
    const refusedNow = noted().filter((n) => !n.ok && /no connected agent/.test(n.error ?? '')).length;
    assert.equal(refusedNow, 8);
    // Another agent is not crowded out by the hoarder.
    const other = await d.agentToken('other');
    const fresh = await modernRequest(d.url, other, 'tools/call', { name: 'ask', arguments: { secret: 'mine' } }, CAPS, 100);
    assert.equal(fresh.body.result?.resultType, 'input_required');
    // None answered: every held question fails upstream when the call times out.
    await waitFor(async () => noted().filter((n) => /did not answer/.test(n.error ?? '')).length >= 65, 30_000, 'the held questions to expire');
    const late = await modernRequest(
      d.url,
      token,
      'tools/call',
      { name: 'ask', arguments: { secret: 'q0' }, inputResponses: ACCEPT, requestState: held[0]!.body.result!.requestState },
      CAPS,
      200,
    );
    assert.equal(late.body.error?.code, -32602);
  });

  it("does not show one agent's question to another: with calls of two agents running, the server's question is refused", async () => {
    const beta = await d.agentToken('beta');
    const alpha = await d.agentToken('alpha-2');
    // beta's call runs (and never ends) before alpha's asks; nothing on the wire says whose call asks.
    const betaCall = modernRequest(d.url, beta, 'tools/call', { name: 'hang', arguments: {} }, CAPS, 1);
    await waitFor(async () => (await d.control<{ servers: { inflight: number }[] }>('/servers')).body.servers[0]!.inflight >= 1, 10_000, "beta's call");
    const alphaCall = modernRequest(d.url, alpha, 'tools/call', { name: 'slow_ask', arguments: { ms: 300, secret: 'alpha: confirm wire of $9,000' } }, CAPS, 2);
    await waitFor(() => noted().some((n) => /calls of 2 agents/.test(n.error ?? '')), 10_000, 'the question to be refused to the server');
    const [b, a] = await Promise.all([betaCall, alphaCall]);
    assert.doesNotMatch(JSON.stringify(b.body), /confirm wire/, "beta never sees alpha's question");
    assert.equal(b.body.result?.resultType === 'input_required', false);
    assert.doesNotMatch(JSON.stringify(a.body), /input_required/);
  });
});
