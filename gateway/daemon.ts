import type { Server as HttpServer } from 'node:http';
import type { Server as NetServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import type { Bundle } from '../shared/bundle/schema.ts';
import { AgentTokens } from './config/agent-tokens.ts';
import { BundleError, loadBundleFile } from './config/bundle-file.ts';
import { controlToken, ensureDataDir, removeDaemonFile, socketPathFor, writeDaemonFile } from './config/data-dir.ts';
import { ControlApi } from './control/api.ts';
import { EventLog } from './control/event-log.ts';
import { listenHttp } from './downstream/http-listener.ts';
import { McpHttpEndpoint } from './downstream/mcp-http.ts';
import { listenSocket } from './downstream/socket-server.ts';
import { Gateway } from './mux/gateway.ts';
import { PinStore } from './pinning/store.ts';
import type { UpstreamChannel } from './upstream/channel.ts';
import { INSTALL_ROOT } from './config/install-root.ts';
import { AuditLog } from './audit/log.ts';
import { OAuthLogins } from './oauth/login.ts';
import { localUser } from './pinning/gate.ts';
import { CredentialVault } from './secrets/vault.ts';
import { DeferredChannel } from './upstream/deferred-channel.ts';
import { createChannel, launchVars } from './upstream/launch.ts';
import type { Refusal } from './sandbox/egress-proxy.ts';
import { OrgConfigError, readOrgConfig, type OrgConfig } from './org/org-config.ts';
import { enrol, fetchOrgInfo, type EnrolOptions } from './org/enrol.ts';
import { OrgRuntime, startingBundle } from './org/org-runtime.ts';
import { loadIdentity, refreshOrgLogin, type LoadedIdentity } from './org/identity.ts';
import { chooseBackend } from './secrets/vault.ts';
import { lazyBackend, type SecretBackend } from './secrets/backend.ts';
import { RotatingLog } from './upstream/stderr-log.ts';
import { messageOf, Problems } from './control/problems.ts';
import { openDisabledServers, type DisabledServersFile } from './config/disabled-servers.ts';
import { AgentAuth } from './agent-auth/routes.ts';
import { describeRedirect } from './control/agent-requests.ts';
import { redactShapes } from '../shared/redaction/redact.ts';

/** How often the org login is renewed at the IdP, so group changes reach policy. */
const IDENTITY_REFRESH_MS = 60 * 60_000;

export interface GatewayContext {
  dataDir: string;
  bundlePath: string;
  /** The process's one secret backend; the vault opens its own when there is none (standalone). */
  backend?: SecretBackend;
}

export interface BuiltGateway { gateway: Gateway; vault: CredentialVault; liveHeaders: Map<string, Record<string, string>>; audit: AuditLog; disabled: DisabledServersFile }

/**
 * Builds the multiplexer with real upstream channels (processes, HTTP), the pin
 * store, and the credential vault whose values are injected at spawn time and
 * scrubbed from everything agents and logs see.
 */
export function createGateway(bundle: Bundle, ctx: GatewayContext): BuiltGateway {
  const logs = new Map<string, RotatingLog>();
  const vars = launchVars(ctx.dataDir, dirname(resolve(ctx.bundlePath)));
  const { backend } = ctx;
  const vault = backend ? new CredentialVault(ctx.dataDir, () => backend) : new CredentialVault(ctx.dataDir);
  const audit = new AuditLog(ctx.dataDir);
  const disabled = openDisabledServers(ctx.dataDir);
  /** The live header objects of HTTP upstreams, by server id, for tokens refreshed mid-session. */
  const liveHeaders = new Map<string, Record<string, string>>();
  const gateway: Gateway = new Gateway({
    bundle,
    pins: new PinStore(ctx.dataDir),
    redactor: () => vault.redactor,
    audit,
    identity: { user: localUser(), groups: [] },
    vars,
    disabledServers: disabled.ids,
    onServerRetired: (server) => {
      void vault.removeServer(server.id, server.credentials.map((c) => c.name)).then(
        (deleted) => { if (deleted.length) gateway.emit('event', { type: 'credentials-deleted', server: server.id, slots: deleted, at: Date.now() }); },
        (err: unknown) => gateway.emit('event', { type: 'credentials-error', server: server.id, error: (err as Error).message, at: Date.now() }),
      );
    },
    makeChannel: (server): UpstreamChannel => {
      let log = logs.get(server.id);
      if (!log) {
        log = new RotatingLog(join(ctx.dataDir, 'logs', `${server.id}.log`));
        log.redact = (text) => vault.redactor.redact(text);
        logs.set(server.id, log);
      }
      const serverLog = log;
      const onHeaders = (headers: Record<string, string>) => liveHeaders.set(server.id, headers);
      // The egress proxy refusing a host is a denial for the audit log (gateway/sandbox/).
      const onSandboxRefusal = (r: Refusal) => gateway.record(undefined, 'denial', { server: server.id, outcome: 'denied', error: `network: ${r.host}:${r.port} is not on this server's allow-list`, detail: { sandbox: 'egress', host: r.host, port: r.port } });
      if (server.credentials.length === 0) return createChannel(server, { settings: gateway.settings, vars, env: process.env, log: serverLog, onHeaders, onSandboxRefusal });
      // Credentials are read from the keychain when the server (re)starts, never per call.
      return new DeferredChannel(async () => createChannel(server, { settings: gateway.settings, vars, env: process.env, log: serverLog, onHeaders, onSandboxRefusal, credentials: await vault.valuesFor(server) }));
    },
  });
  return { gateway, vault, liveHeaders, audit, disabled };
}

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

export async function startDaemon(opts: DaemonOptions): Promise<RunningDaemon> {
  const dataDir = ensureDataDir(resolve(opts.dataDir));
  const orgConfig = readOrgConfig(dataDir);
  if (orgConfig && opts.explicitBundle) {
    throw new BundleError(`this desktop is enrolled in org "${orgConfig.org}": its servers and policies come only from ${orgConfig.syncUrl}, so --bundle ${opts.bundlePath} is refused`);
  }
  const orgStart = orgConfig ? await startingBundle(dataDir, orgConfig) : undefined;
  const bundle = orgStart?.bundle ?? loadBundleFile(opts.bundlePath);
  // An org bundle's ${bundleDir} is the data dir: it names no local file.
  const bundlePath = orgConfig ? join(dataDir, 'org-bundle') : opts.bundlePath;
  let bundleSource = orgConfig ? `org ${orgConfig.org} via ${orgConfig.syncUrl}` : resolve(opts.bundlePath);
  const token = controlToken(dataDir);
  const tokens = new AgentTokens(dataDir);
  // One backend for the vault, enrolment, the device key and the org login alike.
  const backend = lazyBackend(() => chooseBackend(dataDir));
  const { gateway, vault, liveHeaders, audit, disabled } = createGateway(bundle, { dataDir, bundlePath, backend });
  const problems = new Problems();
  // Every problem event (the audit log's, the multiplexer's, ours below) is kept for the status.
  gateway.on('event', (e) => { if (e.type === 'problem') problems.note(e.component, e.message, e.at); });
  if (disabled.problem) problems.note('disabled-servers', disabled.problem, Date.now());
  /** Background work failed: once into the daemon log and the status per distinct message; the daemon goes on. */
  const report = (component: string, err: unknown) => {
    const message = redactShapes(vault.redactor.redact(messageOf(err)));
    if (!problems.has(component, message)) gateway.emit('event', { type: 'problem', component, message, at: Date.now() });
  };
  const recovered = (component: string) => problems.clear(component);
  let identity: LoadedIdentity = { ...gateway.user, source: 'os', problem: null };
  /** Renews the org login at the IdP, then re-reads it; `why` goes into the audit record. */
  const refreshIdentity = async (): Promise<LoadedIdentity> => {
    const outcome = await refreshOrgLogin(readOrgConfig(dataDir), backend);
    const id = await reloadIdentity();
    if (outcome !== 'not-logged-in') gateway.record(undefined, 'login', { outcome: outcome === 'refreshed' && id.source === 'oidc' ? 'ok' : 'error', error: outcome === 'revoked' ? 'the identity provider refused to renew the login' : id.problem, detail: { kind: 'org-refresh', groups: [...id.groups] } });
    return id;
  };
  const reloadIdentity = async (login = false): Promise<LoadedIdentity> => {
    identity = await loadIdentity(readOrgConfig(dataDir), backend, localUser());
    gateway.setIdentity(identity);
    if (login) gateway.record(undefined, 'login', { outcome: identity.source === 'oidc' ? 'ok' : 'error', error: identity.problem, detail: { kind: 'org', groups: [...identity.groups] } });
    return identity;
  };
  let org = orgConfig && orgStart ? new OrgRuntime(orgConfig, orgStart.problem, { dataDir, cache: orgStart.cache, gateway, audit, backend, onProblem: report, onRecovered: recovered }) : undefined;
  /** Joins an org while running: from now on only the org's bundles count, beginning with none. */
  const joinOrg = async (syncUrl: string, enrolOpts: EnrolOptions): Promise<OrgConfig> => {
    if (org) throw new OrgConfigError(`already enrolled in org "${org.config.org}"`);
    const config = await enrol(dataDir, syncUrl, backend, enrolOpts);
    const start = await startingBundle(dataDir, config);
    await gateway.applyBundle(start.bundle);
    org = new OrgRuntime(config, start.problem, { dataDir, cache: start.cache, gateway, audit, backend, onProblem: report, onRecovered: recovered });
    bundleSource = `org ${config.org} via ${config.syncUrl}`;
    await org.start();
    void reloadIdentity().catch((err: unknown) => report('identity', err));
    return config;
  };
  /**
   * Re-reads the bundle (the file, or the org's now) and says what really happened:
   * the control API's reload, `gatehouse reload` and SIGHUP all wait for this.
   */
  const reload = async (): Promise<ReloadOutcome> => {
    if (org) {
      const before = org.status().lastRejection?.at;
      try {
        await org.syncNow();
      } catch (err) {
        report('reload', err);
        return { ok: false, error: messageOf(err) };
      }
      const s = org.status();
      if (s.state === 'offline') {
        const error = `could not reach the org: ${s.lastError ?? 'offline'}`;
        report('reload', new Error(error));
        return { ok: false, error };
      }
      recovered('reload');
      const rejected = s.lastRejection;
      return { ok: true, version: gateway.currentBundle.version, ...(rejected ? { lastRejection: rejected.reason } : {}), ...(rejected && rejected.at !== before ? { rejectedNow: true } : {}) };
    }
    try {
      const next = loadBundleFile(opts.bundlePath);
      await gateway.applyBundle(next);
      recovered('reload');
      return { ok: true, version: next.version };
    } catch (err) {
      // The last good bundle stays in force.
      const error = err instanceof BundleError ? err.message : `reload failed: ${messageOf(err)}`;
      gateway.emit('event', { type: 'bundle-rejected', reason: error, at: Date.now() });
      report('reload', new Error(error));
      return { ok: false, error };
    }
  };
  const eventLog = new EventLog(dataDir);
  gateway.on('event', (e) => eventLog.event(e));
  audit.onProblem = (message) => gateway.emit('event', { type: 'problem', component: 'audit', message, at: Date.now() });
  const socket = socketPathFor(dataDir);
  const startedAt = Date.now();
  let port = opts.port;

  const agentAuth = new AgentAuth({
    dataDir,
    tokens,
    onRequest: (r) => gateway.emit('event', { type: 'agent-request', id: r.id, client: r.clientName, agent: r.agent, redirect: describeRedirect(r.redirectUri).redirect, at: Date.now() }),
    onIssued: (r) => gateway.record(undefined, 'login', { outcome: 'ok', agent: r.agent, detail: { kind: 'agent-oauth', client: r.clientName, issued: 'agent token' } }),
  });
  const mcp = new McpHttpEndpoint({
    gateway,
    agentFor: (req) => {
      const auth = req.headers.authorization;
      if (auth?.startsWith('Bearer ')) return tokens.agentFor(auth.slice(7));
      return gateway.settings.anonymousAgent;
    },
    challenge: (req) => AgentAuth.challenge(`http://${req.headers.host ?? `127.0.0.1:${port}`}`, req.headers.authorization !== undefined),
  });
  const control = new ControlApi({
    gateway,
    disabled,
    agentAuth,
    vault,
    audit,
    tokens,
    controlToken: token,
    facts: () => ({ dataDir, port, socket, bundleSource, startedAt, credentials: vault.status(gateway.currentBundle), audit: audit.backlog(), org: org?.status() ?? null, identity: { ...identity, groups: [...identity.groups] }, problems: problems.list() }),
    shipAudit: async () => {
      if (!org) throw new Error('this desktop is not enrolled in an org: there is nowhere to ship to');
      return org.shipNow();
    },
    previewOrg: (url) => fetchOrgInfo(url),
    eventLog,
    joinOrg,
    refreshIdentity: async () => {
      const id = await refreshIdentity();
      return { user: id.user, groups: [...id.groups], source: id.source, problem: id.problem };
    },
    reloadIdentity: async () => {
      const id = await reloadIdentity(true);
      return { user: id.user, groups: [...id.groups], source: id.source, problem: id.problem };
    },
    reloadBundle: reload,
  });

  const logins = new OAuthLogins(gateway, vault, () => `http://127.0.0.1:${port}/oauth/callback`, liveHeaders);
  control.logins = logins;
  let http: HttpServer | undefined;
  let net: NetServer | undefined;
  try {
    const listening = await listenHttp({ port: opts.port, mcp, control, agentAuth, oauthCallback: (url) => logins.callback(url), dashboardDir: join(INSTALL_ROOT, 'dist', 'renderer') });
    http = listening.server;
    port = listening.port;
    gateway.approvals.dashboard = `http://127.0.0.1:${port}/app/`; // questions in the chat link to the full diff
    net = await listenSocket(gateway, socket);
  } catch (err) {
    http?.close();
    throw err;
  }
  gateway.start();
  // Retention: acknowledged records older than the bundle's retention go, checkpointed; checked hourly.
  const prune = () => { try { audit.prune(gateway.settings.audit.retentionDays); } catch (err) { eventLog.line('error', `audit retention: ${(err as Error).message}`); } };
  prune();
  const pruneTimer = setInterval(prune, 3_600_000);
  pruneTimer.unref();
  void org?.start().catch((err: unknown) => report('org-sync', new Error(`org sync failed to start: ${messageOf(err)}`)));
  void reloadIdentity().then(() => recovered('identity'), (err: unknown) => report('identity', new Error(`reading the org login: ${messageOf(err)}`)));
  // Group membership changes at the IdP reach policy within the hour, without a new login.
  const identityTimer = setInterval(() => {
    void refreshIdentity().then(() => recovered('identity'), (err: unknown) => report('identity', new Error(`renewing the org login: ${messageOf(err)}`)));
  }, IDENTITY_REFRESH_MS);
  identityTimer.unref();
  writeDaemonFile(dataDir, { pid: process.pid, port, socket, startedAt: new Date(startedAt).toISOString() });

  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= (async () => {
    removeDaemonFile(dataDir, process.pid);
    control.close();
    mcp.close();
    net?.close();
    http?.closeAllConnections();
    http?.close();
    logins.stop();
    clearInterval(pruneTimer);
    clearInterval(identityTimer);
    await org?.stop();
    await gateway.stop();
    audit.close();
  })());

  return { gateway, vault, port, socket, controlToken: token, tokens, get org() { return org; }, reload, stop };
}
