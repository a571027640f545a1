// A held secret handed back encoded (base64, base64url, hex, percent) is as much a
// leak as the plain value: against a real daemon with the encrypted-file store,
// a secret set through the CLI comes back from a tool in each encoding, inside a
// longer blob, and neither the agent's result nor the audit record carries it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@modelcontextprotocol/client';
import { stdioClient } from '../helpers/clients.ts';
import { CLI, startDaemon, stdioServer, waitFor, writeBundle, type TestDaemon } from '../helpers/daemon.ts';

const SECRET = 'sk-planted-Zq9/+x~7d6c5b4a3';
const textOf = (r: unknown) => (r as { content: { text?: string }[] }).content.map((c) => c.text ?? '').join('');

function setSecret(dataDir: string, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, 'secrets', 'set', 'vault/api_key', '--data-dir', dataDir], {
      env: { ...process.env, ...env },
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    p.stdin!.end(`${SECRET}\n`);
    p.on('exit', (code) => resolve(code ?? 1));
  });
}

describe('redaction of encoded secrets', () => {
  const env = { GATEHOUSE_SECRET_STORE: 'encrypted-file', GATEHOUSE_SECRET_PASSPHRASE: 'correct horse battery staple' };
  let d: TestDaemon;
  let client: Client;

  before(async () => {
    d = await startDaemon({
      bundle: writeBundle({
        schemaVersion: 1,
        name: 'encoded',
        servers: [stdioServer('vault', 'faulty-server.ts', { credentials: [{ name: 'api_key', kind: 'env' }] })],
      }),
      env,
      unsetEnv: ['DBUS_SESSION_BUS_ADDRESS'],
    });
    assert.equal(await setSecret(d.dataDir, env), 0);
    client = await stdioClient(d.dataDir, 'encoder');
    // The server starts (and its secret is read and held) on the first call.
    await waitFor(async () => {
      try {
        return textOf(await client.callTool({ name: 'vault__getenv', arguments: { name: 'API_KEY' } }));
      } catch {
        return undefined;
      }
    });
  });
  after(async () => {
    await client?.close();
    await d?.stop();
  });

  const bytes = (s: string) => Buffer.from(s, 'utf8');
  const encodings: [string, string][] = [
    // One, two and three bytes in front: the three base64 alignments.
    ['base64, offset 0', Buffer.concat([bytes(SECRET), bytes('!tail')]).toString('base64')],
    ['base64, offset 1', Buffer.concat([bytes('x'), bytes(SECRET), bytes('!tail')]).toString('base64')],
    ['base64, offset 2', Buffer.concat([bytes('xy'), bytes(SECRET)]).toString('base64')],
    ['base64url', Buffer.concat([bytes('{"k":"'), bytes(SECRET), bytes('"}')]).toString('base64url')],
    ['hex', Buffer.concat([bytes('pre'), bytes(SECRET)]).toString('hex')],
    [
      'HEX',
      Buffer.concat([bytes('pre'), bytes(SECRET)])
        .toString('hex')
        .toUpperCase(),
    ],
    ['percent', `https://example.test/cb?key=${encodeURIComponent(SECRET)}&x=1`],
  ];

  it('scrubs every encoding from what the agent gets and from the audit record', async () => {
    for (const [name, blob] of encodings) {
      const out = textOf(await client.callTool({ name: 'vault__echo', arguments: { message: `the server says ${blob} and more` } }));
      assert.match(out, /\[REDACTED:vault\/api_key\]/, `${name}: ${out}`);
      // The secret's own encoding (the part that does not depend on its neighbours) is gone.
      const core = name.startsWith('base64') ? blob.slice(4, 30) : name === 'percent' ? encodeURIComponent(SECRET) : blob.slice(8, 40);
      assert.ok(!out.includes(core), `${name}: ${out}`);
    }
    const audit = await d.control<{ records: { record: { arguments?: unknown; result?: { excerpt?: string } } }[] }>('/audit?tool=vault__echo&limit=50');
    const text = JSON.stringify(audit.body.records);
    assert.equal(audit.body.records.length, encodings.length, text.slice(0, 500));
    for (const [name, blob] of encodings) {
      const core = name.startsWith('base64') ? blob.slice(4, 30) : name === 'percent' ? encodeURIComponent(SECRET) : blob.slice(8, 40);
      assert.ok(!text.includes(core), `${name} reached the audit log`);
    }
  });
});
