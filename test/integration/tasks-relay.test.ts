// The tasks extension (io.modelcontextprotocol/tasks) through Gatehouse, from two 2026
// servers that both make tasks and number them alike: agents of both eras are told of
// the extension, a task-making call hands back Gatehouse's id for the task, and
// tasks/get and tasks/cancel reach the server that made it. Another agent's id, a
// changed id or a server's raw id reaches nothing; an agent that did not declare the
// extension gets -32021; a task that would ask for the agent's roots is not passed on
// to a server the bundle keeps them from.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ALLOW_ALL, FIXTURES, serversReady, startDaemon, waitFor, writeBundle, type TestDaemon } from '../helpers/daemon.ts';
import { legacySession, modernRequest, type Answer } from '../helpers/modern.ts';

const TASKS = 'io.modelcontextprotocol/tasks';
const WITH_TASKS = { extensions: { [TASKS]: {} } };

type Body = Answer['body'];

function tasksServer(id: string): Record<string, unknown> {
  return { id, transport: { type: 'stdio', command: process.execPath, args: [join(FIXTURES, 'servers', 'tasks-server.ts'), id] } };
}

const modern = (d: TestDaemon, token: string, method: string, params: Record<string, unknown>, caps: Record<string, unknown> = WITH_TASKS) =>
  modernRequest(d.url, token, method, params, caps);

const legacy = (d: TestDaemon, token: string, capabilities: Record<string, unknown>) => legacySession(d.url, token, capabilities);

async function untilDone(get: () => Promise<Body>): Promise<Body> {
  let last: Body = {};
  await waitFor(async () => {
    last = await get();
    return last.result?.status !== 'working';
  }, 10_000);
  return last;
}

