import { z } from 'zod';
import { AgentRequestSchema, CredentialStatusSchema, parseGatewayEvent, type GatewayEvent } from '../../shared/control/contract.ts';
import { SseParser } from '../../shared/control/sse.ts';
import {
  AgentsAnswer,
  CreatedTokenAnswer,
  DecisionsAnswer,
  LogLevelAnswer,
  PendingAnswer,
  ReloadAnswer,
  routePath,
  SecretsAnswer,
  StatusAnswer,
  ToolsAnswer,
} from '../../shared/control/routes.ts';

// The renderer speaks only the control API. In the desktop app the page holds no token:
// its calls go to its own origin and the main process adds it. In a plain browser the
// token comes from the URL fragment, which is never sent to any server; it is then
// kept for this tab only.

declare global {
  interface Window {
    gatehouse?: { controlToken: string; endpoint?: string };
  }
}

const base = () => window.gatehouse?.endpoint ?? '';

/**
 * `gatehouse dashboard` opens the page with a one-time code in the fragment: it is
 * traded once for the token (and taken out of the address bar at once, so it is not
 * in the history either).
 */
const redeemed: Promise<void> = (async () => {
  const code = /[#&]code=([0-9a-f]{64})(?:&|$)/.exec(location.hash)?.[1];
  if (!code) return;
  history.replaceState(null, '', location.pathname + location.hash.replace(/&?code=[0-9a-f]{64}/, ''));
  const res = await fetch(`${base()}/api/v1/dashboard/redeem`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code }),
  }).catch(() => undefined);
  const body = (await res?.json().catch(() => ({}))) as { token?: unknown } | undefined;
  if (res?.ok && typeof body?.token === 'string') sessionStorage.setItem('gatehouse-token', body.token);
})();

function token(): string {
  if (window.gatehouse?.controlToken) return window.gatehouse.controlToken;
  const fromHash = /token=([^&]+)/.exec(location.hash)?.[1];
  if (fromHash) {
    sessionStorage.setItem('gatehouse-token', fromHash);
    history.replaceState(null, '', location.pathname + location.hash.replace(/&?token=[^&]+/, ''));
    return fromHash;
  }
  return sessionStorage.getItem('gatehouse-token') ?? '';
}

export class ApiError extends Error {
  /** 401: this page holds no token the daemon accepts. */
  readonly signedOut: boolean;
  constructor(message: string, signedOut = false) {
    super(message);
    this.signedOut = signedOut;
  }
}

/** Whether the last answer said the page is not signed in (the app shows how to fix it). */
export const session = { signedOut: false, listeners: new Set<() => void>() };
function signedOut(value: boolean): void {
  if (session.signedOut === value) return;
  session.signedOut = value;
  for (const l of session.listeners) l();
}

export async function call<T>(method: string, path: string, schema: z.ZodType<T>, body?: unknown): Promise<T> {
  await redeemed;
  const res = await fetch(`${base()}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token()}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const json: unknown = await res.json().catch(() => ({}));
  signedOut(res.status === 401);
  if (!res.ok) throw new ApiError((json as { error?: string }).error ?? `the daemon answered ${res.status}`, res.status === 401);
  return schema.parse(json);
}

export const api = {
  status: () => call('GET', routePath('status'), StatusAnswer),
  tools: () => call('GET', routePath('tools'), ToolsAnswer).then((r) => r.tools),
  pending: () => call('GET', routePath('pending'), PendingAnswer),
  decisions: () => call('GET', routePath('decisions'), DecisionsAnswer).then((r) => r.decisions),
  reopen: (id: string) => call('POST', routePath('reopen', { id }), z.object({ decision: z.string() }), { by: 'dashboard', via: 'app' }),
  decide: (id: string, decision: 'approve' | 'reject', reason: string) =>
    call('POST', routePath(decision, { id }), z.object({ decision: z.string(), tool: z.string() }), {
      reason: reason || undefined,
      by: 'dashboard',
      via: 'app',
    }),
  secrets: () => call('GET', routePath('secrets'), SecretsAnswer).then((r) => r.slots),
  setSecret: (server: string, slot: string, value: string, rotate: boolean) =>
    call(rotate ? 'POST' : 'PUT', routePath(rotate ? 'rotateSecret' : 'setSecret', { server, slot }), CredentialStatusSchema, { value }),
  deleteSecret: (server: string, slot: string) => call('DELETE', routePath('deleteSecret', { server, slot }), z.object({ deleted: z.string() })),
  agents: () => call('GET', routePath('agents'), AgentsAnswer),
  createToken: (agent: string) => call('POST', routePath('createToken'), CreatedTokenAnswer, { agent }),
  revokeToken: (agent: string) => call('DELETE', routePath('revokeToken', { agent }), z.object({ revoked: z.string() })),
  previewOrg: (url: string) =>
    call(
      'GET',
      `/org/preview?url=${encodeURIComponent(url)}`,
      z.object({ org: z.string(), name: z.string(), fingerprints: z.array(z.string()), login: z.boolean() }),
    ),
  enroll: (url: string, token: string, fingerprint: string) =>
    call('POST', '/org/enroll', z.object({ org: z.string(), name: z.string(), deviceId: z.string().nullable() }), { url, token, fingerprint }),
  logLevel: () => call('GET', routePath('logLevel'), LogLevelAnswer),
  setLogLevel: (level: string) => call('PUT', routePath('setLogLevel'), LogLevelAnswer, { level }),
  syncNow: () => call('POST', routePath('reloadBundle'), ReloadAnswer),
  restartServer: (id: string) => call('POST', `/servers/${encodeURIComponent(id)}/restart`, z.object({ restarted: z.string() })),
  agentRequests: () => call('GET', routePath('agentRequests'), z.object({ requests: z.array(AgentRequestSchema) })).then((r) => r.requests),
  decideAgentRequest: (id: string, allow: boolean, agent?: string) =>
    call(
      'POST',
      routePath(allow ? 'allowAgentRequest' : 'denyAgentRequest', { id }),
      z.object({ allowed: z.boolean(), agent: z.string() }),
      allow && agent ? { agent } : {},
    ),
  setServerEnabled: (id: string, enabled: boolean) =>
    call('POST', routePath('setServerEnabled', { server: id }), z.object({ server: z.string(), enabled: z.boolean() }), { enabled }),
  connect: (client: string, mode: 'preview' | 'apply' | 'undo') =>
    call(
      'POST',
      `/connect/${client}`,
      z.object({
        label: z.string(),
        path: z.string(),
        status: z.string(),
        snippet: z.string(),
        content: z.string(),
        backup: z.string().nullable(),
        applied: z.boolean(),
      }),
      { mode },
    ),
};

/** Live events (SSE over fetch, so the token travels in a header, not the URL). */
export function subscribe(onEvent: (event: GatewayEvent) => void): () => void {
  const controller = new AbortController();
  void (async () => {
    await redeemed;
    for (let attempt = 0; !controller.signal.aborted; attempt++) {
      try {
        const res = await fetch(`${base()}/api/v1/events`, { headers: { authorization: `Bearer ${token()}` }, signal: controller.signal });
        const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
        // The same buffered parser as the desktop's main process (shared/control/sse.ts).
        const parser = new SseParser();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          for (const event of parser.push(value)) {
            const parsed = parseGatewayEvent(event);
            if (parsed) onEvent(parsed);
          }
        }
      } catch {
        // The daemon restarted or the network blinked: try again shortly.
      }
      await new Promise((r) => setTimeout(r, Math.min(5000, 250 * 2 ** attempt)));
    }
  })();
  return () => controller.abort();
}
