// Red team, 2026-12-02: values a peer chooses that JSON.parse reads but the daemon could
// not write again or chain. An upstream's error `data` nested 6,000 deep stopped the
// daemon (JSON.stringify overflowed its stack in the audit log's commit, a microtask);
// a result nested as deep left its call unanswered and unrecorded; an agent's arguments
// with a lone surrogate 70 levels deep kept every later record out of the hash chain,
// and the data dir from starting again. Each costs its own request now, nothing more.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { AuditRecord } from '../../shared/audit/record.ts';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, FIXTURES, startDaemon, stdioServer, tempDir, waitFor, writeBundle, type TestDaemon } from '../helpers/daemon.ts';
import { INIT, rawSocketClient, rssMb, type RawLineClient } from '../helpers/raw.ts';

const run = promisify(execFile);
const gatehouse = (args: string[]) =>
  run(process.execPath, [CLI, ...args], { maxBuffer: 64 * 1024 * 1024 }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
/** JSON text nested `depth` arrays deep: JSON.parse reads it, JSON.stringify overflows past some thousands. */
const nested = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;
type Answer = { id?: unknown; result?: { content?: { text?: string }[] }; error?: { code: number; message: string } };

describe('attack: values nested deeper than the daemon can write again', () => {
  const bundle = writeBundle({ schemaVersion: 1, name: 'red15', servers: [stdioServer('h', 'hostile-server.ts', { callTimeoutMs: 4000 })] });
  let d: TestDaemon;
  let raw: RawLineClient;
  let nextId = 1;
  const call = (name: string, args: Record<string, unknown>) =>
    raw.request({ id: nextId++, method: 'tools/call', params: { name, arguments: args } }, 8000) as Promise<Answer>;
  const echo = async () => assert.equal((await call('h__echo', { text: 'still here' })).result?.content?.[0]?.text, 'still here');
  const records = async () => (await d.control<{ records: { record: AuditRecord }[] }>('/audit?tool=h__misbehave')).body.records.map((r) => r.record);

  before(async () => {
    d = await startDaemon({ bundle });
    raw = await rawSocketClient(d.socket, 'deep');
    await raw.request({ id: 0, ...INIT });
    raw.line('{"jsonrpc":"2.0","method":"notifications/initialized"}');
  });
  after(async () => {
    raw?.close();
    if (d?.proc.exitCode === null) await d.stop('SIGKILL');
  });

  it("an upstream's error data nested 6,000 deep gets its call an error and a record, and the daemon stays up", async () => {
    const answer = await call('h__misbehave', { lines: [`{"jsonrpc":"2.0","id":$ID,"error":{"code":-32000,"message":"deep","data":${nested(6000)}}}`] });
    assert.equal(answer.error?.code, -32603, JSON.stringify(answer).slice(0, 300));
    assert.match(answer.error!.message, /could not send this answer/);
    assert.equal(d.proc.exitCode, null, 'the daemon is still running');
    await echo();
    assert.ok(
      (await records()).some((r) => r.outcome === 'error' && r.error === 'deep'),
      'the call is recorded with the server error',
    );
  });

  it("a server's question nested 6,000 deep is answered with an error at once, not left to the server's timeout", async () => {
    const asker = await rawSocketClient(d.socket, 'asked');
    await asker.request({
      id: 0,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: { elicitation: {} }, clientInfo: { name: 'a', version: '1' } },
    });
    asker.line('{"jsonrpc":"2.0","method":"notifications/initialized"}');
    const started = Date.now();
    const answer = (await asker.request(
      {
        id: 1,
        method: 'tools/call',
        params: {
          name: 'h__misbehave',
          arguments: {
            lines: [
              `{"jsonrpc":"2.0","id":"q-deep","method":"elicitation/create","params":{"message":"m","requestedSchema":${nested(6000)}}}`,
              '{"jsonrpc":"2.0","id":$ID,"result":{"content":[]}}',
            ],
          },
        },
      },
      8000,
    )) as Answer;
    assert.ok(answer.result, JSON.stringify(answer).slice(0, 300));
    const seen = await waitFor(
      async () => {
        const got = (await asker.request({ id: nextId++, method: 'tools/call', params: { name: 'h__answers', arguments: {} } }, 8000)) as Answer;
        const list = JSON.parse(got.result?.content?.[0]?.text ?? '[]') as { id?: unknown; error?: { code: number; message: string } }[];
        return list.find((a) => a.id === 'q-deep');
      },
      3000,
      "the server's answer to its deep question",
    );
    assert.equal(seen.error?.code, -32602, JSON.stringify(seen));
    assert.match(seen.error!.message, /could not be encoded/);
    assert.ok(Date.now() - started < 3500, "answered before the server's 4 s call timeout");
    assert.equal(asker.received.filter((m) => (m as { method?: string }).method === 'elicitation/create').length, 0, 'the agent is not sent a broken question');
    asker.close();
    await echo();
  });

  it('an upstream result nested 6,000 deep is answered as an error and recorded, not left hanging', async () => {
    const answer = await call('h__misbehave', { lines: [`{"jsonrpc":"2.0","id":$ID,"result":{"content":[],"structuredContent":{"x":${nested(6000)}}}}`] });
    assert.equal(answer.error?.code, -32603, JSON.stringify(answer).slice(0, 300));
    assert.match(answer.error!.message, /could not be encoded again/);
    await echo();
    assert.ok(
      (await records()).some((r) => r.outcome === 'error' && /could not be encoded again/.test(String(r.error))),
      'the call is recorded',
    );
  });

  it("an agent's lone surrogate 70 levels deep in its arguments is recorded, the chain verifies, and the data dir starts again", async () => {
    const deep = `${'{"a":'.repeat(70)}"lone \\ud800"${'}'.repeat(70)}`;
    const id = 'lone-deep';
    const answered = new Promise<Answer>((resolve) => {
      const timer = setInterval(() => {
        const m = raw.received.find((r) => r.id === id);
        if (m) {
          clearInterval(timer);
          resolve(m as Answer);
        }
      }, 20);
    });
    raw.line(`{"jsonrpc":"2.0","id":"${id}","method":"tools/call","params":{"name":"h__echo","arguments":{"text":"deep","d":${deep}}}}`);
    assert.equal((await answered).result?.content?.[0]?.text, 'deep');
    await echo();
    raw.close();
    assert.equal(await d.stop(), 0, `the daemon stops cleanly: ${d.stderr.join('').slice(-600)}`);
    assert.doesNotMatch(d.stderr.join(''), /Lone surrogate/, 'every save succeeded');
    const verify = await gatehouse(['audit', 'verify', '--data-dir', d.dataDir]);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    d = await startDaemon({ bundle, dataDir: d.dataDir });
    raw = await rawSocketClient(d.socket, 'deep');
    await raw.request({ id: 0, ...INIT });
    const calls = (await d.control<{ records: { record: AuditRecord }[] }>('/audit?tool=h__echo')).body.records.map((r) => r.record);
    const kept = calls.find((r) => JSON.stringify(r.arguments ?? null).includes('lone \uFFFD'));
    assert.ok(kept, 'the call is in the log, its lone surrogate made U+FFFD');
    await echo();
  });
});

