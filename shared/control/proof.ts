// Before a client sends the control token to whatever listens on the daemon's port, the
// listener proves it already holds the token: the client sends a fresh nonce, the daemon
// answers HMAC-SHA256(token, nonce + port), the client checks it with its own copy. A
// stranger on a port left in a stale daemon.json cannot answer; relaying the nonce to the
// real daemon elsewhere does not help, since the daemon binds its own port into the proof.

import { z } from 'zod';

export const NONCE = /^[0-9a-f]{64}$/;

export const ControlHelloSchema = z.strictObject({
  gatehouse: z.literal('control'),
  version: z.string().min(1).max(64),
  proof: z.string().regex(/^[0-9a-f]{64}$/),
});
export type ControlHello = z.output<typeof ControlHelloSchema>;

const encoder = new TextEncoder();

function hex(bytes: ArrayBuffer | Uint8Array): string {
  return Array.from(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A fresh 32-byte nonce, hex. */
export function newNonce(): string {
  return hex(crypto.getRandomValues(new Uint8Array(32)));
}

/** The proof for one nonce at one port. */
export async function controlProof(token: string, nonce: string, port: number): Promise<string> {
  if (!NONCE.test(nonce)) throw new Error('the nonce is 64 hex digits');
  const key = await crypto.subtle.importKey('raw', encoder.encode(token), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return hex(await crypto.subtle.sign('HMAC', key, encoder.encode(`gatehouse control proof v1\n${nonce}\n${port}`)));
}

/** Whether the answer proves the holder of `token` listens on `port`; compared in constant time. */
export async function checkControlProof(token: string, nonce: string, port: number, proof: string): Promise<boolean> {
  const expected = await controlProof(token, nonce, port);
  if (proof.length !== expected.length) return false;
  let diff = 0;
  for (let i = 0; i < expected.length; i++) diff |= expected.charCodeAt(i) ^ proof.charCodeAt(i);
  return diff === 0;
}
