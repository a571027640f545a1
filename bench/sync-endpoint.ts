// The sync endpoint on this machine: bundle polls answered from the ETag cache
// (304s, keep-alive, 64 concurrent desktops), audit ingest in records/s on
// SQLite and PostgreSQL, and how long a long-polling desktop waits after a publish.
//   node bench/sync-endpoint.ts
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BATCH_GENESIS, batchHash, chainHash, signBatch, type BatchRecord } from '../shared/audit/batch.ts';
import { BUNDLE_PAYLOAD_TYPE, signEnvelope } from '../shared/bundle/envelope.ts';
import { generateEd25519 } from '../shared/signing/ed25519.ts';
import { SyncApp } from '../server/http/app.ts';
import { openStore } from '../server/store/open.ts';
import { startPostgres } from '../test/helpers/postgres.ts';
import { auditBody } from './audit-body.ts';

const orgKey = await generateEd25519();
const device = generateKeyPairSync('ed25519');
const deviceToken = randomBytes(32).toString('base64url');

async function setUp(database: string) {
  const store = await openStore(database);
  await store.initOrg({ id: 'acme', name: 'Acme', keys: [{ keyId: 'k', publicKey: orgKey.publicKeyPem }], oidc: null });
  await store.addDevice({
    id: 'dev-1',
    name: 'bench',
    publicKey: device.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    tokenHash: createHash('sha256').update(deviceToken).digest('hex'),
    enrolledAt: new Date().toISOString(),
    label: null,
  });
  const app = new SyncApp({ store });
  const server = createServer(app.handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { store, app, server, port };
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });
function call(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; text: string; etag?: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent,
        headers: { ...headers, ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}) },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => {
          text += c.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text, ...(res.headers.etag ? { etag: String(res.headers.etag) } : {}) }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function publish(port: number, version: number): Promise<void> {
  const env = await signEnvelope(
    BUNDLE_PAYLOAD_TYPE,
    JSON.stringify({
      schemaVersion: 1,
      name: 'Acme',
      org: 'acme',
      version,
      issuedAt: new Date().toISOString(),
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      servers: [{ id: 'memory', transport: { type: 'npm', package: '@modelcontextprotocol/server-memory' }, approvedAt: 'now' }],
      policies: { rules: [{ id: 'all', effect: 'allow' }] },
    }),
    [{ keyId: 'k', privateKeyPem: orgKey.privateKeyPem }],
  );
  const r = await call(port, 'POST', '/v1/bundles', {}, JSON.stringify(env));
  if (r.status !== 200) throw new Error(r.text);
}

function records(from: number, n: number, prev: string): BatchRecord[] {
  const out: BatchRecord[] = [];
  for (let seq = from; seq < from + n; seq++) {
    const body = auditBody(seq);
    const hash = chainHash(prev, body);
    out.push({ seq, prev, hash, body });
    prev = hash;
  }
  return out;
}

async function bench(label: string, database: string): Promise<void> {
  const { store, app, server, port } = await setUp(database);
  await publish(port, 1);
  const auth = { authorization: `Bearer ${deviceToken}` };
  const first = await call(port, 'GET', '/v1/bundle', auth);
  const etag = first.etag!;
  // Polls: every desktop already has the latest version.
  let polls = 0;
  const until = performance.now() + 4000;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (performance.now() < until) {
        const r = await call(port, 'GET', '/v1/bundle', { ...auth, 'if-none-match': etag });
        if (r.status !== 304) throw new Error(`expected 304, got ${r.status}`);
        polls++;
      }
    }),
  );
  console.log(`${label}: ${Math.round(polls / 4)} bundle polls/s answered 304 (64 keep-alive clients)`);

  // Push: a long-polling desktop, then a publish.
  const waits: number[] = [];
  let current = etag;
  for (let v = 2; v < 12; v++) {
    const poll = call(port, 'GET', '/v1/bundle?wait=30', { ...auth, 'if-none-match': current });
    await new Promise((r) => setTimeout(r, 20));
    const t = performance.now();
    await publish(port, v);
    const got = await poll;
    waits.push(performance.now() - t);
    current = got.etag!;
  }
  waits.sort((a, b) => a - b);
  console.log(`${label}: a long-polling desktop has the new bundle ${waits[5]!.toFixed(1)} ms (p50) after the publish request starts`);

  // Ingest: 1,000-record signed batches, one device, in order.
  let prevRecord = BATCH_GENESIS;
  let prevBatch = BATCH_GENESIS;
  const batches = [];
  for (let b = 0; b < 40; b++) {
    const batch = await signBatch(
      { deviceId: 'dev-1', prevBatchHash: prevBatch, records: records(b * 1000 + 1, 1000, prevRecord), createdAt: new Date().toISOString() },
      (m) => new Uint8Array(sign(null, m, device.privateKey)),
    );
    prevRecord = batch.records[999]!.hash;
    prevBatch = batchHash(batch.header);
    batches.push(JSON.stringify(batch));
  }
  const t = performance.now();
  for (const body of batches) {
    const r = await call(port, 'POST', '/v1/audit/batches', auth, body);
    if (r.status !== 200) throw new Error(r.text);
  }
  const s = (performance.now() - t) / 1000;
  console.log(`${label}: audit ingest ${Math.round(40_000 / s)} records/s (40 batches of 1,000, verified and stored)`);
  app.close();
  server.closeAllConnections();
  server.close();
  await store.close();
}

await bench('SQLite', join(mkdtempSync(join(tmpdir(), 'gh-sync-bench-')), 'sync.db'));
const pg = await startPostgres();
if (pg) {
  try {
    await bench('PostgreSQL', pg.url);
  } finally {
    await pg.stop();
  }
} else console.log('PostgreSQL: not installed here, skipped');
agent.destroy();