describe('the tasks extension through Gatehouse', () => {
  let d: TestDaemon;
  let alpha: string;
  let beta: string;
  let bundlePath: string;

  before(async () => {
    bundlePath = writeBundle({ schemaVersion: 1, name: 'tasks', version: 1, servers: [tasksServer('a'), tasksServer('b')], settings: {} });
    d = await startDaemon({ bundle: bundlePath });
    await serversReady(d);
    alpha = await d.agentToken('alpha');
    beta = await d.agentToken('beta');
  });
  after(() => d.stop());

  it('tells agents of both eras of the extensions its servers advertise, merged per extension', async () => {
    const discovered = await modern(d, alpha, 'server/discover', {});
    const extensions = (discovered.body.result?.capabilities as { extensions?: Record<string, unknown> }).extensions;
    assert.deepEqual(extensions, { [TASKS]: {}, 'com.example/badge': { colour: 'a' } });
    const old = await legacy(d, alpha, WITH_TASKS);
    assert.deepEqual((old.init.result?.capabilities as { extensions?: unknown }).extensions, extensions);
  });

  it("gives a 2026 agent Gatehouse's id for each server's task, and routes tasks/get by it", async () => {
    const fromA = await modern(d, alpha, 'tools/call', { name: 'a__slow_compute', arguments: { seconds: 0 } });
    const fromB = await modern(d, alpha, 'tools/call', { name: 'b__slow_compute', arguments: { seconds: 0 } });
    for (const made of [fromA, fromB]) {
      assert.equal(made.body.result?.resultType, 'task');
      assert.equal(made.body.result?.status, 'working');
      assert.ok(made.body.result?.taskId && !/^\d+$/.test(made.body.result.taskId), 'the server’s own id is not what the agent sees');
    }
    assert.notEqual(fromA.body.result!.taskId, fromB.body.result!.taskId);
    for (const [made, tag] of [
      [fromA, 'a'],
      [fromB, 'b'],
    ] as const) {
      const done = await untilDone(async () => (await modern(d, alpha, 'tasks/get', { taskId: made.body.result!.taskId })).body);
      assert.equal(done.result?.status, 'completed');
      assert.equal(done.result?.taskId, made.body.result!.taskId);
      assert.equal((done.result?.result as { content: { text: string }[] }).content[0]!.text, `${tag}: computed after 0s`);
    }
  });

  it("refuses another agent's task id, a changed one and a server's raw one alike", async () => {
    const made = await modern(d, alpha, 'tools/call', { name: 'a__slow_compute', arguments: { seconds: 0 } });
    const id = made.body.result!.taskId!;
    // The character replaced decides its replacement, so the id always changes.
    const changed = `${id.slice(0, -2)}${id.at(-2) === 'A' ? 'B' : 'A'}${id.slice(-1)}`;
    for (const [token, taskId] of [
      [beta, id],
      [alpha, changed],
      [alpha, '1'],
    ] as const) {
      const got = await modern(d, token, 'tasks/get', { taskId });
      assert.equal(got.body.error?.code, -32602, `tasks/get ${taskId.slice(0, 20)}… must be refused`);
      assert.doesNotMatch(got.body.error!.message, /computed/);
    }
  });

  it('answers -32021 to an agent that did not declare the extension, and runs its call inline', async () => {
    const made = await modern(d, alpha, 'tools/call', { name: 'a__slow_compute', arguments: { seconds: 0 } });
    const got = await modern(d, alpha, 'tasks/get', { taskId: made.body.result!.taskId }, {});
    assert.equal(got.status, 400);
    assert.equal(got.body.error?.code, -32021);
    const inline = await modern(d, alpha, 'tools/call', { name: 'b__slow_compute', arguments: { seconds: 0 } }, {});
    assert.equal(inline.body.result?.resultType, 'complete');
    assert.equal(inline.body.result?.content?.[0]?.text, 'b: computed inline');
  });

  it('cancels a task on the server that made it', async () => {
    const made = await modern(d, alpha, 'tools/call', { name: 'b__slow_compute', arguments: { seconds: 60 } });
    const ack = await modern(d, alpha, 'tasks/cancel', { taskId: made.body.result!.taskId });
    assert.deepEqual(ack.body.result, { resultType: 'complete' });
    const after = await modern(d, alpha, 'tasks/get', { taskId: made.body.result!.taskId });
    assert.equal(after.body.result?.status, 'cancelled');
  });

  it('does not pass on a task that asks for the agent’s roots from a server the bundle keeps them from', async () => {
    const made = await modern(d, alpha, 'tools/call', { name: 'a__roots_job', arguments: {} }, { roots: {}, ...WITH_TASKS });
    const got = await modern(d, alpha, 'tasks/get', { taskId: made.body.result!.taskId }, { roots: {}, ...WITH_TASKS });
    assert.match(got.body.error?.message ?? '', /forwardRoots/);
  });

  it('relays tasks to a 2025-era agent that declared the extension', async () => {
    const old = await legacy(d, alpha, WITH_TASKS);
    const made = await old.request('tools/call', { name: 'b__slow_compute', arguments: { seconds: 0 } });
    assert.equal(made.result?.resultType, 'task');
    const done = await untilDone(() => old.request('tasks/get', { taskId: made.result!.taskId }));
    assert.equal((done.result?.result as { content: { text: string }[] }).content[0]!.text, 'b: computed after 0s');
    const plain = await legacy(d, alpha, {});
    // A request may opt in on its own, in its _meta (SEP-2575): for that request only.
    const optIn = { _meta: { 'io.modelcontextprotocol/clientCapabilities': WITH_TASKS } };
    const opted = await plain.request('tools/call', { name: 'b__slow_compute', arguments: { seconds: 0 }, ...optIn });
    assert.equal(opted.result?.resultType, 'task');
    assert.equal((await plain.request('tasks/get', { taskId: opted.result!.taskId })).error?.code, -32021);
    const got = await untilDone(() => plain.request('tasks/get', { taskId: opted.result!.taskId, ...optIn }));
    assert.equal(got.result?.status, 'completed');
    const inline = await plain.request('tools/call', { name: 'a__slow_compute', arguments: { seconds: 0 } });
    assert.equal(inline.result?.content?.[0]?.text, 'a: computed inline');
  });
  it('stops serving a task once a new policy takes its server away from the agent', async () => {
    const gamma = await d.agentToken('gamma');
    const made = await modern(d, gamma, 'tools/call', { name: 'a__slow_compute', arguments: { seconds: 60 } });
    const id = made.body.result!.taskId!;
    assert.equal((await modern(d, gamma, 'tasks/get', { taskId: id })).body.result?.status, 'working');
    writeFileSync(
      bundlePath,
      JSON.stringify({
        ...JSON.parse(readFileSync(bundlePath, 'utf8')),
        version: 2,
        policies: { rules: [{ id: 'no-a-for-gamma', effect: 'deny', subjects: { agents: ['gamma'] }, servers: ['a'] }, ...ALLOW_ALL.rules] },
      }),
    );
    assert.equal((await d.control<{ ok: boolean }>('/bundle/reload', { method: 'POST' })).body.ok, true);
    const refused = await modern(d, gamma, 'tasks/get', { taskId: id });
    assert.match(refused.body.error?.message ?? '', /denied by policy rule .*agent gamma.* server "a"/);
    assert.doesNotMatch(JSON.stringify(refused.body), /computed/);
  });
});
