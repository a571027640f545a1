// The stdio bridge when its daemon goes away at the worst moment: halfway through an answer
// line, or after answering ids the bridge's ledger must recognise in the answer's first bytes
// (non-ASCII, long, or the id the bridge once used for its own replayed initialize). A fake
// daemon (a Unix socket named in daemon.json) decides exactly where its lines are cut; every
// request must end up with exactly one whole answer, and the IDE must read only whole lines
// but the one the daemon cut.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CLI } from '../helpers/daemon.ts';

type Line = { id?: unknown; result?: unknown; error?: { message: string } };
/** How the fake daemon answers one request: the whole line it writes, and where to cut it (then it dies). */
type Answer = (m: { id?: unknown; method?: string }, incarnation: number) => { line: string; cutAt?: number } | undefined;

const dirs: string[] = [];
const procs: ChildProcess[] = [];
const servers: Server[] = [];
after(() => {
  for (const p of procs) p.kill('SIGKILL');
  for (const s of servers) s.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A fake daemon that comes back 200 ms after each death, as a restarted one would. */
function fakeDaemon(answer: Answer): { dir: string; deaths: () => number } {
  const dir = mkdtempSync(join(tmpdir(), 'gh-cuts-'));
  dirs.push(dir);
  const sock = join(dir, 'd.sock');
  writeFileSync(join(dir, 'daemon.json'), JSON.stringify({ pid: process.pid, port: 1, socket: sock, startedAt: new Date().toISOString() }));
  let incarnation = 0;
  const serve = () => {
    const n = ++incarnation;
    const srv: Server = createServer((c: Socket) => {
      let buf = '';
      c.on('data', (d) => {
        buf += String(d);
        for (let i = buf.indexOf('\n'); i !== -1; i = buf.indexOf('\n')) {
          const m = JSON.parse(buf.slice(0, i)) as { id?: unknown; method?: string; gatehouse?: number };
          buf = buf.slice(i + 1);
          if (m.gatehouse || m.id === undefined) continue;
          const a = answer(m, n) ?? { line: JSON.stringify({ jsonrpc: '2.0', id: m.id, result: {} }) };
          if (a.cutAt === undefined) {
            c.write(`${a.line}\n`);
            continue;
          }
          c.write(a.line.slice(0, a.cutAt), () => {
            c.destroy();
            srv.close();
            rmSync(sock, { force: true });
            setTimeout(serve, 200);
          });
          return;
        }
      });
    });
    servers.push(srv);
    srv.listen(sock);
  };
  serve();
  return { dir, deaths: () => incarnation - 1 };
}

function bridgeTo(dir: string) {
  const bridge = spawn(process.execPath, [CLI, 'stdio', '--agent', 'cuts', '--no-start', '--data-dir', dir], { stdio: ['pipe', 'pipe', 'pipe'] });
  procs.push(bridge);
  let out = '';
  bridge.stdout!.on('data', (c: Buffer) => (out += c.toString('utf8')));
  const lines = () => out.split('\n').filter(Boolean);
  const parsed = () =>
    lines().flatMap((l) => {
      try {
        return [JSON.parse(l) as Line];
      } catch {
        return [];
      }
    });
  const until = async (what: string, p: () => boolean) => {
    for (const deadline = Date.now() + 30_000; !p(); await new Promise((r) => setTimeout(r, 25)))
      if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}; the IDE read:\n${out.slice(0, 2000)}`);
  };
  const send = (m: unknown) => bridge.stdin!.write(`${JSON.stringify(m)}\n`);
  return { lines, parsed, until, send };
}

const answersTo = (got: Line[], id: unknown) => got.filter((m) => JSON.stringify(m.id) === JSON.stringify(id));

describe('the stdio bridge when its daemon dies halfway through an answer', () => {
  for (const [cutAt, what] of [
    [6000, 'after the IDE has seen its first 6,000 bytes'],
    [40, 'within its first bytes, before the bridge passed any'],
  ] as const) {
    it(`ends the cut line and fails its request once, ${what}`, async () => {
      const big = JSON.stringify({ jsonrpc: '2.0', id: 5, result: { pad: 'x'.repeat(10_000) } });
      const { dir, deaths } = fakeDaemon((m, n) => (n === 1 && m.id === 5 ? { line: big, cutAt } : undefined));
      const ide = bridgeTo(dir);
      ide.send({ jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'big' } });
      await ide.until('the error for the cut answer', () => answersTo(ide.parsed(), 5).length > 0);
      await ide.until('the new daemon', () => deaths() === 1);
      ide.send({ jsonrpc: '2.0', id: 6, method: 'ping' });
      await ide.until('the answer from the new daemon', () => answersTo(ide.parsed(), 6).length > 0);
      const got = ide.parsed();
      const five = answersTo(got, 5);
      assert.equal(five.length, 1, 'one answer for the cut request');
      assert.match(five[0]!.error?.message ?? '', /went away/);
      assert.deepEqual(answersTo(got, 6), [{ jsonrpc: '2.0', id: 6, result: {} }]);
      // Only the line the daemon cut may be unreadable, and it is a line of its own.
      const unreadable = ide.lines().length - got.length;
      assert.equal(unreadable, cutAt > 4096 ? 1 : 0);
    });
  }
});

describe("the bridge's ledger recognises every answer it was given", () => {
  it('fails only unanswered requests after a restart, whatever their ids', async () => {
    const ids = ['é', '\u2028', '𝒳'.repeat(50), 'y'.repeat(300), 'gatehouse-bridge-replay', 7];
    // The first daemon answers every ping at once, then dies cutting the answer to the "die" request.
    const { dir, deaths } = fakeDaemon((m, n) =>
      n === 1 && m.id === 'die' ? { line: JSON.stringify({ jsonrpc: '2.0', id: 'die', result: {} }), cutAt: 10 } : undefined,
    );
    const ide = bridgeTo(dir);
    for (const id of ids) ide.send({ jsonrpc: '2.0', id, method: 'ping' });
    await ide.until('every ping answered', () => ids.every((id) => answersTo(ide.parsed(), id).length === 1));
    ide.send({ jsonrpc: '2.0', id: 'die', method: 'ping' });
    await ide.until('the error for the cut request', () => answersTo(ide.parsed(), 'die').length === 1);
    await ide.until('the new daemon', () => deaths() === 1);
    ide.send({ jsonrpc: '2.0', id: 'after', method: 'ping' });
    await ide.until('the answer from the new daemon', () => answersTo(ide.parsed(), 'after').length === 1);
    const got = ide.parsed();
    for (const id of ids) assert.deepEqual(answersTo(got, id), [{ jsonrpc: '2.0', id, result: {} }], `id ${JSON.stringify(id).slice(0, 20)}`);
    assert.equal(answersTo(got, 'die').length, 1);
  });
});
