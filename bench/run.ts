// Gatehouse benchmarks: prints figures, never passes or fails.
//   node bench/run.ts [--calls 2000] [--skip-peers]
// Latency: sequential echo calls, p50/p99, direct vs through Gatehouse vs peers,
// with the MCP SDK's own client and with a lean raw HTTP client. Then throughput
// with 32 concurrent HTTP clients, tools/list over 50 upstreams x 40 tools, and
// idle memory.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client, SSEClientTransport, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURE = join(ROOT, 'test', 'fixtures', 'servers', 'fixture-server.ts');
const LIST_SERVER = join(ROOT, 'bench', 'list-server.ts');
const CLI = join(ROOT, 'bin', 'gatehouse.js');
const PEERS = join(ROOT, 'bench', 'peers');
const { values: opts } = parseArgs({ options: { calls: { type: 'string', default: '2000' }, 'skip-peers': { type: 'boolean', default: false } } });
const CALLS = Number(opts.calls);
/** Extra Node flags for the daemon under test, e.g. BENCH_DAEMON_FLAGS=--max-semi-space-size=1 */
const DAEMON_FLAGS = (process.env.BENCH_DAEMON_FLAGS ?? '').split(' ').filter(Boolean);
const WARMUP = 300;
const procs: ChildProcess[] = [];
const rows: string[][] = [];

// ---- helpers ----------------------------------------------------------------

function pct(samples: number[], p: number): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}
const ms = (v: number) => v.toFixed(3);

async function measure(call: () => Promise<unknown>, n = CALLS): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < WARMUP; i++) await call();
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await call();
    samples.push(performance.now() - t);
  }
  return { p50: pct(samples, 50), p99: pct(samples, 99) };
}

function start(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', process.env.BENCH_STDERR ? 'inherit' : 'ignore'], env: { ...process.env, ...env }, detached: true });
  procs.push(p);
  return p;
}

function firstLine(p: ChildProcess): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    p.once('exit', (c) => reject(new Error(`exited ${c}`)));
    createInterface({ input: p.stdout! }).once('line', (l) => resolve(JSON.parse(l)));
  });
}

async function portOpen(port: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((r) => { const s = connect(port, '127.0.0.1'); s.once('connect', () => { s.destroy(); r(true); }); s.once('error', () => r(false)); });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`port ${port} never opened`);
}

let nextPort = 19400 + Math.floor(Math.random() * 500);
const freePort = () => nextPort++;

async function daemon(bundle: unknown): Promise<{ url: string; token: string; pid: number; port: number; control: string; dataDir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'gh-bench-'));
  const path = join(dir, 'bundle.json');
  writeFileSync(path, JSON.stringify(bundle));
  const p = start(process.execPath, [...DAEMON_FLAGS, CLI, 'daemon', '--data-dir', dir, '--port', '0', '--bundle', path, '--print-token']);
  const ready = await firstLine(p) as { port: number; controlToken: string };
  const res = await fetch(`http://127.0.0.1:${ready.port}/api/v1/tokens`, { method: 'POST', headers: { authorization: `Bearer ${ready.controlToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ agent: 'bench' }) });
  const { token } = await res.json() as { token: string };
  // Wait until every upstream is ready.
  for (;;) {
    const s = await (await fetch(`http://127.0.0.1:${ready.port}/api/v1/servers`, { headers: { authorization: `Bearer ${ready.controlToken}` } })).json() as { servers: { state: string }[] };
    if (s.servers.every((x) => x.state === 'ready')) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url: `http://127.0.0.1:${ready.port}/mcp`, token, pid: p.pid!, port: ready.port, control: ready.controlToken, dataDir: dir };
}

/** A lean Streamable HTTP client: one keep-alive socket, JSON or single-event SSE answers. */
class RawClient {
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
    await this.post({ jsonrpc: '2.0', id: ++this.id, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw-bench', version: '1' } } });
    await this.post({ jsonrpc: '2.0', method: 'notifications/initialized' });
  }
  call(method: string, params: Record<string, unknown>, parse = true): Promise<unknown> {
    return this.post({ jsonrpc: '2.0', id: ++this.id, method, params }, parse);
  }
  close(): void { this.agent.destroy(); }
  /** With parse=false the answer is only read to its last byte: the server's time, not the client's JSON.parse. */
  private post(body: unknown, parse = true): Promise<unknown> {
    const data = JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request({
        host: this.url.hostname, port: this.url.port, path: this.url.pathname, method: 'POST', agent: this.agent,
        headers: {
          'content-type': 'application/json', accept: 'application/json, text/event-stream', 'content-length': Buffer.byteLength(data),
          'mcp-protocol-version': '2025-11-25', ...(this.session ? { 'mcp-session-id': this.session } : {}), ...this.headers,
        },
      }, (res) => {
        const sid = res.headers['mcp-session-id'];
        if (typeof sid === 'string') this.session = sid;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          if (!parse) { resolve(chunks.length); return; }
          const text = Buffer.concat(chunks).toString();
          if (!text) { resolve(undefined); return; }
          if ((res.headers['content-type'] ?? '').includes('text/event-stream')) {
            const line = text.split('\n').reverse().find((l) => l.startsWith('data: {'));
            resolve(line ? JSON.parse(line.slice(6)) : undefined);
          } else resolve(JSON.parse(text));
        });
      });
      req.on('error', reject);
      req.end(data);
    });
  }
}

