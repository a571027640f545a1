import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkControlProof, controlProof, newNonce } from './proof.ts';

test('the holder of the token proves it; a wrong token, nonce or port does not', async () => {
  const nonce = newNonce();
  const proof = await controlProof('secret-token', nonce, 7465);
  assert.equal(await checkControlProof('secret-token', nonce, 7465, proof), true);
  assert.equal(await checkControlProof('other-token', nonce, 7465, proof), false);
  assert.equal(await checkControlProof('secret-token', newNonce(), 7465, proof), false);
  // A relay to the real daemon on another port yields that port's proof, which does not pass here.
  assert.equal(await checkControlProof('secret-token', nonce, 7466, proof), false);
  assert.equal(await checkControlProof('secret-token', nonce, 7465, proof.slice(1)), false);
});

test('a malformed nonce is refused, so the daemon is not an HMAC oracle for arbitrary text', async () => {
  await assert.rejects(controlProof('t', 'not-hex', 1), /64 hex/);
  await assert.rejects(controlProof('t', `${'a'.repeat(64)}\n1`, 1), /64 hex/);
});

test('nonces are fresh', () => {
  assert.notEqual(newNonce(), newNonce());
  assert.match(newNonce(), /^[0-9a-f]{64}$/);
});
