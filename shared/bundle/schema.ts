import { z } from 'zod';
import { ScannerRuleSchema } from '../scanner/rules.ts';
import { CHAT_RISKS } from '../pinning/decision.ts';

// The bundle declares which upstream servers exist and how Gatehouse treats them.
// This is the seed of the signed org bundle: a local file today, a verified
// envelope from the sync endpoint later. Everything crossing into the gateway
// from a bundle passes through these schemas.

export const SERVER_ID = /^[a-z0-9][a-z0-9-]{0,31}$/;

const envRecord = z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'environment variable names are letters, digits and _'), z.string());

export const StdioTransportSchema = z.strictObject({
  type: z.literal('stdio'),
  command: z.string().min(1),
  args: z.array(z.string()).default([]),
  env: envRecord.default({}),
  cwd: z.string().optional(),
});

/** An npm package run as a stdio server: from Gatehouse's own install when present, else through npx. */
export const NpmTransportSchema = z.strictObject({
  type: z.literal('npm'),
  package: z.string().regex(/^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/, 'must be an npm package name'),
  version: z.string().min(1).optional(),
  bin: z.string().optional(),
  args: z.array(z.string()).default([]),
  env: envRecord.default({}),
  cwd: z.string().optional(),
});

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

export const HttpTransportSchema = z.strictObject({
  type: z.literal('http'),
  url: httpUrl,
  headers: z.record(z.string(), z.string()).default({}),
  /** Try the legacy HTTP+SSE transport when Streamable HTTP is refused. */
  sseFallback: z.boolean().default(true),
});

export const SseTransportSchema = z.strictObject({
  type: z.literal('sse'),
  url: httpUrl,
  headers: z.record(z.string(), z.string()).default({}),
});

export const TransportSchema = z.discriminatedUnion('type', [StdioTransportSchema, NpmTransportSchema, HttpTransportSchema, SseTransportSchema]);

/**
 * A folder a sandboxed server may reach: absolute, or starting with a variable
 * (`${dataDir}`, `${bundleDir}`, `${home}`, `${workspace}`) the desktop resolves.
 * No `..` segments: the admin's list is what the server gets, not a starting point.
 */
const sandboxPath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => p.startsWith('/') || /^\$\{\w+\}/.test(p), 'sandbox paths are absolute or start with a variable such as ${home}')
  .refine((p) => !p.split('/').includes('..') && !p.includes('\0'), 'sandbox paths may not contain ".." or NUL');

/** `host:port`, `*.example.com:443`, `127.0.0.1:8080`, `[::1]:80`; port `*` for any. */
export const SANDBOX_HOST = /^(?:(?:\*\.)?[a-z0-9_](?:[a-z0-9_-]{0,62})(?:\.[a-z0-9_](?:[a-z0-9_-]{0,62}))*|\[[0-9a-f:.]{2,45}\]):(?:\*|[1-9]\d{0,4})$/i;

export const SandboxSchema = z.strictObject({
  /** Folders (or files) the server may read; Node, npm's cache and the system certificates are added as needed. */
  read: z.array(sandboxPath).default([]),
  /** Folders the server may write (and read). */
  write: z.array(sandboxPath).default([]),
  /**
   * `none`: no network at all. An allow-list goes through Gatehouse's egress proxy,
   * which refuses every other host. `unrestricted` is a visible exception in the status.
   */
  network: z
    .union([
      z.literal('none'),
      z.literal('unrestricted'),
      z.strictObject({
        allow: z
          .array(
            z
              .string()
              .regex(SANDBOX_HOST, 'hosts are host:port, *.domain:port or [ipv6]:port')
              .refine((h) => Number(h.slice(h.lastIndexOf(':') + 1)) <= 65535 || h.endsWith(':*'), 'ports go up to 65535'),
          )
          .min(1),
      }),
    ])
    .default('none'),
});
export type Sandbox = z.output<typeof SandboxSchema>;
/** A server's sandbox, or `off` to run it as the user (only where settings.sandbox.allowUnsandboxed says so, or for an explicit `off`). */
export const ServerSandboxSchema = z.union([z.literal('off'), SandboxSchema]);
export type ServerSandbox = z.output<typeof ServerSandboxSchema>;

