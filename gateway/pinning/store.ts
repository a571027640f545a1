import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { DecisionSchema, PendingChangeSchema, type Decision, type PendingChange } from '../../shared/pinning/pending.ts';

// Local pin state, kept in the data dir: what this user accepted and rejected
// (with who, when and why), the changes waiting for a decision, and the last
// approved definition of each tool so a later change can be shown as a diff.
// Writes are atomic (write, then rename), so a crash leaves the old file or the new.

const EntrySchema = z.object({ server: z.string(), tool: z.string(), hash: z.string(), by: z.string(), at: z.string(), reason: z.string().nullable() });
const StoreSchema = z.object({
  version: z.literal(1),
  accepted: z.array(EntrySchema),
  rejected: z.array(EntrySchema),
  pending: z.array(PendingChangeSchema),
  decisions: z.array(DecisionSchema),
  definitions: z.record(z.string(), z.record(z.string(), z.unknown())),
});
export type PinEntry = z.infer<typeof EntrySchema>;
type StoreFile = z.infer<typeof StoreSchema>;

const MAX_DECISIONS = 10_000;

export class PinStore {
  private readonly path: string | undefined;
  private dirty = false;
  private data: StoreFile = { version: 1, accepted: [], rejected: [], pending: [], decisions: [], definitions: {} };

  /** Without a data dir the store lives in memory (tests, `gatehouse scan`). */
  constructor(dataDir?: string) {
    this.path = dataDir ? join(dataDir, 'pins.json') : undefined;
    if (this.path && existsSync(this.path)) {
      const parsed = StoreSchema.safeParse(JSON.parse(readFileSync(this.path, 'utf8')));
      if (!parsed.success) throw new Error(`${this.path} is damaged (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}); move it aside to start over`);
      this.data = parsed.data;
    }
  }

  accepted(server: string, tool: string): PinEntry | undefined {
    return this.data.accepted.find((e) => e.server === server && e.tool === tool);
  }

  isRejected(server: string, tool: string, hash: string): PinEntry | undefined {
    return this.data.rejected.find((e) => e.server === server && e.tool === tool && e.hash === hash);
  }

  pending(): readonly PendingChange[] { return this.data.pending; }
  decisions(): readonly Decision[] { return this.data.decisions; }
  definition(hash: string): Record<string, unknown> | undefined { return this.data.definitions[hash]; }

  /** Replaces the pending changes of one server (they are recomputed from its tool list). */
  setPending(server: string, changes: PendingChange[]): boolean {
    const before = JSON.stringify(this.data.pending.filter((p) => p.server === server).map((p) => p.id).sort());
    this.data.pending = [...this.data.pending.filter((p) => p.server !== server), ...changes];
    const changed = before !== JSON.stringify(changes.map((p) => p.id).sort());
    if (changed || this.dirty) this.save();
    return changed;
  }

  /** Keeps an approved definition for later diffs; written at the next flush(). */
  remember(hash: string, definition: Record<string, unknown>): void {
    if (this.data.definitions[hash]) return;
    this.data.definitions[hash] = definition;
    this.dirty = true;
  }

  flush(): void {
    if (this.dirty) this.save();
  }

  accept(entry: PinEntry, definition: Record<string, unknown>, decision: Decision): void {
    this.data.accepted = [...this.data.accepted.filter((e) => !(e.server === entry.server && e.tool === entry.tool)), entry];
    this.data.rejected = this.data.rejected.filter((e) => !(e.server === entry.server && e.tool === entry.tool && e.hash === entry.hash));
    this.data.definitions[entry.hash] = definition;
    this.record(decision);
  }

  reject(entry: PinEntry, decision: Decision): void {
    this.data.rejected = [...this.data.rejected.filter((e) => !(e.server === entry.server && e.tool === entry.tool && e.hash === entry.hash)), entry];
    this.record(decision);
  }

  private record(decision: Decision): void {
    this.data.pending = this.data.pending.filter((p) => p.id !== decision.id);
    this.data.decisions.push(decision);
    if (this.data.decisions.length > MAX_DECISIONS) this.data.decisions.splice(0, this.data.decisions.length - MAX_DECISIONS);
    this.save();
  }

  private save(): void {
    this.dirty = false;
    if (!this.path) return;
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.data), { mode: 0o600 });
    renameSync(tmp, this.path);
  }
}
