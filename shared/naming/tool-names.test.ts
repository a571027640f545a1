import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exposedName, MAX_TOOL_NAME_LENGTH } from './tool-names.ts';

describe('exposedName', () => {
  it('prefixes with the server id and separator', () => {
    assert.equal(exposedName('github', 'create_issue', '__', false), 'github__create_issue');
    assert.equal(exposedName('github', 'create_issue', '__', true), 'create_issue');
  });

  it('keeps long names within 64 characters, deterministically and without collisions', () => {
    const long = 'a_really_long_tool_name_that_some_servers_like_to_use_for_clarity';
    const a1 = exposedName('my-long-server-id', `${long}_one`, '__', false);
    const a2 = exposedName('my-long-server-id', `${long}_one`, '__', false);
    const b = exposedName('my-long-server-id', `${long}_two`, '__', false);
    assert.equal(a1, a2);
    assert.notEqual(a1, b);
    for (const n of [a1, b]) {
      assert.ok(n.length <= MAX_TOOL_NAME_LENGTH, n);
      assert.match(n, /^[A-Za-z0-9_-]+$/);
      assert.ok(n.startsWith('my-long-server-id__a_really'));
    }
  });

  it('replaces characters clients reject, and keeps distinct names distinct', () => {
    const dotted = exposedName('fs', 'read.file', '__', false);
    const underscored = exposedName('fs', 'read_file', '__', false);
    assert.match(dotted, /^fs__read_file_[0-9a-z]+$/);
    assert.equal(underscored, 'fs__read_file');
    assert.notEqual(dotted, underscored);
    assert.match(exposedName('x', 'ünïcode tool', '__', false), /^[A-Za-z0-9_-]+$/);
  });
});
