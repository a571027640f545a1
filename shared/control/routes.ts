import { z } from 'zod';
import { DecisionSchema, PendingChangeSchema } from '../pinning/pending.ts';
import { CredentialStatusSchema, StatusSchema, ToolEntrySchema } from './contract.ts';

// The control API's routes under /api/v1, typed once: the daemon dispatches on this
// table, and the CLI and the dashboard build their paths and parse answers with it.

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface Route {
  method: Method;
  /** The path under /api/v1; `:name` segments are parameters, matched by `params`. */
  path: string;
  params?: Readonly<Record<string, RegExp>>;
  /** Answered without the control token (the token is what they hand out or prove). */
  open?: true;
}

const HEX12 = /^[0-9a-f]{12}$/;
const HEX32 = /^[0-9a-f]{32}$/;
const SERVER = /^[a-z0-9-]{1,32}$/;
const SLOT = /^[A-Za-z0-9_-]{1,48}$/;
const AGENT = /^[A-Za-z0-9._-]{1,64}$/;

export const ROUTES = {
  hello: { method: 'GET', path: '/hello', open: true },
  redeem: { method: 'POST', path: '/dashboard/redeem', open: true },
  status: { method: 'GET', path: '/status' },
  dashboardLink: { method: 'POST', path: '/dashboard/link' },
  logLevel: { method: 'GET', path: '/log-level' },
  setLogLevel: { method: 'PUT', path: '/log-level' },
  orgPreview: { method: 'GET', path: '/org/preview' },
  enroll: { method: 'POST', path: '/org/enroll' },
  shipAudit: { method: 'POST', path: '/audit/ship' },
  refreshIdentity: { method: 'POST', path: '/identity/refresh' },
  reloadIdentity: { method: 'POST', path: '/identity/reload' },
  servers: { method: 'GET', path: '/servers' },
  restartServer: { method: 'POST', path: '/servers/:server/restart', params: { server: SERVER } },
  setServerEnabled: { method: 'POST', path: '/servers/:server/enabled', params: { server: SERVER } },
  tools: { method: 'GET', path: '/tools' },
  agents: { method: 'GET', path: '/agents' },
  createToken: { method: 'POST', path: '/tokens' },
  revokeToken: { method: 'DELETE', path: '/tokens/:agent', params: { agent: AGENT } },
  events: { method: 'GET', path: '/events' },
  agentRequests: { method: 'GET', path: '/agent-requests' },
  allowAgentRequest: { method: 'POST', path: '/agent-requests/:id/allow', params: { id: HEX32 } },
  denyAgentRequest: { method: 'POST', path: '/agent-requests/:id/deny', params: { id: HEX32 } },
  reloadBundle: { method: 'POST', path: '/bundle/reload' },
  pending: { method: 'GET', path: '/pending' },
  pendingChange: { method: 'GET', path: '/pending/:id', params: { id: HEX12 } },
  approve: { method: 'POST', path: '/pending/:id/approve', params: { id: HEX12 } },
  reject: { method: 'POST', path: '/pending/:id/reject', params: { id: HEX12 } },
  decisions: { method: 'GET', path: '/decisions' },
  reopen: { method: 'POST', path: '/decisions/:id/reopen', params: { id: HEX12 } },
  oauthLogin: { method: 'POST', path: '/oauth/:server/login', params: { server: SERVER } },
  oauthWait: { method: 'GET', path: '/oauth/logins/:login', params: { login: /^[A-Za-z0-9_-]{8,40}$/ } },
  connect: { method: 'POST', path: '/connect/:client', params: { client: /^[a-z-]{3,20}$/ } },
  audit: { method: 'GET', path: '/audit' },
  pause: { method: 'POST', path: '/pause' },
  secrets: { method: 'GET', path: '/secrets' },
  setSecret: { method: 'PUT', path: '/secrets/:server/:slot', params: { server: SERVER, slot: SLOT } },
  rotateSecret: { method: 'POST', path: '/secrets/:server/:slot/rotate', params: { server: SERVER, slot: SLOT } },
  deleteSecret: { method: 'DELETE', path: '/secrets/:server/:slot', params: { server: SERVER, slot: SLOT } },
  try: { method: 'POST', path: '/try' },
} as const satisfies Record<string, Route>;

