// Red team of resumable call streams (issue 13): a dropped call stream's answer is kept
// for its session alone. Another session of the same agent that names its event id gets
// its own stream or nothing, another agent with the session id gets 404, guessed and
// malformed ids reach nothing, a stream once finished is not replayed, and a DELETE
// while a resumed stream is open ends it.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { serversReady, startDaemon, tempDir, waitFor, writeBundle, type TestDaemon } from '../helpers/daemon.ts';
import { legacySession } from '../helpers/modern.ts';

// A 2025 server whose `secret` tool reports progress (so the answer comes as a stream) and answers after `ms`.
const SERVER = String.raw`
import { createInterface } from 'node:readline';
const send = (m) => process.stdout.write(JSON.stringify(m) + '\n');
createInterface({ input: process.stdin }).on('line', (line) => {
  const m = JSON.parse(line);
  if (m.id === undefined || typeof m.method !== 'string') return;
  const p = m.params ?? {};
  if (m.method === 'initialize') return send({ jsonrpc: '2.0', id: m.id, result: { protocolVersion: '2025-11-25', capabilities: { tools: {} }, serverInfo: { name: 'secrets', version: '1' } } });
  if (m.method === 'tools/list') return send({ jsonrpc: '2.0', id: m.id, result: { tools: [{ name: 'secret', inputSchema: { type: 'object' } }] } });
  if (m.method === 'tools/call') {
    const a = p.arguments ?? {};
    const token = p._meta?.progressToken;
    if (token !== undefined) send({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: token, progress: 1, total: 2 } });
    setTimeout(() => send({ jsonrpc: '2.0', id: m.id, result: { content: [{ type: 'text', text: 'secret of ' + a.owner + ' ' + 'x'.repeat((a.padKb ?? 0) * 1024) } ] } }), a.ms ?? 300);
    return;
  }
  if (m.method === 'ping') return send({ jsonrpc: '2.0', id: m.id, result: {} });
  send({ jsonrpc: '2.0', id: m.id, error: { code: -32601, message: 'no' } });
});
`;

type Session = Awaited<ReturnType<typeof legacySession>>;

/** The SSE event ids and data read from a response until the stream ends or `enough` says stop. */
async function events(res: Response, enough: (seen: { id?: string; data: string }[]) => boolean = () => false) {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const seen: { id?: string; data: string }[] = [];
  let buffer = '';
  while (!enough(seen)) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const e: { id?: string; data: string } = { data: '' };
      for (const line of buffer.slice(0, end).split('\n')) {
        if (line.startsWith('id: ')) e.id = line.slice(4);
        if (line.startsWith('data: ')) e.data += line.slice(6);
      }
      seen.push(e);
      buffer = buffer.slice(end + 2);
    }
  }
  await reader.cancel().catch(() => {});
  return seen;
}

