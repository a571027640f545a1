import { z } from 'zod';
import {
  AgentSchema,
  CredentialSlotSchema,
  PoliciesSchema,
  PolicyRuleSchema,
  ProfileSchema,
  ServerSandboxSchema,
  ServerSchema,
  TransportSchema,
} from '../bundle/schema.ts';
import { DiffEntrySchema, FindingSchema, PendingChangeSchema } from '../pinning/pending.ts';
import { VerifyReportSchema } from '../sync/contract.ts';

// The admin console's local HTTP API, served by `gatehouse-admin console` on
// loopback (server/console/) and read by the console's React UI. Both ends parse
// with these schemas. The API works on the admin's workspace and relays to the
// sync endpoint with short-lived signed admin statements: signing keys never
// leave the console's process, and nothing here carries argument values of
// calls awaiting a decision or any credential value.
//
// This file only grows: fields and routes are added, never renamed or removed.
//
// Conventions:
// - Every route is under CONSOLE_API and answers JSON; errors are ErrorSchema
//   with an HTTP status (400 malformed, 401 no session, 403 foreign Host or
//   Origin, 404 unknown, 409 conflict, 502 the sync endpoint failed).
// - The session is a cookie (HttpOnly, SameSite=Strict, Path=/) set by
//   LOGIN_PATH; requests without it get 401. State-changing requests are POST,
//   PUT or DELETE with `content-type: application/json` and a same-origin
//   `Origin` header (anything else gets 403).
// - Lists are paged with an opaque `cursor`: pass the previous page's
//   `nextCursor` (null on the last page). `limit` defaults to 50, at most 200.

export const CONSOLE_API = '/api/v1';
/** `GET /login?token=…`: the one-time link printed in the terminal; sets the cookie and redirects (303) to `/`. */
export const LOGIN_PATH = '/login';
export const SESSION_COOKIE = 'gatehouse_console';
/** The header that carries the session's secret (kept in the page's localStorage, which other loopback ports cannot read). */
export const SESSION_HEADER = 'x-console-session';

export const ErrorSchema = z.object({ error: z.string(), code: z.string().optional() });
export type ConsoleError = z.infer<typeof ErrorSchema>;

export const RiskSchema = z.enum(['none', 'low', 'medium', 'high', 'critical']);
export type Risk = z.infer<typeof RiskSchema>;

const cursor = z.string().min(1).max(512);
const limit = z.coerce.number().int().min(1).max(200).default(50);
const isoTime = z.iso.datetime({ offset: true });
/** Query strings carry text; these read them. */
const queryText = z.string().min(1).max(500);

export const OkSchema = z.object({ ok: z.literal(true) });

// ── Session ───────────────────────────────────────────────────────────────────

/** GET /api/v1/session: who and what the console works on. */
export const SessionSchema = z.object({
  org: z.string(),
  name: z.string(),
  /** The admin, as recorded in approvals (`user@host`). */
  admin: z.string(),
  workspace: z.string(),
  syncUrl: z.string().nullable(),
  /** The sync endpoint as last reached; `reachable: false` with `error` when it was not. */
  endpoint: z.object({
    reachable: z.boolean(),
    database: z.enum(['sqlite', 'postgres']).nullable(),
    publishedVersion: z.number().int().nullable(),
    error: z.string().nullable(),
  }),
  /** The workspace's registry differs from what was last published from it. */
  unpublished: z.boolean(),
  expiresAt: isoTime,
});
export type Session = z.infer<typeof SessionSchema>;
// POST /api/v1/logout → OkSchema (the cookie is cleared and the session ends).

// ── Escalations: pending changes desktops leave to the org ───────────────────

export const EscalationStateSchema = z.enum(['open', 'approved', 'rejected']);

/**
 * One queue entry: a tool definition some desktops hold back for the org,
 * deduplicated across devices by server, tool and definition hash.
 */
