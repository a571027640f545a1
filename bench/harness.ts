// Shared pieces of the benchmarks that run Gatehouse as a daemon: child processes
// (killed by stopAll), a daemon on a bundle with an agent token, and a lean
// Streamable HTTP client. Benchmarks print figures; they never fail a test run.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const CLI = join(ROOT, 'bin', 'gatehouse.js');
export const FIXTURE = join(ROOT, 'test', 'fixtures', 'servers', 'fixture-server.ts');
export const LIST_SERVER = join(ROOT, 'bench', 'list-server.ts');
/** Extra Node flags for the daemon under test, e.g. BENCH_DAEMON_FLAGS=--max-semi-space-size=1 */
export const DAEMON_FLAGS = (process.env.BENCH_DAEMON_FLAGS ?? '').split(' ').filter(Boolean);
/** The benches measure routing, not policy: every tool allowed (bench/policy.ts measures decisions). */
/** A process's memory from /proc/PID/status, in MB: resident in all, anonymous, and file-backed. */
export function memoryMb(pid: number): { rss: number; anon: number; file: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const mb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024;
  return { rss: mb('VmRSS'), anon: mb('RssAnon'), file: mb('RssFile') };
}

/** CPU time (user + system, ms) in a /proc stat line: utime and stime, after the name in parentheses (which may hold spaces). */
export function statCpuMs(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}
const CLOCK_TICKS = 100;

/** A daemon's command line after Node's own flags: on a fresh data dir and a bundle file, printing its ready line with the control token. */
export function daemonArgv(cli: string, dataDir: string, bundlePath: string): string[] {
  return [cli, 'daemon', '--data-dir', dataDir, '--port', '0', '--bundle', bundlePath, '--print-token'];
}

/**
 * CPU time (user + system, ms) of each of a process's threads, summed by thread name (`node` is the main thread,
 * `node-worker`-style names the workers, `V8 …` the collector's helpers), from /proc/PID/task. Empty off Linux.
 */
export function threadCpuMs(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const t of tasks) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      out.set(name, (out.get(name) ?? 0) + statCpuMs(stat));
    } catch {
      /* the thread ended */
    }
  }
  return out;
}

/** What each thread name used between two threadCpuMs readings, as "name 1.23 s" pairs, busiest first. */
export function threadCpuDelta(before: Map<string, number>, after: Map<string, number>): string {
  return [...after]
    .map(([k, v]) => [k, v - (before.get(k) ?? 0)] as const)
    .filter(([, v]) => v > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${(v / 1000).toFixed(2)} s`)
    .join(', ');
}

/** A variant's words: NAME=value sets the daemon's environment (NAME= unsets it), anything else is a Node flag. */
export function variantWords(words: readonly string[]): { env: NodeJS.ProcessEnv; flags: string[] } {
  const isEnv = (w: string) => /^[A-Z_][A-Z0-9_]*=/.test(w);
  const env = Object.fromEntries(words.filter(isEnv).map((w) => [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1) || undefined]));
  return { env, flags: words.filter((w) => !isEnv(w)) };
}

export const ALLOW_ALL = { rules: [{ id: 'allow-all', effect: 'allow' }] };
/** ... and not review: their bundles trust tools on first use. */
export const TOFU = { pinning: { trustOnFirstUse: true } };

const procs: ChildProcess[] = [];

export function stopAll(): void {
  for (const p of procs)
    try {
      process.kill(-p.pid!, 'SIGTERM');
    } catch {
      /* gone */
    }
}

export function start(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', process.env.BENCH_STDERR ? 'inherit' : 'ignore'], env: { ...process.env, ...env }, detached: true });
  procs.push(p);
  return p;
}

export function firstLine(p: ChildProcess): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    p.once('exit', (c) => reject(new Error(`exited ${c}`)));
    createInterface({ input: p.stdout! }).once('line', (l) => resolve(JSON.parse(l)));
  });
}

export async function portOpen(port: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((r) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        r(true);
      });
      s.once('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`port ${port} never opened`);
}

let nextPort = 19400 + Math.floor(Math.random() * 500);
export const freePort = () => nextPort++;

/** A control API call that outlasts a busy machine: fetch's 10 s connect timeout is retried, for a minute. */
async function patiently(url: string, init: RequestInit): Promise<unknown> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      return await (await fetch(url, init)).json();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/** `cli` runs another checkout's daemon (a baseline commit, for before/after in one interleaved run). */
export async function daemon(bundle: unknown, cli = CLI): Promise<{ url: string; token: string; pid: number; port: number; control: string; dataDir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'gh-bench-'));
  const path = join(dir, 'bundle.json');
  writeFileSync(path, JSON.stringify(bundle));
  const p = start(process.execPath, [...DAEMON_FLAGS, ...daemonArgv(cli, dir, path)]);
  const ready = (await firstLine(p)) as { port: number; controlToken: string };
  const { token } = (await patiently(`http://127.0.0.1:${ready.port}/api/v1/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ready.controlToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ agent: 'bench' }),
  })) as { token: string };
  // Wait until every upstream is ready.
  for (;;) {
    const s = (await patiently(`http://127.0.0.1:${ready.port}/api/v1/servers`, { headers: { authorization: `Bearer ${ready.controlToken}` } })) as {
      servers: { state: string }[];
    };
    if (s.servers.every((x) => x.state === 'ready')) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url: `http://127.0.0.1:${ready.port}/mcp`, token, pid: p.pid!, port: ready.port, control: ready.controlToken, dataDir: dir };
}

/** A lean Streamable HTTP client: one keep-alive socket, JSON or single-event SSE answers. */
export class RawClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });
  private session: string | undefined;
  private id = 0;
  private readonly url: URL;
  private readonly headers: Record<string, string>;
  constructor(url: string, headers: Record<string, string> = {}) {
    this.url = new URL(url);
    this.headers = headers;
  }
  async init(): Promise<void> {
    await this.post({
      jsonrpc: '2.0',
      id: ++this.id,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw-bench', version: '1' } },
    });
    await this.post({ jsonrpc: '2.0', method: 'notifications/initialized' });
  }
  call(method: string, params: Record<string, unknown>, parse = true): Promise<unknown> {
    return this.post({ jsonrpc: '2.0', id: ++this.id, method, params }, parse);
  }
  close(): void {
    this.agent.destroy();
  }
  /** With parse=false the answer is only read to its last byte: the server's time, not the client's JSON.parse. */
  private post(body: unknown, parse = true): Promise<unknown> {
    const data = JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: this.url.hostname,
          port: this.url.port,
          path: this.url.pathname,
          method: 'POST',
          agent: this.agent,
          headers: {
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
            'content-length': Buffer.byteLength(data),
            'mcp-protocol-version': '2025-11-25',
            ...(this.session ? { 'mcp-session-id': this.session } : {}),
            ...this.headers,
          },
        },
        (res) => {
          const sid = res.headers['mcp-session-id'];
          if (typeof sid === 'string') this.session = sid;
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            if (!parse) {
              resolve(chunks.length);
              return;
            }
            const text = Buffer.concat(chunks).toString();
            if (!text) {
              resolve(undefined);
              return;
            }
            if ((res.headers['content-type'] ?? '').includes('text/event-stream')) {
              const line = text
                .split('\n')
                .reverse()
                .find((l) => l.startsWith('data: {'));
              resolve(line ? JSON.parse(line.slice(6)) : undefined);
            } else resolve(JSON.parse(text));
          });
        },
      );
      req.on('error', reject);
      req.end(data);
    });
  }
}