export type RouteName = keyof typeof ROUTES;

export interface Matched {
  name: RouteName;
  params: Record<string, string>;
}

/** The route a request names, with its parameters; undefined when none matches (a peer-given path is data, never a key). */
export function matchRoute(method: string, path: string): Matched | undefined {
  if (!path.startsWith('/api/v1/')) return undefined;
  const segments = path.slice('/api/v1'.length).split('/');
  for (const [name, route] of Object.entries(ROUTES) as [RouteName, Route][]) {
    if (route.method !== method) continue;
    const params = matchPath(route, segments);
    if (params) return { name, params };
  }
  return undefined;
}

/** The methods a path takes, when a request named it with another (a 405, not a 404). */
export function allowedMethods(path: string): Method[] {
  if (!path.startsWith('/api/v1/')) return [];
  const segments = path.slice('/api/v1'.length).split('/');
  return [...new Set((Object.values(ROUTES) as Route[]).filter((r) => matchPath(r, segments)).map((r) => r.method))];
}

function matchPath(route: Route, segments: string[]): Record<string, string> | undefined {
  const pattern = route.path.split('/');
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = Object.create(null) as Record<string, string>;
  for (let i = 0; i < pattern.length; i++) {
    const want = pattern[i]!;
    const got = segments[i]!;
    if (!want.startsWith(':')) {
      if (want !== got) return undefined;
      continue;
    }
    const name = want.slice(1);
    if (!route.params?.[name]?.test(got)) return undefined;
    params[name] = got;
  }
  return params;
}

/** A route's path under /api/v1 with its parameters filled in (encoded). */
export function routePath(name: RouteName, params: Record<string, string> = {}): string {
  return ROUTES[name].path.replace(/:([a-z]+)/g, (_, key: string) => encodeURIComponent(params[key] ?? ''));
}

// ---- request bodies --------------------------------------------------------

export const AGENT_NAME = AGENT;
export const PauseBody = z.strictObject({ paused: z.boolean() });
export const EnabledBody = z.strictObject({ enabled: z.boolean() });
export const ConnectBody = z.strictObject({ mode: z.enum(['preview', 'apply', 'undo']) });
export const EnrollBody = z.strictObject({ url: z.url({ protocol: /^https?$/ }), token: z.string().min(1), fingerprint: z.string().min(1) });
export const DecisionBody = z.strictObject({
  reason: z.string().max(500).optional(),
  by: z.string().max(100).optional(),
  /** Where the person decided: the app, its notification, the CLI; the record keeps it. */
  via: z.enum(['app', 'notification', 'cli', 'api']).optional(),
});
export const CreateTokenBody = z.strictObject({ agent: z.string().regex(AGENT, 'agent names are 1-64 of letters, digits, ., _ and -') });
export const RedeemBody = z.strictObject({ code: z.string().max(64) });
export const SecretBody = z.strictObject({
  value: z
    .string()
    .min(1, 'the value cannot be empty')
    .max(64 * 1024),
});
export const TryBody = z.discriminatedUnion('method', [
  z.strictObject({ method: z.literal('tools/list') }),
  z.strictObject({
    method: z.literal('tools/call'),
    params: z.strictObject({ name: z.string().min(1).max(128), arguments: z.record(z.string(), z.unknown()) }),
  }),
]);

// ---- answers both clients read ---------------------------------------------

export const PendingAnswer = z.object({ pending: z.array(PendingChangeSchema), trustOnFirstUse: z.boolean(), personal: z.boolean().optional() });
export const DecisionsAnswer = z.object({ decisions: z.array(DecisionSchema) });
export const AgentsAnswer = z.object({ tokens: z.array(z.object({ agent: z.string(), createdAt: z.string() })) });
export const CreatedTokenAnswer = z.object({ agent: z.string(), token: z.string() });
export const ReloadAnswer = z.object({ ok: z.boolean(), version: z.number().optional(), error: z.string().optional(), lastRejection: z.string().optional() });
export const ToolsAnswer = z.object({ tools: z.array(ToolEntrySchema) });
export const SecretsAnswer = z.object({ slots: z.array(CredentialStatusSchema) });
export const LogLevelAnswer = z.object({ level: z.string(), levels: z.array(z.string()) });
export { StatusSchema as StatusAnswer };
