// The control API's live events, the local socket's permissions, pagination of
// large catalogs, and the daemon log's level.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@modelcontextprotocol/client';
import { stdioClient } from '../helpers/clients.ts';
import { CLI, startDaemon, stdioServer, waitFor, writeBundle, type TestDaemon } from '../helpers/daemon.ts';

describe('control API and local socket', () => {
  let daemon: TestDaemon;
  let client: Client | undefined;

  before(async () => {
    daemon = await startDaemon({
      bundle: writeBundle({
        schemaVersion: 1,
        name: 'ctl',
        servers: [stdioServer('a', 'faulty-server.ts'), stdioServer('b', 'faulty-server.ts')],
        settings: { pageSize: 5 },
      }),
    });
  });
  after(async () => {
    await client?.close();
    await daemon.stop();
  });

  it('pauses and resumes all agents', async () => {
    const c = await stdioClient(daemon.dataDir, 'pausable');
    try {
      await waitFor(async () => (await daemon.control<{ servers: { state: string }[] }>('/servers')).body.servers.every((s) => s.state === 'ready'), 10_000);
      assert.equal((await daemon.control<{ paused: boolean }>('/pause', { method: 'POST', body: JSON.stringify({ paused: true }) })).body.paused, true);
      await assert.rejects(c.callTool({ name: 'a__echo', arguments: { message: 'x' } }), /paused by its user/);
      assert.equal((await daemon.control<{ paused: boolean }>('/status')).body.paused, true);
      await daemon.control('/pause', { method: 'POST', body: JSON.stringify({ paused: false }) });
      const r = await c.callTool({ name: 'a__echo', arguments: { message: 'back' } });
      assert.equal((r.content as { text: string }[])[0]!.text, 'back');
    } finally {
      await c.close();
    }
  });

  it('serves the built dashboard at /app/ with a strict CSP, and nothing outside it', async () => {
    const res = await fetch(`http://127.0.0.1:${daemon.port}/app/`);
    if (res.status === 200) {
      assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'self'; connect-src 'self'/);
      assert.match(await res.text(), /<div id="root">/);
    } else {
      assert.match(await res.text(), /not built/);
    }
    const escape = await fetch(`http://127.0.0.1:${daemon.port}/app/..%2f..%2fpackage.json`);
    assert.equal(escape.status, 404);
  });

  it('creates the socket readable and writable by the user only', () => {
    assert.equal(statSync(daemon.socket).mode & 0o777, 0o600);
    assert.equal(statSync(daemon.dataDir).mode & 0o077, 0, 'the data dir is private');
  });

  it('streams live events: agents connecting and servers changing', async () => {
    const res = await fetch(`http://127.0.0.1:${daemon.port}/api/v1/events`, { headers: { authorization: `Bearer ${daemon.controlToken}` } });
    assert.equal(res.headers.get('content-type'), 'text/event-stream');
    const reader = res.body!.getReader();
    const seen: string[] = [];
    const reading = (async () => {
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += new TextDecoder().decode(value);
        for (const m of buffer.matchAll(/^event: (\S+)$/gm)) seen.push(m[1]!);
        buffer = buffer.slice(buffer.lastIndexOf('\n') + 1);
        if (seen.includes('agent-initialized') && seen.includes('server')) return;
      }
    })();
    client = await stdioClient(daemon.dataDir, 'watcher');
    await client.callTool({ name: 'a__crash', arguments: {} }).catch(() => {});
    await Promise.race([reading, new Promise((_, reject) => setTimeout(() => reject(new Error(`events seen: ${seen.join(',')}`)), 10_000))]);
    await reader.cancel();
    assert.ok(seen.includes('agent-connected'));
    assert.ok(seen.includes('agent-initialized'));
    assert.ok(seen.includes('server'));
  });

  it('pages large lists with cursors, and rejects a forged cursor', async () => {
    // The events test crashed server a; wait for its restart.
    await waitFor(
      async () => (await daemon.control<{ servers: { state: string }[] }>('/servers')).body.servers.every((s) => s.state === 'ready'),
      10_000,
      'servers ready',
    );
    const bridge = spawn(process.execPath, [CLI, 'stdio', '--agent', 'pager', '--data-dir', daemon.dataDir], { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = createInterface({ input: bridge.stdout! });
    let id = 0;
    const ask = (method: string, params: Record<string, unknown> = {}) =>
      new Promise<Record<string, unknown>>((resolve) => {
        const want = ++id;
        const onLine = (l: string) => {
          const m = JSON.parse(l);
          if (m.id === want) {
            lines.off('line', onLine);
            resolve(m);
          }
        };
        lines.on('line', onLine);
        bridge.stdin!.write(`${JSON.stringify({ jsonrpc: '2.0', id: want, method, params })}\n`);
      });
    await ask('initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'pager', version: '1' } });
    const all: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = (await ask('tools/list', cursor ? { cursor } : {})).result as { tools: { name: string }[]; nextCursor?: string };
      assert.ok(page.tools.length <= 5, `page of ${page.tools.length}`);
      all.push(...page.tools.map((t) => t.name));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    assert.ok(pages > 2, `${pages} pages`);
    assert.equal(new Set(all).size, all.length, 'no duplicates across pages');
    assert.ok(all.includes('a__echo') && all.includes('b__echo'));
    const forged = await ask('tools/list', { cursor: 'bm9wZQ' });
    assert.match((forged.error as { message: string }).message, /invalid cursor/);
    bridge.stdin!.end();
    // The SDK client follows the cursors itself and sees the same list.
    client ??= await stdioClient(daemon.dataDir, 'sdk-pager');
    assert.deepEqual(
      (await client.listTools()).tools.map((t) => t.name),
      all,
    );
  });

  it('writes the daemon log at the level the user sets, and keeps the level', async () => {
    const set = async (level: string) => daemon.control<{ level: string }>('/log-level', { method: 'PUT', body: JSON.stringify({ level }) });
    assert.equal((await set('loud')).status, 400);
    assert.equal((await set('debug')).body.level, 'debug');
    let before = daemon.stderr.join('').length;
    const c = await stdioClient(daemon.dataDir, 'log-watcher');
    await waitFor(() => /DEBUG agent log-watcher speaks 20/.test(daemon.stderr.join('').slice(before)), 5000, 'a debug line');
    assert.match(daemon.stderr.join('').slice(before), /INFO  agent log-watcher connected over stdio/);
    await c.close();
    await set('error');
    before = daemon.stderr.join('').length;
    const quiet = await stdioClient(daemon.dataDir, 'log-watcher-2');
    await quiet.listTools();
    await quiet.close();
    await new Promise((r) => setTimeout(r, 200));
    assert.doesNotMatch(daemon.stderr.join('').slice(before), /log-watcher-2/, 'nothing below error is written');
    assert.equal(JSON.parse(readFileSync(join(daemon.dataDir, 'preferences.json'), 'utf8')).logLevel, 'error');
    await set('info');
  });
});
