import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Server as NetServer } from 'node:net';
import { join, resolve } from 'node:path';
import { AgentTokens } from './config/agent-tokens.ts';
import { BundleError, loadBundleFile } from './config/bundle-file.ts';
import { controlToken, ensureDataDir, removeDaemonFile, socketPathFor, writeDaemonFile } from './config/data-dir.ts';
import { ControlApi } from './control/api.ts';
import { EventLog } from './control/event-log.ts';
import { listenHttp } from './downstream/http-listener.ts';
import { McpHttpEndpoint } from './downstream/mcp-http.ts';
import { listenSocket } from './downstream/socket-server.ts';
import { Gateway } from './mux/gateway.ts';
import { INSTALL_ROOT } from './config/install-root.ts';
import type { LoginHost } from './oauth/login.ts';
import { UpstreamLogins } from './oauth/upstream-logins.ts';
import { localUser } from './pinning/gate.ts';
import { CredentialVault } from './secrets/vault.ts';
import { OrgConfigError, readOrgConfig, type OrgConfig } from './org/org-config.ts';
import type { EnrollOptions } from './org/enroll.ts';
import type { OrgRuntime } from './org/org-runtime.ts';
import { loadIdentity, refreshOrgLogin, type LoadedIdentity } from './org/identity.ts';
import { chooseBackend } from './secrets/vault.ts';
import { lazyBackend, type SecretBackend } from './secrets/backend.ts';
import { messageOf, Problems } from './control/problems.ts';
import { redactShapes } from '../shared/redaction/redact.ts';
import { AgentAuth } from './agent-auth/routes.ts';
import { describeRedirect } from './control/agent-requests.ts';
import { bearerToken } from '../shared/control/bearer.ts';

import { createGateway, type BuiltGateway } from './build-gateway.ts';

export { createGateway, type BuiltGateway, type GatewayContext } from './build-gateway.ts';

/** How often the org login is renewed at the IdP, so group changes reach policy. */
const IDENTITY_REFRESH_MS = 60 * 60_000;

export interface DaemonOptions {
  dataDir: string;
  port: number;
  bundlePath: string;
  /** The user named a bundle file (not the demo default): refused on an enrolled desktop. */
  explicitBundle?: boolean;
}

export type ReloadOutcome = { ok: true; version: number; lastRejection?: string; rejectedNow?: boolean } | { ok: false; error: string };

export interface RunningDaemon {
  gateway: Gateway;
  vault: CredentialVault;
  port: number;
  socket: string;
  controlToken: string;
  tokens: AgentTokens;
  org: OrgRuntime | undefined;
  /** Reloads the bundle and reports the outcome; never rejects. */
  reload(): Promise<ReloadOutcome>;
  stop(): Promise<void>;
}

/** What the daemon's parts share while it runs: built once by startDaemon, then read and updated by its steps. */
interface Daemon {
  opts: DaemonOptions;
  dataDir: string;
  built: BuiltGateway;
  backend: SecretBackend;
  problems: Problems;
  eventLog: EventLog;
  tokens: AgentTokens;
  token: string;
  socket: string;
  startedAt: number;
  port: number;
  bundleSource: string;
  identity: LoadedIdentity;
  org: OrgRuntime | undefined;
  /** Background work failed: once into the daemon log and the status per distinct message; the daemon goes on. */
  report(component: string, err: unknown): void;
  recovered(component: string): void;
}

export async function startDaemon(opts: DaemonOptions): Promise<RunningDaemon> {
  const d = await openDaemon(opts);
  const identity = identityKeeper(d);
  const reload = () => reloadBundle(d);
  const joinOrg = orgJoiner(d, identity.reload);
  const agentAuth = agentOAuth(d);
  const mcp = new McpHttpEndpoint({
    gateway: d.built.gateway,
    agentFor: (req) => agentOf(d, req),
    challenge: (req) => AgentAuth.challenge(`http://${req.headers.host ?? `127.0.0.1:${d.port}`}`, req.headers.authorization !== undefined),
  });
  const logins = new UpstreamLogins(d.built.vault, async () => {
    const { OAuthLogins } = await import('./oauth/login.ts');
    return new OAuthLogins(loginHost(d.built), d.built.vault, () => `http://127.0.0.1:${d.port}/oauth/callback`, d.built.liveHeaders);
  });
  const control = controlApi(d, { reload, joinOrg, identity, agentAuth, logins });
  const listening = await listen(d, { mcp, control, logins, agentAuth });
  d.built.gateway.start();
  const timers = upkeep(d, identity);
  writeDaemonFile(d.dataDir, { pid: process.pid, port: d.port, socket: d.socket, startedAt: new Date(d.startedAt).toISOString() });
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      removeDaemonFile(d.dataDir, process.pid);
      control.close();
      mcp.close();
      listening.close();
      logins.stop();
      for (const t of timers) clearInterval(t);
      await d.org?.stop();
      await d.built.gateway.stop();
      d.built.audit.close();
    })());
  const { gateway, vault } = d.built;
  return {
    gateway,
    vault,
    port: d.port,
    socket: d.socket,
    controlToken: d.token,
    tokens: d.tokens,
    get org() {
      return d.org;
    },
    reload,
    stop,
  };
}

