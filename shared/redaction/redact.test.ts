import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { encodedForms, MIN_SECRET_LENGTH, Redactor, redactShapes } from './redact.ts';

describe('Redactor', () => {
  it('replaces every held secret, in plain and JSON-escaped form, in one pass', () => {
    const r = new Redactor([
      { label: 'github/token', value: 'ghs_SuperSecret"Value\\1' },
      { label: 'db/password', value: 'hunter2hunter2' },
    ]);
    const json = JSON.stringify({ text: 'token ghs_SuperSecret"Value\\1 and hunter2hunter2 twice: hunter2hunter2' });
    const out = r.redact(json);
    assert.ok(!out.includes('SuperSecret') && !out.includes('hunter2'));
    assert.equal(JSON.parse(out).text, 'token [REDACTED:github/token] and [REDACTED:db/password] twice: [REDACTED:db/password]');
  });

  it('prefers the longest secret when one contains another', () => {
    const r = new Redactor([
      { label: 'short', value: 'abcdef' },
      { label: 'long', value: 'abcdefghij' },
    ]);
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

describe('Redactor, encoded forms', () => {
  const utf8 = new TextEncoder();
  const bytesOf = (s: string) => utf8.encode(s);
  const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
  const b64url = (bytes: Uint8Array) => b64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  const join = (...parts: Uint8Array[]) => {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  };
  const encoders: [string, (secret: string, before: Uint8Array, after: Uint8Array) => string][] = [
    ['base64', (s, a, z) => b64(join(a, bytesOf(s), z))],
    ['base64url', (s, a, z) => b64url(join(a, bytesOf(s), z))],
    ['hex', (s, a, z) => hex(join(a, bytesOf(s), z))],
    ['HEX', (s, a, z) => hex(join(a, bytesOf(s), z)).toUpperCase()],
    ['percent', (s) => encodeURIComponent(s)],
    ['form-encoded', (s) => new URLSearchParams({ q: s }).toString().slice(2)],
  ];
  // A secret's bytes encode differently by where they start in a blob (offset mod 3
  // for base64), so the property draws what comes before and after from any bytes.
  const secretArb = fc.string({ unit: 'grapheme', minLength: MIN_SECRET_LENGTH, maxLength: 48 }).filter((s) => s.length >= MIN_SECRET_LENGTH);
  const secretsArb = fc.array(secretArb, { minLength: 1, maxLength: 8 });
  const bytesArb = fc.uint8Array({ maxLength: 40 });

  for (const [name, encode] of encoders) {
    it(`finds a held secret ${name}-encoded inside a longer blob, at any alignment`, () => {
      fc.assert(
        fc.property(secretsArb, fc.nat(), bytesArb, bytesArb, fc.string(), (secrets, pick, before, after, prose) => {
          const held = secrets.map((value, i) => ({ label: `s${i}`, value }));
          const secret = secrets[pick % secrets.length]!;
          const blob = encode(secret, before, after);
          const out = new Redactor(held).redact(JSON.stringify({ text: `${prose} ${blob} ${prose}` }));
          // What is left of the blob around the marker cannot still carry the secret's encoding.
          for (const leftover of encode(secret, new Uint8Array(), new Uint8Array()).match(/.{8}/g) ?? [])
            assert.ok(!out.includes(leftover) || prose.includes(leftover), `${name}: ${leftover} survived in ${out}`);
          assert.match(out, /\[REDACTED:s\d+\]/);
        }),
        { numRuns: 300 },
      );
    });
  }

  it('finds the three base64 alignments of one secret in one text', () => {
    const secret = 'correct-horse-battery-staple';
    const r = new Redactor([{ label: 'db/password', value: secret }]);
    for (let offset = 0; offset < 3; offset++) {
      const blob = b64(join(new Uint8Array(offset).fill(0x41), bytesOf(secret), bytesOf('tail')));
      const out = r.redact(blob);
      assert.match(out, /\[REDACTED:db\/password\]/, `offset ${offset}: ${out}`);
      assert.ok(out.replace('[REDACTED:db/password]', '').length <= 12, `offset ${offset}: only the bytes around the secret stay: ${out}`);
    }
  });

  it('leaves random text that holds no encoding of a secret alone', () => {
    fc.assert(
      fc.property(fc.array(secretArb, { minLength: 1, maxLength: 20 }), fc.string({ maxLength: 500 }), (secrets, text) => {
        fc.pre(secrets.every((s) => !text.includes(s.slice(0, 6))));
        const r = new Redactor(secrets.map((value) => ({ label: 'x', value })));
        const out = r.redact(text);
        // Anything replaced must have been one of the secret's forms; a 6-character
        // window cannot accidentally be one unless the text carries it.
        if (out !== text)
          assert.ok(
            secrets.some((s) => encodedForms(s).some((f) => text.includes(f))),
            out,
          );
      }),
      { numRuns: 300 },
    );
  });

  it('lists each form once, and no form shorter than the window it is found by', () => {
    const forms = encodedForms('abcdef');
    assert.equal(new Set(forms).size, forms.length);
    assert.ok(forms.includes('abcdef') && forms.includes('616263646566') && forms.includes('YWJjZGVm'));
    assert.ok(forms.every((f) => f.length >= 6));
  });
});
