// The sync endpoint's own defences, in-process over real HTTP: publishes that
// are forged, rolled back or replayed; enrollment tokens that are forged,
// expired or for another org; admin statements that are expired, too long-lived
// or for another route; device tokens that are missing or unknown. And two
// instances sharing one database: a publish through one reaches a desktop
// long-polling the other.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BUNDLE_PAYLOAD_TYPE, signEnvelope, type SigningKey } from '../../shared/bundle/envelope.ts';
import { generateEd25519 } from '../../shared/signing/ed25519.ts';
import { signStatement } from '../admin/endpoint.ts';
import { openStore } from '../store/open.ts';
import type { ServerStore } from '../store/store.ts';
import { SyncApp } from './app.ts';
import { AUDIT_BATCH_MAX_BYTES, BUNDLE_MAX_BYTES, ENROLL_MAX_BYTES } from './body.ts';

let orgKey: SigningKey & { publicKeyPem: string };
let rogue: SigningKey;
const dbPath = join(mkdtempSync(join(tmpdir(), 'gh-app-')), 'sync.db');
const instances: { store: ServerStore; app: SyncApp; server: Server; url: string }[] = [];

async function instance(): Promise<{ url: string }> {
  const store = await openStore(dbPath);
  const app = new SyncApp({ store });
  const server = createServer(app.handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  instances.push({ store, app, server, url });
  return { url };
}

const bundle = (version: number, over: Record<string, unknown> = {}) =>
  JSON.stringify({
    schemaVersion: 1,
    name: 'Acme',
    org: 'acme',
    version,
    issuedAt: new Date().toISOString(),
    expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    servers: [],
    policies: { rules: [] },
    ...over,
  });

async function post(
  url: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function get(
  url: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Record<string, unknown> | null; etag: string | null }> {
  const res = await fetch(`${url}${path}`, { headers });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : null, etag: res.headers.get('etag') };
}

/**
 * Streams a body of up to `maxBytes` over a raw socket, as fast as the server
 * reads it, and stops at the first byte of an answer. `written` tells how much
 * the server let in before answering: a server that buffers the whole body
 * reads all of it.
 */
async function stream(
  url: string,
  path: string,
  opts: { declared?: number; maxBytes: number; headers?: Record<string, string> },
): Promise<{ status: number; written: number }> {
  const { port } = new URL(url);
  const socket = connect(Number(port), '127.0.0.1');
  await new Promise<void>((r, j) => {
    socket.once('connect', r);
    socket.once('error', j);
  });
  let answer = '';
  let ended = false;
  socket.on('data', (d: Buffer) => {
    answer += d.toString('latin1');
  });
  socket.on('error', () => {
    ended = true;
  });
  socket.on('close', () => {
    ended = true;
  });
  const head = [
    `POST ${path} HTTP/1.1`,
    'host: x',
    'content-type: application/json',
    ...Object.entries(opts.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    opts.declared === undefined ? 'transfer-encoding: chunked' : `content-length: ${opts.declared}`,
  ];
  socket.write(`${head.join('\r\n')}\r\n\r\n`);
  const chunk = Buffer.alloc(256 * 1024, 0x20);
  let written = 0;
  while (!answer && !ended && written < opts.maxBytes) {
    const ok = socket.write(opts.declared === undefined ? Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]) : chunk);
    written += chunk.length;
    await new Promise<void>((r) => {
      if (ok) setImmediate(r);
      else {
        const done = () => {
          socket.off('drain', done);
          socket.off('close', done);
          r();
        };
        socket.once('drain', done);
        socket.once('close', done);
      }
    });
  }
  while (!answer.includes('\r\n') && !ended) await new Promise((r) => setTimeout(r, 5));
  socket.destroy();
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0), written };
}

