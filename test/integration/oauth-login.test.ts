// OAuth to a protected MCP server of ours, in front of a real OpenID provider
// (oidc-provider): discovery from the 401, dynamic registration and a
// pre-registered client, the provider's own login and consent pages, a call with
// the token, expiry and refresh, and deletion of every token on revocation.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@modelcontextprotocol/client';
import { KeychainBackend } from '../../gateway/secrets/keychain.ts';
import { stdioClient } from '../helpers/clients.ts';
import { serveFixture, signIn } from '../helpers/oauth-server.ts';
import { startDaemon, waitFor, writeBundle, type TestDaemon } from '../helpers/daemon.ts';
import { keychainReady } from '../helpers/keychain.ts';

const TTL_SECONDS = 4;
const textOf = (r: unknown) => (r as { content: { text?: string }[] }).content.map((c) => c.text ?? '').join('');

const ready = await keychainReady();

describe('OAuth login to a protected MCP server (oidc-provider)', { skip: ready ? false : 'no usable keychain here' }, () => {
  let idp: ChildProcess;
  let mcp: ChildProcess;
  let issuer: string;
  let serverUrl: string;
  let d: TestDaemon;
  let bundlePath: string;
  let client: Client;

  before(async () => {
    const i = await serveFixture('idp.ts', [String(TTL_SECONDS)]);
    idp = i.proc;
    issuer = i.info.issuer!;
    const m = await serveFixture('protected-server.ts', [issuer]);
    mcp = m.proc;
    serverUrl = m.info.url!;
    bundlePath = writeBundle({
      schemaVersion: 1,
      name: 'oauth',
      servers: [
        { id: 'secure', transport: { type: 'http', url: serverUrl }, credentials: [{ name: 'login', kind: 'oauth' }] },
        {
          id: 'prereg',
          transport: { type: 'http', url: serverUrl },
          credentials: [{ name: 'login', kind: 'oauth', clientId: 'gatehouse-preregistered', scopes: ['mcp:tools', 'offline_access'] }],
        },
      ],
    });
    d = await startDaemon({ bundle: bundlePath });
    client = await stdioClient(d.dataDir, 'oauth-user');
  });
  after(async () => {
    await client?.close();
    await d?.stop();
    idp?.kill();
    mcp?.kill();
  });

  const login = (server: string, user: string) => signIn(d, server, user, { issuer, serverUrl });

  const whoami = async (server: string) =>
    JSON.parse(
      await waitFor(
        async () => {
          try {
            return textOf(await client.callTool({ name: `${server}__whoami`, arguments: {} }));
          } catch {
            return undefined;
          }
        },
        15_000,
        `${server}__whoami`,
      ),
    ) as { sub: string; iat: number; jti: string; scope: string };

  it('says which server needs a login before there is one', async () => {
    const s = await waitFor(async () =>
      (await d.control<{ servers: { id: string; lastError: string | null }[] }>('/servers')).body.servers.find((x) => x.id === 'secure' && x.lastError),
    );
    assert.match(s.lastError!, /`gatehouse login secure`/);
  });

  it('signs in with dynamic registration, and calls with the token', async () => {
    await login('secure', 'alice');
    assert.equal((await whoami('secure')).sub, 'alice');
    const registration = JSON.parse((await new KeychainBackend().get('secure/login#client'))!) as { clientId: string; issuer: string };
    assert.equal(registration.issuer, issuer);
    assert.notEqual(registration.clientId, 'gatehouse-preregistered');
  });

  it('signs in with a pre-registered client', async () => {
    await login('prereg', 'bob');
    const who = await whoami('prereg');
    assert.equal(who.sub, 'bob');
    assert.match(who.scope, /mcp:tools/);
    assert.equal(JSON.parse((await new KeychainBackend().get('prereg/login#client'))!).clientId, 'gatehouse-preregistered');
  });

  it('refreshes the token ahead of expiry, so no call fails and no login is needed', async () => {
    const first = await whoami('secure');
    const restarts = (await d.control<{ servers: { id: string; restarts: number }[] }>('/servers')).body.servers.find((s) => s.id === 'secure')!.restarts;
    const until = Date.now() + (TTL_SECONDS * 2 + 1) * 1000;
    const iats = new Set<number>();
    while (Date.now() < until) {
      // Every call must succeed: a failure here means a request met an expired token.
      const who = JSON.parse(textOf(await client.callTool({ name: 'secure__whoami', arguments: {} }))) as { sub: string; iat: number };
      assert.equal(who.sub, 'alice');
      iats.add(who.iat);
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.ok(Math.max(...iats) > first.iat, 'new access tokens were issued');
    assert.ok(iats.size >= 2, `tokens seen: ${iats.size}`);
    const after = (await d.control<{ servers: { id: string; restarts: number }[] }>('/servers')).body.servers.find((s) => s.id === 'secure')!.restarts;
    assert.equal(after, restarts, 'refreshed in place, without reconnecting');
  });

  it('sends a call the server refused again with a refreshed token, when the server ends its tokens early', async () => {
    const first = await whoami('secure');
    const restarts = (await d.control<{ servers: { id: string; restarts: number }[] }>('/servers')).body.servers.find((s) => s.id === 'secure')!.restarts;
    const res = await fetch(new URL('/revoke-seen', serverUrl), { method: 'POST' });
    assert.ok(((await res.json()) as { revoked: number }).revoked >= 1);
    // No waitFor: this one call must succeed, on a token fetched because the server refused its predecessor.
    const who = JSON.parse(textOf(await client.callTool({ name: 'secure__whoami', arguments: {} }))) as { sub: string; jti: string };
    assert.equal(who.sub, 'alice');
    assert.notEqual(who.jti, first.jti);
    const after = (await d.control<{ servers: { id: string; restarts: number }[] }>('/servers')).body.servers.find((s) => s.id === 'secure')!.restarts;
    assert.equal(after, restarts, 'refreshed in place, without reconnecting');
  });

  it('asks for a new login when the bundle asks for other scopes', async () => {
    const changed = JSON.parse(readFileSync(bundlePath, 'utf8'));
    changed.servers[1].credentials[0].scopes = ['mcp:tools'];
    writeFileSync(bundlePath, JSON.stringify(changed));
    assert.equal((await d.control<{ ok: boolean }>('/bundle/reload', { method: 'POST' })).body.ok, true);
    const s = await waitFor(async () =>
      (await d.control<{ servers: { id: string; state: string; lastError: string | null }[] }>('/servers')).body.servers.find(
        (x) => x.id === 'prereg' && x.state === 'failed',
      ),
    );
    assert.match(s.lastError!, /scopes for "prereg" changed .*gatehouse login prereg/);
    await login('prereg', 'bob');
    assert.equal((await whoami('prereg')).sub, 'bob');
  });

  it('never shows a token to the agent or in the status', async () => {
    const token = (await new KeychainBackend().get('secure/login'))!;
    const refreshToken = await new KeychainBackend().get('secure/login#refresh');
    assert.ok(token && refreshToken);
    const surfaces = [
      JSON.stringify((await d.control('/status')).body),
      JSON.stringify((await d.control('/secrets')).body),
      d.stderr.join(''),
      readFileSync(join(d.dataDir, 'credentials.json'), 'utf8'),
    ];
    for (const text of surfaces) assert.ok(!text.includes(token) && !text.includes(refreshToken!));
  });

  it('deletes every token of a revoked server from the keychain', async () => {
    const revoked = JSON.parse(readFileSync(bundlePath, 'utf8'));
    revoked.servers[0].status = 'revoked';
    writeFileSync(bundlePath, JSON.stringify(revoked));
    assert.equal((await d.control<{ ok: boolean }>('/bundle/reload', { method: 'POST' })).body.ok, true);
    await waitFor(
      async () => {
        const k = new KeychainBackend();
        return (await k.get('secure/login')) === null && (await k.get('secure/login#refresh')) === null && (await k.get('secure/login#client')) === null;
      },
      5000,
      'the tokens to be deleted',
    );
    assert.equal((await whoami('prereg')).sub, 'bob', 'the other server keeps its login');
  });
});
