import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { z } from 'zod';
import { BUNDLE_PAYLOAD_TYPE, openEnvelope } from '../../shared/bundle/envelope.ts';
import type { Trust } from '../../shared/bundle/accept.ts';
import { OrgKeySchema, parseBundle, type Bundle, type OrgKey } from '../../shared/bundle/schema.ts';

// The last good org bundle and the trust state (org, keys, highest version),
// kept in SQLite so the desktop governs offline and a restart cannot roll the
// version back. The cached envelope is verified again on load, against the keys
// that accepted it, so an edit to the cache fails closed instead of widening access.

export interface Rejection {
  at: string;
  version: number | null;
  code: string;
  reason: string;
}

export class BundleCache {
  private readonly db: DatabaseSync;

  constructor(dataDir: string) {
    this.db = new DatabaseSync(join(dataDir, 'org-bundles.db'));
    this.db.exec(`
      PRAGMA journal_mode = WAL;
      CREATE TABLE IF NOT EXISTS trust (id INTEGER PRIMARY KEY CHECK (id = 1), org TEXT NOT NULL, keys TEXT NOT NULL, version INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS accepted (version INTEGER PRIMARY KEY, envelope TEXT NOT NULL, verified_by TEXT NOT NULL, accepted_at TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS rejections (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, version INTEGER, code TEXT NOT NULL, reason TEXT NOT NULL);
    `);
  }

  /** The trust state; seeded from the keys pinned at enrollment. */
  trust(org: string, rootKeys: OrgKey[]): Trust {
    const row = this.db.prepare('SELECT org, keys, version FROM trust WHERE id = 1').get() as { org: string; keys: string; version: number } | undefined;
    if (row && row.org === org) return { org, keys: z.array(OrgKeySchema).parse(JSON.parse(row.keys)), version: row.version };
    return { org, keys: rootKeys, version: 0 };
  }

  /** Stores an accepted bundle and the trust it leads to, in one transaction. */
  accept(envelope: unknown, verifiedBy: OrgKey[], next: Trust, at: Date): void {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      this.db.prepare('INSERT OR REPLACE INTO trust (id, org, keys, version) VALUES (1, ?, ?, ?)').run(next.org, JSON.stringify(next.keys), next.version);
      this.db
        .prepare('INSERT OR REPLACE INTO accepted (version, envelope, verified_by, accepted_at) VALUES (?, ?, ?, ?)')
        .run(next.version, JSON.stringify(envelope), JSON.stringify(verifiedBy), at.toISOString());
      this.db.prepare('DELETE FROM accepted WHERE version < ?').run(next.version - 5);
      this.db.exec('COMMIT');
    } catch (err) {
      this.db.exec('ROLLBACK');
      throw err;
    }
  }

  /** The last good bundle, verified again; null when there is none or it no longer verifies. */
  async lastGood(): Promise<{ bundle: Bundle } | { problem: string } | null> {
    const row = this.db.prepare('SELECT a.envelope, a.verified_by FROM accepted a JOIN trust t ON a.version = t.version').get() as
      { envelope: string; verified_by: string } | undefined;
    if (!row) return null;
    const keys = z.array(OrgKeySchema).parse(JSON.parse(row.verified_by));
    const opened = await openEnvelope(JSON.parse(row.envelope), BUNDLE_PAYLOAD_TYPE, new Map(keys.map((k) => [k.keyId, k.publicKey])));
    if (!opened.ok) return { problem: `the cached bundle no longer verifies (${opened.reason}); waiting for the org's` };
    const parsed = parseBundle(JSON.parse(opened.payload));
    if (!parsed.ok) return { problem: "the cached bundle no longer parses; waiting for the org's" };
    return { bundle: parsed.bundle };
  }

  reject(r: Rejection): void {
    this.db.prepare('INSERT INTO rejections (at, version, code, reason) VALUES (?, ?, ?, ?)').run(r.at, r.version, r.code, r.reason);
  }

  lastRejection(): Rejection | null {
    const row = this.db.prepare('SELECT at, version, code, reason FROM rejections ORDER BY id DESC LIMIT 1').get() as Rejection | undefined;
    return row ?? null;
  }

  close(): void {
    this.db.close();
  }
}
