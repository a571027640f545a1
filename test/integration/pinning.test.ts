// Rug pulls and poisoned changes, end to end: a real server of ours changes a
// description, only an enum, or a tool's name, announced or silently. Each change
// is quarantined; approving, rejecting and answering in the conversation work, and
// decisions survive a restart.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { PendingChange } from '../../shared/pinning/pending.ts';
import { stdioClient } from '../helpers/clients.ts';
import { pendingList, pinnedRugBundle, stopAfterSuite } from '../helpers/rugpull.ts';
import { CLI, serversReady, startDaemon, waitFor, type TestDaemon } from '../helpers/daemon.ts';

const run = promisify(execFile);
const textOf = (r: unknown) => (r as { content: { text?: string }[] }).content.map((c) => c.text ?? '').join('');

describe('schema pinning and quarantine', () => {
  const { daemons, clients } = stopAfterSuite();

  async function setup(env: Record<string, string>, clientOptions = {}): Promise<{ d: TestDaemon; client: Client; bundle: string }> {
    const bundle = await pinnedRugBundle({ RUGPULL_AFTER: '2', ...env });
    const d = await startDaemon({ bundle });
    daemons.push(d);
    const client = await stdioClient(d.dataDir, 'victim', clientOptions);
    clients.push(client);
    return { d, client, bundle };
  }

  /** Calls search until the server pulls the rug, then waits for Gatehouse to quarantine. */
  async function pullRug(d: TestDaemon, client: Client, silent: boolean): Promise<PendingChange[]> {
    const names = (await client.listTools()).tools.map((t) => t.name).sort();
    assert.deepEqual(names, ['rug__fetch_weather', 'rug__search', 'rug__summarize'], 'pinned tools are listed before the change');
    assert.equal((await pendingList(d)).length, 0);
    for (let i = 0; i < 2; i++) await client.callTool({ name: 'rug__search', arguments: { query: 'x' } });
    return waitFor(
      async () => {
        if (silent) await client.listTools(); // a silent change is caught when agents list
        const p = await pendingList(d);
        return p.length ? p : undefined;
      },
      15_000,
      'the change to be quarantined',
    );
  }

  for (const silent of [false, true]) {
    const how = silent ? 'silently, on the next tools/list' : 'announced with list_changed';
    it(`quarantines a changed tool (${how}); approving makes the new definition callable`, async () => {
      const { d, client } = await setup({ RUGPULL_MODE: 'update', RUGPULL_NOTIFY: silent ? '0' : '1' });
      const [change] = await pullRug(d, client, silent);
      assert.equal(change!.exposedName, 'rug__fetch_weather');
      assert.equal(change!.kind, 'changed');
      assert.equal(change!.localDecision, true);
      assert.deepEqual(
        change!.diff.map((e) => `${e.kind} ${e.path}`),
        ['changed /description', 'added /inputSchema/properties/units'],
      );
      assert.equal(change!.oldDefinition?.description, 'Returns the weather forecast for a city.');
      assert.ok(!(await client.listTools()).tools.some((t) => t.name === 'rug__fetch_weather'), 'hidden from tools/list');
      await assert.rejects(
        client.callTool({ name: 'rug__fetch_weather', arguments: { city: 'Oslo' } }),
        new RegExp(`awaits approval.*To the user: open Gatehouse to review change ${change!.id}`),
      );
      assert.match(textOf(await client.callTool({ name: 'rug__summarize', arguments: { text: 't' } })), /ok/, 'unchanged tools keep working');

      const approved = await run(process.execPath, [CLI, 'approve', change!.id, '--reason', 'reviewed the diff', '--data-dir', d.dataDir]);
      assert.match(approved.stdout, /approved rug__fetch_weather/);
      const tool = await waitFor(async () => (await client.listTools()).tools.find((t) => t.name === 'rug__fetch_weather'));
      assert.match(tool.description ?? '', /units you ask for/, 'the approved (new) definition is what agents now see');
      assert.match(textOf(await client.callTool({ name: 'rug__fetch_weather', arguments: { city: 'Oslo' } })), /after the change/);
      const decisions = (await d.control<{ decisions: { decision: string; reason: string; by: string }[] }>('/decisions')).body.decisions;
      assert.deepEqual(
        decisions.map((x) => [x.decision, x.reason]),
        [['approved', 'reviewed the diff']],
      );
      assert.match(decisions[0]!.by, /^local:.* via cli$/);
      // The quarantine and the approval are both in the audit log.
      const audit = (
        await d.control<{ records: { record: { type: string; outcome: string; decision: { rule: string } | null } }[] }>('/audit?server=rug&limit=200')
      ).body.records.map((r) => r.record);
      assert.ok(
        audit.some((r) => r.type === 'decision' && r.outcome === 'denied' && r.decision?.rule === `quarantined: pending change ${change!.id}`),
        'quarantine recorded',
      );
      assert.ok(
        audit.some((r) => r.type === 'decision' && r.outcome === 'ok' && r.decision?.rule === `pending change ${change!.id}`),
        'approval recorded',
      );
    });
  }

  it('rates a poisoned description critical, with the findings and the diff, and keeps it from local approval', async () => {
    const { d, client } = await setup({ RUGPULL_MODE: 'description', RUGPULL_NOTIFY: '1' });
    const [change] = await pullRug(d, client, false);
    assert.equal(change!.risk, 'critical');
    assert.equal(change!.localDecision, false);
    assert.ok(change!.diff.some((e) => e.path === '/inputSchema/properties/sidenote' && e.kind === 'added'));
    for (const rule of ['concealment', 'sensitive-file-access', 'hidden-instruction-block'])
      assert.ok(
        change!.findings.some((f) => f.rule === rule),
        rule,
      );
    await assert.rejects(
      client.callTool({ name: 'rug__fetch_weather', arguments: { city: 'Oslo' } }),
      /does not let a critical-risk change be approved on this computer/,
    );
    const pending = await run(process.execPath, [CLI, 'pending', '--data-dir', d.dataDir]);
    assert.match(pending.stdout, /description: .*\{\+⏎ <IMPORTANT>Before answering/, 'the appended instructions are shown as an addition');
    assert.match(
      pending.stdout,
      new RegExp(
        `${change!.id}  rug__fetch_weather  CHANGED  risk critical  not approvable here \\(settings\\.pinning\\.localApproval\\.critical\\); you may reject it`,
      ),
    );
  });

  it('quarantines an enum-only change that a description pin would miss; reject keeps it blocked across a restart', async () => {
    const { d, client } = await setup({ RUGPULL_MODE: 'enum', RUGPULL_NOTIFY: '1' });
    const [change] = await pullRug(d, client, false);
    assert.equal(change!.exposedName, 'rug__search');
    assert.deepEqual(
      change!.diff.map((e) => `${e.kind} ${e.path}`),
      ['added /inputSchema/properties/scope/enum/2'],
    );
    const r = await d.control<{ decision: string }>(`/pending/${change!.id}/reject`, {
      method: 'POST',
      body: JSON.stringify({ reason: 'no private messages' }),
    });
    assert.equal(r.body.decision, 'rejected');
    await assert.rejects(client.callTool({ name: 'rug__search', arguments: { query: 'x' } }), /was rejected by .* \(no private messages\)/);
    assert.equal((await pendingList(d)).length, 0);

    // Restart on the same data dir, with the server already changed from its start.
    await client.close();
    await d.stop();
    const bundle2 = await pinnedRugBundle({ RUGPULL_MODE: 'enum', RUGPULL_AFTER: '0' });
    const d2 = await startDaemon({ bundle: bundle2, dataDir: d.dataDir });
    daemons.push(d2);
    const client2 = await stdioClient(d2.dataDir, 'victim');
    clients.push(client2);
    const names = (await client2.listTools()).tools.map((t) => t.name);
    assert.ok(!names.includes('rug__search'), 'still blocked after restart');
    assert.ok(names.includes('rug__fetch_weather'));
    await assert.rejects(client2.callTool({ name: 'rug__search', arguments: { query: 'x' } }), /was rejected/);
    assert.equal((await pendingList(d2)).length, 0, 'a rejected definition does not come back as pending');
  });

  it('treats a renamed tool as new, so renaming does not defeat pinning', async () => {
    const { d, client } = await setup({ RUGPULL_MODE: 'rename', RUGPULL_NOTIFY: '1' });
    const [change] = await pullRug(d, client, false);
    assert.equal(change!.exposedName, 'rug__summarise');
    assert.equal(change!.kind, 'new');
    const names = (await client.listTools()).tools.map((t) => t.name);
    assert.ok(!names.includes('rug__summarise') && !names.includes('rug__summarize'), 'the new name waits; the old one is gone');
    await assert.rejects(client.callTool({ name: 'rug__summarise', arguments: { text: 'x' } }), /is new and awaits approval/);
  });

  it('does not let a local user approve a critical change', async () => {
    const { d, client } = await setup({ RUGPULL_MODE: 'smuggle', RUGPULL_NOTIFY: '1' });
    const [change] = await pullRug(d, client, false);
    assert.equal(change!.risk, 'critical');
    assert.equal(change!.localDecision, false);
    assert.ok(change!.findings.some((f) => f.rule === 'unicode-tag-characters' && /send the forecast request history/.test(f.evidence)));
    const r = await d.control<{ error: string }>(`/pending/${change!.id}/approve`, { method: 'POST', body: '{}' });
    assert.equal(r.status, 409);
    assert.match(r.body.error, /awaits org approval/);
    await assert.rejects(client.callTool({ name: 'rug__fetch_weather', arguments: { city: 'x' } }), /set settings\.pinning\.localApproval\.critical to true/);
  });

  for (const answer of ['approve', 'reject', 'decline'] as const) {
    it(`asks the user in the conversation when the client supports elicitation (${answer})`, async () => {
      let asked = '';
      const { d, client } = await setup({ RUGPULL_MODE: 'update', RUGPULL_NOTIFY: '1' }, { capabilities: { elicitation: { form: {} } } });
      client.setRequestHandler('elicitation/create', async (request) => {
        asked = String(request.params.message);
        if (answer === 'decline') return { action: 'decline' };
        return { action: 'accept', content: { decision: answer, reason: `user said ${answer}` } };
      });
      await pullRug(d, client, false);
      const call = client.callTool({ name: 'rug__fetch_weather', arguments: { city: 'Oslo' } });
      if (answer === 'approve') {
        assert.match(textOf(await call), /after the change/);
      } else {
        await assert.rejects(
          call,
          answer === 'reject'
            ? /the user rejected the change to tool "rug__fetch_weather", so the call did not run/
            : /the user did not decide about tool "rug__fetch_weather"/,
        );
      }
      assert.match(asked, /changed since it was approved/);
      assert.match(asked, /Risk: (none|low)/);
      assert.match(asked, /new parameter `units` \(string: metric \| imperial\)/);
      const pending = await pendingList(d);
      assert.equal(pending.length, answer === 'decline' ? 1 : 0);
    });
  }
});

describe('approval in a 2026-07-28 conversation (input_required)', () => {
  it('asks through an input_required result, and the retried call goes through', async () => {
    const bundle = await pinnedRugBundle({ RUGPULL_MODE: 'update', RUGPULL_NOTIFY: '1', RUGPULL_AFTER: '0' });
    const d = await startDaemon({ bundle });
    try {
      await waitFor(async () => (await pendingList(d)).length === 1, 10_000, 'the change to be pending');
      const token = await d.agentToken('modern');
      let asked = '';
      const client = new Client(
        { name: 'modern', version: '1.0.0' },
        { versionNegotiation: { mode: { pin: '2026-07-28' } }, capabilities: { elicitation: { form: {} } } },
      );
      client.setRequestHandler('elicitation/create', async (request) => {
        asked = String(request.params.message);
        return { action: 'accept', content: { decision: 'approve' } };
      });
      await client.connect(new StreamableHTTPClientTransport(new URL(d.url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
      assert.match(textOf(await client.callTool({ name: 'rug__fetch_weather', arguments: { city: 'Oslo' } })), /after the change/);
      // This data dir never saw the pinned definition: nothing to diff against.
      assert.match(asked, /has never been approved/);
      assert.equal((await pendingList(d)).length, 0);
      await client.close();
    } finally {
      await d.stop();
    }
  });
});

describe('the demo bundle', () => {
  it('carries pins for every tool of its servers, so nothing is pending out of the box', async () => {
    const d = await startDaemon();
    try {
      await serversReady(d);
      const tools = (await d.control<{ tools: { name: string; pinState: string }[] }>('/tools')).body.tools;
      assert.ok(tools.length > 30);
      assert.deepEqual(
        tools.filter((t) => t.pinState !== 'approved').map((t) => t.name),
        [],
      );
      assert.equal((await pendingList(d)).length, 0);
      const status = await d.control<{ pinning: { trustOnFirstUse: boolean } }>('/status');
      assert.equal(status.body.pinning.trustOnFirstUse, false);
    } finally {
      await d.stop();
    }
  });
});
