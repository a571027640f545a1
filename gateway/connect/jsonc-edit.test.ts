import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'jsonc-parser';
import { setMember } from './jsonc-edit.ts';

const P: [string, string] = ['servers', 'gatehouse'];
const E = { command: 'gh', args: ['stdio'] };
const value = (text: string) => parse(text, [], { allowTrailingComma: true }) as Record<string, Record<string, unknown>>;

describe('setMember (JSONC, in place)', () => {
  it('inserts after the last member, adding one comma, and removes back to the same bytes', () => {
    const text = '{\n    "servers": {\n        "a": 1 // one\n    }\n}\n';
    const added = setMember(text, P, E);
    assert.equal(
      added,
      '{\n    "servers": {\n        "a": 1, // one\n        "gatehouse": {\n            "command": "gh",\n            "args": [\n                "stdio"\n            ]\n        }\n    }\n}\n',
    );
    assert.equal(setMember(added, P, undefined), text);
  });

  it('keeps trailing commas and comments, fills empty and missing objects', () => {
    const trailing = '{\n  "servers": {\n    "a": 1,\n  },\n}';
    const t = setMember(trailing, P, E);
    assert.match(t, /"a": 1,\n {4}"gatehouse": \{[\s\S]*\n {4}\},\n {2}\},\n\}$/);
    assert.equal(setMember(t, P, undefined), trailing);
    assert.deepEqual(value(setMember('{ "servers": {} }', P, E)).servers!.gatehouse, E);
    const missing = setMember('{\n  // mine\n  "theme": "dark"\n}', P, E);
    assert.match(missing, /^\{\n {2}\/\/ mine\n {2}"theme": "dark",\n {2}"servers": \{/);
    assert.deepEqual(value(missing).servers!.gatehouse, E);
    assert.equal(setMember('', P, undefined), '');
  });

  it('replaces an existing entry where it stands, and removes a middle one with its comma', () => {
    const text = '{"servers": {"gatehouse": {"command": "old"}, "b": 2}}';
    const replaced = setMember(text, P, { command: 'new' });
    assert.equal(replaced, '{"servers": {"gatehouse": {\n  "command": "new"\n}, "b": 2}}');
    assert.deepEqual(value(setMember(text, P, undefined)), { servers: { b: 2 } });
    assert.deepEqual(value(setMember('{"servers": {"a": 1, "gatehouse": 2}}', P, undefined)), { servers: { a: 1 } });
  });

  it('treats hostile member names as plain keys', () => {
    const text = '{"servers": {"__proto__": {"x": 1}}}';
    const added = setMember(text, P, E);
    assert.equal(Object.keys(value(added).servers!).length >= 1, true);
    assert.match(added, /"__proto__": \{"x": 1\},/);
  });
});
