import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { cutText, wellFormed, wellFormedDeep } from './cut.ts';

describe('code-point-safe text', () => {
  it('never leaves half of a surrogate pair at the cut', () => {
    const text = `${'a'.repeat(199)}😀tail`;
    assert.equal(cutText(text, 200), 'a'.repeat(199));
    assert.equal(cutText(text, 201), `${'a'.repeat(199)}😀`);
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.nat(300), (s, n) => {
        const cut = cutText(s, n);
        assert.ok(cut.length <= n);
        assert.ok(cut.isWellFormed(), 'a well-formed string stays well-formed when cut');
        assert.ok(s.startsWith(cut));
      }),
    );
  });

  it('makes any string well-formed, and deep values too, keeping "__proto__" as a plain key', () => {
    assert.equal(wellFormed('a\uD800b'), 'a\uFFFDb');
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        assert.ok(wellFormed(s).isWellFormed());
      }),
    );
    const value = JSON.parse('{"__proto__":{"x":"\\ud800"},"k\\udc00":["ok","\\udbff"]}') as Record<string, unknown>;
    const fixed = wellFormedDeep(value) as Record<string, unknown>;
    assert.ok(JSON.stringify(fixed).includes('"__proto__":{"x":"\uFFFD"}'));
    assert.deepEqual(Object.getPrototypeOf(fixed), Object.prototype);
    assert.deepEqual(fixed['k\uFFFD'], ['ok', '\uFFFD']);
    const clean = { a: 'b', c: [1, 'd'] };
    assert.equal(wellFormedDeep(clean), clean, 'nothing to fix: the same object comes back');
  });

  it('makes every string well-formed at any depth, and leaves an escaped backslash before "ud800" alone (red team)', () => {
    // Past 64 levels the walk once stopped, and a lone surrogate there stopped the audit chain.
    const bits = fc.constantFrom('\uD800', '\uDBFF', '\uDC00', '\uDFFF', '😀', '\\', 'u', 'd', '8', '0', 'a', '"');
    fc.assert(
      fc.property(fc.string({ unit: bits }), fc.string({ unit: bits }), fc.integer({ min: 0, max: 400 }), (key, text, depth) => {
        let value: unknown = { [key]: text, t: `\\ud800 \\${text}` };
        let expected: unknown = { [key.toWellFormed()]: text.toWellFormed(), t: `\\ud800 \\${text}`.toWellFormed() };
        for (let i = 0; i < depth; i++) {
          value = i % 2 ? [value] : { a: value };
          expected = i % 2 ? [expected] : { a: expected };
        }
        const fixed = wellFormedDeep(value);
        assert.deepEqual(fixed, expected);
        assert.doesNotThrow(() => canonicalize(fixed));
      }),
      { numRuns: 300 },
    );
  });
});
