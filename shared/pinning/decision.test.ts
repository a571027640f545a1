import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseBundle } from '../bundle/schema.ts';
import { chatMayApprove, needsTerminal } from './decision.ts';

describe('what the chat may approve', () => {
  it('is bounded by chatApprovalMaxRisk, medium by default', () => {
    const parsed = parseBundle({ schemaVersion: 1, name: 'b', servers: [] });
    assert.ok(parsed.ok);
    const max = parsed.bundle.settings.pinning.chatApprovalMaxRisk;
    assert.equal(max, 'medium');
    assert.deepEqual(
      (['none', 'low', 'medium', 'high', 'critical'] as const).filter((r) => chatMayApprove(r, max)),
      ['none', 'low', 'medium'],
    );
    assert.equal(chatMayApprove('none', 'never'), false);
    assert.equal(chatMayApprove('critical', 'critical'), true);
  });

  it('refuses an unknown bound in the bundle', () => {
    assert.equal(parseBundle({ schemaVersion: 1, name: 'b', servers: [], settings: { pinning: { chatApprovalMaxRisk: 'everything' } } }).ok, false);
  });

  it('leaves high and critical to a person at a terminal or the app', () => {
    assert.deepEqual(['none', 'low', 'medium', 'high', 'critical'].filter(needsTerminal), ['high', 'critical']);
  });
});
