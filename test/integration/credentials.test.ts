// Credentials end to end, against a real gnome-keyring (scripts/test runs the suite
// in its own D-Bus session with a throwaway keyring): the keychain round trip, each
// keychain failure with the message the user sees, injection into only the server
// that needs a value, and a planted secret that must appear nowhere.
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { Client } from '@modelcontextprotocol/client';
import { parseBundle } from '../../shared/bundle/schema.ts';
import { KeychainBackend } from '../../gateway/secrets/keychain.ts';
import { CredentialVault, MissingCredentialError } from '../../gateway/secrets/vault.ts';
import { stdioClient } from '../helpers/clients.ts';
import { alive, CLI, FIXTURES, startDaemon, stdioServer, tempDir, waitFor, writeBundle, type TestDaemon } from '../helpers/daemon.ts';
import { keychainReady } from '../helpers/keychain.ts';

const run = promisify(execFile);
const SECRET = 'sk-planted-9f8e7d6c5b4a39281706';
const textOf = (r: unknown) => (r as { content: { text?: string }[] }).content.map((c) => c.text ?? '').join('');

/** Runs the CLI with a value on stdin. */
function cli(args: string[], stdin = '', env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout!.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    p.stderr!.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const timer = setTimeout(() => p.kill('SIGKILL'), 30_000);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    p.stdin!.end(stdin);
  });
}

const ready = await keychainReady();
const skip = ready ? false : 'no usable keychain here (install gnome-keyring and run through `npm test`)';

const vaultBundle = (extra: Record<string, unknown> = {}) => ({
  schemaVersion: 1,
  name: 'credentials',
  servers: [
    stdioServer('vault', 'faulty-server.ts', { credentials: [{ name: 'api_key', kind: 'env', description: 'The API key', rotationDays: 30 }] }),
    stdioServer('other', 'faulty-server.ts'),
  ],
  ...extra,
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    const st = statSync(path);
    return st.isDirectory() ? filesUnder(path) : st.isFile() ? [path] : [];
  });
}

