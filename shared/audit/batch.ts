import { utf8ToBytes } from '@noble/hashes/utils.js';
import canonicalize from 'canonicalize';
import { z } from 'zod';
import { sha256Hex as hex, type Digest } from '../hashing/sha256.ts';

// A signed batch of audit records, as shipped from a desktop to the org.
// The signature covers the header only; the header commits to the records
// through a Merkle root over their chain hashes, and each record's chain hash
// is recomputed from its body, so nothing in the records can change unseen.
// Signing and verifying are injected (Ed25519 at the edges): this file stays
// runtime-agnostic so the desktop and the sync endpoint share one definition.

export const BATCH_GENESIS = 'sha256:0';

export const BatchRecordSchema = z.object({
  seq: z.number().int().positive(),
  prev: z.string(),
  hash: z.string(),
  /** The record's canonical JSON, exactly as chained locally. */
  body: z.string(),
});
export type BatchRecord = z.infer<typeof BatchRecordSchema>;

export const BatchHeaderSchema = z.object({
  v: z.literal(1),
  /** `<deviceId>:<firstSeq>-<lastSeq>`: the same records always make the same id, so a retry is idempotent. */
  batchId: z.string(),
  deviceId: z.string().min(1),
  firstSeq: z.number().int().positive(),
  lastSeq: z.number().int().positive(),
  count: z.number().int().positive(),
  /** Hash of the previous batch's header from this device; BATCH_GENESIS for the first. */
  prevBatchHash: z.string(),
  merkleRoot: z.string(),
  createdAt: z.string(),
});
export type BatchHeader = z.infer<typeof BatchHeaderSchema>;

export const SignedBatchSchema = z.object({
  header: BatchHeaderSchema,
  /** Base64url Ed25519 signature over the header's canonical JSON. */
  signature: z.string().min(1),
  records: z.array(BatchRecordSchema).min(1),
});
export type SignedBatch = z.infer<typeof SignedBatchSchema>;

/** Signs/verifies bytes with the device key (Ed25519), supplied by the runtime. */
export type Sign = (message: Uint8Array) => Uint8Array | Promise<Uint8Array>;
export type Verify = (message: Uint8Array, signature: Uint8Array) => boolean | Promise<boolean>;

/** The local log's chain link: the hash covers the previous hash and the record's canonical JSON. */
export function chainHash(prev: string, body: string, digest: Digest = hex): string {
  return `sha256:${digest(`${prev}\n${body}`)}`;
}

/** Binary Merkle tree over the record hashes; an odd node is carried up unchanged. Leaves and nodes are domain-separated. */
export function merkleRoot(hashes: readonly string[], digest: Digest = hex): string {
  if (hashes.length === 0) throw new Error('a batch needs at least one record');
  let level = hashes.map((h) => digest(`leaf:${h}`));
  while (level.length > 1) {
    const next: string[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? digest(`node:${level[i]}${level[i + 1]}`) : level[i]!);
    level = next;
  }
  return `sha256:${level[0]}`;
}

export function headerBytes(header: BatchHeader): Uint8Array {
  return utf8ToBytes(canonicalize(header)!);
}

/** The hash the next batch's `prevBatchHash` must carry. */
export function batchHash(header: BatchHeader): string {
  return `sha256:${hex(canonicalize(header)!)}`;
}

export function batchId(deviceId: string, firstSeq: number, lastSeq: number): string {
  return `${deviceId}:${firstSeq}-${lastSeq}`;
}

const b64url = {
  encode(bytes: Uint8Array): string {
    let bin = '';
    for (const b of bytes) bin += String.fromCharCode(b);
    return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  },
  decode(text: string): Uint8Array {
    const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  },
};

