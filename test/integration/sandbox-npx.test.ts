// An npm server that only npx can run (no installed copy), sandboxed with no network:
// Gatehouse fetches the package outside the sandbox with npm's own configuration, then
// npx inside runs it offline from the npm cache, which is bound in writable. The
// registry is a small one on loopback serving one package this test packs, so the
// proof needs nothing from the internet.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@modelcontextprotocol/client';
import type { Status } from '../../shared/control/contract.ts';
import { sandboxSupport } from '../../gateway/sandbox/probe.ts';
import { closeHttp, httpClient } from '../helpers/clients.ts';
import { startDaemon, tempDir, writeBundle, type TestDaemon } from '../helpers/daemon.ts';

const run = promisify(execFile);
const support = sandboxSupport();
const skip = support.mechanism === 'bubblewrap' ? false : process.env.CI === 'true' ? false : `no sandbox here: ${support.reason}`;
const NAME = 'gh-sandbox-npx-probe';
const textOf = (r: unknown) => (r as { content: Array<{ text?: string }> }).content.map((c) => c.text ?? '').join('');

/** The package's whole server: plain CommonJS (Node strips no types under node_modules). */
const BIN = `#!/usr/bin/env node
const { readFileSync } = require('node:fs');
const send = (m) => process.stdout.write(JSON.stringify(m) + '\\n');
const tools = {
  where: () => ({ script: process.argv[1], offline: process.env.npm_config_offline ?? null }),
  read_file: (a) => readFileSync(String(a.path), 'utf8'),
  fetch: async (a) => { const r = await fetch(String(a.url)); return r.status; },
};
require('node:readline').createInterface({ input: process.stdin }).on('line', async (line) => {
  let m; try { m = JSON.parse(line); } catch { return; }
  if (m.id === undefined) return;
  if (m.method === 'initialize') return send({ jsonrpc: '2.0', id: m.id, result: { protocolVersion: m.params.protocolVersion, capabilities: { tools: {} }, serverInfo: { name: '${NAME}', version: '1.0.0' } } });
  if (m.method === 'tools/list') return send({ jsonrpc: '2.0', id: m.id, result: { tools: Object.keys(tools).map((name) => ({ name, inputSchema: { type: 'object' } })) } });
  if (m.method === 'tools/call') {
    let out; try { out = { ok: true, value: await tools[m.params.name](m.params.arguments ?? {}) }; } catch (e) { out = { ok: false, error: e.cause?.code ?? e.code ?? e.message }; }
    return send({ jsonrpc: '2.0', id: m.id, result: { content: [{ type: 'text', text: JSON.stringify(out) }] } });
  }
  send({ jsonrpc: '2.0', id: m.id, result: {} });
});
`;

