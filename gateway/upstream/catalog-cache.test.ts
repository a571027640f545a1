import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import type { JsonRpcResponse } from '../../shared/jsonrpc/message.ts';
import { CatalogCache, MAX_LIST_CHARS, textSize, type CatalogKind } from './catalog-cache.ts';

/** A server whose answers the test releases one by one, in any order. */
function scriptedServer() {
  const asked: { method: string; answer: (r: JsonRpcResponse | undefined) => void }[] = [];
  const changed: CatalogKind[] = [];
  const failed: string[] = [];
  const cache = new CatalogCache({
    request: (method) => new Promise((answer) => asked.push({ method, answer })),
    capabilities: () => ({ tools: {} }),
    changed: (kind) => changed.push(kind),
    failed: (message) => failed.push(message),
  });
  const tools = (...names: string[]): JsonRpcResponse => ({ jsonrpc: '2.0', id: 1, result: { tools: names.map((name) => ({ name })) } });
  const names = () => cache.lists.tools.map((t) => t.name);
  const tick = () => new Promise((r) => setImmediate(r));
  return { cache, asked, changed, failed, tools, names, tick };
}

describe('the catalogue cache', () => {
  it('reads a list again when the server changes it during the first read, and is ready only with the last', async () => {
    const s = scriptedServer();
    let ready = false;
    const start = s.cache.fetchAll(60_000).then(() => (ready = true));
    await s.tick();
    // The server registers more tools once initialized and says so while its first answer is on the way.
    s.cache.refresh('tools');
    s.cache.refresh('tools');
    s.asked[0]!.answer(s.tools('echo'));
    await s.tick();
    assert.equal(ready, false, 'not ready with a list the server already replaced');
    assert.deepEqual(s.names(), [], 'a superseded list is never shown');
    assert.equal(s.asked.length, 2, 'a burst of list_changed costs one more read');
    s.asked[1]!.answer(s.tools('echo', 'sum'));
    await start;
    assert.deepEqual(s.names(), ['echo', 'sum']);
    assert.deepEqual(s.changed, [], 'the first read is the start, not a change to announce');
  });

  it('keeps the list agents see until a refresh has read the new one, and announces it once', async () => {
    const s = scriptedServer();
    const start = s.cache.fetchAll(60_000);
    s.asked[0]!.answer(s.tools('a'));
    await start;
    s.cache.refresh('tools');
    await s.tick();
    s.cache.refresh('tools');
    s.asked[1]!.answer(s.tools('a', 'b'));
    await s.tick();
    assert.deepEqual(s.names(), ['a'], 'the old list stays while the newer read runs');
    s.asked[2]!.answer(s.tools('a', 'b', 'c'));
    await s.tick();
    await s.tick();
    assert.deepEqual(s.names(), ['a', 'b', 'c']);
    assert.deepEqual(s.changed, ['tools']);
  });

  it('keeps the same objects when a recheck finds nothing new, and the list when the connection goes', async () => {
    const s = scriptedServer();
    const start = s.cache.fetchAll(60_000);
    s.asked[0]!.answer(s.tools('a'));
    await start;
    const before = s.cache.lists.tools[0];
    s.cache.recheck('tools', 0);
    s.asked[1]!.answer(s.tools('a'));
    await s.tick();
    assert.equal(s.cache.lists.tools[0], before, 'the pin gate approved this object');
    // The same names with one definition changed is a change, however deep in the list.
    s.cache.recheck('tools', 0);
    s.asked[2]!.answer({ jsonrpc: '2.0', id: 1, result: { tools: [{ name: 'a', description: 'now different' }] } });
    await s.tick();
    assert.equal(s.cache.lists.tools[0]!.description, 'now different');
    assert.deepEqual(s.changed, ['tools']);
    s.changed.length = 0;
    s.cache.refresh('tools');
    s.asked[3]!.answer(undefined);
    await s.tick();
    assert.deepEqual(s.names(), ['a']);
    assert.deepEqual(s.changed, [], 'a lost connection changes nothing');
  });

  it('fails the start on an error answer, and reports a refresh that fails without throwing', async () => {
    const s = scriptedServer();
    const start = s.cache.fetchAll(60_000);
    s.asked[0]!.answer({ jsonrpc: '2.0', id: 1, error: { code: -32603, message: 'boom' } });
    await assert.rejects(start, /tools\/list failed: boom/);
    s.cache.refresh('tools');
    s.asked[1]!.answer({ jsonrpc: '2.0', id: 2, error: { code: -32603, message: 'again' } });
    await s.tick();
    assert.match(s.failed.join(), /refreshing tools: tools\/list failed: again/);
  });

  it('takes the last whole list after three superseded reads of a server that never stops changing, and reads again a second later (red team)', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const s = scriptedServer();
      const start = s.cache.fetchAll(60_000);
      for (let read = 0; read < 3; read++) {
        await s.tick();
        s.cache.refresh('tools');
        s.asked[read]!.answer(s.tools(`v${read}`));
      }
      await start;
      assert.deepEqual(s.names(), ['v2'], 'ready with the last whole list');
      assert.equal(s.asked.length, 3, 'no fourth read at once');
      for (let i = 0; i < 50; i++) s.cache.refresh('tools');
      await s.tick();
      assert.equal(s.asked.length, 3, 'a flood of list_changed waits for the deferred read');
      mock.timers.tick(1000);
      await s.tick();
      assert.equal(s.asked.length, 4, 'one read a second later');
      s.asked[3]!.answer(s.tools('v3'));
      await s.tick();
      await s.tick();
      assert.deepEqual(s.names(), ['v3']);
      assert.deepEqual(s.changed, ['tools']);
    } finally {
      mock.timers.reset();
    }
  });

  it('lets the loop turn between reading a long page and acting on it, so calls waiting meanwhile go first', async () => {
    const s = scriptedServer();
    const start = s.cache.fetchAll(60_000);
    s.asked[0]!.answer(s.tools('a'));
    await start;
    s.cache.refresh('tools');
    s.asked[1]!.answer(s.tools(...Array.from({ length: 1500 }, (_, i) => `t${i}`)));
    // An agent's call that arrived while the page was being read: its turn comes before the list is acted on.
    const actedOnFirst = await new Promise<boolean>((resolve) => setImmediate(() => resolve(s.changed.length > 0)));
    assert.equal(actedOnFirst, false);
    while (!s.changed.length) await s.tick();
    assert.equal(s.names().length, 1500);
  });
});

