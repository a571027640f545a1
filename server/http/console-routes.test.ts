// The sync endpoint's console routes refuse what they must, in-process over
// real HTTP: admin routes without a statement, or with one for another route;
// device reports without a device token, malformed, or from a revoked device;
// a bad page cursor; an oversized report.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateEd25519 } from '../../shared/signing/ed25519.ts';
import { signStatement } from '../admin/endpoint.ts';
import { openStore } from '../store/open.ts';
import type { ServerStore } from '../store/store.ts';
import { SyncApp } from './app.ts';

describe('console routes on the sync endpoint', () => {
  let store: ServerStore;
  let app: SyncApp;
  let server: Server;
  let url: string;
  let keys: { keyId: string; privateKeyPem: string }[];
  const deviceId = 'dev-00000000-0000-4000-8000-000000000001';
  const token = randomBytes(32).toString('base64url');
  const report = { user: 'alice', bundleVersion: 0, keys: ['k'], auditBacklog: 0, pending: [] };

  const statement = (request: string) =>
    signStatement({ purpose: 'admin', org: 'acme', expiresAt: new Date(Date.now() + 60_000).toISOString(), request }, keys);
  const call = async (method: string, path: string, headers: Record<string, string> = {}, body?: unknown) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };

  before(async () => {
    const key = await generateEd25519();
    keys = [{ keyId: 'k', privateKeyPem: key.privateKeyPem }];
    store = await openStore(join(mkdtempSync(join(tmpdir(), 'gh-croutes-')), 'sync.db'));
    await store.initOrg({ id: 'acme', name: 'Acme', keys: [{ keyId: 'k', publicKey: key.publicKeyPem }], oidc: null });
    await store.addDevice({
      id: deviceId,
      name: 'laptop',
      publicKey: key.publicKeyPem,
      tokenHash: createHash('sha256').update(token).digest('hex'),
      enrolledAt: new Date().toISOString(),
      label: null,
    });
    app = new SyncApp({ store });
    server = createServer(app.handle);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(async () => {
    app.close();
    await new Promise((r) => server.close(r));
    await store.close();
  });

  it('admin routes need a statement for exactly that route', async () => {
    assert.equal((await call('GET', '/v1/fleet/devices')).status, 401);
    const wrong = await call('GET', '/v1/fleet/devices', { authorization: `Gatehouse-Admin ${await statement('GET /v1/escalations')}` });
    assert.equal(wrong.status, 401);
    assert.match(String(wrong.json.error), /authorises "GET \/v1\/escalations"/);
    assert.equal((await call('GET', '/v1/fleet/devices', { authorization: `Gatehouse-Admin ${await statement('GET /v1/fleet/devices')}` })).status, 200);
    assert.equal((await call('GET', '/v1/audit/search', { authorization: `Gatehouse-Admin ${await statement('GET /v1/audit/search')}` })).status, 200);
  });

  it('refuses a cursor it did not issue', async () => {
    const r = await call('GET', '/v1/audit/search?cursor=bm9wZQ', { authorization: `Gatehouse-Admin ${await statement('GET /v1/audit/search')}` });
    assert.equal(r.status, 400);
    assert.equal(r.json.code, 'cursor');
  });

  it('device reports need the device token and a well-formed body', async () => {
    assert.equal((await call('POST', '/v1/devices/report', {}, report)).status, 401);
    const bad = await call('POST', '/v1/devices/report', { authorization: `Bearer ${token}` }, { ...report, pending: [{ server: 'x' }] });
    assert.equal(bad.status, 400);
    assert.equal((await call('POST', '/v1/devices/report', { authorization: `Bearer ${token}` }, 'x'.repeat(9 * 1024 * 1024))).status, 413);
    assert.deepEqual((await call('POST', '/v1/devices/report', { authorization: `Bearer ${token}` }, report)).json, { decisions: [] });
  });

  it('a revoked device can neither report nor fetch its bundle', async () => {
    const path = `/v1/fleet/devices/${deviceId}/revoke`;
    assert.equal((await call('POST', path, { authorization: `Gatehouse-Admin ${await statement(`POST ${path}`)}` }, { reason: 'lost' })).status, 200);
    const r = await call('POST', '/v1/devices/report', { authorization: `Bearer ${token}` }, report);
    assert.equal(r.status, 403);
    assert.equal(r.json.code, 'revoked');
    assert.equal((await call('GET', '/v1/bundle', { authorization: `Bearer ${token}` })).status, 403);
  });
});
