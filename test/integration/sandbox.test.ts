// Issue 16's proof on the real kernel: stdio servers run under bubblewrap with the
// folders and hosts the bundle allows, through the real daemon. The escape server
// tries to get out; each attempt must be refused and each allowed thing must work.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@modelcontextprotocol/client';
import type { AuditRecord } from '../../shared/audit/record.ts';
import type { Status } from '../../shared/control/contract.ts';
import { sandboxSupport } from '../../gateway/sandbox/probe.ts';
import { closeHttp, httpClient } from '../helpers/clients.ts';
import { CLI, FIXTURES, startDaemon, tempDir, writeBundle, type TestDaemon } from '../helpers/daemon.ts';

const run = promisify(execFile);
const support = sandboxSupport();
// In CI a machine without a working bubblewrap is a failure, not a skip.
const skip = support.mechanism === 'bubblewrap' ? false : process.env.CI === 'true' ? false : `no sandbox here: ${support.reason}`;

type Outcome = { ok: boolean; value?: unknown; error?: string };
const textOf = (r: unknown) => (r as { content: Array<{ text?: string }> }).content.map((c) => c.text ?? '').join('');

function listen(body: string): Promise<Server> {
  const server = createServer((_req, res) => res.end(body));
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
const portOf = (s: Server) => (s.address() as { port: number }).port;

describe('stdio servers sandboxed with bubblewrap', { skip }, () => {
  let daemon: TestDaemon;
  let client: Client;
  let allowed: Server;
  let denied: Server;
  const home = tempDir('gh-home-');
  const readable = tempDir('gh-read-');
  const writable = tempDir('gh-write-');
  const outside = tempDir('gh-outside-');
  const files = tempDir('gh-fs-');

  const call = async (name: string, args: Record<string, unknown>): Promise<Outcome> =>
    JSON.parse(textOf(await client.callTool({ name, arguments: args }))) as Outcome;

  before(async () => {
    assert.equal(support.mechanism, 'bubblewrap', `CI must sandbox: ${support.reason}`);
    mkdirSync(join(home, '.ssh'));
    writeFileSync(join(home, '.ssh', 'id_rsa'), '-----BEGIN OPENSSH PRIVATE KEY----- planted');
    writeFileSync(join(home, 'notes.txt'), 'ordinary notes');
    writeFileSync(join(readable, 'data.txt'), 'readable data');
    writeFileSync(join(outside, 'secret.txt'), 'outside secret');
    // What a server allowed to write here could have left from an earlier run: a link to ~/.ssh.
    symlinkSync(join(home, '.ssh'), join(readable, 'ssh-link'));
    writeFileSync(join(files, 'hello.txt'), 'hello from the filesystem server');
    allowed = await listen('allowed host answered');
    denied = await listen('denied host answered');
    const escape = (id: string, sandbox: Record<string, unknown>) => ({
      id,
      transport: { type: 'stdio', command: process.execPath, args: [join(FIXTURES, 'servers', 'escape-server.ts')] },
      sandbox,
    });
    const bundle = writeBundle({
      schemaVersion: 1,
      name: 'sandbox-proof',
      servers: [
        escape('escape', {
          read: [join(FIXTURES, 'servers'), readable, join(readable, 'ssh-link')],
          write: [writable],
          network: { allow: [`127.0.0.1:${portOf(allowed)}`] },
        }),
        // Reads the whole home folder: the credential folders in it must still be hidden.
        escape('nosy', { read: [join(FIXTURES, 'servers'), '${home}'], network: 'none' }),
        { id: 'filesystem', transport: { type: 'npm', package: '@modelcontextprotocol/server-filesystem', args: [files] }, sandbox: { write: [files] } },
        {
          id: 'memory',
          transport: { type: 'npm', package: '@modelcontextprotocol/server-memory', env: { MEMORY_FILE_PATH: '${dataDir}/memory/graph.jsonl' } },
          sandbox: { write: ['${dataDir}/memory'] },
        },
      ],
    });
    daemon = await startDaemon({ bundle, env: { HOME: home } });
    client = await httpClient(daemon.url, await daemon.agentToken('sandbox-test'));
  });
  after(async () => {
    await closeHttp(client).catch(() => {});
    await daemon?.stop();
    allowed?.close();
    denied?.close();
  });

  it('hides ~/.ssh/id_rsa, also from a server allowed to read the home folder', async () => {
    const direct = await call('escape__read_file', { path: join(home, '.ssh', 'id_rsa') });
    assert.equal(direct.ok, false, 'a server without ${home} read the planted key');
    const linked = await call('escape__read_file', { path: join(readable, 'ssh-link', 'id_rsa') });
    assert.equal(linked.ok, false, 'a listed path through a planted symlink exposed ~/.ssh');
    const nosy = await call('nosy__read_file', { path: join(home, '.ssh', 'id_rsa') });
    assert.equal(nosy.ok, false, 'the home folder bind exposed ~/.ssh');
    assert.deepEqual(await call('nosy__read_file', { path: join(home, 'notes.txt') }), { ok: true, value: 'ordinary notes' });
  });

  it('reads only the folders it may read', async () => {
    assert.deepEqual(await call('escape__read_file', { path: join(readable, 'data.txt') }), { ok: true, value: 'readable data' });
    assert.equal((await call('escape__read_file', { path: join(outside, 'secret.txt') })).ok, false);
    assert.equal((await call('escape__list_dir', { path: '/home' })).ok, false, 'listed /home');
    assert.equal((await call('escape__read_file', { path: join(readable, '..', 'gh-not-there') })).ok, false);
  });

  it('writes only where it may write, and nothing it writes elsewhere reaches the host', async () => {
    assert.deepEqual(await call('escape__write_file', { path: join(writable, 'out.txt'), text: 'kept' }), { ok: true, value: 'written' });
    assert.equal(readFileSync(join(writable, 'out.txt'), 'utf8'), 'kept');
    assert.equal((await call('escape__write_file', { path: join(outside, 'evil.txt'), text: 'x' })).ok, false);
    assert.equal((await call('escape__write_file', { path: join(readable, 'evil.txt'), text: 'x' })).ok, false, 'wrote into a read-only folder');
    await call('escape__write_file', { path: join(home, '.bashrc'), text: 'x' });
    assert.equal(
      existsSync(join(outside, 'evil.txt')) || existsSync(join(readable, 'evil.txt')) || existsSync(join(home, '.bashrc')),
      false,
      'a write escaped to the host',
    );
  });

  it('reaches an allowed host only through the egress proxy, and nothing else at all', async () => {
    const ok = await call('escape__proxy_get', { host: '127.0.0.1', port: portOf(allowed) });
    assert.equal(ok.ok, true);
    assert.match(String(ok.value), /^HTTP\/1\.1 200[\s\S]*allowed host answered/);
    const viaFetch = await call('escape__fetch', { url: `http://127.0.0.1:${portOf(allowed)}/` });
    assert.deepEqual(viaFetch, { ok: true, value: '200 allowed host answered' }, 'Node fetch did not use the sandbox proxy');
    // The sandbox has its own network: the host's loopback is not there to connect to.
    assert.equal((await call('escape__tcp_connect', { host: '127.0.0.1', port: portOf(allowed) })).ok, false, 'connected around the proxy');
    assert.equal((await call('escape__tcp_connect', { host: '127.0.0.1', port: portOf(denied) })).ok, false);
    const get = await call('escape__proxy_get', { host: '127.0.0.1', port: portOf(denied) });
    assert.match(String(get.value), /^HTTP\/1\.1 403/);
    assert.doesNotMatch(String(get.value), /denied host answered/);
    assert.deepEqual(
      await call('escape__proxy_connect', { host: 'localhost', port: portOf(allowed) }),
      { ok: true, value: '403' },
      'a name for an allowed address is still another host',
    );
    assert.equal((await call('nosy__tcp_connect', { host: '127.0.0.1', port: portOf(allowed) })).ok, false);
  });

  it('runs the real filesystem and memory servers inside their sandboxes', async () => {
    const dirs = textOf(await client.callTool({ name: 'filesystem__list_allowed_directories', arguments: {} }));
    assert.match(dirs, /gh-fs-/);
    assert.match(
      textOf(await client.callTool({ name: 'filesystem__read_text_file', arguments: { path: join(files, 'hello.txt') } })),
      /hello from the filesystem server/,
    );
    const wrote = await client.callTool({ name: 'filesystem__write_file', arguments: { path: join(files, 'new.txt'), content: 'made inside' } });
    assert.ok(!wrote.isError, textOf(wrote));
    assert.equal(readFileSync(join(files, 'new.txt'), 'utf8'), 'made inside');
    const made = await client.callTool({
      name: 'memory__create_entities',
      arguments: { entities: [{ name: 'sandbox', entityType: 'proof', observations: ['works'] }] },
    });
    assert.ok(!made.isError, textOf(made));
    assert.match(readFileSync(join(daemon.dataDir, 'memory', 'graph.jsonl'), 'utf8'), /"sandbox"/);
  });

  it('shows each sandbox as enforced in the status, and each refused host in the status and the audit log', async () => {
    const { body } = await daemon.control<Status>('/status');
    const byId = new Map(body.servers.map((s) => [s.id, s]));
    for (const id of ['escape', 'nosy', 'filesystem', 'memory']) {
      const sandbox = byId.get(id)?.sandbox;
      assert.equal(sandbox?.enforced, true, `${id}: ${JSON.stringify(sandbox)}`);
      assert.equal(sandbox?.mechanism, 'bubblewrap');
    }
    assert.equal(byId.get('nosy')?.sandbox?.network, 'none');
    assert.match(byId.get('escape')?.sandbox?.note ?? '', /ssh-link \(a symbolic link: name the real path\)/);
    const refused = byId.get('escape')?.sandbox?.refused ?? [];
    assert.ok(
      refused.some((r) => r.host === '127.0.0.1' && r.port === portOf(denied)),
      JSON.stringify(refused),
    );
    assert.ok(byId.get('escape')?.stderrTail.some((l) => l.includes(`refused a connection to 127.0.0.1:${portOf(denied)}`)));
    // What a person sees: `gatehouse status` says how each server is held in.
    const { stdout } = await run(process.execPath, [CLI, 'status', '--data-dir', daemon.dataDir], { env: { ...process.env, HOME: home } });
    assert.match(stdout, /sandbox: bubblewrap, network none/);
    assert.match(stdout, new RegExp(`sandbox: bubblewrap, network 127\\.0\\.0\\.1:${portOf(allowed)}; 2 refused \\(last localhost:${portOf(allowed)}\\)`));
    const audit = await daemon.control<{ records: Array<{ record: AuditRecord }> }>('/audit?limit=500');
    const denial = audit.body.records
      .map((r) => r.record)
      .find((r) => r.type === 'denial' && r.server === 'escape' && (r.detail as { port?: number } | undefined)?.port === portOf(denied));
    assert.ok(denial, 'the refused host is not in the audit log');
    assert.equal(denial.outcome, 'denied');
    assert.match(denial.error ?? '', /127\.0\.0\.1:\d+ is not on this server's allow-list/);
  });
});
