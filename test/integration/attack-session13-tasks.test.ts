// Red team of the tasks relay (issue 13): a hostile 2026 server that makes tasks with
// ids Gatehouse cannot carry (1 MB, a number, prototype keys beside them) and answers
// polls with another task's id, and agents that poll with forged, truncated, oversized
// or non-string ids, or with another agent's id behind a 2025 per-request opt-in. The
// server notes every task method it receives: a refused id must never reach it.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readJsonLines } from '../helpers/json-lines.ts';
import { after, before, describe, it } from 'node:test';
import { serversReady, startDaemon, tempDir, writeBundle, type TestDaemon } from '../helpers/daemon.ts';
import { legacySession, modernRequest } from '../helpers/modern.ts';

const TASKS = 'io.modelcontextprotocol/tasks';
const WITH_TASKS = { extensions: { [TASKS]: {} } };

// Raw lines, so that a result can carry a "__proto__" key as JSON text does.
const SERVER = String.raw`
import { appendFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
const LOG = process.argv[2];
const send = (line) => process.stdout.write(line + '\n');
const task = (id) => ({ resultType: 'task', taskId: id, status: 'working', createdAt: 'x', lastUpdatedAt: 'x', ttlMs: 60000, pollIntervalMs: 100 });
createInterface({ input: process.stdin }).on('line', (line) => {
  const m = JSON.parse(line);
  if (m.id === undefined || typeof m.method !== 'string') return;
  const ok = (result) => send(JSON.stringify({ jsonrpc: '2.0', id: m.id, result }));
  const p = m.params ?? {};
  if (m.method.startsWith('tasks/')) appendFileSync(LOG, JSON.stringify([m.method, String(p.taskId).slice(0, 64)]) + '\n');
  switch (m.method) {
    case 'server/discover':
      return ok({ resultType: 'complete', supportedVersions: ['2026-07-28'], capabilities: { tools: {}, extensions: { '${TASKS}': {} } }, serverInfo: { name: 'hostile-tasks', version: '1' } });
    case 'tools/list':
      return ok({ resultType: 'complete', tools: ['huge_id', 'number_id', 'proto_task', 'plain_task'].map((name) => ({ name, inputSchema: { type: 'object' } })) });
    case 'tools/call': {
      const name = p.name;
      if (name === 'huge_id') return ok(task('T'.repeat(1_000_000)));
      if (name === 'number_id') return ok({ ...task('x'), taskId: 42 });
      if (name === 'proto_task')
        return send('{"jsonrpc":"2.0","id":' + JSON.stringify(m.id) + ',"result":{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"resultType":"task","taskId":"7","status":"working"}}');
      return ok(task('plain-1'));
    }
    case 'tasks/get':
      // Answers every poll with another task's raw id: the agent must not be handed it raw.
      return ok({ resultType: 'complete', taskId: 'someone-elses-task', status: 'completed', result: { content: [{ type: 'text', text: 'done ' + p.taskId }] } });
    default:
      return send(JSON.stringify({ jsonrpc: '2.0', id: m.id, error: { code: -32601, message: 'no' } }));
  }
});
`;

