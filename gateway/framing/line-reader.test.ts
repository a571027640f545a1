import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { LineReader } from './line-reader.ts';

function collect(max: number) {
  const lines: string[] = [];
  const oversize: number[] = [];
  const reader = new LineReader(max, { onLine: (l) => lines.push(l), onOversize: (n) => oversize.push(n) });
  return { reader, lines, oversize };
}

describe('LineReader', () => {
  it('splits lines across arbitrary chunk boundaries, including inside UTF-8 characters', () => {
    const { reader, lines } = collect(1024);
    const data = Buffer.from('{"a":"é"}\n{"b":2}\r\n\n  \t\r\n{"c":3}\n');
    for (let i = 0; i < data.length; i++) reader.push(data.subarray(i, i + 1));
    assert.deepEqual(lines, ['{"a":"é"}', '{"b":2}', '{"c":3}']);
  });

  it('drops an oversize line and recovers at the next newline', () => {
    const { reader, lines, oversize } = collect(16);
    reader.push(Buffer.from('x'.repeat(10)));
    reader.push(Buffer.from('y'.repeat(10)));
    reader.push(Buffer.from('z\n{"ok":1}\n'));
    assert.deepEqual(oversize, [21]);
    assert.deepEqual(lines, ['{"ok":1}']);
  });

  it('drops an oversize line that arrives in one chunk', () => {
    const { reader, lines, oversize } = collect(8);
    reader.push(Buffer.from('0123456789\nshort\n'));
    assert.deepEqual(oversize, [10]);
    assert.deepEqual(lines, ['short']);
  });

  it('reads any bytes, cut anywhere, as one Buffer.toString of each whole line would (invalid UTF-8, split characters, oversize)', () => {
    // Bytes weighted towards newlines and the lead and continuation bytes of multi-byte characters.
    const byte = fc.oneof(
      fc.constant(10),
      fc.constant(13),
      fc.integer({ min: 0x80, max: 0xbf }),
      fc.integer({ min: 0xc2, max: 0xf4 }),
      fc.integer({ min: 0, max: 255 }),
    );
    fc.assert(
      fc.property(
        fc.array(byte, { maxLength: 300 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 4, max: 64 }),
        (bytes, cuts, max) => {
          const data = Buffer.from(bytes);
          const { reader, lines, oversize } = collect(max);
          for (let at = 0, k = 0; at < data.length; k++) {
            const step = cuts[k % cuts.length]!;
            reader.push(data.subarray(at, at + step));
            at += step;
          }
          const want: string[] = [];
          const wantOversize: number[] = [];
          let start = 0;
          for (let nl = data.indexOf(10); nl !== -1; start = nl + 1, nl = data.indexOf(10, start)) {
            const raw = data.subarray(start, nl);
            if (raw.length > max) {
              wantOversize.push(raw.length);
              continue;
            }
            let line = raw.toString('utf8');
            if (line.endsWith('\r')) line = line.slice(0, -1);
            if (line.trim() !== '' || (line.length > 0 && line.charCodeAt(0) > 0x20)) want.push(line);
          }
          assert.deepEqual(lines, want);
          assert.deepEqual(oversize, wantOversize);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