describe('an npx-run npm server, sandboxed without network', { skip }, () => {
  let registry: Server;
  let daemon: TestDaemon | undefined;
  let client: Client | undefined;
  let base = '';
  const home = tempDir('gh-home-');
  const requests: string[] = [];
  // An extra CA the way a company sets one: a file in a folder no sandbox entry names.
  const extraCa = join(tempDir('gh-ca-'), 'corp-ca.pem');
  const SYSTEM_STORE = '/etc/ssl/certs/ca-certificates.crt';
  const call = async (name: string, args: Record<string, unknown> = {}) =>
    JSON.parse(textOf(await client!.callTool({ name, arguments: args }))) as { ok: boolean; value?: unknown; error?: string };

  before(async () => {
    assert.equal(support.mechanism, 'bubblewrap', `CI must sandbox: ${support.reason}`);
    const pkg = tempDir('gh-npx-pkg-');
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: NAME, version: '1.0.0', bin: { [NAME]: 'bin.js' }, license: 'MIT' }));
    writeFileSync(join(pkg, 'bin.js'), BIN, { mode: 0o755 });
    const out = tempDir('gh-npx-tgz-');
    const { stdout } = await run('npm', ['pack', '--pack-destination', out, '--json'], {
      cwd: pkg,
      env: { ...process.env, npm_config_cache: join(out, 'cache') },
    });
    const tarball = readFileSync(join(out, (JSON.parse(stdout) as Array<{ filename: string }>)[0]!.filename));
    const integrity = `sha512-${createHash('sha512').update(tarball).digest('base64')}`;
    const shasum = createHash('sha1').update(tarball).digest('hex');
    registry = createServer((req, res) => {
      requests.push(req.url ?? '');
      if (req.url === `/${NAME}`) {
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({
            name: NAME,
            'dist-tags': { latest: '1.0.0' },
            versions: {
              '1.0.0': { name: NAME, version: '1.0.0', bin: { [NAME]: 'bin.js' }, dist: { tarball: `${base}/${NAME}/-/${NAME}-1.0.0.tgz`, integrity, shasum } },
            },
          }),
        );
      } else if (req.url === `/${NAME}/-/${NAME}-1.0.0.tgz`) {
        res.end(tarball);
      } else {
        res.statusCode = 404;
        res.end('{}');
      }
    });
    await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(registry.address() as { port: number }).port}`;
    writeFileSync(extraCa, rootCertificates[0]!);
    mkdirSync(join(home, '.ssh'));
    writeFileSync(join(home, '.ssh', 'id_rsa'), 'planted');
    const bundle = writeBundle({
      schemaVersion: 1,
      name: 'sandbox-npx',
      servers: [{ id: 'probe', transport: { type: 'npm', package: NAME }, sandbox: { network: 'none' } }],
    });
    // npm's configuration reaches npx through npm_config_* (as a user's would); a run under `npm test` has its own, replaced here.
    daemon = await startDaemon({
      bundle,
      env: {
        HOME: home,
        npm_config_registry: `${base}/`,
        npm_config_cache: join(home, '.npm'),
        npm_config_userconfig: join(home, '.npmrc'),
        NODE_EXTRA_CA_CERTS: extraCa,
        npm_config_update_notifier: 'false',
        npm_config_audit: 'false',
        npm_config_fund: 'false',
      },
    });
    client = await httpClient(daemon.url, await daemon.agentToken('sandbox-npx-test'));
  });

  after(async () => {
    if (client) await closeHttp(client).catch(() => {});
    await daemon?.stop();
    registry?.close();
  });

  it('runs from the npm cache, offline, inside the sandbox', async () => {
    const where = await call('probe__where');
    assert.equal(where.ok, true, JSON.stringify(where));
    const { script, offline } = where.value as { script: string; offline: string | null };
    assert.ok(script.startsWith(join(home, '.npm', '_npx')), `not run from npm's npx cache: ${script}`);
    assert.equal(offline, 'true');
    assert.ok(requests.includes(`/${NAME}/-/${NAME}-1.0.0.tgz`), 'the package was not fetched from the registry');
    const { body } = await daemon!.control<Status>('/status');
    const sandbox = body.servers.find((s) => s.id === 'probe')?.sandbox;
    assert.deepEqual([sandbox?.enforced, sandbox?.mechanism, sandbox?.network], [true, 'bubblewrap', 'none'], JSON.stringify(sandbox));
  });

  it('sees the certificates: NODE_EXTRA_CA_CERTS and the system store', async () => {
    assert.deepEqual(await call('probe__read_file', { path: extraCa }), { ok: true, value: rootCertificates[0] });
    if (existsSync(SYSTEM_STORE)) assert.equal((await call('probe__read_file', { path: SYSTEM_STORE })).ok, true, 'the system CA store is hidden');
  });

  it('reaches neither the registry nor the home folder from inside', async () => {
    const fetched = await call('probe__fetch', { url: `${base}/${NAME}` });
    assert.equal(fetched.ok, false, 'the sandboxed server reached the registry');
    const key = await call('probe__read_file', { path: join(home, '.ssh', 'id_rsa') });
    assert.deepEqual([key.ok, key.error], [false, 'ENOENT']);
  });
});
