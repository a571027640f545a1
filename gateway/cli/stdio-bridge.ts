import { spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDataDir, socketPathFor } from '../config/data-dir.ts';
import { INSTALL_ROOT } from '../config/install-root.ts';
import { errorResponse, ErrorCode } from '../../shared/jsonrpc/message.ts';
import { ANSWER_HEAD_BYTES, BridgeLedger } from './bridge-ledger.ts';
import { runningDaemon, socketAlive } from './daemon-client.ts';

const CLI = join(INSTALL_ROOT, 'bin', 'gatehouse.js');
const START_WAIT_MS = 20_000;
/** A small young generation: ~6 MB less idle memory, no measurable cost on the hot path (docs/performance.md). */
export const DAEMON_NODE_FLAGS = ['--max-semi-space-size=1'];
/**
 * The daemon's environment defaults (a value the user set wins; its servers inherit them):
 * two malloc arenas instead of one per thread that allocates (V8's workers, libuv's pool),
 * about 1.5 MB less idle memory at no measured cost per call (docs/performance.md).
 */
export const DAEMON_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };

const QUEUE_LIMIT_BYTES = 16 << 20;
/**
 * The longest line the bridge holds for the IDE while waiting for its newline: 4× the
 * daemon's default message limit (settings.maxMessageBytes). A longer one is refused here,
 * as the daemon would refuse it, instead of growing the bridge without bound.
 */
const IDE_LINE_LIMIT_BYTES = 64 << 20;
const RECONNECT_GIVE_UP_MS = 10_000;

/**
 * `gatehouse stdio`: joins the IDE's stdin/stdout to the daemon's socket. After one
 * hello line it moves bytes, noting only which requests are unanswered (a scan of each
 * line's method and id, not a parse). If the daemon
 * goes away, every unanswered request gets an error, stderr says what happened, and the
 * bridge reconnects (starting a daemon when allowed), replaying the IDE's initialize so
 * its session goes on. What the IDE sends meanwhile waits, up to a limit.
 */
export async function runBridge(dataDir: string, agent: string, autoStart: boolean): Promise<void> {
  const bridge = new Bridge(dataDir, agent, autoStart);
  bridge.run(await connectDaemon(dataDir, autoStart));
}

/** The state of one IDE's bridge: the daemon socket (absent while reconnecting) and what waits for it. */
class Bridge {
  private readonly ledger = new BridgeLedger();
  private readonly hello: string;
  private socket: Socket | undefined;
  private queued: Buffer[] = [];
  private queuedBytes = 0;
  private ideEnded = false;
  private reconnecting = false;
  private readonly ideLines = new IdeLines(
    (line) => this.ledger.fromIde(line),
    (bytes) => this.fromIde(bytes),
    (bytes) => this.refuse(bytes),
  );
  private readonly daemonLines = new LineHeads(this.ledger);
  private readonly dataDir: string;
  private readonly autoStart: boolean;

  constructor(dataDir: string, agent: string, autoStart: boolean) {
    this.dataDir = dataDir;
    this.autoStart = autoStart;
    this.hello = `${JSON.stringify({ gatehouse: 1, agent })}\n`;
  }

  run(socket: Socket): void {
    process.stdin.on('data', (chunk: Buffer) => this.ideLines.push(chunk));
    process.stdin.once('end', () => {
      this.ideEnded = true;
      if (this.socket) this.socket.end();
      else process.exit(0);
    });
    this.attach(socket);
  }

  /** Whole lines from the IDE, already noted in the ledger: passed on as they came. */
  private fromIde(bytes: Buffer): void {
    const s = this.socket;
    if (s) {
      if (!s.write(bytes) && !process.stdin.isPaused()) {
        process.stdin.pause();
        s.once('drain', () => process.stdin.resume());
      }
      return;
    }
    this.queuedBytes += bytes.length;
    if (this.queuedBytes > QUEUE_LIMIT_BYTES) {
      process.stdout.write(this.ledger.failAll('Gatehouse is reconnecting to its daemon and its queue is full; try again'));
      this.dropQueue();
      return;
    }
    this.queued.push(bytes);
  }

  /** A line too long to hold: answered as the daemon answers one over its limit (it has no id we could read). */
  private refuse(bytes: number): void {
    const message = `message of ${bytes} bytes is over the stdio bridge's ${IDE_LINE_LIMIT_BYTES}-byte limit`;
    this.daemonLines.between(`${JSON.stringify(errorResponse(null, ErrorCode.MessageTooLarge, message))}\n`, (line) => process.stdout.write(line));
    process.stderr.write(`gatehouse stdio: dropped a ${bytes}-byte line from the IDE (over ${IDE_LINE_LIMIT_BYTES} bytes)\n`);
  }

  private dropQueue(): void {
    this.queued = [];
    this.queuedBytes = 0;
  }

