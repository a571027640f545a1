import { execFile } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readlinkSync, realpathSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join } from 'node:path';
import type { BundleServer, Settings } from '../../shared/bundle/schema.ts';
import type { JsonRpcMessage } from '../../shared/jsonrpc/message.ts';
import type { UpstreamChannel } from '../upstream/channel.ts';
import type { RotatingLog } from '../upstream/stderr-log.ts';
import { StdioChannel, type StdioLaunch } from '../upstream/stdio-channel.ts';
import { bwrapArgs, type SecretPath } from './bwrap.ts';
import { egressBridge, FORWARDER_PORT } from './egress-bridge.ts';
import { EgressProxy, upstreamProxyFrom, type Refusal } from './egress-proxy.ts';
import { declaredSandbox, describeNetwork, resolveSandbox, type HostRule, type ResolvedSandbox } from './policy.ts';
import { sandboxSupport, which, type SandboxMechanism, type SandboxSupport } from './probe.ts';
import { seatbeltProfile } from './seatbelt.ts';

export interface SandboxContext {
  settings: Settings;
  vars: Record<string, string>;
  env: NodeJS.ProcessEnv;
  log: RotatingLog;
  onSandboxRefusal?: ((refusal: Refusal) => void) | undefined;
}

/** What the status says about one server's sandbox. */
export interface SandboxReport {
  /** The bundle asks for a sandbox (anything but `off`). */
  declared: boolean;
  /** The last start ran inside it (or, before any start, this machine can provide it). */
  enforced: boolean;
  mechanism: SandboxMechanism;
  network: string;
  read: string[];
  write: string[];
  /** Why it is not enforced, or which entries were dropped. */
  note: string | null;
  /** Hosts the egress proxy refused, newest last. */
  refused: Refusal[];
}

/** Not worth retrying: the machine lacks what the bundle requires. */
export class SandboxUnavailableError extends Error {
  override readonly name = 'SandboxUnavailableError';
  readonly retry = false;
}

const MAX_REFUSALS = 20;
const reports = new Map<string, SandboxReport>();

/** The status entry for a server: from its last start, else what a start would do here. */
export function sandboxReport(server: BundleServer, settings: Settings): SandboxReport | null {
  if (server.transport.type !== 'stdio' && server.transport.type !== 'npm') return null;
  const declared = declaredSandbox(server, settings);
  const last = reports.get(server.id);
  if (last && last.declared === (declared !== 'off')) return last;
  if (declared === 'off')
    return {
      declared: false,
      enforced: false,
      mechanism: 'none',
      network: 'unrestricted',
      read: [],
      write: [],
      note: 'the bundle runs this server unsandboxed',
      refused: [],
    };
  const support = sandboxSupport();
  const network = typeof declared.network === 'string' ? declared.network : declared.network.allow.join(', ');
  return {
    declared: true,
    enforced: support.mechanism !== 'none',
    mechanism: support.mechanism,
    network,
    read: declared.read,
    write: declared.write,
    note: support.reason ?? null,
    refused: [],
  };
}

/**
 * The channel for a stdio server: as it is when the bundle says `off`, else inside
 * the sandbox, which is prepared when the server starts (each restart anew).
 */
export function sandboxedChannel(server: BundleServer, launch: StdioLaunch, ctx: SandboxContext, maxMessageBytes: number): UpstreamChannel {
  const declared = declaredSandbox(server, ctx.settings);
  if (declared === 'off') {
    reports.set(server.id, {
      declared: false,
      enforced: false,
      mechanism: 'none',
      network: 'unrestricted',
      read: [],
      write: [],
      note: 'the bundle runs this server unsandboxed',
      refused: [],
    });
    return new StdioChannel(launch, ctx.log, maxMessageBytes);
  }
  return new SandboxChannel(server, declared, launch, ctx, maxMessageBytes);
}

class SandboxChannel implements UpstreamChannel {
  onmessage?: (message: JsonRpcMessage) => void;
  onclose?: (reason: string) => void;
  private inner: StdioChannel | undefined;
  private proxy: EgressProxy | undefined;
  private socketDir: string | undefined;
  private readonly server: BundleServer;
  private readonly declared: Exclude<ReturnType<typeof declaredSandbox>, 'off'>;
  private readonly launch: StdioLaunch;
  private readonly ctx: SandboxContext;
  private readonly maxMessageBytes: number;

