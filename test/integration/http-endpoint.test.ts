// The loopback HTTP endpoint under attack and misuse: DNS rebinding, CSRF,
// missing or foreign tokens, dead sessions, oversize and malformed bodies.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { startDaemon, stdioServer, writeBundle, type TestDaemon } from '../helpers/daemon.ts';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP request, so tests can forge Host headers the way a rebinding attack does. */
function raw(port: number, opts: { method?: string; path?: string; headers?: Record<string, string>; body?: string }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: opts.method ?? 'POST', path: opts.path ?? '/mcp', headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

const INIT = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
});

describe('HTTP endpoint defences', () => {
  let daemon: TestDaemon;
  let token: string;
  let host: string;
  const headers = (extra: Record<string, string> = {}) => ({
    host,
    authorization: `Bearer ${token}`,
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    ...extra,
  });

  before(async () => {
    daemon = await startDaemon({
      bundle: writeBundle({ schemaVersion: 1, name: 'http', servers: [stdioServer('fx', 'faulty-server.ts')], settings: { maxMessageBytes: 64 * 1024 } }),
    });
    token = await daemon.agentToken('cursor');
    host = `127.0.0.1:${daemon.port}`;
  });
  after(() => daemon.stop());

  async function session(): Promise<string> {
    const r = await raw(daemon.port, { headers: headers(), body: INIT });
    assert.equal(r.status, 200, r.body);
    return r.headers['mcp-session-id'] as string;
  }

  it('rejects a rebinding attack: a foreign Host header', async () => {
    const r = await raw(daemon.port, { headers: headers({ host: 'evil.example.com', origin: 'http://evil.example.com' }), body: INIT });
    assert.ok(r.status >= 400 && r.status < 500, `got ${r.status}`);
    const r2 = await raw(daemon.port, { headers: headers({ host: `evil.example.com:${daemon.port}` }), body: INIT });
    assert.ok(r2.status >= 400 && r2.status < 500);
  });

  it('rejects a cross-site request: a foreign Origin with a valid Host', async () => {
    const r = await raw(daemon.port, { headers: headers({ origin: 'https://attacker.example' }), body: INIT });
    assert.equal(r.status, 403);
    const sameOrigin = await raw(daemon.port, { headers: headers({ origin: `http://localhost:${daemon.port}` }), body: INIT });
    assert.equal(sameOrigin.status, 200);
  });

  it('asks for an agent token, and refuses unknown ones', async () => {
    const none = await raw(daemon.port, { headers: { host, 'content-type': 'application/json', accept: 'application/json' }, body: INIT });
    assert.equal(none.status, 401);
    assert.match(String(none.headers['www-authenticate']), /Bearer/);
    assert.match(none.body, /gatehouse token create/);
    const wrong = await raw(daemon.port, { headers: headers({ authorization: 'Bearer gha_forged' }), body: INIT });
    assert.equal(wrong.status, 401);
  });

  it("does not let one agent use another agent's session", async () => {
    const sid = await session();
    const other = await daemon.agentToken('windsurf');
    const r = await raw(daemon.port, {
      headers: headers({ authorization: `Bearer ${other}`, 'mcp-session-id': sid }),
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
    });
    assert.equal(r.status, 404);
  });

  it('attributes calls to the agent behind the token', async () => {
    const sid = await session();
    await raw(daemon.port, {
      headers: headers({ 'mcp-session-id': sid }),
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'fx__echo', arguments: { message: 'a' } } }),
    });
    const agents = (await daemon.control<{ agents: { agent: string; calls: number; clientInfo: { name: string } | null }[] }>('/agents')).body.agents;
    const mine = agents.find((a) => a.agent === 'cursor' && a.calls > 0);
    assert.ok(mine, JSON.stringify(agents));
    assert.equal(mine.clientInfo?.name, 'raw');
  });

  it('ends sessions on DELETE: later requests get 404', async () => {
    const sid = await session();
    const del = await raw(daemon.port, { method: 'DELETE', headers: headers({ 'mcp-session-id': sid }) });
    assert.equal(del.status, 200);
    const r = await raw(daemon.port, { headers: headers({ 'mcp-session-id': sid }), body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping' }) });
    assert.equal(r.status, 404);
  });

  it('answers malformed JSON with a parse error and keeps serving', async () => {
    const sid = await session();
    const bad = await raw(daemon.port, { headers: headers({ 'mcp-session-id': sid }), body: '{"jsonrpc": "2.0", "id": 1, "method": ' });
    assert.equal(bad.status, 400);
    assert.equal(JSON.parse(bad.body).error.code, -32700);
    const notRpc = await raw(daemon.port, { headers: headers({ 'mcp-session-id': sid }), body: '{"hello": 1}' });
    assert.equal(JSON.parse(notRpc.body).error.code, -32600);
    const ok = await raw(daemon.port, { headers: headers({ 'mcp-session-id': sid }), body: JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'ping' }) });
    assert.equal(ok.status, 200);
    assert.deepEqual(JSON.parse(ok.body), { jsonrpc: '2.0', id: 3, result: {} });
  });

  it('refuses a message over the size limit with a clear error', async () => {
    const sid = await session();
    const huge = JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'fx__echo', arguments: { message: 'x'.repeat(100 * 1024) } } });
    const r = await raw(daemon.port, { headers: headers({ 'mcp-session-id': sid }), body: huge });
    assert.equal(r.status, 413);
    assert.match(JSON.parse(r.body).error.message, /over the 65536-byte limit/);
  });

  it('rejects an unsupported MCP-Protocol-Version header', async () => {
    const r = await raw(daemon.port, { headers: headers({ 'mcp-protocol-version': '1999-01-01' }), body: INIT });
    assert.equal(r.status, 400);
  });

  it('serves a stateless 2026-07-28 client: server/discover and a call without a session', async () => {
    const meta = {
      'io.modelcontextprotocol/protocolVersion': '2026-07-28',
      'io.modelcontextprotocol/clientCapabilities': {},
      'io.modelcontextprotocol/clientInfo': { name: 'modern', version: '1' },
    };
    const h = headers({ 'mcp-protocol-version': '2026-07-28' });
    const discover = await raw(daemon.port, {
      headers: { ...h, 'mcp-method': 'server/discover' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'server/discover', params: { _meta: meta } }),
    });
    assert.equal(discover.status, 200, discover.body);
    const d = JSON.parse(discover.body).result;
    assert.ok(d.supportedVersions.includes('2026-07-28'));
    assert.equal(d.resultType, 'complete');
    assert.equal(discover.headers['mcp-session-id'], undefined);
    const call = await raw(daemon.port, {
      headers: { ...h, 'mcp-method': 'tools/call', 'mcp-name': 'fx__echo' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'fx__echo', arguments: { message: 'stateless' }, _meta: meta } }),
    });
    const result = JSON.parse(call.body).result;
    assert.equal(result.resultType, 'complete');
    assert.equal(result.content[0].text, 'stateless');
  });
});
