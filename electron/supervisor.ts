import { z } from 'zod';
import { LineBuffer } from '../shared/control/sse.ts';
import type { DaemonEndpoint } from './dashboard-protocol.ts';

// Keeps one daemon reachable for the app: attaches to the user's running daemon once it
// has proved it holds the control token (and runs our version), else starts one and
// reads its ready line; restarts it with backoff when it dies, watches an attached one,
// and stops only when the app quits. The clock, the process and the probe are injected,
// so every path is tested without Electron or real time.

/** What is listening where daemon.json says, as far as the probe could tell. */
export type ProbeResult =
  | { kind: 'none' }
  /** Answered the hello with a valid proof for our token. */
  | { kind: 'proven'; endpoint: DaemonEndpoint; version: string; pid: number }
  /** Something answers on the port but could not prove it holds our token: it gets nothing. */
  | { kind: 'unproven'; reason: string };

export interface DaemonChild {
  onStdout(listener: (chunk: string) => void): void;
  onExit(listener: (code: number | null) => void): void;
  /** Asks it to stop (SIGTERM; the daemon closes cleanly). */
  kill(): void;
}

export interface SupervisorDeps {
  appVersion: string;
  probe(): Promise<ProbeResult>;
  spawn(): DaemonChild;
  /** Asks a proven daemon of another version to stop, so ours can take its place. */
  stopOther(pid: number): void;
  /** Whether an attached daemon still answers (a proven hello, not merely an open port). */
  alive(endpoint: DaemonEndpoint): Promise<boolean>;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
  now(): number;
  random?(): number;
}

export interface SupervisorOptions {
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** A daemon up this long has recovered: the next failure starts the backoff over. */
  stableMs?: number;
  readyTimeoutMs?: number;
  watchEveryMs?: number;
  /** Missed watches in a row before an attached daemon counts as gone. */
  missesAllowed?: number;
}

export type SupervisorState =
  | { phase: 'connecting' }
  | { phase: 'ready'; endpoint: DaemonEndpoint; mode: 'attached' | 'spawned' }
  | { phase: 'waiting'; retryInMs: number; problem: string; failures: number }
  | { phase: 'stopped' };

const ReadyLine = z.object({ event: z.literal('ready'), port: z.number().int().min(1).max(65535), controlToken: z.string().min(32).max(512) });

export class DaemonSupervisor {
  private readonly deps: SupervisorDeps;
  private readonly opts: Required<SupervisorOptions>;
  private current: SupervisorState = { phase: 'connecting' };
  private child: DaemonChild | undefined;
  private timer: unknown;
  private failures = 0;
  private upSince = 0;
  private misses = 0;
  private quitting = false;
  private readonly listeners = new Set<(s: SupervisorState) => void>();

  constructor(deps: SupervisorDeps, opts: SupervisorOptions = {}) {
    this.deps = deps;
    this.opts = { initialDelayMs: 1000, maxDelayMs: 60_000, stableMs: 60_000, readyTimeoutMs: 30_000, watchEveryMs: 5000, missesAllowed: 3, ...opts };
  }

  get state(): SupervisorState {
    return this.current;
  }

  /** The daemon to talk to now, or null. */
  get endpoint(): DaemonEndpoint | null {
    return this.current.phase === 'ready' ? this.current.endpoint : null;
  }

