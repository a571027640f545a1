// Hostile peers, one class of attack per test: the daemon stays up, answers every
// request (with an error when it must), records every forwarded call once, and its
// data dir always starts again. Each test failed on the code before issue 11.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { AuditRecord } from '../../shared/audit/record.ts';
import { stdioClient } from '../helpers/clients.ts';
import { CLI, startDaemon, stdioServer, waitFor, writeBundle, type TestDaemon } from '../helpers/daemon.ts';
import { INIT, rawPost, rawSocketClient, rssMb, type RawLineClient } from '../helpers/raw.ts';

const run = promisify(execFile);
const gatehouse = (args: string[]) =>
  run(process.execPath, [CLI, ...args], { maxBuffer: 64 * 1024 * 1024 }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
const PROTOTYPE_NAMES = [
  '__proto__',
  'constructor',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  '__defineGetter__',
  'propertyIsEnumerable',
  'toLocaleString',
];
const bundle = (extra: Record<string, unknown> = {}) =>
  writeBundle({ schemaVersion: 1, name: 'hostile', servers: [stdioServer('h', 'hostile-server.ts', { callTimeoutMs: 1500 })], ...extra });
type Answer = { id?: unknown; result?: { content?: { text?: string }[] }; error?: { code: number; message: string } };

describe('hostile peers', () => {
  let d: TestDaemon;
  let raw: RawLineClient;
  let nextId = 1;
  const call = (name: string, args: Record<string, unknown>, timeoutMs?: number) =>
    raw.request({ id: nextId++, method: 'tools/call', params: { name, arguments: args } }, timeoutMs) as Promise<Answer>;
  const echo = async () => assert.equal((await call('h__echo', { text: 'still here' })).result?.content?.[0]?.text, 'still here');
  const records = async (query: string) => (await d.control<{ records: { record: AuditRecord }[] }>(`/audit?${query}`)).body.records.map((r) => r.record);

  before(async () => {
    d = await startDaemon({ bundle: bundle() });
    raw = await rawSocketClient(d.socket, 'attacker');
    await raw.request({ id: 0, ...INIT });
    raw.line('{"jsonrpc":"2.0","method":"notifications/initialized"}');
  });
  after(async () => {
    raw?.close();
    await d?.stop();
  });

  it('answers methods named after prototype properties as unknown, over the socket and HTTP', async () => {
    for (const method of PROTOTYPE_NAMES) {
      const answer = (await raw.request({ id: `p-${method}`, method })) as Answer;
      assert.equal(answer.error?.code, -32601, method);
      raw.line(JSON.stringify({ jsonrpc: '2.0', method }));
    }
    const token = await d.agentToken('http-attacker');
    const init = await rawPost(d.url, token, JSON.stringify({ jsonrpc: '2.0', id: 1, ...INIT }));
    const session = init.headers.get('mcp-session-id')!;
    for (const method of PROTOTYPE_NAMES) {
      const r = await rawPost(d.url, token, JSON.stringify({ jsonrpc: '2.0', id: 2, method }), { 'mcp-session-id': session });
      assert.equal((JSON.parse(r.text) as Answer).error?.code, -32601, method);
    }
    await echo();
  });

  it('turns malformed answers and prototype-named notifications from an upstream into clean errors', async () => {
    const cases = [
      '{"jsonrpc":"2.0","id":$ID,"error":null}',
      '{"jsonrpc":"2.0","id":$ID,"error":"boom"}',
      '{"jsonrpc":"2.0","id":$ID,"error":{"code":"x"}}',
      '{"jsonrpc":"2.0","id":$ID,"result":null}',
      '{"jsonrpc":"2.0","id":$ID,"result":5}',
      '{"jsonrpc":"2.0","id":$ID,"result":[]}',
    ];
    const noise = PROTOTYPE_NAMES.map((m) => JSON.stringify({ jsonrpc: '2.0', method: m, params: {} }));
    noise.push(
      '{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":{"toString":1}}}',
      '{"jsonrpc":"2.0","id":"r","method":"__proto__"}',
      '{"jsonrpc":"2.0","id":999999,"result":{}}',
    );
    for (const bad of cases) {
      const answer = await call('h__misbehave', { lines: [...noise, bad] });
      assert.equal(answer.error?.code, -32603, bad);
      assert.match(answer.error!.message, /server "h" sent a malformed answer/);
    }
    await echo();
    const recorded = await records('tool=h__misbehave');
    assert.equal(recorded.length, cases.length, 'each malformed answer is one call record');
    assert.ok(recorded.every((r) => r.outcome === 'error' && r.error?.includes('malformed')));
  });

  it('answers and records a call whose result content is hostile (null items, non-string types and texts)', async () => {
    const answer = await call('h__misbehave', {
      lines: ['{"jsonrpc":"2.0","id":$ID,"result":{"content":[null,5,{"type":{"x":1},"text":{"toString":1}},{"type":"text","text":"fine"}]}}'],
    });
    assert.ok(answer.result, 'the answer reaches the agent');
    const recorded = (await records('tool=h__misbehave')).filter((r) => r.outcome === 'ok');
    assert.equal(recorded.length, 1, 'and is recorded once');
    assert.equal(recorded[0]!.result?.excerpt, 'fine');
    assert.deepEqual(recorded[0]!.result?.contentTypes, ['resource', 'text']);
  });

  it("keeps an agent's odd declarations from breaking sampling, status and the dashboard", async () => {
    const odd = await rawSocketClient(d.socket, 'odd');
    await odd.request({ id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: 5, clientInfo: 'x' } });
    // A sampling request from the server goes to the agent with a call running: this one.
    const pending = odd.request({
      id: 2,
      method: 'tools/call',
      params: {
        name: 'h__misbehave',
        arguments: {
          lines: ['{"jsonrpc":"2.0","id":"s1","method":"sampling/createMessage","params":{}}', '{"jsonrpc":"2.0","id":$ID,"result":{"content":[]}}'],
        },
      },
    });
    assert.ok(((await pending) as Answer).result);
    const status = await gatehouse(['status', '--data-dir', d.dataDir]);
    assert.equal(status.code, 0, status.stderr);
    assert.equal((await d.control('/status')).status, 200);
    const token = (await odd.request(
      { id: 3, method: 'tools/call', params: { name: 'h__echo', arguments: {}, _meta: { progressToken: { a: 1 } } } },
      3000,
    )) as Answer;
    assert.equal(token.error?.code, -32602, 'a progress token the upstream cannot echo is refused at once, not after the call timeout');
    const meta = (await odd.request({ id: 4, method: 'tools/call', params: { name: 'h__echo', arguments: {}, _meta: 'x' } }, 3000)) as Answer;
    assert.equal(meta.error?.code, -32602);
    odd.close();
    await echo();
  });

  it("records calls the agent cancelled or left, with the server's late answer, and calls that timed out", async () => {
    const id = nextId++;
    raw.line(JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'h__slow', arguments: { ms: 300 } } }));
    await new Promise((r) => setTimeout(r, 50));
    raw.line(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id, reason: 'user pressed stop' } }));
    const cancelled = await waitFor(async () => (await records('tool=h__slow')).find((r) => r.outcome === 'cancelled'), 5000, "the cancelled call's record");
    assert.equal((cancelled.detail as { lateAnswer: string }).lateAnswer, 'ok', 'the server answered after the agent gave up');
    assert.equal(raw.received.filter((m) => m.id === id).length, 0, 'a cancelled call is not answered');

    const leaver = await rawSocketClient(d.socket, 'leaver');
    await leaver.request({ id: 1, ...INIT });
    leaver.line(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'h__slow', arguments: { ms: 200 } } }));
    await new Promise((r) => setTimeout(r, 50));
    leaver.close();
    const left = await waitFor(async () => (await records('agent=leaver')).find((r) => r.type === 'tools/call'), 5000, "the disconnected call's record");
    assert.equal(left.outcome, 'disconnected');

    const slow = await call('h__slow', { ms: 2500 }, 5000);
    assert.equal(slow.error?.code, -32001);
    const timedOut = await waitFor(async () => (await records('tool=h__slow')).find((r) => r.outcome === 'timeout'), 5000, "the timed-out call's record");
    assert.equal(timedOut.agent, 'attacker');
  });

  it('stops reading from an agent that never reads its answers', async () => {
    const hog = await rawSocketClient(d.socket, 'hog');
    await hog.request({ id: 0, ...INIT });
    hog.socket.pause();
    const before = rssMb(d.proc.pid!);
    const big = 'x'.repeat(20_000);
    const line = (i: number) => `${JSON.stringify({ jsonrpc: '2.0', id: i, method: 'tools/call', params: { name: 'h__echo', arguments: { text: big } } })}\n`;
    // 10,000 answers of 20 KB would be 200 MB queued in the daemon without backpressure.
    let i = 0;
    await new Promise<void>((resolve) => {
      const pump = () => {
        while (i < 10_000) {
          if (!hog.socket.write(line(i++))) {
            hog.socket.once('drain', pump);
            setTimeout(resolve, 2000);
            return;
          }
        }
        resolve();
      };
      pump();
    });
    await new Promise((r) => setTimeout(r, 500));
    const grown = rssMb(d.proc.pid!) - before;
    assert.ok(i < 10_000, `the daemon stopped reading (all ${i} requests were accepted)`);
    assert.ok(grown < 100, `RSS grew by ${grown.toFixed(0)} MB`);
    hog.close();
    await echo();
  });

  it('caps the HTTP sessions one token can hold, evicting the least recently used idle one', async () => {
    const token = await d.agentToken('session-hoarder');
    const ids: string[] = [];
    for (let k = 0; k < 40; k++) {
      const r = await rawPost(d.url, token, JSON.stringify({ jsonrpc: '2.0', id: 1, ...INIT }));
      assert.equal(r.status, 200);
      ids.push(r.headers.get('mcp-session-id')!);
    }
    const agents = (await d.control<{ agents: { agent: string }[] }>('/agents')).body.agents.filter((a) => a.agent === 'session-hoarder');
    assert.equal(agents.length, 32);
    const oldest = await rawPost(d.url, token, JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping' }), { 'mcp-session-id': ids[0]! });
    assert.equal(oldest.status, 404, 'the oldest idle session was evicted');
    const newest = await rawPost(d.url, token, JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping' }), { 'mcp-session-id': ids[39]! });
    assert.equal(newest.status, 200);
  });

  it('keeps a record cut inside an emoji well-formed, and the data dir starts again', async () => {
    const text = `${'a'.repeat(199)}😀 and more`;
    assert.equal((await call('h__echo', { text })).result?.content?.[0]?.text, text);
    const lone = await call('h__echo', { text: 'lone \uD800 surrogate' });
    assert.ok(lone.result, 'a lone surrogate is relayed');
    await echo();
    raw.close();
    assert.equal(await d.stop(), 0);
    d = await startDaemon({ bundle: bundle(), dataDir: d.dataDir });
    raw = await rawSocketClient(d.socket, 'attacker');
    await raw.request({ id: 0, ...INIT });
    const verify = await gatehouse(['audit', 'verify', '--data-dir', d.dataDir]);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    const excerpt = (await records('tool=h__echo')).find((r) => r.result?.excerpt.startsWith('aaa'))!.result!.excerpt;
    assert.equal(excerpt, 'a'.repeat(199), 'cut before the emoji, not inside it');
  });

  it('replays or sets aside any journal content, and always starts', async () => {
    raw.close();
    await d.stop('SIGKILL');
    const journal = join(d.dataDir, 'audit.journal');
    const db = readFileSync(journal, 'utf8');
    const next = (await gatehouse(['audit', 'export', '--data-dir', d.dataDir])).stdout.split('\n').filter(Boolean).length + 1;
    const good = {
      id: 'x1',
      ts: new Date().toISOString(),
      type: 'tools/call',
      correlationId: 'c',
      user: 'u',
      agent: 'a',
      clientInfo: null,
      server: 'h',
      tool: 'h__echo',
      decision: null,
      outcome: 'ok',
      error: null,
      latencyMs: 1,
      result: null,
      bundleVersion: 0,
    };
    writeFileSync(
      journal,
      `${db}${next}\t${JSON.stringify({ ...good, tool: 'lone \uDC00' })}\n${next + 1}\t{"not":"a record"}\n${next + 2}\t[1,2]\n${next + 3}\t${JSON.stringify(good)}\nnot even a line\n${next + 4}\t{"torn`,
    );
    d = await startDaemon({ bundle: bundle(), dataDir: d.dataDir });
    raw = await rawSocketClient(d.socket, 'attacker');
    await raw.request({ id: 0, ...INIT });
    const verify = await gatehouse(['audit', 'verify', '--data-dir', d.dataDir]);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    const all = (await gatehouse(['audit', 'export', '--data-dir', d.dataDir])).stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as AuditRecord);
    assert.ok(
      all.some((r) => r.tool === 'lone \uFFFD'),
      'the record with a lone surrogate was kept, made well-formed',
    );
    assert.equal(
      all.filter((r) => r.type === 'integrity' && r.error?.includes('not a readable record')).length,
      2,
      'each unreadable entry is replaced by an integrity record',
    );
    assert.ok(
      all.some((r) => r.id === 'x1' && r.tool === 'h__echo'),
      'records after a bad entry are not lost',
    );
    assert.ok(all.some((r) => r.type === 'integrity' && r.error?.includes('set aside')));
    await echo();
  });
});

