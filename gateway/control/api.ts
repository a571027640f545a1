import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { GatewayEvent, Status } from '../../shared/control/contract.ts';
import { keyFingerprint } from '../../shared/bundle/envelope.ts';
import type { OrgInfo } from '../../shared/sync/contract.ts';
import type { EnrolOptions } from '../org/enrol.ts';
import { LOG_LEVELS, type EventLog } from './event-log.ts';
import { OrgConfigError, type OrgConfig } from '../org/org-config.ts';
import type { AgentTokens } from '../config/agent-tokens.ts';
import { tokensEqual } from '../config/agent-tokens.ts';
import type { Gateway } from '../mux/gateway.ts';
import { DecisionError, localUser } from '../pinning/gate.ts';
import { KeychainUnavailableError } from '../secrets/backend.ts';
import type { CredentialVault } from '../secrets/vault.ts';
import type { OAuthLogins } from '../oauth/login.ts';
import type { AuditLog } from '../audit/log.ts';
import { join } from 'node:path';
import { INSTALL_ROOT } from '../config/install-root.ts';
import { CLIENTS, type ClientName } from '../connect/clients.ts';
import { applyPlan, ConnectError, daemonEnv, planConnect, planSnippet, planUndo } from '../connect/connect.ts';
import { agentStatuses, buildStatus, serverStatuses, toolEntries, type DaemonFacts } from './status.ts';
import { controlProof, NONCE } from '../../shared/control/proof.ts';
import { GATEHOUSE_INFO } from '../mux/gateway.ts';
import { OneTimeCodes } from './one-time-codes.ts';
import { tryTool } from './try-tool.ts';
import type { DisabledServersFile } from '../config/disabled-servers.ts';
import type { AgentAuth } from '../agent-auth/routes.ts';
import { agentRequestRoutes } from './agent-requests.ts';
import { readBodyText } from '../framing/read-body.ts';

// The control API under /api/v1: what the CLI, the tray app and the dashboard use.
// It has its own token, separate from agent tokens: an agent cannot reconfigure Gatehouse.

export interface ControlApiOptions {
  gateway: Gateway;
  /** Servers the user switched off here; the API writes it, the gateway reads it. */
  disabled?: DisabledServersFile;
  /** The loopback OAuth server for agents, whose waiting requests the person decides here. */
  agentAuth?: AgentAuth;
  vault: CredentialVault;
  audit: AuditLog;
  tokens: AgentTokens;
  controlToken: string;
  facts: () => DaemonFacts;
  reloadBundle(): Promise<{ ok: true; version: number; lastRejection?: string } | { ok: false; error: string }>;
  /** The daemon's own log, whose level the user sets. */
  eventLog?: EventLog;
  /** Ships the audit outbox to the org now. */
  shipAudit?(): Promise<number>;
  /** What a sync endpoint says about its org (to show the key fingerprint before enrolling). */
  previewOrg?(url: string): Promise<OrgInfo>;
  /** Enrols this desktop and switches it to the org's bundle, without a restart. */
  joinOrg?(url: string, opts: EnrolOptions): Promise<OrgConfig>;
  /** Renews the org login at the IdP now (it is renewed hourly anyway). */
  refreshIdentity?(): Promise<NonNullable<Status['identity']>>;
  /** Re-reads the org login (after `gatehouse login`). */
  reloadIdentity?(): Promise<NonNullable<Status['identity']>>;
}

const SecretBody = z.strictObject({ value: z.string().min(1, 'the value cannot be empty').max(64 * 1024) });
const PauseBody = z.strictObject({ paused: z.boolean() });
const EnabledBody = z.strictObject({ enabled: z.boolean() });
const ConnectBody = z.strictObject({ mode: z.enum(['preview', 'apply', 'undo']) });
const EnrolBody = z.strictObject({ url: z.url({ protocol: /^https?$/ }), token: z.string().min(1), fingerprint: z.string().min(1) });
const LogLevelBody = z.strictObject({ level: z.enum(LOG_LEVELS) });
const DecisionBody = z.strictObject({
  reason: z.string().max(500).optional(),
  by: z.string().max(100).optional(),
  /** Where the person decided: the app, its notification, the CLI; the record keeps it. */
  via: z.enum(['app', 'notification', 'cli', 'api']).optional(),
});
const CreateTokenBody = z.strictObject({ agent: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'agent names are 1-64 of letters, digits, ., _ and -') });
const MAX_CONTROL_BODY = 64 * 1024;
const RedeemBody = z.strictObject({ code: z.string().max(64) });
const TryBody = z.discriminatedUnion('method', [
  z.strictObject({ method: z.literal('tools/list') }),
  z.strictObject({ method: z.literal('tools/call'), params: z.strictObject({ name: z.string().min(1).max(128), arguments: z.record(z.string(), z.unknown()) }) }),
]);