/** One line for listings: `off`, or what it may read, write and reach. */
export function sandboxSummary(sandbox: ServerSandbox): string {
  if (sandbox === 'off') return 'off (runs as the user)';
  const net = typeof sandbox.network === 'string' ? `network ${sandbox.network}` : `network ${sandbox.network.allow.join(', ')}`;
  return `reads ${sandbox.read.length}, writes ${sandbox.write.length}, ${net}`;
}

/**
 * A credential a server needs: its name and how it is delivered, never its value.
 * Values live in the OS keychain under `gatehouse` / `<serverId>/<slot>`.
 */
export const CredentialSlotSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,47}$/i, 'slot names are letters, digits, _ and -'),
  /** env: an environment variable of a stdio server; header: an HTTP header; oauth: a token from an OAuth login. */
  kind: z.enum(['env', 'header', 'oauth']),
  description: z.string().optional(),
  required: z.boolean().default(true),
  /** After this many days the slot shows as due for rotation. */
  rotationDays: z.number().int().positive().optional(),
  /** env: the variable name (default: the slot name in upper case). */
  env: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
    .optional(),
  /** header: the header name (default Authorization) and a prefix such as "Bearer ". */
  header: z
    .string()
    .regex(/^[A-Za-z0-9-]+$/)
    .optional(),
  prefix: z.string().optional(),
  /** oauth: the scopes to ask for; when they change, the user is asked to log in again. */
  scopes: z.array(z.string().min(1)).optional(),
  /** oauth: a client registered with the authorization server beforehand (its secret, if any, is another slot's business). */
  clientId: z.string().optional(),
});
export type CredentialSlot = z.output<typeof CredentialSlotSchema>;

export const ServerSchema = z.strictObject({
  id: z.string().regex(SERVER_ID, 'server ids are 1-32 lowercase letters, digits and -, starting with a letter or digit'),
  name: z.string().min(1).optional(),
  description: z.string().optional(),
  transport: TransportSchema,
  status: z.enum(['approved', 'deprecated', 'revoked']).default('approved'),
  /** Per-server call timeout; falls back to settings.callTimeoutMs. */
  callTimeoutMs: z.number().int().positive().optional(),
  startTimeoutMs: z.number().int().positive().optional(),
  /**
   * Let this server ask agents for their roots. Off by default: an upstream session
   * is shared by every agent, and one agent's roots must not widen a server's scope.
   */
  forwardRoots: z.boolean().default(false),
  credentials: z.array(CredentialSlotSchema).default([]),
  /** Where the admin imported it from (the official MCP registry's name and version). */
  source: z.strictObject({ registry: z.string().optional(), name: z.string().min(1), version: z.string().optional() }).optional(),
  approvedBy: z.string().optional(),
  approvedAt: z.string().optional(),
  /** Approved tool definitions: tool name → `sha256:<hex>` of its canonical JSON (shared/pinning/hash.ts). */
  pins: z.record(z.string(), z.string().regex(/^sha256:[0-9a-f]{64}$/, 'pins are "sha256:" and 64 hex digits')).default({}),
  /** What this stdio server may read, write and connect to; absent: settings.sandbox.default. */
  sandbox: ServerSandboxSchema.optional(),
});

export const AgentSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/i, 'agent names are letters, digits, ., _ and -'),
  description: z.string().optional(),
  /** Bound to a profile, the agent sees only that profile's tools. */
  profile: z.string().optional(),
});

const RULE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
/** `*` matches any run of characters, `?` one; everything else is literal. */
const globs = z.array(z.string().min(1)).min(1);

/** Who a rule or limit applies to. Each list given must match; a list left out matches anyone. */
export const SubjectMatchSchema = z.strictObject({
  users: globs.optional(),
  groups: z.array(z.string().min(1)).min(1).optional(),
  agents: globs.optional(),
});

