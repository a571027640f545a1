// The dashboard's audit table with 100,000 records: Chromium (Debian's, through
// playwright-core) scrolls the virtualized table from top to bottom while pages
// load from the real daemon's API, and we time every animation frame.
//   npm run build && node bench/audit-scroll.ts
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { AuditLog } from '../gateway/audit/log.ts';
import { startDaemon } from '../test/helpers/daemon.ts';

const N = 100_000;
const dir = mkdtempSync(join(tmpdir(), 'gh-scroll-'));
const log = new AuditLog(dir);
const t0 = performance.now();
for (let i = 0; i < N; i++) {
  log.append({
    id: `r${i}`,
    ts: new Date(Date.UTC(2026, 10, 24, 0, 0, 0, i * 10)).toISOString(),
    type: 'tools/call',
    correlationId: `c${i % 5000}`,
    user: 'alice@acme.com',
    agent: i % 3 ? 'cursor' : 'claude-code',
    clientInfo: { name: 'Cursor', version: '1' },
    server: 'memory',
    tool: i % 7 ? 'memory__read_graph' : 'memory__create_entities',
    arguments: { q: `query ${i}` },
    decision: { effect: 'allow', rule: 'all' },
    outcome: i % 50 ? 'ok' : 'error',
    error: null,
    latencyMs: (i % 90) / 10,
    result: { bytes: 120, contentTypes: ['text'], sha256: 'a'.repeat(64), excerpt: 'hello' },
    bundleVersion: 3,
  });
  if (i % 5000 === 4999) log.flush();
}
log.close();
console.log(`wrote ${N} records in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const bundle = join(dir, 'bundle.json');
writeFileSync(bundle, JSON.stringify({ schemaVersion: 1, name: 'scroll', servers: [] }));
const d = await startDaemon({ dataDir: dir, bundle });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  await page.goto(`http://127.0.0.1:${d.port}/app/#/audit&token=${d.controlToken}`);
  await page.getByRole('table', { name: 'Audit records' }).waitFor();
  const result = await page.evaluate(async (total) => {
    // Runs in the page; typed by hand, as this project compiles without the DOM library.
    type Box = {
      scrollTop: number;
      clientHeight: number;
      scrollHeight: number;
      getAttribute(n: string): string | null;
      querySelectorAll(s: string): { length: number };
    };
    const page = globalThis as unknown as { document: { querySelector(s: string): Box }; requestAnimationFrame(cb: () => void): void };
    const box = page.document.querySelector('.virtual');
    const frames: number[] = [];
    let last = performance.now();
    const started = last;
    // A brisk scroll: 2,000 px a frame, about 65 rows, until every row has been reached.
    while (Number(box.getAttribute('aria-rowcount')) < total || box.scrollTop + box.clientHeight < box.scrollHeight - 5) {
      box.scrollTop += 2000;
      await new Promise<void>((r) => page.requestAnimationFrame(r));
      const now = performance.now();
      frames.push(now - last);
      last = now;
      if (now - started > 300_000) break;
    }
    return {
      frames,
      rows: Number(box.getAttribute('aria-rowcount')),
      seconds: (performance.now() - started) / 1000,
      domRows: box.querySelectorAll('[role=row]').length,
    };
  }, N);
  const sorted = [...result.frames].sort((a, b) => a - b);
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!.toFixed(1);
  const over = (ms: number) => result.frames.filter((f) => f > ms).length;
  console.log(
    `scrolled ${result.rows.toLocaleString('en')} rows in ${result.seconds.toFixed(1)} s, ${result.frames.length} frames; rows in the DOM at the end: ${result.domRows}`,
  );
  console.log(
    `frame time p50 ${pct(0.5)} ms, p95 ${pct(0.95)} ms, p99 ${pct(0.99)} ms, max ${sorted.at(-1)!.toFixed(1)} ms; frames over 16.7 ms: ${over(16.7)}, over 33 ms: ${over(33.4)}, over 50 ms: ${over(50)}`,
  );
} finally {
  await browser.close();
  await d.stop();
}
