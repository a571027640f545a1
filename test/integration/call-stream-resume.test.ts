// Resumable call streams on the daemon's HTTP endpoint (2025-11-25): a call whose answer
// became an SSE stream starts with a priming event (an id and a retry delay), each event
// has an id, and a client whose stream dropped mid-call comes back with a GET and the
// last id it saw: the call was not cancelled, and the rest (its answer) comes on the new
// stream. A stream id it never had reaches nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { serversReady, startDaemon, stdioServer, writeBundle, type TestDaemon } from '../helpers/daemon.ts';
import { legacySession } from '../helpers/modern.ts';

interface SseEvent {
  id?: string;
  retry?: string;
  data: string;
}

/** Reads SSE events from a response body until `enough` says stop (or the stream ends). */
async function readEvents(res: Response, enough: (events: SseEvent[]) => boolean): Promise<SseEvent[]> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: SseEvent[] = [];
  let buffer = '';
  while (!enough(events)) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const e: SseEvent = { data: '' };
      for (const line of buffer.slice(0, end).split('\n')) {
        const at = line.indexOf(':');
        const [field, v] = [line.slice(0, at), line.slice(at + 1).trimStart()];
        if (field === 'id') e.id = v;
        else if (field === 'retry') e.retry = v;
        else if (field === 'data') e.data += v;
      }
      events.push(e);
      buffer = buffer.slice(end + 2);
    }
  }
  await reader.cancel().catch(() => {});
  return events;
}

describe('resumable call streams', () => {
  let d: TestDaemon;
  let token: string;

  before(async () => {
    d = await startDaemon({
      bundle: writeBundle({
        schemaVersion: 1,
        name: 'resume',
        version: 1,
        servers: [stdioServer('fixture', 'fixture-server.ts')],
        settings: { naming: 'passthrough' },
      }),
    });
    await serversReady(d);
    token = await d.agentToken('roamer');
  });
  after(() => d.stop());

  it('primes the stream, keeps the call when it drops, and hands the rest to a GET with Last-Event-ID', async () => {
    const { headers, post } = await legacySession(d.url, token, { elicitation: {} });

    const dropped = new AbortController();
    const call = await post(
      { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'test_elicitation', arguments: { message: 'Still there?' } } },
      dropped.signal,
    );
    const first = await readEvents(call, (e) => e.length >= 2);
    assert.equal(first[0]!.data, '', 'a priming event with empty data');
    assert.equal(first[0]!.retry, '1000');
    assert.ok(first[0]!.id, 'the priming event has an id');
    const question = JSON.parse(first[1]!.data) as { id: string | number; method: string };
    assert.equal(question.method, 'elicitation/create');
    assert.ok(first[1]!.id && first[1]!.id !== first[0]!.id);
    dropped.abort();

    // The stream is gone; the question is answered anyway, and the call goes on.
    const answered = await post({ jsonrpc: '2.0', id: question.id, result: { action: 'accept', content: { response: 'yes' } } });
    assert.equal(answered.status, 202);
    await answered.text();
    const resumed = await fetch(d.url, { method: 'GET', headers: { ...headers, accept: 'text/event-stream', 'last-event-id': first[1]!.id! } });
    assert.equal(resumed.status, 200);
    const rest = await readEvents(resumed, (e) => e.some((x) => x.data.includes('"result"')));
    const answer = JSON.parse(rest.find((x) => x.data.includes('"result"'))!.data) as { id: number; result: { content: { text: string }[] } };
    assert.equal(answer.id, 2);
    assert.equal(answer.result.content[0]!.text, 'User response: action=accept, content={"response":"yes"}');
    assert.ok(!rest.some((x) => x.data.includes('elicitation/create')), 'what the client saw is not sent again');

    const unknown = await fetch(d.url, { method: 'GET', headers: { ...headers, accept: 'text/event-stream', 'last-event-id': 'p999.0' } });
    assert.equal(unknown.status, 404);
    await unknown.text();
  });
});
