import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DaemonSupervisor, type DaemonChild, type ProbeResult, type SupervisorDeps, type SupervisorState } from './supervisor.ts';

const TOKEN = `ghc_${'t'.repeat(43)}`;

/** A daemon process under our control: we write its stdout and decide when it exits. */
class FakeChild implements DaemonChild {
  private out: ((c: string) => void) | undefined;
  private exit: ((code: number | null) => void) | undefined;
  killed = 0;
  onStdout(l: (c: string) => void): void {
    this.out = l;
  }
  onExit(l: (code: number | null) => void): void {
    this.exit = l;
  }
  kill(): void {
    this.killed++;
    this.exit?.(null);
  }
  write(text: string): void {
    this.out?.(text);
  }
  die(code: number): void {
    this.exit?.(code);
  }
}

/** A clock that only moves when the test says so. */
function harness(probes: Array<ProbeResult | Error>, extra: Partial<SupervisorDeps> = {}) {
  let now = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  let nextId = 1;
  const children: FakeChild[] = [];
  const stopped: number[] = [];
  const states: SupervisorState[] = [];
  const deps: SupervisorDeps = {
    appVersion: '1.2.0',
    probe: async () => {
      const p = probes.shift() ?? { kind: 'none' };
      if (p instanceof Error) throw p;
      return p;
    },
    spawn: () => {
      const c = new FakeChild();
      children.push(c);
      return c;
    },
    stopOther: (pid) => stopped.push(pid),
    alive: async () => true,
    setTimer: (fn, ms) => {
      const id = nextId++;
      timers.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimer: (h) => {
      timers.delete(h as number);
    },
    now: () => now,
    random: () => 1,
    ...extra,
  };
  const sup = new DaemonSupervisor(deps, {
    initialDelayMs: 1000,
    maxDelayMs: 8000,
    stableMs: 60_000,
    readyTimeoutMs: 30_000,
    watchEveryMs: 5000,
    missesAllowed: 2,
  });
  sup.onChange((s) => states.push(s));
  const settle = () => new Promise((r) => setImmediate(r));
  /** Moves the clock, firing due timers in order. */
  async function advance(ms: number): Promise<void> {
    const until = now + ms;
    for (;;) {
      await settle();
      const due = [...timers].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      timers.delete(due[0]);
      now = due[1].at;
      due[1].fn();
    }
    now = until;
    await settle();
  }
  return { sup, children, stopped, states, advance, settle, timers };
}

const ready = (port: number) => `{"event":"ready","port":${port},"socket":"/x","controlToken":"${TOKEN}"}\n`;

test('with nothing running it starts a daemon and takes the endpoint from the ready line, even split across reads', async () => {
  const h = harness([{ kind: 'none' }]);
  h.sup.start();
  await h.settle();
  assert.equal(h.children.length, 1);
  const line = `some log line\n${ready(7465)}`;
  h.children[0]!.write(line.slice(0, 30));
  assert.equal(h.sup.endpoint, null);
  h.children[0]!.write(line.slice(30));
  assert.deepEqual(h.sup.state, { phase: 'ready', endpoint: { base: 'http://127.0.0.1:7465', token: TOKEN }, mode: 'spawned' });
});

test('a ready line with a bad port or a short token is not believed', async () => {
  const h = harness([{ kind: 'none' }]);
  h.sup.start();
  await h.settle();
  h.children[0]!.write('{"event":"ready","port":99999,"controlToken":"' + TOKEN + '"}\n{"event":"ready","port":1,"controlToken":"short"}\n');
  assert.equal(h.sup.endpoint, null);
});

test('a proven daemon of our version is attached to, and watched: when it stops answering, ours starts', async () => {
  let answering = true;
  const endpoint = { base: 'http://127.0.0.1:7465', token: TOKEN };
  const h = harness([{ kind: 'proven', endpoint, version: '1.2.0', pid: 42 }, { kind: 'none' }], { alive: async () => answering });
  h.sup.start();
  await h.settle();
  assert.deepEqual(h.sup.state, { phase: 'ready', endpoint, mode: 'attached' });
  assert.equal(h.children.length, 0);
  await h.advance(20_000);
  assert.equal(h.children.length, 0, 'still answering: left alone');
  answering = false;
  await h.advance(5000);
  assert.equal(h.sup.state.phase, 'ready', 'one miss is not yet gone');
  await h.advance(5000);
  assert.equal(h.children.length, 1, 'two misses: a daemon of ours is started');
});

test('a listener that cannot prove it holds the token gets nothing and is retried with backoff', async () => {
  const h = harness([
    { kind: 'unproven', reason: 'the listener on 127.0.0.1:7465 could not prove it is your Gatehouse' },
    { kind: 'unproven', reason: 'again' },
    { kind: 'none' },
  ]);
  h.sup.start();
  await h.settle();
  assert.equal(h.sup.endpoint, null);
  assert.equal(h.sup.state.phase, 'waiting');
  assert.match((h.sup.state as { problem: string }).problem, /could not prove/);
  await h.advance(1000);
  assert.equal((h.sup.state as { retryInMs: number }).retryInMs, 2000);
  await h.advance(2000);
  assert.equal(h.children.length, 1);
});

test('a daemon of another version is asked to stop, then ours starts', async () => {
  const endpoint = { base: 'http://127.0.0.1:7465', token: TOKEN };
  const h = harness([{ kind: 'proven', endpoint, version: '1.1.0', pid: 77 }, { kind: 'none' }]);
  h.sup.start();
  await h.settle();
  assert.deepEqual(h.stopped, [77]);
  assert.equal(h.sup.endpoint, null);
  await h.advance(1000);
  assert.equal(h.children.length, 1);
});

test('a daemon that keeps dying is restarted with growing delays up to the ceiling, and the delay resets after a stable run', async () => {
  const h = harness([]);
  h.sup.start();
  await h.settle();
  const delays: number[] = [];
  for (let i = 0; i < 6; i++) {
    h.children.at(-1)!.die(1);
    const s = h.sup.state as { phase: string; retryInMs: number };
    assert.equal(s.phase, 'waiting');
    delays.push(s.retryInMs);
    await h.advance(s.retryInMs);
  }
  assert.deepEqual(delays, [1000, 2000, 4000, 8000, 8000, 8000]);
  h.children.at(-1)!.write(ready(7465));
  await h.advance(61_000);
  h.children.at(-1)!.die(1);
  assert.equal((h.sup.state as { retryInMs: number }).retryInMs, 1000);
});

test('a daemon that never prints its ready line is stopped at the timeout and retried', async () => {
  const h = harness([]);
  h.sup.start();
  await h.settle();
  await h.advance(30_000);
  assert.equal(h.children[0]!.killed, 1);
  assert.equal(h.sup.state.phase, 'waiting');
});

test('quitting stops the daemon we started and nothing restarts it', async () => {
  const h = harness([]);
  h.sup.start();
  await h.settle();
  h.children[0]!.write(ready(7465));
  h.sup.quit();
  assert.equal(h.children[0]!.killed, 1);
  assert.equal(h.sup.state.phase, 'stopped');
  await h.advance(600_000);
  assert.equal(h.children.length, 1);
  assert.equal(h.timers.size, 0);
});

test('quitting while attached leaves the other daemon running', async () => {
  const endpoint = { base: 'http://127.0.0.1:7465', token: TOKEN };
  const h = harness([{ kind: 'proven', endpoint, version: '1.2.0', pid: 42 }]);
  h.sup.start();
  await h.settle();
  h.sup.quit();
  assert.deepEqual(h.stopped, []);
  await h.advance(600_000);
  assert.equal(h.children.length, 0);
});

test('a probe that throws counts as a failure, not a crash', async () => {
  const h = harness([new Error('EACCES reading daemon.json')]);
  h.sup.start();
  await h.settle();
  assert.equal(h.sup.state.phase, 'waiting');
  assert.match((h.sup.state as { problem: string }).problem, /EACCES/);
});

test('the daemon reports the version the app is built as, or every start would stop and restart it', async () => {
  const { GATEHOUSE_INFO } = await import('../gateway/mux/gateway.ts');
  const { readFileSync } = await import('node:fs');
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  assert.equal(GATEHOUSE_INFO.version, pkg.version);
});
