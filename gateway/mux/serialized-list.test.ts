import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SerializedList } from './catalog.ts';
import { EncodedMessage } from './encoded-message.ts';

// Pages are byte slices of the cached body: multi-byte names make a wrong offset show.
const tools = (names: string[]) => names.map((name) => ({ name, description: `Does ${name} — “quoted”, ✓ 🚀` }));
const byName = (item: Record<string, unknown>) => String(item.name);
const text = (parts: Buffer[]) => Buffer.concat(parts).toString('utf8');

function pageThrough(list: SerializedList, size: number): string[] {
  const seen: string[] = [];
  let offset = 0;
  for (let guard = 0; guard < 1000; guard++) {
    const end = Math.min(list.items.length, offset + size);
    const page = JSON.parse(text(list.page(offset, end))) as { name: string }[];
    seen.push(...page.map((t) => t.name));
    if (end >= list.items.length) return seen;
    offset = list.resume(list.cursorAt(end))!;
  }
  throw new Error('pagination never ended');
}

describe('SerializedList', () => {
  it('serves the body and every page from the same bytes, exactly', () => {
    const names = Array.from({ length: 23 }, (_, i) => (i % 3 === 0 ? `outil_é${i}` : i % 3 === 1 ? `工具_${i}` : `tool_${i}`));
    const list = new SerializedList(tools(names), byName);
    assert.deepEqual(JSON.parse(list.body.toString('utf8')), tools(names));
    for (const size of [1, 4, 7, 23, 100]) assert.deepEqual(pageThrough(list, size), names, `page size ${size}`);
    assert.equal(text(list.page(5, 5)), '[]');
    const slice = list.page(3, 9);
    assert.ok(
      slice.some((b) => b.buffer === list.body.buffer),
      'a page shares the body, it is not re-encoded',
    );
  });

  it('resumes after the item a cursor names when the list changed in between', () => {
    const before = new SerializedList(tools(['a', 'b', 'c', 'd', 'e']), byName);
    const cursor = before.cursorAt(2); // after "b"
    const after = new SerializedList(tools(['new', 'a', 'b', 'c', 'd', 'e']), byName);
    assert.equal(after.resume(cursor), 3, 'continues at "c", no duplicate "b"');
    const shrunk = new SerializedList(tools(['a', 'c', 'd', 'e']), byName);
    assert.equal(shrunk.resume(cursor), undefined, '"b" is gone: the client must list again');
  });

  it('refuses malformed and forged cursors', () => {
    const list = new SerializedList(tools(['a', 'b', 'c']), byName);
    const forge = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    for (const c of [
      '',
      'bm9wZQ',
      '!!!',
      forge([1]),
      forge(['1', 'a']),
      forge([0, 'a']),
      forge([-1, 'a']),
      forge([1.5, 'a']),
      forge([1, 7]),
      forge({ 0: 1, 1: 'a' }),
      forge([2, '__proto__']),
      forge([2, 'toString']),
    ]) {
      assert.equal(list.resume(c), undefined, c);
    }
    assert.equal(list.resume(forge([9, 'b'])), 2, 'a stale offset falls back to the named item');
  });
});

describe('EncodedMessage', () => {
  it('is the same JSON whether written as pieces, read as text or stringified', () => {
    const m = new EncodedMessage([Buffer.from('{"jsonrpc":"2.0","id":1,"result":{"tools":'), Buffer.from('[{"name":"é✓"}]'), Buffer.from('}}')]);
    const expected = { jsonrpc: '2.0', id: 1, result: { tools: [{ name: 'é✓' }] } };
    assert.deepEqual(JSON.parse(m.toString()), expected);
    assert.deepEqual(JSON.parse(JSON.stringify(m)), expected);
    assert.equal(m.byteLength, Buffer.byteLength(JSON.stringify(expected)));
  });
});
