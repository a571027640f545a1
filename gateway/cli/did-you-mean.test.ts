import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { closest, suggestion } from './did-you-mean.ts';

const COMMANDS = ['daemon', 'stdio', 'status', 'token', 'reload', 'pending', 'approve', 'reject', 'connect', 'audit', 'dashboard'];

describe('did you mean', () => {
  it('finds transpositions, slips and prefixes', () => {
    assert.equal(closest('stauts', COMMANDS), 'status');
    assert.equal(closest('agnet', ['agent', 'data-dir', 'json']), 'agent');
    assert.equal(closest('pendng', COMMANDS), 'pending');
    assert.equal(closest('STATUS', COMMANDS), 'status');
    assert.equal(closest('dash', COMMANDS), 'dashboard');
  });
  it('stays quiet when nothing is close', () => {
    assert.equal(closest('frobnicate', COMMANDS), undefined);
    assert.equal(closest('x', COMMANDS), undefined);
    assert.equal(closest('s'.repeat(10_000), COMMANDS), undefined);
    assert.equal(suggestion('zzz', COMMANDS), '');
    assert.equal(
      suggestion('--agnet'.slice(2), ['agent'], (s) => `--${s}`),
      '; did you mean --agent?',
    );
  });
});