describe('credentials', { skip }, () => {
  it('round-trips through the keychain as gatehouse / <server>/<slot>', async () => {
    const parsed = parseBundle(vaultBundle());
    assert.ok(parsed.ok);
    const server = parsed.bundle.servers[0]!;
    const vault = new CredentialVault(tempDir(), () => new KeychainBackend());
    await vault.set(server, 'api_key', 'round-trip-value-1', false);
    const looked = await run('secret-tool', ['lookup', 'service', 'gatehouse', 'username', 'vault/api_key']).catch(() => ({ stdout: 'secret-tool missing' }));
    if (looked.stdout !== 'secret-tool missing') assert.equal(looked.stdout, 'round-trip-value-1');
    assert.deepEqual(await vault.valuesFor(server), { api_key: 'round-trip-value-1' });
    assert.equal(vault.status(parsed.bundle)[0]?.set, true);
    assert.ok(await vault.remove('vault', 'api_key'));
    await assert.rejects(
      vault.valuesFor(server),
      (err: unknown) => err instanceof MissingCredentialError && /gatehouse secrets set vault\/api_key/.test(err.message),
    );
  });

  it('refuses a bundle that carries a credential value', () => {
    const r = parseBundle({
      schemaVersion: 1,
      name: 'x',
      servers: [stdioServer('a', 'faulty-server.ts', { credentials: [{ name: 'key', kind: 'env', value: 'oops' }] })],
    });
    assert.ok(!r.ok);
    assert.match(r.issues.map((i) => `${i.path}: ${i.message}`).join('\n'), /servers\.0\.credentials\.0.*value/);
  });

  describe('a planted secret', () => {
    let d: TestDaemon;
    let client: Client;
    before(async () => {
      d = await startDaemon({ bundle: writeBundle(vaultBundle()), env: { LEAKY_TOKEN: 'daemon-env-should-not-leak' } });
      client = await stdioClient(d.dataDir, 'careful');
    });
    after(async () => {
      await client?.close();
      await d?.stop();
    });

    it('keeps a server with an empty required slot down, and says which slot to set', async () => {
      const s = await waitFor(async () =>
        (await d.control<{ servers: { id: string; state: string; lastError: string | null }[] }>('/servers')).body.servers.find(
          (x) => x.id === 'vault' && x.state === 'failed',
        ),
      );
      assert.match(s.lastError ?? '', /missing credential "api_key": set it with `gatehouse secrets set vault\/api_key`/);
      assert.equal(textOf(await client.callTool({ name: 'other__echo', arguments: { message: 'others run' } })), 'others run');
    });

    it('is set from standard input, restarts only its server, and reaches only that server', async () => {
      const otherPid = (await d.control<{ servers: { id: string; pid: number }[] }>('/servers')).body.servers.find((s) => s.id === 'other')!.pid;
      const r = await cli(['secrets', 'set', 'vault/api_key', '--data-dir', d.dataDir], `${SECRET}\n`);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /set vault\/api_key/);
      await waitFor(
        async () => (await d.control<{ servers: { id: string; state: string }[] }>('/servers')).body.servers.find((s) => s.id === 'vault')?.state === 'ready',
      );
      assert.equal(
        (await d.control<{ servers: { id: string; pid: number }[] }>('/servers')).body.servers.find((s) => s.id === 'other')!.pid,
        otherPid,
        'the other server was not restarted',
      );
      const seen = await waitFor(async () => {
        try {
          return textOf(await client.callTool({ name: 'vault__getenv', arguments: { name: 'API_KEY' } }));
        } catch {
          return undefined;
        }
      });
      assert.equal(seen, '[REDACTED:vault/api_key]', 'the server has the value; the agent sees it redacted');
      assert.equal(textOf(await client.callTool({ name: 'other__getenv', arguments: { name: 'API_KEY' } })), '(unset)');
      assert.equal(textOf(await client.callTool({ name: 'vault__getenv', arguments: { name: 'LEAKY_TOKEN' } })), '(unset)', 'no inherited environment');
    });

    it('appears in no tool result, error, log, status, data file or daemon output', async () => {
      await client.callTool({ name: 'vault__leak_to_stderr', arguments: { name: 'API_KEY' } });
      const failed = await client.callTool({ name: 'vault__fail_with', arguments: { name: 'API_KEY' } });
      assert.equal(failed.isError, true);
      assert.match(textOf(failed), /upstream auth failed with key \[REDACTED:vault\/api_key\]/);
      const list = await cli(['secrets', 'list', '--data-dir', d.dataDir]);
      assert.match(list.stdout, /vault\/api_key\s+env\s+set /);
      const status = await cli(['status', '--json', '--data-dir', d.dataDir]);
      const surfaces: [string, string][] = [
        ['secrets list', list.stdout],
        ['status', status.stdout],
        ['control /servers', JSON.stringify((await d.control('/servers')).body)],
        ['control /secrets', JSON.stringify((await d.control('/secrets')).body)],
        ['control /tools', JSON.stringify((await d.control('/tools')).body)],
        ['daemon stderr', d.stderr.join('')],
      ];
      await waitFor(() => readFileSync(join(d.dataDir, 'logs', 'vault.log'), 'utf8').includes('debug: API_KEY='), 5000, 'the stderr line');
      for (const file of filesUnder(d.dataDir)) surfaces.push([file, readFileSync(file, 'latin1')]);
      for (const [where, text] of surfaces) assert.ok(!text.includes(SECRET), `the secret leaked into ${where}`);
      assert.match(readFileSync(join(d.dataDir, 'logs', 'vault.log'), 'utf8'), /debug: API_KEY=\[REDACTED:vault\/api_key\]/);
    });

    it('shows rotation as due and rotates', async () => {
      const meta = join(d.dataDir, 'credentials.json');
      const m = JSON.parse(readFileSync(meta, 'utf8'));
      m.slots['vault/api_key'].setAt = new Date(Date.now() - 40 * 86_400_000).toISOString();
      writeFileSync(meta, JSON.stringify(m));
      // The daemon reads its metadata at start; a restart picks the aged entry up.
      await client.close();
      await d.stop();
      d = await startDaemon({ bundle: writeBundle(vaultBundle()), dataDir: d.dataDir });
      client = await stdioClient(d.dataDir, 'careful');
      const status = await cli(['status', '--data-dir', d.dataDir]);
      assert.match(status.stdout, /vault\/api_key .*ROTATION DUE \(every 30 days\)/);
      const r = await cli(['secrets', 'rotate', 'vault/api_key', '--data-dir', d.dataDir], 'sk-rotated-1234567890\n');
      assert.equal(r.code, 0, r.stderr);
      const slots = (await d.control<{ slots: { slot: string; due: boolean; rotatedAt: string | null }[] }>('/secrets')).body.slots;
      assert.equal(slots[0]!.due, false);
      assert.ok(slots[0]!.rotatedAt);
      const seen = await waitFor(async () => {
        try {
          return textOf(await client.callTool({ name: 'vault__getenv', arguments: { name: 'API_KEY' } }));
        } catch {
          return undefined;
        }
      });
      assert.equal(seen, '[REDACTED:vault/api_key]');
      // Set and rotate are in the audit log, by name only.
      const records = (
        await d.control<{ records: { record: { type: string; server: string; detail?: { slot: string; action: string } } }[] }>('/audit?server=vault&limit=500')
      ).body.records
        .map((r) => r.record)
        .filter((r) => r.type === 'secret');
      assert.deepEqual(records.map((r) => `${r.server}/${r.detail?.slot} ${r.detail?.action}`).sort(), ['vault/api_key rotate', 'vault/api_key set']);
      assert.ok(!JSON.stringify(records).includes('sk-rotated'), 'no value in the records');
    });

    it('deletes the credentials and stops the server when the bundle revokes it', async () => {
      await client.close();
      await d.stop();
      const bundlePath = writeBundle(vaultBundle());
      d = await startDaemon({ bundle: bundlePath, dataDir: d.dataDir });
      const running = await waitFor(async () =>
        (await d.control<{ servers: { id: string; pid: number | null; state: string }[] }>('/servers')).body.servers.find(
          (s) => s.id === 'vault' && s.state === 'ready',
        ),
      );
      assert.ok(await new KeychainBackend().get('vault/api_key'), 'the secret is in the keychain before');
      const revoked = JSON.parse(readFileSync(bundlePath, 'utf8'));
      revoked.servers[0].status = 'revoked';
      revoked.version = 2;
      writeFileSync(bundlePath, JSON.stringify(revoked));
      const r = await cli(['reload', '--data-dir', d.dataDir]);
      assert.equal(r.code, 0, r.stderr);
      await waitFor(async () => (await new KeychainBackend().get('vault/api_key')) === null, 5000, 'the keychain entry to be deleted');
      await waitFor(() => !alive(running.pid!), 5000, 'the server process to stop');
      const servers = (await d.control<{ servers: { id: string; state: string }[] }>('/servers')).body.servers;
      assert.equal(servers.find((s) => s.id === 'vault')?.state, 'disabled');
      const slots = (await d.control<{ slots: { server: string; set: boolean }[] }>('/secrets')).body.slots;
      assert.deepEqual(
        slots.filter((s) => s.server === 'vault').map((s) => s.set),
        [false],
      );
      client = await stdioClient(d.dataDir, 'careful');
    });
  });

  it('puts header credentials on each HTTP request', async () => {
    const fx: ChildProcess = spawn(process.execPath, [join(FIXTURES, 'servers', 'fixture-server.ts'), '--http', '0'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const { port } = await new Promise<{ port: number }>((resolve) => createInterface({ input: fx.stdout! }).once('line', (l) => resolve(JSON.parse(l))));
    const d = await startDaemon({
      bundle: writeBundle({
        schemaVersion: 1,
        name: 'h',
        servers: [
          { id: 'web', transport: { type: 'http', url: `http://127.0.0.1:${port}/mcp` }, credentials: [{ name: 'token', kind: 'header', prefix: 'Bearer ' }] },
        ],
      }),
    });
    try {
      assert.equal((await cli(['secrets', 'set', 'web/token', '--data-dir', d.dataDir], 'http-secret-abcdef123\n')).code, 0);
      const client = await stdioClient(d.dataDir, 'h');
      const seen = await waitFor(async () => {
        try {
          return textOf(await client.callTool({ name: 'web__auth_header', arguments: {} }));
        } catch {
          return undefined;
        }
      });
      assert.equal(seen, 'Bearer [REDACTED:web/token]');
      await client.close();
    } finally {
      await d.stop();
      fx.kill();
    }
  });
});

describe('keychain failures, with the message the user sees', { skip }, () => {
  async function setVia(d: TestDaemon): Promise<string> {
    const r = await cli(['secrets', 'set', 'vault/api_key', '--data-dir', d.dataDir], 'some-secret-value-123\n');
    assert.equal(r.code, 2);
    return r.stderr;
  }

  it('no D-Bus session', async () => {
    const d = await startDaemon({ bundle: writeBundle(vaultBundle()), unsetEnv: ['DBUS_SESSION_BUS_ADDRESS', 'DISPLAY'] });
    try {
      assert.match(await setVia(d), /no D-Bus session.*dbus-run-session.*encrypted file store/);
    } finally {
      await d.stop();
    }
  });

  it('a locked keychain (or none created)', async () => {
    // A fresh session bus whose keyring was never unlocked.
    const d = await startDaemon({
      bundle: writeBundle(vaultBundle()),
      wrap: ['dbus-run-session', '--'],
      env: { XDG_DATA_HOME: tempDir() },
      unsetEnv: ['GNOME_KEYRING_CONTROL'],
    });
    try {
      assert.match(await setVia(d), /keychain is locked.*gnome-keyring-daemon --unlock/);
    } finally {
      await d.stop();
    }
  });

  it('the opt-in encrypted file store works without a keychain, and refuses a wrong passphrase', async () => {
    const env = { GATEHOUSE_SECRET_STORE: 'encrypted-file', GATEHOUSE_SECRET_PASSPHRASE: 'correct horse battery staple' };
    const d = await startDaemon({ bundle: writeBundle(vaultBundle()), env, unsetEnv: ['DBUS_SESSION_BUS_ADDRESS'] });
    try {
      assert.equal((await cli(['secrets', 'set', 'vault/api_key', '--data-dir', d.dataDir], `${SECRET}\n`)).code, 0);
      const client = await stdioClient(d.dataDir, 'f');
      const seen = await waitFor(async () => {
        try {
          return textOf(await client.callTool({ name: 'vault__getenv', arguments: { name: 'API_KEY' } }));
        } catch {
          return undefined;
        }
      });
      assert.equal(seen, '[REDACTED:vault/api_key]');
      await client.close();
      assert.ok(!readFileSync(join(d.dataDir, 'secrets.enc.json'), 'utf8').includes(SECRET));
    } finally {
      await d.stop();
    }
    const wrong = await startDaemon({
      bundle: writeBundle(vaultBundle()),
      dataDir: d.dataDir,
      env: { ...env, GATEHOUSE_SECRET_PASSPHRASE: 'not the right passphrase' },
    });
    try {
      const s = await waitFor(async () =>
        (await wrong.control<{ servers: { id: string; lastError: string | null }[] }>('/servers')).body.servers.find((x) => x.id === 'vault' && x.lastError),
      );
      assert.match(s.lastError!, /wrong passphrase/);
    } finally {
      await wrong.stop();
    }
  });
});
