import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BridgeLedger } from './bridge-ledger.ts';

describe('the stdio bridge ledger', () => {
  it('fails exactly the requests the daemon has not answered', () => {
    const l = new BridgeLedger();
    l.fromIde('{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{}}');
    l.fromIde('{"jsonrpc":"2.0","id":"a\\"b","method":"tools/list"}');
    l.fromIde('{"jsonrpc":"2.0","method":"notifications/progress"}');
    l.fromIde('not json at all');
    assert.equal(l.unanswered, 2);
    assert.equal(l.fromDaemon('{"jsonrpc":"2.0","id":1,"result":{"content":[]}}'), true);
    // A request from the daemon with the same id is not an answer.
    l.fromDaemon('{"jsonrpc":"2.0","id":"a\\"b","method":"elicitation/create"');
    assert.equal(l.unanswered, 1);
    const lines = l
      .failAll('gone')
      .trim()
      .split('\n')
      .map((x) => JSON.parse(x) as { id: unknown; error: { code: number; message: string } });
    assert.deepEqual(
      lines.map((x) => x.id),
      ['a"b'],
    );
    assert.equal(lines[0]!.error.message, 'gone');
    assert.equal(l.unanswered, 0);
  });

  it("replays the IDE's initialize under its own id, and hides the answer to it", () => {
    const l = new BridgeLedger();
    assert.equal(l.replay(), '');
    l.fromIde(
      '{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"ide","version":"1"}}}',
    );
    l.fromDaemon('{"jsonrpc":"2.0","id":0,"result":{}}');
    l.fromIde('{"jsonrpc":"2.0","method":"notifications/initialized"}');
    const [init, initialized] = l
      .replay()
      .trim()
      .split('\n')
      .map((x) => JSON.parse(x) as Record<string, unknown>);
    assert.equal(init!.id, l.replayId);
    assert.equal(init!.method, 'initialize');
    assert.equal(initialized!.method, 'notifications/initialized');
    assert.equal(l.fromDaemon(`{"jsonrpc":"2.0","id":"${l.replayId}","result":{}}`), false);
  });

  it('survives hostile lines from the IDE', () => {
    const l = new BridgeLedger();
    for (const line of [
      '{"__proto__":{"method":"x"}}',
      '[1,null,{"method":5,"id":{}}]',
      '{"method":"x","id":NaN}',
      '"str"',
      'null',
      '{"method":"constructor","id":"toString"}',
    ])
      l.fromIde(line);
    assert.equal(l.unanswered, 1);
  });
});

describe('a daemon stopping on purpose', () => {
  it('is told apart from one that died, from the start of its notice line', async () => {
    const { SHUTDOWN_NOTICE } = await import('../../shared/jsonrpc/shutdown.ts');
    const l = new BridgeLedger();
    assert.equal(l.stopping, false);
    assert.equal(l.fromDaemon('{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"warning","logger":"server"}}'), true);
    assert.equal(l.stopping, false, 'an upstream log message is not the notice');
    assert.equal(l.fromDaemon(SHUTDOWN_NOTICE.slice(0, 256)), true, 'the IDE sees the notice too');
    assert.equal(l.stopping, true);
  });
});

describe("the bridge's cut of the IDE's bytes", () => {
  it('passes whole lines on as they came, shows each to the ledger, and holds back half a line', async () => {
    const { IdeLines } = await import('./stdio-bridge.ts');
    const big = `{"method":"tools/call","params":{"name":"w","arguments":{"data":"${'é'.repeat(300_000)}"}},"jsonrpc":"2.0","id":77}`;
    const lines = ['{"jsonrpc":"2.0","id":1,"method":"ping"}', big, '{"jsonrpc":"2.0","method":"notifications/initialized"}\r', ''];
    const input = Buffer.from(`${lines.join('\n')}\n{"jsonrpc":"2.0","id":2,"meth`);
    for (const size of [1, 7, 4096, 65_536, input.length]) {
      const noted: string[] = [];
      const passed: Buffer[] = [];
      const cut = new IdeLines(
        (line) => noted.push(line.toString('utf8')),
        (bytes) => passed.push(Buffer.from(bytes)),
      );
      for (let at = 0; at < input.length; at += size) cut.push(input.subarray(at, at + size));
      assert.deepEqual(noted, lines.slice(0, 3), `chunks of ${size}`);
      assert.ok(
        passed.every((b) => b.at(-1) === 10),
        'only whole lines go on',
      );
      assert.equal(Buffer.concat(passed).toString('utf8'), `${lines.join('\n')}\n`, `chunks of ${size}`);
      const ledger = new BridgeLedger();
      for (const line of noted) ledger.fromIde(line);
      assert.equal(ledger.unanswered, 2);
      assert.equal(ledger.fromDaemon('{"jsonrpc":"2.0","id":77,"result":{}}'), true);
      assert.equal(ledger.unanswered, 1);
    }
  });
});

describe('a line from the IDE that never ends', () => {
  it('is held only up to the limit, then dropped up to its newline and reported, and the next line goes on', async () => {
    const { IdeLines } = await import('./stdio-bridge.ts');
    const noted: string[] = [];
    const passed: string[] = [];
    const oversize: number[] = [];
    const cut = new IdeLines(
      (line) => noted.push(line.toString('utf8')),
      (bytes) => passed.push(bytes.toString('utf8')),
      (bytes) => oversize.push(bytes),
      1000,
    );
    cut.push(Buffer.from('{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"x":"'));
    for (let i = 0; i < 100; i++) cut.push(Buffer.alloc(100, 'a'));
    assert.deepEqual(oversize, [], 'reported once its newline comes');
    cut.push(Buffer.from('"}}\n{"jsonrpc":"2.0","id":2,"method":"ping"}\n'));
    assert.deepEqual(oversize, [61 + 100 * 100 + 3]);
    assert.deepEqual(noted, ['{"jsonrpc":"2.0","id":2,"method":"ping"}']);
    assert.deepEqual(passed, ['{"jsonrpc":"2.0","id":2,"method":"ping"}\n']);
  });
});