/** The data dir, the bundle in force (the org's, or the file), the multiplexer and the problem log. */
async function openDaemon(opts: DaemonOptions): Promise<Daemon> {
  const dataDir = ensureDataDir(resolve(opts.dataDir));
  const orgConfig = readOrgConfig(dataDir);
  if (orgConfig && opts.explicitBundle) {
    throw new BundleError(
      `this desktop is enrolled in org "${orgConfig.org}": its servers and policies come only from ${orgConfig.syncUrl}, so --bundle ${opts.bundlePath} is refused`,
    );
  }
  // The org's modules (sync, shipping, the console's schemas) load only on an enrolled desktop.
  const orgModule = orgConfig ? await import('./org/org-runtime.ts') : undefined;
  const orgStart = orgConfig ? await orgModule!.startingBundle(dataDir, orgConfig) : undefined;
  const bundle = orgStart?.bundle ?? loadBundleFile(opts.bundlePath);
  // An org bundle's ${bundleDir} is the data dir: it names no local file.
  const bundlePath = orgConfig ? join(dataDir, 'org-bundle') : opts.bundlePath;
  // One backend for the vault, enrollment, the device key and the org login alike.
  const backend = lazyBackend(() => chooseBackend(dataDir));
  const built = createGateway(bundle, { dataDir, bundlePath, backend });
  const problems = new Problems();
  const eventLog = new EventLog(dataDir);
  const d: Daemon = {
    opts,
    dataDir,
    built,
    backend,
    problems,
    eventLog,
    tokens: new AgentTokens(dataDir),
    token: controlToken(dataDir),
    socket: socketPathFor(dataDir),
    startedAt: Date.now(),
    port: opts.port,
    bundleSource: orgConfig ? `org ${orgConfig.org} via ${orgConfig.syncUrl}` : resolve(opts.bundlePath),
    identity: { ...built.gateway.user, source: 'os', problem: null },
    org: undefined,
    report: (component, err) => {
      const message = redactShapes(built.vault.redactor.redact(messageOf(err)));
      if (!problems.has(component, message)) built.events.emit({ type: 'problem', component, message, at: Date.now() });
    },
    recovered: (component) => problems.clear(component),
  };
  // Every problem event (the audit log's, the multiplexer's, the daemon's) is kept for the status.
  built.events.on((e) => {
    if (e.type === 'problem') problems.note(e.component, e.message, e.at);
  });
  if (built.disabled.problem) problems.note('disabled-servers', built.disabled.problem, Date.now());
  built.events.on((e) => eventLog.event(e));
  built.audit.onProblem = (message) => built.events.emit({ type: 'problem', component: 'audit', message, at: Date.now() });
  if (orgConfig && orgStart) d.org = newOrgRuntime(orgModule!.OrgRuntime, d, orgConfig, orgStart);
  return d;
}

type OrgModule = typeof import('./org/org-runtime.ts');

function newOrgRuntime(Runtime: OrgModule['OrgRuntime'], d: Daemon, config: OrgConfig, start: Awaited<ReturnType<OrgModule['startingBundle']>>): OrgRuntime {
  const { gateway, events, recorder, audit } = d.built;
  return new Runtime(config, start.problem, {
    dataDir: d.dataDir,
    cache: start.cache,
    gateway,
    events,
    recorder,
    audit,
    backend: d.backend,
    onProblem: d.report,
    onRecovered: d.recovered,
  });
}

interface IdentityKeeper {
  /** Renews the org login at the IdP, then re-reads it; the outcome goes into the audit record. */
  refresh(): Promise<LoadedIdentity>;
  /** Re-reads the org login; `login` records it as a sign-in (after `gatehouse login`). */
  reload(login?: boolean): Promise<LoadedIdentity>;
}

