// An IDE agent that speaks MCP authorization connects without a pasted token: the
// real SDK client finds Gatehouse's protected-resource metadata from the 401,
// registers, sends the browser to the loopback authorization server, and gets an
// agent token once the person allows it in Gatehouse. The attacks: an agent allowing
// itself, replayed codes, wrong verifiers, hostile redirects, floods.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Client, StreamableHTTPClientTransport, type OAuthClientProvider } from '@modelcontextprotocol/client';
import { startDaemon, stdioServer, waitFor, writeBundle, type TestDaemon } from '../helpers/daemon.ts';

const REDIRECT = 'http://127.0.0.1:9/callback';
type Stored = Record<string, unknown>;

/** What an IDE keeps for one server; its "browser" is fetch without following redirects. */
function ideProvider(name = 'Test IDE'): OAuthClientProvider & { authUrl?: URL } {
  let info: Stored | undefined;
  let tokens: Stored | undefined;
  let verifier = '';
  const p: OAuthClientProvider & { authUrl?: URL } = {
    get redirectUrl() {
      return REDIRECT;
    },
    get clientMetadata() {
      return {
        client_name: name,
        redirect_uris: [REDIRECT],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
      };
    },
    clientInformation: () => info as never,
    saveClientInformation: (i) => {
      info = i as Stored;
    },
    tokens: () => tokens as never,
    saveTokens: (t) => {
      tokens = t as Stored;
    },
    redirectToAuthorization: (url) => {
      p.authUrl = url;
    },
    saveCodeVerifier: (v) => {
      verifier = v;
    },
    codeVerifier: () => verifier,
  };
  return p;
}

const noFollow = (url: string | URL, init: RequestInit = {}) => fetch(url, { ...init, redirect: 'manual' });

