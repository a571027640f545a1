// The local audit log: complete call records with correlation and redaction, a
// hash chain that catches an edited, deleted or reordered row (edited with the
// sqlite3 CLI, as a user with the database would), and durability: after a
// kill -9 under load, every call that returned has its record.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { Client } from '@modelcontextprotocol/client';
import type { AuditRecord } from '../../shared/audit/record.ts';
import { stdioClient } from '../helpers/clients.ts';
import { CLI, startDaemon, stdioServer, tempDir, waitFor, writeBundle, type TestDaemon } from '../helpers/daemon.ts';

const run = promisify(execFile);
const gatehouse = (args: string[]) =>
  run(process.execPath, [CLI, ...args], { maxBuffer: 64 * 1024 * 1024 }).then(
    (r) => ({ code: 0, stdout: r.stdout }),
    (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
  );
const exportRecords = async (dataDir: string) =>
  (await gatehouse(['audit', 'export', '--data-dir', dataDir])).stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as AuditRecord);
const hasSqlite = spawnSync('sqlite3', ['-version']).status === 0;
const sqlite = (db: string, sql: string) => spawnSync('sqlite3', [db, sql], { encoding: 'utf8' });
const bundle = () => writeBundle({ schemaVersion: 1, name: 'audit', version: 7, servers: [stdioServer('fx', 'faulty-server.ts')] });

describe('audit log', () => {
  let d: TestDaemon;
  let client: Client;
  before(async () => {
    d = await startDaemon({ bundle: bundle() });
    client = await stdioClient(d.dataDir, 'auditor');
  });
  after(async () => {
    await client?.close();
    await d?.stop();
  });

  it('records each call: agent, server, tool, redacted arguments, outcome, latency, result summary, bundle version', async () => {
    const trace = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    await client.callTool({
      name: 'fx__echo',
      arguments: { message: 'token ghp_abcdefghijklmnopqrstuvwxyz0123456789AB and AKIAIOSFODNN7EXAMPLE' },
      _meta: { traceparent: trace },
    });
    await client.callTool({ name: 'fx__getenv', arguments: { name: 'HOME' }, _meta: { traceparent: trace } });
    await client.callTool({ name: 'fx__fail_with', arguments: { name: 'NOPE' } });
    const records = await exportRecords(d.dataDir);
    const echo = records.find((r) => r.tool === 'fx__echo')!;
    assert.equal(echo.type, 'tools/call');
    assert.equal(echo.agent, 'auditor');
    assert.equal(echo.server, 'fx');
    assert.equal(echo.outcome, 'ok');
    assert.equal(echo.bundleVersion, 7);
    assert.equal((echo.clientInfo as { name: string }).name, 'test-auditor');
    assert.ok(echo.latencyMs !== null && echo.latencyMs > 0);
    assert.match(echo.result!.sha256, /^[0-9a-f]{64}$/);
    assert.deepEqual(echo.result!.contentTypes, ['text']);
    const text = JSON.stringify(echo);
    assert.ok(!text.includes('ghp_abc') && !text.includes('AKIAIOSFODNN7EXAMPLE'), 'credential shapes are scrubbed from arguments and excerpts');
    assert.match(text, /REDACTED:github-token/);
    // One agent request's calls share the trace id as their correlation id.
    const traced = records.filter((r) => r.correlationId === '4bf92f3577b34da6a3ce929d0e0e4736');
    assert.deepEqual(
      traced.map((r) => r.tool),
      ['fx__echo', 'fx__getenv'],
    );
    // The status counts what the org has not acknowledged yet: nothing is shipped until enrollment.
    const status = await d.control<{ audit: { records: number; unacknowledged: number } }>('/status');
    assert.ok(status.body.audit.records >= records.length, `status counts ${status.body.audit.records} of ${records.length} records`);
    assert.equal(status.body.audit.unacknowledged, status.body.audit.records);
    const failed = records.find((r) => r.tool === 'fx__fail_with')!;
    assert.equal(failed.outcome, 'error');
    assert.match(failed.error ?? '', /upstream auth failed/);
    assert.ok(
      records.every((r, i) => i === 0 || r.id > records[i - 1]!.id),
      'ids are time-ordered',
    );
    const api = await d.control<{ records: { record: AuditRecord }[] }>('/audit?tool=fx__echo');
    assert.equal(api.body.records[0]?.record.id, echo.id);
    const chain = await d.control<{ records: { record: AuditRecord }[] }>('/audit?correlation=4bf92f3577b34da6a3ce929d0e0e4736');
    assert.deepEqual(chain.body.records.map((r) => r.record.tool).sort(), ['fx__echo', 'fx__getenv']);
  });

  it('verifies an intact chain, and refuses UPDATE and DELETE', { skip: !hasSqlite && 'sqlite3 CLI not installed' }, async () => {
    assert.equal((await gatehouse(['audit', 'verify', '--data-dir', d.dataDir])).code, 0);
    const r = sqlite(join(d.dataDir, 'audit.db'), "UPDATE records SET outcome = 'ok' WHERE seq = 1");
    assert.match(r.stderr, /append-only/);
    assert.match(sqlite(join(d.dataDir, 'audit.db'), 'DELETE FROM records WHERE seq = 1').stderr, /append-only/);
  });

  describe('tampering, with the sqlite3 CLI', { skip: !hasSqlite && 'sqlite3 CLI not installed' }, () => {
    /** A copy of the log with its triggers dropped, as someone editing the file would. */
    function tamperedCopy(sql: string): string {
      const dir = tempDir('gh-tamper-');
      sqlite(join(d.dataDir, 'audit.db'), 'PRAGMA wal_checkpoint(FULL)');
      copyFileSync(join(d.dataDir, 'audit.db'), join(dir, 'audit.db'));
      const r = sqlite(join(dir, 'audit.db'), `DROP TRIGGER records_no_update; DROP TRIGGER records_no_delete; ${sql}`);
      assert.equal(r.status, 0, r.stderr);
      return dir;
    }
    const idOf = (seq: number) => sqlite(join(d.dataDir, 'audit.db'), `SELECT id FROM records WHERE seq = ${seq}`).stdout.trim();

    it('catches an edited row and names it', async () => {
      const dir = tamperedCopy('UPDATE records SET body = replace(body, \'"outcome":"error"\', \'"outcome":"ok"\') WHERE seq = 3');
      const r = await gatehouse(['audit', 'verify', '--data-dir', dir]);
      assert.equal(r.code, 1);
      assert.match(r.stdout, new RegExp(`broken at record ${idOf(3)} \\(seq 3\\): its content does not match its hash`));
    });

    it('catches a deleted row', async () => {
      const r = await gatehouse(['audit', 'verify', '--data-dir', tamperedCopy('DELETE FROM records WHERE seq = 2')]);
      assert.equal(r.code, 1);
      assert.match(r.stdout, /record 2 is missing/);
    });

    it('catches two reordered rows', async () => {
      const dir = tamperedCopy(`
        CREATE TEMP TABLE a AS SELECT * FROM records WHERE seq = 1; CREATE TEMP TABLE b AS SELECT * FROM records WHERE seq = 2;
        DELETE FROM records WHERE seq IN (1, 2);
        INSERT INTO records SELECT 1, id, ts, type, agent, server, tool, outcome, correlation, body, prev, hash FROM b;
        INSERT INTO records SELECT 2, id, ts, type, agent, server, tool, outcome, correlation, body, prev, hash FROM a;`);
      const r = await gatehouse(['audit', 'verify', '--data-dir', dir]);
      assert.equal(r.code, 1);
      assert.match(r.stdout, new RegExp(`broken at record ${idOf(2)} \\(seq 1\\)`));
    });
  });
});

