import { BATCH_GENESIS, batchHash, BatchHeaderSchema, chainHash, merkleRoot, headerBytes } from '../../shared/audit/batch.ts';
import type { VerifyReport } from '../../shared/sync/contract.ts';
import { verifyEd25519 } from '../../shared/signing/ed25519.ts';
import type { DeviceRow, ServerStore } from '../store/store.ts';

// The org-side integrity check of one device's trail, CloudTrail-style: every
// stored batch re-verified (signature, Merkle root, record hashes), every batch
// linked to the one before, and every gap or fork seen at ingest reported.

const b64url = (s: string) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));

export async function verifyDevice(store: ServerStore, device: DeviceRow): Promise<VerifyReport> {
  const problems: VerifyReport['problems'] = (await store.problems(device.id)).map((p) => ({ kind: p.kind, detail: p.detail, at: p.at }));
  const batches = await store.batches(device.id);
  let prevBatch = BATCH_GENESIS;
  let prevRecord: string | undefined;
  let expected = 1;
  let records = 0;
  const found = (detail: string) => problems.push({ kind: 'broken', detail, at: new Date().toISOString() });
  for (const b of batches) {
    const header = BatchHeaderSchema.parse(JSON.parse(b.header));
    if (!(await verifyEd25519(device.publicKey, new Uint8Array(headerBytes(header)), b64url(b.signature)))) found(`batch ${b.batchId}: the stored signature does not verify`);
    if (batchHash(header) !== b.batchHash) found(`batch ${b.batchId}: its header was changed after it arrived`);
    if (b.firstSeq !== expected) found(`records ${expected}-${b.firstSeq - 1} are missing before batch ${b.batchId}`);
    else if (header.prevBatchHash !== prevBatch) found(`batch ${b.batchId} does not follow the batch before it`);
    const rows = await store.records(device.id, b.firstSeq, b.lastSeq);
    if (rows.length !== b.lastSeq - b.firstSeq + 1) found(`batch ${b.batchId}: ${b.lastSeq - b.firstSeq + 1 - rows.length} of its records are missing`);
    for (const r of rows) {
      if (chainHash(r.prev, r.body) !== r.hash) found(`record ${r.seq}: its content does not match its hash`);
      if (prevRecord !== undefined && r.seq === expected && r.prev !== prevRecord) found(`record ${r.seq} does not link to record ${r.seq - 1}`);
      prevRecord = r.hash;
      expected = r.seq + 1;
    }
    if (rows.length && merkleRoot(rows.map((r) => r.hash)) !== header.merkleRoot) found(`batch ${b.batchId}: its records do not match the signed Merkle root`);
    records += rows.length;
    prevBatch = b.batchHash;
    expected = b.lastSeq + 1;
  }
  return { deviceId: device.id, ok: problems.length === 0, batches: batches.length, records, lastSeq: expected - 1, problems };
}