describe('the stdio bridge when its daemon dies', () => {
  it("answers the call in flight with an error, says so, and carries the IDE's session over to a new daemon", async () => {
    let d = await startDaemon({ bundle: bundle() });
    const client = await stdioClient(d.dataDir, 'survivor', {}, ['--no-start']);
    try {
      const echoText = async () =>
        ((await client.callTool({ name: 'h__echo', arguments: { text: 'hi' } })) as { content: { text: string }[] }).content[0]!.text;
      assert.equal(await echoText(), 'hi');
      const inFlight = client.callTool({ name: 'h__slow', arguments: { ms: 5000 } });
      // Handled before the kill: the bridge's error can arrive before stop() resolves.
      const failed = assert.rejects(inFlight, /daemon went away/);
      await new Promise((r) => setTimeout(r, 200));
      await d.stop('SIGKILL');
      await failed;
      d = await startDaemon({ bundle: bundle(), dataDir: d.dataDir });
      // The same client, without a new initialize: the bridge replayed its own.
      assert.equal(
        await waitFor(
          async () => {
            try {
              return await echoText();
            } catch {
              return undefined;
            }
          },
          20_000,
          'a call through the reconnected bridge',
        ),
        'hi',
      );
    } finally {
      await client.close().catch(() => {});
      await d.stop();
    }
  });
});
