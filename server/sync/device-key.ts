import { createPublicKey } from 'node:crypto';

// A device's audit-signing key arrives at enrollment from an unauthenticated
// machine holding only an enrollment token. It is stored and later trusted to
// verify every batch, so only a well-formed Ed25519 SPKI public key is taken,
// and it is stored in its canonical PEM form rather than as sent.

const PEM = /^-----BEGIN PUBLIC KEY-----\r?\n([A-Za-z0-9+/=\r\n]{1,2000})-----END PUBLIC KEY-----\r?\n?$/;

export type DeviceKeyCheck = { ok: true; pem: string } | { ok: false; reason: string };

export function checkDevicePublicKey(text: string): DeviceKeyCheck {
  const m = PEM.exec(text.trim() + '\n');
  if (!m) return { ok: false, reason: 'the public key is not one PEM "PUBLIC KEY" block' };
  try {
    // type 'spki' on DER refuses private keys and certificates, which a PEM
    // string would be turned into their public key silently.
    const key = createPublicKey({ key: Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64'), format: 'der', type: 'spki' });
    if (key.asymmetricKeyType !== 'ed25519') return { ok: false, reason: `the public key is ${key.asymmetricKeyType ?? 'of an unknown type'}, not Ed25519` };
    return { ok: true, pem: key.export({ type: 'spki', format: 'pem' }).toString() };
  } catch {
    return { ok: false, reason: 'the public key does not parse as an SPKI key' };
  }
}
