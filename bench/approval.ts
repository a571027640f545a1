// The added latency of deciding in the conversation: a call to a tool nobody has
// approved yet, asked of the user and approved at once by the client, against a
// plain call to an approved tool. Real daemon, real SDK clients; prints figures,
// never fails.
//   node bench/approval.ts [--tools 300]
// Over stdio (2025-11-25: an elicitation request inside the call) and over HTTP
// with a 2026-07-28 client (an input_required result, then the retry with the answer).
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'bin', 'gatehouse.js');
const { values: opts } = parseArgs({ options: { tools: { type: 'string', default: '300' } } });
const TOOLS = Number(opts.tools);
const BASELINE = 300;

const pct = (s: number[], p: number) => [...s].sort((a, b) => a - b)[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
const ms = (v: number) => `${v.toFixed(2)} ms`;

const dir = mkdtempSync(join(tmpdir(), 'gh-bench-approval-'));
const bundle = join(dir, 'bundle.json');
writeFileSync(
  bundle,
  JSON.stringify({
    schemaVersion: 1,
    name: 'approval-bench',
    servers: [{ id: 's', transport: { type: 'stdio', command: process.execPath, args: [join(ROOT, 'bench', 'list-server.ts'), String(TOOLS)] } }],
    policies: { rules: [{ id: 'all', effect: 'allow' }] },
    settings: { pinning: { trustOnFirstUse: false } },
  }),
);
const dataDir = join(dir, 'data');
const daemon = spawn(process.execPath, [CLI, 'daemon', '--data-dir', dataDir, '--port', '0', '--print-token', '--bundle', bundle], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const ready = await new Promise<{ port: number; controlToken: string }>((resolve) => {
  createInterface({ input: daemon.stdout! }).on('line', (l) => {
    if (l.startsWith('{"event":"ready"')) resolve(JSON.parse(l));
  });
});
const base = `http://127.0.0.1:${ready.port}`;
const control = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
  const res = await fetch(`${base}/api/v1${path}`, { ...init, headers: { authorization: `Bearer ${ready.controlToken}`, 'content-type': 'application/json' } });
  return (await res.json()) as T;
};

try {
  // Every tool is new: wait until all are pending, then approve echo for the baseline.
  for (;;) {
    const { pending } = await control<{ pending: { id: string; tool: string }[] }>('/pending');
    if (pending.length === TOOLS) {
      await control(`/pending/${pending.find((p) => p.tool === 'echo')!.id}/approve`, { method: 'POST', body: '{}' });
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const approve = async () => ({ action: 'accept' as const, content: { decision: 'approve' } });
  const stdio = new Client({ name: 'bench-stdio', version: '1' }, { capabilities: { elicitation: { form: {} } } });
  stdio.setRequestHandler('elicitation/create', approve);
  await stdio.connect(
    new StdioClientTransport({ command: process.execPath, args: [CLI, 'stdio', '--agent', 'bench', '--data-dir', dataDir], stderr: 'ignore' }),
  );
  const { token } = await control<{ token: string }>('/tokens', { method: 'POST', body: JSON.stringify({ agent: 'bench-http' }) });
  const http = new Client(
    { name: 'bench-http', version: '1' },
    { versionNegotiation: { mode: { pin: '2026-07-28' } }, capabilities: { elicitation: { form: {} } } },
  );
  http.setRequestHandler('elicitation/create', approve);
  await http.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));

  const time = async (client: Client, name: string) => {
    const t = performance.now();
    await client.callTool({ name, arguments: { message: 'hi' } });
    return performance.now() - t;
  };
  const rows: string[] = [];
  let next = 1;
  for (const [label, client] of [
    ['stdio, 2025-11-25 (elicitation request)', stdio],
    ['HTTP, 2026-07-28 (input_required + retry)', http],
  ] as const) {
    const plain: number[] = [];
    for (let i = 0; i < 50; i++) await time(client, 's__echo');
    for (let i = 0; i < BASELINE; i++) plain.push(await time(client, 's__echo'));
    const asked: number[] = [];
    const half = Math.floor((TOOLS - 1) / 2);
    for (let i = 0; i < half && next < TOOLS; i++) asked.push(await time(client, `s__tool_${next++}`));
    rows.push(
      `| ${label} | ${ms(pct(plain, 50))} | ${ms(pct(asked, 50))} | ${ms(pct(asked, 99))} | **${ms(pct(asked, 50) - pct(plain, 50))}** | ${asked.length} |`,
    );
  }
  await stdio.close();
  await http.close();
  console.log(`Deciding in the conversation: added latency of a prompt round trip (${TOOLS} tools on the server, client answers at once)\n`);
  console.log('| path | plain call p50 | asked-and-approved call p50 | p99 | added (p50) | samples |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const r of rows) console.log(r);
} finally {
  daemon.kill('SIGTERM');
}
