// Ed25519 through WebCrypto, which Node, Electron and browsers all have: one
// implementation for the admin CLI (signing), the sync endpoint and the desktop
// (verifying). Keys travel as PEM (SPKI public, PKCS#8 private).

const ALG = { name: 'Ed25519' } as const;

// The global WebCrypto key type, without pulling the DOM lib into shared/.
type Key = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

function pemBody(pem: string, label: string): Uint8Array<ArrayBuffer> {
  const m = new RegExp(`-----BEGIN ${label}-----([\\s\\S]+?)-----END ${label}-----`).exec(pem);
  if (!m) throw new Error(`not a PEM ${label.toLowerCase()}`);
  return fromBase64(m[1]!.replace(/\s+/g, ''));
}

function toPem(der: ArrayBuffer, label: string): string {
  const b64 = toBase64(new Uint8Array(der));
  return `-----BEGIN ${label}-----\n${b64.replace(/.{1,64}/g, '$&\n')}-----END ${label}-----\n`;
}

export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function fromBase64(b64: string): Uint8Array<ArrayBuffer> {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

const publicKeys = new Map<string, Promise<Key>>();

function importPublicKey(pem: string): Promise<Key> {
  let key = publicKeys.get(pem);
  if (!key) {
    key = crypto.subtle.importKey('spki', pemBody(pem, 'PUBLIC KEY'), ALG, true, ['verify']);
    publicKeys.set(pem, key);
    key.catch(() => publicKeys.delete(pem));
  }
  return key;
}

export async function verifyEd25519(publicKeyPem: string, message: Uint8Array<ArrayBuffer>, signature: Uint8Array<ArrayBuffer>): Promise<boolean> {
  try {
    return await crypto.subtle.verify(ALG, await importPublicKey(publicKeyPem), signature, message);
  } catch {
    return false;
  }
}

export async function signEd25519(privateKeyPem: string, message: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const key = await crypto.subtle.importKey('pkcs8', pemBody(privateKeyPem, 'PRIVATE KEY'), ALG, false, ['sign']);
  return new Uint8Array(await crypto.subtle.sign(ALG, key, message));
}

export async function generateEd25519(): Promise<{ publicKeyPem: string; privateKeyPem: string }> {
  const pair = (await crypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as { publicKey: Key; privateKey: Key };
  return {
    publicKeyPem: toPem(await crypto.subtle.exportKey('spki', pair.publicKey), 'PUBLIC KEY'),
    privateKeyPem: toPem(await crypto.subtle.exportKey('pkcs8', pair.privateKey), 'PRIVATE KEY'),
  };
}
