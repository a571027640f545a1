import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BundleServer, Settings } from '../../shared/bundle/schema.ts';
import type { JsonRpcMessage } from '../../shared/jsonrpc/message.ts';
import type { UpstreamChannel } from '../upstream/channel.ts';
import type { RotatingLog } from '../upstream/stderr-log.ts';
import { StdioChannel, type StdioLaunch } from '../upstream/stdio-channel.ts';
import { bwrapArgs } from './bwrap.ts';
import { bridgeEnv, egressBridge, FORWARDER_PORT } from './egress-bridge.ts';
import { EgressProxy, upstreamProxyFrom, type Refusal } from './egress-proxy.ts';
import { canonicalOnly, hostLayout, runtimeFor, sandboxVars, secretPaths } from './host.ts';
import { npxPackage, prefetch } from './npx-prefetch.ts';
import { declaredSandbox, describeNetwork, resolveSandbox, type HostRule, type ResolvedSandbox } from './policy.ts';
import { sandboxSupport, type SandboxMechanism, type SandboxSupport } from './probe.ts';
import { noteRefusal, recordReport, unsandboxedReport, type SandboxReport } from './report.ts';
import { seatbeltProfile } from './seatbelt.ts';

export { sandboxReport, type SandboxReport } from './report.ts';
export { hostLayout } from './host.ts';

export interface SandboxContext {
  settings: Settings;
  vars: Record<string, string>;
  env: NodeJS.ProcessEnv;
  log: RotatingLog;
  onSandboxRefusal?: ((refusal: Refusal) => void) | undefined;
}

/** Not worth retrying: the machine lacks what the bundle requires. */
export class SandboxUnavailableError extends Error {
  override readonly name = 'SandboxUnavailableError';
  readonly retry = false;
}

/**
 * The channel for a stdio server: as it is when the bundle says `off`, else inside
 * the sandbox, which is prepared when the server starts (each restart anew).
 */
export function sandboxedChannel(server: BundleServer, launch: StdioLaunch, ctx: SandboxContext, maxMessageBytes: number): UpstreamChannel {
  const declared = declaredSandbox(server, ctx.settings);
  if (declared === 'off') {
    recordReport(server.id, unsandboxedReport());
    return new StdioChannel(launch, ctx.log, maxMessageBytes);
  }
  return new SandboxChannel(server, declared, launch, ctx, maxMessageBytes);
}

type Declared = Exclude<ReturnType<typeof declaredSandbox>, 'off'>;

class SandboxChannel implements UpstreamChannel {
  onmessage?: (message: JsonRpcMessage) => void;
  onclose?: (reason: string) => void;
  private inner: StdioChannel | undefined;
  private proxy: EgressProxy | undefined;
  private socketDir: string | undefined;
  private readonly server: BundleServer;
  private readonly declared: Declared;
  private readonly launch: StdioLaunch;
  private readonly ctx: SandboxContext;
  private readonly maxMessageBytes: number;

  constructor(server: BundleServer, declared: Declared, launch: StdioLaunch, ctx: SandboxContext, maxMessageBytes: number) {
    this.server = server;
    this.declared = declared;
    this.launch = launch;
    this.ctx = ctx;
    this.maxMessageBytes = maxMessageBytes;
  }

  get pid(): number | undefined {
    return this.inner?.pid;
  }
  get stderrTail(): readonly string[] {
    return this.inner?.stderrTail ?? this.ctx.log.tail;
  }

  async start(): Promise<void> {
    let inner: StdioChannel;
    try {
      inner = new StdioChannel(await this.prepare(), this.ctx.log, this.maxMessageBytes);
    } catch (err) {
      await this.release();
      throw err;
    }
    inner.onmessage = (m) => this.onmessage?.(m);
    inner.onclose = (r) => {
      void this.release();
      this.onclose?.(r);
    };
    this.inner = inner;
    try {
      await inner.start();
    } catch (err) {
      await this.release();
      throw err;
    }
  }

  send(message: JsonRpcMessage): void {
    if (!this.inner) throw new Error('upstream process is not running');
    this.inner.send(message);
  }

