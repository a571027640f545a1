import { spawn, type ChildProcess } from 'node:child_process';
import type { JsonRpcMessage } from '../../shared/jsonrpc/message.ts';
import { classifyMessage } from '../../shared/jsonrpc/message.ts';
import { LineReader } from '../framing/line-reader.ts';
import { parseSliced } from '../framing/sliced-json.ts';
import type { UpstreamChannel } from './channel.ts';
import type { RotatingLog } from './stderr-log.ts';
import { cutText } from '../../shared/text/cut.ts';

export interface StdioLaunch {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string | undefined;
}

const KILL_GRACE_MS = 2000;
/** Lines this long (a 20,000-tool page is ~6 MB) are parsed in slices, so other servers' calls are served meanwhile. */
export const SLICED_FROM = 1024 * 1024;

/** Runs an MCP server as a child process and speaks newline-delimited JSON-RPC over its stdio. */
export class StdioChannel implements UpstreamChannel {
  onmessage?: (message: JsonRpcMessage) => void;
  onclose?: (reason: string) => void;
  private child: ChildProcess | undefined;
  private closing = false;
  /** Lines sent in this turn of the loop, written together at its end. */
  private outbox: string[] = [];
  private exited: Promise<void> = Promise.resolve();
  /** Lines waiting behind a big one being parsed in slices: messages keep the order they came in. */
  private inbox: string[] = [];
  private draining = false;
  /** Why the server went, said once the lines it sent before are delivered. */
  private closeAfterDrain: string | undefined;

  private readonly launch: StdioLaunch;
  private readonly log: RotatingLog;
  private readonly maxMessageBytes: number;

  constructor(launch: StdioLaunch, log: RotatingLog, maxMessageBytes: number) {
    this.launch = launch;
    this.log = log;
    this.maxMessageBytes = maxMessageBytes;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }
  get stderrTail(): readonly string[] {
    return this.log.tail;
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.launch.command, this.launch.args, {
        env: this.launch.env,
        cwd: this.launch.cwd,
        stdio: ['pipe', 'pipe', 'pipe'],
        // Own process group, so shutdown can reach grandchildren (npx → node).
        detached: process.platform !== 'win32',
        windowsHide: true,
      });
      this.child = child;
      let settled = false;
      this.exited = new Promise((done) => child.once('exit', () => done()));
      child.once('error', (err) => {
        this.log.note(`spawn failed: ${err.message}`);
        if (!settled) {
          settled = true;
          reject(new Error(`could not start "${this.launch.command}": ${err.message}`));
          return;
        }
        this.finish(`process error: ${err.message}`);
      });
      child.once('spawn', () => {
        settled = true;
        resolve();
      });
      child.once('exit', (code, signal) => {
        this.log.note(`exited with ${signal ? `signal ${signal}` : `code ${code}`}`);
        this.finish(signal ? `exited on signal ${signal}` : `exited with code ${code}`);
      });
      child.stderr!.on('data', (chunk: Buffer) => this.log.write(chunk));
      const reader = new LineReader(this.maxMessageBytes, {
        onLine: (line) => this.receive(line),
        onOversize: (bytes) => this.log.note(`dropped a ${bytes}-byte message over the ${this.maxMessageBytes}-byte limit`),
      });
      child.stdout!.on('data', (chunk: Buffer) => reader.push(chunk));
      // A dead pipe surfaces as 'exit'; swallow EPIPE here so it does not crash the daemon.
      child.stdin!.on('error', () => {});
    });
  }

  send(message: JsonRpcMessage): void {
    const stdin = this.child?.stdin;
    if (!stdin || stdin.destroyed) throw new Error('upstream process is not running');
    this.outbox.push(`${JSON.stringify(message)}\n`);
    if (this.outbox.length === 1) setImmediate(this.flush);
  }

  /**
   * One write for every message sent in this turn of the loop: with many agents
   * calling at once, each pipe write is a system call and a wake-up of the server,
   * and they were the daemon's largest cost under load. The turn's other callbacks
   * run first, so a lone call waits only for its own turn to end.
   */
  private readonly flush = (): void => {
    const lines = this.outbox;
    this.outbox = [];
    const stdin = this.child?.stdin;
    // A server that died meanwhile fails its requests through 'exit'.
    if (!stdin || stdin.destroyed) return;
    stdin.write(lines.join(''));
  };

  async close(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    this.closing = true;
    child.stdin?.end();
    this.signal(child, 'SIGTERM');
    const timer = setTimeout(() => this.signal(child, 'SIGKILL'), KILL_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }

  private signal(child: ChildProcess, sig: NodeJS.Signals): void {
    try {
      if (process.platform !== 'win32' && child.pid) process.kill(-child.pid, sig);
      else child.kill(sig);
    } catch {
      // Already gone.
    }
  }

  private receive(line: string): void {
    if (this.draining || line.length >= SLICED_FROM) {
      this.inbox.push(line);
      if (!this.draining) void this.drain();
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      this.nonJson(line);
      return;
    }
    this.dispatch(parsed);
  }

  /** Delivers the inbox in order, big lines parsed in slices; the server's stdout waits meanwhile (backpressure). */
  private async drain(): Promise<void> {
    this.draining = true;
    const stdout = this.child?.stdout;
    stdout?.pause();
    try {
      for (let line = this.inbox.shift(); line !== undefined; line = this.inbox.shift()) {
        let parsed: unknown;
        try {
          parsed = line.length >= SLICED_FROM ? await parseSliced(line) : JSON.parse(line);
        } catch {
          this.nonJson(line);
          continue;
        }
        this.dispatch(parsed);
      }
    } finally {
      this.draining = false;
      if (stdout && !stdout.destroyed) stdout.resume();
      const reason = this.closeAfterDrain;
      this.closeAfterDrain = undefined;
      if (reason !== undefined) this.onclose?.(reason);
    }
  }

  private nonJson(line: string): void {
    // Servers that print banners to stdout are common; keep them in the log, not the session.
    this.log.note(`non-JSON on stdout: ${cutText(line, 200)}`);
  }

  private dispatch(parsed: unknown): void {
    const message = classifyMessage(parsed);
    if (typeof message === 'string') {
      this.log.note(`invalid JSON-RPC from server: ${message}`);
      return;
    }
    this.onmessage?.(message);
  }

  private finish(reason: string): void {
    if (this.closing) return;
    this.closing = true;
    if (this.draining) this.closeAfterDrain = reason;
    else this.onclose?.(reason);
  }
}
