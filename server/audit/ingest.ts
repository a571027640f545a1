import { batchHash, checkBatch, continuity, SignedBatchSchema, type SignedBatch, type Verify } from '../../shared/audit/batch.ts';
import { sha256Hex } from './digest.ts';
import { AuditRecordSchema } from '../../shared/audit/record.ts';
import { verifyEd25519 } from '../../shared/signing/ed25519.ts';
import type { DeviceRow, RecordIndex, ServerStore, StoredRecord } from '../store/store.ts';

// Where a device's signed audit batch is checked and stored: the signature
// against the key the device registered at enrollment, the records against the
// signed Merkle root, the batch against the device's chain so far (a replay is
// acknowledged again, a gap is recorded, a fork is refused).

export type IngestResult =
  { status: 200; body: { batchId: string; status: 'accepted' | 'duplicate' } } | { status: 400 | 401 | 403 | 409; body: { error: string; code: string } };

/**
 * A body's text as a search column. PostgreSQL's text cannot hold U+0000, and the names in a
 * record come from upstream servers and the local login, which nothing vets for it: refused,
 * that record's batch would hold back every later batch from the device. The body keeps it
 * (escaped, as canonical JSON writes it).
 */
const searchable = (text: string): string => (text.includes('\0') ? text.replaceAll('\0', '\uFFFD') : text);

/** Checks a batch signature against the key the device registered at enrollment. */
export function verifierFor(device: DeviceRow): Verify {
  return (message, signature) => verifyEd25519(device.publicKey, new Uint8Array(message), new Uint8Array(signature));
}

export async function ingestBatch(store: ServerStore, device: DeviceRow, body: unknown, now: Date): Promise<IngestResult> {
  const parsed = SignedBatchSchema.safeParse(body);
  if (!parsed.success) return { status: 400, body: { error: `not a signed batch: ${parsed.error.issues[0]?.message ?? ''}`, code: 'malformed' } };
  const batch = parsed.data;
  if (batch.header.deviceId !== device.id)
    return { status: 403, body: { error: `this device is "${device.id}", the batch says "${batch.header.deviceId}"`, code: 'device' } };
  const check = await checkBatch(batch, verifierFor(device), sha256Hex);
  if (!check.ok) {
    await store.addProblem({ deviceId: device.id, kind: 'rejected', detail: `batch ${batch.header.batchId}: ${check.reason}`, at: now.toISOString() });
    return { status: 401, body: { error: check.reason, code: 'signature' } };
  }
  const placed = await place(store, device, batch, now);
  if (placed) return placed;
  const rows: (StoredRecord & RecordIndex)[] = [];
  for (const r of batch.records) {
    let index: RecordIndex;
    try {
      const rec = AuditRecordSchema.parse(JSON.parse(r.body));
      index = {
        ts: searchable(rec.ts),
        user: searchable(rec.user),
        agent: rec.agent === null ? null : searchable(rec.agent),
        server: rec.server === null ? null : searchable(rec.server),
        tool: rec.tool === null ? null : searchable(rec.tool),
        outcome: rec.outcome,
        type: rec.type,
        correlationId: searchable(rec.correlationId),
      };
    } catch {
      // Signed and chained, so kept as it is; it just cannot be indexed.
      index = { ts: now.toISOString(), user: '?', agent: null, server: null, tool: null, outcome: 'error', type: 'unparsed' };
    }
    rows.push({ deviceId: device.id, seq: r.seq, hash: r.hash, prev: r.prev, body: r.body, batchId: batch.header.batchId, ...index });
  }
  const lastRecord = batch.records[batch.records.length - 1]!;
  try {
    await store.storeBatch(
      {
        batchId: batch.header.batchId,
        deviceId: device.id,
        firstSeq: batch.header.firstSeq,
        lastSeq: batch.header.lastSeq,
        batchHash: batchHash(batch.header),
        prevBatchHash: batch.header.prevBatchHash,
        lastRecordHash: lastRecord.hash,
        header: JSON.stringify(batch.header),
        signature: batch.signature,
        receivedAt: now.toISOString(),
      },
      rows,
    );
  } catch (err) {
    // A retry that crossed its first attempt (or a rival batch for the same range) lost
    // the race to the primary key: the batch is placed again against what won.
    const placed = await place(store, device, batch, now, false);
    if (placed) return placed;
    throw err;
  }
  return { status: 200, body: { batchId: batch.header.batchId, status: 'accepted' } };
}

/**
 * Where the batch sits in the device's chain: an answer for a replay, a fork (recorded),
 * or null to store it (a gap is recorded first, unless `recordGap` is false: the gap of a
 * batch placed again was recorded the first time).
 */
async function place(store: ServerStore, device: DeviceRow, batch: SignedBatch, now: Date, recordGap = true): Promise<IngestResult | null> {
  const [last, held] = await Promise.all([store.lastBatch(device.id), store.batchHash(batch.header.batchId)]);
  const head = last ? { lastSeq: last.lastSeq, lastRecordHash: last.lastRecordHash, lastBatchHash: last.batchHash } : null;
  const place = continuity(head, batch, () => held);
  if (place.kind === 'duplicate') return { status: 200, body: { batchId: batch.header.batchId, status: 'duplicate' } };
  if (place.kind === 'fork') {
    await store.addProblem({ deviceId: device.id, kind: 'fork', detail: `batch ${batch.header.batchId}: ${place.reason}`, at: now.toISOString() });
    return { status: 409, body: { error: place.reason, code: 'fork' } };
  }
  if (place.kind === 'gap' && recordGap) {
    await store.addProblem({
      deviceId: device.id,
      kind: 'gap',
      detail: `records ${place.missingFrom}-${place.missingTo} never arrived (before batch ${batch.header.batchId})`,
      at: now.toISOString(),
    });
  }
  return null;
}
