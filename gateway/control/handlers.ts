import { join } from 'node:path';
import { z } from 'zod';
import { issueLines } from '../../shared/text/zod-issues.ts';
import { keyFingerprint } from '../../shared/bundle/envelope.ts';
import { controlProof, NONCE } from '../../shared/control/proof.ts';
import { ConnectBody, DecisionBody, EnabledBody, EnrollBody, PauseBody, RedeemBody, TryBody, type RouteName } from '../../shared/control/routes.ts';
import { INSTALL_ROOT } from '../config/install-root.ts';
import { CLIENTS, type ClientName } from '../connect/clients.ts';
import { GATEHOUSE_INFO } from '../mux/gateway.ts';
import { OrgConfigError } from '../org/org-config.ts';
import { DecisionError, localUser } from '../pinning/gate.ts';
import { KeychainUnavailableError } from '../secrets/backend.ts';
import { agentRoutes, secretRoutes } from './credential-handlers.ts';
import { LOG_LEVELS } from './event-log.ts';
import { json, readBody, readJson } from './http-json.ts';
import { answer, notFound, reply, type HandlerHost, type RouteCall, type RouteHandler } from './route-kit.ts';
import { buildStatus, serverStatuses, toolEntries } from './status.ts';
import { tryTool } from './try-tool.ts';

export type { HandlerHost, RouteCall, RouteHandler } from './route-kit.ts';

const LogLevelBody = z.strictObject({ level: z.enum(LOG_LEVELS) });

/**
 * One small handler per route of shared/control/routes.ts, in eight groups: the table
 * is typed by the route names, so a route without a handler does not compile.
 */
export function controlHandlers(host: HandlerHost): Record<RouteName, RouteHandler> {
  return {
    ...daemonRoutes(host),
    ...operationRoutes(host),
    ...serverRoutes(host),
    ...orgRoutes(host),
    ...oauthRoutes(host),
    ...pinRoutes(host),
    ...agentRoutes(host),
    ...secretRoutes(host),
  };
}

/** The daemon itself: sign-in, status, log level, its event stream. */
function daemonRoutes(host: HandlerHost) {
  const { opts } = host;
  const { gateway } = opts;
  return {
    hello: async ({ res, query }) => {
      const nonce = query.get('nonce') ?? '';
      if (!NONCE.test(nonce)) {
        json(res, 400, { error: 'give ?nonce= as 64 hex digits' });
        return;
      }
      json(res, 200, { gatehouse: 'control', version: GATEHOUSE_INFO.version, proof: await controlProof(opts.controlToken, nonce, opts.facts().port) });
    },
    redeem: async ({ req, res }) => {
      const body = RedeemBody.safeParse(await readJson(req));
      if (!body.success || !host.links.redeem(body.data.code)) {
        json(res, 401, { error: 'this sign-in link was used already or has expired: run `gatehouse dashboard` again' });
        return;
      }
      json(res, 200, { token: opts.controlToken });
    },
    status: ({ res }) => json(res, 200, buildStatus(gateway, opts.facts())),
    dashboardLink: ({ res }) => json(res, 201, { code: host.links.issue() }),
    logLevel: ({ res }) => json(res, 200, { level: opts.eventLog?.current ?? 'info', levels: LOG_LEVELS }),
    setLogLevel: async ({ req, res }) => {
      const body = await readBody(req, res, LogLevelBody, `the level is one of ${LOG_LEVELS.join(', ')}`);
      if (!body) return;
      if (!opts.eventLog) {
        json(res, 400, { error: `the level is one of ${LOG_LEVELS.join(', ')}` });
        return;
      }
      opts.eventLog.setLevel(body.level);
      json(res, 200, { level: body.level, levels: LOG_LEVELS });
    },
    events: ({ res }) => host.stream(res),
  } satisfies Partial<Record<RouteName, RouteHandler>>;
}

/** Running it: tools, reload, pause, audit, connecting clients, trying a tool. */
function operationRoutes(host: HandlerHost) {
  const { opts } = host;
  const { gateway } = opts;
  return {
    tools: ({ res }) => json(res, 200, { tools: toolEntries(gateway) }),
    reloadBundle: async ({ res }) => {
      const result = await opts.reloadBundle();
      json(res, result.ok ? 200 : 422, result);
    },
    audit: ({ res, query }) => {
      const limit = Math.min(Math.max(Number(query.get('limit') ?? 200) || 200, 1), 1000);
      const before = Number(query.get('before') ?? 0) || undefined;
      const filter = {
        limit,
        ...(before ? { before } : {}),
        ...Object.fromEntries(['agent', 'server', 'tool', 'outcome', 'correlation', 'since'].flatMap((k) => (query.get(k) ? [[k, query.get(k)!]] : []))),
      };
      json(res, 200, { records: opts.audit.query(filter) });
    },
    pause: async ({ req, res }) => {
      const body = await readBody(req, res, PauseBody, 'send {"paused": true|false}');
      if (!body) return;
      gateway.setPaused(body.paused);
      json(res, 200, { paused: gateway.paused });
    },
    connect: (call) => connectClient(call),
    try: async ({ req, res }) => {
      const body = await readBody(req, res, TryBody, 'give {"method":"tools/list"} or {"method":"tools/call","params":{"name","arguments"}}');
      if (body) await answer(res, 504, async () => reply(200, await tryTool(gateway, body, gateway.settings.callTimeoutMs)));
    },
  } satisfies Partial<Record<RouteName, RouteHandler>>;
}