function identityKeeper(d: Daemon): IdentityKeeper {
  const { gateway, recorder } = d.built;
  const reload = async (login = false): Promise<LoadedIdentity> => {
    d.identity = await loadIdentity(readOrgConfig(d.dataDir), d.backend, localUser());
    gateway.setIdentity(d.identity);
    if (login)
      recorder.record(undefined, 'login', {
        outcome: d.identity.source === 'oidc' ? 'ok' : 'error',
        error: d.identity.problem,
        detail: { kind: 'org', groups: [...d.identity.groups] },
      });
    return d.identity;
  };
  const refresh = async (): Promise<LoadedIdentity> => {
    const outcome = await refreshOrgLogin(readOrgConfig(d.dataDir), d.backend);
    const id = await reload();
    if (outcome !== 'not-logged-in')
      recorder.record(undefined, 'login', {
        outcome: outcome === 'refreshed' && id.source === 'oidc' ? 'ok' : 'error',
        error: outcome === 'revoked' ? 'the identity provider refused to renew the login' : id.problem,
        detail: { kind: 'org-refresh', groups: [...id.groups] },
      });
    return id;
  };
  return { refresh, reload };
}

/** Joins an org while running: from now on only the org's bundles count, beginning with none. */
function orgJoiner(d: Daemon, reloadIdentity: IdentityKeeper['reload']): (syncUrl: string, enrollOpts: EnrollOptions) => Promise<OrgConfig> {
  return async (syncUrl, enrollOpts) => {
    if (d.org) throw new OrgConfigError(`already enrolled in org "${d.org.config.org}"`);
    const [{ enroll }, { OrgRuntime, startingBundle }] = await Promise.all([import('./org/enroll.ts'), import('./org/org-runtime.ts')]);
    const config = await enroll(d.dataDir, syncUrl, d.backend, enrollOpts);
    const start = await startingBundle(d.dataDir, config);
    await d.built.gateway.applyBundle(start.bundle);
    d.org = newOrgRuntime(OrgRuntime, d, config, start);
    d.bundleSource = `org ${config.org} via ${config.syncUrl}`;
    await d.org.start();
    void reloadIdentity().catch((err: unknown) => d.report('identity', err));
    return config;
  };
}

/**
 * Re-reads the bundle (the file, or the org's now) and says what really happened:
 * the control API's reload, `gatehouse reload` and SIGHUP all wait for this.
 */
async function reloadBundle(d: Daemon): Promise<ReloadOutcome> {
  if (d.org) return syncOrg(d, d.org);
  try {
    const next = loadBundleFile(d.opts.bundlePath);
    await d.built.gateway.applyBundle(next);
    d.recovered('reload');
    return { ok: true, version: next.version };
  } catch (err) {
    // The last good bundle stays in force.
    const error = err instanceof BundleError ? err.message : `reload failed: ${messageOf(err)}`;
    d.built.events.emit({ type: 'bundle-rejected', reason: error, at: Date.now() });
    d.report('reload', new Error(error));
    return { ok: false, error };
  }
}

async function syncOrg(d: Daemon, org: OrgRuntime): Promise<ReloadOutcome> {
  const before = org.status().lastRejection?.at;
  try {
    await org.syncNow();
  } catch (err) {
    d.report('reload', err);
    return { ok: false, error: messageOf(err) };
  }
  const s = org.status();
  if (s.state === 'offline') {
    const error = `could not reach the org: ${s.lastError ?? 'offline'}`;
    d.report('reload', new Error(error));
    return { ok: false, error };
  }
  d.recovered('reload');
  const rejected = s.lastRejection;
  return {
    ok: true,
    version: d.built.gateway.currentBundle.version,
    ...(rejected ? { lastRejection: rejected.reason } : {}),
    ...(rejected && rejected.at !== before ? { rejectedNow: true } : {}),
  };
}

/** The agent an HTTP request speaks for: its token's, or the bundle's anonymous agent. */
function agentOf(d: Daemon, req: IncomingMessage): string | undefined {
  const token = bearerToken(req.headers.authorization);
  if (token !== undefined) return d.tokens.agentFor(token);
  return d.built.gateway.settings.anonymousAgent;
}

/** The loopback OAuth server for IDE agents: a connection request waits for the person's consent. */
function agentOAuth(d: Daemon): AgentAuth {
  const { events, recorder } = d.built;
  return new AgentAuth({
    dataDir: d.dataDir,
    tokens: d.tokens,
    onRequest: (r) =>
      events.emit({
        type: 'agent-request',
        id: r.id,
        client: r.clientName,
        agent: r.agent,
        redirect: describeRedirect(r.redirectUri).redirect,
        at: Date.now(),
      }),
    onIssued: (r) =>
      recorder.record(undefined, 'login', { outcome: 'ok', agent: r.agent, detail: { kind: 'agent-oauth', client: r.clientName, issued: 'agent token' } }),
  });
}

