import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { InflightCall } from './client-session.ts';
import { HeldCalls, MAX_HELD_PER_AGENT, type Held } from './held-calls.ts';

const question = { jsonrpc: '2.0' as const, id: 'q', method: 'elicitation/create' };
const call = (): InflightCall => ({ upstream: undefined as never, upstreamId: 1, method: 'tools/call', startedAt: 0 });

describe('held calls', () => {
  it('holds at most MAX_HELD_PER_AGENT calls per agent, and frees a place when one is taken', () => {
    const held = new HeldCalls();
    const ids = Array.from({ length: MAX_HELD_PER_AGENT }, () => held.hold('greedy', call(), question, 'elicitation', 60_000, () => {}));
    assert.equal(held.mayHold('greedy'), false);
    assert.equal(held.mayHold('other'), true, 'another agent is not held back by this one');
    assert.ok(held.take(ids[0]!));
    assert.equal(held.take(ids[0]!), undefined, 'a call is taken once');
    assert.equal(held.mayHold('greedy'), true);
    for (const id of ids.slice(1)) held.take(id);
  });

  it('keeps a server answer that came while the call was held, and gives up a call not taken in time', async () => {
    const held = new HeldCalls();
    const c = call();
    let expired: Held | undefined;
    held.hold('slow', c, question, 'elicitation', 20, (h) => (expired = h));
    let delivered = false;
    assert.equal(
      held.stash(c, () => (delivered = true)),
      true,
    );
    assert.equal(
      held.stash(call(), () => {}),
      false,
      'a call that is not held is not stashed',
    );
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(expired?.call, c);
    expired!.answered?.();
    assert.ok(delivered);
    assert.equal(held.isHeld(c), false);
    assert.equal(held.mayHold('slow'), true);
  });
});
