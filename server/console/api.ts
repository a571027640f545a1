import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import * as C from '../../shared/console/contract.ts';
import { EscalationRecordSchema, KeyUsageSchema } from '../../shared/console/device-report.ts';
import { SyncCallError } from '../../shared/sync/http.ts';
import { VerifyReportSchema } from '../../shared/sync/contract.ts';
import {
  addDraft,
  approveServer,
  CatalogueError,
  findServer,
  importDraft,
  issueEnrollToken,
  pinTool,
  RiskyTools,
  rotateKey,
  setServerStatus,
} from '../admin/catalogue.ts';
import { callEndpoint } from '../admin/endpoint.ts';
import { PublishError, publishWorkspace, unpublished } from '../admin/publish.ts';
import { WorkspaceError, type Workspace } from '../admin/workspace.ts';
import { checkDoc, policyDiff, simulate, workspaceDoc } from './policies.ts';
import { catalogue, catalogueServer, pendingView, workspaceKeys } from './views.ts';

// The console's JSON API (shared/console/contract.ts). Workspace pages read and
// write the admin's files; fleet, escalations and audit are relayed to the
// sync endpoint, each request signed here with a short-lived admin statement.

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export type Answer =
  | { status: number; body: unknown }
  | { status: number; stream: { type: string; filename: string; produce: (write: (chunk: string) => Promise<void>) => Promise<void> } };

export interface ApiRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

export interface ConsoleApiOptions {
  ws: Workspace;
  syncUrl: string | null;
  admin: string;
  sessionExpiresAt: () => string;
}

type Handler = (req: ApiRequest, params: string[]) => Promise<Answer>;

const ok = (body: unknown, status = 200): Answer => ({ status, body });

function parse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new ApiError(400, 'malformed', `${what}: ${r.error.issues.map((i) => `${i.path.join('.') || what}: ${i.message}`)[0] ?? 'invalid'}`);
  return r.data;
}

const queryOf = (q: URLSearchParams) => Object.fromEntries(q);
const JobsLimit = 100;

export class ConsoleApi {
  private readonly o: ConsoleApiOptions;
  private readonly jobs = new Map<string, C.Job>();
  private readonly routes: [string, RegExp, Handler][];