function controlApi(
  d: Daemon,
  ops: { reload(): Promise<ReloadOutcome>; joinOrg: ReturnType<typeof orgJoiner>; identity: IdentityKeeper; agentAuth: AgentAuth; logins: UpstreamLogins },
): ControlApi {
  const { gateway, events, recorder, vault, audit, disabled } = d.built;
  const shown = (id: LoadedIdentity) => ({ user: id.user, groups: [...id.groups], source: id.source, problem: id.problem });
  return new ControlApi({
    gateway,
    events,
    recorder,
    vault,
    audit,
    disabled,
    agentAuth: ops.agentAuth,
    logins: ops.logins,
    tokens: d.tokens,
    controlToken: d.token,
    eventLog: d.eventLog,
    facts: () => ({
      dataDir: d.dataDir,
      port: d.port,
      socket: d.socket,
      bundleSource: d.bundleSource,
      startedAt: d.startedAt,
      credentials: vault.status(gateway.currentBundle),
      audit: audit.backlog(),
      org: d.org?.status() ?? null,
      identity: shown(d.identity),
      problems: d.problems.list(),
    }),
    shipAudit: async () => {
      if (!d.org) throw new Error('this desktop is not enrolled in an org: there is nowhere to ship to');
      return d.org.shipNow();
    },
    previewOrg: async (url) => (await import('./org/enroll.ts')).fetchOrgInfo(url),
    joinOrg: ops.joinOrg,
    refreshIdentity: async () => shown(await ops.identity.refresh()),
    reloadIdentity: async () => shown(await ops.identity.reload(true)),
    reloadBundle: ops.reload,
  });
}

function loginHost(built: BuiltGateway): LoginHost {
  const { gateway, events, recorder } = built;
  return { bundle: () => gateway.currentBundle, restartServer: (id) => gateway.restartServer(id), events, recorder };
}

/** The HTTP listener (MCP, control API, OAuth callback, dashboard) and the bridges' socket. */
async function listen(
  d: Daemon,
  parts: { mcp: McpHttpEndpoint; control: ControlApi; logins: UpstreamLogins; agentAuth: AgentAuth },
): Promise<{ close(): void }> {
  const { mcp, control, logins, agentAuth } = parts;
  let http: HttpServer | undefined;
  let net: NetServer | undefined;
  try {
    const listening = await listenHttp({
      port: d.opts.port,
      mcp,
      control,
      agentAuth,
      oauthCallback: (url) => logins.callback(url),
      dashboardDir: join(INSTALL_ROOT, 'dist', 'renderer'),
    });
    http = listening.server;
    d.port = listening.port;
    d.built.gateway.linkDashboard(`http://127.0.0.1:${d.port}/app/`); // questions in the chat link to the full diff
    net = await listenSocket(d.built.gateway, d.socket);
  } catch (err) {
    http?.close();
    throw err;
  }
  return {
    close() {
      net?.close();
      http?.closeAllConnections();
      http?.close();
    },
  };
}

/** Audit retention, the org's sync and the org login's renewal: what runs in the background. */
function upkeep(d: Daemon, identity: IdentityKeeper): NodeJS.Timeout[] {
  const { gateway, audit } = d.built;
  // Retention: acknowledged records older than the bundle's retention go, checkpointed; checked hourly.
  const prune = () => {
    try {
      audit.prune(gateway.settings.audit.retentionDays);
    } catch (err) {
      d.eventLog.line('error', `audit retention: ${(err as Error).message}`);
    }
  };
  prune();
  const pruneTimer = setInterval(prune, 3_600_000);
  pruneTimer.unref();
  void d.org?.start().catch((err: unknown) => d.report('org-sync', new Error(`org sync failed to start: ${messageOf(err)}`)));
  void identity.reload().then(
    () => d.recovered('identity'),
    (err: unknown) => d.report('identity', new Error(`reading the org login: ${messageOf(err)}`)),
  );
  // Group membership changes at the IdP reach policy within the hour, without a new login.
  const identityTimer = setInterval(() => {
    void identity.refresh().then(
      () => d.recovered('identity'),
      (err: unknown) => d.report('identity', new Error(`renewing the org login: ${messageOf(err)}`)),
    );
  }, IDENTITY_REFRESH_MS);
  identityTimer.unref();
  return [pruneTimer, identityTimer];
}
