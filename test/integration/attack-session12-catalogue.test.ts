// Red team, issue 15's scan workers, against the real daemon: a hostile upstream lists
// 20,000 tools among megabyte descriptions, a schema nested 2,000 deep, regex bait and
// prototype-named tools, with poisoned tools at the start, middle and end. The daemon
// stays up and serves another server's calls while it judges, holds every poisoned tool
// back on the worker path as on its own thread, and still stops on SIGTERM.
// A lone surrogate, which canonical JSON refuses, once stopped the daemon on this path: its own test is below.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { startDaemon, stdioServer, waitFor, writeBundle, type TestDaemon } from '../helpers/daemon.ts';
import { pendingList } from '../helpers/rugpull.ts';

const COUNT = 20_000;
const POISONED = ['poison0', 'poison1', 'poison2'];

/** A catalogue server: `count` plain tools (past 256 the gate judges them on its workers) and the pathological ones. */
function catalogue(id: string, count: number): Record<string, unknown> {
  const server = stdioServer(id, 'catalogue-hostile-server.ts') as { transport: Record<string, unknown> };
  server.transport.env = { CATALOGUE_COUNT: String(count), CATALOGUE_SKIP: 'lone_surrogate' };
  return server;
}

interface Rpc {
  result?: { tools?: { name: string }[]; nextCursor?: string; content?: unknown };
  error?: { code: number; message: string };
}

/** One stateless 2026-07-28 request: the SDK's client would overflow its own stack on the deep schema while listing. */
async function rpc(d: TestDaemon, token: string, method: string, params: Record<string, unknown> = {}): Promise<Rpc> {
  const meta = {
    'io.modelcontextprotocol/protocolVersion': '2026-07-28',
    'io.modelcontextprotocol/clientCapabilities': {},
    'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '1' },
  };
  const res = await fetch(d.url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2026-07-28',
      'mcp-method': method,
      ...(typeof params.name === 'string' ? { 'mcp-name': params.name } : {}),
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: { ...params, _meta: meta } }),
  });
  return (await res.json()) as Rpc;
}

