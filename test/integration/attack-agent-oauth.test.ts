// Attacks on the loopback OAuth authorization server for agents, against a real
// daemon. The attacker is a local process that reaches 127.0.0.1 and holds at most
// its own agent token (never the control token), or a web page in the person's
// browser (foreign Origin, or a foreign Host after DNS rebinding). It must get no
// token without the person, never another agent's token, mislead nobody with its
// name, bring nothing down, and see no code or token in logs or records.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startDaemon, stdioServer, waitFor, writeBundle, type TestDaemon } from '../helpers/daemon.ts';
import { rssMb } from '../helpers/raw.ts';

const REDIRECT = 'http://127.0.0.1:9/callback';
const noFollow = (url: string | URL, init: RequestInit = {}) => fetch(url, { ...init, redirect: 'manual' });

/** A request with exactly the headers given (fetch will not send a foreign Host). */
function raw(port: number, method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, setHost: false }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => {
        text += c.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Sends the head of a POST and part of its body, then cuts the connection. */
async function cutOff(port: number, path: string): Promise<void> {
  const s = connect(port, '127.0.0.1');
  s.on('error', () => {});
  await new Promise((r) => s.once('connect', r));
  s.write(
    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n{"redirect_uris":["http://127.0.0.1:9/`,
  );
  await new Promise((r) => setTimeout(r, 100));
  s.destroy();
}

describe("attacks on the agents' OAuth authorization server", () => {
  let d: TestDaemon;
  let base: string;
  type Req = { id: string; client: string; agent: string; redirect: string; remote: boolean };
  const requests = async () => (await d.control<{ requests: Req[] }>('/agent-requests')).body.requests;
  const alive = async () => (await d.control('/status')).status === 200 && d.proc.exitCode === null;

  before(async () => {
    d = await startDaemon({ bundle: writeBundle({ schemaVersion: 1, name: 'attack-oauth', servers: [stdioServer('a', 'faulty-server.ts')] }) });
    base = `http://127.0.0.1:${d.port}`;
  });
  after(async () => {
    await d.stop();
  });

  async function register(body: unknown, headers: Record<string, string> = {}) {
    return fetch(`${base}/oauth/register`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  }

  /** Registers a client and starts an authorization; what a client would hold. */
  async function startFlow(name: string, redirect = REDIRECT) {
    const reg = await register({ client_name: name, redirect_uris: [redirect] });
    assert.equal(reg.status, 201);
    const { client_id: clientId } = (await reg.json()) as { client_id: string };
    const verifier = randomBytes(32).toString('base64url');
    const auth = new URL(`${base}/oauth/authorize`);
    for (const [k, v] of Object.entries({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: redirect,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      state: 'the-state',
    }))
      auth.searchParams.set(k, v);
    const res = await noFollow(auth);
    assert.equal(res.status, 303);
    const waiting = new URL(res.headers.get('location')!, base);
    return { clientId, verifier, waiting, id: waiting.searchParams.get('request')! };
  }
  const exchange = (fields: Record<string, string>) =>
    fetch(`${base}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', redirect_uri: REDIRECT, ...fields }),
    });

  /** The whole flow with the person allowing: the code, the token and what the person saw. */
  async function allowedToken(name: string, agent?: string) {
    const flow = await startFlow(name);
    const allowed = await d.control<{ agent: string }>(`/agent-requests/${flow.id}/allow`, { method: 'POST', body: JSON.stringify(agent ? { agent } : {}) });
    assert.equal(allowed.status, 200);
    const back = await noFollow(flow.waiting);
    assert.equal(back.status, 303);
    const code = new URL(back.headers.get('location')!).searchParams.get('code')!;
    const res = await exchange({ code, client_id: flow.clientId, code_verifier: flow.verifier });
    assert.equal(res.status, 200);
    const { access_token: token } = (await res.json()) as { access_token: string };
    return { ...flow, code, token, back };
  }

  it('survives bodies cut off mid-way on the unauthenticated register and token routes', async () => {
    for (const path of ['/oauth/register', '/oauth/token']) {
      for (let i = 0; i < 3; i++) await cutOff(d.port, path);
      await new Promise((r) => setTimeout(r, 200));
      assert.ok(await alive(), `the daemon is still up after cut-off bodies on ${path}: ${d.stderr.join('').slice(-500)}`);
    }
    assert.equal((await register({ client_name: 'after', redirect_uris: [REDIRECT] })).status, 201, 'and still registers clients');
  });

  it('lets no web page drive it: a foreign Origin or a rebound Host is refused on every route, and nothing is opened', async () => {
    const before = (await requests()).length;
    const reg = JSON.stringify({ client_name: 'Web Page', redirect_uris: [REDIRECT] });
    const { clientId, verifier } = await startFlow('Real IDE');
    const authorize = `/oauth/authorize?response_type=code&client_id=${clientId}&redirect_uri=${encodeURIComponent(REDIRECT)}&code_challenge=${createHash('sha256').update(verifier).digest('base64url')}&code_challenge_method=S256`;
    const host = `127.0.0.1:${d.port}`;
    const routes: [string, string, string | undefined][] = [
      ['POST', '/oauth/register', reg],
      ['GET', authorize, undefined],
      ['POST', '/oauth/token', 'grant_type=authorization_code&code=x'],
      ['GET', '/.well-known/oauth-authorization-server', undefined],
    ];
    for (const [method, path, body] of routes) {
      for (const origin of ['https://evil.example', 'null', `http://127.0.0.1:${d.port + 1}`, `http://localhost.evil.example:${d.port}`]) {
        const r = await raw(d.port, method, path, { host, origin, 'content-type': 'application/json' }, body);
        assert.equal(r.status, 403, `${method} ${path} from ${origin}`);
      }
      for (const h of [`evil.example:${d.port}`, `127.0.0.1.evil.example:${d.port}`, `127.0.0.1:${d.port + 1}`, `localhost`]) {
        const r = await raw(d.port, method, path, { host: h, 'content-type': 'application/json' }, body);
        assert.equal(r.status, 421, `${method} ${path} with Host ${h}`);
      }
    }
    assert.equal((await requests()).length, before + 1, "only the real IDE's request waits");
  });

  it('gives an agent token no say: it cannot list, allow or deny requests, nor revoke or mint tokens', async () => {
    const own = await d.agentToken('attacker');
    const { id, waiting } = await startFlow('Attacker Agent');
    const h = { authorization: `Bearer ${own}`, 'content-type': 'application/json' };
    assert.equal((await fetch(`${base}/api/v1/agent-requests`, { headers: h })).status, 401);
    for (const verb of ['allow', 'deny'])
      assert.equal((await fetch(`${base}/api/v1/agent-requests/${id}/${verb}`, { method: 'POST', headers: h, body: '{}' })).status, 401);
    assert.equal((await fetch(`${base}/api/v1/tokens/attacker`, { method: 'DELETE', headers: h })).status, 401);
    assert.equal((await fetch(`${base}/api/v1/tokens`, { method: 'POST', headers: h, body: JSON.stringify({ agent: 'victim' }) })).status, 401);
    // Guessing or replaying on the public side gets nothing either.
    for (const code of ['', '__proto__', 'constructor', randomBytes(32).toString('base64url')]) {
      const r = await exchange({ code, client_id: 'ghc_x', code_verifier: 'a'.repeat(43) });
      assert.equal(((await r.json()) as { error: string }).error, 'invalid_grant', `code ${JSON.stringify(code)}`);
    }
    assert.equal((await noFollow(waiting)).status, 200, 'the request still waits for the person');
  });

  it("never hands out or replaces another agent's token, whatever name the client or the person picks", async () => {
    const victim = await d.agentToken('victim');
    const probe = (token: string) =>
      fetch(`${base}/mcp`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
      });
    assert.notEqual((await probe(victim)).status, 401);
    // The client calls itself the victim; the person even types the victim's name.
    const first = await allowedToken('victim');
    const second = await allowedToken('Some IDE', 'victim');
    const agents = (await d.control<{ tokens: { agent: string }[] }>('/agents')).body.tokens.map((t) => t.agent);
    assert.equal(agents.filter((a) => a === 'victim').length, 1);
    assert.ok(agents.includes('victim-2') && agents.includes('victim-3'), `fresh names instead: ${agents.join(', ')}`);
    assert.notEqual((await probe(victim)).status, 401, "the victim's token still works");
    for (const t of [first.token, second.token]) assert.notEqual(t, victim);
  });

  it('shows the person a clean, short name: no bidi overrides, invisible fillers, combining piles or padding', async () => {
    const names: [string, RegExp][] = [
      ['Visual Studio Code\u202e\u2066edoC', /^Visual Studio CodeedoC$/],
      ['\u3164\u3164\u3164', /^an unnamed client$/],
      ['VS\u3164\u115f\u1160\uffa0Code\u2800\u00ad\u200b\u200d', /^VSCode$/],
      ['Z\u0301\u0302\u0303\u0304\u0305\u0306\u0307\u0308alg\u0300o', /^Zalgo$/],
      ['line\nbreak\r\u0000\u001b[31mred', /^linebreak\[31mred$/],
      ['\u{E0041}\u{E0042}tagged\u{FE0F}', /^tagged$/],
      ['W'.repeat(499), /^W{80}$/],
    ];
    for (const [name, shown] of names) {
      const { id, waiting } = await startFlow(name);
      const req = (await requests()).find((r) => r.id === id)!;
      assert.match(req.client, shown, JSON.stringify(name));
      assert.match(req.agent, /^[a-z0-9._-]{1,64}$/);
      const page = await (await noFollow(waiting)).text();
      assert.ok(!/[\u202a-\u202e\u2066-\u2069\u3164\u200b]/.test(page), `the waiting page shows no hidden characters for ${JSON.stringify(name)}`);
    }
    // A name over the registration limit is refused outright.
    assert.equal((await register({ client_name: 'x'.repeat(501), redirect_uris: [REDIRECT] })).status, 400);
  });

  it('treats __proto__ and friends as plain names and ids', async () => {
    for (const body of [
      { __proto__: { redirect_uris: [REDIRECT] } },
      JSON.parse(`{"__proto__": {"redirect_uris": ["${REDIRECT}"]}, "client_name": "p"}`) as unknown,
      { constructor: { prototype: { x: 1 } }, redirect_uris: [REDIRECT] },
    ]) {
      const r = await fetch(`${base}/oauth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      assert.ok([201, 400].includes(r.status), `status ${r.status}`);
    }
    for (const id of ['__proto__', 'constructor', 'hasOwnProperty', 'toString']) {
      assert.equal((await noFollow(`${base}/oauth/authorize?response_type=code&client_id=${id}&redirect_uri=${encodeURIComponent(REDIRECT)}`)).status, 400);
      assert.equal((await noFollow(`${base}/oauth/authorize?request=${id}`)).status, 404);
      assert.equal((await d.control(`/agent-requests/${id}/allow`, { method: 'POST', body: '{}' })).status, 404);
    }
    const proto = await allowedToken('__proto__');
    const agents = (await d.control<{ tokens: { agent: string }[] }>('/agents')).body.tokens.map((t) => t.agent);
    assert.ok(agents.includes('__proto__'), 'an agent may be called __proto__: it is only a name');
    assert.ok(proto.token.startsWith('gha_'));
    assert.ok(await alive());
  });

  it('keeps codes, verifiers and tokens out of the daemon log, the audit log and the events, and out of Referer', async () => {
    // Everything the dashboard hears while the flow runs.
    const abort = new AbortController();
    let events = '';
    const stream = await fetch(`${base}/api/v1/events`, { headers: { authorization: `Bearer ${d.controlToken}` }, signal: abort.signal });
    const reading = (async () => {
      try {
        for await (const c of stream.body!) events += Buffer.from(c).toString();
      } catch {
        /* aborted */
      }
    })();
    const flow = await allowedToken('Leak Check IDE');
    assert.equal(flow.back.headers.get('referrer-policy'), 'no-referrer', 'the redirect carrying the code sends no Referer on');
    assert.equal(flow.back.headers.get('cache-control'), 'no-store');
    const waitingPage = await noFollow((await startFlow('Leak Check Page')).waiting);
    assert.equal(waitingPage.headers.get('referrer-policy'), 'no-referrer');
    const audit = JSON.stringify((await d.control('/audit?limit=200')).body);
    await waitFor(
      () => d.stderr.join('').includes('Leak Check IDE') && events.includes('agent-request-decided'),
      5_000,
      'the request in the daemon log and the events',
    );
    abort.abort();
    await reading;
    const logs = [d.stderr.join(''), readFileSync(join(d.dataDir, 'oauth-clients.json'), 'utf8'), readFileSync(join(d.dataDir, 'agent-tokens.json'), 'utf8')];
    for (const secret of [flow.code, flow.verifier, flow.token, flow.token.slice(4)]) {
      assert.ok(!audit.includes(secret), 'not in the audit log');
      assert.ok(!events.includes(secret), 'not in the events');
      for (const l of logs) assert.ok(!l.includes(secret), 'not in the daemon log or the data files');
    }
  });

  it('stays small and responsive under a flood of registrations and requests at the size limits, and keeps the clients that got a token', async () => {
    // An IDE the person let in earlier, which must still be known after the flood.
    const connected = await allowedToken('Connected IDE');
    const rssBefore = rssMb(d.proc.pid!);
    // Each registration as large as the schema allows: 5 redirects of 1000 characters, a 500-character name.
    const uris = Array.from({ length: 5 }, (_, i) => `https://flood.example/${i}/${'p'.repeat(975)}`);
    assert.equal((await register({ redirect_uris: [...uris, REDIRECT] })).status, 400, 'six redirects are refused');
    assert.equal((await register({ redirect_uris: [`https://flood.example/${'p'.repeat(1000)}`] })).status, 400, 'a redirect over 1000 characters is refused');
    // Meanwhile another agent's requests: how long the flood holds them up (a figure, not a test).
    let slowest = 0;
    let flooding = true;
    const other = (async () => {
      while (flooding) {
        const t = Date.now();
        await d.control('/status');
        slowest = Math.max(slowest, Date.now() - t);
      }
    })();
    const started = Date.now();
    for (let wave = 0; wave < 30; wave++) {
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          register({ client_name: `Flood ${wave}-${i}`.padEnd(500, '.'), redirect_uris: uris }).then((r) => {
            assert.equal(r.status, 201);
            return r.arrayBuffer();
          }),
        ),
      );
    }
    flooding = false;
    await other;
    const took = Date.now() - started;
    for (let i = 0; i < 60; i++) await startFlow(`Pending ${i}`);
    const file = statSync(join(d.dataDir, 'oauth-clients.json')).size;
    const rss = rssMb(d.proc.pid!);
    process.stderr.write(
      `# 300 max-size registrations in ${took} ms (slowest status request meanwhile ${slowest} ms); oauth-clients.json ${(file / 1e6).toFixed(2)} MB; RSS ${rssBefore.toFixed(0)} → ${rss.toFixed(0)} MB\n`,
    );
    assert.ok(file < 1.5e6, `the client file is bounded (${file} bytes)`);
    assert.ok((await requests()).length <= 32);
    const again = await noFollow(
      `${base}/oauth/authorize?response_type=code&client_id=${connected.clientId}&redirect_uri=${encodeURIComponent(REDIRECT)}&code_challenge=${'a'.repeat(43)}&code_challenge_method=S256`,
    );
    assert.equal(again.status, 303, 'the flood pushed out only registrations that never got a token');
    assert.ok(rss - rssBefore < 150, `RSS grew by ${(rss - rssBefore).toFixed(0)} MB`);
    assert.ok(await alive());
  });
});
