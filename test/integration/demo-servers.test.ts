// The README promise: the demo bundle's real npm servers, seen as one server,
// through the stdio bridge and through the HTTP endpoint.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@modelcontextprotocol/client';
import { httpClient, stdioClient } from '../helpers/clients.ts';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';

type TextBlock = { type: string; text?: string };
const textOf = (r: unknown) => (r as { content: TextBlock[] }).content.map((c) => c.text ?? '').join('');

describe('demo bundle: real MCP servers from npm behind one endpoint', () => {
  let daemon: TestDaemon;
  const clients: Client[] = [];

  before(async () => {
    daemon = await startDaemon();
  });
  after(async () => {
    for (const c of clients) await c.close().catch(() => {});
    await daemon.stop();
  });

  for (const via of ['stdio bridge', 'http'] as const) {
    describe(`via ${via}`, () => {
      let client: Client;
      before(async () => {
        client = via === 'stdio bridge' ? await stdioClient(daemon.dataDir, 'claude-desktop') : await httpClient(daemon.url, await daemon.agentToken('cursor'));
        clients.push(client);
      });

      it('lists the tools of all three servers, namespaced', async () => {
        const { tools } = await client.listTools();
        const names = tools.map((t) => t.name);
        for (const expected of ['everything__echo', 'filesystem__read_text_file', 'memory__create_entities']) {
          assert.ok(names.includes(expected), `${expected} missing from ${names.join(', ')}`);
        }
        for (const n of names) assert.match(n, /^[A-Za-z0-9_-]{1,64}$/);
      });

      it('calls a tool on each server', async () => {
        assert.equal(textOf(await client.callTool({ name: 'everything__echo', arguments: { message: 'hello' } })), 'Echo: hello');
        const dirs = textOf(await client.callTool({ name: 'filesystem__list_allowed_directories', arguments: {} }));
        assert.match(dirs, /demo-files/);
        const readme = textOf(
          await client.callTool({ name: 'filesystem__read_text_file', arguments: { path: `${dirs.split('\n').pop()!.trim()}/README.md` } }),
        );
        assert.match(readme, /Gatehouse demo folder/);
        const graph = await client.callTool({ name: 'memory__read_graph', arguments: {} });
        assert.ok(!graph.isError, textOf(graph));
      });

      it('reads resources and templates, and gets prompts', async () => {
        const { resources } = await client.listResources();
        assert.ok(resources.length > 0);
        const first = resources[0]!;
        const read = await client.readResource({ uri: first.uri });
        assert.equal(read.contents[0]?.uri, first.uri);
        const { resourceTemplates } = await client.listResourceTemplates();
        assert.ok(resourceTemplates.length > 0);
        const { prompts } = await client.listPrompts();
        const simple = prompts.find((p) => p.name === 'everything__simple-prompt');
        assert.ok(simple, `prompts: ${prompts.map((p) => p.name).join(', ')}`);
        const got = await client.getPrompt({ name: simple.name });
        assert.ok(got.messages.length > 0);
      });

      it('names an unknown tool and an unknown server in the error', async () => {
        await assert.rejects(client.callTool({ name: 'everything__no_such_tool', arguments: {} }), /unknown tool "everything__no_such_tool"/);
        await assert.rejects(client.callTool({ name: 'payroll__export', arguments: {} }), /unknown server "payroll"/);
      });
    });
  }

  it('reports servers, tools and agents through the control API', async () => {
    const status = await daemon.control<{ servers: { id: string; state: string; pid: number | null }[]; agents: { agent: string }[] }>('/status');
    assert.equal(status.status, 200);
    assert.deepEqual(
      status.body.servers.map((s) => [s.id, s.state]),
      [
        ['everything', 'ready'],
        ['filesystem', 'ready'],
        ['memory', 'ready'],
      ],
    );
    for (const s of status.body.servers) assert.ok(s.pid && s.pid > 0);
    const agents = status.body.agents.map((a) => a.agent).sort();
    assert.deepEqual(agents, ['claude-desktop', 'cursor']);
    const tools = await daemon.control<{ tools: { name: string; server: string }[] }>('/tools');
    assert.ok(tools.body.tools.some((t) => t.name === 'memory__create_entities' && t.server === 'memory'));
    const denied = await fetch(`http://127.0.0.1:${daemon.port}/api/v1/status`, { headers: { authorization: 'Bearer wrong' } });
    assert.equal(denied.status, 401);
  });
});