export const PathConstraintSchema = z.strictObject({
  /** A top-level argument holding a path, or an array of paths. */
  argument: z.string().min(1),
  /** Absolute roots the normalised path must sit in; `${bundleDir}` and `${dataDir}` expand. */
  within: z.array(z.string().min(1)).min(1),
});

export const PolicyRuleSchema = z.strictObject({
  id: z.string().regex(RULE_ID, 'rule ids are 1-64 letters, digits and . _ : -'),
  description: z.string().optional(),
  effect: z.enum(['allow', 'deny']),
  subjects: SubjectMatchSchema.default({}),
  servers: globs.default(['*']),
  tools: globs.default(['*']),
  /** Allow rules only: a JSON Schema (2020-12) the call's arguments must satisfy. */
  arguments: z.record(z.string(), z.unknown()).optional(),
  /** Allow rules only: path arguments, normalised, must sit within these roots. */
  paths: z.array(PathConstraintSchema).default([]),
});

export const RateLimitSchema = z.strictObject({
  id: z.string().regex(RULE_ID, 'limit ids are 1-64 letters, digits and . _ : -'),
  /** One bucket per user, per agent, per server, or per tool. */
  per: z.enum(['user', 'agent', 'server', 'tool']),
  subjects: SubjectMatchSchema.default({}),
  servers: globs.default(['*']),
  tools: globs.default(['*']),
  /** The bucket holds `calls` tokens and refills them over `perSeconds`. */
  calls: z.number().int().positive(),
  perSeconds: z.number().positive(),
});

/** Default deny: with no rules, no tool is reachable. */
export const PoliciesSchema = z.strictObject({
  rules: z.array(PolicyRuleSchema).default([]),
  rateLimits: z.array(RateLimitSchema).default([]),
});

/** A virtual server: a curated set of tools from several servers. */
export const ProfileSchema = z.strictObject({
  id: z.string().regex(RULE_ID, 'profile ids are 1-64 letters, digits and . _ : -'),
  name: z.string().optional(),
  description: z.string().optional(),
  tools: z.array(z.strictObject({ server: z.string().min(1), tools: globs })).min(1),
});

/** An org signing key (Ed25519, SPKI PEM). */
export const OrgKeySchema = z.strictObject({
  keyId: z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/),
  publicKey: z.string().includes('BEGIN PUBLIC KEY'),
});
export type OrgKey = z.output<typeof OrgKeySchema>;

