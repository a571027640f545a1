// Red team of session 14's stdio bridge (a byte pipe whose ledger reads big lines by a
// validating scan, gateway/framing/request-peek.ts) and its lazy command table: lines
// where a scan could see another (method, id) than the daemon's JSON.parse, a daemon
// killed while the IDE's line is half sent, and command names from Object.prototype.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';
import { BridgeLedger } from '../../gateway/cli/bridge-ledger.ts';
import { peekRequest } from '../../gateway/framing/request-peek.ts';
import { CLI, serversReady, startDaemon, stdioServer, tempDir, writeBundle, type TestDaemon } from '../helpers/daemon.ts';

const PAD = 'p'.repeat(20_000); // past the ledger's 16 KB: these lines take the scan, not JSON.parse

/** Hostile top-level shapes, each with a padding member so the scan path reads them. */
const LINES = [
  `{"jsonrpc":"2.0","id":1,"method":"ping","id":2,"params":{"pad":"${PAD}"}}`, // duplicate id: JSON.parse keeps the last
  `{"jsonrpc":"2.0","id":"a","method":"tools/list","params":{"pad":"${PAD}"},"id":"b"}`,
  `{"jsonrpc":"2.0","id":3,"method":"ping","params":{"pad":"${PAD}"},"id":null}`, // a later null id: a notification
  `{"jsonrpc":"2.0","id":null,"method":"ping","params":{"pad":"${PAD}"},"id":4}`,
  `{"jsonrpc":"2.0","\\u0069d":5,"method":"ping","params":{"pad":"${PAD}"}}`, // an escaped key spelling "id"
  `{"jsonrpc":"2.0","id":6,"\\u0069d":7,"method":"ping","params":{"pad":"${PAD}"}}`,
  `{"jsonrpc":"2.0","method":"ping","params":{"id":8,"pad":"${PAD}"},"id":9}`, // ids inside params, before and after
  `{"jsonrpc":"2.0","method":"ping","params":{"pad":"${PAD}","id":10}}`,
  `{"jsonrpc":"2.0","method":"pi\\u006eg","id":11,"params":{"pad":"${PAD}"}}`, // an escaped method
  `{"jsonrpc":"2.0","method":"ping","method":null,"id":12,"params":{"pad":"${PAD}"}}`, // a later method that is no string
  `{"jsonrpc":"2.0","method":"ping","id":-0,"params":{"pad":"${PAD}"}}`,
  `{"jsonrpc":"2.0","method":"ping","id":1e400,"params":{"pad":"${PAD}"}}`,
  `{"jsonrpc":"2.0","method":"ping","id":1.5,"params":{"pad":"${PAD}"}}`,
  `{"jsonrpc":"2.0","method":"ping","id":1.0,"params":{"pad":"${PAD}"}}`,
  `{"jsonrpc":"2.0","method":"ping","id":123456789012345678901234567890,"params":{"pad":"${PAD}"}}`,
  `{"jsonrpc":"2.0","method":"ping","id":999999999999999,"params":{"pad":"${PAD}"}}`,
  `{"jsonrpc":"2.0","method":"ping","id":9007199254740993,"params":{"pad":"${PAD}"}}`,
  `{"jsonrpc":"2.0","method":"ping","id":"\\ud800","params":{"pad":"${PAD}"}}`, // a lone surrogate, escaped
  `{"jsonrpc":"2.0","method":"ping","id":"\\u0041\\n","params":{"pad":"${PAD}"}}`,
  `{"jsonrpc":"2.0","method":"ping","id":"line\u2028sep","params":{"pad":"${PAD}"}}`,
  `\ufeff{"jsonrpc":"2.0","method":"ping","id":13,"params":{"pad":"${PAD}"}}`, // a BOM: neither side reads it
  `{"jsonrpc":"2.0","method":"ping","id":14,"params":{"pad":"${PAD}"}}\r`, // CRLF
  ` \t{"jsonrpc":"2.0","method":"ping","id":15,"params":{"pad":"${PAD}"}} \t`,
  `[[{"jsonrpc":"2.0","method":"ping","id":16}],{"jsonrpc":"2.0","method":"ping","id":17,"params":{"pad":"${PAD}"}}]`, // nested batch
  `{"jsonrpc":"2.0","method":"ping","id":18,"params":{"pad":"${PAD}"}}}`, // trailing bytes: not JSON at all
  `{"jsonrpc":"2.0","method":"ping","id":19,"params":{"pad":"${PAD}\u0001"}}`, // a raw control character: not JSON
  `{"jsonrpc":"2.0","method":"ping","id":20,"params":{"pad":"${PAD}"},}`,
  `{"jsonrpc":"2.0","method":"ping","id":{"nested":21},"params":{"pad":"${PAD}"}}`,
  `{"jsonrpc":"2.0","method":"ping","id":true,"params":{"pad":"${PAD}"}}`,
  `{"jsonrpc":"2.0","method":"ping","id":"${'é'.repeat(3)}","params":{"pad":"${PAD}"}}`,
];

