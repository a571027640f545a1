import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { bridgedCommand, bridgeEnv, forwarderFile, preloadFile, runsOnDaemonNode, SOCAT_BRIDGE_SCRIPT } from './egress-bridge.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SOURCE = join(ROOT, 'gateway', 'sandbox', 'forwarder.ts');
const PRELOAD = join(ROOT, 'gateway', 'sandbox', 'egress-preload.cts');

/** What `npm run build` makes of a file, per tsconfig.build.json (no build needed). */
function built(): { outputs: (file: string) => readonly string[]; options: ts.CompilerOptions } {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    join(ROOT, 'tsconfig.build.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(String(d.messageText));
      },
    },
  );
  assert.ok(parsed, 'tsconfig.build.json did not parse');
  return { outputs: (file) => (parsed.fileNames.includes(file) ? ts.getOutputFileNames(parsed, file, false) : []), options: parsed.options };
}

/** The port in this kernel's socket tables, listening (IPv4 or dual-stack IPv6), read synchronously. */
const listeningCheck = (port: number) =>
  `['/proc/net/tcp', '/proc/net/tcp6'].some((t) => require('node:fs').readFileSync(t, 'utf8').split('\\n').some((l) => { const f = l.trim().split(/\\s+/); return f[1]?.endsWith(':${port.toString(16).toUpperCase().padStart(4, '0')}') && f[3] === '0A'; }))`;

/** Runs a command with the bridge's environment; stdout, stderr and the exit code. */
async function run(command: string[], env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(command[0]!, command.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  return { code, out, err };
}

/** A stand-in for the egress proxy on a unix socket: answers what arrives. */
async function fakeProxy(): Promise<{ sock: string; close: () => void }> {
  const sock = join(mkdtempSync(join(tmpdir(), 'gh-fw-')), 'proxy.sock');
  const proxy = createServer((s) => s.once('data', (d) => s.end(`proxy got ${d.toString()}`)));
  await new Promise<void>((resolve) => proxy.listen(sock, resolve));
  return { sock, close: () => proxy.close() };
}

const freePort = () => 20_000 + Math.floor(Math.random() * 20_000);

describe('the bridge files, from source and from the build', () => {
  it('are found beside the launcher code: .ts/.cts from source, .js/.cjs in dist/', () => {
    assert.equal(forwarderFile(), SOURCE);
    assert.equal(preloadFile(), PRELOAD);
    const { outputs } = built();
    const bridgeJs = outputs(join(ROOT, 'gateway', 'sandbox', 'egress-bridge.ts')).find((f) => f.endsWith('.js'));
    const forwarderJs = outputs(SOURCE).find((f) => f.endsWith('.js'));
    const preloadJs = outputs(PRELOAD).find((f) => f.endsWith('.cjs'));
    assert.ok(bridgeJs && forwarderJs && preloadJs, 'the build does not compile the bridge, the forwarder or the preload');
    assert.equal(relative(ROOT, forwarderJs), join('dist', 'gateway', 'sandbox', 'forwarder.js'));
    assert.equal(relative(ROOT, preloadJs), join('dist', 'gateway', 'sandbox', 'egress-preload.cjs'));
    // The built egress-bridge.js looks for exactly what the build writes.
    assert.equal(forwarderFile(pathToFileURL(bridgeJs).href), forwarderJs);
    assert.equal(preloadFile(pathToFileURL(bridgeJs).href), preloadJs);
  });

  it('stay outside the packaged app archive, so bubblewrap can bind them as files', () => {
    const builder = readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8');
    const unpack = /^asarUnpack:\n((?: {2}- .*\n)+)/m.exec(builder)?.[1] ?? '';
    assert.match(unpack, /^ {2}- dist\/gateway\/\*\*$/m);
    assert.match(builder, /^ {2}- dist\/gateway\/\*\*\/\*\.js$/m, 'electron-builder does not ship dist/gateway/**/*.js');
    assert.match(builder, /^ {2}- dist\/gateway\/\*\*\/\*\.cjs$/m, 'electron-builder does not ship dist/gateway/**/*.cjs');
  });

  it('run as built (mounted as forwarder.mjs and egress-preload.cjs): the forwarder listens, then starts the server', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-fw-'));
    // tsc's NodeNext emits ES modules here because package.json says "type": "module"; transpileModule cannot read that itself.
    assert.equal((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { type?: string }).type, 'module');
    const compile = (file: string, module: ts.ModuleKind) =>
      ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions: { ...built().options, module }, fileName: file }).outputText;
    const forwarder = join(dir, 'forwarder.mjs');
    const preload = join(dir, 'egress-preload.cjs');
    writeFileSync(forwarder, compile(SOURCE, ts.ModuleKind.ESNext));
    writeFileSync(preload, compile(PRELOAD, ts.ModuleKind.CommonJS));
    for (const file of [forwarder, preload]) {
      const check = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8' });
      assert.equal(check.status, 0, `the built ${file} is not plain JavaScript: ${check.stderr}`);
    }
    // From source the files are mounted as they are: no TypeScript-only syntax in them.
    assert.equal(
      spawnSync(process.execPath, ['--check', '--input-type=module', '-'], { input: readFileSync(SOURCE, 'utf8'), encoding: 'utf8' }).status,
      0,
      'forwarder.ts has TypeScript-only syntax',
    );
    assert.equal(
      spawnSync(process.execPath, ['--check', '--input-type=commonjs', '-'], { input: readFileSync(PRELOAD, 'utf8'), encoding: 'utf8' }).status,
      0,
      'egress-preload.cts has TypeScript-only syntax',
    );

    const proxy = await fakeProxy();
    const port = freePort();
    // The "server" connects at once: the forwarder must already listen when it starts.
    const server = `const s = require('node:net').connect(${port}, '127.0.0.1', () => s.write('hello')); s.on('data', (d) => { process.stdout.write(String(d)); s.end(); }); s.on('error', (e) => { process.stdout.write('refused ' + e.code); });`;
    const env = { PATH: process.env.PATH ?? '', GATEHOUSE_EGRESS_BRIDGE: `${port} ${proxy.sock}` };
    const result = await run([process.execPath, `--require=${preload}`, forwarder, '--', process.execPath, '-e', server], env);
    proxy.close();
    assert.deepEqual([result.code, result.out], [0, 'proxy got hello'], result.err);
  });
});

