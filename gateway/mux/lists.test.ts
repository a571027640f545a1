import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode, type JsonRpcResponse } from '../../shared/jsonrpc/message.ts';
import { harness, testBundle, tick } from '../../test/helpers/mux-harness.ts';

const ok = () => ({ content: [] });
const names = (r: JsonRpcResponse) => (('result' in r ? (r.result.tools ?? []) : []) as { name: string }[]).map((t) => t.name);

describe('lists', () => {
  it('pages through the cached list with cursors, and refuses a forged cursor', async () => {
    const h = await harness(testBundle(['a'], { settings: { pageSize: 2, pinning: { trustOnFirstUse: true } } }), { a: { one: ok, two: ok, three: ok } });
    const agent = await h.agent();
    const first = await agent.request('tools/list');
    assert.ok('result' in first);
    assert.equal(names(first).length, 2);
    const second = await agent.request('tools/list', { cursor: first.result.nextCursor });
    assert.ok('result' in second);
    assert.deepEqual([...names(first), ...names(second)].sort(), ['a__one', 'a__three', 'a__two']);
    assert.equal(second.result.nextCursor, undefined);
    const forged = await agent.request('tools/list', { cursor: 'not-a-cursor' });
    assert.ok('error' in forged);
    assert.equal(forged.error.code, ErrorCode.InvalidParams);
    await h.stop();
  });

  it('shows each agent only what the policy could let it call', async () => {
    const bundle = testBundle(['a', 'b'], {
      policies: {
        rules: [
          { id: 'cursor-a', effect: 'allow', subjects: { agents: ['cursor'] }, servers: ['a'] },
          { id: 'all-claude', effect: 'allow', subjects: { agents: ['claude'] } },
        ],
      },
    });
    const h = await harness(bundle, { a: { x: ok }, b: { y: ok } });
    const cursor = await h.agent('cursor');
    const claude = await h.agent('claude');
    assert.deepEqual(names(await cursor.request('tools/list')), ['a__x']);
    assert.deepEqual(names(await claude.request('tools/list')).sort(), ['a__x', 'b__y']);
    await h.stop();
  });

  it('tells only agents that listed, and would see a change, that the list changed', async () => {
    const h = await harness(testBundle(['a']), { a: { x: ok } });
    const listed = await h.agent('listed');
    const silent = await h.agent('silent');
    await listed.request('tools/list');
    const changed = (sent: typeof listed.sent) => sent.filter((m) => 'method' in m && m.method === 'notifications/tools/list_changed').length;
    await h.gateway.restartServer('a');
    await h.gateway.whenSettled();
    await tick(50);
    assert.equal(changed(listed.sent), 0, 'a restart that changed nothing is not announced');
    h.gateway.setIdentity({ user: 'someone-else', groups: [] });
    const bundle = testBundle(['a'], { policies: { rules: [{ id: 'only-silent', effect: 'allow', subjects: { agents: ['silent'] } }] } });
    await h.gateway.applyBundle(bundle);
    await h.gateway.whenSettled();
    await tick(50);
    assert.equal(changed(listed.sent), 1, 'the agent that listed now sees nothing, and hears so once');
    assert.equal(changed(silent.sent), 0, 'an agent that never listed hears nothing');
    await h.stop();
  });
});
