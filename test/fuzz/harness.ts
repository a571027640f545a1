import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { CLI, FIXTURES, ROOT, startDaemon, tempDir, writeBundle, type TestDaemon } from '../helpers/daemon.ts';
import { rawSocketClient, rssMb } from '../helpers/raw.ts';
import fc from 'fast-check';
import { FrameSource, toolDefinitions } from './frames.ts';

// Drives a real daemon as a hostile agent (over the local socket, through the stdio
// bridge, and over HTTP) and as a hostile upstream, checking the invariants of issue 11
// throughout: the process stays up, a valid call still answers after every
// PROBE_EVERY frames, every request is answered (no hangs), every call the upstream
// saw has exactly one audit record, RSS stays bounded, and no error text carries a
// stack, a token or a path of the installation.

export type PathName = 'socket' | 'stdio' | 'http' | 'upstream';
export const PATHS: readonly PathName[] = ['socket', 'stdio', 'http', 'upstream'];
const PROBE_EVERY = 10_000;
const CALL_TIMEOUT_MS = 500;
const HEAP_LIMIT_MB = 192;
/** Past the call timeout and the wait for a cancelled call's late answer. */
const SETTLE_MS = CALL_TIMEOUT_MS + 6000;

export interface PathReport {
  path: PathName;
  frames: number;
  probes: number;
  hangs: number;
  leaks: string[];
  seconds: number;
}
export interface FuzzReport {
  paths: PathReport[];
  crashed: string | undefined;
  rssBeforeMb: number;
  rssAfterMb: number;
  rssMaxMb: number;
  upstreamCalls: number;
  callRecords: number;
  seed: number;
  /** Kept for a look after a failed run. */
  dataDir: string;
  upstreamLog: string;
}

interface Tracker {
  expect(id: unknown): void;
  answered(id: unknown): void;
  cancelled(id: unknown): void;
  open(): number;
}

function tracker(): Tracker {
  const waiting = new Map<string, number>();
  const cancelled = new Set<string>();
  const key = (id: unknown) => JSON.stringify(id);
  return {
    expect(id) {
      if (typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id))) waiting.set(key(id), Date.now());
    },
    answered(id) {
      waiting.delete(key(id));
    },
    cancelled(id) {
      cancelled.add(key(id));
    },
    open() {
      let n = 0;
      for (const k of waiting.keys()) if (!cancelled.has(k)) n++;
      return n;
    },
  };
}

/** What an error text must never carry. */
function leakChecker(secrets: string[]): (text: string) => string | undefined {
  const home = process.env.HOME ?? '/root';
  return (text) => {
    if (/\bat [^\s]+ \(.*:\d+:\d+\)|node:internal|\.ts:\d+:\d+/.test(text)) return `a stack trace: ${text.slice(0, 200)}`;
    if (text.includes(ROOT)) return `the installation path: ${text.slice(0, 200)}`;
    if (text.includes(`${home}/.`)) return `a path in the home folder: ${text.slice(0, 200)}`;
    for (const s of secrets) if (s && text.includes(s)) return 'a token or secret';
    return undefined;
  };
}

function errorTexts(message: unknown, out: string[]): void {
  if (typeof message !== 'object' || message === null) return;
  if (Array.isArray(message)) {
    for (const m of message) errorTexts(m, out);
    return;
  }
  const error = (message as { error?: unknown }).error;
  if (error !== undefined) out.push(JSON.stringify(error));
}

