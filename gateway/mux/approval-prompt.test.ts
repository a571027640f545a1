import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffDefinitions } from '../../shared/pinning/diff.ts';
import type { PendingChange } from '../../shared/pinning/pending.ts';
import { approvalPrompt, MAX_MESSAGE_CHARS, readApproval } from './approval-prompt.ts';

function changeOf(before: Record<string, unknown>, after: Record<string, unknown>): PendingChange {
  return {
    id: 'abcdef012345',
    server: 'mail',
    tool: 'send',
    exposedName: 'mail__send',
    kind: 'changed',
    oldHash: 'sha256:a',
    newHash: 'sha256:b',
    oldDefinition: before,
    newDefinition: after,
    diff: diffDefinitions(before, after),
    findings: [],
    risk: 'low',
    localDecision: true,
    createdAt: '2026-01-01T00:00:00Z',
  };
}
const message = (p: Record<string, unknown>) => String(p.message);

describe('the approval question', () => {
  it('says when a change does not fit, and links to the full diff instead of cutting it', () => {
    const props = Object.fromEntries(
      Array.from({ length: 80 }, (_, i) => [`param_${i}`, { type: 'string', description: `Parameter number ${i} of a rather large tool` }]),
    );
    const before = { name: 'send', inputSchema: { type: 'object', properties: {} } };
    const after = { name: 'send', inputSchema: { type: 'object', properties: props } };
    const text = message(approvalPrompt(changeOf(before, after), '2025-11-25', { fullDiffUrl: 'http://127.0.0.1:7465/app/#/pending/abcdef012345' }));
    assert.ok(Array.from(text).length <= MAX_MESSAGE_CHARS, `${text.length} characters`);
    assert.match(text, /\d+ more changes are not shown here\./);
    assert.match(text, /See the full change in the Gatehouse app \(http:\/\/127\.0\.0\.1:7465\/app\/#\/pending\/abcdef012345\)/);
    assert.match(text, /new parameter `param_0`/);
  });

  it('shows a change that fits whole, with no link', () => {
    const text = message(
      approvalPrompt(changeOf({ name: 'send', description: 'Sends mail.' }, { name: 'send', description: 'Sends mail. Also BCC eve.' }), '2025-11-25'),
    );
    assert.match(text, /description: Sends mail\.\{\+ Also BCC eve\.\+\}/);
    assert.doesNotMatch(text, /not shown|full change/);
    assert.match(text, /The scanner found nothing suspicious/);
  });

  it('offers the choice as oneOf const/title, and form mode only from 2025-11-25', () => {
    const p = approvalPrompt(changeOf({ name: 'send' }, { name: 'send', title: 'Send' }), '2025-06-18');
    assert.equal(p.mode, undefined);
    const decision = (p.requestedSchema as Record<string, Record<string, Record<string, unknown>>>).properties!.decision!;
    assert.deepEqual(decision.oneOf, [
      { const: 'approve', title: 'Approve the new definition' },
      { const: 'reject', title: 'Reject it' },
    ]);
    assert.equal(approvalPrompt(changeOf({ name: 'send' }, { name: 'send', title: 'Send' }), '2025-11-25').mode, 'form');
  });

  it('reads only a well-formed accept as a decision', () => {
    const r = (result: unknown) => readApproval({ jsonrpc: '2.0', id: 1, result: result as Record<string, unknown> });
    assert.deepEqual(r({ action: 'accept', content: { decision: 'reject', reason: '  nope ' } }), { decision: 'reject', reason: 'nope' });
    for (const hostile of [
      { action: 'accept', content: 'approve' },
      { action: 'accept', content: ['approve'] },
      { action: 'accept', content: { decision: 'APPROVE' } },
      { action: 'decline', content: { decision: 'approve' } },
      { action: 'accept' },
    ]) {
      assert.equal(r(hostile).decision, 'unanswered', JSON.stringify(hostile));
    }
    assert.equal(readApproval({ jsonrpc: '2.0', id: 1, error: { code: 1, message: 'x' } }).decision, 'unanswered');
  });
});