export const EscalationSummarySchema = z.object({
  /** Stable: derived from server, tool and newHash. */
  id: z.string(),
  server: z.string(),
  tool: z.string(),
  kind: z.enum(['new', 'changed']),
  oldHash: z.string().nullable(),
  newHash: z.string(),
  risk: RiskSchema,
  findings: z.number().int(),
  /** Devices that reported it and still hold it. */
  devices: z.number().int(),
  /** Users of those devices (distinct, at most 20; `devices` is the full count). */
  users: z.array(z.string()),
  firstSeenAt: z.string(),
  lastSeenAt: z.string(),
  state: EscalationStateSchema,
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  reason: z.string().nullable(),
  /** The bundle version an approval published. */
  publishedVersion: z.number().int().nullable(),
  /** The server is not (or no longer) in the workspace's catalogue: it cannot be approved from here. */
  unknownServer: z.boolean(),
});
export type EscalationSummary = z.infer<typeof EscalationSummarySchema>;

/** GET /api/v1/escalations?state=open|approved|rejected|all&cursor&limit — open first, by risk (critical first), then newest. */
export const EscalationListQuerySchema = z.strictObject({
  state: z.enum(['open', 'approved', 'rejected', 'all']).default('open'),
  server: queryText.optional(),
  cursor: cursor.optional(),
  limit,
});
export const EscalationListSchema = z.object({ escalations: z.array(EscalationSummarySchema), nextCursor: z.string().nullable(), total: z.number().int() });

export const EscalationDeviceSchema = z.object({ deviceId: z.string(), name: z.string(), user: z.string().nullable(), reportedAt: z.string() });

/**
 * GET /api/v1/escalations/:id. `change` has the desktop's pending-change shape
 * (old and new definitions, the diff input, the scanner's findings), so the
 * dashboard's diff and findings components render it unchanged; its
 * `localDecision` is always false and `id` is the escalation's.
 */
export const EscalationDetailSchema = z.object({
  escalation: EscalationSummarySchema,
  change: PendingChangeSchema,
  diff: z.array(DiffEntrySchema),
  findings: z.array(FindingSchema),
  /** Up to 200 devices, newest report first. */
  devices: z.array(EscalationDeviceSchema),
});
export type EscalationDetail = z.infer<typeof EscalationDetailSchema>;

/** POST /api/v1/escalations/:id/approve | /reject */
export const EscalationDecideRequestSchema = z.strictObject({ reason: z.string().max(2000).optional() });
/**
 * approve: the new pin is written to the workspace and a new bundle version is
 * signed here and published (the same code as `gatehouse-admin publish`);
 * `publishedVersion` is that version. reject: desktops keep the change blocked
 * and show "rejected by your org"; `publishedVersion` is null.
 */
export const EscalationDecideResponseSchema = z.object({ escalation: EscalationSummarySchema, publishedVersion: z.number().int().nullable() });

// ── Catalogue: the workspace's servers ───────────────────────────────────────

export const CatalogueStatusSchema = z.enum(['draft', 'approved', 'deprecated', 'revoked']);

export const CatalogueServerSchema = z.object({
  id: z.string(),
  name: z.string().nullable(),
  description: z.string().nullable(),
  status: CatalogueStatusSchema,
  transport: z.object({
    type: z.enum(['stdio', 'npm', 'http', 'sse']),
    /** package@version, command line or URL: never header values or env values. */ target: z.string(),
  }),
  pins: z.array(z.object({ tool: z.string(), hash: z.string() })),
  /** The sandbox in force: the server's own, or the registry default (`inherited`); null for remote servers. */
  sandbox: z.object({ summary: z.string(), inherited: z.boolean(), value: ServerSandboxSchema }).nullable(),
  credentials: z.array(CredentialSlotSchema),
  source: z.object({ registry: z.string().optional(), name: z.string(), version: z.string().optional() }).nullable(),
  approvedBy: z.string().nullable(),
  approvedAt: z.string().nullable(),
  /** Open escalations for this server. */
  openEscalations: z.number().int(),
});
export type CatalogueServer = z.infer<typeof CatalogueServerSchema>;

