// The audit log in-process: what one record costs to canonicalize, scrub and commit.
//   node bench/audit.ts
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import canonicalize from 'canonicalize';
import { AuditLog } from '../gateway/audit/log.ts';
import { redactShapes } from '../shared/redaction/redact.ts';
const log = new AuditLog(mkdtempSync(join(tmpdir(), 'ab-')));
const rec = {
  id: 'x',
  ts: new Date().toISOString(),
  type: 'tools/call' as const,
  correlationId: crypto.randomUUID(),
  user: 'local:root',
  agent: 'a',
  clientInfo: { name: 'c', version: '1' },
  server: 's',
  tool: 's__echo',
  arguments: { message: 'hello world' },
  decision: { effect: 'allow' as const, rule: 'pinned' },
  outcome: 'ok' as const,
  error: null,
  latencyMs: 0.1,
  result: { bytes: 50, contentTypes: ['text'], sha256: 'a'.repeat(64), excerpt: 'hello world' },
  bundleVersion: 1,
};
const time = (label: string, n: number, fn: () => void) => {
  for (let i = 0; i < 2000; i++) fn();
  const t = performance.now();
  for (let i = 0; i < n; i++) fn();
  console.log(label, (((performance.now() - t) / n) * 1000).toFixed(1), 'µs');
};
time('canonicalize', 20000, () => canonicalize(rec));
time('JSON.stringify', 20000, () => JSON.stringify(rec));
time('redactShapes(short)', 20000, () => redactShapes('{"message":"hello world"}'));
time('append+flush (1 record per txn)', 5000, () => {
  log.append({ ...rec, id: String(Math.random()) });
  log.flush();
});
time('append x10 + flush', 2000, () => {
  for (let i = 0; i < 10; i++) log.append({ ...rec, id: String(Math.random()) });
  log.flush();
});
// What a call's answer waits for: its record chained and written to the journal (SQLite follows off the answer's path).
{
  const n = 20000;
  for (let i = 0; i < 2000; i++) await new Promise<void>((r) => log.append({ ...rec, id: `w${i}` }, r));
  const t = performance.now();
  for (let i = 0; i < n; i++) await new Promise<void>((r) => log.append({ ...rec, id: `j${i}` }, r));
  console.log('append until durable (journal write), sequential', (((performance.now() - t) / n) * 1000).toFixed(1), 'µs');
  const t2 = performance.now();
  log.flush();
  console.log(`then saving ${n + 2000} journalled records to SQLite:`, (performance.now() - t2).toFixed(0), 'ms');
}