  async close(): Promise<void> {
    await this.inner?.close();
    await this.release();
  }

  private async release(): Promise<void> {
    const proxy = this.proxy;
    this.proxy = undefined;
    await proxy?.close();
    if (this.socketDir) rmSync(this.socketDir, { recursive: true, force: true });
    this.socketDir = undefined;
  }

  /** The launch inside the sandbox (or as is, where the bundle allows running it unsandboxed here). */
  private async prepare(): Promise<StdioLaunch> {
    const support = sandboxSupport();
    const sandbox = this.resolve(support);
    const report = recordReport(this.server.id, {
      declared: true,
      enforced: support.mechanism !== 'none',
      mechanism: support.mechanism,
      network: describeNetwork(sandbox.network),
      read: sandbox.read,
      write: sandbox.write,
      note: sandbox.dropped.length ? `left out: ${sandbox.dropped.join(', ')}` : null,
      refused: [],
    });
    if (support.mechanism === 'none' || !support.program) {
      report.note = unsandboxedStart(support, this.ctx.settings);
      this.ctx.log.note(`sandbox: ${report.note}`);
      return this.launch;
    }
    const env = await this.environment(sandbox, report, support.mechanism);
    return support.mechanism === 'sandbox-exec' ? this.seatbeltLaunch(support.program, sandbox, env) : this.bwrapLaunch(support.program, sandbox, env);
  }

  /** The bundle's sandbox with this desktop's values, symbolic links left out, writable folders made. */
  private resolve(support: SandboxSupport): ResolvedSandbox {
    let sandbox: ResolvedSandbox;
    try {
      sandbox = resolveSandbox(this.declared, sandboxVars(this.ctx));
    } catch (err) {
      throw new SandboxUnavailableError(`sandbox: ${(err as Error).message}`);
    }
    sandbox = { ...sandbox, read: canonicalOnly(sandbox.read, sandbox.dropped), write: canonicalOnly(sandbox.write, sandbox.dropped) };
    // The bundle lets it write there: make the folders, so a first start does not fail on a missing one.
    if (support.mechanism !== 'none') for (const dir of sandbox.write) mkdirSync(dir, { recursive: true, mode: 0o700 });
    return sandbox;
  }

  /** The server's environment: the egress proxy for an allow-list, no proxy for `none`, npx made to work offline. */
  private async environment(sandbox: ResolvedSandbox, report: SandboxReport, mechanism: SandboxMechanism): Promise<Record<string, string>> {
    const env = { ...this.launch.env };
    if (typeof sandbox.network === 'object') await this.startProxy(sandbox.network.allow, report, env, mechanism);
    else if (sandbox.network === 'none') for (const name of PROXY_ENV) delete env[name];
    const npxSpec = npxPackage(this.launch);
    if (npxSpec && sandbox.network !== 'unrestricted') {
      // npx inside a sandbox without the registry can only run what is already in
      // npm's cache: fetch the package (and its dependencies) out here first, with
      // npm's own configuration, then let npx inside work offline.
      await prefetch(npxSpec, env, this.ctx.log);
      env.npm_config_offline = 'true';
    }
    return env;
  }

  private seatbeltLaunch(program: string, sandbox: ResolvedSandbox, env: Record<string, string>): StdioLaunch {
    const runtime = runtimeFor(this.launch, env);
    const profile = seatbeltProfile({
      sandbox,
      runtimeRead: [...runtime.read, '/usr', '/System', '/Library', '/private/etc', '/opt/homebrew'],
      runtimeWrite: runtime.write,
      secrets: secretPaths(this.ctx),
      proxyPort: this.proxy?.port,
    });
    return { command: program, args: ['-p', profile, this.launch.command, ...this.launch.args], env, cwd: this.launch.cwd };
  }

