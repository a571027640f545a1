// The scan must never disagree with JSON.parse: when it answers, the line parses, and
// the method and id it names are the parsed ones (the id as JSON.stringify writes it).
// Checked on hand-picked lines and on thousands of random mutations of real requests.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { peekRequest, type RequestPeek } from './request-peek.ts';

/** What JSON.parse says the peek should be, or 'invalid' when the line is not a JSON object. */
function reference(line: string): RequestPeek | 'invalid' {
  let m: unknown;
  try {
    m = JSON.parse(line);
  } catch {
    return 'invalid';
  }
  if (typeof m !== 'object' || m === null || Array.isArray(m)) return 'invalid';
  const o = m as Record<string, unknown>;
  const method = Object.hasOwn(o, 'method') && typeof o.method === 'string' ? o.method : null;
  const id = Object.hasOwn(o, 'id') && (typeof o.id === 'string' || (typeof o.id === 'number' && Number.isFinite(o.id))) ? JSON.stringify(o.id) : null;
  return { method, id };
}

function agrees(line: string | Buffer): RequestPeek | undefined {
  const bytes = typeof line === 'string' ? Buffer.from(line) : line;
  const peek = peekRequest(bytes);
  if (peek !== undefined) assert.deepEqual(peek, reference(bytes.toString('utf8')), `line ${JSON.stringify(bytes.toString('utf8'))}`);
  return peek;
}

const REQUESTS = [
  '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"message":"hi"}}}',
  '{"method":"tools/call","params":{"name":"fs__read","arguments":{"path":"/tmp/a b","n":[1,2.5,-3e2,true,false,null,{}]}},"jsonrpc":"2.0","id":42}',
  '{"jsonrpc":"2.0","id":"req-\u00e9-7","method":"resources/read","params":{"uri":"file:///x"}}',
  '{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"t","progress":0.5}}',
  '{"jsonrpc":"2.0","id":3,"result":{"content":[{"type":"text","text":"a\\"b\\\\c\\u00e9\\n"}]}}',
  ' { "jsonrpc" : "2.0" , "id" : -17 , "method" : "ping" } \r',
];

describe('peekRequest', () => {
  it('reads the method and id of plain requests, notifications and answers, in any key order', () => {
    assert.deepEqual(agrees(REQUESTS[0]!), { method: 'tools/call', id: '1' });
    assert.deepEqual(agrees(REQUESTS[1]!), { method: 'tools/call', id: '42' });
    assert.deepEqual(agrees(REQUESTS[2]!), { method: 'resources/read', id: '"req-é-7"' });
    assert.deepEqual(agrees(REQUESTS[3]!), { method: 'notifications/progress', id: null });
    assert.deepEqual(agrees(REQUESTS[4]!), { method: null, id: '3' });
    assert.deepEqual(agrees(REQUESTS[5]!), { method: 'ping', id: '-17' });
  });

  it('takes the last of repeated keys and ignores nested ones, as JSON.parse does', () => {
    assert.deepEqual(agrees('{"id":1,"method":"a","params":{"id":9,"method":"b"},"id":2}'), { method: 'a', id: '2' });
    assert.deepEqual(agrees('{"method":"a","id":1,"id":null}'), { method: 'a', id: null });
    assert.deepEqual(agrees('{"method":5,"id":{}}'), { method: null, id: null });
    assert.deepEqual(agrees('{"__proto__":{"method":"x","id":1}}'), { method: null, id: null });
  });

  it('leaves to JSON.parse what only it can spell: escapes in the method, id or a key, batches, unusual numbers', () => {
    for (const line of [
      '{"method":"initi\\u0061lize","id":1}',
      '{"method":"x","id":"a\\"b"}',
      '{"m\\u0065thod":"x","id":1}',
      '[{"method":"x","id":1}]',
      '{"method":"x","id":1.0}',
      '{"method":"x","id":1e3}',
      '{"method":"x","id":-0}',
      '{"method":"x","id":12345678901234567890}',
    ])
      assert.equal(peekRequest(Buffer.from(line)), undefined, line);
  });

  it('answers nothing for lines that are not one JSON object', () => {
    for (const line of [
      '',
      'not json',
      '{"method":"x","id":1',
      '{"method":"x","id":1}}',
      '{"method":"x","id":1} {}',
      '{"method":"x",,"id":1}',
      '{"method":"x","id":01}',
      '{"method":"x","id":NaN}',
      '{"method":"x\u0001","id":1}',
      '{"method":"x","params":{"a":[1,2}],"id":1}',
      '{"method":"x","params":"bad \\q escape","id":1}',
      '{"method":"x","params":"\\u12G4","id":1}',
      '"str"',
      'null',
      '{"method":"x" "id":1}',
      '{"method":"x","id":tru}',
    ])
      assert.equal(peekRequest(Buffer.from(line)), undefined, line);
  });

  it('never disagrees with JSON.parse on 20,000 random mutations of real lines', () => {
    let seed = 0x9e3779b9;
    const rand = (n: number) => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    const alphabet = Buffer.from('{}[]",:\\ 0123456789-+.eEtrufalsn\u00e9ux\t\r\u001f');
    let answered = 0;
    for (let i = 0; i < 20_000; i++) {
      const b = [...Buffer.from(REQUESTS[rand(REQUESTS.length)]!)];
      for (let k = 1 + rand(3); k > 0; k--) {
        const at = rand(b.length + 1);
        const op = rand(3);
        if (op === 0) b.splice(at, 1);
        else if (op === 1) b.splice(at, 0, alphabet[rand(alphabet.length)]!);
        else b[Math.min(at, b.length - 1)] = alphabet[rand(alphabet.length)]!;
      }
      if (agrees(Buffer.from(b)) !== undefined) answered++;
    }
    // Most mutations break the JSON; those that do not are still mostly answered by the scan.
    assert.ok(answered > 500, `${answered} answered`);
  });
});
