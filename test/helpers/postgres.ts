// A throwaway PostgreSQL cluster from Debian's packages, for tests and benches:
// initdb into a temporary folder, a server on a free loopback port, trust auth.
// As root (CI containers) it runs as the `postgres` user, as PostgreSQL demands.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPostgres {
  url: string;
  stop(): Promise<void>;
}

function binDir(): string | undefined {
  // GATEHOUSE_TEST_POSTGRES_ROOT lets test/e2e/skip-conditions.test.ts hide PostgreSQL from a run.
  const root = process.env.GATEHOUSE_TEST_POSTGRES_ROOT ?? '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : undefined;
}

/** A loopback port nobody listens on now. */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Undefined when PostgreSQL is not installed (outside CI, the caller may skip). */
export async function startPostgres(): Promise<TestPostgres | undefined> {
  const bin = binDir();
  if (!bin) {
    if (process.env.CI) throw new Error('CI must install PostgreSQL (.ci/run does: apt-get install postgresql)');
    return undefined;
  }
  const dir = mkdtempSync(join(tmpdir(), 'gh-pg-'));
  const asRoot = process.getuid?.() === 0;
  const wrap = (cmd: string, args: string[]): [string, string[]] => (asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]);
  if (asRoot) {
    const pw = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    chownSync(dir, Number(pw.stdout.trim()), Number(gid.stdout.trim()));
  }
  const data = join(dir, 'data');
  const [initCmd, initArgs] = wrap(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const init = spawnSync(initCmd, initArgs, { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const port = await freePort();
  const [cmd, args] = wrap(join(bin, 'postgres'), [
    '-D',
    data,
    '-p',
    String(port),
    '-k',
    dir,
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'fsync=off',
    '-c',
    'synchronous_commit=off',
    '-c',
    'full_page_writes=off',
  ]);
  const proc: ChildProcess = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  proc.stderr!.on('data', (c: Buffer) => {
    log += c.toString();
  });
  const deadline = Date.now() + 20_000;
  while (!/ready to accept connections/.test(log)) {
    if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`postgres did not start: ${log.slice(-500)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      if (proc.exitCode === null) {
        // Signals to runuser do not reach the server; pg_ctl stops it through its pid file.
        const [stopCmd, stopArgs] = wrap(join(bin, 'pg_ctl'), ['stop', '-D', data, '-m', 'immediate', '-s']);
        spawnSync(stopCmd, stopArgs);
        await new Promise((r) => {
          if (proc.exitCode !== null) r(undefined);
          else proc.once('exit', r);
        });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