/** The ids JSON.parse (the daemon's reading, gateway/framing/line-reader.ts) says the line's requests carry. */
function parsedIds(line: string): string[] {
  let v: unknown;
  try {
    v = JSON.parse(line.endsWith('\r') ? line.slice(0, -1) : line);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const m of Array.isArray(v) ? v : [v])
    if (m && typeof m === 'object' && !Array.isArray(m) && typeof m.method === 'string')
      if (typeof m.id === 'string' || (typeof m.id === 'number' && Number.isFinite(m.id))) out.push(JSON.stringify(m.id));
  return out;
}

const errorIds = (failed: string) =>
  failed
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.stringify((JSON.parse(l) as { id: unknown }).id));

interface Answer {
  id?: unknown;
  result?: { content?: { text?: string }[] };
  error?: { code: number; message: string };
}

/** A real `gatehouse stdio` bridge to the daemon of `dataDir`, initialized, with every line it prints collected. */
async function openBridge(dataDir: string) {
  const bridge = spawn(process.execPath, [CLI, 'stdio', '--agent', 'red14', '--no-start', '--data-dir', dataDir], { stdio: ['pipe', 'pipe', 'pipe'] });
  const got: Answer[] = [];
  let wake: (() => void) | undefined;
  createInterface({ input: bridge.stdout! }).on('line', (l) => {
    got.push(JSON.parse(l) as Answer);
    wake?.();
  });
  const until = async (what: () => boolean) => {
    while (!what()) await new Promise<void>((r) => (wake = r));
  };
  const init = {
    jsonrpc: '2.0',
    id: 0,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'red', version: '1' } },
  };
  bridge.stdin!.write(`${JSON.stringify(init)}\n`);
  await until(() => got.some((m) => m.id === 0));
  bridge.stdin!.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
  return { bridge, got, until };
}

describe('the bridge ledger reads each line as the daemon will', () => {
  for (const [i, line] of LINES.entries()) {
    it(`line ${i + 1}: the requests it keeps open are the ones JSON.parse sees, and the daemon's answers close them`, () => {
      const bytes = Buffer.from(line, 'utf8');
      assert.ok(bytes.length > 16 * 1024);
      const ledger = new BridgeLedger();
      ledger.fromIde(bytes);
      const expected = parsedIds(line);
      // Answered as the daemon answers (JSON.stringify of the id it parsed), each request is closed...
      const answered = new BridgeLedger();
      answered.fromIde(bytes);
      for (const id of expected) assert.equal(answered.fromDaemon(`{"jsonrpc":"2.0","id":${id},"result":{}}`), true);
      assert.equal(answered.unanswered, 0, `line ${i + 1} left a request open after its answer`);
      // ...and unanswered, each gets exactly one error when the daemon dies, under the id JSON.parse saw.
      assert.deepEqual(errorIds(ledger.failAll('gone')).sort(), [...expected].sort(), `line ${i + 1}`);
      // The scan never claims a line JSON.parse refuses, nor a method or id other than the last top-level one.
      const peek = peekRequest(bytes);
      if (peek && !line.startsWith('[')) {
        const v = JSON.parse(line) as { method?: unknown; id?: unknown };
        assert.equal(peek.method, typeof v.method === 'string' ? v.method : null);
        if (peek.id !== null) assert.equal(peek.id, JSON.stringify(v.id));
      }
    });
  }
});

