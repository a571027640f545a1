import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseGatewayEvent, type GatewayEvent } from './contract.ts';
import { SseParser } from './sse.ts';

// What the desktop's main process and the dashboard do with /api/v1/events: the shared
// SSE parser, then the event schema. The stream is written as the control API writes it.
const EVENTS: GatewayEvent[] = [
  {
    type: 'pending-change',
    id: 'abc123def456',
    server: 'gh',
    tool: 'create_issue',
    exposedName: 'gh__create_issue',
    kind: 'changed',
    risk: 'high',
    localDecision: true,
    at: 1,
  },
  { type: 'server', server: 'fs', state: 'failed', error: 'exited with code 1', at: 2 },
  { type: 'problem', component: 'audit', message: 'line one\nline two: ünïcödé', at: 3 },
];
const STREAM = EVENTS.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join('');

function read(chunks: string[]): (GatewayEvent | null)[] {
  const parser = new SseParser();
  return chunks.flatMap((c) => parser.push(c)).map(parseGatewayEvent);
}

test('every event comes out whole and typed wherever the stream is cut', () => {
  for (let i = 0; i <= STREAM.length; i++) {
    assert.deepEqual(read([STREAM.slice(0, i), STREAM.slice(i)]), EVENTS, `cut at ${i}`);
  }
  assert.deepEqual(read([...STREAM]), EVENTS, 'one character per chunk');
});

test('an event this client does not know, a broken body, or a name that disagrees with the body is dropped', () => {
  const odd = [
    'event: from-the-future\ndata: {"type":"from-the-future","at":1}\n\n',
    'event: server\ndata: {not json\n\n',
    'event: server\ndata: {"type":"server","server":"fs","state":"ready","error":null}\n\n',
    `event: paused\ndata: ${JSON.stringify(EVENTS[1])}\n\n`,
  ].join('');
  assert.deepEqual(read([odd]), [null, null, null, null]);
});
