// Red team, session 13: servers that are hostile while Gatehouse reads their lists at start.
// One says its list changed during every read: Gatehouse used to re-read it in a tight loop
// for ever (122,000 reads in 10 s), never ready. One pages slowly, a new cursor every second:
// each page had its own timeout, so it stayed "starting" far past its start timeout. Both
// held every agent's list, and the calls behind it, for 15 s per request.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { httpClient } from '../helpers/clients.ts';
import { FIXTURES, startDaemon, stdioServer, tempDir, waitFor, writeBundle, type TestDaemon } from '../helpers/daemon.ts';

const hostile = (id: string, mode: string, env: Record<string, string>) => ({
  id,
  startTimeoutMs: 3000,
  transport: { type: 'stdio', command: process.execPath, args: [join(FIXTURES, 'servers', 'listing-hostile-server.ts'), mode], env },
});
type Servers = { servers: { id: string; state: string; counts: { tools: number } }[] };

describe('servers hostile while their lists are read', () => {
  let d: TestDaemon;
  const reads = join(tempDir(), 'reads');
  const readCount = () => (existsSync(reads) ? Number(readFileSync(reads, 'utf8')) : 0);

  before(async () => {
    d = await startDaemon({
      bundle: writeBundle({
        schemaVersion: 1,
        name: 'listing',
        servers: [stdioServer('ok', 'faulty-server.ts'), hostile('churn', 'churn', { LIST_READS: reads }), hostile('slow', 'slow', {})],
      }),
    });
  });
  after(() => d.stop());

  it('takes the last whole list of a server that says it changed during every read, and stops reading', async () => {
    const churn = await waitFor(
      async () => (await d.control<Servers>('/servers')).body.servers.find((s) => s.id === 'churn' && s.state === 'ready'),
      20_000,
      'the churning server to be ready',
    );
    assert.equal(churn.counts.tools, 1);
    const settled = readCount();
    await new Promise((r) => setTimeout(r, 3000));
    // At most a read a second once superseded reads give up (it used to be thousands a second).
    assert.ok(readCount() - settled <= 12, `read ${readCount() - settled} times in 3 s after it was ready`);
  });

  it('restarts a server that does not finish listing within its start timeout, instead of waiting for ever', async () => {
    const slow = await waitFor(
      async () => (await d.control<Servers>('/servers')).body.servers.find((s) => s.id === 'slow' && s.state !== 'starting'),
      20_000,
      'the slow pager to leave "starting"',
    );
    assert.match(slow.state, /backoff|failed/);
  });

  it('serves the healthy server to an agent while the slow one is still trying', async () => {
    const client = await httpClient(d.url, await d.agentToken('agent'));
    const { tools } = await client.listTools();
    assert.ok(tools.some((t) => t.name === 'ok__echo'));
    const r = await client.callTool({ name: 'ok__echo', arguments: { message: 'still here' } });
    assert.equal((r.content as { text: string }[])[0]!.text, 'still here');
    await client.close();
  });
});
