// Remote upstreams: the real reference server over Streamable HTTP, and over the
// legacy HTTP+SSE transport, reached through the automatic fallback.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@modelcontextprotocol/client';
import { stdioClient } from '../helpers/clients.ts';
import { ROOT, startDaemon, waitFor, writeBundle, type TestDaemon } from '../helpers/daemon.ts';

const EVERYTHING = join(ROOT, 'node_modules', '@modelcontextprotocol', 'server-everything', 'dist', 'index.js');
const textOf = (r: unknown) => (r as { content: { text?: string }[] }).content.map((c) => c.text ?? '').join('');

async function serve(mode: 'sse' | 'streamableHttp', port: number): Promise<ChildProcess> {
  const p = spawn(process.execPath, [EVERYTHING, mode], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`everything ${mode} did not start`)), 15_000);
    p.stderr!.on('data', (c: Buffer) => {
      if (/running on port|listening/i.test(c.toString())) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return p;
}

describe('remote upstreams (server-everything over HTTP)', () => {
  const procs: ChildProcess[] = [];
  let daemon: TestDaemon;
  let client: Client;

  before(async () => {
    const base = 20000 + Math.floor(Math.random() * 20000);
    procs.push(await serve('sse', base), await serve('streamableHttp', base + 1));
    daemon = await startDaemon({
      bundle: writeBundle({
        schemaVersion: 1,
        name: 'remote',
        servers: [
          { id: 'legacy', transport: { type: 'http', url: `http://127.0.0.1:${base}/sse` } },
          { id: 'modern', transport: { type: 'http', url: `http://127.0.0.1:${base + 1}/mcp` } },
        ],
      }),
    });
    client = await stdioClient(daemon.dataDir, 'remote-tester');
  });
  after(async () => {
    await client?.close();
    await daemon?.stop();
    for (const p of procs) p.kill();
  });

  it('connects to both, falling back to legacy SSE where Streamable HTTP is refused', async () => {
    const servers = await waitFor(
      async () => {
        const s = (await daemon.control<{ servers: { id: string; state: string; transport: string }[] }>('/servers')).body.servers;
        return s.every((x) => x.state === 'ready') ? s : undefined;
      },
      15_000,
      'both remote servers',
    );
    assert.deepEqual(
      servers.map((s) => [s.id, s.transport]),
      [
        ['legacy', 'http'],
        ['modern', 'http'],
      ],
    );
  });

  it('routes calls to each remote server over one reused session', async () => {
    for (let i = 0; i < 5; i++) {
      assert.equal(textOf(await client.callTool({ name: 'legacy__echo', arguments: { message: `sse ${i}` } })), `Echo: sse ${i}`);
      assert.equal(textOf(await client.callTool({ name: 'modern__echo', arguments: { message: `http ${i}` } })), `Echo: http ${i}`);
    }
    const servers = (await daemon.control<{ servers: { id: string; restarts: number }[] }>('/servers')).body.servers;
    assert.ok(
      servers.every((s) => s.restarts === 0),
      'no reconnects per call',
    );
  });
});