describe('audit durability', () => {
  it('keeps the record of every call that returned, through a kill -9 under load', async () => {
    const path = bundle();
    const d = await startDaemon({ bundle: path });
    // --no-start: after the kill the bridge must not start a daemon of its own; this test starts the next one.
    const client = await stdioClient(d.dataDir, 'loader', {}, ['--no-start']);
    await waitFor(async () => (await d.control<{ servers: { state: string }[] }>('/servers')).body.servers.every((s) => s.state === 'ready'));
    const returned: string[] = [];
    let stop = false;
    const workers = Array.from({ length: 8 }, async (_, w) => {
      for (let i = 0; !stop; i++) {
        const message = `w${w}-c${i}`;
        try {
          await client.callTool({ name: 'fx__echo', arguments: { message } });
          returned.push(message);
        } catch {
          return;
        }
      }
    });
    await waitFor(() => returned.length > 300, 20_000, 'load');
    d.proc.kill('SIGKILL');
    stop = true;
    await Promise.all(workers);
    await client.close().catch(() => {});
    assert.ok(existsSync(join(d.dataDir, 'audit.db')));
    const verify = await gatehouse(['audit', 'verify', '--data-dir', d.dataDir]);
    assert.equal(verify.code, 0, verify.stdout);
    const recorded = new Set((await exportRecords(d.dataDir)).map((r) => (r.arguments as { message?: string } | undefined)?.message));
    const lost = returned.filter((m) => !recorded.has(m));
    console.log(`kill -9 after ${returned.length} returned calls: ${lost.length} without a record`);
    assert.deepEqual(lost, []);
    const again = await startDaemon({ bundle: path, dataDir: d.dataDir });
    const c2 = await stdioClient(again.dataDir, 'after-crash');
    await c2.callTool({ name: 'fx__echo', arguments: { message: 'after' } });
    await c2.close();
    await again.stop();
    assert.equal((await gatehouse(['audit', 'verify', '--data-dir', d.dataDir])).code, 0, 'the chain continues across the crash');
  });
});
