import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { AuditRecordSchema } from '../../shared/audit/record.ts';
import { AuditOutcomeSchema, DeviceListQuerySchema, EscalationListQuerySchema } from '../../shared/console/contract.ts';
import { DeviceReportSchema, EnrollTokenRegistrationSchema, EscalationDecisionSchema } from '../../shared/console/device-report.ts';
import { judgeReport } from '../../shared/console/verify-report.ts';
import { SYNC_API } from '../../shared/sync/contract.ts';
import { CursorError } from '../store/console-store.ts';
import type { DeviceRow, ServerStore } from '../store/store.ts';
import { HttpError, queryAs, readBodyAs, send } from './respond.ts';

// The sync endpoint's routes for the admin console: desktops' reports (device
// token), and the queue, fleet, enrollment tokens, audit search and key usage
// (each request authorised by a signed admin statement, as the CLI's are).

export interface ConsoleRouteContext {
  store: ServerStore;
  now: () => number;
  admin(req: IncomingMessage, route: string): Promise<void>;
  device(req: IncomingMessage): Promise<DeviceRow>;
  /** A device was revoked: forget any cached token of it. */
  revoked(deviceId: string): void;
  log(line: string): void;
}

const pageLimit = (max: number) => z.coerce.number().int().min(1).max(max).default(50);
const text = z.string().min(1).max(500);
const AuditSearchSchema = z.strictObject({
  user: text.optional(),
  agent: text.optional(),
  server: text.optional(),
  tool: text.optional(),
  outcome: AuditOutcomeSchema.optional(),
  type: text.optional(),
  device: text.optional(),
  correlationId: text.optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  cursor: z.string().max(512).optional(),
  limit: pageLimit(1000),
  /** Each row carries its whole record (for exports). */
  full: z.literal('1').optional(),
});
const KeyDevicesQuery = z.strictObject({ cursor: z.string().max(512).optional(), limit: pageLimit(500) });
const RevokeBody = z.strictObject({ reason: z.string().max(2000).nullable().optional() });

const ROUTES: { method: string; pattern: RegExp; name: string }[] = [
  { method: 'POST', pattern: /^\/devices\/report$/, name: 'report' },
  { method: 'POST', pattern: /^\/devices\/self\/revoke$/, name: 'leave' },
  { method: 'GET', pattern: /^\/escalations$/, name: 'escalations' },
  { method: 'GET', pattern: /^\/escalations\/(esc-[0-9a-f]{20})$/, name: 'escalation' },
  { method: 'POST', pattern: /^\/escalations\/(esc-[0-9a-f]{20})\/decision$/, name: 'decide' },
  { method: 'GET', pattern: /^\/fleet\/devices$/, name: 'devices' },
  { method: 'GET', pattern: /^\/fleet\/devices\/(dev-[0-9a-f-]{36})$/, name: 'device' },
  { method: 'POST', pattern: /^\/fleet\/devices\/(dev-[0-9a-f-]{36})\/revoke$/, name: 'revoke-device' },
  { method: 'GET', pattern: /^\/enroll-tokens$/, name: 'tokens' },
  { method: 'POST', pattern: /^\/enroll-tokens$/, name: 'add-token' },
  { method: 'POST', pattern: /^\/enroll-tokens\/([A-Za-z0-9_-]{8,128})\/revoke$/, name: 'revoke-token' },
  { method: 'GET', pattern: /^\/audit\/search$/, name: 'audit-search' },
  { method: 'GET', pattern: /^\/audit\/records\/(dev-[0-9a-f-]{36})\/(\d{1,15})$/, name: 'audit-record' },
  { method: 'GET', pattern: /^\/keys\/usage$/, name: 'key-usage' },
  { method: 'GET', pattern: /^\/keys\/([A-Za-z0-9._:-]{1,128})\/devices$/, name: 'key-devices' },
];

