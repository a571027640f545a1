import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { acceptBundle, type Trust } from './accept.ts';
import { BUNDLE_PAYLOAD_TYPE, keyFingerprint, signEnvelope, type SigningKey } from './envelope.ts';
import { generateEd25519 } from '../signing/ed25519.ts';

const NOW = Date.parse('2026-11-24T12:00:00Z');
const DAY = 86_400_000;

let k1: SigningKey & { publicKeyPem: string };
let k2: SigningKey & { publicKeyPem: string };
let trust: Trust;

function payload(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schemaVersion: 1,
    name: 'Acme',
    org: 'acme',
    version: 5,
    issuedAt: new Date(NOW - 1000).toISOString(),
    expiresAt: new Date(NOW + 7 * DAY).toISOString(),
    servers: [{ id: 'memory', transport: { type: 'npm', package: '@modelcontextprotocol/server-memory' } }],
    policies: { rules: [{ id: 'all', effect: 'allow' }] },
    ...over,
  };
}

const sign = (body: Record<string, unknown>, keys: SigningKey[] = [k1]) => signEnvelope(BUNDLE_PAYLOAD_TYPE, JSON.stringify(body), keys);

before(async () => {
  const a = await generateEd25519();
  const b = await generateEd25519();
  k1 = { keyId: 'acme-2026', privateKeyPem: a.privateKeyPem, publicKeyPem: a.publicKeyPem };
  k2 = { keyId: 'acme-2027', privateKeyPem: b.privateKeyPem, publicKeyPem: b.publicKeyPem };
  trust = { org: 'acme', keys: [{ keyId: k1.keyId, publicKey: k1.publicKeyPem }], version: 4 };
});

describe('bundle acceptance', () => {
  it('accepts a good bundle and moves the version on', async () => {
    const r = await acceptBundle(await sign(payload()), trust, NOW);
    assert.ok(r.ok, r.ok ? '' : r.reason);
    assert.equal(r.trust.version, 5);
    assert.deepEqual(r.signedBy, ['acme-2026']);
  });

  it('rejects a bundle with one byte changed', async () => {
    const env = await sign(payload());
    const bytes = Buffer.from(env.payload, 'base64');
    const at = bytes.indexOf('"version":5') + 10;
    bytes[at] = '9'.charCodeAt(0);
    const r = await acceptBundle({ ...env, payload: bytes.toString('base64') }, trust, NOW);
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.equal(r.code, 'signature');
      assert.match(r.reason, /altered/);
    }
    // One bit of the signature, too.
    const sig = Buffer.from(env.signatures[0]!.sig, 'base64');
    sig[0]! ^= 1;
    const r2 = await acceptBundle({ ...env, signatures: [{ keyid: 'acme-2026', sig: sig.toString('base64') }] }, trust, NOW);
    assert.equal(r2.ok ? 'ok' : r2.code, 'signature');
  });

  it('rejects a bundle signed by an unknown key, and one that claims a trusted key id', async () => {
    const r = await acceptBundle(await sign(payload(), [k2]), trust, NOW);
    assert.equal(r.ok ? 'ok' : r.code, 'unknown-key');
    const forged = await sign(payload(), [{ keyId: 'acme-2026', privateKeyPem: k2.privateKeyPem }]);
    const r2 = await acceptBundle(forged, trust, NOW);
    assert.equal(r2.ok ? 'ok' : r2.code, 'signature');
    // A good signature does not excuse a bad one next to it.
    const good = await sign(payload());
    const r3 = await acceptBundle({ ...good, signatures: [...good.signatures, ...forged.signatures.map((s) => ({ ...s }))] }, trust, NOW);
    assert.equal(r3.ok ? 'ok' : r3.code, 'signature');
  });

  it('refuses rollback and replay', async () => {
    const r = await acceptBundle(await sign(payload({ version: 3 })), trust, NOW);
    assert.equal(r.ok ? 'ok' : r.code, 'rollback');
    if (!r.ok) assert.match(r.reason, /older than version 4/);
    const r2 = await acceptBundle(await sign(payload({ version: 4 })), trust, NOW);
    assert.equal(r2.ok ? 'ok' : r2.code, 'replay');
  });

  it('refuses an expired bundle (freeze) and one from the future', async () => {
    const r = await acceptBundle(await sign(payload({ expiresAt: new Date(NOW - 1).toISOString() })), trust, NOW);
    assert.equal(r.ok ? 'ok' : r.code, 'expired');
    const r2 = await acceptBundle(await sign(payload({ issuedAt: new Date(NOW + DAY).toISOString() })), trust, NOW);
    assert.equal(r2.ok ? 'ok' : r2.code, 'schema');
  });

  it('refuses a bundle for another org', async () => {
    const r = await acceptBundle(await sign(payload({ org: 'globex' })), trust, NOW);
    assert.equal(r.ok ? 'ok' : r.code, 'org');
    if (!r.ok) assert.match(r.reason, /globex.*acme/);
  });

  it('refuses schema violations with the field and reason', async () => {
    const r = await acceptBundle(await sign(payload({ servers: [{ id: 'Bad Id', transport: { type: 'stdio', command: 'x' } }] })), trust, NOW);
    assert.equal(r.ok ? 'ok' : r.code, 'schema');
    if (!r.ok) assert.match(r.reason, /servers\.0\.id/);
    const r2 = await acceptBundle(await sign(payload({ expiresAt: undefined })), trust, NOW);
    assert.equal(r2.ok ? 'ok' : r2.code, 'schema');
    const r3 = await acceptBundle(await signEnvelope(BUNDLE_PAYLOAD_TYPE, 'not json', [k1]), trust, NOW);
    assert.equal(r3.ok ? 'ok' : r3.code, 'schema');
    const r4 = await acceptBundle(await signEnvelope('text/plain', JSON.stringify(payload()), [k1]), trust, NOW);
    assert.equal(r4.ok ? 'ok' : r4.code, 'envelope');
    const r5 = await acceptBundle({ payload: 'x' }, trust, NOW);
    assert.equal(r5.ok ? 'ok' : r5.code, 'envelope');
  });

  it('rotates keys: a bundle signed by the old key names the new one, then the new one alone is trusted', async () => {
    const keys = [{ keyId: k2.keyId, publicKey: k2.publicKeyPem }];
    const r = await acceptBundle(await sign(payload({ keys })), trust, NOW);
    assert.ok(r.ok);
    const next = await acceptBundle(await sign(payload({ version: 6, keys }), [k2]), r.trust, NOW);
    assert.ok(next.ok, next.ok ? '' : next.reason);
    const old = await acceptBundle(await sign(payload({ version: 7, keys }), [k1]), next.trust, NOW);
    assert.equal(old.ok ? 'ok' : old.code, 'unknown-key', 'the retired key no longer signs');
  });

  it('gives keys a stable fingerprint to confirm', () => {
    assert.equal(keyFingerprint(k1.publicKeyPem), keyFingerprint(`${k1.publicKeyPem}\n`));
    assert.notEqual(keyFingerprint(k1.publicKeyPem), keyFingerprint(k2.publicKeyPem));
    assert.match(keyFingerprint(k1.publicKeyPem), /^SHA256:([0-9a-f]{4}:){7}[0-9a-f]{4}$/);
  });
});
