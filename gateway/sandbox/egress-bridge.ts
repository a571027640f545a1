import { realpathSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { which } from './probe.ts';

/** Where the egress proxy's socket and the forwarder appear inside the sandbox. */
export const EGRESS_DIR = '/run/gatehouse-egress';
export const EGRESS_SOCKET = `${EGRESS_DIR}/proxy.sock`;
/** The Node forwarder (forwarder.ts from source, .js when built: plain JavaScript either way) as Node sees it inside. */
export const FORWARDER_PATH = '/run/gatehouse/forwarder.mjs';
/** The loopback port the bridge listens on inside the sandbox's own network namespace. */
export const FORWARDER_PORT = 3128;

/**
 * What carries the sandbox's loopback port 3128 to the egress proxy's unix socket.
 * socat (when this host has it under /usr, so it is inside every sandbox) costs a few
 * milliseconds; the Node forwarder is a second Node boot, hundreds on a busy machine.
 */
export type EgressBridge = { kind: 'socat'; shell: string; socat: string } | { kind: 'node'; node: string; forwarder: string };

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
  if (bridge.kind === 'node') return [bridge.node, FORWARDER_PATH, String(FORWARDER_PORT), EGRESS_SOCKET, '--', ...command];
  const hex = FORWARDER_PORT.toString(16).toUpperCase().padStart(4, '0');
  return [bridge.shell, '-c', SOCAT_BRIDGE_SCRIPT, 'gatehouse-egress', bridge.socat, String(FORWARDER_PORT), hex, EGRESS_SOCKET, ...command];
}

/**
 * The Node forwarder beside this file, with this file's extension: forwarder.ts from
 * source, forwarder.js in the built dist/ (tsconfig.build.json compiles it there; the
 * packaged app unpacks dist/gateway from its archive, so bwrap can bind the file).
 */
export function forwarderFile(moduleUrl: string = import.meta.url): string {
  const self = fileURLToPath(moduleUrl);
  return join(dirname(self), `forwarder${extname(self)}`);
}

let socatBridge: { shell: string; socat: string } | null | undefined;
let forced: EgressBridge['kind'] | undefined;

/** For the bench and tests: measure or prove one bridge whatever this host has. */
export function forceEgressBridge(kind: EgressBridge['kind'] | undefined): void {
  forced = kind;
}

/** socat and a shell, when both are under /usr (bound into every sandbox); looked up once. */
function findSocat(): { shell: string; socat: string } | null {
  const real = (p: string | undefined) => {
    try {
      return p ? realpathSync(p) : undefined;
    } catch {
      return undefined;
    }
  };
  const socat = real(which('socat', '/usr/bin:/usr/local/bin:/bin'));
  const shell = real('/bin/sh');
  // /bin/sh is bound as it is (merged-/usr link or /bin itself); socat's own path must be under /usr.
  return socat?.startsWith('/usr/') && (shell?.startsWith('/usr/') || shell?.startsWith('/bin/')) ? { shell: '/bin/sh', socat } : null;
}

/** socat when this host has it, else the Node forwarder. */
export function egressBridge(node: string): EgressBridge {
  if (forced !== 'node') {
    socatBridge ??= findSocat();
    if (socatBridge) return { kind: 'socat', ...socatBridge };
    if (forced === 'socat') throw new Error('socat is not installed under /usr on this host');
  }
  return { kind: 'node', node, forwarder: forwarderFile() };
}
