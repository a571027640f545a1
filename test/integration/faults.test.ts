// Faults the foundation must survive: crashes mid-call, silent upstreams, client
// disconnects, churn of many agents, and shutdown without orphans.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@modelcontextprotocol/client';
import { closeHttp, httpClient, stdioClient } from '../helpers/clients.ts';
import { alive, descendants, startDaemon, stdioServer, waitFor, writeBundle, type TestDaemon } from '../helpers/daemon.ts';

type Result = { content: { type: string; text?: string }[]; isError?: boolean };
const textOf = (r: unknown) => (r as Result).content.map((c) => c.text ?? '').join('');

interface ServerView {
  id: string;
  state: string;
  pid: number | null;
  restarts: number;
  lastError: string | null;
  stderrTail: string[];
}

describe('faults', () => {
  let daemon: TestDaemon;
  let client: Client;

  before(async () => {
    const bundle = writeBundle({
      schemaVersion: 1,
      name: 'faults',
      servers: [
        stdioServer('faulty', 'faulty-server.ts', { callTimeoutMs: 1500 }),
        stdioServer('steady', 'faulty-server.ts'),
        { id: 'broken', transport: { type: 'stdio', command: process.execPath, args: ['-e', 'console.error("boom: missing API key"); process.exit(7)'] } },
      ],
      settings: { restart: { initialDelayMs: 100, maxDelayMs: 2000 } },
    });
    daemon = await startDaemon({ bundle });
    client = await stdioClient(daemon.dataDir, 'fault-tester');
  });
  after(async () => {
    await client?.close().catch(() => {});
    await daemon?.stop();
  });

  const server = async (id: string) => (await daemon.control<{ servers: ServerView[] }>('/servers')).body.servers.find((s) => s.id === id)!;

  it('keeps working when one server cannot start, and shows its error and stderr', async () => {
    assert.equal(textOf(await client.callTool({ name: 'steady__echo', arguments: { message: 'ok' } })), 'ok');
    const broken = await waitFor(async () => {
      const s = await server('broken');
      return s.lastError && s.stderrTail.length ? s : undefined;
    });
    assert.notEqual(broken.state, 'ready');
    assert.match(broken.lastError!, /code 7/);
    assert.ok(broken.stderrTail.some((l) => l.includes('boom: missing API key')));
  });

  it('ends a call with an error when the upstream dies mid-call, then restarts it', async () => {
    const before = await server('faulty');
    const oldPid = Number(textOf(await client.callTool({ name: 'faulty__pid', arguments: {} })));
    const slow = client.callTool({ name: 'steady__sleep', arguments: { ms: 300 } });
    await assert.rejects(client.callTool({ name: 'faulty__crash', arguments: {} }), /faulty.*exited with code 3/);
    assert.equal(textOf(await slow), 'slept 300', 'other servers carry on');
    const after = await waitFor(async () => {
      const s = await server('faulty');
      return s.state === 'ready' && s.restarts > before.restarts ? s : undefined;
    });
    assert.notEqual(after.pid, oldPid);
    const newPid = Number(
      await waitFor(async () => {
        try {
          return textOf(await client.callTool({ name: 'faulty__pid', arguments: {} }));
        } catch {
          return undefined;
        }
      }),
    );
    assert.notEqual(newPid, oldPid);
    assert.equal(alive(oldPid), false);
  });

  it('times out a call to an upstream that never answers', async () => {
    await assert.rejects(client.callTool({ name: 'faulty__never', arguments: {} }), /did not answer tools\/call within 1500 ms/);
    assert.equal(textOf(await client.callTool({ name: 'faulty__echo', arguments: { message: 'still here' } })), 'still here');
  });

  it('cancels the upstream request when the agent disconnects mid-call', async () => {
    const before = Number(textOf(await client.callTool({ name: 'steady__cancellations', arguments: {} })));
    const token = await daemon.agentToken('leaver');
    const controller = new AbortController();
    const call = fetch(daemon.url, {
      method: 'POST',
      signal: controller.signal,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': '2026-07-28',
        'mcp-method': 'tools/call',
        'mcp-name': 'steady__sleep',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: 'steady__sleep', arguments: { ms: 20_000 }, _meta: { [MODERN]: '2026-07-28', [CAPS]: {} } },
      }),
    }).catch(() => 'aborted');
    // The agent's own call must be in flight (background list refreshes count on the server, not on the agent).
    await waitFor(
      async () =>
        (await daemon.control<{ agents: { agent: string; inflight: number }[] }>('/agents')).body.agents.some((a) => a.agent === 'leaver' && a.inflight > 0),
      5000,
      'the call to be in flight',
    );
    controller.abort();
    assert.equal(await call, 'aborted');
    await waitFor(
      async () => Number(textOf(await client.callTool({ name: 'steady__cancellations', arguments: {} }))) > before,
      5000,
      'the upstream to see the cancellation',
    );
  });

  it('forwards list_changed when an upstream changes its tools', async () => {
    let notified = 0;
    client.setNotificationHandler('notifications/tools/list_changed', () => {
      notified++;
    });
    const before = (await client.listTools()).tools.length;
    await client.callTool({ name: 'steady__add_tool', arguments: {} });
    await waitFor(() => notified > 0, 5000, 'tools/list_changed');
    const afterList = (await client.listTools()).tools;
    assert.equal(afterList.length, before + 1);
    assert.ok(afterList.some((t) => t.name === 'steady__extra_1'));
  });

  it('survives 50 agents connecting and disconnecting in a loop', async () => {
    const token = await daemon.agentToken('churn');
    const fdsBefore = readdirSync(`/proc/${daemon.proc.pid}/fd`).length;
    for (let round = 0; round < 5; round++) {
      const batch = await Promise.all(Array.from({ length: 10 }, () => httpClient(daemon.url, token)));
      const answers = await Promise.all(batch.map((c, i) => c.callTool({ name: 'steady__echo', arguments: { message: `r${round}c${i}` } })));
      answers.forEach((a, i) => assert.equal(textOf(a), `r${round}c${i}`));
      await Promise.all(batch.map((c) => closeHttp(c)));
    }
    const churned = await waitFor(
      async () => {
        const agents = (await daemon.control<{ agents: { agent: string }[] }>('/agents')).body.agents;
        return agents.filter((a) => a.agent === 'churn').length === 0 ? agents : undefined;
      },
      5000,
      'churned sessions to close',
    );
    assert.ok(churned.length >= 1);
    const fdsAfter = await waitFor(
      () => {
        const n = readdirSync(`/proc/${daemon.proc.pid}/fd`).length;
        return n <= fdsBefore + 3 ? n : undefined;
      },
      15_000,
      `file descriptors to settle (from ${fdsBefore})`,
    );
    assert.ok(fdsAfter <= fdsBefore + 3, `fds grew from ${fdsBefore} to ${fdsAfter}`);
  });

  it('shuts down on SIGTERM without leaving child processes', async () => {
    const kids = descendants(daemon.proc.pid!);
    assert.ok(kids.length >= 2, 'upstream servers are running');
    await client.close();
    const code = await daemon.stop('SIGTERM');
    assert.equal(code, 0);
    await waitFor(() => kids.every((pid) => !alive(pid)), 5000, 'children to exit');
  });
});

const MODERN = 'io.modelcontextprotocol/protocolVersion';
const CAPS = 'io.modelcontextprotocol/clientCapabilities';
