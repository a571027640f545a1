import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { helloProof } from '../gateway/control/daemon-proof.ts';
import { readControlToken, readDaemonFile } from '../gateway/config/data-dir.ts';
import type { DaemonEndpoint } from './dashboard-protocol.ts';
import type { DaemonChild, ProbeResult } from './supervisor.ts';

// The Node side of the supervisor: finding and proving a running daemon, and starting
// one under plain Node with its stderr in the data dir's log (never a pipe nobody reads).

/** What daemon.json points at: nothing, a daemon that proved itself, or a stranger. */
export async function probeDaemon(dataDir: string): Promise<ProbeResult> {
  const info = readDaemonFile(dataDir);
  const token = readControlToken(dataDir);
  if (!info || !token) return { kind: 'none' };
  const base = `http://127.0.0.1:${info.port}`;
  const proof = await helloProof(base, info.port, token);
  // A daemon.json left by a crash, with the port now free: start our own.
  if (!proof.ok) return proof.refused ? { kind: 'none' } : { kind: 'unproven', reason: proof.reason };
  return { kind: 'proven', endpoint: { base, token }, version: proof.version, pid: info.pid };
}

export async function stillProven(endpoint: DaemonEndpoint): Promise<boolean> {
  return (await helloProof(endpoint.base, Number(new URL(endpoint.base).port), endpoint.token)).ok;
}

export interface SpawnSpec {
  node: string;
  cli: string;
  dataDir: string;
  nodeFlags?: readonly string[];
  /** Defaults for the daemon's environment (the user's own values win), e.g. fewer malloc arenas. */
  env?: Readonly<Record<string, string>>;
}

/** Starts `gatehouse daemon --print-token` under plain Node; stdout is ours (a private pipe), stderr goes to the log. */
export function spawnDaemon(spec: SpawnSpec): DaemonChild {
  const logs = join(spec.dataDir, 'logs');
  mkdirSync(logs, { recursive: true, mode: 0o700 });
  const log = openSync(join(logs, 'daemon.log'), 'a', 0o600);
  const env = { ...spec.env, ...process.env };
  // Settings meant for Electron itself must not change how the daemon's Node behaves.
  for (const name of ['ELECTRON_RUN_AS_NODE', 'ELECTRON_NO_ASAR']) delete env[name];
  try {
    const child = spawn(spec.node, [...(spec.nodeFlags ?? []), spec.cli, 'daemon', '--data-dir', spec.dataDir, '--print-token'], {
      stdio: ['ignore', 'pipe', log],
      env,
      windowsHide: true,
    });
    const stdout = child.stdout;
    if (!stdout) throw new Error('the daemon has no stdout pipe');
    stdout.setEncoding('utf8');
    const exits: Array<(code: number | null) => void> = [];
    let exited = false;
    const done = (code: number | null) => {
      if (exited) return;
      exited = true;
      for (const l of exits) l(code);
    };
    child.once('exit', (code) => done(code));
    child.once('error', () => done(null));
    return {
      onStdout: (l) => {
        stdout.on('data', l);
      },
      onExit: (l) => {
        exits.push(l);
      },
      kill: () => {
        if (!exited) child.kill('SIGTERM');
      },
    };
  } finally {
    closeSync(log);
  }
}
