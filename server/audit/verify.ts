import { BATCH_GENESIS, batchHash, BatchHeaderSchema, checkBatch } from '../../shared/audit/batch.ts';
import { sha256Hex } from './digest.ts';
import type { VerifyReport } from '../../shared/sync/contract.ts';
import type { DeviceRow, ServerStore } from '../store/store.ts';
import { verifierFor } from './ingest.ts';

// The org-side integrity check of one device's trail, CloudTrail-style: every
// stored batch checked again exactly as at ingest (signature, records, Merkle
// root), every batch linked to the one before, and every gap or fork seen at
// ingest reported.

export async function verifyDevice(store: ServerStore, device: DeviceRow): Promise<VerifyReport> {
  const problems: VerifyReport['problems'] = (await store.problems(device.id)).map((p) => ({ kind: p.kind, detail: p.detail, at: p.at }));
  const batches = await store.batches(device.id);
  const verify = verifierFor(device);
  let prevBatch = BATCH_GENESIS;
  let prevRecord: string | undefined;
  let expected = 1;
  let records = 0;
  const found = (detail: string) => problems.push({ kind: 'broken', detail, at: new Date().toISOString() });
  for (const b of batches) {
    const header = BatchHeaderSchema.parse(JSON.parse(b.header));
    if (batchHash(header) !== b.batchHash) found(`batch ${b.batchId}: its header was changed after it arrived`);
    if (b.firstSeq !== expected) found(`records ${expected}-${b.firstSeq - 1} are missing before batch ${b.batchId}`);
    else if (header.prevBatchHash !== prevBatch) found(`batch ${b.batchId} does not follow the batch before it`);
    const rows = await store.records(device.id, b.firstSeq, b.lastSeq);
    const check = await checkBatch(
      { header, signature: b.signature, records: rows.map(({ seq, prev, hash, body }) => ({ seq, prev, hash, body })) },
      verify,
      sha256Hex,
    );
    if (!check.ok) found(`batch ${b.batchId}: ${check.reason}`);
    if (rows[0] && prevRecord !== undefined && rows[0].seq === expected && rows[0].prev !== prevRecord)
      found(`record ${rows[0].seq} does not link to record ${rows[0].seq - 1}`);
    if (rows.length) prevRecord = rows[rows.length - 1]!.hash;
    records += rows.length;
    prevBatch = b.batchHash;
    expected = b.lastSeq + 1;
  }
  return { deviceId: device.id, ok: problems.length === 0, batches: batches.length, records, lastSeq: expected - 1, problems };
}
