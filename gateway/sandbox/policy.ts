import { isAbsolute, normalize } from 'node:path';
import { SANDBOX_HOST, type BundleServer, type Settings } from '../../shared/bundle/schema.ts';

/** One allow-list entry, parsed: `*.github.com:443` → { suffix: '.github.com', port: 443 }. */
export interface HostRule {
  host: string;
  wildcard: boolean;
  port: number | '*';
}

export type SandboxNetwork = 'none' | 'unrestricted' | { allow: HostRule[] };

/** A server's sandbox with its variables resolved on this desktop. */
export interface ResolvedSandbox {
  read: string[];
  write: string[];
  network: SandboxNetwork;
  /** Entries dropped because a variable has no value here (e.g. no ${workspace}): less access, never more. */
  dropped: string[];
}

/** The sandbox the bundle asks for, `off` when it asks for none. */
export function declaredSandbox(server: BundleServer, settings: Settings) {
  return server.sandbox ?? settings.sandbox.default;
}

export function parseHostRule(entry: string): HostRule {
  if (!SANDBOX_HOST.test(entry)) throw new Error(`not a host:port entry: ${JSON.stringify(entry)}`);
  const cut = entry.lastIndexOf(':');
  const rawHost = entry.slice(0, cut).toLowerCase();
  const port = entry.slice(cut + 1) === '*' ? ('*' as const) : Number(entry.slice(cut + 1));
  const wildcard = rawHost.startsWith('*.');
  const host = wildcard ? rawHost.slice(1) : rawHost.replace(/^\[|\]$/g, '');
  return { host, wildcard, port };
}

/**
 * Whether a destination is on the list. A wildcard matches subdomains only
 * (`*.github.com` is not `github.com`), as in TLS certificates. Host names from the
 * sandboxed process are hostile: lower-cased, one trailing dot dropped, brackets
 * off IPv6 literals, and nothing else interpreted.
 */
export function hostAllowed(rules: readonly HostRule[], host: string, port: number): boolean {
  let h = host.toLowerCase();
  if (h.endsWith('.')) h = h.slice(0, -1);
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (!h || !Number.isInteger(port) || port < 1 || port > 65535) return false;
  return rules.some((r) => (r.port === '*' || r.port === port) && (r.wildcard ? h.endsWith(r.host) && h.length > r.host.length : h === r.host));
}

/** `${name}` replaced from vars; undefined when a variable has no value here. */
function expandPath(text: string, vars: ReadonlyMap<string, string>): string | undefined {
  let missing = false;
  const out = text.replace(/\$\{(\w+)\}/g, (_whole, name: string) => {
    const value = vars.get(name);
    if (value === undefined || value === '') missing = true;
    return value ?? '';
  });
  if (missing) return undefined;
  return out;
}

/**
 * Resolves a declared sandbox's paths. Throws when a path resolves to something
 * that is not absolute or climbs out with `..` (a variable's value is not trusted
 * to be well-formed either).
 */
export function resolveSandbox(declared: Exclude<ReturnType<typeof declaredSandbox>, 'off'>, vars: Record<string, string>): ResolvedSandbox {
  const table = new Map(Object.entries(vars));
  const dropped: string[] = [];
  const paths = (list: readonly string[]) =>
    list.flatMap((p) => {
      const expanded = expandPath(p, table);
      if (expanded === undefined) {
        dropped.push(`${p} (no value for its variable here)`);
        return [];
      }
      if (!isAbsolute(expanded) || expanded.split('/').includes('..') || expanded.includes('\0'))
        throw new Error(`sandbox path ${JSON.stringify(p)} resolves to ${JSON.stringify(expanded)}, which is not an absolute path`);
      const clean = normalize(expanded).replace(/(.)\/+$/, '$1');
      return [clean];
    });
  const network: SandboxNetwork = typeof declared.network === 'string' ? declared.network : { allow: declared.network.allow.map(parseHostRule) };
  return { read: paths(declared.read), write: paths(declared.write), network, dropped };
}

/** Short words for the status: `none`, `unrestricted`, or the allow-list as written. */
export function describeNetwork(network: SandboxNetwork): string {
  if (typeof network === 'string') return network;
  return network.allow.map((r) => `${r.wildcard ? '*' : ''}${r.host.includes(':') ? `[${r.host}]` : r.host}:${r.port}`).join(', ');
}