  constructor(options: ConsoleApiOptions) {
    this.o = options;
    const id = '([^/]{1,200})';
    this.routes = [
      ['GET', /^\/session$/, () => this.session()],
      ['GET', /^\/escalations$/, (r) => this.escalations(r)],
      ['GET', new RegExp(`^/escalations/${id}$`), (_, [e]) => this.escalation(e!)],
      ['POST', new RegExp(`^/escalations/${id}/approve$`), (r, [e]) => this.decide(e!, 'approved', r.body)],
      ['POST', new RegExp(`^/escalations/${id}/reject$`), (r, [e]) => this.decide(e!, 'rejected', r.body)],
      ['GET', /^\/catalogue$/, () => this.catalogue()],
      ['POST', /^\/catalogue\/import$/, (r) => this.importServer(r.body)],
      ['POST', /^\/catalogue\/servers$/, (r) => this.addServer(r.body)],
      ['GET', new RegExp(`^/catalogue/servers/${id}/entry$`), (_, [s]) => this.entry(s!)],
      ['POST', new RegExp(`^/catalogue/servers/${id}/approve$`), (r, [s]) => this.approveServer(s!, r.body)],
      ['POST', new RegExp(`^/catalogue/servers/${id}/(deprecate|revoke)$`), (_, [s, what]) => this.setStatus(s!, what as 'deprecate' | 'revoke')],
      ['GET', new RegExp(`^/jobs/${id}$`), (_, [j]) => this.job(j!)],
      ['POST', /^\/publish$/, (r) => this.publish(r.body)],
      ['GET', /^\/policies$/, () => this.policies()],
      ['PUT', /^\/policies$/, (r) => this.savePolicies(r.body)],
      ['POST', /^\/policies\/validate$/, (r) => this.validate(r.body)],
      ['POST', /^\/policies\/simulate$/, (r) => this.simulate(r.body)],
      ['POST', /^\/policies\/diff$/, (r) => this.diff(r.body)],
      ['GET', /^\/fleet\/devices$/, (r) => this.relay('GET', '/fleet/devices', C.DeviceListSchema, { query: queryOf(r.query) })],
      ['GET', new RegExp(`^/fleet/devices/${id}$`), (_, [d]) => this.relay('GET', `/fleet/devices/${enc(d!)}`, C.DeviceDetailSchema)],
      [
        'POST',
        new RegExp(`^/fleet/devices/${id}/revoke$`),
        (r, [d]) =>
          this.relay('POST', `/fleet/devices/${enc(d!)}/revoke`, C.RevokeDeviceResponseSchema, {
            body: parse(C.RevokeDeviceRequestSchema, r.body ?? {}, 'revocation'),
          }),
      ],
      ['GET', /^\/fleet\/tokens$/, () => this.relay('GET', '/enroll-tokens', C.EnrollTokenListSchema)],
      ['POST', /^\/fleet\/tokens$/, (r) => this.issueToken(r.body)],
      [
        'POST',
        new RegExp(`^/fleet/tokens/${id}/revoke$`),
        (_, [t]) => this.relay('POST', `/enroll-tokens/${enc(t!)}/revoke`, C.RevokeTokenResponseSchema, { body: {} }),
      ],
      [
        'GET',
        /^\/audit\/records$/,
        (r) => this.relay('GET', '/audit/search', C.AuditPageSchema, { query: toParams(parseQuery(C.AuditSearchQuerySchema, r.query)) }),
      ],
      ['GET', new RegExp(`^/audit/records/${id}/(\\d{1,15})$`), (_, [d, seq]) => this.relay('GET', `/audit/records/${enc(d!)}/${seq!}`, C.AuditDetailSchema)],
      [
        'GET',
        /^\/audit\/verify$/,
        (r) =>
          this.relay('GET', '/audit/verify', z.object({ reports: z.array(VerifyReportSchema) }), { query: { device: r.query.get('device') ?? undefined } }),
      ],
      ['GET', /^\/audit\/export$/, (r) => this.exportAudit(r.query)],
      ['GET', /^\/keys$/, () => this.keys()],
      ['GET', new RegExp(`^/keys/${id}/devices$`), (r, [k]) => this.relay('GET', `/keys/${enc(k!)}/devices`, C.KeyDevicesSchema, { query: queryOf(r.query) })],
      ['POST', /^\/keys\/rotate$/, () => this.rotate()],
    ];
  }

  /** The answer to one API request (path relative to CONSOLE_API). */
  async handle(req: ApiRequest): Promise<Answer> {
    let path: string;
    try {
      path = decodeURI(req.path);
    } catch {
      throw new ApiError(400, 'malformed', 'the path is not valid');
    }
    for (const [method, pattern, handler] of this.routes) {
      const m = pattern.exec(req.path);
      if (!m) continue;
      if (method !== req.method) continue;
      try {
        return await handler(
          req,
          m.slice(1).map((p) => decodeURIComponent(p)),
        );
      } catch (err) {
        if (err instanceof ApiError) throw err;
        if (err instanceof SyncCallError) throw new ApiError(502, 'sync-endpoint', err.message);
        if (err instanceof CatalogueError || err instanceof WorkspaceError) throw new ApiError(400, 'workspace', err.message);
        if (err instanceof PublishError) throw new ApiError(409, 'publish', err.message);
        throw err;
      }
    }
    throw new ApiError(404, 'not-found', `no route ${req.method} ${path}`);
  }

  private syncUrl(): string {
    if (!this.o.syncUrl)
      throw new ApiError(409, 'no-sync', 'this workspace names no sync endpoint: set syncUrl in org.json, or start the console with --sync URL');
    return this.o.syncUrl;
  }

  private async relay<S extends z.ZodType>(
    method: 'GET' | 'POST',
    path: string,
    schema: S,
    opts: { query?: Record<string, string | undefined>; body?: unknown } = {},
  ): Promise<Answer> {
    return ok(await this.call(method, path, schema, opts));
  }

  private call<S extends z.ZodType>(
    method: 'GET' | 'POST',
    path: string,
    schema: S,
    opts: { query?: Record<string, string | undefined>; body?: unknown } = {},
  ): Promise<z.output<S>> {
    return callEndpoint(this.syncUrl(), method, path, schema, { admin: this.o.ws.signer(), ...opts });
  }

