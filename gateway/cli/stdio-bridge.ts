import { spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDataDir, socketPathFor } from '../config/data-dir.ts';
import { INSTALL_ROOT } from '../config/install-root.ts';
import { runningDaemon, socketAlive } from './daemon-client.ts';

const CLI = join(INSTALL_ROOT, 'bin', 'gatehouse.js');
const START_WAIT_MS = 20_000;
/** A small young generation: ~6 MB less idle memory, no measurable cost on the hot path (docs/performance.md). */
export const DAEMON_NODE_FLAGS = ['--max-semi-space-size=1'];

/**
 * `gatehouse stdio`: joins the IDE's stdin/stdout to the daemon's socket. After one
 * hello line it only moves bytes; messages are parsed once, in the daemon.
 */
export async function runBridge(dataDir: string, agent: string, autoStart: boolean): Promise<void> {
  let path = (await runningDaemon(dataDir))?.socket;
  if (!path) {
    if (!autoStart) throw new Error(`no Gatehouse daemon is running for ${dataDir}. Start one with \`gatehouse daemon --data-dir ${dataDir}\`, or use \`gatehouse stdio --standalone\`.`);
    path = await startDaemonInBackground(dataDir);
  }
  const socket = await open(path);
  socket.setNoDelay(true);
  socket.write(`${JSON.stringify({ gatehouse: 1, agent })}\n`);
  process.stdin.pipe(socket);
  socket.pipe(process.stdout);
  process.stdin.once('end', () => socket.end());
  socket.once('close', () => process.exit(0));
  socket.once('error', (err) => {
    process.stderr.write(`gatehouse stdio: lost the daemon connection: ${err.message}\n`);
    process.exit(1);
  });
}

function open(path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(path);
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

async function startDaemonInBackground(dataDir: string): Promise<string> {
  process.stderr.write(`gatehouse stdio: no daemon running for ${dataDir}; starting one in the background\n`);
  ensureDataDir(dataDir);
  // The daemon outlives this bridge, so its output goes to a log file, not our stdio.
  const log = openSync(join(dataDir, 'logs', 'daemon.log'), 'a', 0o600);
  const child = spawn(process.execPath, [...DAEMON_NODE_FLAGS, CLI, 'daemon', '--data-dir', dataDir], { detached: true, stdio: ['ignore', log, log], env: process.env });
  child.unref();
  closeSync(log);
  const path = socketPathFor(dataDir);
  const deadline = Date.now() + START_WAIT_MS;
  while (Date.now() < deadline) {
    if (await socketAlive(path, 500)) return path;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the daemon did not come up within ${START_WAIT_MS / 1000}s; see ${join(dataDir, 'logs', 'daemon.log')} or run \`gatehouse daemon --data-dir ${dataDir}\` to see why`);
}
