import { randomBytes } from 'node:crypto';
import { nodeSha256Hex } from '../hashing/sha256.ts';
import { chmodSync, existsSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { writePrivateFileAtomic } from './atomic-write.ts';

/** The per-user data folder: the OS's app-data location + /gatehouse, or $GATEHOUSE_DATA_DIR. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.GATEHOUSE_DATA_DIR) return env.GATEHOUSE_DATA_DIR;
  if (process.platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'gatehouse');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'gatehouse');
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'gatehouse');
}

/**
 * Creates the data dir private to the user. mkdir's mode applies only to a folder
 * it creates (and is narrowed by the umask), so one that already existed, made by
 * an older version, a backup restore or by hand, is narrowed to 0700 here too.
 */
export function ensureDataDir(dir: string): string {
  for (const path of [dir, join(dir, 'logs')]) {
    mkdirSync(path, { recursive: true, mode: 0o700 });
    if (process.platform === 'win32') continue;
    try {
      chmodSync(path, 0o700);
    } catch (err) {
      throw new Error(
        `cannot make ${path} private to this user (${(err as NodeJS.ErrnoException).code ?? 'error'}): it must belong to you; fix its owner or choose another folder with GATEHOUSE_DATA_DIR`,
        { cause: err },
      );
    }
  }
  return dir;
}

/** Unix socket paths are capped near 104 bytes; long data dirs fall back to a hashed name in the temp dir. */
export function socketPathFor(dataDir: string): string {
  const tag = nodeSha256Hex(dataDir).slice(0, 12);
  if (process.platform === 'win32') return `\\\\.\\pipe\\gatehouse-${tag}`;
  const inDir = join(dataDir, 'gatehouse.sock');
  if (Buffer.byteLength(inDir) < 100) return inDir;
  return join(tmpdir(), `gatehouse-${process.getuid?.() ?? 'u'}-${tag}.sock`);
}

/** The control token the CLI and the desktop app use; created once, readable only by the user. */
export function controlToken(dataDir: string): string {
  const path = join(dataDir, 'control-token');
  if (existsSync(path)) {
    const token = readFileSync(path, 'utf8').trim();
    if (token.length >= 32) return token;
  }
  const token = `ghc_${randomBytes(32).toString('base64url')}`;
  writeFileSync(path, `${token}\n`, { mode: 0o600 });
  return token;
}

export function readControlToken(dataDir: string): string | undefined {
  const path = join(dataDir, 'control-token');
  return existsSync(path) ? readFileSync(path, 'utf8').trim() : undefined;
}

const DaemonFileSchema = z.object({ pid: z.number(), port: z.number(), socket: z.string(), startedAt: z.string() });
export type DaemonFile = z.infer<typeof DaemonFileSchema>;

/** Where a running daemon can be found, for `gatehouse stdio` and `gatehouse status`. */
export function writeDaemonFile(dataDir: string, info: DaemonFile): void {
  const path = join(dataDir, 'daemon.json');
  writePrivateFileAtomic(path, JSON.stringify(info));
}

export function readDaemonFile(dataDir: string): DaemonFile | undefined {
  const path = join(dataDir, 'daemon.json');
  if (!existsSync(path)) return undefined;
  try {
    const parsed = DaemonFileSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function removeDaemonFile(dataDir: string, pid: number): void {
  const current = readDaemonFile(dataDir);
  if (current?.pid === pid)
    try {
      unlinkSync(join(dataDir, 'daemon.json'));
    } catch {
      /* already gone */
    }
}
