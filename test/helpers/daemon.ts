import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = join(ROOT, 'bin', 'gatehouse.js');
export const FIXTURES = join(ROOT, 'test', 'fixtures');

export interface TestDaemon {
  proc: ChildProcess;
  port: number;
  socket: string;
  controlToken: string;
  dataDir: string;
  url: string;
  stderr: string[];
  control<T = unknown>(path: string, init?: RequestInit): Promise<{ status: number; body: T }>;
  agentToken(agent: string): Promise<string>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function tempDir(prefix = 'gh-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * Writes a bundle into a temp folder and returns its path. Fixture bundles trust
 * tools on first use unless they say otherwise, so tests that are not about pinning
 * need no pins; the pinning tests set trustOnFirstUse: false.
 */
export const ALLOW_ALL = { rules: [{ id: 'allow-all', effect: 'allow' }] };

export function writeBundle(bundle: Record<string, unknown>, dir = tempDir('gh-bundle-')): string {
  const path = join(dir, 'bundle.json');
  const settings = (bundle.settings ?? {}) as Record<string, unknown>;
  // Test bundles are personal ones: every tool allowed unless the test brings its own policies.
  const withPinning = {
    policies: ALLOW_ALL,
    ...bundle,
    settings: { ...settings, pinning: { trustOnFirstUse: true, ...(settings.pinning as object | undefined) } },
  };
  writeFileSync(path, JSON.stringify(withPinning, null, 2));
  return path;
}

export function stdioServer(id: string, script: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id, transport: { type: 'stdio', command: process.execPath, args: [join(FIXTURES, 'servers', script)] }, ...extra };
}

/** Starts the real `gatehouse daemon` CLI and waits for its ready line. */
export async function startDaemon(
  opts: { bundle?: string; dataDir?: string; port?: number; env?: NodeJS.ProcessEnv; unsetEnv?: string[]; wrap?: string[] } = {},
): Promise<TestDaemon> {
  const dataDir = opts.dataDir ?? tempDir();
  const args = [CLI, 'daemon', '--data-dir', dataDir, '--port', String(opts.port ?? 0), '--print-token'];
  if (opts.bundle) args.push('--bundle', opts.bundle);
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env };
  for (const name of opts.unsetEnv ?? []) delete env[name];
  // `wrap` runs the daemon under another command, e.g. a fresh dbus-run-session.
  const [command, ...prefix] = opts.wrap ?? [];
  // A wrapper may not pass signals on, so a wrapped daemon gets its own process group to signal.
  const proc = command
    ? spawn(command, [...prefix, process.execPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env, detached: true })
    : spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  const stderr: string[] = [];
  proc.stderr!.on('data', (c: Buffer) => stderr.push(c.toString()));
  const ready = await new Promise<{ port: number; socket: string; controlToken: string }>((resolve, reject) => {
    // Generous: a loaded CI machine has taken over 20 s to start a daemon; a healthy one takes about one.
    const timer = setTimeout(() => reject(new Error(`daemon not ready in 60 s: ${stderr.join('')}`)), 60_000);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`daemon exited with ${code}: ${stderr.join('')}`));
    });
    // Wrappers (dbus-run-session and what it activates) may print first; wait for our line.
    const lines = createInterface({ input: proc.stdout! });
    lines.on('line', (line) => {
      if (!line.startsWith('{"event":"ready"')) return;
      clearTimeout(timer);
      lines.close();
      resolve(JSON.parse(line));
    });
  }).catch((err: unknown) => {
    if (command) process.kill(-proc.pid!, 'SIGKILL');
    else proc.kill('SIGKILL');
    throw err;
  });
  const base = `http://127.0.0.1:${ready.port}`;
  const daemon: TestDaemon = {
    proc,
    ...ready,
    dataDir,
    url: `${base}/mcp`,
    stderr,
    async control<T>(path: string, init: RequestInit = {}) {
      const send = () =>
        fetch(`${base}/api/v1${path}`, {
          ...init,
          headers: { authorization: `Bearer ${ready.controlToken}`, 'content-type': 'application/json', ...(init.headers ?? {}) },
        });
      // A daemon restarted on a port the OS handed out again finds fetch's pooled socket to the old one dead: a GET is safe to send twice.
      const res = await send().catch((err: unknown) => {
        if ((init.method ?? 'GET') === 'GET') return send();
        throw err;
      });
      return { status: res.status, body: (await res.json()) as T };
    },
    async agentToken(agent: string) {
      const r = await daemon.control<{ token: string }>('/tokens', { method: 'POST', body: JSON.stringify({ agent }) });
      if (r.status !== 201) throw new Error(`token create failed: ${JSON.stringify(r.body)}`);
      return r.body.token;
    },
    stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve(proc.exitCode);
      return new Promise((resolve) => {
        const send = (sig: NodeJS.Signals) => (command ? process.kill(-proc.pid!, sig) : proc.kill(sig));
        // A daemon that ignores its signal fails the test that stops it (exit code null), never hangs the file.
        const kill = setTimeout(() => send('SIGKILL'), 15_000);
        proc.once('exit', (code) => {
          clearTimeout(kill);
          resolve(code);
        });
        send(signal);
      });
    },
  };
  return daemon;
}

/** Waits until every server of the daemon's bundle has started (state `ready`). */
export async function serversReady(d: TestDaemon, timeoutMs = 20_000): Promise<void> {
  await waitFor(
    async () => (await d.control<{ servers: { state: string }[] }>('/servers')).body.servers.every((s) => s.state === 'ready'),
    timeoutMs,
    'servers ready',
  );
}

/** Polls until `check` returns a truthy value or the time runs out. */
export async function waitFor<T>(check: () => T | Promise<T>, timeoutMs = 10_000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await check();
    if (last) return last as NonNullable<T>;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
}

/** Child processes of a pid, from /proc (Linux). */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      /* process ended while we looked */
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