export async function fuzz(opts: { seconds: number; seed?: number; paths?: readonly PathName[]; log?: (line: string) => void }): Promise<FuzzReport> {
  const seed = opts.seed ?? Date.now() % 1_000_000;
  const log = opts.log ?? (() => {});
  const upstreamLog = join(tempDir('gh-fuzz-up-'), 'calls.log');
  const bundle = writeBundle({
    schemaVersion: 1,
    name: 'fuzz',
    // A question put to an agent that never answers waits this long, not the default minutes.
    settings: { pinning: { questionTimeoutMs: 1000 } },
    servers: [
      {
        id: 'h',
        callTimeoutMs: CALL_TIMEOUT_MS,
        transport: { type: 'stdio', command: process.execPath, args: [join(FIXTURES, 'servers', 'hostile-server.ts')], env: { HOSTILE_CALL_LOG: upstreamLog } },
      },
    ],
  });
  // A small heap: a leak ends in a crash the run reports, instead of hiding in a big machine's memory.
  const d = await startDaemon({ bundle, env: { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=${HEAP_LIMIT_MB}`.trim() } });
  const tokens = [d.controlToken, await d.agentToken('fuzz-http'), await d.agentToken('fuzz-sdk')];
  const leak = leakChecker(tokens);
  const corpus = await recordTraffic(d, tokens[2]!);
  const rssBeforeMb = rssMb(d.proc.pid!);
  let rssMaxMb = rssBeforeMb;
  let crashed: string | undefined;
  d.proc.once('exit', (code, signal) => {
    crashed = `the daemon exited (${signal ?? `code ${code}`}): ${d.stderr.join('').slice(-2000)}`;
  });
  const reports: PathReport[] = [];
  const paths = opts.paths ?? PATHS;
  const share = (opts.seconds * 1000) / paths.length;
  try {
    for (const [i, path] of paths.entries()) {
      if (crashed) break;
      const source = new FrameSource(seed + i * 7919, corpus);
      const started = Date.now();
      const report = await drive(
        path,
        d,
        source,
        share,
        tokens[1]!,
        leak,
        () => crashed,
        () => {
          rssMaxMb = Math.max(rssMaxMb, rssMb(d.proc.pid!));
        },
      );
      report.seconds = (Date.now() - started) / 1000;
      reports.push(report);
      log(`${path}: ${report.frames} frames, ${report.probes} probes, ${report.hangs} hangs, ${report.leaks.length} leaks`);
    }
    // Every call the upstream saw has exactly one record, once late answers have had their wait.
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const rssAfterMb = crashed ? 0 : rssMb(d.proc.pid!);
    // On a busy machine the server may still be reading calls that already timed out here. It reads in
    // order, so once it has seen one last call (a barrier), it has seen every call sent before.
    if (!crashed) await barrier(d, upstreamLog);
    const upstreamCalls = readCount(upstreamLog);
    const callRecords = crashed ? 0 : await countCallRecords(d);
    return { paths: reports, crashed, rssBeforeMb, rssAfterMb, rssMaxMb, upstreamCalls, callRecords, seed, dataDir: d.dataDir, upstreamLog };
  } finally {
    await d.stop();
  }
}

async function barrier(d: TestDaemon, upstreamLog: string): Promise<void> {
  const c = await rawSocketClient(d.socket, 'fuzz-barrier');
  const mark = `barrier-${Date.now()}`;
  c.line(
    JSON.stringify({
      jsonrpc: '2.0',
      id: 'b0',
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'barrier', version: '1' } },
    }),
  );
  c.line(JSON.stringify({ jsonrpc: '2.0', id: 'b1', method: 'tools/call', params: { name: 'h__echo', arguments: { text: mark } } }));
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    let seen = false;
    try {
      seen = readFileSync(upstreamLog, 'utf8').includes(mark);
    } catch {
      /* not written yet */
    }
    if (seen && c.received.some((m) => m.id === 'b1')) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  c.close();
  // The barrier's own record is written with its answer (or its timeout); give the save a moment.
  await new Promise((r) => setTimeout(r, 1000));
}

function readCount(path: string): number {
  try {
    return readFileSync(path, 'utf8').split('\n').filter(Boolean).length;
  } catch {
    return 0;
  }
}

async function countCallRecords(d: TestDaemon): Promise<number> {
  const out = await new Promise<string>((resolve) => {
    const p = spawn(process.execPath, [CLI, 'audit', 'export', '--data-dir', d.dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
    const chunks: Buffer[] = [];
    p.stdout.on('data', (c: Buffer) => chunks.push(c));
    p.once('exit', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
  let n = 0;
  for (const line of out.split('\n')) {
    if (!line) continue;
    const r = JSON.parse(line) as { type: string; server: string | null };
    if (r.type === 'tools/call' && r.server === 'h') n++;
  }
  return n;
}

/** Real frames from the MCP SDK client (initialize, lists, calls), to mutate. */
async function recordTraffic(d: TestDaemon, token: string): Promise<string[]> {
  const frames: string[] = [];
  const client = new Client({ name: 'fuzz-recorder', version: '1.0.0' }, { capabilities: { sampling: {}, elicitation: {}, roots: { listChanged: true } } });
  const recording: typeof fetch = async (input, init) => {
    if (typeof init?.body === 'string') frames.push(init.body);
    return fetch(input, init);
  };
  await client.connect(new StreamableHTTPClientTransport(new URL(d.url), { requestInit: { headers: { authorization: `Bearer ${token}` } }, fetch: recording }));
  await client.listTools();
  await client.callTool({ name: 'h__echo', arguments: { text: 'hello' } });
  await client.callTool({ name: 'h__slow', arguments: { ms: 1 } });
  await client.listResources().catch(() => {});
  await client.listPrompts().catch(() => {});
  await client.setLoggingLevel('debug').catch(() => {});
  await client.ping();
  await client.close();
  return frames.flatMap((f) => (f.startsWith('[') ? (JSON.parse(f) as unknown[]).map((x) => JSON.stringify(x)) : [f]));
}

async function drive(
  path: PathName,
  d: TestDaemon,
  source: FrameSource,
  durationMs: number,
  httpToken: string,
  leak: (t: string) => string | undefined,
  crashed: () => string | undefined,
  sample: () => void,
): Promise<PathReport> {
  const report: PathReport = { path, frames: 0, probes: 0, hangs: 0, leaks: [], seconds: 0 };
  const check = (message: unknown) => {
    const texts: string[] = [];
    errorTexts(message, texts);
    for (const t of texts) {
      const l = leak(t);
      if (l && report.leaks.length < 20) report.leaks.push(l);
    }
  };
  if (path === 'http') await driveHttp(d, source, durationMs, httpToken, report, check, crashed, sample);
  else await driveLines(path, d, source, durationMs, report, check, crashed, sample);
  return report;
}

interface LinePeer {
  write(line: string): boolean;
  onMessage(fn: (m: Record<string, unknown>) => void): void;
  drain(): Promise<void>;
  close(): void;
}

async function linePeer(path: 'socket' | 'stdio' | 'upstream', d: TestDaemon): Promise<LinePeer> {
  if (path !== 'stdio') {
    const c = await rawSocketClient(d.socket, `fuzz-${path}`);
    let handler: (m: Record<string, unknown>) => void = () => {};
    let seen = 0;
    const poll = setInterval(() => {
      while (seen < c.received.length) handler(c.received[seen++]!);
      if (seen > 10_000) {
        c.received.splice(0, seen);
        seen = 0;
      }
    }, 5);
    return {
      write: (line) => c.socket.write(`${line}\n`),
      onMessage: (fn) => {
        handler = fn;
      },
      drain: () => new Promise((r) => c.socket.once('drain', () => r())),
      close: () => {
        clearInterval(poll);
        c.close();
      },
    };
  }
  const bridge: ChildProcess = spawn(process.execPath, [CLI, 'stdio', '--no-start', '--agent', 'fuzz-stdio', '--data-dir', d.dataDir], {
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  let handler: (m: Record<string, unknown>) => void = () => {};
  let rest = '';
  const decoder = new StringDecoder('utf8');
  bridge.stdout!.on('data', (chunk: Buffer) => {
    const lines = (rest + decoder.write(chunk)).split('\n');
    rest = lines.pop()!;
    for (const l of lines) if (l) handler(JSON.parse(l) as Record<string, unknown>);
  });
  bridge.stdin!.on('error', () => {});
  return {
    write: (line) => bridge.stdin!.write(`${line}\n`),
    onMessage: (fn) => {
      handler = fn;
    },
    drain: () => new Promise((r) => bridge.stdin!.once('drain', () => r())),
    close: () => {
      bridge.kill();
    },
  };
}

async function driveLines(
  path: 'socket' | 'stdio' | 'upstream',
  d: TestDaemon,
  source: FrameSource,
  durationMs: number,
  report: PathReport,
  check: (m: unknown) => void,
  crashed: () => string | undefined,
  sample: () => void,
): Promise<void> {
  const peer = await linePeer(path, d);
  const t = tracker();
  const probes = new Map<string, () => void>();
  peer.onMessage((m) => {
    if (!('method' in m)) t.answered(m.id);
    const probe = probes.get(JSON.stringify(m.id));
    if (probe) probe();
    check(m);
  });
  const send = async (line: string) => {
    if (!peer.write(line)) await peer.drain();
  };
  const probe = async (timeoutMs = 10_000) => {
    const id = `probe-${report.probes++}`;
    const answered = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${path}: a valid call was not answered within ${timeoutMs / 1000} s after ${report.frames} frames`)),
        timeoutMs,
      );
      probes.set(JSON.stringify(id), () => {
        clearTimeout(timer);
        probes.delete(JSON.stringify(id));
        resolve();
      });
    });
    await send(JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'h__echo', arguments: { text: 'probe' } } }));
    await answered;
    sample();
  };
  await send(
    JSON.stringify({
      jsonrpc: '2.0',
      id: 'init',
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'fuzz', version: '1' } },
    }),
  );
  // The clock starts once the path is up (the bridge is a process of its own, slow to start on a busy machine).
  await probe(30_000);
  const until = Date.now() + durationMs;
  let nextCall = 0;
  while (Date.now() < until && !crashed()) {
    if (path === 'upstream') {
      // The server's side: each call makes the upstream send fuzzed lines, then (usually) an answer.
      const lines: string[] = [];
      for (let k = 0; k < 20; k++) {
        const f = source.next();
        lines.push(k % 5 === 0 ? f.replace(/"id":[^,}\]]+/, '"id":$ID') : f);
      }
      const id = `up-${nextCall++}`;
      t.expect(id);
      await send(JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'h__misbehave', arguments: { lines } } }));
      if (nextCall % 50 === 0) {
        // Now and then the server changes its catalogue to hostile definitions: the pin gate, the scanner and the lists must cope.
        const tid = `tools-${nextCall}`;
        t.expect(tid);
        await send(
          JSON.stringify({
            jsonrpc: '2.0',
            id: tid,
            method: 'tools/call',
            params: { name: 'h__set_tools', arguments: { json: JSON.stringify(fc.sample(toolDefinitions, { numRuns: 1, seed: nextCall })[0]) } },
          }),
        );
        await send(JSON.stringify({ jsonrpc: '2.0', id: `list-${nextCall}`, method: 'tools/list' }));
        t.expect(`list-${nextCall}`);
      }
      report.frames += lines.length;
    } else {
      const line = source.next();
      noteExpectations(line, t);
      await send(line);
      report.frames++;
    }
    if (report.frames % PROBE_EVERY < (path === 'upstream' ? 20 : 1)) await probe();
    if (report.frames % 1000 === 0) await new Promise((r) => setImmediate(r));
  }
  if (!crashed()) await probe();
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  report.hangs = t.open();
  peer.close();
}

