import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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
});
