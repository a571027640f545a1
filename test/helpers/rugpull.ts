import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after } from 'node:test';
import { promisify } from 'node:util';
import type { Client } from '@modelcontextprotocol/client';
import type { PendingChange } from '../../shared/pinning/pending.ts';
import { CLI, FIXTURES, stdioServer, tempDir, waitFor, writeBundle, type TestDaemon } from './daemon.ts';

const run = promisify(execFile);

/**
 * A bundle for the rug-pull server, pinned (by `gatehouse pin --write`) to its
 * original tools: pinned while the server cannot change, then given `env`.
 * `pinning` adds bundle settings (settings.pinning).
 */
export async function pinnedRugBundle(env: Record<string, string>, pinning: Record<string, unknown> = {}, dir = tempDir('gh-pin-')): Promise<string> {
  const server = (e: Record<string, string>) =>
    stdioServer('rug', 'rugpull-server.ts', {
      transport: { type: 'stdio', command: process.execPath, args: [join(FIXTURES, 'servers', 'rugpull-server.ts')], env: e },
    });
  const path = writeBundle(
    { schemaVersion: 1, name: 'pinning', servers: [server({ ...env, RUGPULL_AFTER: '1000' })], settings: { pinning: { trustOnFirstUse: false, ...pinning } } },
    dir,
  );
  await run(process.execPath, [CLI, 'pin', '--bundle', path, '--write', '--data-dir', tempDir()]);
  const pinned = JSON.parse(readFileSync(path, 'utf8')) as { servers: { transport: { env: Record<string, string> } }[] };
  pinned.servers[0]!.transport.env = env;
  writeFileSync(path, JSON.stringify(pinned, null, 2));
  return path;
}

export async function pendingList(d: TestDaemon): Promise<PendingChange[]> {
  return (await d.control<{ pending: PendingChange[] }>('/pending')).body.pending;
}

/** Waits until the daemon holds a change back; the pending list then. */
export function heldChanges(d: TestDaemon): Promise<PendingChange[]> {
  return waitFor(
    async () => {
      const p = await pendingList(d);
      return p.length ? p : undefined;
    },
    15_000,
    'a change to be pending',
  );
}

/** The daemons and clients a suite starts, closed and stopped after it. */
export function stopAfterSuite(): { daemons: TestDaemon[]; clients: Client[] } {
  const started = { daemons: [] as TestDaemon[], clients: [] as Client[] };
  after(async () => {
    for (const c of started.clients) await c.close().catch(() => {});
    for (const d of started.daemons) await d.stop();
  });
  return started;
}