  private async session(): Promise<Answer> {
    const org = this.o.ws.org();
    const endpoint: C.Session['endpoint'] = { reachable: false, database: null, publishedVersion: null, error: null };
    if (this.o.syncUrl) {
      try {
        const health = await fetch(new URL('/healthz', this.o.syncUrl), { signal: AbortSignal.timeout(5000) }).then((r) => r.json() as Promise<unknown>);
        const h = z.object({ database: z.enum(['sqlite', 'postgres']) }).safeParse(health);
        endpoint.database = h.success ? h.data.database : null;
        endpoint.publishedVersion = (await this.call('GET', '/org/version', z.object({ version: z.number().int() }))).version;
        endpoint.reachable = true;
      } catch (err) {
        endpoint.error = err instanceof Error ? err.message : String(err);
      }
    } else endpoint.error = 'no sync endpoint configured';
    const session: C.Session = {
      org: org.org,
      name: org.name,
      admin: this.o.admin,
      workspace: this.o.ws.dir,
      syncUrl: this.o.syncUrl,
      endpoint,
      unpublished: unpublished(this.o.ws),
      expiresAt: this.o.sessionExpiresAt(),
    };
    return ok(session);
  }

  // ── Escalations ──────────────────────────────────────────────────────────

  private async escalations(r: ApiRequest): Promise<Answer> {
    const q = parseQuery(C.EscalationListQuerySchema, r.query);
    const page = await this.call('GET', '/escalations', C.EscalationListSchema, { query: toParams(q) });
    const known = this.knownServers();
    return ok({ ...page, escalations: page.escalations.map((e) => ({ ...e, unknownServer: !known.has(e.server) })) });
  }

  private knownServers(): Set<string> {
    return new Set(this.o.ws.registry().servers.map((s) => s.id));
  }

  private async record(id: string) {
    return this.call('GET', `/escalations/${enc(id)}`, EscalationRecordSchema);
  }

  private async escalation(id: string): Promise<Answer> {
    const e = await this.record(id);
    const summary = { ...e.summary, unknownServer: !this.knownServers().has(e.summary.server) };
    const detail: C.EscalationDetail = {
      escalation: summary,
      change: pendingView(summary, e.change, this.o.ws.registry()),
      diff: e.change.diff,
      findings: e.change.findings,
      devices: e.devices,
    };
    return ok(detail);
  }

  /** Approve: pin the new definition in the workspace and publish it (signed here); reject: record it for the desktops' next report. */
  private async decide(id: string, decision: 'approved' | 'rejected', body: unknown): Promise<Answer> {
    const { reason } = parse(C.EscalationDecideRequestSchema, body ?? {}, 'decision');
    const e = await this.record(id);
    let publishedVersion: number | null = null;
    if (decision === 'approved') {
      if (!this.knownServers().has(e.summary.server))
        throw new ApiError(
          409,
          'unknown-server',
          `"${e.summary.server}" is not an approved server in this workspace: add and approve it in the catalogue first`,
        );
      pinTool(this.o.ws, e.summary.server, e.summary.tool, e.summary.newHash, this.o.admin);
      publishedVersion = (await publishWorkspace(this.o.ws, this.syncUrl(), 30)).version;
    }
    const answer = await this.call('POST', `/escalations/${enc(id)}/decision`, z.object({ escalation: C.EscalationSummarySchema }), {
      body: { decision, by: this.o.admin, reason: reason ?? null, publishedVersion },
    });
    return ok({ escalation: { ...answer.escalation, unknownServer: false }, publishedVersion });
  }

  // ── Catalogue ──────────────────────────────────────────────────────────────

