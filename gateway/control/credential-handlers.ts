import type { ServerResponse } from 'node:http';
import { CreateTokenBody, SecretBody, type RouteName } from '../../shared/control/routes.ts';
import { agentRequestRoutes } from './agent-requests.ts';
import { json, readBody, readJson } from './http-json.ts';
import { answer, keychainStatus, reply, type HandlerHost, type RouteCall, type RouteHandler } from './route-kit.ts';
import { agentStatuses } from './status.ts';

/** Agents: their tokens, and the OAuth connection requests a person decides. */
export function agentRoutes(host: HandlerHost) {
  const { opts } = host;
  const { gateway } = opts;
  return {
    agentRequests: (call) => agentRequest(call, 'GET /api/v1/agent-requests'),
    allowAgentRequest: (call) => agentRequest(call, `POST /api/v1/agent-requests/${call.params.id}/allow`),
    denyAgentRequest: (call) => agentRequest(call, `POST /api/v1/agent-requests/${call.params.id}/deny`),
    agents: ({ res }) => json(res, 200, { agents: agentStatuses(gateway), tokens: opts.tokens.list() }),
    createToken: async ({ req, res }) => {
      const body = await readBody(req, res, CreateTokenBody);
      if (body) json(res, 201, { agent: body.agent, token: opts.tokens.create(body.agent) });
    },
    revokeToken: ({ res, params }) => {
      const removed = opts.tokens.revoke(params.agent!);
      json(res, removed ? 200 : 404, removed ? { revoked: params.agent } : { error: `no token for agent "${params.agent}"` });
    },
  } satisfies Partial<Record<RouteName, RouteHandler>>;

  /** An IDE's OAuth connection request, seen or decided by the person (control/agent-requests.ts). */
  async function agentRequest({ req, res }: RouteCall, route: string): Promise<void> {
    const auth = opts.agentAuth;
    const handled =
      auth &&
      (await agentRequestRoutes(route, req, res, {
        auth,
        toolsFor: (agent) => gateway.toolsFor(agent),
        readJson,
        json,
        decided: (r) => {
          opts.recorder.record(undefined, 'login', {
            outcome: r.status === 'allowed' ? 'ok' : 'denied',
            agent: r.agent,
            detail: { kind: 'agent-oauth', client: r.clientName, decided: r.status, by: r.decidedBy ?? 'dashboard' },
          });
          opts.events.emit({ type: 'agent-request-decided', id: r.id, allowed: r.status === 'allowed', agent: r.agent, at: Date.now() });
        },
      }));
    if (!handled) json(res, 404, { error: `no such endpoint: ${route}` });
  }
}

/** Server credentials: values go in, never out. */
export function secretRoutes(host: HandlerHost) {
  const { opts } = host;
  const { gateway } = opts;
  return {
    secrets: ({ res }) => json(res, 200, { slots: opts.vault.status(gateway.currentBundle) }),
    setSecret: (call) => setSecret(call, false),
    rotateSecret: (call) => setSecret(call, true),
    deleteSecret: ({ res, params }) =>
      withServer(res, params.server!, () =>
        answer(res, keychainStatus, async () => {
          const { server, slot } = params as { server: string; slot: string };
          const removed = await opts.vault.remove(server, slot);
          if (removed) opts.recorder.record(undefined, 'secret', { server, outcome: 'ok', detail: { slot, action: 'delete' } });
          await gateway.restartServer(server);
          return removed ? reply(200, { deleted: `${server}/${slot}` }) : reply(404, { error: `${server}/${slot} is not set` });
        }),
      ),
  } satisfies Partial<Record<RouteName, RouteHandler>>;

  /**
   * Values go in, never out: set (PUT) and rotate (POST …/rotate). The affected
   * server alone restarts, to pick the new value up.
   */
  function setSecret({ req, res, params }: RouteCall, rotate: boolean): Promise<void> {
    const { server: serverId, slot } = params as { server: string; slot: string };
    return withServer(res, serverId, async (server) => {
      const body = await readBody(req, res, SecretBody);
      if (!body) return;
      await answer(res, keychainStatus, async () => {
        const status = await opts.vault.set(server, slot, body.value, rotate);
        // Names only: the value never reaches a record.
        opts.recorder.record(undefined, 'secret', { server: serverId, outcome: 'ok', detail: { slot, action: rotate ? 'rotate' : 'set' } });
        opts.events.emit({ type: 'credential-set', server: serverId, slot, rotation: rotate, at: Date.now() });
        await gateway.restartServer(serverId);
        return reply(200, status);
      });
    });
  }
  async function withServer(res: ServerResponse, id: string, then: (server: (typeof gateway.currentBundle.servers)[number]) => Promise<void>): Promise<void> {
    const server = gateway.currentBundle.servers.find((s) => s.id === id);
    if (!server) {
      json(res, 404, { error: `no server "${id}" in the bundle` });
      return;
    }
    await then(server);
  }
}