describe('attack: resumable call streams', () => {
  let d: TestDaemon;
  let alpha: string;
  let beta: string;
  let n = 100;

  before(async () => {
    const dir = tempDir('gh-red13-streams-');
    const script = join(dir, 'secrets.mjs');
    writeFileSync(script, SERVER);
    const server = { id: 's', transport: { type: 'stdio', command: process.execPath, args: [script] } };
    d = await startDaemon({
      bundle: writeBundle({ schemaVersion: 1, name: 'red-streams', version: 1, servers: [server], settings: { naming: 'passthrough' } }),
    });
    await serversReady(d);
    alpha = await d.agentToken('alpha');
    beta = await d.agentToken('beta');
  });
  after(() => d?.stop());

  /** Starts a call whose stream is dropped after its first events; its answer comes while no one holds the stream. */
  async function dropped(session: Session, owner: string, ms = 300, padKb = 0): Promise<string> {
    const drop = new AbortController();
    const id = ++n;
    const res = await session.post(
      { jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'secret', arguments: { owner, ms, padKb }, _meta: { progressToken: id } } },
      drop.signal,
    );
    const first = await events(res, (e) => e.length >= 2);
    drop.abort();
    assert.equal(first[0]!.data, '', 'primed');
    return first[1]!.id!;
  }

  const resume = (session: Session, lastEventId: string, headers: Record<string, string> = {}) =>
    fetch(d.url, { method: 'GET', headers: { ...session.headers, accept: 'text/event-stream', 'last-event-id': lastEventId, ...headers } });

  it("gives another session of the same agent its own stream or nothing, never the first session's answer", async () => {
    const a = await legacySession(d.url, alpha, {});
    const b = await legacySession(d.url, alpha, {});
    const lastA = await dropped(a, 'session-a');
    await new Promise((r) => setTimeout(r, 600));
    // b has no stream of that number yet.
    const nothing = await resume(b, lastA);
    assert.equal(nothing.status, 404);
    assert.doesNotMatch(await nothing.text(), /secret of/);
    // Now b has a stream numbered as a's: naming it reaches b's own.
    const lastB = await dropped(b, 'session-b');
    assert.equal(lastB, lastA, 'stream ids are per session, so they collide');
    await new Promise((r) => setTimeout(r, 600));
    const own = (await events(await resume(b, 'p1.0'))).map((e) => e.data).join('\n');
    assert.match(own, /secret of session-b/);
    assert.doesNotMatch(own, /session-a/);
    // a still gets its own.
    assert.match((await events(await resume(a, lastA))).map((e) => e.data).join('\n'), /secret of session-a/);
  });

  it("does not let another agent resume a session's stream with its session id", async () => {
    const a = await legacySession(d.url, alpha, {});
    const last = await dropped(a, 'alpha-only');
    await new Promise((r) => setTimeout(r, 600));
    const thief = await resume(a, last, { authorization: `Bearer ${beta}` });
    assert.equal(thief.status, 404);
    assert.doesNotMatch(await thief.text(), /alpha-only/);
    assert.match((await events(await resume(a, last))).map((e) => e.data).join('\n'), /secret of alpha-only/);
  });

  it('keeps what a session holds for its dropped streams within a budget: the oldest large answers go first (red team)', async () => {
    const a = await legacySession(d.url, alpha, {});
    const ids: string[] = [];
    for (const owner of ['big-1', 'big-2', 'big-3']) {
      ids.push(await dropped(a, owner, 100, 1500));
      await waitFor(async () => (await d.control<{ servers: { inflight: number }[] }>('/servers')).body.servers[0]!.inflight === 0, 10_000, 'the answer');
    }
    // 4.5 MB of answers against a 4 MB budget: the first stream's answer was let go, the last is whole.
    const oldest = await resume(a, ids[0]!);
    assert.equal(oldest.status, 404);
    const newest = (await events(await resume(a, ids[2]!))).map((e) => e.data).join('');
    assert.match(newest, /secret of big-3 x{1536000}/);
  });

  it('replays a finished stream once: a second resume finds it gone', async () => {
    const a = await legacySession(d.url, alpha, {});
    const last = await dropped(a, 'once');
    await new Promise((r) => setTimeout(r, 600));
    assert.match((await events(await resume(a, last))).map((e) => e.data).join('\n'), /secret of once/);
    const again = await resume(a, last);
    assert.equal(again.status, 404);
    assert.doesNotMatch(await again.text(), /secret of once/);
  });

  it('answers guessed and malformed event ids with nothing of any stream', async () => {
    const a = await legacySession(d.url, alpha, {});
    await dropped(a, 'guess-me');
    await new Promise((r) => setTimeout(r, 600));
    for (const id of ['p0.0', 'p2.0', 'p999999999.0', 'p1.-1', 'p1.0x', 'p1e0.0', 'p 1.0', `p1.${'9'.repeat(16)}`, 'p', '__proto__', 'p1.0.0']) {
      // A 200 is the session's own GET stream (the id names no call stream): whatever it sends in a moment, none of the call's answer.
      const got = await fetch(d.url, {
        method: 'GET',
        headers: { ...a.headers, accept: 'text/event-stream', 'last-event-id': id },
        signal: AbortSignal.timeout(400),
      });
      assert.ok([200, 404, 409].includes(got.status), `${id}: ${got.status}`);
      const text = await got.text().catch(() => '');
      assert.doesNotMatch(text, /guess-me/, id);
    }
    // The real id still works: nothing above consumed it.
    assert.match((await events(await resume(a, 'p1.1'))).map((e) => e.data).join('\n'), /secret of guess-me/);
  });

  it('ends a resumed stream when its session is deleted: no answer comes, and the stream is gone', async () => {
    const a = await legacySession(d.url, alpha, {});
    const last = await dropped(a, 'long', 30_000);
    const resumed = await resume(a, last);
    assert.equal(resumed.status, 200);
    const reading = events(resumed);
    const gone = await fetch(d.url, { method: 'DELETE', headers: a.headers });
    assert.equal(gone.status, 200);
    const seen = await reading;
    assert.ok(!seen.some((e) => /secret of long/.test(e.data)));
    assert.equal((await resume(a, last)).status, 404);
  });
});