describe('bridgedCommand', () => {
  it('starts socat, then the server, from a shell, with the port in /proc/net/tcp form', () => {
    const cmd = bridgedCommand({ kind: 'socat', shell: '/bin/sh', socat: '/usr/bin/socat' }, ['/node', 'server.js']);
    assert.deepEqual(cmd, [
      '/bin/sh',
      '-c',
      SOCAT_BRIDGE_SCRIPT,
      'gatehouse-egress',
      '/usr/bin/socat',
      '3128',
      '0C38',
      '/run/gatehouse-egress/proxy.sock',
      '/node',
      'server.js',
    ]);
    // The server is exec'd only after the wait loop, and socat gets none of its stdio.
    assert.ok(SOCAT_BRIDGE_SCRIPT.indexOf('exec "$@"') > SOCAT_BRIDGE_SCRIPT.indexOf('until listening'));
    assert.match(SOCAT_BRIDGE_SCRIPT, /bind=127\.0\.0\.1/);
    assert.match(SOCAT_BRIDGE_SCRIPT, /<\/dev\/null >\/dev\/null &/);
  });

  it('runs the Node forwarder in front of the server otherwise', () => {
    assert.deepEqual(bridgedCommand({ kind: 'node', node: '/node', forwarder: '/f.js', preload: '/p.cjs' }, ['/node', 'server.js']), [
      '/node',
      '--require=/run/gatehouse/egress-preload.cjs',
      '/run/gatehouse/forwarder.mjs',
      '--',
      '/node',
      'server.js',
    ]);
  });
});