describe('sync endpoint defences', () => {
  let a: { url: string };
  let b: { url: string };
  let deviceToken: string;
  const devicePem = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();

  before(async () => {
    const k = await generateEd25519();
    orgKey = { keyId: 'acme-1', privateKeyPem: k.privateKeyPem, publicKeyPem: k.publicKeyPem };
    rogue = { keyId: 'acme-1', privateKeyPem: (await generateEd25519()).privateKeyPem };
    a = await instance();
    b = await instance();
    await instances[0]!.store.initOrg({ id: 'acme', name: 'Acme', keys: [{ keyId: 'acme-1', publicKey: k.publicKeyPem }], oidc: null });
  });
  after(async () => {
    for (const i of instances) {
      i.app.close();
      i.server.closeAllConnections();
      i.server.close();
      await i.store.close();
    }
  });

  it('publishes a bundle signed by the org key, and refuses forged, replayed and rolled-back ones', async () => {
    assert.equal((await post(a.url, '/v1/bundles', await signEnvelope(BUNDLE_PAYLOAD_TYPE, bundle(2), [orgKey]))).status, 200);
    const forged = await post(a.url, '/v1/bundles', await signEnvelope(BUNDLE_PAYLOAD_TYPE, bundle(3), [rogue]));
    assert.deepEqual([forged.status, forged.json.code], [401, 'signature']);
    const replay = await post(a.url, '/v1/bundles', await signEnvelope(BUNDLE_PAYLOAD_TYPE, bundle(2), [orgKey]));
    assert.deepEqual([replay.status, replay.json.code], [409, 'replay']);
    const rollback = await post(a.url, '/v1/bundles', await signEnvelope(BUNDLE_PAYLOAD_TYPE, bundle(1), [orgKey]));
    assert.deepEqual([rollback.status, rollback.json.code], [409, 'rollback']);
    const otherOrg = await post(a.url, '/v1/bundles', await signEnvelope(BUNDLE_PAYLOAD_TYPE, bundle(4, { org: 'globex' }), [orgKey]));
    assert.deepEqual([otherOrg.status, otherOrg.json.code], [400, 'org']);
    const junk = await post(a.url, '/v1/bundles', { hello: 'world' });
    assert.equal(junk.status, 400);
  });

  it('enrolls only with a fresh token signed by the org key for this org', async () => {
    const ok = await post(a.url, '/v1/devices', {
      token: await signStatement({ purpose: 'enrol', org: 'acme', expiresAt: new Date(Date.now() + 60_000).toISOString(), label: 'alice' }, [orgKey]),
      name: 'laptop',
      publicKey: devicePem,
    });
    assert.equal(ok.status, 201);
    deviceToken = String(ok.json.deviceToken);
    for (const [why, token] of [
      ['forged', await signStatement({ purpose: 'enrol', org: 'acme', expiresAt: new Date(Date.now() + 60_000).toISOString() }, [rogue])],
      ['expired', await signStatement({ purpose: 'enrol', org: 'acme', expiresAt: new Date(Date.now() - 1000).toISOString() }, [orgKey])],
      ['other org', await signStatement({ purpose: 'enrol', org: 'globex', expiresAt: new Date(Date.now() + 60_000).toISOString() }, [orgKey])],
      [
        'admin statement as enrollment',
        await signStatement({ purpose: 'admin', org: 'acme', expiresAt: new Date(Date.now() + 60_000).toISOString(), request: 'GET /v1/devices' }, [orgKey]),
      ],
      ['not a token', 'bm9wZQ=='],
    ] as const) {
      const r = await post(a.url, '/v1/devices', { token, name: 'laptop', publicKey: devicePem });
      assert.equal(r.status, 401, why);
    }
  });

  it('refuses enrollment with a "public key" that is not an Ed25519 SPKI public key, and stores nothing', async () => {
    const token = () => signStatement({ purpose: 'enrol', org: 'acme', expiresAt: new Date(Date.now() + 60_000).toISOString() }, [orgKey]);
    const pem = (der: Buffer) => `-----BEGIN PUBLIC KEY-----\n${der.toString('base64')}\n-----END PUBLIC KEY-----\n`;
    const goodDer = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' });
    const ed25519Private = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const before = (await instances[0]!.store.devices()).length;
    for (const [why, publicKey] of [
      ['garbage', '-----BEGIN PUBLIC KEY-----\nnot base64 at all!\n-----END PUBLIC KEY-----\n'],
      ['base64 garbage', pem(Buffer.from('hello, this is not a key at all, just bytes'))],
      ['an RSA key', generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString()],
      ['an X25519 key', generateKeyPairSync('x25519').publicKey.export({ type: 'spki', format: 'pem' }).toString()],
      ['a truncated key', pem(goodDer.subarray(0, goodDer.length - 5))],
      ['a private key wrapped as public', ed25519Private.replace(/PRIVATE KEY/g, 'PUBLIC KEY')],
      ['two keys', devicePem + devicePem],
      ['BEGIN PUBLIC KEY inside junk', `junk -----BEGIN PUBLIC KEY----- junk`],
    ] as const) {
      const r = await post(a.url, '/v1/devices', { token: await token(), name: 'laptop', publicKey });
      assert.deepEqual([r.status, r.json.code], [400, 'public-key'], why);
    }
    assert.equal((await instances[0]!.store.devices()).length, before, 'nothing stored');
    const ok = await post(a.url, '/v1/devices', { token: await token(), name: 'laptop', publicKey: pem(goodDer) });
    assert.equal(ok.status, 201, 'a real Ed25519 key is still taken');
  });

  it('refuses oversized bodies before authentication: by Content-Length at once, and by counting when the body is chunked', async () => {
    // Declared too large: refused before a byte of the body is read.
    for (const [path, limit] of [
      ['/v1/devices', ENROLL_MAX_BYTES],
      ['/v1/bundles', BUNDLE_MAX_BYTES],
      ['/v1/audit/batches', AUDIT_BATCH_MAX_BYTES],
      ['/v1/org', 1024],
    ] as const) {
      const r = await stream(a.url, path, { declared: limit + 1, maxBytes: limit + 1 });
      assert.equal(r.status, 413, path);
      assert.ok(r.written <= 4 * 1024 * 1024, `${path}: ${r.written} bytes went in before the 413`);
    }
    // Chunked, no length: the server stops reading at the route's limit, not at the 64 MB audit limit.
    for (const [path, limit] of [
      ['/v1/devices', ENROLL_MAX_BYTES],
      ['/v1/bundles', BUNDLE_MAX_BYTES],
    ] as const) {
      const r = await stream(a.url, path, { maxBytes: 200 * 1024 * 1024 });
      assert.equal(r.status, 413, path);
      assert.ok(r.written <= limit + 8 * 1024 * 1024, `${path}: ${r.written} bytes went in before the 413`);
    }
    // An unauthenticated audit batch is refused without reading its body.
    const batch = await stream(a.url, '/v1/audit/batches', { maxBytes: 200 * 1024 * 1024 });
    assert.equal(batch.status, 401);
    assert.ok(batch.written <= 8 * 1024 * 1024, `${batch.written} bytes went in before the 401`);
    // And the endpoint still serves.
    assert.equal((await get(a.url, '/healthz')).status, 200);
  });

  it('serves bundles only to enrolled devices, with ETag and 304', async () => {
    assert.equal((await get(a.url, '/v1/bundle')).status, 401);
    assert.equal((await get(a.url, '/v1/bundle', { authorization: 'Bearer not-a-device' })).status, 401);
    const first = await get(a.url, '/v1/bundle', { authorization: `Bearer ${deviceToken}` });
    assert.equal(first.status, 200);
    assert.equal((await get(a.url, '/v1/bundle', { authorization: `Bearer ${deviceToken}`, 'if-none-match': first.etag! })).status, 304);
  });

  it('takes admin requests only with a short-lived statement for that route', async () => {
    const stmt = (request: string, ms = 60_000, keys: SigningKey[] = [orgKey]) =>
      signStatement({ purpose: 'admin', org: 'acme', expiresAt: new Date(Date.now() + ms).toISOString(), request }, keys);
    assert.equal((await get(a.url, '/v1/devices', { authorization: `Gatehouse-Admin ${await stmt('GET /v1/devices')}` })).status, 200);
    assert.equal((await get(a.url, '/v1/devices')).status, 401);
    assert.equal(
      (await get(a.url, '/v1/devices', { authorization: `Gatehouse-Admin ${await stmt('GET /v1/audit/records')}` })).status,
      401,
      'bound to its route',
    );
    assert.equal((await get(a.url, '/v1/devices', { authorization: `Gatehouse-Admin ${await stmt('GET /v1/devices', -1000)}` })).status, 401, 'expired');
    assert.equal(
      (await get(a.url, '/v1/devices', { authorization: `Gatehouse-Admin ${await stmt('GET /v1/devices', 3_600_000)}` })).status,
      401,
      'too long-lived',
    );
    assert.equal(
      (await get(a.url, '/v1/devices', { authorization: `Gatehouse-Admin ${await stmt('GET /v1/devices', 60_000, [rogue])}` })).status,
      401,
      'forged',
    );
    assert.equal((await get(a.url, '/v1/devices', { authorization: `Bearer ${deviceToken}` })).status, 401, 'a device is not an admin');
  });

  it('lets a publish through one instance reach a desktop long-polling another', async () => {
    const current = await get(b.url, '/v1/bundle', { authorization: `Bearer ${deviceToken}` });
    const waiting = get(b.url, '/v1/bundle?wait=10', { authorization: `Bearer ${deviceToken}`, 'if-none-match': current.etag! });
    await new Promise((r) => setTimeout(r, 50));
    assert.equal((await post(a.url, '/v1/bundles', await signEnvelope(BUNDLE_PAYLOAD_TYPE, bundle(5), [orgKey]))).status, 200);
    const got = await waiting;
    assert.equal(got.status, 200);
    // A 200 with the new ETag within the 10 s wait means the publish woke the poll (at the wait's end it would be a 304).
    assert.notEqual(got.etag, current.etag);
  });
});