async function sdkHttp(url: string, token?: string, legacySse = false): Promise<Client> {
  const c = new Client({ name: 'bench', version: '1' });
  const requestInit = { headers: token ? { authorization: `Bearer ${token}` } : {} };
  await c.connect(legacySse ? new SSEClientTransport(new URL(url), { requestInit }) : new StreamableHTTPClientTransport(new URL(url), { requestInit }));
  return c;
}

async function echoName(c: Client): Promise<string> {
  const { tools } = await c.listTools();
  const t = tools.find((x) => x.name === 'echo' || x.name.endsWith('echo'));
  if (!t) throw new Error(`no echo tool in ${tools.map((x) => x.name).join(',')}`);
  return t.name;
}

function row(label: string, client: string, r: { p50: number; p99: number }, base?: number): void {
  rows.push([label, client, ms(r.p50), ms(r.p99), base ? `${(r.p50 / base).toFixed(2)}x` : '1.00x']);
  console.error(`  ${label} (${client}): p50 ${ms(r.p50)} ms, p99 ${ms(r.p99)} ms`);
}

// ---- latency ------------------------------------------------------------------

// Benchmarks measure routing, not review: their bundles trust tools on first use.
/** The bench measures routing, not policy: every tool allowed (bench/policy.ts measures decisions). */
const ALLOW_ALL = { rules: [{ id: 'allow-all', effect: 'allow' }] };
const TOFU = { pinning: { trustOnFirstUse: true } };
const fixtureBundle = { schemaVersion: 1, name: 'bench', policies: ALLOW_ALL, servers: [{ id: 'fx', transport: { type: 'stdio', command: process.execPath, args: [FIXTURE] } }], settings: TOFU };

async function stdioLatency(): Promise<void> {
  console.error('stdio latency');
  const direct = new Client({ name: 'bench', version: '1' });
  await direct.connect(new StdioClientTransport({ command: process.execPath, args: [FIXTURE] }));
  const d = await measure(() => direct.callTool({ name: 'echo', arguments: { message: 'hi' } }));
  row('stdio: direct', 'SDK client', d);
  await direct.close();

  const gh = await daemon(fixtureBundle);
  const dataDir = gh.dataDir;
  const via = new Client({ name: 'bench', version: '1' });
  await via.connect(new StdioClientTransport({ command: process.execPath, args: [CLI, 'stdio', '--agent', 'bench', '--data-dir', dataDir, '--no-start'] }));
  const g = await measure(() => via.callTool({ name: 'fx__echo', arguments: { message: 'hi' } }));
  row('stdio: Gatehouse (bridge + daemon)', 'SDK client', g, d.p50);
  rows.push(['', '', '', '', `added p50: ${ms(g.p50 - d.p50)} ms`]);
  await via.close();

  const bundlePath = join(gh.dataDir, 'bundle.json');
  const inproc = new Client({ name: 'bench', version: '1' });
  await inproc.connect(new StdioClientTransport({ command: process.execPath, args: [...DAEMON_FLAGS, CLI, 'stdio', '--standalone', '--bundle', bundlePath, '--data-dir', gh.dataDir] }));
  const sa = await measure(() => inproc.callTool({ name: 'fx__echo', arguments: { message: 'hi' } }));
  row('stdio: Gatehouse --standalone (no bridge)', 'SDK client', sa, d.p50);
  await inproc.close();
}

