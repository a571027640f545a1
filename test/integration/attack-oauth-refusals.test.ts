// A protected MCP server (its own id: the keychain is shared by the suite's files)
// that refuses good tokens, against the refresh-on-401 path:
// each refusal must not become a refresh at the provider (a hostile server could
// otherwise drive the IdP, or burn a rotating refresh token), and the server must
// come back without a login once it accepts tokens again. Tokens live five minutes
// here, so no timer's refresh falls inside the test and every token counted was
// fetched because of a refusal.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@modelcontextprotocol/client';
import { KeychainBackend } from '../../gateway/secrets/keychain.ts';
import { stdioClient } from '../helpers/clients.ts';
import { startDaemon, waitFor, writeBundle, type TestDaemon } from '../helpers/daemon.ts';
import { keychainReady } from '../helpers/keychain.ts';
import { serveFixture, signIn } from '../helpers/oauth-server.ts';

const ready = await keychainReady();
const textOf = (r: unknown) => (r as { content: { text?: string }[] }).content.map((c) => c.text ?? '').join('');

describe('a server that refuses good tokens', { skip: ready ? false : 'no usable keychain here' }, () => {
  let idp: ChildProcess;
  let mcp: ChildProcess;
  let issuer: string;
  let serverUrl: string;
  let d: TestDaemon;
  let client: Client;
  const fixture = (path: string, init?: RequestInit) => fetch(new URL(path, serverUrl), init);
  const counts = async (reset = false) => (await (await fixture(`/presented${reset ? '?reset=1' : ''}`)).json()) as { tokens: number; refusals: number };
  const whoami = async () => JSON.parse(textOf(await client.callTool({ name: 'refusing__whoami', arguments: {} }))) as { sub: string; jti: string };

  before(async () => {
    const i = await serveFixture('idp.ts', ['300']);
    idp = i.proc;
    issuer = i.info.issuer!;
    const m = await serveFixture('protected-server.ts', [issuer]);
    mcp = m.proc;
    serverUrl = m.info.url!;
    const bundle = writeBundle({
      schemaVersion: 1,
      name: 'oauth-refusals',
      servers: [{ id: 'refusing', transport: { type: 'http', url: serverUrl }, credentials: [{ name: 'login', kind: 'oauth' }] }],
    });
    d = await startDaemon({ bundle });
    client = await stdioClient(d.dataDir, 'refusals');
    await signIn(d, 'refusing', 'carol', { issuer, serverUrl });
    await waitFor(async () => (await whoami().catch(() => undefined))?.sub, 15_000, 'the first call');
  });
  after(async () => {
    await fixture('/refuse-all?on=0', { method: 'POST' }).catch(() => {});
    await client?.close();
    await d?.stop();
    idp?.kill();
    mcp?.kill();
    // The keychain is the suite's, shared by every file: leave no token behind.
    const keychain = new KeychainBackend();
    for (const suffix of ['', '#refresh', '#client']) await keychain.delete(`refusing/login${suffix}`).catch(() => false);
  });

  it('one early revocation costs one refresh, and the call still succeeds', async () => {
    const first = await whoami();
    await counts(true);
    await fixture('/revoke-seen', { method: 'POST' });
    const who = await whoami();
    assert.equal(who.sub, 'carol');
    assert.notEqual(who.jti, first.jti);
    // The refused token and its successor (the transport's GET stream may be refused too).
    const after = await counts(true);
    assert.equal(after.tokens, 2);
    assert.ok(after.refusals >= 1);
  });

  it('refusing every token gets one refresh, not one per request', async () => {
    await fixture('/refuse-all?on=1', { method: 'POST' });
    let failed = 0;
    // Until the server has refused many requests (the daemon reconnects after each), or 20 s.
    const until = Date.now() + 20_000;
    let seen = await counts();
    while (seen.refusals < 8 && Date.now() < until) {
      await client.callTool({ name: 'refusing__whoami', arguments: {} }).catch(() => failed++);
      seen = await counts();
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(seen.refusals >= 8, `refusals: ${seen.refusals}`);
    assert.ok(failed >= 1, 'the refusals reach the agent as errors');
    // The token in force, and the one fetched for its refusal; then the daemon stops asking.
    assert.ok(seen.tokens <= 2, `tokens presented: ${seen.tokens} over ${seen.refusals} refusals`);
  });

  it('comes back with no login once the server accepts tokens again', async () => {
    await fixture('/refuse-all?on=0', { method: 'POST' });
    const text = await waitFor(
      async () => {
        try {
          return textOf(await client.callTool({ name: 'refusing__whoami', arguments: {} }));
        } catch {
          return undefined;
        }
      },
      30_000,
      'a call to succeed',
    );
    const who = JSON.parse(text) as { sub: string };
    assert.equal(who.sub, 'carol');
  });
});
