import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { JsonRpcMessage } from '../../shared/jsonrpc/message.ts';
import { RotatingLog } from './stderr-log.ts';
import { SLICED_FROM, StdioChannel } from './stdio-channel.ts';

// A server whose answers straddle the sliced parser's threshold: the big answer must not
// overtake or be overtaken, a broken big line costs only itself, and the server's exit is
// said only after everything it wrote before is delivered.

const dir = mkdtempSync(join(tmpdir(), 'gh-stdio-channel-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function serverScript(body: string): string {
  const file = join(dir, `server-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(file, body);
  return file;
}

const big = (id: number, times = 1) => ({
  jsonrpc: '2.0',
  id,
  result: { tools: Array.from({ length: Math.ceil((times * SLICED_FROM) / 60) + 10 }, (_, i) => ({ name: `t${i}`, inputSchema: { type: 'object' } })) },
});

function run(script: string): Promise<{ messages: JsonRpcMessage[]; closed: string; closedAfter: number; notes: string }> {
  const logPath = join(dir, `log-${Math.random().toString(36).slice(2)}.log`);
  const log = new RotatingLog(logPath);
  const channel = new StdioChannel({ command: process.execPath, args: [script], env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } }, log, 64 << 20);
  const messages: JsonRpcMessage[] = [];
  return new Promise((resolve, reject) => {
    channel.onmessage = (m) => messages.push(m);
    channel.onclose = (closed) => resolve({ messages, closed, closedAfter: messages.length, notes: log.tail.join('\n') });
    channel.start().catch(reject);
  });
}

describe('StdioChannel with lines over the sliced-parse threshold', () => {
  it('delivers small and big answers in the order written, then says the server exited', async () => {
    const lines = [
      { jsonrpc: '2.0', id: 1, result: {} },
      big(2),
      { jsonrpc: '2.0', id: 3, result: {} },
      big(4, 12),
      { jsonrpc: '2.0', method: 'notifications/x' },
    ];
    const script = serverScript(`process.stdout.write(${JSON.stringify(lines.map((l) => JSON.stringify(l) + '\n').join(''))}, () => process.exit(0));`);
    const got = await run(script);
    assert.deepStrictEqual(got.messages, lines);
    assert.equal(got.closedAfter, lines.length, 'every line was delivered before the close');
    assert.match(got.closed, /code 0/);
  });

  it('drops a broken big line alone and goes on', async () => {
    const broken = JSON.stringify(big(2)).slice(0, -2) + ',}}';
    const script = serverScript(
      `process.stdout.write(${JSON.stringify([JSON.stringify({ jsonrpc: '2.0', id: 1, result: {} }), broken, JSON.stringify({ jsonrpc: '2.0', id: 3, result: {} })].join('\n') + '\n')}, () => setTimeout(() => process.exit(0), 50));`,
    );
    const got = await run(script);
    assert.deepEqual(
      got.messages.map((m) => ('id' in m ? m.id : null)),
      [1, 3],
    );
    assert.match(got.notes, /non-JSON on stdout/);
  });
});