interface HttpTarget { label: string; url: string; headers: Record<string, string>; token?: string; legacySse?: boolean }

async function httpTargets(skipPeers: boolean): Promise<HttpTarget[]> {
  const targets: HttpTarget[] = [];
  const fx = start(process.execPath, [FIXTURE, '--http', '0']);
  const { port } = await firstLine(fx) as { port: number };
  targets.push({ label: 'HTTP: direct', url: `http://127.0.0.1:${port}/mcp`, headers: {} });
  const gh = await daemon(fixtureBundle);
  targets.push({ label: 'HTTP: Gatehouse', url: gh.url, headers: { authorization: `Bearer ${gh.token}` }, token: gh.token });
  if (skipPeers) return targets;
  if (!existsSync(join(PEERS, 'node_modules'))) {
    console.error('installing peers into bench/peers (npm install)');
    execFileSync('npm', ['install', '--loglevel=error', '--no-audit', '--no-fund'], { cwd: PEERS, stdio: 'inherit' });
  }
  const bin = (n: string) => join(PEERS, 'node_modules', '.bin', n);
  const sg = freePort();
  start(bin('supergateway'), ['--stdio', `${process.execPath} ${FIXTURE}`, '--outputTransport', 'streamableHttp', '--stateful', '--port', String(sg), '--logLevel', 'none']);
  const mp = freePort();
  start(bin('mcp-proxy'), ['--port', String(mp), '--host', '127.0.0.1', '--', process.execPath, FIXTURE]);
  const mh = freePort();
  const cfg = join(mkdtempSync(join(tmpdir(), 'gh-hub-')), 'hub.json');
  writeFileSync(cfg, JSON.stringify({ mcpServers: { fx: { command: process.execPath, args: [FIXTURE] } } }));
  start(bin('mcp-hub'), ['--port', String(mh), '--config', cfg]);
  await Promise.all([portOpen(sg), portOpen(mp), portOpen(mh)]);
  await new Promise((r) => setTimeout(r, 3000)); // mcp-hub connects its servers after listening
  targets.push({ label: 'HTTP: supergateway 4.0.0', url: `http://127.0.0.1:${sg}/mcp`, headers: {} });
  targets.push({ label: 'HTTP: mcp-proxy 6.7.19', url: `http://127.0.0.1:${mp}/mcp`, headers: {} });
  // mcp-hub speaks only the legacy HTTP+SSE transport (GET /mcp, POST /messages).
  targets.push({ label: 'HTTP+SSE (legacy): mcp-hub 4.2.1', url: `http://127.0.0.1:${mh}/mcp`, headers: {}, legacySse: true });
  return targets;
}

async function httpLatency(targets: HttpTarget[]): Promise<void> {
  console.error('HTTP latency');
  let sdkBase = 0;
  let rawBase = 0;
  for (const t of targets) {
    try {
      const c = await sdkHttp(t.url, t.token, t.legacySse);
      const name = await echoName(c);
      const r = await measure(() => c.callTool({ name, arguments: { message: 'hi' } }));
      sdkBase ||= r.p50;
      row(t.label, 'SDK client', r, sdkBase);
      await c.close();
      if (t.legacySse) continue;
      const raw = new RawClient(t.url, t.headers);
      await raw.init();
      const rr = await measure(() => raw.call('tools/call', { name, arguments: { message: 'hi' } }));
      rawBase ||= rr.p50;
      row(t.label, 'raw keep-alive client', rr, rawBase);
      raw.close();
    } catch (err) {
      rows.push([t.label, 'n/a', '-', '-', `failed: ${(err as Error).message.slice(0, 80)}`]);
    }
  }
}