  constructor(
    server: BundleServer,
    declared: Exclude<ReturnType<typeof declaredSandbox>, 'off'>,
    launch: StdioLaunch,
    ctx: SandboxContext,
    maxMessageBytes: number,
  ) {
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
    const inner = new StdioChannel(await this.prepare(), this.ctx.log, this.maxMessageBytes);
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

  private async prepare(): Promise<StdioLaunch> {
    const { server, ctx } = this;
    let sandbox: ResolvedSandbox;
    try {
      sandbox = resolveSandbox(this.declared, sandboxVars(ctx));
    } catch (err) {
      throw new SandboxUnavailableError(`sandbox: ${(err as Error).message}`);
    }
    const support = sandboxSupport();
    sandbox = { ...sandbox, read: canonicalOnly(sandbox.read, sandbox.dropped), write: canonicalOnly(sandbox.write, sandbox.dropped) };
    // The bundle lets it write there: make the folders, so a first start does not fail on a missing one.
    if (support.mechanism !== 'none') for (const dir of sandbox.write) mkdirSync(dir, { recursive: true, mode: 0o700 });
    const report: SandboxReport = {
      declared: true,
      enforced: support.mechanism !== 'none',
      mechanism: support.mechanism,
      network: describeNetwork(sandbox.network),
      read: sandbox.read,
      write: sandbox.write,
      note: sandbox.dropped.length ? `left out: ${sandbox.dropped.join(', ')}` : null,
      refused: reports.get(server.id)?.refused ?? [],
    };
    reports.set(server.id, report);
    if (support.mechanism === 'none' || !support.program) {
      report.note = unsandboxedStart(support, ctx.settings);
      ctx.log.note(`sandbox: ${report.note}`);
      return this.launch;
    }
    const env = { ...this.launch.env };
    if (typeof sandbox.network === 'object') await this.startProxy(sandbox.network.allow, report, env, support.mechanism);
    else if (sandbox.network === 'none') for (const name of PROXY_ENV) delete env[name];
    const runtime = runtimeFor(this.launch, env);
    const npxSpec = npxPackage(this.launch);
    if (npxSpec && sandbox.network !== 'unrestricted') {
      // npx inside a sandbox without the registry can only run what is already in
      // npm's cache: fetch the package (and its dependencies) out here first, with
      // npm's own configuration, then let npx inside work offline.
      await prefetch(npxSpec, env, ctx.log);
      env.npm_config_offline = 'true';
    }
    if (support.mechanism === 'sandbox-exec') {
      const profile = seatbeltProfile({
        sandbox,
        runtimeRead: [...runtime.read, '/usr', '/System', '/Library', '/private/etc', '/opt/homebrew'],
        runtimeWrite: runtime.write,
        secrets: secretPaths(ctx),
        proxyPort: this.proxy?.port,
      });
      return { command: support.program, args: ['-p', profile, this.launch.command, ...this.launch.args], env, cwd: this.launch.cwd };
    }
    const host = hostLayout();
    const args = bwrapArgs({
      sandbox,
      system: host.system,
      symlinks: host.symlinks,
      runtimeRead: runtime.read,
      runtimeWrite: runtime.write,
      secrets: secretPaths(ctx),
      command: this.launch.command,
      args: this.launch.args,
      cwd: this.launch.cwd,
      egress: this.socketDir ? { socketDir: this.socketDir, bridge: egressBridge(realpathSync(process.execPath)) } : undefined,
    });
    return { command: support.program, args, env, cwd: undefined };
  }

  private async startProxy(allow: readonly HostRule[], report: SandboxReport, env: Record<string, string>, mechanism: SandboxMechanism): Promise<void> {
    const configured = env.HTTPS_PROXY ?? env.https_proxy ?? env.HTTP_PROXY ?? env.http_proxy;
    const via = upstreamProxyFrom(configured, env.NO_PROXY ?? env.no_proxy);
    if (configured && !via) this.ctx.log.note('sandbox: the configured proxy is not an http:// URL; allowed hosts are reached directly');
    const proxy = new EgressProxy(
      allow,
      (refusal) => {
        report.refused = [...report.refused, refusal].slice(-MAX_REFUSALS);
        this.ctx.log.note(`sandbox: refused a connection to ${refusal.host}:${refusal.port} (not on this server's network allow-list)`);
        this.ctx.onSandboxRefusal?.(refusal);
      },
      via,
    );
    let port = FORWARDER_PORT;
    if (mechanism === 'bubblewrap') {
      // A short path: unix socket paths are limited to about 100 bytes.
      this.socketDir = mkdtempSync(join(tmpdir(), 'gh-egress-'));
      await proxy.listen(join(this.socketDir, 'proxy.sock'));
    } else {
      await proxy.listen(0);
      port = proxy.port!;
    }
    this.proxy = proxy;
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

/** ${dataDir}, ${bundleDir}, ${node} from the launch, plus ${home} and ${workspace} from this desktop. */
/**
 * Drops entries that are, or pass through, a symbolic link: a server that may write a
 * folder could plant `link -> ~/.ssh` there, and a later bind of a path through it would
 * follow the link on the host.
 */
function canonicalOnly(paths: readonly string[], dropped: string[]): string[] {
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
function homeOf(ctx: SandboxContext): string {
  const home = ctx.env.HOME ?? homedir();
  try {
    return realpathSync(home);
  } catch {
    return home;
  }
}

function sandboxVars(ctx: SandboxContext): Record<string, string> {
  const vars: Record<string, string> = { ...ctx.vars, home: homeOf(ctx) };
  const workspace = ctx.env.GATEHOUSE_WORKSPACE;
  if (workspace && isAbsolute(workspace)) vars.workspace = workspace;
  return vars;
}

/** What the launch itself must reach: Node, the command, an installed package, certificates, npm's cache. */
function runtimeFor(launch: StdioLaunch, env: Record<string, string>): { read: string[]; write: string[] } {
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

/** The package an `npx -y <spec>` launch (upstream/launch.ts) runs, if that is what it is. */
function npxPackage(launch: StdioLaunch): string | undefined {
  if (!basename(launch.command).startsWith('npx') || launch.args[0] !== '-y') return undefined;
  const spec = launch.args[1];
  return spec && !spec.startsWith('-') ? spec : undefined;
}

const PREFETCH_TIMEOUT_MS = 180_000;

/** Installs a package into npm's npx cache without running it, outside the sandbox. */
function prefetch(spec: string, env: Record<string, string>, log: RotatingLog): Promise<void> {
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
function secretPaths(ctx: SandboxContext): SecretPath[] {
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
