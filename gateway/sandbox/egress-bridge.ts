import { closeSync, openSync, readSync, realpathSync } from 'node:fs';
import { dirname, extname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { which } from './probe.ts';

/** Where the egress proxy's socket appears inside the sandbox. */
export const EGRESS_DIR = '/run/gatehouse-egress';
export const EGRESS_SOCKET = `${EGRESS_DIR}/proxy.sock`;
/** The bridge itself (egress-preload.cts from source, .cjs when built: plain CommonJS either way) as Node sees it inside. */
export const PRELOAD_PATH = '/run/gatehouse/egress-preload.cjs';
/** The Node forwarder (forwarder.ts from source, .js when built: plain JavaScript either way) as Node sees it inside. */
export const FORWARDER_PATH = '/run/gatehouse/forwarder.mjs';
/** The loopback port the bridge listens on inside the sandbox's own network namespace. */
export const FORWARDER_PORT = 3128;

/**
 * What carries the sandbox's loopback port 3128 to the egress proxy's unix socket.
 * - `in-process`: a server run by the daemon's own Node gets the bridge
 *   (egress-preload.cts) preloaded into its process: a module load, no process start;
 * - `socat` (when this host has it under /usr, so it is inside every sandbox) for any
 *   other server: a process start, 40-100 ms on a busy 2-core machine;
 * - `node`: the same bridge in a Node process of its own (forwarder.ts) in front of the
 *   server, where there is no socat: a second Node boot, hundreds of milliseconds.
 */
export type EgressBridge =
  | { kind: 'in-process'; preload: string }
  | { kind: 'socat'; shell: string; socat: string }
  | { kind: 'node'; node: string; forwarder: string; preload: string };

/**
 * Run by `sh -c` inside the sandbox: start socat, wait until its port is listening,
 * then become the server. The server never starts before the bridge listens, so its
 * first proxy connection is never refused for being early; if socat does not come up
 * the server does not start at all. The wait reads /proc/net/tcp (this network
 * namespace's sockets) with shell builtins only, twenty times without pausing
 * (socat binds within milliseconds on a quiet machine), then every 5 ms, for about
 * 5 s at most.
 * Nothing else runs in the namespace yet, so a listener on the port is socat's.
 *   sh -c SCRIPT gatehouse-egress <socat> <port> <port as 4 hex digits> <socket> <command> [args…]
 */
export const SOCAT_BRIDGE_SCRIPT = [
  'socat=$1 port=$2 hex=$3 sock=$4; shift 4',
  '"$socat" "TCP-LISTEN:$port,bind=127.0.0.1,fork,reuseaddr,backlog=128" "UNIX-CONNECT:$sock" </dev/null >/dev/null &',
  'bridge=$!',
  'listening() { while read -r _ addr _ state _; do case $addr in *:$hex) [ "$state" = 0A ] && return 0;; esac; done </proc/net/tcp; return 1; }',
  'tries=0',
  'until listening; do',
  '  tries=$((tries + 1))',
  '  if ! kill -0 "$bridge" 2>/dev/null; then echo "gatehouse: the egress bridge (socat) exited before listening; the server is not started" >&2; exit 70; fi',
  '  if [ "$tries" -gt 1000 ]; then echo "gatehouse: the egress bridge (socat) did not listen within 5 s; the server is not started" >&2; kill "$bridge"; exit 70; fi',
  '  if [ "$tries" -gt 20 ]; then sleep 0.005; fi',
  'done',
  'exec "$@"',
].join('\n');

/** The command line that starts the bridge and then the server, inside the sandbox. */
export function bridgedCommand(bridge: EgressBridge, command: readonly string[]): string[] {
  if (bridge.kind === 'in-process') return [...command];
  if (bridge.kind === 'node') return [bridge.node, `--require=${PRELOAD_PATH}`, FORWARDER_PATH, '--', ...command];
  const hex = FORWARDER_PORT.toString(16).toUpperCase().padStart(4, '0');
  return [bridge.shell, '-c', SOCAT_BRIDGE_SCRIPT, 'gatehouse-egress', bridge.socat, String(FORWARDER_PORT), hex, EGRESS_SOCKET, ...command];
}

/** What the bridge reads from the environment: where to listen and where to carry; for in-process, the preload (the server's own NODE_OPTIONS kept after it). */
export function bridgeEnv(bridge: EgressBridge, env: Record<string, string>): Record<string, string> {
  if (bridge.kind === 'socat') return env;
  const out: Record<string, string> = { ...env, GATEHOUSE_EGRESS_BRIDGE: `${FORWARDER_PORT} ${EGRESS_SOCKET}` };
  if (bridge.kind === 'in-process') {
    const own = env.NODE_OPTIONS?.trim();
    out.NODE_OPTIONS = `--require=${PRELOAD_PATH}${own ? ` ${own}` : ''}`;
    // The server runs on this very Node: when it can switch proxy support on at run time, the preload does so at the first request.
    if (out.NODE_USE_ENV_PROXY === '1' && lazyProxySupport) {
      delete out.NODE_USE_ENV_PROXY;
      out.GATEHOUSE_EGRESS_PROXY = 'lazy';
    }
  }
  return out;
}

/** This Node can switch its proxy support on at run time (24.14+) and see a server's imports (module.registerHooks). */
const lazyProxySupport =
  typeof process.getBuiltinModule('node:http').setGlobalProxyFromEnv === 'function' &&
  typeof process.getBuiltinModule('node:module').registerHooks === 'function';

/**
 * The Node forwarder beside this file, with this file's extension: forwarder.ts from
 * source, forwarder.js in the built dist/ (tsconfig.build.json compiles it there; the
 * packaged app unpacks dist/gateway from its archive, so bwrap can bind the file).
 */
export function forwarderFile(moduleUrl: string = import.meta.url): string {
  const self = fileURLToPath(moduleUrl);
  return join(dirname(self), `forwarder${extname(self)}`);
}

/** The bridge beside this file: egress-preload.cts from source, egress-preload.cjs in the built dist/ (found as forwarderFile is). */
export function preloadFile(moduleUrl: string = import.meta.url): string {
  const self = fileURLToPath(moduleUrl);
  return join(dirname(self), `egress-preload${extname(self) === '.ts' ? '.cts' : '.cjs'}`);
}

const realOrUndefined = (p: string | undefined) => {
  try {
    return p ? realpathSync(p) : undefined;
  } catch {
    return undefined;
  }
};

let socatBridge: { shell: string; socat: string } | null | undefined;
let forced: EgressBridge['kind'] | undefined;

/** For the bench and tests: measure or prove one bridge whatever this host has. */
export function forceEgressBridge(kind: EgressBridge['kind'] | undefined): void {
  forced = kind;
}

/** socat and a shell, when both are under /usr (bound into every sandbox); looked up once. */
function findSocat(): { shell: string; socat: string } | null {
  const socat = realOrUndefined(which('socat', '/usr/bin:/usr/local/bin:/bin'));
  const shell = realOrUndefined('/bin/sh');
  // /bin/sh is bound as it is (merged-/usr link or /bin itself); socat's own path must be under /usr.
  return socat?.startsWith('/usr/') && (shell?.startsWith('/usr/') || shell?.startsWith('/bin/')) ? { shell: '/bin/sh', socat } : null;
}

/** The `#!` line of a file (its first 256 bytes), if it has one. */
function shebang(file: string): string | undefined {
  const head = Buffer.alloc(256);
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const n = readSync(fd, head, 0, head.length, 0);
    const line = head.subarray(0, n).toString('latin1').split('\n')[0]!;
    return line.startsWith('#!') ? line.slice(2).trim() : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Whether the sandbox's first process is the daemon's own Node (a Node we know takes
 * `--require` in NODE_OPTIONS and has process.getBuiltinModule): the command is that binary, or a script whose `#!` names
 * it by path, or `/usr/bin/env node` where the `node` first on PATH is the one beside
 * the script (npx, an npm package's bin) or the daemon's Node by its real path. Both
 * folders are bound into the sandbox, and nothing earlier on PATH has a `node` outside
 * (so none inside either), so the PATH lookup inside finds the same Node. Anything else (Python, a shell wrapper, another
 * Node) gets a bridge process.
 */
export function runsOnDaemonNode(command: string, path: string | undefined, daemonNode = realOrUndefined(process.execPath)): boolean {
  const file = isAbsolute(command) ? command : which(command, path);
  const target = realOrUndefined(file);
  if (!file || !target || !daemonNode) return false;
  if (target === daemonNode) return true;
  const line = shebang(target);
  if (!line) return false;
  const [interpreter, ...rest] = line.split(/[ \t]+/);
  if (interpreter === '/usr/bin/env' || interpreter === '/bin/env') {
    const found = rest.length === 1 && rest[0] === 'node' ? which('node', path) : undefined;
    // Beside the script (bound with it), or the daemon's Node itself (bound with its folder): either way the same file inside.
    return !!found && (found === join(dirname(file), 'node') || found === daemonNode) && realOrUndefined(found) === daemonNode;
  }
  return !!interpreter && isAbsolute(interpreter) && realOrUndefined(interpreter) === daemonNode;
}

/** In-process for a server on the daemon's Node, else socat when this host has it, else the Node forwarder. */
export function egressBridge(launch: { command: string; path: string | undefined }): EgressBridge {
  if (forced === undefined || forced === 'in-process') {
    if (runsOnDaemonNode(launch.command, launch.path)) return { kind: 'in-process', preload: preloadFile() };
    if (forced === 'in-process') throw new Error(`${launch.command} does not run on the daemon's Node`);
  }
  if (forced !== 'node') {
    socatBridge ??= findSocat();
    if (socatBridge) return { kind: 'socat', ...socatBridge };
    if (forced === 'socat') throw new Error('socat is not installed under /usr on this host');
  }
  return { kind: 'node', node: realOrUndefined(process.execPath) ?? process.execPath, forwarder: forwarderFile(), preload: preloadFile() };
}