/** GET /api/v1/catalogue */
export const CatalogueSchema = z.object({
  servers: z.array(CatalogueServerSchema),
  /** Last version published from this workspace. */
  workspaceVersion: z.number().int(),
  unpublished: z.boolean(),
});

/** POST /api/v1/catalogue/import: an official MCP registry `server.json`; answers the new draft's id. */
export const ImportRequestSchema = z.strictObject({
  serverJson: z.unknown(),
  id: z.string().optional(),
  package: z.number().int().nonnegative().optional(),
  remote: z.number().int().nonnegative().optional(),
});
export const ImportResponseSchema = z.object({ id: z.string(), notes: z.array(z.string()), server: CatalogueServerSchema });

/** POST /api/v1/catalogue/servers: add a draft by form. */
export const AddServerRequestSchema = z.strictObject({
  id: z.string(),
  name: z.string().optional(),
  description: z.string().optional(),
  transport: TransportSchema,
  credentials: z.array(CredentialSlotSchema).optional(),
  sandbox: ServerSandboxSchema.optional(),
});
export const AddServerResponseSchema = z.object({ server: CatalogueServerSchema });

/**
 * POST /api/v1/catalogue/servers/:id/approve → JobSchema (202). The console
 * connects to the server, lists, scans and pins its tools as the CLI does; poll
 * GET /api/v1/jobs/:id for progress. Without `force`, tools scanning high or
 * critical leave the job `failed` with them listed in `tools`.
 */
export const ApproveServerRequestSchema = z.strictObject({ force: z.boolean().default(false) });

export const PinnedToolSchema = z.object({ name: z.string(), hash: z.string(), risk: RiskSchema, findings: z.array(z.string()) });

