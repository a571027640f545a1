// The OAuth fixtures (an oidc-provider IdP and an MCP server behind it) as child
// processes, and a user's sign-in through the daemon and the provider's own pages.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { browse } from './browser.ts';
import { FIXTURES, type TestDaemon } from './daemon.ts';

/** Starts a fixture; resolves with its first stdout line (where it listens). */
export function serveFixture(script: string, args: string[]): Promise<{ proc: ChildProcess; info: Record<string, string> }> {
  const proc = spawn(process.execPath, [join(FIXTURES, 'oauth', script), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stderr!.on('data', (c: Buffer) => {
    if (/server_error|Error/.test(c.toString())) process.stderr.write(`[${script}] ${c}`);
  });
  return new Promise((resolve) => createInterface({ input: proc.stdout! }).once('line', (l) => resolve({ proc, info: JSON.parse(l) })));
}

/** `gatehouse login SERVER` as a user does it: the daemon starts the flow, the browser signs in and consents. */
export async function signIn(d: TestDaemon, server: string, user: string, expect: { issuer: string; serverUrl: string }): Promise<void> {
  const started = await d.control<{ id: string; authorizationUrl: string; error?: string }>(`/oauth/${server}/login`, { method: 'POST', body: '{}' });
  assert.equal(started.status, 200, started.body.error);
  const auth = new URL(started.body.authorizationUrl);
  assert.equal(auth.origin, expect.issuer);
  assert.equal(auth.searchParams.get('code_challenge_method'), 'S256');
  assert.equal(auth.searchParams.get('resource'), expect.serverUrl);
  assert.equal(auth.searchParams.get('redirect_uri'), `http://127.0.0.1:${d.port}/oauth/callback`);
  const page = await browse(started.body.authorizationUrl, user);
  assert.match(page, /Signed in for/);
  const done = await d.control<{ ok: boolean; error?: string }>(`/oauth/logins/${started.body.id}`);
  assert.equal(done.body.ok, true, done.body.error);
}
