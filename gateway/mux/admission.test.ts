import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode } from '../../shared/jsonrpc/message.ts';
import { harness, testBundle } from '../../test/helpers/mux-harness.ts';

const ok = () => ({ content: [{ type: 'text', text: 'done' }] });

describe('admission', () => {
  it('refuses what the policy denies, names the rule, records the denial with scrubbed arguments, and forwards nothing', async () => {
    const bundle = testBundle(['a'], {
      policies: {
        rules: [
          { id: 'no-delete', effect: 'deny', servers: ['a'], tools: ['delete'] },
          { id: 'all', effect: 'allow' },
        ],
      },
    });
    const h = await harness(bundle, { a: { delete: ok, read: ok } });
    const agent = await h.agent();
    const denied = await agent.request('tools/call', { name: 'a__delete', arguments: { token: 'ghp_0123456789abcdefghijklmnopqrstuvwxyzAB' } });
    assert.ok('error' in denied);
    assert.equal(denied.error.code, ErrorCode.PolicyDenied);
    assert.match(denied.error.message, /no-delete/);
    const record = h.records.find((r) => r.type === 'denial')!;
    assert.equal(record.decision?.rule, 'no-delete');
    assert.ok(!JSON.stringify(record.arguments).includes('ghp_0123'), 'a credential shape is scrubbed from the record');
    assert.equal(h.channels.get('a')!.requests('tools/call').length, 0);
    const allowed = await agent.request('tools/call', { name: 'a__read', arguments: {} });
    assert.ok('result' in allowed);
    assert.equal(h.records.at(-1)!.decision?.rule, 'all', 'the allowing rule is in the call record');
    await h.stop();
  });

  it('enforces a rate limit per subject and says when to retry', async () => {
    const bundle = testBundle(['a'], {
      policies: { rules: [{ id: 'all', effect: 'allow' }], rateLimits: [{ id: 'two', per: 'agent', servers: ['a'], calls: 2, perSeconds: 60 }] },
    });
    const h = await harness(bundle, { a: { read: ok } });
    const agent = await h.agent();
    for (let i = 0; i < 2; i++) assert.ok('result' in (await agent.request('tools/call', { name: 'a__read', arguments: {} })));
    const limited = await agent.request('tools/call', { name: 'a__read', arguments: {} });
    assert.ok('error' in limited);
    assert.equal(limited.error.code, ErrorCode.RateLimited);
    assert.ok((limited.error.data as { retryAfterMs: number }).retryAfterMs > 0);
    assert.equal(h.records.at(-1)!.decision?.rule, 'rate-limit:two');
    await h.stop();
  });

  it('holds back a tool the pin gate has not approved until it is decided, then routes it', async () => {
    const bundle = testBundle(['a'], { settings: { pinning: { trustOnFirstUse: false } } });
    const h = await harness(bundle, { a: { read: ok } });
    const agent = await h.agent();
    const held = await agent.request('tools/call', { name: 'a__read', arguments: {} });
    assert.ok('error' in held, 'a pending tool is not callable');
    const pending = h.gateway.gate.pending();
    assert.equal(pending.length, 1);
    h.gateway.decide(pending[0]!.id, 'approve', 'local:test', null);
    const decided = h.records.find((r) => r.type === 'decision' && r.outcome === 'ok')!;
    assert.equal(decided.decision?.effect, 'allow');
    assert.ok('result' in (await agent.request('tools/call', { name: 'a__read', arguments: {} })));
    await h.stop();
  });
});