export const JobSchema = z.object({
  id: z.string(),
  kind: z.enum(['approve-server']),
  subject: z.string(),
  state: z.enum(['running', 'done', 'failed']),
  steps: z.array(z.object({ at: z.string(), message: z.string() })),
  tools: z.array(PinnedToolSchema),
  error: z.string().nullable(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
});
export type Job = z.infer<typeof JobSchema>;

/** POST /api/v1/catalogue/servers/:id/deprecate | /revoke (body `{}`) → `{ server }`; publish to apply. */
export const ServerChangeResponseSchema = z.object({ server: CatalogueServerSchema });

/** GET /api/v1/catalogue/servers/:id/entry: the server's registry entry as the bundle will carry it. */
export const ServerEntrySchema = z.object({ entry: ServerSchema });

// ── Publish ──────────────────────────────────────────────────────────────────

/** POST /api/v1/publish: sign the workspace's registry and publish it (as `gatehouse-admin publish`). */
export const PublishRequestSchema = z.strictObject({ ttlDays: z.number().positive().max(366).default(30) });
export const PublishResultSchema = z.object({
  version: z.number().int(),
  servers: z.number().int(),
  rules: z.number().int(),
  expiresAt: z.string(),
  keyRotated: z.string().nullable(),
});

// ── Policies ────────────────────────────────────────────────────────────────

export const PolicyDocSchema = z.strictObject({
  policies: PoliciesSchema,
  profiles: z.array(ProfileSchema).default([]),
  agents: z.array(AgentSchema).default([]),
});
export type PolicyDoc = z.infer<typeof PolicyDocSchema>;

/** GET /api/v1/policies: the workspace's rules, rate limits, profiles and agents. */
export const PoliciesResponseSchema = z.object({ doc: PolicyDocSchema, unpublished: z.boolean() });

export const IssueSchema = z.object({ path: z.string(), message: z.string() });
/** POST /api/v1/policies/validate with a PolicyDoc (unparsed: any JSON) → the issues desktops would refuse it for. */
export const ValidateResponseSchema = z.object({ ok: z.boolean(), issues: z.array(IssueSchema) });
/** PUT /api/v1/policies with a PolicyDoc → ValidateResponseSchema; saved to the workspace only when ok. */

/**
 * POST /api/v1/policies/simulate: "may user U in groups G, through agent A, call
 * tool T of server S with these arguments?" Answered by the desktop's own
 * policy code (shared/policy/evaluate.ts). `doc` absent: the workspace's.
 */
export const SimulateRequestSchema = z.strictObject({
  user: z.string().min(1),
  groups: z.array(z.string().min(1)).default([]),
  agent: z.string().min(1),
  server: z.string().min(1),
  tool: z.string().min(1),
  arguments: z.record(z.string(), z.unknown()).default({}),
  doc: z.unknown().optional(),
});
export const SimulateResponseSchema = z.object({
  effect: z.enum(['allow', 'deny']),
  /** The deciding rule's id, or `default-deny`. */
  rule: z.string(),
  reason: z.string().nullable(),
  /** The deciding rule itself; null for `default-deny`. */
  ruleDefinition: PolicyRuleSchema.nullable(),
  /** Whether the tool would be listed to this agent at all. */
  visible: z.boolean(),
  /** Every rule that names this server and tool, in evaluation order. */
  candidates: z.array(z.object({ rule: z.string(), effect: z.enum(['allow', 'deny']), who: z.string(), constrained: z.boolean() })),
});
export type SimulateResponse = z.infer<typeof SimulateResponseSchema>;

/**
 * POST /api/v1/policies/diff with `{ doc? }` (absent: the workspace's): what
 * changes against the last published bundle, rule by rule and, for every
 * pinned tool, who may call it before and after.
 */
export const PolicyDiffRequestSchema = z.strictObject({ doc: z.unknown().optional() });
const RuleWhoSchema = z.object({ rule: z.string(), effect: z.enum(['allow', 'deny']), who: z.string(), constrained: z.boolean() });
export const PolicyDiffSchema = z.object({
  against: z.object({ version: z.number().int().nullable() }),
  rules: z.object({ added: z.array(z.string()), removed: z.array(z.string()), changed: z.array(z.string()) }),
  tools: z.array(z.object({ server: z.string(), tool: z.string(), before: z.array(RuleWhoSchema), after: z.array(RuleWhoSchema) })),
});
export type PolicyDiff = z.infer<typeof PolicyDiffSchema>;

// ── Fleet ────────────────────────────────────────────────────────────────────

export const SyncStateSchema = z.enum(['current', 'behind', 'never-synced', 'stale', 'revoked']);

export const DeviceSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  /** Who the enrollment token was made for. */
  label: z.string().nullable(),
  /** The user the desktop last reported (its org login or OS account). */
  user: z.string().nullable(),
  enrolledAt: z.string(),
  lastContactAt: z.string().nullable(),
  /** The bundle version in force on the device, as it last reported. */
  bundleVersion: z.number().int().nullable(),
  /** current: has the latest version; behind: an older one; stale: no contact for 24 h; never-synced: no report yet. */
  syncState: SyncStateSchema,
  /** Records the desktop holds that the endpoint has not acknowledged, as it last reported. */
  auditBacklog: z.number().int().nullable(),
  /** Highest audit sequence number received. */
  auditLastSeq: z.number().int().nullable(),
  /** Gaps and forks found in its chain. */
  auditProblems: z.number().int(),
  /** Pending changes it holds for the org. */
  pendingChanges: z.number().int(),
  /** Org key ids the device trusts (from its bundle in force). */
  pinnedKeys: z.array(z.string()),
  revokedAt: z.string().nullable(),
});
export type DeviceSummary = z.infer<typeof DeviceSummarySchema>;

/** GET /api/v1/fleet/devices?q&state&cursor&limit — `q` matches name, label, user or id; newest contact first. */
export const DeviceListQuerySchema = z.strictObject({
  q: queryText.optional(),
  state: SyncStateSchema.optional(),
  cursor: cursor.optional(),
  limit,
});
export const DeviceListSchema = z.object({
  devices: z.array(DeviceSummarySchema),
  nextCursor: z.string().nullable(),
  total: z.number().int(),
  latestVersion: z.number().int(),
});

/** GET /api/v1/fleet/devices/:id */
export const DeviceDetailSchema = z.object({
  device: DeviceSummarySchema,
  problems: z.array(z.object({ kind: z.string(), detail: z.string(), at: z.string() })),
  escalations: z.array(EscalationSummarySchema),
});