// ---- throughput, big lists, memory -------------------------------------------------

async function throughput(label: string, url: string, headers: Record<string, string>, name: string, clients = 32, seconds = 5): Promise<void> {
  const raws = await Promise.all(Array.from({ length: clients }, async () => { const r = new RawClient(url, headers); await r.init(); return r; }));
  let done = 0;
  const until = performance.now() + seconds * 1000;
  await Promise.all(raws.map(async (r) => { while (performance.now() < until) { await r.call('tools/call', { name, arguments: { message: 'x' } }); done++; } }));
  raws.forEach((r) => r.close());
  const rate = done / seconds;
  rows.push([label, `${clients} raw clients, ${seconds}s`, '-', '-', `${Math.round(rate).toLocaleString('en')} calls/s`]);
  console.error(`  ${label}: ${Math.round(rate)} calls/s`);
}

async function bigList(): Promise<void> {
  console.error('tools/list over 50 upstreams x 40 tools');
  const servers = Array.from({ length: 50 }, (_, i) => ({ id: `s${i}`, transport: { type: 'stdio', command: process.execPath, args: [LIST_SERVER, '40'] } }));
  const gh = await daemon({ schemaVersion: 1, name: 'big', policies: ALLOW_ALL, servers, settings: TOFU });
  const raw = new RawClient(gh.url, { authorization: `Bearer ${gh.token}` });
  await raw.init();
  const first = await raw.call('tools/list', {}) as { result: { tools: unknown[] } };
  const r = await measure(() => raw.call('tools/list', {}, false), 500);
  const bytes = JSON.stringify(first).length;
  rows.push([`tools/list, ${first.result.tools.length} tools from 50 upstreams`, 'raw client, to last byte', ms(r.p50), ms(r.p99), `${Math.round(bytes / 1024)} KB`]);
  await throughput('Throughput, raw upstream (list-server)', gh.url, { authorization: `Bearer ${gh.token}` }, 's0__echo');
  raw.close();
}

async function idleMemory(): Promise<void> {
  console.error('idle memory (demo bundle)');
  const dir = mkdtempSync(join(tmpdir(), 'gh-bench-mem-'));
  const p = start(process.execPath, [...DAEMON_FLAGS, CLI, 'daemon', '--data-dir', dir, '--port', '0']);
  await firstLine(p);
  await new Promise((r) => setTimeout(r, 15_000));
  const status = readFileSync(`/proc/${p.pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  const form = existsSync(join(ROOT, 'dist', '.build-stamp')) ? 'compiled dist/' : 'TypeScript sources';
  rows.push([`Idle daemon RSS (demo bundle, ${form})`, '', '', '', `${(kb('VmRSS') / 1024).toFixed(0)} MB (anon ${(kb('RssAnon') / 1024).toFixed(0)} MB, file-backed ${(kb('RssFile') / 1024).toFixed(0)} MB)`]);
}

try {
  await stdioLatency();
  const targets = await httpTargets(opts['skip-peers']);
  await httpLatency(targets);
  const gh = targets.find((t) => t.label === 'HTTP: Gatehouse')!;
  await throughput('Throughput, SDK fixture upstream', gh.url, gh.headers, 'fx__echo');
  await bigList();
  await idleMemory();
} finally {
  for (const p of procs) try { process.kill(-p.pid!, 'SIGTERM'); } catch { /* gone */ }
}

console.log(`\nGatehouse benchmark — ${new Date().toISOString()} — Node ${process.version}, ${CALLS} calls after ${WARMUP} warm-up\n`);
console.log('| case | client | p50 ms | p99 ms | note |');
console.log('|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
process.exit(0);
