// Cutting, signing (Ed25519) and queueing a 1,000-record audit batch, and the
// receiver-side check of one (signature, chain, Merkle root).
//   node bench/audit-batch.ts
import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkBatch } from '../shared/audit/batch.ts';
import { fromPrivateKey } from '../gateway/audit/device-key.ts';
import { AuditLog } from '../gateway/audit/log.ts';
import { Outbox } from '../gateway/audit/outbox.ts';

const dir = mkdtempSync(join(tmpdir(), 'abb-'));
const log = new AuditLog(dir);
const key = fromPrivateKey(generateKeyPairSync('ed25519').privateKey);
const outbox = new Outbox(dir, 'bench-device', key.sign);
const pub = createPublicKey(key.publicKeyPem);
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
const rounds = 30;
for (let i = 0; i < 1000 * rounds; i++) log.append({ ...rec, id: `r${i}` });
log.flush();
const cut: number[] = [];
const check: number[] = [];
for (let r = 0; r < rounds; r++) {
  let t = performance.now();
  const batch = (await outbox.cut(1000))!;
  cut.push(performance.now() - t);
  t = performance.now();
  const ok = await checkBatch(batch, (m, s) => verify(null, m, pub, s));
  check.push(performance.now() - t);
  if (!ok.ok) throw new Error(ok.reason);
}
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!.toFixed(2);
console.log(`cut+sign+queue 1,000 records: p50 ${pct(cut, 0.5)} ms, p99 ${pct(cut, 0.99)} ms (${rounds} batches)`);
console.log(`receiver check of 1,000 records (pure-JS SHA-256): p50 ${pct(check, 0.5)} ms, p99 ${pct(check, 0.99)} ms`);
