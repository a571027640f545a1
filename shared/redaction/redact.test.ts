import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Redactor, redactShapes } from './redact.ts';

describe('Redactor', () => {
  it('replaces every held secret, in plain and JSON-escaped form, in one pass', () => {
    const r = new Redactor([{ label: 'github/token', value: 'ghs_SuperSecret"Value\\1' }, { label: 'db/password', value: 'hunter2hunter2' }]);
    const json = JSON.stringify({ text: 'token ghs_SuperSecret"Value\\1 and hunter2hunter2 twice: hunter2hunter2' });
    const out = r.redact(json);
    assert.ok(!out.includes('SuperSecret') && !out.includes('hunter2'));
    assert.equal(JSON.parse(out).text, 'token [REDACTED:github/token] and [REDACTED:db/password] twice: [REDACTED:db/password]');
  });

  it('prefers the longest secret when one contains another', () => {
    const r = new Redactor([{ label: 'short', value: 'abcdef' }, { label: 'long', value: 'abcdefghij' }]);
    assert.equal(r.redact('x abcdefghij y abcdef'), 'x [REDACTED:long] y [REDACTED:short]');
  });

  it('ignores values too short to redact safely, and is a no-op without secrets', () => {
    assert.equal(new Redactor([{ label: 'pin', value: '1234' }]).redact('1234'), '1234');
    assert.ok(new Redactor([]).empty);
  });
});

describe('redactShapes', () => {
  it('scrubs well-known credential shapes', () => {
    const text = [
      'key AKIAIOSFODNN7EXAMPLE',
      'gh ghp_abcdefghijklmnopqrstuvwxyz0123456789AB',
      'jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.abcdefghijklmnop',
      'auth: Bearer abc.def-ghi_jkl~mno',
      'api_key=sk_live_1234567890abcdef',
      '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----',
    ].join('\n');
    const out = redactShapes(text);
    for (const leak of ['AKIAIOSFODNN7EXAMPLE', 'ghp_abc', 'eyJhbGci', 'abc.def-ghi', 'sk_live', 'MIIEow']) assert.ok(!out.includes(leak), leak);
    assert.match(out, /Bearer \[REDACTED:bearer\]/);
    assert.match(out, /api_key=\[REDACTED:api-key-assignment\]/);
  });
});