describe('attack: the tasks relay', () => {
  let d: TestDaemon;
  let alpha: string;
  let beta: string;
  let log: string;
  const received = (): string[][] => readJsonLines<string[]>(log);
  const modern = (token: string, method: string, params: Record<string, unknown>) => modernRequest(d.url, token, method, params, WITH_TASKS);

  before(async () => {
    const dir = tempDir('gh-red13-');
    const script = join(dir, 'hostile-tasks.mjs');
    log = join(dir, 'tasks.log');
    writeFileSync(script, SERVER);
    const server = { id: 'h', transport: { type: 'stdio', command: process.execPath, args: [script, log] } };
    d = await startDaemon({ bundle: writeBundle({ schemaVersion: 1, name: 'red-tasks', version: 1, servers: [server], settings: {} }) });
    await serversReady(d);
    alpha = await d.agentToken('alpha');
    beta = await d.agentToken('beta');
  });
  after(() => d?.stop());

  it('refuses a 1 MB or non-string task id from the server instead of handing it on, and stays up', async () => {
    for (const name of ['h__huge_id', 'h__number_id']) {
      const made = await modern(alpha, 'tools/call', { name, arguments: {} });
      assert.equal(made.body.error?.code, -32603, name);
      assert.match(made.body.error!.message, /task id that is not a string of at most 1024 characters/);
      assert.ok(made.body.error!.message.length < 300, 'the refused id is not echoed');
      assert.equal(made.body.result, undefined);
    }
    const plain = await modern(alpha, 'tools/call', { name: 'h__plain_task', arguments: {} });
    assert.equal(plain.body.result?.resultType, 'task');
  });

  it('seals a task id carried beside prototype keys, which stay data', async () => {
    const made = await modern(alpha, 'tools/call', { name: 'h__proto_task', arguments: {} });
    const id = made.body.result?.taskId;
    assert.ok(typeof id === 'string' && id !== '7', 'the server’s id is sealed');
    // Copied as own keys, not assigned (an assignment would have set the copy's prototype and dropped the key).
    assert.ok(Object.hasOwn(made.body.result!, '__proto__'));
    assert.equal(made.body.result!.polluted, undefined);
    const polled = await modern(alpha, 'tasks/get', { taskId: id });
    assert.equal(polled.body.result?.status, 'completed');
    assert.ok(received().some(([m, t]) => m === 'tasks/get' && t === '7'));
  });

  it("does not hand an agent a server's raw id for another task in a poll's answer", async () => {
    const made = await modern(alpha, 'tools/call', { name: 'h__plain_task', arguments: {} });
    const polled = await modern(alpha, 'tasks/get', { taskId: made.body.result!.taskId });
    assert.notEqual(polled.body.result?.taskId, 'someone-elses-task');
    assert.ok(
      received().some(([m, t]) => m === 'tasks/get' && t === 'plain-1'),
      'the poll reached the server under its own id',
    );
    // The re-sealed id names that server's other task, for this agent alone: beta cannot use it.
    const theirs = await modern(beta, 'tasks/get', { taskId: polled.body.result!.taskId });
    assert.equal(theirs.body.error?.code, -32602);
  });

  it('sends no forged, truncated, oversized or non-string id to the server', async () => {
    const made = await modern(alpha, 'tools/call', { name: 'h__plain_task', arguments: {} });
    const id = made.body.result!.taskId!;
    const [body, mac] = id.split('.') as [string, string];
    const before = received().length;
    const forged: unknown[] = [
      id.slice(0, -1),
      id.slice(0, id.length >> 1),
      `${id}A`,
      `${body}.`,
      `.${mac}`,
      `${Buffer.from(JSON.stringify({ a: 'alpha', u: 'h', t: 'plain-2' })).toString('base64url')}.${mac}`,
      `${id}${'A'.repeat(5000)}`,
      'x'.repeat(1_000_000 - 100),
      'plain-1',
      '__proto__',
      42,
      null,
      { taskId: id },
      [id],
      undefined,
    ];
    for (const taskId of forged) {
      for (const method of ['tasks/get', 'tasks/cancel', 'tasks/update']) {
        const got = await modern(alpha, method, taskId === undefined ? {} : { taskId });
        assert.equal(got.body.error?.code, -32602, `${method} #${forged.indexOf(taskId)}`);
      }
    }
    assert.equal(received().length, before, 'no refused id reached the server');
  });

  it("does not let a 2025 agent's per-request opt-in reach another agent's task", async () => {
    const made = await modern(alpha, 'tools/call', { name: 'h__plain_task', arguments: {} });
    const before = received().length;
    const thief = await legacySession(d.url, beta, {});
    const optIn = { _meta: { 'io.modelcontextprotocol/clientCapabilities': WITH_TASKS } };
    for (const method of ['tasks/get', 'tasks/cancel']) {
      const got = await thief.request(method, { taskId: made.body.result!.taskId, ...optIn });
      assert.equal(got.error?.code, -32602, method);
      assert.doesNotMatch(JSON.stringify(got), /done/);
    }
    // An opt-in under a prototype name or for an extension Gatehouse does not carry still needs the tasks one.
    for (const meta of [
      { ['__proto__']: WITH_TASKS },
      { 'io.modelcontextprotocol/clientCapabilities': { extensions: { 'io.modelcontextprotocol/skills': {} } } },
    ]) {
      const got = await thief.request('tasks/get', { taskId: made.body.result!.taskId, _meta: JSON.parse(JSON.stringify(meta)) as unknown });
      assert.equal(got.error?.code, -32021);
    }
    assert.equal(received().length, before);
  });
});
