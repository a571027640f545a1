import { appendFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { DecisionSchema, PendingChangeSchema, type Decision, type PendingChange } from '../../shared/pinning/pending.ts';
import { writePrivateFileAtomic } from '../config/atomic-write.ts';

// Local pin state, kept in the data dir: what this user accepted and rejected
// (with who, when and why), the changes waiting for a decision, and the last
// approved definition of each tool so a later change can be shown as a diff.
//
// Durability without rewriting everything per decision: pins.json is a snapshot,
// pins.journal the operations since, one JSON line each. A batch of decisions
// (a catalogue refresh judging thousands of tools) becomes one append at commit();
// nothing counts as decided before that append returns. A crash mid-append leaves
// a torn last line, which load ignores. Load replays the journal and folds it into
// a new snapshot (write, then rename), so a crash there leaves the old state or the new.

const EntrySchema = z.object({ server: z.string(), tool: z.string(), hash: z.string(), by: z.string(), at: z.string(), reason: z.string().nullable() });
const DefinitionSchema = z.record(z.string(), z.unknown());
const StoreSchema = z.object({
  version: z.literal(1),
  /** The last journal operation folded into this snapshot: replay skips up to it (a crash between snapshot and journal removal). */
  seq: z.number().int().nonnegative().optional(),
  accepted: z.array(EntrySchema),
  rejected: z.array(EntrySchema),
  pending: z.array(PendingChangeSchema),
  decisions: z.array(DecisionSchema),
  definitions: z.record(z.string(), DefinitionSchema),
});
const OpSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('accept'), seq: z.number(), entry: EntrySchema, definition: DefinitionSchema, decision: DecisionSchema }),
  z.object({ op: z.literal('reject'), seq: z.number(), entry: EntrySchema, decision: DecisionSchema }),
  z.object({ op: z.literal('define'), seq: z.number(), hash: z.string(), definition: DefinitionSchema }),
  z.object({ op: z.literal('pend'), seq: z.number(), change: PendingChangeSchema }),
  z.object({ op: z.literal('unpend'), seq: z.number(), id: z.string() }),
  z.object({ op: z.literal('reopen'), seq: z.number(), entry: EntrySchema, decision: DecisionSchema }),
]);
export type PinEntry = z.infer<typeof EntrySchema>;
type Op = z.infer<typeof OpSchema>;
type OpBody = Op extends infer O ? (O extends Op ? Omit<O, 'seq'> : never) : never;

const MAX_DECISIONS = 10_000;
const pinKey = (server: string, tool: string) => `${server}\u0000${tool}`;
const rejectKey = (server: string, tool: string, hash: string) => `${server}\u0000${tool}\u0000${hash}`;

export class PinStore {
  private readonly path: string | undefined;
  private readonly journalPath: string | undefined;
  private seq = 0;
  /** Operations applied in memory but not yet appended: what commit() makes durable. */
  private unwritten: string[] = [];
  private readonly acceptedByTool = new Map<string, PinEntry>();
  private readonly rejectedByHash = new Map<string, PinEntry>();
  private readonly pendingById = new Map<string, PendingChange>();
  private pendingList: PendingChange[] | undefined;
  private decisionLog: Decision[] = [];
  private readonly definitions = new Map<string, Record<string, unknown>>();

  /** Without a data dir the store lives in memory (tests, `gatehouse scan`). */
  constructor(dataDir?: string) {
    this.path = dataDir ? join(dataDir, 'pins.json') : undefined;
    this.journalPath = dataDir ? join(dataDir, 'pins.journal') : undefined;
    if (!this.path || !this.journalPath) return;
    if (existsSync(this.path)) {
      const parsed = StoreSchema.safeParse(JSON.parse(readFileSync(this.path, 'utf8')));
      if (!parsed.success)
        throw new Error(`${this.path} is damaged (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}); move it aside to start over`);
      const data = parsed.data;
      this.seq = data.seq ?? 0;
      for (const e of data.accepted) this.acceptedByTool.set(pinKey(e.server, e.tool), e);
      for (const e of data.rejected) this.rejectedByHash.set(rejectKey(e.server, e.tool, e.hash), e);
      for (const p of data.pending) this.pendingById.set(p.id, p);
      this.decisionLog = data.decisions;
      for (const [hash, definition] of Object.entries(data.definitions)) this.definitions.set(hash, definition);
    }
    if (existsSync(this.journalPath)) {
      this.replay(readFileSync(this.journalPath, 'utf8'));
      this.compact();
    }
  }

  accepted(server: string, tool: string): PinEntry | undefined {
    return this.acceptedByTool.get(pinKey(server, tool));
  }

  isRejected(server: string, tool: string, hash: string): PinEntry | undefined {
    return this.rejectedByHash.get(rejectKey(server, tool, hash));
  }

  pending(): readonly PendingChange[] {
    return (this.pendingList ??= [...this.pendingById.values()]);
  }
  pendingChange(id: string): PendingChange | undefined {
    return this.pendingById.get(id);
  }
  decisions(): readonly Decision[] {
    return this.decisionLog.length > MAX_DECISIONS ? this.decisionLog.slice(-MAX_DECISIONS) : this.decisionLog;
  }
  definition(hash: string): Record<string, unknown> | undefined {
    return this.definitions.get(hash);
  }