describe('agents connect with OAuth, allowed by the person in Gatehouse', () => {
  let d: TestDaemon;
  let base: string;
  const requests = async () =>
    (await d.control<{ requests: { id: string; client: string; agent: string; redirect: string; remote: boolean; tools: string[] }[] }>('/agent-requests')).body
      .requests;

  before(async () => {
    d = await startDaemon({ bundle: writeBundle({ schemaVersion: 1, name: 'oauth-agents', servers: [stdioServer('a', 'faulty-server.ts')] }) });
    base = `http://127.0.0.1:${d.port}`;
    await waitFor(
      async () => (await d.control<{ servers: { state: string }[] }>('/servers')).body.servers.every((s) => s.state === 'ready'),
      15_000,
      'server ready',
    );
  });
  after(async () => {
    await d.stop();
  });

  it('answers a tokenless request with a 401 that names its protected-resource metadata', async () => {
    const res = await fetch(`${base}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: '{}',
    });
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), `Bearer realm="gatehouse", resource_metadata="${base}/.well-known/oauth-protected-resource/mcp"`);
    const prm = (await (await fetch(`${base}/.well-known/oauth-protected-resource/mcp`)).json()) as { resource: string; authorization_servers: string[] };
    assert.deepEqual(prm, { resource: `${base}/mcp`, authorization_servers: [base], bearer_methods_supported: ['header'], resource_name: 'Gatehouse' });
    const asm = (await (await fetch(`${base}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
    assert.equal(asm.issuer, base);
    assert.deepEqual(asm.code_challenge_methods_supported, ['S256']);
    const wrong = await fetch(`${base}/mcp`, {
      method: 'POST',
      headers: { authorization: 'Bearer gha_wrong', 'content-type': 'application/json' },
      body: '{}',
    });
    assert.match(wrong.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
  });

  it("runs the real SDK client's flow end to end: the person allows, the agent calls a tool under its own name", async () => {
    const provider = ideProvider();
    const first = new Client({ name: 'test-ide', version: '1.0.0' });
    await assert.rejects(first.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { authProvider: provider })), /Unauthorized/i);
    assert.ok(provider.authUrl, 'the client was sent to the authorization endpoint');
    const started = await noFollow(provider.authUrl);
    assert.equal(started.status, 303);
    const waiting = new URL(started.headers.get('location')!, base);
    const page = await noFollow(waiting);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /Allow Test IDE\?[\s\S]*as the agent &#34;test-ide&#34;/);
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'/);

    const [req] = await requests();
    assert.equal(req!.client, 'Test IDE');
    assert.equal(req!.agent, 'test-ide');
    assert.equal(req!.remote, false);
    assert.ok(req!.tools.includes('a__echo'), `the consent names what the agent may call: ${req!.tools.join(', ')}`);

    // Nothing happens until the person decides: the page just waits.
    assert.equal((await noFollow(waiting)).status, 200);
    const allowed = await d.control<{ allowed: boolean; agent: string }>(`/agent-requests/${req!.id}/allow`, { method: 'POST', body: '{}' });
    assert.deepEqual(allowed.body, { id: req!.id, allowed: true, agent: 'test-ide' });
    const back = await noFollow(waiting);
    assert.equal(back.status, 303);
    const callback = new URL(back.headers.get('location')!);
    assert.equal(`${callback.origin}${callback.pathname}`, REDIRECT);
    assert.equal(callback.searchParams.get('iss'), base);
    assert.equal((await noFollow(waiting)).status, 404, 'the request is spent: no second code');

    const transport = new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { authProvider: provider });
    await transport.finishAuth(callback.searchParams);
    const client = new Client({ name: 'test-ide', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { authProvider: provider }));
    const r = await client.callTool({ name: 'a__echo', arguments: { message: 'via oauth' } });
    assert.equal((r.content as { text: string }[])[0]!.text, 'via oauth');
    await client.close();

    const tokens = (await d.control<{ tokens: { agent: string }[] }>('/agents')).body.tokens.map((t) => t.agent);
    assert.ok(tokens.includes('test-ide'), 'the token is an ordinary agent token');
    const audit = (
      await d.control<{ records: { record: { type: string; agent: string | null; tool: string | null; detail?: Record<string, unknown> } }[] }>(
        '/audit?limit=50',
      )
    ).body.records.map((r) => r.record);
    assert.ok(
      audit.some((x) => x.type === 'tools/call' && x.agent === 'test-ide' && x.tool === 'a__echo'),
      `the call is recorded under the agent name: ${JSON.stringify(audit.map((x) => [x.type, x.agent, x.tool]))}`,
    );
    assert.ok(
      audit.some((x) => x.type === 'login' && x.detail?.kind === 'agent-oauth' && x.detail?.decided === 'allowed'),
      "the person's decision is recorded",
    );
    // Revocable like any other token.
    await d.control('/tokens/test-ide', { method: 'DELETE' });
    const again = await fetch(`${base}/mcp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${String((provider.tokens() as Stored | undefined)?.access_token)}`, 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(again.status, 401);
  });

  /** Registers a client and starts an authorization by hand; returns what a client would hold. */
  async function startFlow(name = 'Hand Client') {
    const reg = await fetch(`${base}/oauth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_name: name, redirect_uris: [REDIRECT] }),
    });
    assert.equal(reg.status, 201);
    const { client_id: clientId } = (await reg.json()) as { client_id: string };
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const auth = new URL(`${base}/oauth/authorize`);
    for (const [k, v] of Object.entries({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: REDIRECT,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state: 'st8',
    }))
      auth.searchParams.set(k, v);
    const res = await noFollow(auth);
    assert.equal(res.status, 303);
    const waiting = new URL(res.headers.get('location')!, base);
    const id = waiting.searchParams.get('request')!;
    return { clientId, verifier, waiting, id };
  }
  const exchange = (fields: Record<string, string>) =>
    fetch(`${base}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', redirect_uri: REDIRECT, ...fields }),
    });

  it('lets no agent allow itself: the decision needs the control token', async () => {
    const { id, waiting } = await startFlow('Sneaky Agent');
    const token = await d.agentToken('some-agent');
    for (const headers of [{}, { authorization: `Bearer ${token}` }, { authorization: 'Bearer ' }]) {
      const r = await fetch(`${base}/api/v1/agent-requests/${id}/allow`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: '{}',
      });
      assert.equal(r.status, 401);
    }
    assert.equal((await noFollow(waiting)).status, 200, 'still waiting for the person');
    const denied = await d.control(`/agent-requests/${id}/deny`, { method: 'POST' });
    assert.equal(denied.status, 200);
    const back = new URL((await noFollow(waiting)).headers.get('location')!);
    assert.equal(back.searchParams.get('error'), 'access_denied');
    assert.equal(back.searchParams.get('code'), null);
    assert.equal(back.searchParams.get('state'), 'st8');
  });

  it('redeems a code once, only with its verifier, client and redirect', async () => {
    const { clientId, verifier, waiting, id } = await startFlow();
    await d.control(`/agent-requests/${id}/allow`, { method: 'POST', body: JSON.stringify({ agent: 'renamed-by-person' }) });
    const code = new URL((await noFollow(waiting)).headers.get('location')!).searchParams.get('code')!;
    const wrongVerifier = await exchange({ code, client_id: clientId, code_verifier: randomBytes(32).toString('base64url') });
    assert.equal(wrongVerifier.status, 400);
    assert.equal(((await wrongVerifier.json()) as { error: string }).error, 'invalid_grant');
    // A code is tried once: after a failed attempt even the right verifier cannot use it.
    const replay = await exchange({ code, client_id: clientId, code_verifier: verifier });
    assert.equal(((await replay.json()) as { error: string }).error, 'invalid_grant');

    const second = await startFlow();
    await d.control(`/agent-requests/${second.id}/allow`, { method: 'POST', body: JSON.stringify({ agent: 'renamed-by-person' }) });
    const code2 = new URL((await noFollow(second.waiting)).headers.get('location')!).searchParams.get('code')!;
    assert.equal(
      ((await (await exchange({ code: code2, client_id: clientId, code_verifier: second.verifier })).json()) as { error: string }).error,
      'invalid_grant',
      "another client's code",
    );
    const third = await startFlow();
    await d.control(`/agent-requests/${third.id}/allow`, { method: 'POST', body: JSON.stringify({ agent: 'renamed-by-person' }) });
    const code3 = new URL((await noFollow(third.waiting)).headers.get('location')!).searchParams.get('code')!;
    const ok = await exchange({ code: code3, client_id: third.clientId, code_verifier: third.verifier });
    assert.equal(ok.status, 200);
    const body = (await ok.json()) as { access_token: string; token_type: string };
    assert.equal(body.token_type, 'Bearer');
    assert.match(body.access_token, /^gha_/);
    assert.equal((await exchange({ code: code3, client_id: third.clientId, code_verifier: third.verifier })).status, 400, 'no second token from one code');
    assert.ok(
      (await d.control<{ tokens: { agent: string }[] }>('/agents')).body.tokens.some((t) => t.agent === 'renamed-by-person'),
      'the person chose the agent name',
    );
    const badName = await startFlow();
    assert.equal((await d.control(`/agent-requests/${badName.id}/allow`, { method: 'POST', body: JSON.stringify({ agent: '../../etc' }) })).status, 400);
  });

  it('refuses hostile registrations, redirects and authorization requests', async () => {
    for (const redirect_uris of [
      ['javascript:alert(1)'],
      ['http://evil.example/cb'],
      ['data:text/html,x'],
      ['file:///etc/passwd'],
      ['https://ok.example/cb#frag'],
      [],
    ]) {
      const r = await fetch(`${base}/oauth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_name: 'x', redirect_uris }),
      });
      assert.equal(r.status, 400, JSON.stringify(redirect_uris));
    }
    const secret = await fetch(`${base}/oauth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: [REDIRECT], token_endpoint_auth_method: 'client_secret_basic' }),
    });
    assert.equal(secret.status, 400, 'public clients only');
    const foreign = await fetch(`${base}/oauth/register`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: [REDIRECT] }),
    });
    assert.equal(foreign.status, 403, 'a web page cannot register a client');
    const big = await fetch(`${base}/oauth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: [REDIRECT], client_name: 'x'.repeat(20_000) }),
    });
    assert.equal(big.status, 400);

    const { clientId } = await startFlow();
    const unknownClient = await noFollow(`${base}/oauth/authorize?response_type=code&client_id=__proto__&redirect_uri=${encodeURIComponent(REDIRECT)}`);
    assert.equal(unknownClient.status, 400, 'an unknown client is not redirected anywhere');
    const otherRedirect = await noFollow(
      `${base}/oauth/authorize?response_type=code&client_id=${clientId}&redirect_uri=${encodeURIComponent('http://127.0.0.1:1/steal')}`,
    );
    assert.equal(otherRedirect.status, 400, 'a redirect the client did not register is never followed');
    const noPkce = await noFollow(`${base}/oauth/authorize?response_type=code&client_id=${clientId}&redirect_uri=${encodeURIComponent(REDIRECT)}&state=s`);
    assert.equal(new URL(noPkce.headers.get('location')!).searchParams.get('error'), 'invalid_request');
    const plain = await noFollow(
      `${base}/oauth/authorize?response_type=code&client_id=${clientId}&redirect_uri=${encodeURIComponent(REDIRECT)}&code_challenge=${'a'.repeat(43)}&code_challenge_method=plain`,
    );
    assert.equal(new URL(plain.headers.get('location')!).searchParams.get('error'), 'invalid_request');
    const otherResource = await noFollow(
      `${base}/oauth/authorize?response_type=code&client_id=${clientId}&redirect_uri=${encodeURIComponent(REDIRECT)}&code_challenge=${'a'.repeat(43)}&code_challenge_method=S256&resource=${encodeURIComponent('https://elsewhere.example/mcp')}`,
    );
    assert.equal(new URL(otherResource.headers.get('location')!).searchParams.get('error'), 'invalid_target');
    const badWaiting = await noFollow(`${base}/oauth/authorize?request=${'0'.repeat(32)}`);
    assert.equal(badWaiting.status, 404);
    const grant = await exchange({ code: 'x', client_id: clientId, code_verifier: 'y' });
    assert.equal(((await grant.json()) as { error: string }).error, 'invalid_grant');
    const refresh = await fetch(`${base}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    assert.equal(((await refresh.json()) as { error: string }).error, 'unsupported_grant_type');
  });

  it('keeps at most 32 requests waiting, however many a client opens', async () => {
    for (let i = 0; i < 40; i++) await startFlow(`Flood ${i}`);
    const waiting = await requests();
    assert.ok(waiting.length <= 32, `${waiting.length} waiting`);
    assert.ok(
      waiting.some((r) => r.client === 'Flood 39'),
      'the newest are kept',
    );
  });
});