/**
 * A person's decision (approve, reject, reopen) from the app, its notification or
 * the CLI: a validated body, who took it, and 409 when it does not apply.
 */
async function decision(req: IncomingMessage, res: ServerResponse, act: (by: string, body: z.infer<typeof DecisionBody>) => unknown): Promise<void> {
  const body = DecisionBody.safeParse((await readJson(req)) ?? {});
  if (!body.success) { json(res, 400, { error: body.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ') }); return; }
  try {
    json(res, 200, act(body.data.by ? `${localUser()} via ${body.data.by}` : localUser(), body.data));
  } catch (err) {
    json(res, err instanceof DecisionError ? 409 : 500, { error: (err as Error).message });
  }
}

export class ControlApi {
  private readonly opts: ControlApiOptions;
  private readonly streams = new Set<ServerResponse>();
  private readonly links = new OneTimeCodes();
  /** OAuth logins to upstreams; set by the daemon once its port is known. */
  logins: OAuthLogins | undefined;

  constructor(opts: ControlApiOptions) {
    this.opts = opts;
    opts.gateway.on('event', (e) => this.broadcast(e));
  }

  close(): void {
    for (const s of this.streams) s.end();
    this.streams.clear();
  }

  async handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (req.method === 'GET' && path === '/api/v1/hello') { await this.hello(req, res); return; }
    if (req.method === 'POST' && path === '/api/v1/dashboard/redeem') { await this.redeem(req, res); return; }
    const auth = req.headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    if (!token || !tokensEqual(token, this.opts.controlToken)) {
      json(res, 401, { error: 'missing or wrong control token (see control-token in the data dir)' });
      return;
    }
    const { gateway } = this.opts;
    const route = `${req.method} ${path}`;
    switch (route) {
      case 'GET /api/v1/status': json(res, 200, buildStatus(gateway, this.opts.facts())); return;
      case 'POST /api/v1/dashboard/link': json(res, 201, { code: this.links.issue() }); return;
      case 'GET /api/v1/log-level':
        json(res, 200, { level: this.opts.eventLog?.current ?? 'info', levels: LOG_LEVELS });
        return;
      case 'PUT /api/v1/log-level': {
        const body = LogLevelBody.safeParse(await readJson(req));
        if (!body.success || !this.opts.eventLog) { json(res, 400, { error: `the level is one of ${LOG_LEVELS.join(', ')}` }); return; }
        this.opts.eventLog.setLevel(body.data.level);
        json(res, 200, { level: body.data.level, levels: LOG_LEVELS });
        return;
      }
      case 'GET /api/v1/org/preview': {
        const url = new URL(req.url ?? '/', 'http://x').searchParams.get('url');
        if (!url || !this.opts.previewOrg) { json(res, 400, { error: 'give ?url= the sync endpoint your admin sent' }); return; }
        try {
          const info = await this.opts.previewOrg(url);
          json(res, 200, { org: info.org, name: info.name, fingerprints: info.keys.map((k) => keyFingerprint(k.publicKey)), login: info.oidc !== null });
        } catch (err) {
          json(res, 502, { error: (err as Error).message });
        }
        return;
      }
      case 'POST /api/v1/org/enroll': {
        const body = EnrolBody.safeParse(await readJson(req));
        if (!body.success || !this.opts.joinOrg) { json(res, 400, { error: 'give {"url", "token", "fingerprint"} from your admin' }); return; }
        try {
          const config = await this.opts.joinOrg(body.data.url, { token: body.data.token, fingerprint: body.data.fingerprint });
          json(res, 200, { org: config.org, name: config.name ?? config.org, deviceId: config.deviceId ?? null });
        } catch (err) {
          json(res, err instanceof OrgConfigError ? 409 : 400, { error: (err as Error).message });
        }
        return;
      }
      case 'POST /api/v1/audit/ship': {
        if (!this.opts.shipAudit) { json(res, 404, { error: 'this desktop is not enrolled in an org: there is nowhere to ship to' }); return; }
        try {
          json(res, 200, { acknowledged: await this.opts.shipAudit() });
        } catch (err) {
          json(res, 503, { error: (err as Error).message });
        }
        return;
      }
      case 'POST /api/v1/identity/refresh': {
        if (!this.opts.refreshIdentity) { json(res, 404, { error: 'no org login here' }); return; }
        try {
          json(res, 200, await this.opts.refreshIdentity());
        } catch (err) {
          json(res, 502, { error: `the identity provider could not renew the login: ${(err as Error).message}` });
        }
        return;
      }
      case 'POST /api/v1/identity/reload': {
        if (!this.opts.reloadIdentity) { json(res, 404, { error: 'no org login here' }); return; }
        json(res, 200, await this.opts.reloadIdentity());
        return;
      }
      case 'GET /api/v1/servers': json(res, 200, { servers: serverStatuses(gateway) }); return;
      case 'GET /api/v1/tools': json(res, 200, { tools: toolEntries(gateway) }); return;
      case 'GET /api/v1/agents': json(res, 200, { agents: agentStatuses(gateway), tokens: this.opts.tokens.list() }); return;
      case 'GET /api/v1/events': this.events(res); return;
      case 'POST /api/v1/tokens': {
        const body = CreateTokenBody.safeParse(await readJson(req));
        if (!body.success) { json(res, 400, { error: body.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ') }); return; }
        json(res, 201, { agent: body.data.agent, token: this.opts.tokens.create(body.data.agent) });
        return;
      }
      case 'POST /api/v1/bundle/reload': {
        const result = await this.opts.reloadBundle();
        json(res, result.ok ? 200 : 422, result);
        return;
      }
      default:
        break;
    }
    if (route === 'GET /api/v1/pending') {
      json(res, 200, { pending: gateway.gate.pending(), trustOnFirstUse: gateway.settings.pinning.trustOnFirstUse, personal: gateway.currentBundle.org === undefined });
      return;
    }
    if (route === 'GET /api/v1/decisions') { json(res, 200, { decisions: gateway.gate.decisions().slice(-500) }); return; }
    const pendingMatch = /^GET \/api\/v1\/pending\/([0-9a-f]{12})$/.exec(route);
    if (pendingMatch) {
      const change = gateway.gate.pending().find((p) => p.id === pendingMatch[1]);
      json(res, change ? 200 : 404, change ?? { error: `no pending change "${pendingMatch[1]}"` });
      return;
    }
    const decideMatch = /^POST \/api\/v1\/pending\/([0-9a-f]{12})\/(approve|reject)$/.exec(route);
    if (decideMatch) {
      await decision(req, res, (by, body) => {
        const change = gateway.decide(decideMatch[1]!, decideMatch[2] as 'approve' | 'reject', by, body.reason ?? null, { via: body.via ?? 'api' });
        return { id: change.id, decision: decideMatch[2] === 'approve' ? 'approved' : 'rejected', tool: change.exposedName };
      });
      return;
    }
    // A rejection clicked by mistake: the change is pending again.
    const reopenMatch = /^POST \/api\/v1\/decisions\/([0-9a-f]{12})\/reopen$/.exec(route);
    if (reopenMatch) {
      await decision(req, res, (by, body) => ({ id: reopenMatch[1], decision: 'reopened', pending: gateway.reopen(reopenMatch[1]!, by, body.reason ?? null, body.via ?? 'api') ?? null }));
      return;
    }
    const loginMatch = /^POST \/api\/v1\/oauth\/([a-z0-9-]{1,32})\/login$/.exec(route);
    if (loginMatch && this.logins) {
      try {
        json(res, 200, await this.logins.start(loginMatch[1]!));
      } catch (err) {
        json(res, err instanceof KeychainUnavailableError ? 503 : 400, { error: (err as Error).message });
      }
      return;
    }
    const waitMatch = /^GET \/api\/v1\/oauth\/logins\/([A-Za-z0-9_-]{8,40})$/.exec(route);
    if (waitMatch && this.logins) {
      try {
        await this.logins.wait(waitMatch[1]!);
        json(res, 200, { ok: true });
      } catch (err) {
        json(res, 400, { ok: false, error: (err as Error).message });
      }
      return;
    }
    const connectMatch = /^POST \/api\/v1\/connect\/([a-z-]{3,20})$/.exec(route);
    if (connectMatch) {
      const client = connectMatch[1] as ClientName;
      const body = ConnectBody.safeParse(await readJson(req));
      if (!(CLIENTS as readonly string[]).includes(client) || !body.success) { json(res, 400, { error: `use one of ${CLIENTS.join(', ')} with {"mode":"preview"|"apply"|"undo"}` }); return; }
      const launcher = { command: process.execPath, args: [join(INSTALL_ROOT, 'bin', 'gatehouse.js')], env: daemonEnv(process.env) };
      try {
        const plan = body.data.mode === 'undo' ? planUndo(client) : planConnect(client, launcher);
        const done = body.data.mode === 'preview' ? plan : applyPlan(plan);
        json(res, 200, { label: done.label, path: done.path, status: done.status, snippet: planSnippet(client, launcher), content: done.content, backup: done.backup ?? null, applied: body.data.mode !== 'preview' && done.status !== 'unchanged' });
      } catch (err) {
        json(res, err instanceof ConnectError ? 409 : 500, { error: (err as Error).message, snippet: planSnippet(client, launcher) });
      }
      return;
    }
    if (route === 'GET /api/v1/audit') {
      const q = new URL(req.url ?? '/', 'http://x').searchParams;
      const limit = Math.min(Math.max(Number(q.get('limit') ?? 200) || 200, 1), 1000);
      const before = Number(q.get('before') ?? 0) || undefined;
      const filter = { limit, ...(before ? { before } : {}), ...Object.fromEntries(['agent', 'server', 'tool', 'outcome', 'correlation', 'since'].flatMap((k) => (q.get(k) ? [[k, q.get(k)!]] : []))) };
      json(res, 200, { records: this.opts.audit.query(filter) });
      return;
    }
    if (route === 'POST /api/v1/pause') {
      const body = PauseBody.safeParse(await readJson(req));
      if (!body.success) { json(res, 400, { error: 'send {"paused": true|false}' }); return; }
      gateway.paused = body.data.paused;
      gateway.emit('event', { type: 'paused', paused: gateway.paused, at: Date.now() });
      json(res, 200, { paused: gateway.paused });
      return;
    }
    if (route === 'GET /api/v1/secrets') { json(res, 200, { slots: this.opts.vault.status(gateway.currentBundle) }); return; }
    const secretMatch = /^(PUT|POST|DELETE) \/api\/v1\/secrets\/([a-z0-9-]{1,32})\/([A-Za-z0-9_-]{1,48})(\/rotate)?$/.exec(route);
    if (secretMatch) { await this.secret(req, res, secretMatch[1]!, secretMatch[2]!, secretMatch[3]!, secretMatch[4] !== undefined); return; }
    if (route === 'POST /api/v1/try') {
      const body = TryBody.safeParse(await readJson(req));
      if (!body.success) { json(res, 400, { error: 'give {"method":"tools/list"} or {"method":"tools/call","params":{"name","arguments"}}' }); return; }
      try {
        json(res, 200, await tryTool(gateway, body.data, gateway.settings.callTimeoutMs));
      } catch (err) {
        json(res, 504, { error: (err as Error).message });
      }
      return;
    }
    const restartMatch = /^POST \/api\/v1\/servers\/([a-z0-9-]{1,32})\/restart$/.exec(route);
    if (restartMatch) {
      const server = gateway.currentBundle.servers.find((s) => s.id === restartMatch[1]);
      if (!server) { json(res, 404, { error: `no server "${restartMatch[1]}" in the bundle` }); return; }
      // Revoked servers are never spawned, restart or not.
      if (server.status === 'revoked') { json(res, 409, { error: `"${server.id}" is revoked by the bundle and stays stopped` }); return; }
      if (gateway.isDisabled(server.id)) { json(res, 409, { error: `"${server.id}" is switched off on this desktop: turn it on first (gatehouse server enable ${server.id})` }); return; }
      await gateway.restartServer(restartMatch[1]!);
      json(res, 200, { restarted: restartMatch[1] });
      return;
    }
    const { agentAuth } = this.opts;
    if (agentAuth && (route === 'GET /api/v1/agent-requests' || route.startsWith('POST /api/v1/agent-requests/'))) {
      if (await agentRequestRoutes(route, req, res, {
        auth: agentAuth, toolsFor: (agent) => gateway.toolsFor(agent), readJson, json,
        decided: (r) => {
          gateway.record(undefined, 'login', { outcome: r.status === 'allowed' ? 'ok' : 'denied', agent: r.agent, detail: { kind: 'agent-oauth', client: r.clientName, decided: r.status, by: r.decidedBy ?? 'dashboard' } });
          gateway.emit('event', { type: 'agent-request-decided', id: r.id, allowed: r.status === 'allowed', agent: r.agent, at: Date.now() });
        },
      })) return;
    }
    const enabledMatch = /^POST \/api\/v1\/servers\/([a-z0-9-]{1,32})\/enabled$/.exec(route);
    if (enabledMatch) { await this.setEnabled(req, res, enabledMatch[1]!); return; }
    const tokenMatch = /^DELETE \/api\/v1\/tokens\/([A-Za-z0-9._-]{1,64})$/.exec(route);
    if (tokenMatch) {
      const removed = this.opts.tokens.revoke(tokenMatch[1]!);
      json(res, removed ? 200 : 404, removed ? { revoked: tokenMatch[1] } : { error: `no token for agent "${tokenMatch[1]}"` });
      return;
    }
    json(res, 404, { error: `no such endpoint: ${route}` });
  }

  /** Switches a server off or on for this desktop only; the choice survives restarts and bundle updates. */
  private async setEnabled(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    const { gateway, disabled } = this.opts;
    const body = EnabledBody.safeParse(await readJson(req));
    if (!body.success) { json(res, 400, { error: 'send {"enabled": true|false}' }); return; }
    if (!disabled) { json(res, 501, { error: 'this daemon cannot switch servers off' }); return; }
    if (!gateway.currentBundle.servers.some((s) => s.id === id)) { json(res, 404, { error: `no server "${id}" in the bundle` }); return; }
    disabled.set(id, !body.data.enabled);
    await gateway.serverToggled(id);
    json(res, 200, { server: id, enabled: body.data.enabled });
  }

  /** Unauthenticated: trades a one-time code from `gatehouse dashboard` for the control token (the listener already refuses foreign origins). */
  private async redeem(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = RedeemBody.safeParse(await readJson(req));
    if (!body.success || !this.links.redeem(body.data.code)) { json(res, 401, { error: 'this sign-in link was used already or has expired: run `gatehouse dashboard` again' }); return; }
    json(res, 200, { token: this.opts.controlToken });
  }

  /** Unauthenticated: proves this daemon holds the control token before a client sends it (shared/control/proof.ts). */
  private async hello(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const nonce = new URL(req.url ?? '/', 'http://x').searchParams.get('nonce') ?? '';
    if (!NONCE.test(nonce)) { json(res, 400, { error: 'give ?nonce= as 64 hex digits' }); return; }
    json(res, 200, { gatehouse: 'control', version: GATEHOUSE_INFO.version, proof: await controlProof(this.opts.controlToken, nonce, this.opts.facts().port) });
  }

  /**
   * Values go in, never out: set (PUT), rotate (POST …/rotate) and delete. The
   * affected server alone restarts, to pick the new value up.
   */
  private async secret(req: IncomingMessage, res: ServerResponse, method: string, serverId: string, slot: string, rotate: boolean): Promise<void> {
    const { gateway, vault } = this.opts;
    const server = gateway.currentBundle.servers.find((s) => s.id === serverId);
    if (!server) { json(res, 404, { error: `no server "${serverId}" in the bundle` }); return; }
    try {
      if (method === 'DELETE' && !rotate) {
        const removed = await vault.remove(serverId, slot);
        if (removed) gateway.record(undefined, 'secret', { server: serverId, outcome: 'ok', detail: { slot, action: 'delete' } });
        await gateway.restartServer(serverId);
        json(res, removed ? 200 : 404, removed ? { deleted: `${serverId}/${slot}` } : { error: `${serverId}/${slot} is not set` });
        return;
      }
      if ((method === 'PUT' && !rotate) || (method === 'POST' && rotate)) {
        const body = SecretBody.safeParse(await readJson(req));
        if (!body.success) { json(res, 400, { error: body.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ') }); return; }
        const status = await vault.set(server, slot, body.data.value, rotate);
        // Names only: the value never reaches a record.
        gateway.record(undefined, 'secret', { server: serverId, outcome: 'ok', detail: { slot, action: rotate ? 'rotate' : 'set' } });
        gateway.emit('event', { type: 'credential-set', server: serverId, slot, rotation: rotate, at: Date.now() });
        await gateway.restartServer(serverId);
        json(res, 200, status);
        return;
      }
      json(res, 405, { error: 'use PUT to set, POST …/rotate to rotate, DELETE to delete' });
    } catch (err) {
      json(res, err instanceof KeychainUnavailableError ? 503 : 400, { error: (err as Error).message });
    }
  }

  private events(res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.write(': gatehouse events\n\n');
    this.streams.add(res);
    res.on('close', () => this.streams.delete(res));
  }

  private broadcast(event: GatewayEvent): void {
    if (this.streams.size === 0) return;
    const text = `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
    for (const s of this.streams) s.write(text);
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = await readBodyText(req, MAX_CONTROL_BODY);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