/** The bundle's servers: their status, restarting one, switching one off or on here. */
function serverRoutes(host: HandlerHost) {
  const { opts } = host;
  const { gateway } = opts;
  return {
    servers: ({ res }) => json(res, 200, { servers: serverStatuses(gateway) }),
    restartServer: async ({ res, params }) => {
      const server = gateway.currentBundle.servers.find((s) => s.id === params.server);
      if (!server) {
        json(res, 404, { error: `no server "${params.server}" in the bundle` });
        return;
      }
      // Revoked servers are never spawned, restart or not.
      if (server.status === 'revoked') {
        json(res, 409, { error: `"${server.id}" is revoked by the bundle and stays stopped` });
        return;
      }
      if (gateway.isDisabled(server.id)) {
        json(res, 409, { error: `"${server.id}" is switched off on this desktop: turn it on first (gatehouse server enable ${server.id})` });
        return;
      }
      await gateway.restartServer(server.id);
      json(res, 200, { restarted: server.id });
    },
    // Switches a server off or on for this desktop only; the choice survives restarts and bundle updates.
    setServerEnabled: async ({ req, res, params }) => {
      const body = await readBody(req, res, EnabledBody, 'send {"enabled": true|false}');
      if (!body) return;
      if (!opts.disabled) {
        json(res, 501, { error: 'this daemon cannot switch servers off' });
        return;
      }
      if (!gateway.currentBundle.servers.some((s) => s.id === params.server)) {
        json(res, 404, { error: `no server "${params.server}" in the bundle` });
        return;
      }
      opts.disabled.set(params.server!, !body.enabled);
      await gateway.serverToggled(params.server!);
      json(res, 200, { server: params.server, enabled: body.enabled });
    },
  } satisfies Partial<Record<RouteName, RouteHandler>>;
}

/** The org and its login: preview, enrolling, shipping the audit, the org identity. */
function orgRoutes(host: HandlerHost) {
  const { opts } = host;
  return {
    orgPreview: ({ res, query }) =>
      answer(res, 502, async () => {
        const url = query.get('url');
        if (!url || !opts.previewOrg) return reply(400, { error: 'give ?url= the sync endpoint your admin sent' });
        const info = await opts.previewOrg(url);
        return reply(200, { org: info.org, name: info.name, fingerprints: info.keys.map((k) => keyFingerprint(k.publicKey)), login: info.oidc !== null });
      }),
    enroll: async ({ req, res }) => {
      const body = await readBody(req, res, EnrollBody, 'give {"url", "token", "fingerprint"} from your admin');
      if (!body) return;
      if (!opts.joinOrg) {
        json(res, 400, { error: 'give {"url", "token", "fingerprint"} from your admin' });
        return;
      }
      const joinOrg = opts.joinOrg;
      await answer(
        res,
        (err) => (err instanceof OrgConfigError ? 409 : 400),
        async () => {
          const config = await joinOrg(body.url, { token: body.token, fingerprint: body.fingerprint });
          return reply(200, { org: config.org, name: config.name ?? config.org, deviceId: config.deviceId ?? null });
        },
      );
    },
    shipAudit: ({ res }) =>
      answer(res, 503, async () => {
        if (!opts.shipAudit) return reply(404, { error: 'this desktop is not enrolled in an org: there is nowhere to ship to' });
        return reply(200, { acknowledged: await opts.shipAudit() });
      }),
    refreshIdentity: ({ res }) =>
      answer(res, 502, async () => {
        if (!opts.refreshIdentity) return reply(404, { error: 'no org login here' });
        try {
          return reply(200, await opts.refreshIdentity());
        } catch (err) {
          throw new Error(`the identity provider could not renew the login: ${(err as Error).message}`);
        }
      }),
    reloadIdentity: async ({ res }) => {
      if (!opts.reloadIdentity) {
        json(res, 404, { error: 'no org login here' });
        return;
      }
      json(res, 200, await opts.reloadIdentity());
    },
  } satisfies Partial<Record<RouteName, RouteHandler>>;
}