describe('attack: a denied call with arguments nested 6,000 deep, sent while the servers first start', () => {
  it('is refused and recorded as a denial, and the daemon stays up', async () => {
    // The server takes 2 s to start, so the call waits for the first start and is handled in a promise's callback.
    const script = join(FIXTURES, 'servers', 'hostile-server.ts');
    const slow = { id: 'h', transport: { type: 'stdio', command: '/bin/sh', args: ['-c', `sleep 2; exec "${process.execPath}" "${script}"`] } };
    const policies = {
      rules: [
        { id: 'no-echo', effect: 'deny', servers: ['h'], tools: ['echo'] },
        { id: 'allow-all', effect: 'allow' },
      ],
    };
    const d = await startDaemon({ bundle: writeBundle({ schemaVersion: 1, name: 'red15-deny', servers: [slow], policies }) });
    try {
      const raw = await rawSocketClient(d.socket, 'deep-denied');
      await raw.request({ id: 0, ...INIT });
      raw.line('{"jsonrpc":"2.0","method":"notifications/initialized"}');
      raw.line(`{"jsonrpc":"2.0","id":"denied","method":"tools/call","params":{"name":"h__echo","arguments":{"text":"x","d":${nested(6000)}}}}`);
      const answer = await new Promise<Answer>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no answer; daemon ${d.proc.exitCode === null ? 'up' : 'exited'}: ${d.stderr.join('').slice(-800)}`)),
          15_000,
        );
        const poll = setInterval(() => {
          const m = raw.received.find((r) => r.id === 'denied');
          if (!m) return;
          clearInterval(poll);
          clearTimeout(timer);
          resolve(m as Answer);
        }, 20);
      });
      assert.ok(answer.error, JSON.stringify(answer).slice(0, 300));
      assert.equal(d.proc.exitCode, null, 'the daemon is still running');
      const ok = (await raw.request({
        id: 1,
        method: 'tools/call',
        params: { name: 'h__misbehave', arguments: { lines: ['{"jsonrpc":"2.0","id":$ID,"result":{"content":[]}}'] } },
      })) as Answer;
      assert.ok(ok.result, 'other calls go on');
      const denials = (await d.control<{ records: { record: AuditRecord }[] }>('/audit?tool=h__echo')).body.records.map((r) => r.record);
      assert.ok(
        denials.some((r) => r.outcome === 'denied' && r.type === 'denial'),
        'the denial is recorded',
      );
      raw.close();
    } finally {
      // A daemon that already died would never report its exit again.
      if (d.proc.exitCode === null) await d.stop('SIGKILL');
    }
  });
});

/**
 * A server whose tools/list never ends (`env` picks the kind of page) is refused with a message matching `refused`, and
 * the daemon stays small and serves its other server.
 */
async function endlessListRefused(id: string, env: Record<string, string>, refused: RegExp): Promise<void> {
  const pager = stdioServer(id, 'red-peer-server.ts') as { transport: Record<string, unknown> };
  pager.transport.env = env;
  const d = await startDaemon({ bundle: writeBundle({ schemaVersion: 1, name: `red-${id}`, servers: [stdioServer('h', 'hostile-server.ts'), pager] }) });
  try {
    const status = await waitFor(
      async () => {
        const servers = (await d.control<{ servers: { id: string; lastError: string | null }[] }>('/servers')).body.servers;
        return servers.find((s) => s.id === id && refused.test(s.lastError ?? ''));
      },
      30_000,
      `the endless list of ${id} to be refused`,
    );
    assert.ok(status);
    let peak = 0;
    for (let i = 0; i < 8; i++) {
      peak = Math.max(peak, rssMb(d.proc.pid!));
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.ok(peak < 700, `RSS peaked at ${peak.toFixed(0)} MB`);
    const raw = await rawSocketClient(d.socket, `${id}-watcher`);
    await raw.request({ id: 0, ...INIT });
    const echo = (await raw.request({ id: 1, method: 'tools/call', params: { name: 'h__echo', arguments: { text: 'up' } } })) as Answer;
    assert.equal(echo.result?.content?.[0]?.text, 'up');
    raw.close();
  } finally {
    if (d.proc.exitCode === null) await d.stop('SIGKILL');
  }
}

describe('attack: a tools/list whose pages never end', () => {
  it('is refused past 100,000 items, and the daemon stays small and serves the other server', async () => {
    // 40,000 small tools a page (1 MB), always under the same cursor: the daemon grew by 40 MB a second until the start timeout.
    await endlessListRefused('pager', { RED_PAGES: '1', RED_PAGE_TOOLS: '40000' }, /more than 100000 items/);
  });

  it('of one huge tool a page is refused past 64 M characters, and the daemon stays small', async () => {
    // 8 MB pages of one tool each: 100,000 items are never reached, and a thousand pages would have been kept in full
    // (8 GB) before the page limit.
    await endlessListRefused('bigpager', { RED_BIG_PAGE: String(8 * 1024 * 1024) }, /more than 64 M characters/);
  });
});

describe("attack: a server's initialize result of odd shapes and sizes", () => {
  it("costs nothing but its own odd fields: the status, the CLI and every agent's initialize still work", async () => {
    const dir = tempDir('gh-red15-');
    const odd: Record<string, string> = {
      // Before: GET /servers (and so `gatehouse status` and the dashboard) was a 500 for every server.
      deepinfo: `{"serverInfo":{"name":"deep","deep":${nested(6000)}}}`,
      // Before: every agent's initialize and server/discover failed, as the extension's settings are relayed to agents.
      deepcaps: `{"capabilities":{"tools":{},"logging":${nested(6000)},"extensions":{"a/b":{"x":${nested(6000)}},"c/d":{"ok":true}}}}`,
      protoinfo: `{"protocolVersion":"${'v'.repeat(2_000_000)}","serverInfo":{"__proto__":{"polluted":1},"name":{"toString":1},"version":"1"}}`,
    };
    const servers = Object.entries(odd).map(([id, init]) => {
      const server = stdioServer(id, 'red-peer-server.ts') as { transport: Record<string, unknown> };
      writeFileSync(join(dir, `${id}.json`), init);
      server.transport.env = { RED_INIT_FILE: join(dir, `${id}.json`) };
      return server;
    });
    const d = await startDaemon({ bundle: writeBundle({ schemaVersion: 1, name: 'red15-init', servers }) });
    try {
      type Server = { id: string; state: string; protocolVersion: string | null; serverInfo: Record<string, unknown> | null };
      const all = await waitFor(
        async () => {
          const r = await d.control<{ servers?: Server[] }>('/servers');
          assert.equal(r.status, 200, JSON.stringify(r.body).slice(0, 200));
          return r.body.servers?.every((s) => s.state === 'ready') ? r.body.servers : undefined;
        },
        20_000,
        'every odd server to be ready',
      );
      assert.deepEqual(all.find((s) => s.id === 'deepinfo')?.serverInfo, { name: 'deep' });
      const proto = all.find((s) => s.id === 'protoinfo')!;
      assert.deepEqual(proto.serverInfo, { version: '1' });
      assert.ok(proto.protocolVersion!.length <= 64, 'the version is cut');
      const status = await gatehouse(['status', '--data-dir', d.dataDir]);
      assert.equal(status.code, 0, status.stderr);
      const raw = await rawSocketClient(d.socket, 'init-watcher');
      const init = (await raw.request({ id: 0, ...INIT })) as { result?: { capabilities?: { extensions?: Record<string, unknown> } } };
      assert.deepEqual(init.result?.capabilities?.extensions, { 'c/d': { ok: true } }, 'the small extension is relayed, the deep one is not');
      const discover = (await raw.request({ id: 1, method: 'server/discover' })) as Answer;
      assert.ok(!discover.error, JSON.stringify(discover).slice(0, 200));
      raw.close();
    } finally {
      if (d.proc.exitCode === null) await d.stop('SIGKILL');
    }
  });
});

describe('attack: one tool nested 6,000 deep in a first sight on the scan workers', () => {
  it('costs its own chunk a judging on the loop: the other tools stay on the workers, and the deep one is not listed', async () => {
    // 1,000 plain tools and the deep one: past 256 new tools the gate judges them on its workers.
    const deep = stdioServer('deep', 'red-peer-server.ts') as { transport: Record<string, unknown> };
    deep.transport.env = { RED_DEEP_COUNT: '1000', RED_DEEP_DEPTH: '6000' };
    const d = await startDaemon({ bundle: writeBundle({ schemaVersion: 1, name: 'red15-deep-tool', servers: [stdioServer('h', 'hostile-server.ts'), deep] }) });
    try {
      const raw = await rawSocketClient(d.socket, 'deep-lister');
      await raw.request({ id: 0, ...INIT });
      const names = await waitFor(
        async () => {
          const tools =
            ((await raw.request({ id: `l${Date.now()}`, method: 'tools/list' })) as { result?: { tools?: { name: string }[] } }).result?.tools ?? [];
          const plain = tools.filter((t) => /^deep__t\d+$/.test(t.name)).length;
          return plain === 1000 ? tools.map((t) => t.name) : undefined;
        },
        60_000,
        'the 1,000 plain tools to be judged',
      );
      assert.ok(!names.includes('deep__deep'), 'the deep tool is not listed');
      // Before: postMessage could not clone the deep chunk, and the whole list went to the main thread.
      assert.doesNotMatch(d.stderr.join(''), /scan workers failed/, d.stderr.join('').slice(-800));
      assert.equal(d.proc.exitCode, null);
      const echo = (await raw.request({ id: 'e', method: 'tools/call', params: { name: 'h__echo', arguments: { text: 'up' } } })) as Answer;
      assert.equal(echo.result?.content?.[0]?.text, 'up');
      raw.close();
    } finally {
      if (d.proc.exitCode === null) await d.stop('SIGKILL');
    }
  });
});

describe('attack: a tool nested 6,000 deep held in the list, beside one that changes silently', () => {
  it('neither restarts the server for ever nor stops the background re-read from catching the silent change', async () => {
    const server = stdioServer('shift', 'red-peer-server.ts') as { transport: Record<string, unknown> };
    server.transport.env = { RED_DEEP_COUNT: '0', RED_DEEP_DEPTH: '6000', RED_SHIFTY: '1' };
    const d = await startDaemon({ bundle: writeBundle({ schemaVersion: 1, name: 'red15-shifty', servers: [server] }) });
    try {
      const raw = await rawSocketClient(d.socket, 'shift-lister');
      await raw.request({ id: 0, ...INIT });
      // Before: hashing the deep tool threw out of the pin gate as the server went ready, and it was restarted in a loop.
      // And listing tools re-reads the server's list in the background (at most every 2 s): the comparison with the
      // held list threw on the deep tool, so the re-read failed every time and the changed description was never seen.
      const change = await waitFor(
        async () => {
          await raw.request({ id: `l${Date.now()}`, method: 'tools/list' });
          const pending = (await d.control<{ pending: { tool: string }[] }>('/pending')).body.pending;
          return pending.find((p) => p.tool === 'shifty');
        },
        20_000,
        'the silent change to be caught and held for review',
      );
      assert.ok(change);
      const state = (await d.control<{ servers: { state: string; restarts: number }[] }>('/servers')).body.servers[0];
      assert.equal(state?.state, 'ready');
      assert.equal(state?.restarts, 0, 'the server was not restarted for its deep tool');
      raw.close();
    } finally {
      if (d.proc.exitCode === null) await d.stop('SIGKILL');
    }
  });
});

describe('attack: an agent that subscribes without end', () => {
  it('is refused past 1,024 subscriptions a session and URIs over 8,192 characters; unsubscribing makes room', async () => {
    const d = await startDaemon({ bundle: writeBundle({ schemaVersion: 1, name: 'red15-subs', servers: [stdioServer('f', 'fixture-server.ts')] }) });
    try {
      const raw = await rawSocketClient(d.socket, 'subscriber');
      await raw.request({ id: 0, ...INIT });
      const subscribe = (id: number, uri: string) => raw.request({ id, method: 'resources/subscribe', params: { uri } }, 20_000) as Promise<Answer>;
      // Before: every one was kept until the agent left, whatever its number or size (URIs up to the 16 MB message limit).
      const long = await subscribe(1, `test://template/${'x'.repeat(9000)}/data`);
      assert.equal(long.error?.code, -32602, JSON.stringify(long).slice(0, 200));
      for (let i = 0; i < 1024; i++) {
        const ok = await subscribe(10 + i, `test://template/${i}/data`);
        assert.ok(!ok.error, JSON.stringify(ok).slice(0, 200));
      }
      const over = await subscribe(2, 'test://template/one-more/data');
      assert.match(String(over.error?.message), /holds 1024 subscriptions/);
      assert.ok(!(await subscribe(3, 'test://template/0/data')).error, 'the same URI again is no new subscription');
      await raw.request({ id: 4, method: 'resources/unsubscribe', params: { uri: 'test://template/0/data' } });
      assert.ok(!(await subscribe(5, 'test://template/one-more/data')).error, 'unsubscribing made room');
      raw.close();
    } finally {
      if (d.proc.exitCode === null) await d.stop('SIGKILL');
    }
  });
});
