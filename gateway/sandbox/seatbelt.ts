import type { ResolvedSandbox } from './policy.ts';
import type { SecretPath } from './bwrap.ts';

export interface SeatbeltPlan {
  sandbox: ResolvedSandbox;
  /** Read-only system locations (/usr, /System, /Library, Node's folder, …). */
  runtimeRead: string[];
  runtimeWrite: string[];
  secrets: SecretPath[];
  /** With an allow-list, the loopback port of the egress proxy: the only address the server may reach. */
  proxyPort?: number | undefined;
}

/** A seatbelt string literal. Paths are hostile: control characters are refused, not escaped. */
function quote(text: string): string {
  if (/[\u0000-\u001f\u007f]/.test(text)) throw new Error(`path ${JSON.stringify(text)} has control characters`);
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * A macOS `sandbox-exec` profile: deny by default, read the runtime and the bundle's
 * read folders, write its write folders, and for the network nothing, everything, or
 * only the egress proxy on loopback. Credential folders are denied after the allows
 * (later rules win in SBPL) unless the bundle names them itself.
 */
export function seatbeltProfile(plan: SeatbeltPlan): string {
  const subpaths = (list: readonly string[]) => list.map((p) => `(subpath ${quote(p)})`).join(' ');
  const read = [...plan.runtimeRead, ...plan.sandbox.read];
  const write = [...plan.runtimeWrite, ...plan.sandbox.write];
  const lines = [
    '(version 1)',
    '(deny default)',
    '(allow process-fork)',
    '(allow process-exec)',
    '(allow signal (target same-sandbox))',
    '(allow sysctl-read)',
    '(allow mach-lookup (global-name "com.apple.system.opendirectoryd.libinfo") (global-name "com.apple.trustd.agent") (global-name "com.apple.system.notification_center"))',
    '(allow ipc-posix-shm-read-data ipc-posix-shm-write-data)',
    '(allow file-read-metadata)',
    '(allow file-read* (literal "/") (literal "/dev/null") (literal "/dev/urandom") (literal "/dev/random") (literal "/dev/tty"))',
    '(allow file-write-data (literal "/dev/null"))',
    '(allow file-read* file-write* (subpath "/private/tmp") (subpath "/private/var/folders"))',
  ];
  if (read.length) lines.push(`(allow file-read* ${subpaths(read)})`);
  if (write.length) lines.push(`(allow file-read* file-write* ${subpaths(write)})`);
  const named = [...read, ...write];
  const denied = plan.secrets.filter((s) => !named.some((n) => n === s.path || n.startsWith(`${s.path}/`)));
  if (denied.length)
    lines.push(`(deny file-read* file-write* ${denied.map((s) => (s.dir ? `(subpath ${quote(s.path)})` : `(literal ${quote(s.path)})`)).join(' ')})`);
  const net = plan.sandbox.network;
  if (net === 'unrestricted') lines.push('(allow network*)');
  else if (typeof net === 'object') {
    if (plan.proxyPort === undefined) throw new Error('an allow-list needs the egress proxy port');
    lines.push(`(allow network-outbound (remote tcp "localhost:${plan.proxyPort}"))`);
  }
  return `${lines.join('\n')}\n`;
}
