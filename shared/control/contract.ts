import { z } from 'zod';
import { eventJson, type SseEvent } from './sse.ts';

// The control API contract: what the daemon reports to the CLI, the desktop app
// and the renderer. Both ends parse with these schemas.

/** A stdio server's sandbox (gateway/sandbox/): what the bundle asks and whether this machine enforces it. */
export const SandboxStatusSchema = z.object({
  declared: z.boolean(),
  enforced: z.boolean(),
  mechanism: z.enum(['bubblewrap', 'sandbox-exec', 'none']),
  network: z.string(),
  read: z.array(z.string()),
  write: z.array(z.string()),
  note: z.string().nullable(),
  /** Hosts the egress proxy refused, newest last. */
  refused: z.array(z.object({ host: z.string(), port: z.number(), at: z.string() })),
});
export type SandboxStatus = z.infer<typeof SandboxStatusSchema>;

export const ServerStatusSchema = z.object({
  id: z.string(),
  name: z.string().nullable(),
  transport: z.enum(['stdio', 'npm', 'http', 'sse']),
  status: z.enum(['approved', 'deprecated', 'revoked']),
  state: z.enum(['starting', 'ready', 'backoff', 'failed', 'stopped', 'disabled']),
  pid: z.number().nullable(),
  restarts: z.number(),
  lastError: z.string().nullable(),
  stderrTail: z.array(z.string()),
  protocolVersion: z.string().nullable(),
  /** SHA-256 over the server's sorted tool hashes and its instructions. */
  serverHash: z.string().nullable(),
  serverInfo: z.record(z.string(), z.unknown()).nullable(),
  counts: z.object({ tools: z.number(), resources: z.number(), resourceTemplates: z.number(), prompts: z.number() }),
  inflight: z.number(),
  /** False when the user switched the server off on this desktop; absent from older daemons. */
  enabled: z.boolean().optional(),
  /** Null for remote servers; absent from daemons older than the sandbox. */
  sandbox: SandboxStatusSchema.nullable().optional(),
});

export const AgentStatusSchema = z.object({
  session: z.string(),
  agent: z.string(),
  transport: z.enum(['stdio', 'http']),
  clientInfo: z.record(z.string(), z.unknown()).nullable(),
  protocolVersion: z.string().nullable(),
  connectedAt: z.number(),
  lastActiveAt: z.number(),
  calls: z.number(),
  errors: z.number(),
  inflight: z.number(),
  /**
   * `idle`: an HTTP agent with no open stream and no request for a minute; it may
   * have gone away (its session ends after 30 idle minutes). Absent from older daemons.
   */
  presence: z.enum(['connected', 'idle']).optional(),
});

export const CredentialStatusSchema = z.object({
  server: z.string(),
  slot: z.string(),
  kind: z.enum(['env', 'header', 'oauth']),
  description: z.string().nullable(),
  required: z.boolean(),
  set: z.boolean(),
  setAt: z.string().nullable(),
  rotatedAt: z.string().nullable(),
  rotationDays: z.number().nullable(),
  due: z.boolean(),
});

export const ProblemSchema = z.object({ component: z.string(), message: z.string(), at: z.string() });
export type Problem = z.infer<typeof ProblemSchema>;

export const StatusSchema = z.object({
  version: z.string(),
  pid: z.number(),
  uptimeMs: z.number(),
  dataDir: z.string(),
  port: z.number(),
  socket: z.string(),
  bundle: z.object({
    name: z.string(),
    version: z.number(),
    source: z.string(),
    expiresAt: z.string().nullable().optional(),
    /** Why nothing is reachable (the bundle expired): the gateway fails closed. */
    closed: z.string().nullable().optional(),
  }),
  /** The org this desktop is enrolled in, and how its sync is going; null when it runs a local bundle. */
  org: z
    .object({
      org: z.string(),
      name: z.string(),
      syncUrl: z.string(),
      deviceId: z.string().nullable(),
      state: z.enum(['connecting', 'online', 'offline', 'not-enrolled']),
      lastContactAt: z.string().nullable(),
      offlineSince: z.string().nullable(),
      lastError: z.string().nullable(),
      lastRejection: z.object({ at: z.string(), version: z.number().nullable(), code: z.string(), reason: z.string() }).nullable(),
    })
    .nullable()
    .optional(),
  /** Who policy treats the user as: the org login's subject and groups, or the OS account. */
  identity: z.object({ user: z.string(), groups: z.array(z.string()), source: z.enum(['os', 'oidc']), problem: z.string().nullable() }).optional(),
  pinning: z.object({ trustOnFirstUse: z.boolean(), pending: z.number() }),
  paused: z.boolean(),
  rssBytes: z.number(),
  servers: z.array(ServerStatusSchema),
  agents: z.array(AgentStatusSchema),
  /** The local audit log: records held, and how many the org has not yet acknowledged (the outbox). */
  audit: z.object({ records: z.number(), unacknowledged: z.number(), batchesWaiting: z.number() }),
  /** Credential slots: whether each is set and when, never a value. */
  credentials: z.array(CredentialStatusSchema),
  /** The latest problem of each background component (audit shipping, org sync, identity, reload), cleared when it works again. */
  problems: z.array(ProblemSchema).optional(),
  /** What the org's bundle asks of the desktop app (its minimum version). */
  desktop: z.object({ minimumVersion: z.string().nullable() }).optional(),
});

