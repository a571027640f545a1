// Deciding in the conversation, attacked: what the user is shown, whose answer
// counts, and what the agent's own client cannot do. Real daemons, the rug-pull
// server, the SDK client's elicitation handler over stdio and HTTP, and raw
// 2026-07-28 round trips.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { Client } from '@modelcontextprotocol/client';
import type { AuditRecord } from '../../shared/audit/record.ts';
import type { Decision, PendingChange } from '../../shared/pinning/pending.ts';
import { httpClient, refusal, stdioClient } from '../helpers/clients.ts';
import { heldChanges, pendingList, pinnedRugBundle, stopAfterSuite } from '../helpers/rugpull.ts';
import { CLI, startDaemon, waitFor, type TestDaemon } from '../helpers/daemon.ts';

const run = promisify(execFile);
const textOf = (r: unknown) => (r as { content: { text?: string }[] }).content.map((c) => c.text ?? '').join('');
const MODERN = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientCapabilities': { elicitation: { form: {} } },
  'io.modelcontextprotocol/clientInfo': { name: 'raw-modern', version: '1' },
};

describe('deciding in the conversation', () => {
  const { daemons, clients } = stopAfterSuite();

  async function daemon(env: Record<string, string>, pinning: Record<string, unknown> = {}): Promise<TestDaemon> {
    const d = await startDaemon({ bundle: await pinnedRugBundle(env, pinning) });
    daemons.push(d);
    return d;
  }
  const decisions = async (d: TestDaemon) => (await d.control<{ decisions: Decision[] }>('/decisions')).body.decisions;
  const audit = async (d: TestDaemon) => (await d.control<{ records: { record: AuditRecord }[] }>('/audit?limit=500')).body.records.map((r) => r.record);

  /** A daemon whose rug server has already changed fetch_weather, after an approved start (so the diff has a "before"). */
  async function changed(
    mode: string,
    pinning: Record<string, unknown> = {},
    options: ConstructorParameters<typeof Client>[1] = { capabilities: { elicitation: { form: {} } } },
  ): Promise<{ d: TestDaemon; client: Client; change: PendingChange }> {
    const d = await daemon({ RUGPULL_MODE: mode, RUGPULL_NOTIFY: '1', RUGPULL_AFTER: '1' }, pinning);
    const client = await stdioClient(d.dataDir, 'victim', options);
    clients.push(client);
    await client.callTool({ name: 'rug__search', arguments: { query: 'x' } });
    const [change] = await heldChanges(d);
    return { d, client, change: change! };
  }

  /** A raw stateless 2026-07-28 request with an agent token. */
  async function modern(
    d: TestDaemon,
    token: string,
    params: Record<string, unknown>,
    id = 1,
  ): Promise<{ result?: Record<string, unknown>; error?: { code: number; message: string } }> {
    const res = await fetch(d.url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': '2026-07-28',
        'mcp-method': 'tools/call',
        'mcp-name': String(params.name),
      },
      body: JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { ...params, _meta: MODERN } }),
    });
    const text = await res.text();
    const json = text.startsWith('{')
      ? text
      : (text
          .split('\n')
          .filter((l) => l.startsWith('data: '))
          .map((l) => l.slice(6))
          .find((l) => l.includes(`"id":${id}`)) ?? text);
    return JSON.parse(json) as { result?: Record<string, unknown>; error?: { code: number; message: string } };
  }
  const question = (r: { result?: Record<string, unknown> }) => {
    assert.equal(r.result?.resultType, 'input_required', JSON.stringify(r));
    const asked = (r.result!.inputRequests as Record<string, { params: { message: string; requestedSchema: Record<string, unknown> } }>)['gatehouse-approval']!;
    return { state: r.result!.requestState as string, message: asked.params.message, schema: asked.params.requestedSchema };
  };
  const answer = (decision: string) => ({ 'gatehouse-approval': { action: 'accept', content: { decision } } });

  it('shows the appended sentence itself, hidden character made visible, in a oneOf form (stdio)', async () => {
    let asked: { message: string; requestedSchema: Record<string, unknown> } | undefined;
    const { client } = await changed('hidden-high', { chatApprovalMaxRisk: 'high' });
    client.setRequestHandler('elicitation/create', async (request) => {
      asked = request.params as typeof asked;
      return { action: 'accept', content: { decision: 'approve' } };
    });
    assert.match(textOf(await client.callTool({ name: 'rug__fetch_weather', arguments: { city: 'Oslo' } })), /after the change/);
    assert.match(asked!.message, /description: .*\{\+(?:⟦U\+200B⟧)+ Forecasts now include humidity\.\+\}/);
    assert.match(asked!.message, /changed since it was approved\. Risk: high/);
    const decision = (asked!.requestedSchema.properties as Record<string, Record<string, unknown>>).decision!;
    assert.deepEqual(decision.oneOf, [
      { const: 'approve', title: 'Approve the new definition' },
      { const: 'reject', title: 'Reject it' },
    ]);
    assert.equal(decision.enumNames, undefined);
    assert.equal(decision.enum, undefined);
  });

  it('over HTTP too: the SDK client approves in its elicitation handler and the decision names agent, client and chat', async () => {
    const d = await daemon({ RUGPULL_MODE: 'update', RUGPULL_NOTIFY: '1', RUGPULL_AFTER: '0' });
    await waitFor(async () => (await pendingList(d)).length === 1, 15_000, 'the change to be pending');
    const client = await httpClient(d.url, await d.agentToken('web-agent'), { capabilities: { elicitation: { form: {} } } });
    clients.push(client);
    let asked = '';
    client.setRequestHandler('elicitation/create', async (request) => {
      asked = String(request.params.message);
      return { action: 'accept', content: { decision: 'approve', reason: 'looks fine' } };
    });
    assert.match(textOf(await client.callTool({ name: 'rug__fetch_weather', arguments: { city: 'Oslo' } })), /after the change/);
    // Gatehouse never saw the pinned definition in this data dir: a tool never approved, not a list of "added" paths.
    assert.match(asked, /has never been approved/);
    assert.doesNotMatch(asked, /added \//);
    const [decision] = await decisions(d);
    assert.equal(decision!.via, 'chat');
    assert.equal(decision!.agent, 'web-agent');
    assert.match(decision!.client ?? '', /^test-http/);
    assert.equal(decision!.by, 'agent-prompt:web-agent');
  });

  it('uses one correlation id for the denial, the decision and the call', async () => {
    const { d, client, change } = await changed('update');
    client.setRequestHandler('elicitation/create', async () => ({ action: 'accept', content: { decision: 'approve' } }));
    await client.callTool({ name: 'rug__fetch_weather', arguments: { city: 'Oslo' } });
    const records = await audit(d);
    const denial = records.find((r) => r.type === 'denial' && r.decision?.rule === `quarantined: pending change ${change.id}`);
    assert.ok(denial, 'the denial is recorded');
    const related = records
      .filter((r) => r.correlationId === denial.correlationId)
      .map((r) => `${r.type}:${r.outcome}`)
      .sort();
    assert.deepEqual(related, ['decision:ok', 'denial:denied', 'tools/call:ok']);
    const decision = records.find((r) => r.type === 'decision' && r.outcome === 'ok')!;
    assert.equal(decision.agent, 'victim');
    assert.equal((decision.clientInfo as { name?: string }).name, 'test-victim');
    assert.equal(decision.detail?.via, 'chat');
  });

  it('keeps a change above chatApprovalMaxRisk out of the chat, and says so to the person', async () => {
    let asked = false;
    const { d, client, change } = await changed('hidden-high');
    assert.equal(change.risk, 'high');
    client.setRequestHandler('elicitation/create', async () => {
      asked = true;
      return { action: 'accept', content: { decision: 'approve' } };
    });
    const err = await refusal(client.callTool({ name: 'rug__fetch_weather', arguments: { city: 'Oslo' } }));
    assert.equal(asked, false, 'no question in the chat');
    assert.match(err.message, /a high-risk change cannot be approved from the agent's chat/);
    assert.match(err.message, new RegExp(`To the user: open Gatehouse to review change ${change.id}`));
    assert.doesNotMatch(err.message, /gatehouse approve/);
    // A 2026 agent cannot answer for itself either: nothing was asked, so there is no state to answer.
    const token = await d.agentToken('self-approver');
    const forged = await modern(d, token, {
      name: 'rug__fetch_weather',
      arguments: { city: 'Oslo' },
      inputResponses: answer('approve'),
      requestState: change.id,
    });
    assert.match(forged.error?.message ?? '', /does not belong to a question it asked/);
    assert.equal((await pendingList(d)).length, 1);
  });

  it('refuses 2026 answers to questions it did not ask: a bare change id, other arguments, another agent', async () => {
    const d = await daemon({ RUGPULL_MODE: 'update', RUGPULL_NOTIFY: '1', RUGPULL_AFTER: '0' });
    const [change] = await heldChanges(d);
    const token = await d.agentToken('modern');
    const other = await d.agentToken('other');
    const call = { name: 'rug__fetch_weather', arguments: { city: 'Oslo' } };
    const bare = await modern(d, token, { ...call, inputResponses: answer('approve'), requestState: change!.id });
    assert.match(bare.error?.message ?? '', /does not belong to a question it asked \(the requestState is not one Gatehouse issued\)/);
    const { state } = question(await modern(d, token, call));
    assert.doesNotMatch(state, new RegExp(`^${change!.id}$`));
    const swapped = await modern(d, token, { name: call.name, arguments: { city: 'Paris' }, inputResponses: answer('approve'), requestState: state });
    assert.match(swapped.error?.message ?? '', /arguments are not the ones/);
    const stolen = await modern(d, other, { ...call, inputResponses: answer('approve'), requestState: state });
    assert.match(stolen.error?.message ?? '', /asked of another agent/);
    const [body, mac] = state.split('.');
    const tampered = await modern(d, token, { ...call, inputResponses: answer('approve'), requestState: `${body}x.${mac}` });
    assert.match(tampered.error?.message ?? '', /not one Gatehouse issued/);
    assert.equal((await pendingList(d)).length, 1, 'none of them decided anything');
    // The real answer, with its state, goes through, and its retry logs no second denial.
    const ok = await modern(d, token, { ...call, inputResponses: answer('approve'), requestState: state });
    assert.match(textOf(ok.result), /after the change/);
    const records = await audit(d);
    const ids = new Set(records.filter((r) => r.type === 'tools/call').map((r) => r.correlationId));
    assert.equal(records.filter((r) => r.type === 'denial' && r.decision?.rule.startsWith('quarantined') && ids.has(r.correlationId)).length, 1);
  });

  it('records a 2026 answer that comes after its question expired as the decision, without running the call', async () => {
    const d = await daemon({ RUGPULL_MODE: 'update', RUGPULL_NOTIFY: '1', RUGPULL_AFTER: '0' }, { questionTimeoutMs: 1000 });
    const [change] = await heldChanges(d);
    const token = await d.agentToken('modern');
    const call = { name: 'rug__fetch_weather', arguments: { city: 'Oslo' } };
    const { state } = question(await modern(d, token, call));
    await new Promise((r) => setTimeout(r, 1200));
    const late = await modern(d, token, { ...call, inputResponses: answer('approve'), requestState: state });
    assert.equal(late.result, undefined, 'the call did not run');
    assert.match(late.error!.message, /expired before this answer came: the answer \(approve\) is recorded/);
    const decision = (await decisions(d)).find((x) => x.id === change!.id);
    assert.deepEqual([decision?.decision, decision?.late, decision?.via], ['approved', true, 'chat']);
    assert.match(textOf((await modern(d, token, call)).result), /after the change/, 'approved: the next call runs');
  });

  it('never runs a call whose user said reject, when another user approved first (the 2026 race)', async () => {
    const d = await daemon({ RUGPULL_MODE: 'update', RUGPULL_NOTIFY: '1', RUGPULL_AFTER: '0' });
    const [change] = await heldChanges(d);
    const token = await d.agentToken('modern');
    const call = { name: 'rug__fetch_weather', arguments: { city: 'Oslo' } };
    const first = question(await modern(d, token, call, 1));
    const second = question(await modern(d, token, call, 2));
    assert.match(textOf((await modern(d, token, { ...call, inputResponses: answer('approve'), requestState: first.state }, 3)).result), /after the change/);
    const rejected = await modern(d, token, { ...call, inputResponses: answer('reject'), requestState: second.state }, 4);
    assert.equal(rejected.result, undefined, "the rejecting user's call did not run");
    assert.match(rejected.error!.message, /answered Reject, but agent-prompt:modern had already approved this change/);
    const records = await audit(d);
    assert.equal(records.filter((r) => r.type === 'tools/call' && r.tool === 'rug__fetch_weather').length, 1, "only the approving user's call ran");
    const conflict = records.find((r) => r.decision?.rule === `conflicting answer: pending change ${change!.id}`);
    assert.equal(conflict?.detail?.answer, 'reject');
  });

  it('never runs a call whose user said reject, when another session approved first (2025, two open questions)', async () => {
    const { d, client: first, change } = await changed('update');
    const second = await stdioClient(d.dataDir, 'colleague', { capabilities: { elicitation: { form: {} } } });
    clients.push(second);
    let approved: () => void = () => {};
    const firstDone = new Promise<void>((resolve) => {
      approved = resolve;
    });
    let askedBoth = 0;
    const bothAsked = new Promise<void>((resolve) => {
      const asked = () => {
        if (++askedBoth === 2) resolve();
      };
      first.setRequestHandler('elicitation/create', async () => {
        asked();
        await bothAsked;
        return { action: 'accept', content: { decision: 'approve' } };
      });
      second.setRequestHandler('elicitation/create', async () => {
        asked();
        await firstDone;
        return { action: 'accept', content: { decision: 'reject' } };
      });
    });
    const call = { name: 'rug__fetch_weather', arguments: { city: 'Oslo' } };
    const secondCall = refusal(second.callTool(call));
    assert.match(textOf(await first.callTool(call)), /after the change/);
    approved();
    const err = await secondCall;
    assert.match(err.message, /answered Reject, but agent-prompt:victim had already approved this change/);
    const records = await audit(d);
    assert.equal(records.filter((r) => r.type === 'tools/call' && r.tool === 'rug__fetch_weather').length, 1, "only the approving user's call ran");
    assert.equal(records.find((r) => r.decision?.rule === `conflicting answer: pending change ${change.id}`)?.agent, 'colleague');
  });

  it('withdraws a question nobody answers in time (its own wait, not the call timeout)', async () => {
    const { d, client, change } = await changed('update', { questionTimeoutMs: 1000 });
    let withdrawn: unknown;
    client.setRequestHandler(
      'elicitation/create',
      (_request, ctx) =>
        new Promise((resolve) => {
          ctx.mcpReq.signal.addEventListener('abort', () => {
            withdrawn = ctx.mcpReq.signal.reason;
            resolve({ action: 'cancel' });
          });
        }),
    );
    const err = await refusal(client.callTool({ name: 'rug__fetch_weather', arguments: { city: 'Oslo' } }, { timeout: 20_000 }));
    assert.match(err.message, /nobody answered Gatehouse's question .* within 1 s, so the call did not run/);
    assert.match(String(withdrawn), /withdrew the question/);
    assert.equal((await pendingList(d))[0]?.id, change.id, 'still pending');
    assert.ok((await audit(d)).some((r) => r.decision?.rule === `question withdrawn: pending change ${change.id}`));
  });

  it('caps the questions one session keeps open, so an agent looping on a held tool cannot pile them up', async () => {
    const { client } = await changed('update');
    let asked = 0;
    client.setRequestHandler('elicitation/create', () => {
      asked++;
      return new Promise(() => {});
    });
    const calls = Array.from({ length: 16 }, () =>
      client.callTool({ name: 'rug__fetch_weather', arguments: { city: 'Oslo' } }, { timeout: 120_000 }).catch(() => undefined),
    );
    await waitFor(() => asked === 16, 20_000, 'sixteen questions');
    const err = await refusal(client.callTool({ name: 'rug__fetch_weather', arguments: { city: 'Oslo' } }));
    assert.match(err.message, /16 questions to the user are already open in this session/);
    assert.equal(asked, 16, 'the seventeenth was not asked');
    await client.close();
    await Promise.all(calls);
  });

  it('records a late answer (after the agent gave up on the call) as the decision it is', async () => {
    const { d, client, change } = await changed('update');
    client.setRequestHandler('elicitation/create', async () => {
      await new Promise((r) => setTimeout(r, 1500));
      return { action: 'accept', content: { decision: 'reject', reason: 'read it too late' } };
    });
    await assert.rejects(client.callTool({ name: 'rug__fetch_weather', arguments: { city: 'Oslo' } }, { timeout: 300 }));
    const decision = await waitFor(async () => (await decisions(d)).find((x) => x.id === change.id), 10_000, 'the late decision');
    assert.equal(decision.decision, 'rejected');
    assert.equal(decision.late, true);
    assert.equal(decision.reason, 'read it too late');
    assert.equal((await pendingList(d)).length, 0);
  });

  it('lets the user reopen a rejected change (CLI and API), and the chat asks again', async () => {
    const { d, client, change } = await changed('update');
    const answers = ['reject', 'approve'];
    client.setRequestHandler('elicitation/create', async () => ({ action: 'accept', content: { decision: answers.shift() ?? 'reject' } }));
    await assert.rejects(client.callTool({ name: 'rug__fetch_weather', arguments: { city: 'Oslo' } }), /the user rejected the change/);
    await assert.rejects(client.callTool({ name: 'rug__fetch_weather', arguments: { city: 'Oslo' } }), /was rejected by agent-prompt:victim.*reopen change/);
    const reopened = await run(process.execPath, [CLI, 'reopen', change.id, '--reason', 'clicked the wrong button', '--data-dir', d.dataDir]);
    assert.match(reopened.stdout, /reopened rug__fetch_weather .* pending again/);
    assert.equal((await pendingList(d))[0]?.id, change.id);
    assert.match(textOf(await client.callTool({ name: 'rug__fetch_weather', arguments: { city: 'Oslo' } })), /after the change/);
    assert.deepEqual(
      (await decisions(d)).filter((x) => x.id === change.id).map((x) => [x.decision, x.via]),
      [
        ['rejected', 'chat'],
        ['reopened', 'cli'],
        ['approved', 'chat'],
      ],
    );
    // Through the API: only a rejected change can be reopened.
    const again = await d.control<{ error: string }>(`/decisions/${change.id}/reopen`, { method: 'POST', body: '{"via":"app"}' });
    assert.equal(again.status, 409);
    assert.match(again.body.error, /is not rejected/);
    assert.equal(answers.length, 0, 'asked exactly twice');
  });

  it('reopens through the API too', async () => {
    const { d, change } = await changed('update');
    assert.equal((await d.control(`/pending/${change.id}/reject`, { method: 'POST', body: '{"via":"app"}' })).status, 200);
    const r = await d.control<{ pending: PendingChange | null }>(`/decisions/${change.id}/reopen`, {
      method: 'POST',
      body: '{"via":"app","reason":"mistake"}',
    });
    assert.equal(r.status, 200);
    assert.equal(r.body.pending?.id, change.id);
    assert.deepEqual(
      (await decisions(d)).map((x) => [x.decision, x.via]),
      [
        ['rejected', 'app'],
        ['reopened', 'app'],
      ],
    );
  });

  it('the CLI refuses to approve a high-risk change without a terminal, pointing to the app', async () => {
    const { d, change } = await changed('hidden-high');
    const err = await run(process.execPath, [CLI, 'approve', change.id, '--data-dir', d.dataDir]).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    assert.ok(err, 'approve must fail');
    assert.equal(err.code, 2);
    assert.match(err.stderr, /high risk: approving it needs a person at a terminal.*Open the Gatehouse app/);
    assert.equal((await pendingList(d)).length, 1);
    // Rejecting needs no terminal: it only takes a tool away.
    assert.match((await run(process.execPath, [CLI, 'reject', change.id, '--data-dir', d.dataDir])).stdout, /rejected rug__fetch_weather/);
  });

  it("tells a personal bundle's user that a critical change can be rejected here, and which setting allows approving it", async () => {
    const { client, change } = await changed('smuggle');
    assert.equal(change.risk, 'critical');
    const err = await refusal(client.callTool({ name: 'rug__fetch_weather', arguments: { city: 'Oslo' } }));
    assert.doesNotMatch(err.message, /organisation's admin/);
    assert.match(err.message, /you can reject it there, or set settings\.pinning\.localApproval\.critical to true in your bundle/);
  });
});
