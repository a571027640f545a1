// Red team of the catalogue cache (issue 13 stop): an upstream that changes its tool list
// between the pages of a read, announcing each change, a few times over. Agents must be
// served one whole list, the last one read: never page 1 of one version with page 2 of
// another, and never the empty list of a read that was superseded.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { serversReady, startDaemon, tempDir, waitFor, writeBundle, type TestDaemon } from '../helpers/daemon.ts';
import { legacySession } from '../helpers/modern.ts';

// Two pages per version; after serving page 1 of versions 1..CHURN it moves to the next
// version and says so, so the page 2 that follows belongs to another list.
const SERVER = String.raw`
const CHURN = Number(process.argv[2]);
let version = 1;
const send = (m) => process.stdout.write(JSON.stringify(m) + '\n');
const tool = (name) => ({ name, description: 'version ' + version, inputSchema: { type: 'object' } });
let pending = '';
process.stdin.on('data', (c) => {
  const lines = (pending + c).split('\n');
  pending = lines.pop();
  for (const line of lines) {
    if (!line) continue;
    const m = JSON.parse(line);
    if (m.id === undefined || typeof m.method !== 'string') continue;
    if (m.method === 'initialize') {
      send({ jsonrpc: '2.0', id: m.id, result: { protocolVersion: '2025-11-25', capabilities: { tools: { listChanged: true } }, serverInfo: { name: 'churn', version: '1' } } });
    } else if (m.method === 'tools/list') {
      const page2 = m.params?.cursor === 'v' + version + '.2';
      if (page2) send({ jsonrpc: '2.0', id: m.id, result: { tools: [tool('v' + version + '_b')] } });
      else {
        const first = [tool('v' + version + '_a')];
        const cursor = 'v' + version + '.2';
        if (version <= CHURN) {
          version++;
          send({ jsonrpc: '2.0', method: 'notifications/tools/list_changed' });
        }
        send({ jsonrpc: '2.0', id: m.id, result: { tools: first, nextCursor: cursor } });
      }
    } else if (m.method === 'ping') send({ jsonrpc: '2.0', id: m.id, result: {} });
    else send({ jsonrpc: '2.0', id: m.id, error: { code: -32601, message: 'no' } });
  }
});
`;

describe('attack: a list that changes between its pages', () => {
  let d: TestDaemon;
  let token: string;
  const CHURN = 5;

  before(async () => {
    const dir = tempDir('gh-red13-cat-');
    const script = join(dir, 'churn.mjs');
    writeFileSync(script, SERVER);
    const server = { id: 'c', transport: { type: 'stdio', command: process.execPath, args: [script, String(CHURN)] } };
    d = await startDaemon({ bundle: writeBundle({ schemaVersion: 1, name: 'red-cat', version: 1, servers: [server], settings: { naming: 'passthrough' } }) });
    token = await d.agentToken('alpha');
  });
  after(() => d?.stop());

  it('goes ready with the last whole list, not a mix of versions', async () => {
    await serversReady(d);
    const agent = await legacySession(d.url, token, {});
    await waitFor(
      async () => {
        const names = ((await agent.request('tools/list', {})).result?.tools as { name: string }[] | undefined)?.map((t) => t.name) ?? [];
        return names.length > 0;
      },
      20_000,
      'tools to be listed',
    );
    const tools = (await agent.request('tools/list', {})).result?.tools as { name: string; description: string }[];
    const final = `v${CHURN + 1}`;
    assert.deepEqual(tools.map((t) => t.name).sort(), [`${final}_a`, `${final}_b`], 'one version, whole: page 1 and page 2 of the list the server ended with');
    assert.ok(tools.every((t) => t.description === `version ${CHURN + 1}`));
  });
});
