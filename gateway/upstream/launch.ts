import { expandVars } from '../../shared/text/expand-vars.ts';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BundleServer, CredentialSlot, Settings } from '../../shared/bundle/schema.ts';
import type { UpstreamChannel } from './channel.ts';
import { DeferredChannel } from './deferred-channel.ts';
import type { Refusal } from '../sandbox/egress-proxy.ts';
import { sandboxedChannel } from '../sandbox/launcher.ts';
import type { StdioLaunch } from './stdio-channel.ts';
import type { RotatingLog } from './stderr-log.ts';

export interface LaunchContext {
  settings: Settings;
  /** Values for ${dataDir}, ${bundleDir} and ${node} in commands, args, env and cwd. */
  vars: Record<string, string>;
  /** The daemon's environment, from which only settings.inheritEnv is passed on. */
  env: NodeJS.ProcessEnv;
  log: RotatingLog;
  /** Slot values read from the keychain for this server, by slot name. */
  credentials?: Record<string, string>;
  /** Receives the live header object of an HTTP server, so a refreshed token reaches the next request. */
  onHeaders?: (headers: Record<string, string>) => void;
  /** The server refused the credentials in force (401): refresh them; true when the request may be sent again with the live headers. */
  reauthorize?: () => Promise<boolean>;
  /** A sandboxed server's egress proxy refused a host (for the audit log). */
  onSandboxRefusal?: (refusal: Refusal) => void;
}

/**
 * Values for ${dataDir}, ${bundleDir} and ${node}. Real paths: servers resolve
 * symlinks before checking their own roots, and policy roots must agree.
 */
export function launchVars(dataDir: string, bundleDir: string): Record<string, string> {
  return { dataDir: realpathSync(dataDir), bundleDir: realpathSync(bundleDir), node: process.execPath };
}

/** The variable an env slot fills: its `env`, else its name in upper case. */
export const envNameFor = (slot: CredentialSlot) => slot.env ?? slot.name.toUpperCase().replace(/-/g, '_');

const here = dirname(fileURLToPath(import.meta.url));

function expand(text: string, vars: Record<string, string>): string {
  return expandVars(text, vars).text;
}

