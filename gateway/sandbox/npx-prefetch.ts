// npm servers started by `npx -y <spec>` inside a sandbox without the registry: the
// package is fetched outside first, so npx inside runs it offline from npm's cache.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { RotatingLog } from '../upstream/stderr-log.ts';
import type { StdioLaunch } from '../upstream/stdio-channel.ts';
import { which } from './probe.ts';

/** The package an `npx -y <spec>` launch (upstream/launch.ts) runs, if that is what it is. */
export function npxPackage(launch: StdioLaunch): string | undefined {
  if (!basename(launch.command).startsWith('npx') || launch.args[0] !== '-y') return undefined;
  const spec = launch.args[1];
  return spec && !spec.startsWith('-') ? spec : undefined;
}

const PREFETCH_TIMEOUT_MS = 180_000;

/** Installs a package into npm's npx cache without running it, outside the sandbox. */
export function prefetch(spec: string, env: Record<string, string>, log: RotatingLog): Promise<void> {
  const npm = which(process.platform === 'win32' ? 'npm.cmd' : 'npm', env.PATH);
  if (!npm) return Promise.reject(new Error('npm is not on PATH: it is needed to fetch npm servers before sandboxing them'));
  // From an empty folder, so a project's own node_modules does not answer instead.
  const cwd = mkdtempSync(join(tmpdir(), 'gh-npx-'));
  return new Promise<void>((resolve, reject) => {
    execFile(
      npm,
      ['exec', '--yes', `--package=${spec}`, '--', 'node', '-e', ''],
      { env, cwd, timeout: PREFETCH_TIMEOUT_MS, maxBuffer: 1024 * 1024 },
      (err, _stdout, stderr) => {
        rmSync(cwd, { recursive: true, force: true });
        if (!err) {
          resolve();
          return;
        }
        const said = String(stderr).trim().split('\n').slice(-3).join(' | ').slice(0, 500);
        log.note(`sandbox: could not fetch ${spec} before starting it: ${said || err.message}`);
        reject(new Error(`could not fetch ${spec} with npm before sandboxing it: ${said || err.message}`));
      },
    );
  });
}
