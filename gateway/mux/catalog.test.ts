import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { templateMatcher } from './catalog.ts';

describe('templateMatcher', () => {
  it('matches simple and reserved expansions', () => {
    assert.ok(templateMatcher('test://template/{id}/data').test('test://template/42/data'));
    assert.ok(!templateMatcher('test://template/{id}/data').test('test://template/4/2/data'));
    assert.ok(templateMatcher('file:///{+path}').test('file:///a/b/c.txt'));
    assert.ok(!templateMatcher('demo://resource/{id}').test('other://resource/1'));
  });

  it('treats regex characters in templates literally', () => {
    assert.ok(templateMatcher('a.b://x?{q}').test('a.b://x?1'));
    assert.ok(!templateMatcher('a.b://x').test('aXb://x'));
  });
});
