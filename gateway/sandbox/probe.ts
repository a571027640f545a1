import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { cutText } from '../../shared/text/cut.ts';

export type SandboxMechanism = 'bubblewrap' | 'sandbox-exec' | 'none';

export interface SandboxSupport {
  mechanism: SandboxMechanism;
  /** The program to run (bwrap or sandbox-exec), when the mechanism works here. */
  program?: string;
  /** When it does not: what is missing and what to install or change. */
  reason?: string;
}

/** First executable of that name on PATH (the daemon's, not a server's). */
export function which(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      /* next */
    }
  }
  return undefined;
}

let cached: SandboxSupport | undefined;

/**
 * Whether this machine can sandbox a server, tried once per daemon: bubblewrap must
 * be installed AND the kernel must let an unprivileged user create namespaces
 * (Debian's kernel.unprivileged_userns_clone, Ubuntu 24.04's AppArmor restriction).
 */
export function sandboxSupport(): SandboxSupport {
  cached ??= probe();
  return cached;
}

/** For tests that need to see a fresh answer. */
export function forgetSandboxSupport(): void {
  cached = undefined;
}

function probe(): SandboxSupport {
  if (process.platform === 'darwin') {
    const program = '/usr/bin/sandbox-exec';
    try {
      accessSync(program, constants.X_OK);
      return { mechanism: 'sandbox-exec', program };
    } catch {
      return { mechanism: 'none', reason: '/usr/bin/sandbox-exec is missing on this Mac' };
    }
  }
  if (process.platform !== 'linux')
    return {
      mechanism: 'none',
      reason: `Gatehouse cannot sandbox servers on ${process.platform === 'win32' ? 'Windows' : process.platform}: they run as the user`,
    };
  const program = which('bwrap', `${process.env.PATH ?? ''}${delimiter}/usr/bin${delimiter}/usr/local/bin`);
  if (!program)
    return { mechanism: 'none', reason: 'bubblewrap is not installed: install it (Debian/Ubuntu: apt install bubblewrap; Fedora: dnf install bubblewrap)' };
  const run = spawnSync(program, ['--unshare-user', '--unshare-pid', '--unshare-net', '--die-with-parent', '--ro-bind', '/', '/', '--proc', '/proc', 'true'], {
    timeout: 5000,
    encoding: 'utf8',
  });
  if (run.status === 0) return { mechanism: 'bubblewrap', program };
  const said = cutText((run.stderr || run.error?.message || `exit ${run.status}`).trim().split('\n')[0]!, 200);
  return {
    mechanism: 'none',
    reason: `bubblewrap cannot create namespaces here (${said}): allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1, or on Ubuntu 24.04+ kernel.apparmor_restrict_unprivileged_userns=0 or an AppArmor profile for bwrap)`,
  };
}