describe('the stdio bridge across a daemon restart', () => {
  const daemons: TestDaemon[] = [];
  after(async () => {
    for (const d of daemons) await d.stop('SIGKILL');
  });

  it('a line half sent when the daemon dies reaches the next daemon whole, and each request is answered exactly once', async () => {
    const first = await startDaemon();
    daemons.push(first);
    const { bridge, got, until } = await openBridge(first.dataDir);
    const send = (text: string) => bridge.stdin!.write(text);
    send(`${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' })}\n`);
    await until(() => got.some((m) => m.id === 1));
    // Half of a big request, then the daemon dies: the half must not reach anyone.
    const big = `${JSON.stringify({ jsonrpc: '2.0', method: 'ping', params: { pad: 'q'.repeat(300_000) }, id: 2 })}\n`;
    send(big.slice(0, 150_000));
    await new Promise((r) => setTimeout(r, 300));
    first.proc.kill('SIGKILL');
    await new Promise((r) => first.proc.once('exit', r));
    const second = await startDaemon({ dataDir: first.dataDir });
    daemons.push(second);
    send(big.slice(150_000));
    await until(() => got.some((m) => m.id === 2));
    send(`${JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'ping' })}\n`);
    await until(() => got.some((m) => m.id === 3));
    bridge.stdin!.end();
    await new Promise((r) => bridge.once('exit', r));
    const answers = (id: number) => got.filter((m) => m.id === id);
    assert.equal(answers(1).length, 1, 'an answered request is not answered again after the restart');
    assert.equal(answers(2).length, 1, JSON.stringify(answers(2)).slice(0, 300));
    assert.ok('result' in answers(2)[0]!, `the whole line reached the new daemon: ${JSON.stringify(answers(2)[0]).slice(0, 300)}`);
    assert.equal(answers(3).length, 1);
    assert.ok(!got.some((m) => m.id === null), `no parse error from half a line: ${JSON.stringify(got.filter((m) => m.id === null)).slice(0, 300)}`);
  });
});

describe('the stdio bridge passes bytes, not decoded text', () => {
  let d: TestDaemon | undefined;
  after(async () => {
    await d?.stop('SIGKILL');
  });

  it('a character split across writes, and a byte that is not UTF-8, reach the server as the daemon decodes them, in small and scanned lines', async () => {
    d = await startDaemon({ bundle: writeBundle({ schemaVersion: 1, name: 'bytes', servers: [stdioServer('fx', 'fixture-server.ts')] }) });
    await serversReady(d);
    const { bridge, got, until } = await openBridge(d.dataDir);
    const write = (b: Buffer) => new Promise<void>((r) => bridge.stdin!.write(b, () => setTimeout(r, 30)));
    for (const [id, pad] of [
      [1, ''],
      [2, 'z'.repeat(40_000)],
    ] as const) {
      // "a😀b<0xFF>c": the emoji's four bytes in four writes, then a byte no UTF-8 text holds.
      const [head, tail] = JSON.stringify({
        jsonrpc: '2.0',
        method: 'tools/call',
        params: { name: 'fx__echo', arguments: { message: `${pad}a@b#c` } },
        id,
      }).split('@');
      const [mid, end] = tail!.split('#');
      const emoji = Buffer.from('😀');
      await write(Buffer.from(head!));
      for (const byte of emoji) await write(Buffer.from([byte]));
      await write(Buffer.concat([Buffer.from(mid!), Buffer.from([0xff]), Buffer.from(`${end}\n`)]));
      await until(() => got.some((m) => m.id === id));
      const answers = got.filter((m) => m.id === id);
      assert.equal(answers.length, 1);
      assert.equal(answers[0]!.result?.content?.[0]?.text, `${pad}a😀b\ufffdc`, JSON.stringify(answers[0]).slice(-300));
    }
    bridge.stdin!.end();
    await new Promise((r) => bridge.once('exit', r));
  });
});

describe('command names from Object.prototype', () => {
  const run = promisify(execFile);
  for (const name of [
    'constructor',
    '__proto__',
    'toString',
    'hasOwnProperty',
    'valueOf',
    '__defineGetter__',
    'prototype',
    'Daemon',
    'daemon\u200b',
    ' status',
  ]) {
    it(`"${JSON.stringify(name).slice(1, -1)}" is an unknown command (usage error), not a crash or another command`, async () => {
      const r = await run(process.execPath, [CLI, name, '--data-dir', tempDir()]).then(
        (x) => ({ code: 0, stderr: x.stderr }),
        (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
      );
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /^gatehouse: unknown command "/);
      assert.doesNotMatch(r.stderr, /TypeError|at .*\.ts:\d+/);
    });
  }
});

describe('where the command stands on the line', () => {
  const run = promisify(execFile);
  const status = (args: string[]) =>
    run(process.execPath, [CLI, ...args]).then(
      (x) => ({ code: 0, stderr: x.stderr }),
      (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
    );
  it('after flags, or after a wrapper’s `--`, it is still the command', async () => {
    const dir = tempDir();
    for (const args of [
      ['status', '--data-dir', dir],
      ['--data-dir', dir, 'status'],
      ['--', 'status', '--data-dir', dir],
    ]) {
      const r = await status(args);
      assert.match(r.stderr, /no Gatehouse daemon is running for/, `${args.join(' ')}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /unknown command/);
    }
  });
  it('a flag that swallows the command is told, not run', async () => {
    const r = await status(['--data-dir']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--data-dir needs a value/);
  });
});