describe('bridgeEnv', () => {
  it('preloads the bridge before the server’s own NODE_OPTIONS, and tells the bridge where to listen and carry', () => {
    const env = { PATH: '/bin', NODE_OPTIONS: ' --max-old-space-size=100 ' };
    assert.deepEqual(bridgeEnv({ kind: 'in-process', preload: '/p.cts' }, env), {
      PATH: '/bin',
      NODE_OPTIONS: '--require=/run/gatehouse/egress-preload.cjs --max-old-space-size=100',
      GATEHOUSE_EGRESS_BRIDGE: '3128 /run/gatehouse-egress/proxy.sock',
    });
    assert.deepEqual(bridgeEnv({ kind: 'node', node: '/node', forwarder: '/f.ts', preload: '/p.cts' }, env), {
      ...env,
      GATEHOUSE_EGRESS_BRIDGE: '3128 /run/gatehouse-egress/proxy.sock',
    });
    assert.deepEqual(bridgeEnv({ kind: 'socat', shell: '/bin/sh', socat: '/usr/bin/socat' }, env), env);
    assert.deepEqual(bridgedCommand({ kind: 'in-process', preload: '/p.cts' }, ['/node', 'server.js']), ['/node', 'server.js']);
  });
});

describe('the in-process bridge (the preload in a Node server’s own process)', () => {
  /** `node -e main` (or `node main.mjs`) with the bridge preloaded the way the launcher asks for it (the source file, mounted as .cjs). */
  function preloaded(main: string, bridge: string, own: Record<string, string> = {}, module = false) {
    const dir = mkdtempSync(join(tmpdir(), 'gh-pre-'));
    const file = join(dir, 'egress-preload.cjs');
    writeFileSync(file, readFileSync(PRELOAD));
    writeFileSync(join(dir, 'main.mjs'), main);
    const env = bridgeEnv({ kind: 'in-process', preload: PRELOAD }, { PATH: process.env.PATH ?? '', ...own });
    // Outside a sandbox the file is not at /run/gatehouse/egress-preload.cjs.
    env.NODE_OPTIONS = env.NODE_OPTIONS!.replace('/run/gatehouse/egress-preload.cjs', file);
    env.GATEHOUSE_EGRESS_BRIDGE = bridge;
    return run(module ? [process.execPath, join(dir, 'main.mjs')] : [process.execPath, '-e', main], env);
  }

  it('listens before the server’s code runs, then leaves no trace in its environment and does not keep it alive', async () => {
    const proxy = await fakeProxy();
    const port = freePort();
    // The server's first statement looks for the listening port (the socket tables,
    // synchronously: no event of the bridge can run first); then it connects and
    // reports what its children would inherit.
    const main = [
      `const early = ${listeningCheck(port)};`,
      `const s = require('node:net').connect(${port}, '127.0.0.1', () => s.write('hello'));`,
      `s.on('data', (d) => { process.stdout.write(early + '|' + String(d) + '|' + (process.env.NODE_OPTIONS ?? '-') + '|' + (process.env.GATEHOUSE_EGRESS_BRIDGE ?? '-')); s.end(); });`,
      `s.on('error', (e) => process.stdout.write('refused ' + e.code));`,
    ].join('\n');
    const result = await preloaded(main, `${port} ${proxy.sock}`, { NODE_OPTIONS: '--max-old-space-size=100' });
    proxy.close();
    // Exits by itself once its own work is done (the bridge is unref'd), with the user's NODE_OPTIONS kept.
    assert.deepEqual([result.code, result.out], [0, 'true|proxy got hello|--max-old-space-size=100|-'], result.err);
  });

  it('switches Node’s proxy support on at the server’s first request, not while it boots, and hands NODE_USE_ENV_PROXY to its children', async () => {
    const seen: string[] = [];
    const proxy = createServer((s) =>
      s.once('data', (d) => {
        seen.push(d.toString('latin1').split('\r\n')[0]!);
        s.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      }),
    );
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
    const env = { HTTP_PROXY: url, HTTPS_PROXY: url, NODE_USE_ENV_PROXY: '1' };
    assert.equal(bridgeEnv({ kind: 'in-process', preload: PRELOAD }, env).GATEHOUSE_EGRESS_PROXY, 'lazy');
    // undici is what Node's proxy support loads; a CommonJS server that requires http does not load it by itself.
    const request = (get: string) =>
      `await new Promise((done) => ${get}('http://example.invalid/a', (res) => { res.resume(); res.on('end', done); }).on('error', done));`;
    const main = [
      `(async () => {`,
      `const undici = () => process.moduleLoadList.some((m) => m.includes('undici'));`,
      `const { get } = require('node:http');`,
      `const atBoot = undici();`,
      request('get'),
      `await fetch('http://example.invalid/b').catch(() => {});`,
      `process.stdout.write(JSON.stringify({ atBoot, after: undici(), children: process.env.NODE_USE_ENV_PROXY ?? null }));`,
      `})();`,
    ].join('\n');
    const result = await preloaded(main, `${freePort()} /nowhere.sock`, env);
    assert.deepEqual([result.code, JSON.parse(result.out || '{}')], [0, { atBoot: false, after: true, children: '1' }], result.err);
    // Both requests went to the proxy: http.get in absolute form, fetch as a tunnel.
    assert.deepEqual(seen, ['GET http://example.invalid/a HTTP/1.1', 'CONNECT example.invalid:80 HTTP/1.1']);
    // An ES module's named import gets the switching function too.
    const esm = await preloaded([`import { get } from 'node:http';`, request('get')].join('\n'), `${freePort()} /nowhere.sock`, env, true);
    proxy.close();
    assert.equal(esm.code, 0, esm.err);
    assert.deepEqual(seen.slice(2), ['GET http://example.invalid/a HTTP/1.1']);
  });

  it('a bridge that cannot listen keeps the server’s code from running at all', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, resolve));
    const port = (taken.address() as { port: number }).port;
    const result = await preloaded(`process.stdout.write('server started')`, `${port} /nowhere.sock`);
    taken.close();
    assert.equal(result.code, 70);
    assert.equal(result.out, '');
    assert.match(result.err, /egress bridge could not listen on port \d+ .*the server is not started/);
  });
});