/** Finds an installed copy of an npm package next to Gatehouse, so demo servers start offline and fast. */
export function findInstalledPackage(pkg: string, version?: string): { dir: string; bin: Record<string, string>; version: string } | undefined {
  let dir = here;
  for (;;) {
    const candidate = join(dir, 'node_modules', pkg, 'package.json');
    if (existsSync(candidate)) {
      const meta = JSON.parse(readFileSync(candidate, 'utf8')) as { version?: string; bin?: string | Record<string, string>; name?: string };
      if (version && meta.version !== version) return undefined;
      const bin = typeof meta.bin === 'string' ? { [pkg.split('/').pop()!]: meta.bin } : (meta.bin ?? {});
      return { dir: dirname(candidate), bin, version: meta.version ?? '0.0.0' };
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * Passed to every stdio server besides settings.inheritEnv: behind a TLS-inspecting
 * corporate proxy, a server (and npx fetching it) can reach nothing without the proxy
 * and the extra CA, and fails in ways that only say "did not answer initialize".
 */
export const NETWORK_ENV = [
  'NODE_EXTRA_CA_CERTS',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'HTTPS_PROXY',
  'HTTP_PROXY',
  'NO_PROXY',
  'https_proxy',
  'http_proxy',
  'no_proxy',
] as const;
/** npm's own configuration by environment (registry, cafile, proxy, strict-ssl, userconfig, auth): npx needs it for `npm` servers. */
const NPM_CONFIG = /^npm_config_/i;

/**
 * How long npm may retry a fetch unless the user said otherwise: its defaults (2
 * retries, up to 60 s apart) outlast the start timeout, and the user would never
 * see npm's own error.
 */
const NPM_FETCH_DEFAULTS: Record<string, string> = { npm_config_fetch_retries: '1', npm_config_fetch_retry_maxtimeout: '15000' };

function passedEnv(ctx: Pick<LaunchContext, 'settings' | 'env'>, npm: boolean): Record<string, string> {
  const env: Record<string, string> = {};
  const pass = (name: string) => {
    const value = ctx.env[name];
    if (value !== undefined) env[name] = value;
  };
  for (const name of ctx.settings.inheritEnv) pass(name);
  for (const name of NETWORK_ENV) pass(name);
  if (npm) {
    for (const name of Object.keys(ctx.env)) if (NPM_CONFIG.test(name)) pass(name);
    const set = new Set(Object.keys(env).map((k) => k.toLowerCase()));
    for (const [name, value] of Object.entries(NPM_FETCH_DEFAULTS)) if (!set.has(name)) env[name] = value;
  }
  return env;
}

export function stdioLaunchFor(server: BundleServer, ctx: Pick<LaunchContext, 'settings' | 'vars' | 'env' | 'credentials'>): StdioLaunch {
  const t = server.transport;
  if (t.type !== 'stdio' && t.type !== 'npm') throw new Error(`server ${server.id} is not a stdio server`);
  const env = passedEnv(ctx, t.type === 'npm');
  for (const [k, v] of Object.entries(t.env)) env[k] = expand(v, ctx.vars);
  for (const slot of server.credentials) {
    const value = ctx.credentials?.[slot.name];
    if (slot.kind === 'env' && value !== undefined) env[envNameFor(slot)] = value;
  }
  const args = t.args.map((a) => expand(a, ctx.vars));
  const cwd = t.cwd ? resolve(expand(t.cwd, ctx.vars)) : undefined;
  if (t.type === 'stdio') return { command: expand(t.command, ctx.vars), args, env, cwd };

  const installed = findInstalledPackage(t.package, t.version);
  if (installed) {
    const bins = Object.entries(installed.bin);
    const chosen = t.bin ? installed.bin[t.bin] : bins[0]?.[1];
    if (!chosen) throw new Error(`package ${t.package} has no bin${t.bin ? ` named "${t.bin}"` : ''}`);
    return { command: process.execPath, args: [join(installed.dir, chosen), ...args], env, cwd };
  }
  const spec = t.version ? `${t.package}@${t.version}` : t.package;
  const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
  return { command: npx, args: ['-y', spec, ...args], env, cwd };
}

export function createChannel(server: BundleServer, ctx: LaunchContext): UpstreamChannel {
  const t = server.transport;
  switch (t.type) {
    case 'stdio':
    case 'npm': {
      const launch = stdioLaunchFor(server, ctx);
      // npx is silent while it downloads; the log (the status's stderr tail) says why nothing answers yet, and npm's own errors follow it there.
      if (t.type === 'npm' && /^npx(\.cmd)?$/.test(launch.command)) ctx.log.note(`installing ${launch.args[1]} with npx (a first start downloads it)…`);
      // Inside the bundle's sandbox for this server, or as is when it says `off` (gateway/sandbox/).
      return sandboxedChannel(server, launch, ctx, ctx.settings.maxMessageBytes);
    }
    // The HTTP client (the MCP SDK's transports) loads on first use: a daemon with
    // only stdio servers never pays its memory.
    case 'http':
    case 'sse': {
      const headers = httpHeaders(server, t.headers, ctx.credentials);
      ctx.onHeaders?.(headers);
      const mode = t.type === 'sse' ? 'sse' : t.sseFallback ? 'auto' : 'streamable';
      return new DeferredChannel(
        async () =>
          new (await import('./http-channel.ts')).HttpChannel({ url: t.url, headers, mode, ...(ctx.reauthorize ? { reauthorize: ctx.reauthorize } : {}) }),
      );
    }
  }
}

/** The headers of each upstream HTTP request: the transport's own, plus header and OAuth slots. */
export function httpHeaders(server: BundleServer, base: Record<string, string>, credentials: Record<string, string> | undefined): Record<string, string> {
  const headers = { ...base };
  for (const slot of server.credentials) {
    const value = credentials?.[slot.name];
    if (value === undefined || slot.kind === 'env') continue;
    headers[slot.header ?? 'Authorization'] = headerValue(slot, value);
  }
  return headers;
}

export const headerValue = (slot: CredentialSlot, value: string) => `${slot.prefix ?? (slot.kind === 'oauth' ? 'Bearer ' : '')}${value}`;