describe('attack: a hostile catalogue against first sight on the scan workers', () => {
  let d: TestDaemon;
  let token: string;

  before(async () => {
    d = await startDaemon({
      bundle: writeBundle({
        schemaVersion: 1,
        name: 'red-catalogue',
        servers: [stdioServer('ok', 'fixture-server.ts'), catalogue('big', COUNT), catalogue('small', 0)],
      }),
    });
    token = await d.agentToken('red');
  });
  after(() => d.stop('SIGKILL'));

  async function names(): Promise<string[]> {
    const all: string[] = [];
    let cursor: string | undefined;
    do {
      const r = await rpc(d, token, 'tools/list', cursor ? { cursor } : {});
      all.push(...(r.result?.tools ?? []).map((t) => t.name));
      cursor = r.result?.nextCursor;
    } while (cursor);
    return all;
  }

  it("stays up, serves another server's calls, and lists the whole big list in the end", async () => {
    await waitFor(async () => (await rpc(d, token, 'tools/call', { name: 'ok__echo', arguments: { message: 'hi' } })).result, 30_000, 'echo served');
    const served = await rpc(d, token, 'tools/call', { name: 'ok__echo', arguments: { message: 'during' } });
    assert.ok(served.result, JSON.stringify(served));
    await waitFor(async () => (await names()).filter((n) => /^big__t\d+$/.test(n)).length === COUNT, 240_000, 'the big list judged');
    assert.equal(d.proc.exitCode, null);
  });

  it('holds every poisoned tool back on the worker path as on the gate thread, and refuses calls to them', async () => {
    const pending = await pendingList(d);
    for (const server of ['big', 'small']) {
      const held = new Map(pending.filter((p) => p.server === server).map((p) => [p.tool, p.risk]));
      for (const tool of POISONED) {
        assert.equal(held.get(tool), 'critical', `${server}/${tool}: ${held.get(tool)}`);
        const call = await rpc(d, token, 'tools/call', { name: `${server}__${tool}`, arguments: {} });
        assert.equal(call.result, undefined, `${server}__${tool} was called`);
        assert.match(call.error?.message ?? '', /awaits approval/);
      }
    }
  });

  it('keeps its memory bounded, and stops on SIGTERM', async () => {
    const peakMb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${d.proc.pid}/status`, 'utf8'))![1]) / 1024;
    // Measured near 600 MB for this list (8.6 MB of JSON); a copy per tool per stage would be several GB.
    assert.ok(peakMb < 1500, `peak ${peakMb.toFixed(0)} MB`);
    assert.equal(await d.stop('SIGTERM'), 0);
  });
});

describe('attack: SIGTERM in the middle of a first sight on the scan workers', () => {
  it('stops with status 0 while 20,000 new tools are being judged', async () => {
    const d = await startDaemon({ bundle: writeBundle({ schemaVersion: 1, name: 'red-term', servers: [catalogue('big', COUNT)] }) });
    try {
      await waitFor(async () => (await d.control<{ servers: { state: string }[] }>('/servers')).body.servers[0]?.state === 'ready', 30_000, 'big ready');
      assert.equal(await d.stop('SIGTERM'), 0);
    } finally {
      await d.stop('SIGKILL');
    }
  });
});

describe('attack: a lone surrogate in a first sight on the scan workers', () => {
  // The other pathological tools are left out, so the only odd one is the lone surrogate.
  const ODD = 'mega0,mega1,mega2,mega3,deep,bait_scopes,bait_ws,bait_quotes,__proto__,constructor,hasOwnProperty,poison0,poison1,poison2';

  for (const where of ['tool', 'instructions'] as const)
    it(`in the server's ${where} costs nothing but that: the daemon stays up, and the tools are hashed and judged like any new tool`, async () => {
      const server = stdioServer('lone', 'catalogue-hostile-server.ts') as { transport: Record<string, unknown> };
      // 255 plain tools and the lone surrogate: 256 new tools, so they are judged on the workers.
      // Lone surrogates in the instructions once stopped the daemon as the server's hash was taken at the end of a first sight.
      server.transport.env =
        where === 'tool' ? { CATALOGUE_COUNT: '255', CATALOGUE_SKIP: ODD } : { CATALOGUE_COUNT: '255', CATALOGUE_SKIP: ODD, CATALOGUE_INSTRUCTIONS: 'lone' };
      const d = await startDaemon({ bundle: writeBundle({ schemaVersion: 1, name: 'red-lone', servers: [server] }) });
      try {
        // The writer's bundle trusts low-risk tools on first use: judged means listed, or held for review.
        const judged = await waitFor(
          async () => {
            const tools = (await d.control<{ tools: { name: string; pinState: string }[] }>('/tools')).body.tools;
            const listed = tools.find((t) => t.name === 'lone__lone_surrogate');
            // The workers may judge the groups in any order: the plain tools are counted once all are in.
            const plain = tools.filter((t) => /^lone__t\d+$/.test(t.name)).length;
            if (listed) return plain === 255 ? { listed: true, plain } : undefined;
            return (await pendingList(d)).some((p) => p.tool === 'lone_surrogate') ? { listed: false, plain } : undefined;
          },
          120_000,
          'the lone-surrogate tool and the 255 others to be judged',
        );
        if (judged.listed) assert.equal(judged.plain, 255, 'the other tools are judged too');
        assert.equal(d.proc.exitCode, null, 'the daemon is still running');
        const status = (await d.control<{ servers: { state: string; serverHash: string | null }[] }>('/servers')).body.servers[0];
        assert.equal(status?.state, 'ready');
        assert.match(String(status?.serverHash), /^sha256:[0-9a-f]{64}$/, 'the server has a hash of its own');
      } finally {
        await d.stop('SIGKILL');
      }
    });
});
