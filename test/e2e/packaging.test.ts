// The desktop app as electron-builder packages it, without the Electron binary: the
// compiled tree goes through electron-builder --dir with a stub Electron (a script that
// carries Electron's fuse wire, so the fuses really get flipped), then the checks a
// release engineer would make on the result: the fuses, what is in the archive and what
// must not be, and that plain Node runs the daemon out of the packaged layout and it
// answers `status` and proves it holds its control token.
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { listPackage } from '@electron/asar';
import { probeDaemon } from '../../electron/daemon-process.ts';
import { ROOT, tempDir } from '../helpers/daemon.ts';

const run = promisify(execFile);
const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const FUSES = [
  'RunAsNode',
  'EnableCookieEncryption',
  'EnableNodeOptionsEnvironmentVariable',
  'EnableNodeCliInspectArguments',
  'EnableEmbeddedAsarIntegrityValidation',
  'OnlyLoadAppFromAsar',
  'LoadBrowserProcessSpecificV8Snapshot',
  'GrantFileProtocolExtraPrivileges',
];

function walk(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name), base) : [relative(base, join(dir, e.name))]));
}

describe('packaged desktop app (electron-builder --dir, stub Electron)', { timeout: 600_000 }, () => {
  const work = tempDir('gh-pack-');
  const project = join(work, 'project');
  const appDir = join(project, 'release', 'linux-unpacked');
  const resources = join(appDir, 'resources');
  const unpacked = join(resources, 'app.asar.unpacked');
  let daemon: ChildProcess | undefined;
  let inAsar: string[] = [];

  before(
    async () => {
      mkdirSync(project, { recursive: true });
      // The same steps as `npm run package`, into a scratch project so the checkout's dist/ is left alone.
      await run(bin('tsc'), ['-p', join(ROOT, 'tsconfig.electron.json'), '--outDir', join(project, 'dist')], { cwd: ROOT }).catch(
        (err: { stdout?: string }) => {
          // Type errors elsewhere in the tree do not stop tsc from emitting; a missing output does.
          if (!existsSync(join(project, 'dist', 'electron', 'main.js'))) throw new Error(`tsc emitted nothing: ${err.stdout ?? ''}`);
        },
      );
      await run(
        bin('vite'),
        ['build', '--config', join(ROOT, 'renderer', 'vite.config.ts'), '--logLevel', 'error', '--outDir', join(project, 'dist', 'renderer'), '--emptyOutDir'],
        { cwd: ROOT },
      );
      for (const entry of ['package.json', 'package-lock.json', 'bin', 'resources', 'electron-builder.yml'])
        cpSync(join(ROOT, entry), join(project, entry), { recursive: true });
      cpSync(join(ROOT, 'electron', 'build'), join(project, 'electron', 'build'), { recursive: true });
      symlinkSync(join(ROOT, 'node_modules'), join(project, 'node_modules'), 'dir');
      await run(process.execPath, [join(ROOT, 'scripts', 'bundle-cli.mjs'), project], { cwd: ROOT });
      // A stand-in for the Electron binary: runs nothing, but holds the fuse wire (version 1, 8 fuses, all enabled).
      const stub = join(work, 'electron-dist');
      mkdirSync(stub);
      writeFileSync(
        join(stub, 'electron'),
        Buffer.concat([
          Buffer.from('#!/bin/sh\necho "stub electron: this build cannot run the GUI"\nexit 3\n# '),
          Buffer.from(SENTINEL),
          Buffer.from([1, 8]),
          Buffer.from('11111111'),
          Buffer.from('\n'),
        ]),
      );
      chmodSync(join(stub, 'electron'), 0o755);
      writeFileSync(join(stub, 'version'), '45.4.1');
      await run(
        bin('electron-builder'),
        [
          '--dir',
          '--linux',
          '--x64',
          '--config',
          'electron-builder.yml',
          '--publish',
          'never',
          `-c.electronDist=${stub}`,
          '-c.electronVersion=45.4.1',
          '-c.npmRebuild=false',
        ],
        { cwd: project, env: { ...process.env, CSC_IDENTITY_AUTO_DISCOVERY: 'false' }, maxBuffer: 64 * 1024 * 1024 },
      );
      inAsar = listPackage(join(resources, 'app.asar'), { isPack: false }).map((p) => p.replace(/^[/\\]/, ''));
    },
    { timeout: 600_000 },
  ); // hooks do not inherit the suite's timeout: tsc, vite and electron-builder take minutes on a busy machine

  after(() => {
    daemon?.kill('SIGKILL');
  });

  it("flips Electron's fuses: no RunAsNode, NODE_OPTIONS or --inspect; asar-only loading with integrity checks", () => {
    const binary = readFileSync(join(appDir, 'gatehouse'));
    const at = binary.indexOf(SENTINEL) + SENTINEL.length;
    const wire = [...binary.subarray(at + 2, at + 2 + 8)].map((b) => String.fromCharCode(b));
    const state = Object.fromEntries(FUSES.map((name, i) => [name, wire[i] === '1']));
    assert.deepEqual(state, {
      RunAsNode: false,
      EnableCookieEncryption: true,
      EnableNodeOptionsEnvironmentVariable: false,
      EnableNodeCliInspectArguments: false,
      EnableEmbeddedAsarIntegrityValidation: true,
      OnlyLoadAppFromAsar: true,
      LoadBrowserProcessSpecificV8Snapshot: false,
      GrantFileProtocolExtraPrivileges: false,
    });
  });

  it('holds the compiled app and dashboard, and no sources, tests, keys, server code or dev-only packages', () => {
    for (const need of ['dist/electron/main.js', 'dist/electron/preload.cjs', 'dist/renderer/index.html', 'package.json'])
      assert.ok(inAsar.includes(need), need);
    const everything = [...inAsar, ...walk(unpacked)];
    const bad = everything.filter((p) => {
      const path = p.replaceAll('\\', '/');
      const own = !path.startsWith('node_modules/');
      return (
        (own && /\.(ts|cts|mts|map)$/.test(path)) ||
        (/(^|\/)(test|tests|__tests__|fixtures)\//.test(path) && own) ||
        /^(server|gateway|shared|electron|renderer|scripts|bench|docs|test)\//.test(path) ||
        /\.(pem|key|p12|pfx|env)$/.test(path) ||
        /(^|\/)(control-token|\.npmrc|\.env)$/.test(path) ||
        /^dist\/.*\.test\.js$/.test(path) ||
        /^node_modules\/(react|react-dom|pg|electron|electron-builder|playwright-core|typescript|vite|oidc-provider|@types)\//.test(path)
      );
    });
    assert.deepEqual(bad.slice(0, 20), []);
  });

  it('puts what plain Node must run outside the archive, and keeps the updater feed', () => {
    for (const need of [
      'bin/gatehouse.js',
      'bin/node-check.js',
      'package.json',
      // The CLI as bin/gatehouse.js runs it (scripts/bundle-cli.mjs), and the files it finds beside its modules.
      'dist/bundle/main.js',
      'dist/gateway/cli/main.js',
      'dist/gateway/sandbox/forwarder.js',
      // Preloaded into sandboxed Node servers by plain Node: it must be outside the archive too.
      'dist/gateway/sandbox/egress-preload.cjs',
      'dist/shared/control/proof.js',
      'resources/demo-bundle.json',
      'node_modules/zod/package.json',
    ]) {
      assert.ok(existsSync(join(unpacked, need)), need);
    }
    assert.ok(!existsSync(join(unpacked, 'dist', 'electron')), 'the main process stays in the archive');
    assert.match(readFileSync(join(resources, 'app-update.yml'), 'utf8'), /provider: generic/);
  });

  it('runs the daemon from the packaged layout with plain Node: it answers status and proves it holds its token', async () => {
    const dataDir = tempDir('gh-pack-data-');
    const cli = join(unpacked, 'bin', 'gatehouse.js');
    // A scratch HOME: the connect preview below reads IDE config paths under it.
    daemon = spawn(process.execPath, [cli, 'daemon', '--data-dir', dataDir, '--port', '0', '--print-token'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: work,
      env: { ...process.env, HOME: tempDir('gh-pack-home-') },
    });
    const stderr: string[] = [];
    daemon.stderr!.on('data', (c: Buffer) => stderr.push(c.toString()));
    const ready = await new Promise<{ port: number }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ready line: ${stderr.join('')}`)), 60_000);
      daemon!.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`daemon exited ${code}: ${stderr.join('')}`));
      });
      createInterface({ input: daemon!.stdout! }).on('line', (line) => {
        if (line.startsWith('{"event":"ready"')) {
          clearTimeout(timer);
          resolve(JSON.parse(line));
        }
      });
    });
    assert.ok(ready.port > 0);
    const { stdout } = await run(process.execPath, [cli, 'status', '--data-dir', dataDir], { cwd: work });
    assert.match(stdout, /gatehouse-demo/);
    const probe = await probeDaemon(dataDir);
    assert.equal(probe.kind, 'proven');
    assert.equal(probe.kind === 'proven' && probe.version, JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
    // What `gatehouse connect` writes into an IDE's config must be runnable by the IDE: plain Node and the unpacked launcher.
    const token = readFileSync(join(dataDir, 'control-token'), 'utf8').trim();
    const res = await fetch(`http://127.0.0.1:${ready.port}/api/v1/connect/cursor`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ mode: 'preview' }),
    });
    const snippet = ((await res.json()) as { snippet: string }).snippet;
    assert.ok(snippet.includes(JSON.stringify(process.execPath).slice(1, -1)), snippet);
    assert.ok(snippet.includes(JSON.stringify(join(unpacked, 'bin', 'gatehouse.js')).slice(1, -1)), snippet);
    assert.doesNotMatch(snippet, /app\.asar[\\/]/);
  });
});
