// Audit ingest through the real sync endpoint, as desktops ship it: enrolled devices
// (Ed25519 keys, bearer tokens), each posting its own chain of signed 1,000-record
// batches over keep-alive HTTP and waiting for each acknowledgement before the next,
// all devices at once. Every batch is verified (signature, chain, Merkle root) and
// stored. SQLite and PostgreSQL, interleaved (bench/interleave.ts), in records/s.
// Batches are built, signed and encoded before each round, outside the timing, so the
// client's share of the process is mostly the socket writes.
//   node bench/endpoint-ingest.ts [--rounds 5] [--devices 4] [--batches 5]
//     [--baseline DIR]  also run DIR's endpoint in the same rounds (a worktree of another
//                       commit with a node_modules link to this tree's)
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BATCH_GENESIS, batchHash, chainHash, signBatch, type BatchRecord } from '../shared/audit/batch.ts';
import { nodeSha256Hex } from '../gateway/hashing/sha256.ts';
import type { ServerStore } from '../server/store/store.ts';
import { startPostgres } from '../test/helpers/postgres.ts';
import { auditBody } from './audit-body.ts';
import { runInterleaved, type BenchCase } from './interleave.ts';

const { values: opts } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    devices: { type: 'string', default: '4' },
    batches: { type: 'string', default: '5' },
    baseline: { type: 'string' },
  },
});
const DEVICES = Number(opts.devices);
const BATCHES = Number(opts.batches);
const SIZE = 1000;

/** What a tree offers: its store opener and its endpoint. */
interface Tree {
  label: string;
  openStore(database: string): Promise<ServerStore>;
  handler(store: ServerStore): { handle: Parameters<typeof createServer>[1]; close(): void };
}

async function tree(label: string, root: string): Promise<Tree> {
  const open = (await import(join(root, 'server/store/open.ts'))) as { openStore(database: string): Promise<ServerStore> };
  const app = (await import(join(root, 'server/http/app.ts'))) as {
    SyncApp: new (o: { store: ServerStore }) => { handle: Parameters<typeof createServer>[1]; close(): void };
  };
  return { label, openStore: open.openStore, handler: (store) => new app.SyncApp({ store }) };
}

/** One enrolled desktop: its key, its token and where its chain stands. */
class Desktop {
  readonly key = generateKeyPairSync('ed25519');
  readonly token = randomBytes(32).toString('base64url');
  private prevRecord = BATCH_GENESIS;
  private prevBatch = BATCH_GENESIS;
  private next = 1;
  readonly id: string;
  constructor(id: string) {
    this.id = id;
  }

  async batches(n: number): Promise<Buffer[]> {
    const out: Buffer[] = [];
    for (let b = 0; b < n; b++) {
      const records: BatchRecord[] = [];
      for (let seq = this.next; seq < this.next + SIZE; seq++) {
        const text = auditBody(seq);
        const hash = chainHash(this.prevRecord, text, nodeSha256Hex);
        records.push({ seq, prev: this.prevRecord, hash, body: text });
        this.prevRecord = hash;
      }
      this.next += SIZE;
      const priv: KeyObject = this.key.privateKey;
      const batch = await signBatch(
        { deviceId: this.id, prevBatchHash: this.prevBatch, records, createdAt: new Date().toISOString() },
        (m) => new Uint8Array(sign(null, m, priv)),
      );
      this.prevBatch = batchHash(batch.header);
      out.push(Buffer.from(JSON.stringify(batch)));
    }
    return out;
  }
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });
function post(port: number, token: string, payload: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((done, fail) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/v1/audit/batches',
        agent,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': payload.length },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => done({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', fail);
    req.end(payload);
  });
}

function endpointCase(t: Tree, kind: string, database: () => Promise<string>): BenchCase {
  let store: ServerStore;
  let server: Server;
  let app: { close(): void };
  let port = 0;
  const desktops = Array.from({ length: DEVICES }, (_, i) => new Desktop(`dev-${i + 1}`));
  return {
    name: `${t.label}, ${kind}: ${DEVICES} devices × ${BATCHES} signed batches of 1,000 records over HTTP`,
    setup: async () => {
      store = await t.openStore(await database());
      await store.initOrg({ id: 'acme', name: 'Acme', keys: [], oidc: null });
      for (const d of desktops)
        await store.addDevice({
          id: d.id,
          name: d.id,
          publicKey: d.key.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
          tokenHash: createHash('sha256').update(d.token).digest('hex'),
          enrolledAt: new Date().toISOString(),
          label: null,
        });
      const a = t.handler(store);
      app = a;
      server = createServer(a.handle);
      // Batches are signed on this thread before each round, for longer than the 5 s
      // default: the server would close idle sockets the agent is about to reuse.
      server.keepAliveTimeout = 600_000;
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      port = (server.address() as { port: number }).port;
    },
    round: async () => {
      const work = await Promise.all(desktops.map(async (d) => ({ d, batches: await d.batches(BATCHES) })));
      const t0 = performance.now();
      await Promise.all(
        work.map(async ({ d, batches }) => {
          for (const b of batches) {
            const r = await post(port, d.token, b);
            if (r.status !== 200 || !r.text.includes('"accepted"')) throw new Error(`${r.status} ${r.text.slice(0, 200)}`);
          }
        }),
      );
      return { 'records/s': (DEVICES * BATCHES * SIZE) / ((performance.now() - t0) / 1000) };
    },
    teardown: async () => {
      app.close();
      server.closeAllConnections();
      server.close();
      await store.close();
    },
  };
}

const dir = mkdtempSync(join(tmpdir(), 'gh-endpoint-ingest-'));
const pgc = await startPostgres();
const trees = [await tree('this tree', resolve(import.meta.dirname, '..'))];
if (opts.baseline) trees.push(await tree('baseline', resolve(opts.baseline)));
let databases = 0;
const pgDatabase = async (): Promise<string> => {
  const name = `ingest_${++databases}`;
  const { default: pg } = await import('pg');
  const admin = new pg.Client(pgc!.url);
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return pgc!.url.replace(/\/postgres$/, `/${name}`);
};
const cases: BenchCase[] = [];
for (const t of trees) {
  cases.push(endpointCase(t, 'SQLite', async () => join(dir, `${t.label.replace(/\W/g, '-')}.db`)));
  if (pgc) cases.push(endpointCase(t, 'PostgreSQL', pgDatabase));
}
if (!pgc) console.log('PostgreSQL: not installed here, skipped');
try {
  await runInterleaved('Audit ingest through the sync endpoint', cases, Number(opts.rounds), 0);
} finally {
  agent.destroy();
  await pgc?.stop();
  rmSync(dir, { recursive: true, force: true });
}