/** Handles the request when it is one of these routes; false otherwise. */
export async function consoleRoute(ctx: ConsoleRouteContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  const sub = url.pathname.slice(SYNC_API.length);
  let name: string | undefined;
  let params: string[] = [];
  for (const r of ROUTES) {
    const m = r.method === req.method ? r.pattern.exec(sub) : null;
    if (m) {
      name = r.name;
      params = m.slice(1);
      break;
    }
  }
  if (!name) return false;
  const route = `${req.method} ${url.pathname}`;
  const { store } = ctx;
  const now = () => new Date(ctx.now()).toISOString();
  try {
    if (name === 'report') {
      const device = await ctx.device(req);
      const claimed = await readBodyAs(req, route, DeviceReportSchema, 'device report');
      const { report } = judgeReport(claimed);
      send(res, 200, { decisions: await store.console.report(device.id, report, now()) });
      return true;
    }
    if (name === 'leave') {
      // `gatehouse unenroll`: a device may always end its own enrollment.
      const device = await ctx.device(req);
      const at = now();
      await store.console.revokeDevice(device.id, at, 'unenrolled on the device');
      ctx.revoked(device.id);
      ctx.log(`device ${device.id} unenrolled itself`);
      send(res, 200, { revokedAt: at });
      return true;
    }
    await ctx.admin(req, route);
    switch (name) {
      case 'escalations': {
        send(res, 200, await store.console.escalationPage(queryAs(url, EscalationListQuerySchema)));
        return true;
      }
      case 'escalation': {
        const e = await store.console.escalation(params[0]!);
        if (!e) throw new HttpError(404, 'no-escalation', `no escalation "${params[0]!}"`);
        send(res, 200, e);
        return true;
      }
      case 'decide': {
        const d = await readBodyAs(req, route, EscalationDecisionSchema, 'decision');
        if (!(await store.console.decideEscalation(params[0]!, d, now()))) throw new HttpError(404, 'no-escalation', `no escalation "${params[0]!}"`);
        ctx.log(`escalation ${params[0]!} ${d.decision} by ${d.by}${d.publishedVersion !== null ? ` (version ${d.publishedVersion})` : ''}`);
        send(res, 200, { escalation: (await store.console.escalation(params[0]!))!.summary });
        return true;
      }
      case 'devices': {
        const q = queryAs(url, DeviceListQuerySchema);
        const latestVersion = await store.latestVersion();
        send(res, 200, { ...(await store.console.devicePage({ ...q, latestVersion, now: ctx.now() })), latestVersion });
        return true;
      }
      case 'device': {
        const device = await store.console.device(params[0]!, await store.latestVersion(), ctx.now());
        if (!device) throw new HttpError(404, 'no-device', `no device "${params[0]!}"`);
        const problems = (await store.problems(device.id)).map((p) => ({ kind: p.kind, detail: p.detail, at: p.at }));
        send(res, 200, { device, problems, escalations: await store.console.deviceEscalations(device.id) });
        return true;
      }
      case 'revoke-device': {
        const body = await readBodyAs(req, route, RevokeBody, 'revocation');
        if (!(await store.console.revokeDevice(params[0]!, now(), body.reason ?? null))) throw new HttpError(404, 'no-device', `no device "${params[0]!}"`);
        ctx.revoked(params[0]!);
        ctx.log(`device ${params[0]!} revoked`);
        send(res, 200, { device: await store.console.device(params[0]!, await store.latestVersion(), ctx.now()) });
        return true;
      }
      case 'tokens': {
        send(res, 200, { tokens: await store.console.enrolTokens() });
        return true;
      }
      case 'add-token': {
        const t = await readBodyAs(req, route, EnrollTokenRegistrationSchema, 'enrollment token');
        await store.console.addEnrollToken(t);
        send(res, 201, { token: await store.console.enrolToken(t.id) });
        return true;
      }
      case 'revoke-token': {
        if (!(await store.console.revokeEnrollToken(params[0]!, now())))
          throw new HttpError(404, 'no-token', `no enrollment token "${params[0]!}" was registered here`);
        send(res, 200, { token: await store.console.enrolToken(params[0]!) });
        return true;
      }
      case 'audit-search': {
        const { full, ...q } = queryAs(url, AuditSearchSchema);
        send(res, 200, await store.console.auditPage(q, full === '1'));
        return true;
      }
      case 'audit-record': {
        const found = await store.console.auditRecord(params[0]!, Number(params[1]));
        if (!found) throw new HttpError(404, 'no-record', `no record ${params[1]!} from ${params[0]!}`);
        const record = AuditRecordSchema.passthrough().safeParse(JSON.parse(found.body));
        send(res, 200, {
          row: found.row,
          record: record.success ? record.data : { unparsed: found.body },
          hash: found.hash,
          prev: found.prev,
          batchId: found.batchId,
          chain: found.chain,
        });
        return true;
      }
      case 'key-usage': {
        const usage = await store.console.keyUsage();
        send(res, 200, { keys: [...usage.keys].map(([keyId, devices]) => ({ keyId, devices })), devicesUnknown: usage.unknown });
        return true;
      }
      case 'key-devices': {
        const q = queryAs(url, KeyDevicesQuery);
        send(res, 200, await store.console.devicesWithKey(params[0]!, q.cursor, q.limit));
        return true;
      }
      default:
        return false;
    }
  } catch (err) {
    if (err instanceof CursorError) throw new HttpError(400, 'cursor', err.message);
    throw err;
  }
}