/** POST /api/v1/fleet/devices/:id/revoke: its token stops working for sync and audit ingest at once. */
export const RevokeDeviceRequestSchema = z.strictObject({ reason: z.string().max(2000).optional() });
export const RevokeDeviceResponseSchema = z.object({ device: DeviceSummarySchema });

export const EnrollTokenSchema = z.object({
  id: z.string(),
  label: z.string().nullable(),
  issuedAt: z.string(),
  expiresAt: z.string(),
  revokedAt: z.string().nullable(),
  /** Devices enrolled with it. */
  uses: z.number().int(),
});
export type EnrollToken = z.infer<typeof EnrollTokenSchema>;

/** GET /api/v1/fleet/tokens */
export const EnrollTokenListSchema = z.object({ tokens: z.array(EnrollTokenSchema) });
/** POST /api/v1/fleet/tokens: the token itself is in this answer only. */
export const IssueTokenRequestSchema = z.strictObject({ label: z.string().max(200).optional(), ttlDays: z.number().positive().max(366).default(7) });
export const IssuedTokenSchema = z.object({
  token: EnrollTokenSchema,
  secret: z.string(),
  /** `gatehouse enroll URL --token … --fingerprint …` */
  command: z.string(),
  /** `gatehouse://enroll?url=…&token=…` */
  link: z.string(),
  fingerprint: z.string(),
});
/** POST /api/v1/fleet/tokens/:id/revoke (body `{}`) → `{ token }`: a device can no longer enroll with it. */
export const RevokeTokenResponseSchema = z.object({ token: EnrollTokenSchema });

// ── Audit ────────────────────────────────────────────────────────────────────

export const AuditOutcomeSchema = z.enum(['ok', 'error', 'denied', 'cancelled', 'timeout', 'disconnected']);

/** GET /api/v1/audit/records?… — newest first. `until` is exclusive, `since` inclusive. */
export const AuditSearchQuerySchema = z.strictObject({
  user: queryText.optional(),
  agent: queryText.optional(),
  server: queryText.optional(),
  tool: queryText.optional(),
  outcome: AuditOutcomeSchema.optional(),
  type: queryText.optional(),
  device: queryText.optional(),
  correlationId: queryText.optional(),
  since: isoTime.optional(),
  until: isoTime.optional(),
  cursor: cursor.optional(),
  limit,
});
export type AuditSearchQuery = z.infer<typeof AuditSearchQuerySchema>;

export const AuditRowSchema = z.object({
  deviceId: z.string(),
  deviceName: z.string().nullable(),
  seq: z.number().int(),
  id: z.string(),
  ts: z.string(),
  type: z.string(),
  user: z.string(),
  agent: z.string().nullable(),
  server: z.string().nullable(),
  tool: z.string().nullable(),
  outcome: z.string(),
  correlationId: z.string(),
  rule: z.string().nullable(),
  latencyMs: z.number().nullable(),
});
export type AuditRow = z.infer<typeof AuditRowSchema>;
export const AuditPageSchema = z.object({ records: z.array(AuditRowSchema), nextCursor: z.string().nullable() });

/**
 * GET /api/v1/audit/records/:deviceId/:seq: one record as the desktop wrote it
 * (arguments already redacted there), its place in the device's hash chain,
 * and its request chain: every record sharing its correlation id, oldest first.
 */
export const AuditDetailSchema = z.object({
  row: AuditRowSchema,
  record: z.record(z.string(), z.unknown()),
  hash: z.string(),
  prev: z.string(),
  batchId: z.string(),
  chain: z.array(AuditRowSchema),
});

/** GET /api/v1/audit/verify?device=ID: each device's chain checked; gaps and forks listed. */
export const AuditVerifySchema = z.object({ reports: z.array(VerifyReportSchema) });

