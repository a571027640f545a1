// Agents and servers of different protocol eras meet through Gatehouse: a
// 2026-07-28 agent in front of 2025 servers, and 2025 agents in front of a
// server that speaks only the stateless 2026-07-28 revision.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { stdioClient } from '../helpers/clients.ts';
import { FIXTURES, startDaemon, stdioServer, waitFor, writeBundle, type TestDaemon } from '../helpers/daemon.ts';

const textOf = (r: unknown) => (r as { content: { text?: string }[] }).content.map((c) => c.text ?? '').join('');

describe('protocol eras', () => {
  let modern: ChildProcess;
  let daemon: TestDaemon;

  before(async () => {
    modern = spawn(process.execPath, [join(FIXTURES, 'servers', 'modern-server.ts'), '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const { port } = await new Promise<{ port: number }>((resolve) => createInterface({ input: modern.stdout! }).once('line', (l) => resolve(JSON.parse(l))));
    daemon = await startDaemon({
      bundle: writeBundle({
        schemaVersion: 1,
        name: 'eras',
        servers: [stdioServer('classic', 'fixture-server.ts'), { id: 'modern', transport: { type: 'http', url: `http://127.0.0.1:${port}/mcp` } }],
      }),
    });
  });
  after(async () => {
    await daemon.stop();
    modern.kill();
  });

  it('connects to a 2026-07-28-only server through server/discover', async () => {
    const m = await waitFor(
      async () => {
        const servers = (await daemon.control<{ servers: { id: string; state: string; protocolVersion: string }[] }>('/servers')).body.servers;
        return servers.find((s) => s.id === 'modern' && s.state === 'ready');
      },
      10_000,
      'the modern server to be ready',
    );
    assert.equal(m.protocolVersion, '2026-07-28');
  });

  for (const version of ['2025-06-18', '2025-11-25'] as const) {
    it(`lets a ${version} agent call the stateless server's tools`, async () => {
      const client = await stdioClient(daemon.dataDir, `agent-${version}`, { supportedProtocolVersions: [version] } as never);
      try {
        const { tools } = await client.listTools();
        assert.ok(tools.some((t) => t.name === 'modern__shout'));
        const result = await client.callTool({ name: 'modern__shout', arguments: { message: 'quiet' } });
        assert.equal(textOf(result), 'QUIET');
        assert.equal((result as Record<string, unknown>).resultType, undefined, 'the 2026 discriminator does not leak to 2025 agents');
        const agents = (await daemon.control<{ agents: { agent: string; protocolVersion: string }[] }>('/agents')).body.agents;
        assert.equal(agents.find((a) => a.agent === `agent-${version}`)?.protocolVersion, version);
      } finally {
        await client.close();
      }
    });
  }

  it('lets a 2026-07-28 agent (SDK v2, pinned) use 2025 servers', async () => {
    const token = await daemon.agentToken('modern-agent');
    const client = new Client({ name: 'modern-agent', version: '1.0.0' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
    await client.connect(new StreamableHTTPClientTransport(new URL(daemon.url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
    try {
      const { tools } = await client.listTools();
      assert.ok(tools.some((t) => t.name === 'classic__echo'));
      assert.equal(textOf(await client.callTool({ name: 'classic__echo', arguments: { message: 'across eras' } })), 'across eras');
      assert.equal(textOf(await client.callTool({ name: 'modern__shout', arguments: { message: 'both modern' } })), 'BOTH MODERN');
    } finally {
      await client.close();
    }
  });

  it('lets an auto-negotiating agent discover Gatehouse over stdio', async () => {
    const client = await stdioClient(daemon.dataDir, 'auto-agent', { versionNegotiation: { mode: 'auto' } });
    try {
      assert.equal(textOf(await client.callTool({ name: 'classic__echo', arguments: { message: 'auto' } })), 'auto');
    } finally {
      await client.close();
    }
  });
});