/** OAuth logins to upstream servers. */
function oauthRoutes(host: HandlerHost) {
  return {
    oauthLogin: async ({ res, params }) => {
      const logins = host.logins();
      if (!logins) {
        notFound(res);
        return;
      }
      await answer(
        res,
        (err) => (err instanceof KeychainUnavailableError ? 503 : 400),
        async () => reply(200, await logins.start(params.server!)),
      );
    },
    oauthWait: async ({ res, params }) => {
      const logins = host.logins();
      if (!logins) {
        notFound(res);
        return;
      }
      try {
        await logins.wait(params.login!);
        json(res, 200, { ok: true });
      } catch (err) {
        json(res, 400, { ok: false, error: (err as Error).message });
      }
    },
  } satisfies Partial<Record<RouteName, RouteHandler>>;
}

/** Pinned definitions: what is pending and the decisions on it. */
function pinRoutes(host: HandlerHost) {
  const { opts } = host;
  const { gateway } = opts;
  return {
    pending: ({ res }) =>
      json(res, 200, {
        pending: gateway.gate.pending(),
        trustOnFirstUse: gateway.settings.pinning.trustOnFirstUse,
        personal: gateway.currentBundle.org === undefined,
      }),
    pendingChange: ({ res, params }) => {
      const change = gateway.gate.pending().find((p) => p.id === params.id);
      json(res, change ? 200 : 404, change ?? { error: `no pending change "${params.id}"` });
    },
    approve: (call) => decide(call, 'approve'),
    reject: (call) => decide(call, 'reject'),
    decisions: ({ res }) => json(res, 200, { decisions: gateway.gate.decisions().slice(-500) }),
    // A rejection clicked by mistake: the change is pending again.
    reopen: (call) =>
      decision(call, (by, body) => ({
        id: call.params.id,
        decision: 'reopened',
        pending: gateway.reopen(call.params.id!, by, body.reason ?? null, body.via ?? 'api') ?? null,
      })),
  } satisfies Partial<Record<RouteName, RouteHandler>>;

  function decide(call: RouteCall, what: 'approve' | 'reject'): Promise<void> {
    return decision(call, (by, body) => {
      const change = gateway.decide(call.params.id!, what, by, body.reason ?? null, { via: body.via ?? 'api' });
      return { id: change.id, decision: what === 'approve' ? 'approved' : 'rejected', tool: change.exposedName };
    });
  }
}

/**
 * A person's decision (approve, reject, reopen) from the app, its notification or
 * the CLI: a validated body, who took it, and 409 when it does not apply.
 */
async function decision({ req, res }: RouteCall, act: (by: string, body: z.infer<typeof DecisionBody>) => unknown): Promise<void> {
  const body = DecisionBody.safeParse((await readJson(req)) ?? {});
  if (!body.success) {
    json(res, 400, { error: issueLines(body.error, 'body').join('; ') });
    return;
  }
  try {
    json(res, 200, act(body.data.by ? `${localUser()} via ${body.data.by}` : localUser(), body.data));
  } catch (err) {
    json(res, err instanceof DecisionError ? 409 : 500, { error: (err as Error).message });
  }
}

/** Adds Gatehouse to an IDE's MCP configuration, previews that, or takes it out again. */
async function connectClient({ req, res, params }: RouteCall): Promise<void> {
  const client = params.client as ClientName;
  const body = ConnectBody.safeParse(await readJson(req));
  if (!(CLIENTS as readonly string[]).includes(client) || !body.success) {
    json(res, 400, { error: `use one of ${CLIENTS.join(', ')} with {"mode":"preview"|"apply"|"undo"}` });
    return;
  }
  // The JSONC editor is loaded when a client is first connected, not with the daemon.
  const { applyPlan, ConnectError, daemonEnv, planConnect, planSnippet, planUndo } = await import('../connect/connect.ts');
  const launcher = { command: process.execPath, args: [join(INSTALL_ROOT, 'bin', 'gatehouse.js')], env: daemonEnv(process.env) };
  try {
    const plan = body.data.mode === 'undo' ? planUndo(client) : planConnect(client, launcher);
    const done = body.data.mode === 'preview' ? plan : applyPlan(plan);
    json(res, 200, {
      label: done.label,
      path: done.path,
      status: done.status,
      snippet: planSnippet(client, launcher),
      content: done.content,
      backup: done.backup ?? null,
      applied: body.data.mode !== 'preview' && done.status !== 'unchanged',
    });
  } catch (err) {
    json(res, err instanceof ConnectError ? 409 : 500, { error: (err as Error).message, snippet: planSnippet(client, launcher) });
  }
}
