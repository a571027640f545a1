import { connect } from 'node:net';
import { z } from 'zod';
import { StatusSchema, type Status } from '../../shared/control/contract.ts';
import { readControlToken, readDaemonFile, type DaemonFile } from '../config/data-dir.ts';

/** Resolves when something accepts connections on the socket. */
export function socketAlive(path: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    const timer = setTimeout(() => {
      s.destroy();
      resolve(false);
    }, timeoutMs);
    s.once('connect', () => {
      clearTimeout(timer);
      s.destroy();
      resolve(true);
    });
    s.once('error', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}

export async function runningDaemon(dataDir: string): Promise<DaemonFile | undefined> {
  const info = readDaemonFile(dataDir);
  if (!info) return undefined;
  return (await socketAlive(info.socket)) ? info : undefined;
}

export class ControlClient {
  private readonly base: string;
  private readonly token: string;
  /** Where the daemon listens, e.g. for the dashboard's address. */
  readonly origin: string;

  constructor(port: number, token: string) {
    this.origin = `http://127.0.0.1:${port}`;
    this.base = `${this.origin}/api/v1`;
    this.token = token;
  }

  static async forDataDir(dataDir: string): Promise<ControlClient> {
    const info = await runningDaemon(dataDir);
    if (!info) throw new Error(`no Gatehouse daemon is running for ${dataDir}; start one with \`gatehouse daemon\``);
    const token = readControlToken(dataDir);
    if (!token) throw new Error(`no control token in ${dataDir}`);
    return new ControlClient(info.port, token);
  }

  async call<T>(method: string, path: string, schema: z.ZodType<T>, body?: unknown): Promise<T> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    }).catch((err: Error) => {
      throw new Error(
        `the daemon at ${this.origin} stopped answering (${(err.cause as Error | undefined)?.message ?? err.message}); \`gatehouse status\` says whether it still runs`,
      );
    });
    const json: unknown = await res.json().catch(() => ({}));
    if (!res.ok) {
      const error = (json as { error?: unknown }).error;
      // The daemon's routes are its business: a route it does not know means it is older than this CLI.
      if (res.status === 404 && typeof error === 'string' && error.startsWith('no such endpoint'))
        throw new Error(
          'nothing matches that: check the id or name you gave (a daemon older than this CLI answers this too: restart it if you just updated Gatehouse)',
        );
      throw new Error(typeof error === 'string' ? error : `the daemon answered ${res.status}`);
    }
    return schema.parse(json);
  }

  status(): Promise<Status> {
    return this.call('GET', '/status', StatusSchema);
  }
}
