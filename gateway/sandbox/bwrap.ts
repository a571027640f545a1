import { bridgedCommand, EGRESS_DIR, FORWARDER_PATH, PRELOAD_PATH, type EgressBridge } from './egress-bridge.ts';
import type { ResolvedSandbox } from './policy.ts';

/** A host path that may hold credentials: masked wherever a broader bind would expose it. */
export interface SecretPath {
  path: string;
  dir: boolean;
}

export interface BwrapPlan {
  sandbox: ResolvedSandbox;
  /** System folders/files that exist on this host, bound read-only (/usr, /etc/ssl, …). */
  system: string[];
  /** Merged-/usr links to recreate: [target, path], e.g. ['usr/bin', '/bin']. */
  symlinks: Array<[string, string]>;
  /** What the launch itself needs read-only: Node's folder, an installed package, the CA file, npm's config. */
  runtimeRead: string[];
  /** What the launch itself needs writable: npm's cache, for npx. */
  runtimeWrite: string[];
  secrets: SecretPath[];
  command: string;
  args: string[];
  cwd?: string | undefined;
  /** For an allow-list: the host folder holding the proxy socket, and what carries loopback:3128 to it (its environment: `bridgeEnv`). */
  egress?: { socketDir: string; bridge: EgressBridge } | undefined;
}

const depth = (p: string) => (p === '/' ? 0 : p.split('/').length);
const under = (child: string, parent: string) => parent === '/' || child === parent || child.startsWith(`${parent}/`);

/**
 * The bubblewrap command line for one server. Pure: everything it needs about the
 * host comes in the plan, so the exact argument list is unit-tested.
 *
 * The root is an empty tmpfs; only what is listed appears in it. Binds go parents
 * first, so a read-only folder inside a writable one stays read-only. Credential
 * folders under a bound folder (say `${home}` is readable) are covered with an empty
 * tmpfs or /dev/null unless the bundle names them itself.
 */
export function bwrapArgs(plan: BwrapPlan): string[] {
  const netns = plan.sandbox.network !== 'unrestricted';
  const args = [
    '--die-with-parent',
    '--new-session',
    '--unshare-user',
    '--unshare-pid',
    '--unshare-ipc',
    '--unshare-uts',
    '--unshare-cgroup-try',
    ...(netns ? ['--unshare-net'] : []),
    '--cap-drop',
    'ALL',
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    '--tmpfs',
    '/tmp',
  ];
  const mode = new Map<string, 'ro' | 'rw'>();
  const add = (p: string, m: 'ro' | 'rw') => {
    if (mode.get(p) !== 'rw') mode.set(p, m);
  };
  for (const p of plan.system) add(p, 'ro');
  for (const p of plan.runtimeRead) add(p, 'ro');
  for (const p of plan.sandbox.read) add(p, 'ro');
  for (const p of plan.runtimeWrite) add(p, 'rw');
  for (const p of plan.sandbox.write) add(p, 'rw');
  const links = new Set(plan.symlinks.map(([, path]) => path));
  const bound = [...mode.keys()];
  type Mount = { path: string; op: 'ro' | 'rw' | 'mask-dir' | 'mask-file' };
  const mounts: Mount[] = [...mode.entries()].filter(([p]) => !links.has(p)).map(([path, op]) => ({ path, op }));
  for (const secret of plan.secrets) {
    if (mode.has(secret.path) || !bound.some((b) => under(secret.path, b))) continue;
    mounts.push({ path: secret.path, op: secret.dir ? 'mask-dir' : 'mask-file' });
  }
  // Parents first, so a child bind (or a mask) lands on top of its parent's; a folder
  // named inside a masked one is bound again after the mask.
  mounts.sort((a, b) => depth(a.path) - depth(b.path) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const [target, path] of plan.symlinks) args.push('--symlink', target, path);
  for (const m of mounts) {
    if (m.op === 'ro') args.push('--ro-bind-try', m.path, m.path);
    else if (m.op === 'rw') args.push('--bind-try', m.path, m.path);
    else if (m.op === 'mask-dir') args.push('--tmpfs', m.path);
    else args.push('--ro-bind', '/dev/null', m.path);
  }
  let command = [plan.command, ...plan.args];
  if (plan.egress && netns && typeof plan.sandbox.network === 'object') {
    const { socketDir, bridge } = plan.egress;
    args.push('--ro-bind', socketDir, EGRESS_DIR);
    if (bridge.kind !== 'socat') args.push('--ro-bind', bridge.preload, PRELOAD_PATH);
    if (bridge.kind === 'node') args.push('--ro-bind', bridge.forwarder, FORWARDER_PATH);
    command = bridgedCommand(bridge, command);
  }
  args.push('--chdir', plan.cwd ?? '/', '--', ...command);
  return args;
}
