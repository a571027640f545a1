import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { SecretBackend } from '../secrets/backend.ts';
import type { Sign } from '../../shared/audit/batch.ts';

// The device's Ed25519 key signs every audit batch. The private key lives in
// the OS keychain (or the encrypted-file store) next to the credentials, never
// on disk in the clear; the public key is what enrollment registers with the org.

export const DEVICE_KEY_ACCOUNT = 'device/audit-signing-key';

export interface DeviceKey {
  sign: Sign;
  publicKeyPem: string;
}

export async function loadOrCreateDeviceKey(backend: SecretBackend): Promise<DeviceKey> {
  let pem = await backend.get(DEVICE_KEY_ACCOUNT);
  if (pem === null) {
    pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await backend.set(DEVICE_KEY_ACCOUNT, pem);
  }
  return fromPrivateKey(createPrivateKey(pem));
}

export function fromPrivateKey(key: KeyObject): DeviceKey {
  return {
    sign: (message) => new Uint8Array(sign(null, message, key)),
    publicKeyPem: createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString(),
  };
}
