import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OneTimeCodes } from './one-time-codes.ts';

describe('OneTimeCodes', () => {
  it('redeems a code once, and never an unknown, malformed or expired one', () => {
    let now = 1000;
    const codes = new OneTimeCodes(60_000, () => now);
    const code = codes.issue();
    assert.match(code, /^[0-9a-f]{64}$/);
    assert.equal(codes.redeem('0'.repeat(64)), false);
    assert.equal(codes.redeem(`${code}x`), false);
    assert.equal(codes.redeem('__proto__'), false);
    assert.equal(codes.redeem(code), true);
    assert.equal(codes.redeem(code), false, 'single use');
    const late = codes.issue();
    now += 60_000;
    assert.equal(codes.redeem(late), false, 'expired');
  });
});