export async function signBatch(
  input: { deviceId: string; prevBatchHash: string; records: BatchRecord[]; createdAt: string },
  sign: Sign,
): Promise<SignedBatch> {
  const { records } = input;
  if (records.length === 0) throw new Error('a batch needs at least one record');
  const firstSeq = records[0]!.seq;
  const lastSeq = records[records.length - 1]!.seq;
  const header: BatchHeader = {
    v: 1,
    batchId: batchId(input.deviceId, firstSeq, lastSeq),
    deviceId: input.deviceId,
    firstSeq,
    lastSeq,
    count: records.length,
    prevBatchHash: input.prevBatchHash,
    merkleRoot: merkleRoot(records.map((r) => r.hash)),
    createdAt: input.createdAt,
  };
  return { header, signature: b64url.encode(await sign(headerBytes(header))), records };
}

export type BatchCheck = { ok: true } | { ok: false; reason: string };

/** Everything that can be checked from the batch and the device's public key alone; `digest` as for chainHash. */
export async function checkBatch(batch: SignedBatch, verify: Verify, digest: Digest = hex): Promise<BatchCheck> {
  const { header, records } = batch;
  let signature: Uint8Array;
  try {
    signature = b64url.decode(batch.signature);
  } catch {
    return { ok: false, reason: 'the signature is not base64url' };
  }
  if (!(await verify(headerBytes(header), signature))) return { ok: false, reason: "the signature does not match the device's registered key" };
  if (header.batchId !== batchId(header.deviceId, header.firstSeq, header.lastSeq)) return { ok: false, reason: 'the batch id does not match its range' };
  if (records.length !== header.count || header.lastSeq - header.firstSeq + 1 !== header.count)
    return { ok: false, reason: 'the record count does not match the range' };
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    if (r.seq !== header.firstSeq + i) return { ok: false, reason: `record ${header.firstSeq + i} is missing from the batch` };
    if (i > 0 && r.prev !== records[i - 1]!.hash) return { ok: false, reason: `record ${r.seq} does not link to the record before it` };
    if (chainHash(r.prev, r.body, digest) !== r.hash) return { ok: false, reason: `record ${r.seq} does not match its hash` };
  }
  const root = merkleRoot(
    records.map((r) => r.hash),
    digest,
  );
  if (root !== header.merkleRoot) return { ok: false, reason: 'the records do not match the signed Merkle root' };
  return { ok: true };
}

/** What the org already holds from a device: its latest accepted batch. */
export interface DeviceHead {
  lastSeq: number;
  lastRecordHash: string;
  lastBatchHash: string;
}

export type Continuity = { kind: 'next' } | { kind: 'duplicate' } | { kind: 'gap'; missingFrom: number; missingTo: number } | { kind: 'fork'; reason: string };

/**
 * Where a verified batch sits in a device's chain. `duplicate` is a replay of a
 * batch already held (accept once, acknowledge again); a `gap` means records
 * between the head and this batch never arrived (a deleted batch); a `fork`
 * means the device's history was rewritten.
 */
export function continuity(head: DeviceHead | null, batch: SignedBatch, held: (batchId: string) => string | null): Continuity {
  const { header, records } = batch;
  const heldHash = held(header.batchId);
  if (heldHash !== null)
    return heldHash === batchHash(header) ? { kind: 'duplicate' } : { kind: 'fork', reason: `batch ${header.batchId} differs from the one already held` };
  const expectedFirst = (head?.lastSeq ?? 0) + 1;
  if (header.firstSeq > expectedFirst) return { kind: 'gap', missingFrom: expectedFirst, missingTo: header.firstSeq - 1 };
  if (header.firstSeq < expectedFirst)
    return { kind: 'fork', reason: `records ${header.firstSeq}-${Math.min(header.lastSeq, expectedFirst - 1)} overlap ones already held` };
  const prevBatch = head?.lastBatchHash ?? BATCH_GENESIS;
  if (header.prevBatchHash !== prevBatch) return { kind: 'fork', reason: 'it does not follow the last batch held from this device' };
  if (head && records[0]!.prev !== head.lastRecordHash) return { kind: 'fork', reason: 'its first record does not link to the last record held' };
  return { kind: 'next' };
}