  private attach(s: Socket): void {
    this.socket = s;
    s.setNoDelay(true);
    s.write(this.hello + this.ledger.replay());
    for (const bytes of this.queued) s.write(bytes);
    this.dropQueue();
    s.on('data', (chunk: Buffer) => {
      const out = this.daemonLines.filter(chunk);
      if (out.length && !process.stdout.write(out)) {
        s.pause();
        process.stdout.once('drain', () => s.resume());
      }
    });
    s.once('close', () => {
      if (this.socket === s) void this.lost('the daemon closed the connection');
    });
    s.on('error', () => {
      /* 'close' follows */
    });
    if (this.ideEnded) s.end();
  }

  private async lost(why: string): Promise<void> {
    this.socket = undefined;
    // The IDE may have part of an answer line: it is ended, so the error answers that follow are lines of their own.
    const rest = this.daemonLines.cut();
    if (rest) process.stdout.write(rest);
    if (this.ideEnded) process.exit(0);
    if (this.reconnecting) return;
    this.reconnecting = true;
    const ledger = this.ledger;
    const pending = ledger.unanswered;
    // A daemon stopped on purpose is waited for; one that died is started again (when allowed).
    const start = this.autoStart && !ledger.stopping;
    process.stdout.write(ledger.failAll(`the Gatehouse daemon went away (${why}) before answering; the bridge is reconnecting, so try again`));
    process.stderr.write(
      `gatehouse stdio: ${ledger.stopping ? 'the daemon stopped' : `lost the daemon (${why})`}; ${pending} request(s) answered with an error; ${start ? 'reconnecting' : 'waiting for a daemon to connect to'}\n`,
    );
    const s = await reconnectDaemon(this.dataDir, start, (err) => {
      if (!this.queued.length && !ledger.unanswered) return;
      // Requests must not wait forever for a daemon that does not come back.
      process.stdout.write(ledger.failAll(`no Gatehouse daemon is reachable: ${err.message}`));
      this.dropQueue();
    });
    ledger.stopping = false;
    this.reconnecting = false;
    this.attach(s);
    process.stderr.write('gatehouse stdio: reconnected to the daemon\n');
  }
}

async function connectDaemon(dataDir: string, autoStart: boolean): Promise<Socket> {
  let path = (await runningDaemon(dataDir))?.socket;
  if (!path) {
    if (!autoStart)
      throw new Error(
        `no Gatehouse daemon is running for ${dataDir}. Start one with \`gatehouse daemon --data-dir ${dataDir}\`, or use \`gatehouse stdio --standalone\`.`,
      );
    path = await startDaemonInBackground(dataDir);
  }
  return open(path);
}

/**
 * The IDE's byte stream, cut after its last newline: each chunk's whole lines go on as
 * one buffer (no decoding, no re-encoding), and each line is shown to `note` first. The
 * bytes of an unfinished line wait for its newline, so a reconnect never sends half a line.
 * A line that grows past `limit` before its newline is dropped, up to that newline, and
 * reported to `oversize` with its size: the bridge holds no more than that for the IDE.
 */
export class IdeLines {
  private held: Buffer[] = [];
  private heldBytes = 0;
  private discarding = false;
  private readonly note: (line: Buffer) => void;
  private readonly pass: (bytes: Buffer) => void;
  private readonly oversize: (bytes: number) => void;
  private readonly limit: number;
  constructor(note: (line: Buffer) => void, pass: (bytes: Buffer) => void, oversize: (bytes: number) => void = () => {}, limit = IDE_LINE_LIMIT_BYTES) {
    this.note = note;
    this.pass = pass;
    this.oversize = oversize;
    this.limit = limit;
  }

  push(chunk: Buffer): void {
    if (this.discarding) {
      const nl = chunk.indexOf(10);
      this.heldBytes += nl === -1 ? chunk.length : nl;
      if (nl === -1) return;
      this.discarding = false;
      this.oversize(this.heldBytes);
      this.heldBytes = 0;
      chunk = chunk.subarray(nl + 1);
    }
    const last = chunk.lastIndexOf(10);
    if (last === -1) {
      this.hold(chunk);
      return;
    }
    let start = 0;
    for (let nl = chunk.indexOf(10); nl !== -1 && nl <= last; nl = chunk.indexOf(10, start)) {
      const line = start === 0 && this.held.length ? Buffer.concat([...this.held, chunk.subarray(0, nl)]) : chunk.subarray(start, nl);
      if (line.length) this.note(line);
      start = nl + 1;
    }
    const whole = chunk.subarray(0, last + 1);
    this.pass(this.held.length ? Buffer.concat([...this.held, whole]) : whole);
    this.held = [];
    this.heldBytes = 0;
    if (last + 1 < chunk.length) this.hold(chunk.subarray(last + 1));
  }

  private hold(bytes: Buffer): void {
    this.heldBytes += bytes.length;
    if (this.heldBytes <= this.limit) {
      this.held.push(bytes);
      return;
    }
    this.held = [];
    this.discarding = true;
  }
}