  private bwrapLaunch(program: string, sandbox: ResolvedSandbox, env: Record<string, string>): StdioLaunch {
    const runtime = runtimeFor(this.launch, env);
    const host = hostLayout();
    // Chosen by what runs first inside: a server on the daemon's own Node carries the bridge in its process.
    const bridge = this.socketDir ? egressBridge({ command: this.launch.command, path: env.PATH }) : undefined;
    const args = bwrapArgs({
      sandbox,
      system: host.system,
      symlinks: host.symlinks,
      runtimeRead: runtime.read,
      runtimeWrite: runtime.write,
      secrets: secretPaths(this.ctx),
      command: this.launch.command,
      args: this.launch.args,
      cwd: this.launch.cwd,
      egress: this.socketDir && bridge ? { socketDir: this.socketDir, bridge } : undefined,
    });
    return { command: program, args, env: bridge ? bridgeEnv(bridge, env) : env, cwd: undefined };
  }

  private async startProxy(allow: readonly HostRule[], report: SandboxReport, env: Record<string, string>, mechanism: SandboxMechanism): Promise<void> {
    const configured = env.HTTPS_PROXY ?? env.https_proxy ?? env.HTTP_PROXY ?? env.http_proxy;
    const via = upstreamProxyFrom(configured, env.NO_PROXY ?? env.no_proxy);
    if (configured && !via) this.ctx.log.note('sandbox: the configured proxy is not an http:// URL; allowed hosts are reached directly');
    const proxy = new EgressProxy(
      allow,
      (refusal) => {
        noteRefusal(report, refusal);
        this.ctx.log.note(`sandbox: refused a connection to ${refusal.host}:${refusal.port} (not on this server's network allow-list)`);
        this.ctx.onSandboxRefusal?.(refusal);
      },
      via,
    );
    this.proxy = proxy;
    let port = FORWARDER_PORT;
    if (mechanism === 'bubblewrap') {
      this.socketDir = egressSocketDir(this.ctx.vars.dataDir);
      await proxy.listen(join(this.socketDir, 'proxy.sock'));
    } else {
      await proxy.listen(0);
      port = proxy.port!;
    }
    const url = `http://127.0.0.1:${port}`;
    for (const name of PROXY_ENV) delete env[name];
    Object.assign(env, {
      HTTP_PROXY: url,
      HTTPS_PROXY: url,
      http_proxy: url,
      https_proxy: url,
      npm_config_proxy: url,
      npm_config_https_proxy: url,
      NODE_USE_ENV_PROXY: '1',
    });
  }
}

/**
 * A server whose sandbox this machine cannot provide: refused (not retried) with
 * what to install or change, unless the bundle allows running it as the user.
 * Returns the line the server's log and status show when it does run.
 */
export function unsandboxedStart(support: SandboxSupport, settings: Settings): string {
  const why = support.reason ?? 'no sandbox on this machine';
  if (!settings.sandbox.allowUnsandboxed)
    throw new SandboxUnavailableError(`the bundle requires a sandbox for this server and this machine cannot provide one: ${why}`);
  return `NOT sandboxed (the bundle allows it): ${why}`;
}

const PROXY_ENV = [
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'http_proxy',
  'https_proxy',
  'NO_PROXY',
  'no_proxy',
  'ALL_PROXY',
  'all_proxy',
  'npm_config_proxy',
  'npm_config_https_proxy',
];

/**
 * Where a server's proxy socket lives on the host. Inside the data dir, which every
 * sandbox masks: a folder under /tmp let any server allowed to read /tmp find and dial
 * another server's proxy, and so reach that server's hosts (red team, 2026-11-30). The
 * sandbox sees its own socket at a fixed path, so only the host path moves. Unix socket
 * paths are limited to about 100 bytes: a data dir too deep for that falls back to /tmp.
 */
function egressSocketDir(dataDir: string | undefined): string {
  if (dataDir) {
    const base = join(dataDir, 'egress');
    mkdirSync(base, { recursive: true, mode: 0o700 });
    const dir = mkdtempSync(join(base, 's-'));
    if (Buffer.byteLength(join(dir, 'proxy.sock')) <= 100) return dir;
    rmSync(dir, { recursive: true, force: true });
  }
  return mkdtempSync(join(tmpdir(), 'gh-egress-'));
}