export const ToolEntrySchema = z.object({
  name: z.string(),
  server: z.string(),
  upstreamName: z.string(),
  title: z.string().nullable(),
  description: z.string().nullable(),
  pinState: z.enum(['approved', 'quarantined', 'rejected']),
  pendingChange: z.string().nullable(),
  /** The policy rules that decide calls to it, and for whom; none means nobody may call it. */
  policy: z.array(z.object({ rule: z.string(), effect: z.enum(['allow', 'deny']), who: z.string(), constrained: z.boolean() })).default([]),
});

export type ServerStatus = z.infer<typeof ServerStatusSchema>;
export type AgentStatus = z.infer<typeof AgentStatusSchema>;
export type Status = z.infer<typeof StatusSchema>;
export type CredentialStatus = z.infer<typeof CredentialStatusSchema>;
export type ToolEntry = z.infer<typeof ToolEntrySchema>;

const at = z.number();
const ev = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) => z.object({ type: z.literal(type), ...shape, at });

/** Live events on /api/v1/events (Server-Sent Events named by their type, one JSON object each). */
export const GatewayEventSchema = z.discriminatedUnion('type', [
  ev('server', { server: z.string(), state: z.string(), error: z.string().nullable() }),
  ev('catalog', { server: z.string(), kind: z.string() }),
  ev('agent-connected', { session: z.string(), agent: z.string(), transport: z.enum(['stdio', 'http']) }),
  ev('agent-initialized', { session: z.string(), agent: z.string(), clientInfo: z.record(z.string(), z.unknown()).nullable(), protocolVersion: z.string() }),
  ev('agent-disconnected', { session: z.string(), agent: z.string() }),
  ev('bundle', { name: z.string(), version: z.number() }),
  ev('bundle-rejected', { reason: z.string() }),
  ev('paused', { paused: z.boolean() }),
  /** An OAuth client (an IDE agent) asks to connect; the person allows or denies it in Gatehouse. */
  ev('agent-request', { id: z.string(), client: z.string(), agent: z.string(), redirect: z.string() }),
  ev('agent-request-decided', { id: z.string(), allowed: z.boolean(), agent: z.string() }),
  ev('credentials-deleted', { server: z.string(), slots: z.array(z.string()) }),
  ev('credentials-error', { server: z.string(), error: z.string() }),
  ev('credential-set', { server: z.string(), slot: z.string(), rotation: z.boolean() }),
  ev('pending-change', {
    id: z.string(),
    server: z.string(),
    tool: z.string(),
    exposedName: z.string(),
    kind: z.enum(['new', 'changed']),
    risk: z.string(),
    localDecision: z.boolean(),
  }),
  ev('pending-decided', { id: z.string(), server: z.string(), tool: z.string(), decision: z.string(), by: z.string() }),
  /** Something went wrong that did not stop the daemon (a peer's bad message, a failed background job). */
  ev('problem', { component: z.string(), message: z.string() }),
]);
export type GatewayEvent = z.infer<typeof GatewayEventSchema>;

/**
 * One event off the stream, checked: null for what is not an event this client knows
 * (a newer daemon's, or a broken stream's). The SSE event name must agree with the body.
 */
export function parseGatewayEvent(event: SseEvent): GatewayEvent | null {
  const parsed = GatewayEventSchema.safeParse(eventJson(event));
  return parsed.success && parsed.data.type === event.type ? parsed.data : null;
}

/** An OAuth client waiting for the person's consent (GET /api/v1/agent-requests). */
export const AgentRequestSchema = z.object({
  id: z.string(),
  client: z.string(),
  agent: z.string(),
  /** Where the token goes: the redirect's scheme and host, shown so a phishing redirect stands out. */
  redirect: z.string(),
  /** True when the redirect leaves this machine (not loopback, not an app scheme). */
  remote: z.boolean(),
  createdAt: z.number(),
  /** The tools this agent name could call under the current policy. */
  tools: z.array(z.string()),
});
export type AgentRequest = z.infer<typeof AgentRequestSchema>;
