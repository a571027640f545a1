import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TaskIds } from './task-ids.ts';

describe('task ids', () => {
  const ids = new TaskIds();
  const made = ids.shown('alpha', 'srv', 'tools/call', { resultType: 'task', taskId: '7', status: 'working' }) as { taskId: string };

  it('routes an agent back to its own task on the server that made it, and to nothing else', () => {
    assert.notEqual(made.taskId, '7');
    assert.deepEqual(ids.route('alpha', made.taskId), { upstreamId: 'srv', taskId: '7' });
    assert.equal(typeof ids.route('beta', made.taskId), 'string', "another agent's id");
    assert.equal(typeof ids.route('alpha', `${made.taskId}x`), 'string', 'a changed id');
    assert.equal(typeof ids.route('alpha', '7'), 'string', "the server's raw id");
    assert.equal(typeof ids.route('alpha', { taskId: made.taskId }), 'string', 'not a string');
    assert.equal(typeof ids.route('alpha', '__proto__'), 'string');
  });

  it('gives the same task the same id every time (agents compare them across polls)', () => {
    const again = ids.shown('alpha', 'srv', 'tasks/get', { taskId: '7', status: 'completed' }) as { taskId: string };
    assert.equal(again.taskId, made.taskId);
  });

  it("leaves results that carry no task alone, and refuses a server's id that cannot be carried", () => {
    const plain = { content: [], taskId: 'not a task' };
    assert.equal(ids.shown('alpha', 'srv', 'tools/call', plain), plain);
    assert.equal(typeof ids.shown('alpha', 'srv', 'tasks/get', { taskId: 'x'.repeat(2000) }), 'string');
    assert.equal(typeof ids.shown('alpha', 'srv', 'tools/call', { resultType: 'task', taskId: 42 }), 'string');
  });

  it('hands out only ids it takes back, whatever characters the server used (red team)', () => {
    for (const theirs of ['€'.repeat(1024), '\u0001'.repeat(1024), '"'.repeat(1024)]) {
      const shown = ids.shown('alpha', 'srv', 'tools/call', { resultType: 'task', taskId: theirs }) as { taskId: string };
      assert.deepEqual(ids.route('alpha', shown.taskId), { upstreamId: 'srv', taskId: theirs });
    }
  });

  it('takes back one spelling of an id only: stray characters in its seal are not skipped (red team)', () => {
    const [body, mac] = made.taskId.split('.') as [string, string];
    for (const forged of [`${made.taskId}=`, `${made.taskId} `, `${made.taskId}\n`, `${body}.${mac.slice(0, 20)}!${mac.slice(20)}`, `${body}.${mac}.x`])
      assert.equal(typeof ids.route('alpha', forged), 'string', JSON.stringify(forged.slice(-8)));
  });
});