/**
 * Passes the daemon's bytes through, showing the ledger the start of each line (its first
 * ANSWER_HEAD_BYTES, decoded as UTF-8 as the ledger's ids are) and dropping the lines it
 * refuses. Only line starts are looked at: answers can be megabytes, and are copied, not
 * parsed. An answer is struck off only once its newline has passed, and `cut()` says when
 * the daemon went away halfway through a line the IDE has already partly seen.
 */
class LineHeads {
  private head: Buffer[] = [];
  private headBytes = 0;
  private inLine = false;
  private dropping = false;
  private decided = false;
  /** Bytes of a line whose head is not complete yet, held until it is. */
  private pendingHead: Buffer | undefined;
  private readonly ledger: BridgeLedger;
  constructor(ledger: BridgeLedger) {
    this.ledger = ledger;
  }

  /** Lines of the bridge's own for the IDE, waiting for the daemon's line in passage to end. */
  private waiting = '';

  /** Writes a line of the bridge's own to the IDE between the daemon's lines, never inside one. */
  between(line: string, write: (text: string) => void): void {
    if (this.inLine && this.decided && !this.dropping) this.waiting += line;
    else write(line);
  }

  /**
   * The connection ended: forgets any half line, and returns what the IDE must still get:
   * a newline ending the part of a line it already has, and the bridge's waiting lines.
   */
  cut(): string {
    const partlyPassed = this.inLine && this.decided && !this.dropping;
    if (this.inLine) this.ledger.answerCut();
    const out = `${partlyPassed ? '\n' : ''}${this.waiting}`;
    this.waiting = '';
    this.head = [];
    this.headBytes = 0;
    this.inLine = false;
    this.dropping = false;
    this.decided = false;
    this.pendingHead = undefined;
    return out;
  }

  filter(chunk: Buffer): Buffer {
    const parts: Buffer[] = [];
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(10, start);
      const end = nl === -1 ? chunk.length : nl + 1;
      const piece = chunk.subarray(start, end);
      if (!this.inLine) {
        this.inLine = true;
        this.head = [];
        this.headBytes = 0;
        this.decided = false;
        this.dropping = false;
      }
      if (!this.decided) {
        const take = piece.subarray(0, ANSWER_HEAD_BYTES - this.headBytes);
        this.head.push(take);
        this.headBytes += take.length;
        if (this.headBytes >= ANSWER_HEAD_BYTES || nl !== -1) {
          this.decided = true;
          this.dropping = !this.ledger.fromDaemon(Buffer.concat(this.head, this.headBytes).toString('utf8'), nl !== -1);
          this.head = [];
        }
      }
      // Bytes of a line not yet decided are held until its head is complete.
      if (this.decided && !this.dropping) parts.push(this.pendingHead ? Buffer.concat([this.pendingHead, piece]) : piece);
      else if (!this.decided) this.pendingHead = this.pendingHead ? Buffer.concat([this.pendingHead, piece]) : piece;
      if (this.decided) this.pendingHead = undefined;
      if (nl !== -1) {
        if (!this.dropping) this.ledger.answerEnded();
        this.inLine = false;
        if (this.waiting) {
          parts.push(Buffer.from(this.waiting));
          this.waiting = '';
        }
      }
      start = end;
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }
}

function open(path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(path);
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

async function startDaemonInBackground(dataDir: string): Promise<string> {
  process.stderr.write(`gatehouse stdio: no daemon running for ${dataDir}; starting one in the background\n`);
  ensureDataDir(dataDir);
  // The daemon outlives this bridge, so its output goes to a log file, not our stdio.
  const log = openSync(join(dataDir, 'logs', 'daemon.log'), 'a', 0o600);
  const child = spawn(process.execPath, [...DAEMON_NODE_FLAGS, CLI, 'daemon', '--data-dir', dataDir], {
    detached: true,
    stdio: ['ignore', log, log],
    env: { ...DAEMON_ENV, ...process.env },
  });
  child.unref();
  closeSync(log);
  const path = socketPathFor(dataDir);
  const deadline = Date.now() + START_WAIT_MS;
  while (Date.now() < deadline) {
    if (await socketAlive(path, 500)) return path;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `the daemon did not come up within ${START_WAIT_MS / 1000}s; see ${join(dataDir, 'logs', 'daemon.log')} or run \`gatehouse daemon --data-dir ${dataDir}\` to see why`,
  );
}

/** Connects again, backing off; once past the give-up time, `overdue` hears each failed try. */
async function reconnectDaemon(dataDir: string, start: boolean, overdue: (err: Error) => void): Promise<Socket> {
  const deadline = Date.now() + RECONNECT_GIVE_UP_MS;
  for (let delay = 100; ; delay = Math.min(delay * 2, 2000)) {
    try {
      return await connectDaemon(dataDir, start);
    } catch (err) {
      if (Date.now() > deadline) overdue(err as Error);
    }
    await new Promise((r) => setTimeout(r, delay));
  }
}