describe('runsOnDaemonNode: who gets the in-process bridge', () => {
  const node = realpathSync(process.execPath);
  const dir = mkdtempSync(join(tmpdir(), 'gh-runs-'));
  const bin = join(dir, 'bin');
  const other = join(dir, 'other');
  mkdirSync(bin);
  mkdirSync(other);
  symlinkSync(node, join(bin, 'node'));
  const script = (name: string, line: string) => {
    writeFileSync(join(bin, name), `${line}\nconsole.log(1)\n`, { mode: 0o755 });
    return join(bin, name);
  };
  const envNode = script('tool', '#!/usr/bin/env node');
  const direct = script('direct', `#!${node}`);
  const shell = script('shell', '#!/bin/sh');
  const flags = script('flags', '#!/usr/bin/env -S node --no-warnings');
  writeFileSync(join(other, 'node'), '#!/bin/sh\n', { mode: 0o755 });
  const elsewhere = join(dir, 'elsewhere');
  mkdirSync(elsewhere);
  writeFileSync(join(elsewhere, 'npx'), '#!/usr/bin/env node\n', { mode: 0o755 });

  it('the daemon’s Node itself, by path or through a link', () => {
    assert.equal(runsOnDaemonNode(process.execPath, ''), true);
    assert.equal(runsOnDaemonNode('node', bin), true);
  });
  it('a script whose #! names it, or `env node` finding the Node beside the script first on PATH', () => {
    assert.equal(runsOnDaemonNode(direct, ''), true);
    assert.equal(runsOnDaemonNode('tool', bin), true);
    assert.equal(runsOnDaemonNode(envNode, `${bin}:${other}`), true);
    // A script elsewhere whose `env node` finds the daemon's Node by its own (real) path.
    assert.equal(runsOnDaemonNode(join(elsewhere, 'npx'), dirname(node)), true);
    assert.equal(runsOnDaemonNode(join(elsewhere, 'npx'), `${other}:${dirname(node)}`), false);
    // …but not through a link in a folder the sandbox may not have.
    assert.equal(runsOnDaemonNode(join(elsewhere, 'npx'), bin.replace('/bin', '/nolink') + `:${bin}`), false);
  });
  it('not when PATH finds another `node` first, nor for other interpreters or env flags', () => {
    assert.equal(runsOnDaemonNode(envNode, `${other}:${bin}`), false);
    assert.equal(runsOnDaemonNode(envNode, other), false);
    assert.equal(runsOnDaemonNode(shell, bin), false);
    assert.equal(runsOnDaemonNode(flags, bin), false);
    assert.equal(runsOnDaemonNode(join(other, 'node'), bin), false);
    assert.equal(runsOnDaemonNode('missing', bin), false);
  });
});
