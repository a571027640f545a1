import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { AgentRequest } from '../../shared/control/contract.ts';
import type { AgentAuth } from '../agent-auth/routes.ts';
import type { ConsentRequest } from '../agent-auth/consents.ts';
import { isLoopbackName } from '../../shared/net/loopback-guard.ts';

// The person's side of an agent's OAuth connection: only here, behind the control
// token, can a waiting request be allowed or denied.

const AllowBody = z.strictObject({
  agent: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'an agent name is 1-64 letters, digits, dots, dashes or underscores')
    .optional(),
});

export interface AgentRequestDeps {
  auth: AgentAuth;
  toolsFor(agent: string): string[];
  decided(request: ConsentRequest): void;
  readJson(req: IncomingMessage): Promise<unknown>;
  json(res: ServerResponse, status: number, body: unknown): void;
}

/** Where the token goes, in words a person can judge: an app scheme, this machine, or a web host. */
export function describeRedirect(uri: string): { redirect: string; remote: boolean } {
  try {
    const url = new URL(uri);
    if (url.protocol === 'http:') return { redirect: `this machine (${url.host})`, remote: false };
    if (url.protocol === 'https:') return { redirect: url.host, remote: !isLoopbackName(url.hostname) };
    return { redirect: `the app behind ${url.protocol}//`, remote: false };
  } catch {
    return { redirect: 'an unreadable address', remote: true };
  }
}

export function agentRequestView(r: ConsentRequest, toolsFor: (agent: string) => string[]): AgentRequest {
  return { id: r.id, client: r.clientName, agent: r.agent, ...describeRedirect(r.redirectUri), createdAt: r.createdAt, tools: toolsFor(r.agent) };
}

/** GET /agent-requests, POST /agent-requests/ID/allow|deny; false for other routes. */
export async function agentRequestRoutes(route: string, req: IncomingMessage, res: ServerResponse, deps: AgentRequestDeps): Promise<boolean> {
  if (route === 'GET /api/v1/agent-requests') {
    deps.json(res, 200, { requests: deps.auth.consents.pending().map((r) => agentRequestView(r, deps.toolsFor)) });
    return true;
  }
  const m = /^POST \/api\/v1\/agent-requests\/([0-9a-f]{32})\/(allow|deny)$/.exec(route);
  if (!m) return false;
  const [, id, verb] = m;
  let request: ConsentRequest | undefined;
  if (verb === 'allow') {
    const body = AllowBody.safeParse((await deps.readJson(req)) ?? {});
    if (!body.success) {
      deps.json(res, 400, { error: body.error.issues[0]?.message ?? 'send {"agent"?: NAME}' });
      return true;
    }
    request = deps.auth.allow(id!, 'dashboard', body.data.agent);
  } else {
    request = deps.auth.deny(id!, 'dashboard');
  }
  if (!request) {
    deps.json(res, 404, { error: 'that connection request is not waiting any more (decided, used or expired)' });
    return true;
  }
  deps.decided(request);
  deps.json(res, 200, { id: request.id, allowed: request.status === 'allowed', agent: request.agent });
  return true;
}
