import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventJson, LineBuffer, SseParser, type SseEvent } from './sse.ts';

/** Feeds the text one split at a time, at every position, and checks the result never depends on where it was cut. */
function everySplit<T>(text: string, make: () => { push(c: string): T[] }): T[] {
  const whole = make().push(text);
  for (let i = 0; i <= text.length; i++) {
    const p = make();
    assert.deepEqual([...p.push(text.slice(0, i)), ...p.push(text.slice(i))], whole, `split at ${i}`);
  }
  return whole;
}

test('lines split across chunks come out whole, whatever the terminator', () => {
  const lines = everySplit('one\ntwo\r\nthree\rfour\n', () => new LineBuffer());
  assert.deepEqual(lines, ['one', 'two', 'three', 'four']);
});

test('a CRLF cut between its two bytes ends one line, not two', () => {
  const b = new LineBuffer();
  assert.deepEqual(b.push('a\r'), ['a']);
  assert.deepEqual(b.push('\nb\n'), ['b']);
});

test('an unterminated last line is held until the stream ends', () => {
  const b = new LineBuffer();
  assert.deepEqual(b.push('{"event":"rea'), []);
  assert.deepEqual(b.push('dy"}'), []);
  assert.deepEqual(b.end(), ['{"event":"ready"}']);
});

test('a line longer than the limit is dropped whole and counted, and the next line is intact', () => {
  const b = new LineBuffer(10);
  assert.deepEqual(b.push('x'.repeat(8)), []);
  assert.deepEqual(b.push('x'.repeat(8)), []);
  assert.deepEqual(b.push('yyy\nok\n'), ['ok']);
  assert.equal(b.overflows, 1);
});

test('SSE events come out whole at every split point, with comments and unknown fields ignored', () => {
  const stream =
    ': gatehouse events\n\nevent: pending-change\ndata: {"id":"a"}\n\nevent: server\r\ndata: {"server":"x",\r\ndata: "state":"failed"}\r\nretry: 10\r\nbogus\r\n\r\ndata: plain\n\n';
  const events = everySplit<SseEvent>(stream, () => new SseParser());
  assert.deepEqual(events, [
    { type: 'pending-change', data: '{"id":"a"}', id: null },
    { type: 'server', data: '{"server":"x",\n"state":"failed"}', id: null },
    { type: 'message', data: 'plain', id: null },
  ]);
  assert.deepEqual(eventJson(events[1]!), { server: 'x', state: 'failed' });
  assert.equal(eventJson(events[2]!), null);
});

test('an event without data is not dispatched, and fields do not leak into the next event', () => {
  const p = new SseParser();
  assert.deepEqual(p.push('event: lonely\n\ndata: x\n\n'), [{ type: 'message', data: 'x', id: null }]);
});

test('an id with a NUL is ignored; a good id is kept', () => {
  const p = new SseParser();
  assert.deepEqual(
    p.push('id: 7\ndata: a\n\nid: b\0ad\ndata: b\n\n').map((e) => e.id),
    ['7', '7'],
  );
});

test('an event whose data grows past the limit is dropped, not buffered', () => {
  const p = new SseParser(32);
  const flood = Array.from({ length: 10 }, () => `data: ${'z'.repeat(10)}\n`).join('');
  assert.deepEqual(p.push(`${flood}\ndata: small\n\n`), [{ type: 'message', data: 'small', id: null }]);
  assert.equal(p.overflows, 1);
});