  /** Adds or replaces pending changes; durable at the next commit(). */
  putPending(changes: readonly PendingChange[]): void {
    for (const change of changes) this.apply({ op: 'pend', change });
  }

  /** Drops a server's pending changes that are not in `keep` (its tool list no longer has them); durable at the next commit(). */
  retainPending(server: string, keep: ReadonlySet<string>): boolean {
    const gone = [...this.pendingById.values()].filter((p) => p.server === server && !keep.has(p.id));
    for (const p of gone) this.apply({ op: 'unpend', id: p.id });
    return gone.length > 0;
  }

  /** Keeps an approved definition for later diffs; durable at the next commit(). */
  remember(hash: string, definition: Record<string, unknown>): void {
    if (!this.definitions.has(hash)) this.apply({ op: 'define', hash, definition });
  }

  /** Records an acceptance in memory; the caller commit()s, once per batch, before anyone relies on it. */
  accept(entry: PinEntry, definition: Record<string, unknown>, decision: Decision): void {
    this.apply({ op: 'accept', entry, definition, decision });
  }

  reject(entry: PinEntry, decision: Decision): void {
    this.apply({ op: 'reject', entry, decision });
  }

  /** Lifts a rejection, keeping the decision that did it; durable at the next commit(). */
  reopen(entry: PinEntry, decision: Decision): void {
    this.apply({ op: 'reopen', entry, decision });
  }

  /** Makes every operation so far durable: one append, whatever the batch size. */
  commit(): void {
    if (this.unwritten.length === 0) return;
    const lines = this.unwritten.join('');
    this.unwritten = [];
    if (this.journalPath) appendFileSync(this.journalPath, lines, { mode: 0o600 });
  }

  /** Folds the journal into a fresh snapshot. Costs a full write: load does it, not the batch path. */
  compact(): void {
    this.commit();
    if (!this.path || !this.journalPath) return;
    const snapshot = {
      version: 1,
      seq: this.seq,
      accepted: [...this.acceptedByTool.values()],
      rejected: [...this.rejectedByHash.values()],
      pending: this.pending(),
      decisions: this.decisions(),
      definitions: Object.fromEntries(this.definitions),
    };
    writePrivateFileAtomic(this.path, JSON.stringify(snapshot));
    rmSync(this.journalPath, { force: true });
  }

  private apply(body: OpBody): void {
    const op = { ...body, seq: ++this.seq } as Op;
    this.fold(op);
    if (this.journalPath) this.unwritten.push(`${JSON.stringify(op)}\n`);
  }

  private fold(op: Op): void {
    switch (op.op) {
      case 'accept': {
        const { entry } = op;
        this.acceptedByTool.delete(pinKey(entry.server, entry.tool)); // re-inserted last, as the file lists them
        this.acceptedByTool.set(pinKey(entry.server, entry.tool), entry);
        this.rejectedByHash.delete(rejectKey(entry.server, entry.tool, entry.hash));
        this.definitions.set(entry.hash, op.definition);
        this.decide(op.decision);
        break;
      }
      case 'reject': {
        const { entry } = op;
        const key = rejectKey(entry.server, entry.tool, entry.hash);
        this.rejectedByHash.delete(key);
        this.rejectedByHash.set(key, entry);
        this.decide(op.decision);
        break;
      }
      case 'define':
        this.definitions.set(op.hash, op.definition);
        break;
      case 'pend':
        this.pendingById.set(op.change.id, op.change);
        this.pendingList = undefined;
        break;
      case 'unpend':
        if (this.pendingById.delete(op.id)) this.pendingList = undefined;
        break;
      case 'reopen':
        this.rejectedByHash.delete(rejectKey(op.entry.server, op.entry.tool, op.entry.hash));
        this.decide(op.decision);
        break;
    }
  }

  private decide(decision: Decision): void {
    if (this.pendingById.delete(decision.id)) this.pendingList = undefined;
    this.decisionLog.push(decision);
    // Trimmed in steps, not per push: a batch of thousands of decisions stays linear.
    if (this.decisionLog.length > 2 * MAX_DECISIONS) this.decisionLog = this.decisionLog.slice(-MAX_DECISIONS);
  }

  private replay(text: string): void {
    // Only newline-terminated lines were fully written; a torn tail is an append the crash interrupted.
    const end = text.lastIndexOf('\n');
    const lines = end < 0 ? [] : text.slice(0, end).split('\n');
    for (const [i, line] of lines.entries()) {
      if (!line) continue;
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        json = undefined;
      }
      const parsed = OpSchema.safeParse(json);
      if (!parsed.success) throw new Error(`${this.journalPath} is damaged at line ${i + 1}; move it aside to fall back to pins.json`);
      if (parsed.data.seq <= this.seq) continue;
      this.seq = parsed.data.seq;
      this.fold(parsed.data);
    }
  }
}