export const SettingsSchema = z.strictObject({
  toolNameSeparator: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,4}$/, 'the separator is 1-4 of A-Z a-z 0-9 _ -')
    .default('__'),
  /** `passthrough` exposes upstream names unchanged (first server wins on a clash). */
  naming: z.enum(['prefixed', 'passthrough']).default('prefixed'),
  maxMessageBytes: z
    .number()
    .int()
    .min(1024)
    .default(16 * 1024 * 1024),
  callTimeoutMs: z.number().int().positive().default(60_000),
  startTimeoutMs: z.number().int().positive().default(30_000),
  // One page for any real catalogue: many clients ignore nextCursor and would silently
  // lose the rest. Pages are byte slices of the cached list, so a smaller pageSize is cheap too.
  pageSize: z.number().int().positive().default(100_000),
  restart: z
    .strictObject({
      initialDelayMs: z.number().int().positive().default(500),
      maxDelayMs: z.number().int().positive().default(30_000),
    })
    .default({ initialDelayMs: 500, maxDelayMs: 30_000 }),
  /**
   * Lets HTTP clients without an agent token in, as this agent. Off by default;
   * meant for conformance runs and trials, never for daily use.
   */
  anonymousAgent: z.string().optional(),
  pinning: z
    .strictObject({
      /**
       * Accept tools that have never been pinned the first time they are seen (changes
       * to them are still quarantined). For personal bundles; shown in the status.
       */
      trustOnFirstUse: z.boolean().default(false),
      /** Which risk levels the local user may approve; the rest await an org admin. */
      localApproval: z
        .strictObject({
          none: z.boolean().default(true),
          low: z.boolean().default(true),
          medium: z.boolean().default(true),
          high: z.boolean().default(true),
          critical: z.boolean().default(false),
        })
        .default({ none: true, low: true, medium: true, high: true, critical: false }),
      /**
       * Up to which risk a change may be approved from the agent's own client (the
       * question in the chat). The agent's client, or an agent holding its token, can
       * answer that question itself, so riskier changes need the Gatehouse app, its
       * notification or the CLI at a terminal. `never` keeps every decision out of the chat.
       */
      chatApprovalMaxRisk: z.enum(CHAT_RISKS).default('medium'),
      /** How long a question in the chat stays open, independent of the upstream call timeout. */
      questionTimeoutMs: z
        .number()
        .int()
        .min(1000)
        .max(24 * 3_600_000)
        .default(10 * 60_000),
    })
    .default({
      trustOnFirstUse: false,
      localApproval: { none: true, low: true, medium: true, high: true, critical: false },
      chatApprovalMaxRisk: 'medium',
      questionTimeoutMs: 10 * 60_000,
    }),
  /** The local audit log keeps records the org has acknowledged for this long, then prunes them (checkpointed). */
  audit: z.strictObject({ retentionDays: z.number().positive().default(90) }).default({ retentionDays: 90 }),
  /** Extra scanner rules (shared/scanner/rules.ts format), run after the built-in ones. */
  scannerRules: z.array(ScannerRuleSchema).default([]),
  /** Environment variables a stdio server inherits from the daemon, beyond what its transport declares. */
  inheritEnv: z
    .array(z.string())
    .default([
      'PATH',
      'HOME',
      'USER',
      'LOGNAME',
      'LANG',
      'LC_ALL',
      'TMPDIR',
      'TEMP',
      'TMP',
      'SystemRoot',
      'APPDATA',
      'LOCALAPPDATA',
      'USERPROFILE',
      'ComSpec',
      'PATHEXT',
      'NODE_OPTIONS',
    ]),
  /**
   * Sandboxing of stdio servers. `default` applies to servers that declare none
   * (`off` keeps older bundles running as before). A server whose sandbox this machine
   * cannot provide does not start, unless `allowUnsandboxed` lets it run as the user.
   */
  sandbox: z
    .strictObject({
      default: ServerSandboxSchema.default('off'),
      allowUnsandboxed: z.boolean().default(false),
    })
    .default({ default: 'off', allowUnsandboxed: false }),
  /** The desktop app: the org may require at least this version; below it the app updates eagerly and says why. */
  desktop: z
    .strictObject({
      minimumVersion: z
        .string()
        .regex(/^\d{1,9}\.\d{1,9}\.\d{1,9}(-[0-9A-Za-z.-]{1,64})?$/, 'a version like 1.4.0')
        .optional(),
    })
    .optional(),
});