describe("a list's size across its pages", () => {
  it('counts the text of a page without recursion, and stops counting once the budget is passed', () => {
    assert.equal(textSize({ name: 'ab' }, 1_000), 16 + 'name'.length + 1 + 'ab'.length);
    assert.ok(
      textSize(
        Array.from({ length: 1000 }, () => ({})),
        1e9,
      ) >= 24_000,
      'empty objects cost memory, so they count',
    );
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    assert.equal(textSize(deep, 1e9), 100_000 * 18 + 1, 'a page nested 100,000 deep is walked, not recursed');
    const wide = Array.from({ length: 100_000 }, () => ({ description: 'y'.repeat(100) }));
    assert.ok(textSize(wide, 10_000) < 1_000_000, 'the walk ends soon after the budget (the whole page is 11 M)');
  });

  it('refuses a list of huge pages that never ends', async () => {
    let page = 0;
    const big = 'z'.repeat(9 * 1024 * 1024);
    const cache = new CatalogCache({
      request: async () => ({ jsonrpc: '2.0', id: ++page, result: { tools: [{ name: `t${page}`, description: big }], nextCursor: 'again' } }),
      capabilities: () => ({ tools: {} }),
      changed: () => {},
      failed: () => {},
    });
    await assert.rejects(cache.fetchAll(60_000), /more than 64 M characters/);
    assert.ok(page <= Math.ceil(MAX_LIST_CHARS / big.length) + 1, `read ${page} pages`);
    assert.deepEqual(cache.lists.tools, [], 'nothing of the refused list is kept');
  });
});
