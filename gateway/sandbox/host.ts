// What a sandbox needs to know about this desktop: which system paths exist, where the
// launch's own runtime lives, which credential stores to mask, and the ${home} and
// ${workspace} values. Gathered at each start; the argument list itself is built by
// the pure bwrap.ts / seatbelt.ts from these facts.
import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join } from 'node:path';
import type { StdioLaunch } from '../upstream/stdio-channel.ts';
import type { SecretPath } from './bwrap.ts';
import { which } from './probe.ts';

/** Where ${home}, ${dataDir} and ${workspace} come from: the daemon's environment and the launch's variables. */
export interface HostContext {
  vars: Record<string, string>;
  env: NodeJS.ProcessEnv;
}

/**
 * Drops entries that are, or pass through, a symbolic link: a server that may write a
 * folder could plant `link -> ~/.ssh` there, and a later bind of a path through it would
 * follow the link on the host.
 */
export function canonicalOnly(paths: readonly string[], dropped: string[]): string[] {
  return paths.filter((p) => {
    // A missing path is judged by its nearest existing folder, before anything is made there.
    let at = p;
    let real: string | undefined;
    while (real === undefined) {
      try {
        real = realpathSync(at);
      } catch {
        const up = dirname(at);
        if (up === at) return true;
        at = up;
      }
    }
    if (real === at) return true;
    dropped.push(`${p} (a symbolic link: name the real path)`);
    return false;
  });
}

/** The home folder as a real path, so `${home}/…` entries compare with what realpath gives. */
function homeOf(ctx: HostContext): string {
  const home = ctx.env.HOME ?? homedir();
  try {
    return realpathSync(home);
  } catch {
    return home;
  }
}

/** ${dataDir}, ${bundleDir}, ${node} from the launch, plus ${home} and ${workspace} from this desktop. */
export function sandboxVars(ctx: HostContext): Record<string, string> {
  const vars: Record<string, string> = { ...ctx.vars, home: homeOf(ctx) };
  const workspace = ctx.env.GATEHOUSE_WORKSPACE;
  if (workspace && isAbsolute(workspace)) vars.workspace = workspace;
  return vars;
}

/** What the launch itself must reach: Node, the command, an installed package, certificates, npm's cache. */
export function runtimeFor(launch: StdioLaunch, env: Record<string, string>): { read: string[]; write: string[] } {
  const read = new Set<string>();
  const write = new Set<string>();
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return undefined;
    }
  };
  const node = real(process.execPath);
  if (node) read.add(dirname(dirname(node)));
  const command = isAbsolute(launch.command) ? launch.command : which(launch.command, env.PATH);
  const resolved = command && real(command);
  if (command && resolved) {
    read.add(dirname(command));
    read.add(dirname(dirname(resolved)));
  }
  const script = launch.args[0];
  if (script && isAbsolute(script)) {
    const at = script.indexOf('/node_modules/');
    if (at > 0) read.add(script.slice(0, at + '/node_modules'.length));
  }
  for (const name of ['NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'SSL_CERT_DIR']) {
    const value = env[name];
    if (value && isAbsolute(value)) read.add(value);
  }
  if (command && basename(command).startsWith('npx')) {
    const home = env.HOME ?? homedir();
    write.add(env.npm_config_cache ?? env.NPM_CONFIG_CACHE ?? join(home, '.npm'));
    read.add(env.npm_config_userconfig ?? join(home, '.npmrc'));
  }
  read.delete('/');
  return { read: [...read], write: [...write] };
}

/** Folders of this host every server needs read-only, and the merged-/usr links to keep. */
export function hostLayout(): { system: string[]; symlinks: Array<[string, string]> } {
  const system: string[] = [];
  const symlinks: Array<[string, string]> = [];
  const candidates = [
    '/usr',
    '/bin',
    '/sbin',
    '/lib',
    '/lib32',
    '/lib64',
    '/libx32',
    '/etc/ssl',
    '/etc/ca-certificates',
    '/etc/pki',
    '/etc/crypto-policies',
    '/etc/resolv.conf',
    '/etc/hosts',
    '/etc/nsswitch.conf',
    '/etc/host.conf',
    '/etc/gai.conf',
    '/etc/passwd',
    '/etc/group',
    '/etc/localtime',
    '/etc/alternatives',
    '/etc/ld.so.cache',
    '/etc/ld.so.conf',
    '/etc/ld.so.conf.d',
    '/etc/os-release',
    '/etc/npmrc',
  ];
  for (const path of candidates) {
    try {
      const st = lstatSync(path);
      if (st.isSymbolicLink() && !path.startsWith('/etc/')) symlinks.push([readlinkSync(path), path]);
      else system.push(path);
    } catch {
      /* not on this host */
    }
  }
  return { system, symlinks };
}

/**
 * Credential stores that must stay out of reach even when a broader folder (the home
 * folder, say) is readable; also Gatehouse's own data folder, which holds the control
 * token, pins and audit log.
 */
export function secretPaths(ctx: HostContext): SecretPath[] {
  const home = homeOf(ctx);
  const dirs = [
    '.ssh',
    '.aws',
    '.gnupg',
    '.kube',
    '.docker',
    '.azure',
    '.config/gcloud',
    '.config/gh',
    '.password-store',
    '.local/share/keyrings',
    '.mozilla',
    '.config/google-chrome',
    '.config/chromium',
  ];
  const files = ['.netrc', '.git-credentials', '.pgpass', '.npmrc', '.pypirc', '.bash_history', '.zsh_history'];
  const out: SecretPath[] = [];
  const exists = (p: string, dir: boolean) => {
    try {
      const st = lstatSync(p);
      return dir ? st.isDirectory() : st.isFile();
    } catch {
      return false;
    }
  };
  for (const d of dirs) if (exists(join(home, d), true)) out.push({ path: join(home, d), dir: true });
  for (const f of files) if (exists(join(home, f), false)) out.push({ path: join(home, f), dir: false });
  const data = ctx.vars.dataDir;
  if (data && exists(data, true)) out.push({ path: data, dir: true });
  return out;
}
