import type { IncomingMessage, ServerResponse } from 'node:http';
import { bearerToken } from '../../shared/control/bearer.ts';
import type { GatewayEvent, Status } from '../../shared/control/contract.ts';
import { allowedMethods, matchRoute, ROUTES, type Route, type RouteName } from '../../shared/control/routes.ts';
import type { OrgInfo } from '../../shared/sync/contract.ts';
import type { AuditRecorder } from '../audit/call-record.ts';
import type { AgentAuth } from '../agent-auth/routes.ts';
import type { AuditLog } from '../audit/log.ts';
import type { DisabledServersFile } from '../config/disabled-servers.ts';
import type { AgentTokens } from '../config/agent-tokens.ts';
import { tokensEqual } from '../config/agent-tokens.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { Gateway } from '../mux/gateway.ts';
import type { OAuthLogins } from '../oauth/login.ts';
import type { EnrollOptions } from '../org/enroll.ts';
import type { OrgConfig } from '../org/org-config.ts';
import type { CredentialVault } from '../secrets/vault.ts';
import type { EventLog } from './event-log.ts';
import type { RouteHandler } from './handlers.ts';
import { json } from './http-json.ts';
import { OneTimeCodes } from './one-time-codes.ts';
import type { DaemonFacts } from './status.ts';

// The control API under /api/v1: what the CLI, the tray app and the dashboard use.
// It has its own token, separate from agent tokens: an agent cannot reconfigure Gatehouse.

export interface ControlApiOptions {
  gateway: Gateway;
  /** Servers the user switched off here; the API writes it, the gateway reads it. */
  disabled?: DisabledServersFile;
  /** The loopback OAuth server for agents, whose waiting requests the person decides here. */
  agentAuth?: AgentAuth;
  /** OAuth logins to upstreams (their callback address follows the daemon's port). */
  logins?: Pick<OAuthLogins, 'start' | 'wait'>;
  events: EventBus;
  recorder: AuditRecorder;
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
  joinOrg?(url: string, opts: EnrollOptions): Promise<OrgConfig>;
  /** Renews the org login at the IdP now (it is renewed hourly anyway). */
  refreshIdentity?(): Promise<NonNullable<Status['identity']>>;
  /** Re-reads the org login (after `gatehouse login`). */
  reloadIdentity?(): Promise<NonNullable<Status['identity']>>;
}

export class ControlApi {
  private readonly opts: ControlApiOptions;
  private readonly streams = new Set<ServerResponse>();
  private readonly links = new OneTimeCodes();

  private handlers: Promise<Record<RouteName, RouteHandler>> | undefined;

  constructor(opts: ControlApiOptions) {
    this.opts = opts;
    opts.events.on((e) => this.broadcast(e));
  }

  /** The route handlers and what they import (status, credentials, tool trials), loaded on the first request: an idle daemon no client talks to never needs them. */
  private routeHandlers(): Promise<Record<RouteName, RouteHandler>> {
    const { opts } = this;
    return (this.handlers ??= import('./handlers.ts').then(({ controlHandlers }) =>
      controlHandlers({ opts, links: this.links, stream: (res) => this.events(res), logins: () => opts.logins }),
    ));
  }

  close(): void {
    for (const s of this.streams) s.end();
    this.streams.clear();
  }

  async handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const method = req.method ?? 'GET';
    const matched = matchRoute(method, path);
    const open = matched !== undefined && (ROUTES[matched.name] as Route).open === true;
    const token = bearerToken(req.headers.authorization);
    if (!open && (!token || !tokensEqual(token, this.opts.controlToken))) {
      json(res, 401, { error: 'missing or wrong control token (see control-token in the data dir)' });
      return;
    }
    if (!matched) {
      const allowed = allowedMethods(path);
      if (allowed.length) json(res, 405, { error: `${path} takes ${allowed.join(', ')}` });
      else json(res, 404, { error: `no such endpoint: ${method} ${path}` });
      return;
    }
    const query = new URL(req.url ?? '/', 'http://x').searchParams;
    await (await this.routeHandlers())[matched.name]({ req, res, params: matched.params, query });
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