/**
 * GET /api/v1/audit/export?format=jsonl|csv&<the search filters> — a download
 * (content-disposition: attachment), not JSON; at most `max` records (default
 * and cap 100,000). JSONL: one `{deviceId, seq, ...record}` a line; CSV: the
 * AuditRow columns.
 */
export const AuditExportQuerySchema = AuditSearchQuerySchema.omit({ cursor: true, limit: true }).extend({
  format: z.enum(['jsonl', 'csv']),
  max: z.coerce.number().int().min(1).max(100_000).default(100_000),
});
export const AUDIT_CSV_COLUMNS = [
  'deviceId',
  'deviceName',
  'seq',
  'id',
  'ts',
  'type',
  'user',
  'agent',
  'server',
  'tool',
  'outcome',
  'correlationId',
  'rule',
  'latencyMs',
] as const;

// ── Keys ─────────────────────────────────────────────────────────────────────

export const KeyInfoSchema = z.object({
  keyId: z.string(),
  fingerprint: z.string(),
  state: z.enum(['current', 'next', 'retired']),
  /** Devices whose bundle in force names this key. */
  devices: z.number().int(),
});
/** GET /api/v1/keys */
export const KeysSchema = z.object({
  keys: z.array(KeyInfoSchema),
  /** Devices that reported no keys yet. */
  devicesUnknown: z.number().int(),
});
/** GET /api/v1/keys/:keyId/devices?cursor&limit: which devices have the key pinned. */
export const KeyDevicesSchema = z.object({
  devices: z.array(z.object({ id: z.string(), name: z.string(), user: z.string().nullable(), bundleVersion: z.number().int().nullable() })),
  nextCursor: z.string().nullable(),
});
/** POST /api/v1/keys/rotate (body `{}`): a next key is made; the next publish completes the rotation. */
export const RotateResponseSchema = z.object({ next: KeyInfoSchema, message: z.string() });

// ── Routes, for both ends ────────────────────────────────────────────────────

export const CONSOLE_ROUTES = {
  session: 'GET /api/v1/session',
  logout: 'POST /api/v1/logout',
  escalations: 'GET /api/v1/escalations',
  escalation: 'GET /api/v1/escalations/:id',
  approveEscalation: 'POST /api/v1/escalations/:id/approve',
  rejectEscalation: 'POST /api/v1/escalations/:id/reject',
  catalogue: 'GET /api/v1/catalogue',
  importServer: 'POST /api/v1/catalogue/import',
  addServer: 'POST /api/v1/catalogue/servers',
  serverEntry: 'GET /api/v1/catalogue/servers/:id/entry',
  approveServer: 'POST /api/v1/catalogue/servers/:id/approve',
  deprecateServer: 'POST /api/v1/catalogue/servers/:id/deprecate',
  revokeServer: 'POST /api/v1/catalogue/servers/:id/revoke',
  job: 'GET /api/v1/jobs/:id',
  publish: 'POST /api/v1/publish',
  policies: 'GET /api/v1/policies',
  savePolicies: 'PUT /api/v1/policies',
  validatePolicies: 'POST /api/v1/policies/validate',
  simulate: 'POST /api/v1/policies/simulate',
  policyDiff: 'POST /api/v1/policies/diff',
  devices: 'GET /api/v1/fleet/devices',
  device: 'GET /api/v1/fleet/devices/:id',
  revokeDevice: 'POST /api/v1/fleet/devices/:id/revoke',
  tokens: 'GET /api/v1/fleet/tokens',
  issueToken: 'POST /api/v1/fleet/tokens',
  revokeToken: 'POST /api/v1/fleet/tokens/:id/revoke',
  auditSearch: 'GET /api/v1/audit/records',
  auditRecord: 'GET /api/v1/audit/records/:deviceId/:seq',
  auditVerify: 'GET /api/v1/audit/verify',
  auditExport: 'GET /api/v1/audit/export',
  keys: 'GET /api/v1/keys',
  keyDevices: 'GET /api/v1/keys/:keyId/devices',
  rotateKey: 'POST /api/v1/keys/rotate',
} as const;
export type ConsoleRoute = keyof typeof CONSOLE_ROUTES;
