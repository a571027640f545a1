import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { AuditLog } from './log.ts';

const LOG = fileURLToPath(new URL('./log.ts', import.meta.url));

/** A process that appends records, waits until each is durable, and is killed before SQLite sees any. */
function appendThenDie(dir: string, n: number): void {
  const script = `
    import { AuditLog } from ${JSON.stringify(LOG)};
    const log = new AuditLog(${JSON.stringify(dir)});
    const rec = (i) => ({ id: 'r' + i, ts: new Date().toISOString(), type: 'tools/call', correlationId: 'c', user: 'u', agent: 'a', clientInfo: null, server: 's', tool: 't', decision: null, outcome: 'ok', error: null, latencyMs: 1, result: null, bundleVersion: 1 });
    await Promise.all(Array.from({ length: ${n} }, (_, i) => new Promise((r) => log.append(rec(i), r))));
    process.kill(process.pid, 'SIGKILL');
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.signal, 'SIGKILL', r.stderr);
}

describe('the audit journal', () => {
  it('keeps records that were durable when the process was killed, and replays them at the next start', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-journal-'));
    appendThenDie(dir, 50);
    assert.ok(statSync(join(dir, 'audit.journal')).size > 0, 'the records were in the journal, not yet in SQLite');
    const log = new AuditLog(dir);
    const v = log.verify();
    assert.deepEqual([v.ok, v.records], [true, 50]);
    log.close();
    assert.equal(statSync(join(dir, 'audit.journal')).size, 0, 'emptied once SQLite holds them');
    appendThenDie(dir, 7);
    const again = new AuditLog(dir);
    assert.equal(again.verify().records, 57);
    again.close();
  });

  it('ignores a torn last line, and does not take a journal with a record missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-journal-'));
    appendThenDie(dir, 3);
    const journal = join(dir, 'audit.journal');
    appendFileSync(journal, '4\t{"id":"r3","ts":"2026'); // a write cut short
    const log = new AuditLog(dir);
    assert.equal(log.verify().records, 3);
    log.close();
    appendThenDie(dir, 2);
    // Someone removes a journalled record before it reaches SQLite: the sequence breaks, so nothing after it is taken.
    const text = readFileSync(journal, 'utf8')
      .split('\n')
      .filter((l) => !l.startsWith('4\t'))
      .join('\n');
    appendFileSync(join(dir, 'edited.journal'), text);
    spawnSync('cp', [join(dir, 'edited.journal'), journal]);
    const edited = new AuditLog(dir);
    assert.equal(edited.verify().records, 4, 'the records after the gap stay out; a record says so');
    assert.equal(edited.query({ limit: 1 })[0]!.record.type, 'integrity');
    assert.ok(
      readdirSync(dir).some((f) => f.startsWith('audit.journal.rejected-')),
      'the altered journal is kept as evidence',
    );
    edited.close();
    // Logging goes on from the chain SQLite holds, and later records are not lost behind the bad lines.
    appendThenDie(dir, 4);
    const later = new AuditLog(dir);
    assert.deepEqual([later.verify().ok, later.verify().records], [true, 8]);
    later.close();
  });
});
