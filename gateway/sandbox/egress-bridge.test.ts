import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { bridgedCommand, forwarderFile, SOCAT_BRIDGE_SCRIPT } from './egress-bridge.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SOURCE = join(ROOT, 'gateway', 'sandbox', 'forwarder.ts');

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

describe('the Node forwarder, from source and from the build', () => {
  it('is found beside the launcher code: forwarder.ts from source, forwarder.js in dist/', () => {
    assert.equal(forwarderFile(), SOURCE);
    const { outputs } = built();
    const bridgeJs = outputs(join(ROOT, 'gateway', 'sandbox', 'egress-bridge.ts')).find((f) => f.endsWith('.js'));
    const forwarderJs = outputs(SOURCE).find((f) => f.endsWith('.js'));
    assert.ok(bridgeJs && forwarderJs, 'the build does not compile the bridge or the forwarder');
    assert.equal(relative(ROOT, forwarderJs), join('dist', 'gateway', 'sandbox', 'forwarder.js'));
    // The built egress-bridge.js looks for exactly what the build writes.
    assert.equal(forwarderFile(pathToFileURL(bridgeJs).href), forwarderJs);
  });

  it('stays outside the packaged app archive, so bubblewrap can bind it as a file', () => {
    const builder = readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8');
    const unpack = /^asarUnpack:\n((?: {2}- .*\n)+)/m.exec(builder)?.[1] ?? '';
    assert.match(unpack, /^ {2}- dist\/gateway\/\*\*$/m);
    assert.match(builder, /^ {2}- dist\/gateway\/\*\*\/\*\.js$/m, 'electron-builder does not ship dist/gateway/**/*.js');
  });

  it('runs as built (mounted as forwarder.mjs): carries a loopback port to the unix socket, then starts the server', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-fw-'));
    // tsc's NodeNext emits ES modules here because package.json says "type": "module"; transpileModule cannot read that itself.
    assert.equal((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { type?: string }).type, 'module');
    const js = ts.transpileModule(readFileSync(SOURCE, 'utf8'), {
      compilerOptions: { ...built().options, module: ts.ModuleKind.ESNext },
      fileName: SOURCE,
    }).outputText;
    const file = join(dir, 'forwarder.mjs');
    writeFileSync(file, js);
    const check = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8' });
    assert.equal(check.status, 0, `the built forwarder is not plain JavaScript: ${check.stderr}`);
    assert.equal(
      spawnSync(process.execPath, ['--check', '--input-type=module', '-'], { input: readFileSync(SOURCE, 'utf8'), encoding: 'utf8' }).status,
      0,
      'forwarder.ts has TypeScript-only syntax',
    );

    const sock = join(dir, 'proxy.sock');
    const proxy = createServer((s) => s.once('data', (d) => s.end(`proxy got ${d.toString()}`)));
    await new Promise<void>((resolve) => proxy.listen(sock, resolve));
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    // The "server" connects at once: the forwarder must already listen when it starts.
    const server = `const s = require('node:net').connect(${port}, '127.0.0.1', () => s.write('hello')); s.on('data', (d) => { process.stdout.write(String(d)); s.end(); }); s.on('error', (e) => { process.stdout.write('refused ' + e.code); });`;
    const child = spawn(process.execPath, [file, String(port), sock, '--', process.execPath, '-e', server], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    proxy.close();
    assert.equal(out, 'proxy got hello');
    assert.equal(code, 0);
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
    assert.deepEqual(bridgedCommand({ kind: 'node', node: '/node', forwarder: '/f.js' }, ['/node', 'server.js']), [
      '/node',
      '/run/gatehouse/forwarder.mjs',
      '3128',
      '/run/gatehouse-egress/proxy.sock',
      '--',
      '/node',
      'server.js',
    ]);
  });
});
