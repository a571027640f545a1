import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { presenceOf } from './status.ts';

describe('agent presence in the status', () => {
  const t0 = 1_000_000;
  const session = (transport: 'stdio' | 'http', lastActiveAt: number, listening = false, inflight = 0) => ({ transport, lastActiveAt, inflight, listening });

  it('calls a quiet HTTP agent without an open stream idle after a minute, not connected for half an hour', () => {
    assert.equal(presenceOf(session('http', t0, false), t0 + 30_000), 'connected');
    assert.equal(presenceOf(session('http', t0, false), t0 + 61_000), 'idle');
    assert.equal(presenceOf(session('http', t0), t0 + 29 * 60_000), 'idle');
  });

  it('keeps an HTTP agent connected while it holds a stream or waits for an answer', () => {
    assert.equal(presenceOf(session('http', t0, true), t0 + 10 * 60_000), 'connected');
    assert.equal(presenceOf(session('http', t0, false, 1), t0 + 10 * 60_000), 'connected');
  });

  it('keeps a stdio agent connected however quiet: its socket closes when it goes', () => {
    assert.equal(presenceOf(session('stdio', t0), t0 + 60 * 60_000), 'connected');
  });
});