  onChange(listener: (s: SupervisorState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    void this.connect();
  }

  /** The app is quitting: no more restarts; a daemon we started is stopped, an attached one is left running. */
  quit(): void {
    this.quitting = true;
    this.clear();
    this.child?.kill();
    this.set({ phase: 'stopped' });
  }

  private set(state: SupervisorState): void {
    this.current = state;
    for (const l of this.listeners) l(state);
  }

  private clear(): void {
    if (this.timer !== undefined) this.deps.clearTimer(this.timer);
    this.timer = undefined;
  }

  private later(fn: () => void, ms: number): void {
    this.clear();
    this.timer = this.deps.setTimer(() => {
      this.timer = undefined;
      fn();
    }, ms);
  }

  private async connect(): Promise<void> {
    if (this.quitting) return;
    this.set({ phase: 'connecting' });
    let found: ProbeResult;
    try {
      found = await this.deps.probe();
    } catch (err) {
      found = { kind: 'unproven', reason: (err as Error).message };
    }
    if (this.quitting) return;
    if (found.kind === 'proven') {
      if (found.version === this.deps.appVersion) {
        this.attached(found.endpoint);
        return;
      }
      // Ours is the version the user installed; the other one is stopped, then ours starts.
      this.deps.stopOther(found.pid);
      this.failed(`a Gatehouse daemon of version ${found.version} was running; it was asked to stop so ${this.deps.appVersion} can start`);
      return;
    }
    if (found.kind === 'unproven') {
      this.failed(`not attaching: ${found.reason}`);
      return;
    }
    this.spawn();
  }

  private attached(endpoint: DaemonEndpoint): void {
    this.failures = 0;
    this.misses = 0;
    this.set({ phase: 'ready', endpoint, mode: 'attached' });
    this.watch(endpoint);
  }

  /** Not ours to restart, but ours to notice: when it stops answering, connect again (which starts one). */
  private watch(endpoint: DaemonEndpoint): void {
    this.later(() => {
      void this.deps
        .alive(endpoint)
        .catch(() => false)
        .then((ok) => {
          if (this.quitting || this.endpoint !== endpoint) return;
          this.misses = ok ? 0 : this.misses + 1;
          if (this.misses >= this.opts.missesAllowed) void this.connect();
          else this.watch(endpoint);
        });
    }, this.opts.watchEveryMs);
  }

  private spawn(): void {
    let child: DaemonChild;
    try {
      child = this.deps.spawn();
    } catch (err) {
      this.failed(`the gateway could not be started: ${(err as Error).message}`);
      return;
    }
    this.child = child;
    const lines = new LineBuffer(64 * 1024);
    let ready = false;
    // stdout is read to the end, not just to the ready line: an unread pipe would stall the daemon once full.
    child.onStdout((chunk) => {
      for (const line of lines.push(chunk)) {
        if (ready || !line.startsWith('{')) continue;
        let parsed: unknown;
        try {
          parsed = JSON.parse(line);
        } catch {
          continue;
        }
        const r = ReadyLine.safeParse(parsed);
        if (!r.success) continue;
        ready = true;
        this.upSince = this.deps.now();
        this.clear();
        this.set({ phase: 'ready', endpoint: { base: `http://127.0.0.1:${r.data.port}`, token: r.data.controlToken }, mode: 'spawned' });
      }
    });
    child.onExit((code) => {
      if (this.child !== child) return;
      this.child = undefined;
      if (this.quitting) {
        this.set({ phase: 'stopped' });
        return;
      }
      if (ready && this.deps.now() - this.upSince >= this.opts.stableMs) this.failures = 0;
      this.failed(ready ? `the gateway stopped (exit ${code ?? 'signal'})` : `the gateway exited before it was ready (exit ${code ?? 'signal'}); see its log`);
    });
    this.later(() => {
      if (ready || this.child !== child) return;
      child.kill();
    }, this.opts.readyTimeoutMs);
  }

  private failed(problem: string): void {
    if (this.quitting) return;
    this.failures++;
    const ceiling = Math.min(this.opts.maxDelayMs, this.opts.initialDelayMs * 2 ** Math.min(this.failures - 1, 30));
    // Half fixed, half jitter: never hammering, and several apps do not retry in lockstep.
    const retryInMs = Math.round(ceiling / 2 + (this.deps.random?.() ?? Math.random()) * (ceiling / 2));
    this.set({ phase: 'waiting', retryInMs, problem, failures: this.failures });
    this.later(() => void this.connect(), retryInMs);
  }
}