export const BundleSchema = z
  .strictObject({
    $schema: z.string().optional(),
    schemaVersion: z.literal(1),
    name: z.string().min(1),
    /** The org this bundle is for; signed bundles must name the org the desktop enrolled in. */
    org: z.string().min(1).optional(),
    version: z.number().int().nonnegative().default(0),
    issuedAt: z.iso.datetime({ offset: true }).optional(),
    /** After this the bundle no longer governs: the gateway fails closed until a newer one arrives. */
    expiresAt: z.iso.datetime({ offset: true }).optional(),
    /** The org's signing keys from this version on: rotation is a bundle signed by an old key naming the new one. */
    keys: z.array(OrgKeySchema).optional(),
    servers: z.array(ServerSchema),
    agents: z.array(AgentSchema).default([]),
    policies: PoliciesSchema.default({ rules: [], rateLimits: [] }),
    profiles: z.array(ProfileSchema).default([]),
    settings: SettingsSchema.default(SettingsSchema.parse({})),
  })
  .superRefine((bundle, ctx) => {
    const seen = new Set<string>();
    bundle.servers.forEach((server, i) => {
      if (seen.has(server.id)) ctx.addIssue({ code: 'custom', path: ['servers', i, 'id'], message: `duplicate server id "${server.id}"` });
      seen.add(server.id);
      const stdio = server.transport.type === 'stdio' || server.transport.type === 'npm';
      const slotNames = new Set<string>();
      server.credentials.forEach((slot, j) => {
        if (slotNames.has(slot.name))
          ctx.addIssue({ code: 'custom', path: ['servers', i, 'credentials', j, 'name'], message: `duplicate credential slot "${slot.name}"` });
        slotNames.add(slot.name);
        if (slot.kind === 'env' && !stdio)
          ctx.addIssue({
            code: 'custom',
            path: ['servers', i, 'credentials', j, 'kind'],
            message: 'env credentials are for stdio servers; use header or oauth for HTTP servers',
          });
        if (slot.kind !== 'env' && stdio)
          ctx.addIssue({
            code: 'custom',
            path: ['servers', i, 'credentials', j, 'kind'],
            message: `${slot.kind} credentials are for HTTP servers; use env for stdio servers`,
          });
      });
      if (server.sandbox !== undefined && server.sandbox !== 'off' && !stdio)
        ctx.addIssue({
          code: 'custom',
          path: ['servers', i, 'sandbox'],
          message: 'a sandbox applies to stdio and npm servers, which Gatehouse starts; remote servers run elsewhere',
        });
      if (server.id.includes(bundle.settings.toolNameSeparator)) {
        ctx.addIssue({
          code: 'custom',
          path: ['servers', i, 'id'],
          message: `server id must not contain the tool name separator "${bundle.settings.toolNameSeparator}"`,
        });
      }
    });
    unique(
      ctx,
      bundle.policies.rules.map((r) => r.id),
      ['policies', 'rules'],
      'rule',
    );
    unique(
      ctx,
      bundle.policies.rateLimits.map((r) => r.id),
      ['policies', 'rateLimits'],
      'rate limit',
    );
    unique(
      ctx,
      bundle.profiles.map((p) => p.id),
      ['profiles'],
      'profile',
    );
    bundle.policies.rules.forEach((rule, i) => {
      if (rule.effect === 'deny' && (rule.arguments || rule.paths.length)) {
        ctx.addIssue({
          code: 'custom',
          path: ['policies', 'rules', i],
          message: 'argument and path constraints belong on allow rules: they say what an allowed call may carry',
        });
      }
    });
    const profiles = new Set(bundle.profiles.map((p) => p.id));
    bundle.agents.forEach((agent, i) => {
      if (agent.profile !== undefined && !profiles.has(agent.profile))
        ctx.addIssue({ code: 'custom', path: ['agents', i, 'profile'], message: `no profile "${agent.profile}" in this bundle` });
    });
  });

function unique(ctx: z.RefinementCtx, ids: string[], path: string[], what: string): void {
  const seen = new Set<string>();
  ids.forEach((id, i) => {
    if (seen.has(id)) ctx.addIssue({ code: 'custom', path: [...path, i, 'id'], message: `duplicate ${what} id "${id}"` });
    seen.add(id);
  });
}

export type Bundle = z.output<typeof BundleSchema>;
export type BundleServer = z.output<typeof ServerSchema>;
export type Transport = z.output<typeof TransportSchema>;
export type Settings = z.output<typeof SettingsSchema>;
export type PolicyRule = z.output<typeof PolicyRuleSchema>;
export type RateLimit = z.output<typeof RateLimitSchema>;
export type Profile = z.output<typeof ProfileSchema>;
export type SubjectMatch = z.output<typeof SubjectMatchSchema>;

export interface BundleIssue {
  path: string;
  message: string;
}

/** Parses a bundle, returning every problem with the field path that caused it. */
export function parseBundle(input: unknown): { ok: true; bundle: Bundle } | { ok: false; issues: BundleIssue[] } {
  const result = BundleSchema.safeParse(input);
  if (result.success) return { ok: true, bundle: result.data };
  return {
    ok: false,
    issues: result.error.issues.map((issue) => ({
      path: issue.path.length ? issue.path.map(String).join('.') : '(root)',
      message: issue.message,
    })),
  };
}

export function formatBundleIssues(issues: BundleIssue[]): string {
  return issues.map((i) => `  ${i.path}: ${i.message}`).join('\n');
}
