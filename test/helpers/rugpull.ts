import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CLI, FIXTURES, stdioServer, tempDir, writeBundle } from './daemon.ts';

const run = promisify(execFile);

/**
 * A bundle for the rug-pull server, pinned (by `gatehouse pin --write`) to its
 * original tools: pinned while the server cannot change, then given `env`.
 * `pinning` adds bundle settings (settings.pinning).
 */
export async function pinnedRugBundle(env: Record<string, string>, pinning: Record<string, unknown> = {}, dir = tempDir('gh-pin-')): Promise<string> {
  const server = (e: Record<string, string>) => stdioServer('rug', 'rugpull-server.ts', { transport: { type: 'stdio', command: process.execPath, args: [join(FIXTURES, 'servers', 'rugpull-server.ts')], env: e } });
  const path = writeBundle({ schemaVersion: 1, name: 'pinning', servers: [server({ ...env, RUGPULL_AFTER: '1000' })], settings: { pinning: { trustOnFirstUse: false, ...pinning } } }, dir);
  await run(process.execPath, [CLI, 'pin', '--bundle', path, '--write', '--data-dir', tempDir()]);
  const pinned = JSON.parse(readFileSync(path, 'utf8')) as { servers: { transport: { env: Record<string, string> } }[] };
  pinned.servers[0]!.transport.env = env;
  writeFileSync(path, JSON.stringify(pinned, null, 2));
  return path;
}