/** Which ids a hostile frame makes the daemon owe an answer to (and which it cancels). */
function noteExpectations(line: string, t: Tracker): void {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return;
  }
  for (const m of Array.isArray(value) ? value : [value]) {
    if (typeof m !== 'object' || m === null || Array.isArray(m)) continue;
    const msg = m as Record<string, unknown>;
    if (msg.jsonrpc !== '2.0' || typeof msg.method !== 'string') continue;
    if (msg.method === 'notifications/cancelled' && typeof msg.params === 'object' && msg.params !== null)
      t.cancelled((msg.params as Record<string, unknown>).requestId);
    if ('params' in msg && (typeof msg.params !== 'object' || msg.params === null || Array.isArray(msg.params))) continue;
    // A 2026 listen request is answered only when its subscription ends: an open one is not a hang.
    if (msg.method === 'subscriptions/listen') continue;
    t.expect(msg.id);
  }
}

async function driveHttp(
  d: TestDaemon,
  source: FrameSource,
  durationMs: number,
  token: string,
  report: PathReport,
  check: (m: unknown) => void,
  crashed: () => string | undefined,
  sample: () => void,
): Promise<void> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  const post = async (body: string, extra: Record<string, string> = {}) => {
    try {
      const res = await fetch(d.url, { method: 'POST', body, headers: { ...headers, ...extra }, signal: AbortSignal.timeout(SETTLE_MS + 5000) });
      const text = await res.text();
      return { status: res.status, session: res.headers.get('mcp-session-id'), text };
    } catch (err) {
      if ((err as Error).name === 'TimeoutError') report.hangs++;
      return { status: 0, session: null, text: '' };
    }
  };
  const init = await post(
    JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'fuzz', version: '1' } },
    }),
  );
  const session = init.session ?? '';
  const probe = async () => {
    report.probes++;
    const r = await post(JSON.stringify({ jsonrpc: '2.0', id: 'probe', method: 'tools/call', params: { name: 'h__echo', arguments: { text: 'probe' } } }), {
      'mcp-session-id': session,
    });
    if (!r.text.includes('"probe"')) throw new Error(`http: a valid call was not answered after ${report.frames} frames (${r.status} ${r.text.slice(0, 200)})`);
    sample();
  };
  await probe();
  const until = Date.now() + durationMs;
  const worker = async () => {
    while (Date.now() < until && !crashed()) {
      const line = source.next();
      const r = await post(line, report.frames % 3 === 0 ? {} : { 'mcp-session-id': session });
      report.frames++;
      for (const part of r.text.split('\n')) {
        const json = part.startsWith('data: ') ? part.slice(6) : part;
        if (!json.startsWith('{') && !json.startsWith('[')) continue;
        try {
          check(JSON.parse(json));
        } catch {
          /* a partial line */
        }
      }
      if (report.frames % PROBE_EVERY === 0) await probe();
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  if (!crashed()) await probe();
}