  /** Open escalations per server; none when the endpoint cannot be reached (the catalogue is the workspace's). */
  private async openPerServer(): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    if (!this.o.syncUrl) return counts;
    try {
      const page = await this.call('GET', '/escalations', C.EscalationListSchema, { query: { state: 'open', limit: '200' } });
      for (const e of page.escalations) counts.set(e.server, (counts.get(e.server) ?? 0) + 1);
    } catch {
      /* the page still shows the workspace */
    }
    return counts;
  }

  private async catalogue(): Promise<Answer> {
    const r = this.o.ws.registry();
    return ok({ servers: catalogue(r, await this.openPerServer()), workspaceVersion: r.version, unpublished: unpublished(this.o.ws) });
  }

  private view(id: string): C.CatalogueServer {
    const r = this.o.ws.registry();
    const at = findServer(r, id);
    return catalogueServer(r[at.list][at.index]!, at.list === 'drafts', r, 0);
  }

  private async importServer(body: unknown): Promise<Answer> {
    const q = parse(C.ImportRequestSchema, body, 'import');
    const { server, notes } = importDraft(this.o.ws, q.serverJson, {
      ...(q.id ? { id: q.id } : {}),
      ...(q.package !== undefined ? { package: q.package } : {}),
      ...(q.remote !== undefined ? { remote: q.remote } : {}),
    });
    return ok({ id: server.id, notes, server: this.view(server.id) }, 201);
  }

  private async addServer(body: unknown): Promise<Answer> {
    const q = parse(C.AddServerRequestSchema, body, 'server');
    const server = addDraft(this.o.ws, q);
    return ok({ server: this.view(server.id) }, 201);
  }

  private async entry(id: string): Promise<Answer> {
    const r = this.o.ws.registry();
    const at = findServer(r, id);
    return ok({ entry: r[at.list][at.index] });
  }

  private async approveServer(id: string, body: unknown): Promise<Answer> {
    const { force } = parse(C.ApproveServerRequestSchema, body ?? {}, 'approval');
    findServer(this.o.ws.registry(), id);
    const job: C.Job = {
      id: `job-${randomBytes(8).toString('hex')}`,
      kind: 'approve-server',
      subject: id,
      state: 'running',
      steps: [],
      tools: [],
      error: null,
      startedAt: new Date().toISOString(),
      endedAt: null,
    };
    this.jobs.set(job.id, job);
    if (this.jobs.size > JobsLimit) this.jobs.delete(this.jobs.keys().next().value!);
    const step = (message: string) => job.steps.push({ at: new Date().toISOString(), message });
    void approveServer(this.o.ws, id, {
      by: this.o.admin,
      force,
      progress: step,
      tools: (t) => {
        job.tools = t;
      },
    })
      .then(
        () => {
          job.state = 'done';
        },
        (err: unknown) => {
          job.state = 'failed';
          job.error = err instanceof RiskyTools ? `${err.message.replace(' with --force', ' with "force"')}` : (err as Error).message;
        },
      )
      .finally(() => {
        job.endedAt = new Date().toISOString();
      });
    return ok(job, 202);
  }

  private async job(id: string): Promise<Answer> {
    const job = this.jobs.get(id);
    if (!job) throw new ApiError(404, 'no-job', `no job "${id}" (jobs are kept while the console runs)`);
    return ok(job);
  }

  private async setStatus(id: string, what: 'deprecate' | 'revoke'): Promise<Answer> {
    setServerStatus(this.o.ws, id, what === 'revoke' ? 'revoked' : 'deprecated');
    return ok({ server: this.view(id) });
  }

  private async publish(body: unknown): Promise<Answer> {
    const { ttlDays } = parse(C.PublishRequestSchema, body ?? {}, 'publish');
    try {
      return ok(await publishWorkspace(this.o.ws, this.syncUrl(), ttlDays));
    } catch (err) {
      if (err instanceof Error && /does not make a valid bundle|were never approved|do not compile/.test(err.message))
        throw new ApiError(400, 'invalid', err.message);
      throw err;
    }
  }

  // ── Policies ───────────────────────────────────────────────────────────────

  private async policies(): Promise<Answer> {
    return ok({ doc: workspaceDoc(this.o.ws.registry()), unpublished: unpublished(this.o.ws) });
  }

  private async validate(body: unknown): Promise<Answer> {
    const checked = checkDoc(body, this.o.ws.registry());
    return ok({ ok: checked.ok, issues: checked.ok ? [] : checked.issues });
  }

  private async savePolicies(body: unknown): Promise<Answer> {
    const r = this.o.ws.registry();
    const checked = checkDoc(body, r);
    if (!checked.ok) return ok({ ok: false, issues: checked.issues }, 422);
    this.o.ws.saveRegistry({ ...r, policies: checked.doc.policies, profiles: checked.doc.profiles, agents: checked.doc.agents });
    return ok({ ok: true, issues: [] });
  }

  private bundleFor(doc: unknown) {
    const r = this.o.ws.registry();
    const checked = checkDoc(doc === undefined ? workspaceDoc(r) : doc, r);
    if (!checked.ok) throw new ApiError(400, 'invalid', `the policies do not check: ${checked.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
    return checked.bundle;
  }

  private async simulate(body: unknown): Promise<Answer> {
    const q = parse(C.SimulateRequestSchema, body, 'simulation');
    return ok(simulate(this.bundleFor(q.doc), q));
  }

  private async diff(body: unknown): Promise<Answer> {
    const q = parse(C.PolicyDiffRequestSchema, body ?? {}, 'diff');
    return ok(policyDiff(this.o.ws.published(), this.bundleFor(q.doc)));
  }

  // ── Fleet ──────────────────────────────────────────────────────────────────

  private async issueToken(body: unknown): Promise<Answer> {
    const q = parse(C.IssueTokenRequestSchema, body ?? {}, 'token');
    const url = this.syncUrl();
    const issued = await issueEnrollToken(this.o.ws, url, q.ttlDays, q.label);
    const registered = await this.call('POST', '/enroll-tokens', z.object({ token: C.EnrollTokenSchema }), {
      body: { id: issued.id, label: issued.label, issuedAt: issued.issuedAt, expiresAt: issued.expiresAt },
    });
    return ok({ token: registered.token, secret: issued.token, command: issued.command, link: issued.link, fingerprint: issued.fingerprint }, 201);
  }

  // ── Audit ──────────────────────────────────────────────────────────────────

  private async exportAudit(query: URLSearchParams): Promise<Answer> {
    const q = parseQuery(C.AuditExportQuerySchema, query);
    const { format, max, ...filters } = q;
    const Page = z.object({
      records: z.array(C.AuditRowSchema.extend({ record: z.record(z.string(), z.unknown()).optional() })),
      nextCursor: z.string().nullable(),
    });
    return {
      status: 200,
      stream: {
        type: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson',
        filename: `gatehouse-audit-${new Date().toISOString().replace(/[:.]/g, '-')}.${format === 'csv' ? 'csv' : 'jsonl'}`,
        produce: async (write) => {
          if (format === 'csv') await write(`${C.AUDIT_CSV_COLUMNS.join(',')}\r\n`);
          let cursor: string | undefined;
          let sent = 0;
          do {
            const page = await this.call('GET', '/audit/search', Page, {
              query: {
                ...toParams(filters),
                limit: String(Math.min(1000, max - sent)),
                ...(format === 'jsonl' ? { full: '1' } : {}),
                ...(cursor ? { cursor } : {}),
              },
            });
            let chunk = '';
            for (const row of page.records) {
              chunk +=
                format === 'csv'
                  ? `${C.AUDIT_CSV_COLUMNS.map((c) => csvCell(row[c])).join(',')}\r\n`
                  : `${JSON.stringify({ deviceId: row.deviceId, seq: row.seq, ...(row.record ?? {}) })}\n`;
            }
            await write(chunk);
            sent += page.records.length;
            cursor = page.nextCursor ?? undefined;
          } while (cursor && sent < max);
        },
      },
    };
  }

  // ── Keys ───────────────────────────────────────────────────────────────────

  private async keys(): Promise<Answer> {
    const usage = this.o.syncUrl ? await this.call('GET', '/keys/usage', KeyUsageSchema).catch(() => null) : null;
    const counts = new Map((usage?.keys ?? []).map((k) => [k.keyId, k.devices]));
    return ok({ keys: workspaceKeys(this.o.ws).map((k) => ({ ...k, devices: counts.get(k.keyId) ?? 0 })), devicesUnknown: usage?.devicesUnknown ?? 0 });
  }

  private async rotate(): Promise<Answer> {
    const org = this.o.ws.org();
    const key = await rotateKey(this.o.ws);
    const row = workspaceKeys(this.o.ws).find((k) => k.keyId === key.keyId)!;
    return ok({
      next: { ...row, devices: 0 },
      message: `The next publish is signed by ${org.keys.map((k) => k.keyId).join(', ')} and names only ${key.keyId}; after it, the old key is retired.`,
    });
  }
}

const enc = encodeURIComponent;

function parseQuery<S extends z.ZodType>(schema: S, q: URLSearchParams): z.output<S> {
  return parse(schema, Object.fromEntries(q), 'query');
}

/** A parsed query back to strings, leaving out what is absent. */
function toParams(q: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(q)
      .filter(([, v]) => v !== undefined && v !== null)
      .map(([k, v]) => [k, String(v)]),
  );
}

/** RFC 4180, and a leading = + - @ is quoted away so a spreadsheet does not run it as a formula. */
function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n']/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
