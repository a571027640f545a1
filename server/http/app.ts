import { randomBytes, randomUUID } from 'node:crypto';
import { sha256Hex } from '../audit/digest.ts';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { acceptBundle } from '../../shared/bundle/accept.ts';
import { AuditRecordSchema } from '../../shared/audit/record.ts';
import { EnrollRequestSchema, SYNC_API, type OrgInfo } from '../../shared/sync/contract.ts';
import { ingestBatch } from '../audit/ingest.ts';
import { verifyDevice } from '../audit/verify.ts';
import type { DeviceRow, OrgRow, ServerStore } from '../store/store.ts';
import { checkStatement } from '../sync/admin-auth.ts';
import { consoleRoute, type ConsoleRouteContext } from './console-routes.ts';
import { checkDevicePublicKey } from '../sync/device-key.ts';
import { BundleFeed } from '../sync/bundle-feed.ts';
import { BodyTooLarge, bodyLimit, checkDeclaredLength, discardRest } from './body.ts';
import { HttpError, readJson, send } from './respond.ts';

// The sync endpoint's routes. Stateless apart from the store (and a cache of
// it), so instances can be added behind a load balancer.

const MAX_WAIT_S = 60;
/** How stale a device's cached revocation check may be (on this instance, a revocation applies at once). */
const REVOKE_CHECK_MS = 2000;

export interface SyncAppOptions {
  store: ServerStore;
  now?: () => number;
  log?: (line: string) => void;
}

export class SyncApp {
  readonly feed: BundleFeed;
  private readonly store: ServerStore;
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  /** Token hash → device, with when its revocation was last checked. */
  private readonly deviceCache = new Map<string, { device: DeviceRow; checkedAt: number }>();
  private orgCache: { at: number; org: OrgRow } | undefined;

  constructor(opts: SyncAppOptions) {
    this.store = opts.store;
    this.now = opts.now ?? Date.now;
    this.log = opts.log ?? (() => {});
    this.feed = new BundleFeed(opts.store, undefined, (message) => this.log(message));
    this.consoleContext = {
      store: opts.store,
      now: () => this.now(),
      admin: (req, route) => this.admin(req, route),
      device: (req) => this.device(req),
      revoked: (deviceId) => {
        for (const [hash, e] of this.deviceCache) if (e.device.id === deviceId) this.deviceCache.delete(hash);
      },
      log: (line) => this.log(line),
    };
  }

  handle = (req: IncomingMessage, res: ServerResponse): void => {
    this.route(req, res).catch((err: unknown) => {
      discardRest(req);
      if (err instanceof BodyTooLarge) {
        send(res, 413, { error: err.message, code: 'too-large' });
        return;
      }
      if (err instanceof HttpError) {
        send(res, err.status, { error: err.message, code: err.code });
        return;
      }
      this.log(`error: ${(err as Error).stack ?? String(err)}`);
      if (!res.headersSent) send(res, 500, { error: 'internal error', code: 'internal' });
    });
  };

  private readonly consoleContext: ConsoleRouteContext;

  private async org(): Promise<OrgRow> {
    // Keys change only through a publish; a short cache keeps polls off the database.
    if (this.orgCache && this.now() - this.orgCache.at < 1000) return this.orgCache.org;
    const org = await this.store.org();
    if (!org) throw new HttpError(503, 'no-org', 'this endpoint has no org yet: run `gatehouse-server init`');
    this.orgCache = { at: this.now(), org };
    return org;
  }

  private async device(req: IncomingMessage): Promise<DeviceRow> {
    const auth = req.headers.authorization;
    if (!auth?.startsWith('Bearer ')) throw new HttpError(401, 'auth', 'a device token is needed: enroll with `gatehouse enroll`');
    const hash = sha256Hex(auth.slice(7));
    let entry = this.deviceCache.get(hash);
    if (!entry) {
      const device = await this.store.deviceByTokenHash(hash);
      if (!device) throw new HttpError(401, 'auth', 'unknown device token: enroll again');
      entry = { device, checkedAt: 0 };
      this.deviceCache.set(hash, entry);
    }
    // Another instance may have revoked it: look again at most every REVOKE_CHECK_MS.
    if (this.now() - entry.checkedAt > REVOKE_CHECK_MS) {
      const revokedAt = await this.store.console.revokedAt(entry.device.id);
      if (revokedAt)
        throw new HttpError(
          403,
          'revoked',
          `this device was revoked by the org on ${revokedAt}: it no longer syncs or sends audit records; ask your admin, then enroll again with \`gatehouse enroll\``,
        );
      entry.checkedAt = this.now();
    }
    return entry.device;
  }

  private async admin(req: IncomingMessage, request: string): Promise<void> {
    const auth = req.headers.authorization;
    if (!auth?.startsWith('Gatehouse-Admin '))
      throw new HttpError(401, 'auth', 'an admin statement signed with an org key is needed (gatehouse-admin signs one per request)');
    const org = await this.org();
    const check = await checkStatement(auth.slice(16), org.keys, org.id, 'admin', this.now(), request);
    if (!check.ok) throw new HttpError(401, 'auth', check.reason);
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    const route = `${req.method} ${path}`;
    checkDeclaredLength(req, bodyLimit(route));
    if (route === 'GET /healthz') {
      send(res, 200, { ok: true, database: this.store.kind });
      return;
    }
    if (!path.startsWith(`${SYNC_API}/`)) throw new HttpError(404, 'not-found', `no route ${route}`);
    if (await consoleRoute(this.consoleContext, req, res, url)) return;
    switch (route) {
      case `GET ${SYNC_API}/org`: {
        const org = await this.org();
        const info: OrgInfo = { org: org.id, name: org.name, keys: org.keys, oidc: org.oidc };
        send(res, 200, info);
        return;
      }
      case `GET ${SYNC_API}/org/version`: {
        await this.admin(req, route);
        send(res, 200, { version: await this.store.latestVersion() });
        return;
      }
      case `GET ${SYNC_API}/bundle`:
        return this.serveBundle(req, res, url);
      case `POST ${SYNC_API}/bundles`:
        return this.publish(req, res);
      case `POST ${SYNC_API}/devices`:
        return this.enroll(req, res);
      case `POST ${SYNC_API}/audit/batches`: {
        const device = await this.device(req);
        const result = await ingestBatch(this.store, device, await readJson(req, route), new Date(this.now()));
        if (result.status !== 200) this.log(`audit batch from ${device.id} refused: ${result.body.error}`);
        send(res, result.status, result.body);
        return;
      }
      case `GET ${SYNC_API}/audit/records`: {
        await this.admin(req, route);
        const q = url.searchParams;
        const filter = {
          limit: Math.min(Math.max(Number(q.get('limit') ?? 500) || 500, 1), 10_000),
          ...Object.fromEntries(['device', 'user', 'tool', 'server', 'outcome', 'since', 'until'].flatMap((k) => (q.get(k) ? [[k, q.get(k)!]] : []))),
        };
        const rows = await this.store.queryRecords(filter);
        send(res, 200, { records: rows.map((r) => ({ deviceId: r.deviceId, seq: r.seq, record: AuditRecordSchema.passthrough().parse(JSON.parse(r.body)) })) });
        return;
      }
      case `GET ${SYNC_API}/audit/verify`: {
        await this.admin(req, route);
        const only = url.searchParams.get('device');
        const devices = (await this.store.devices()).filter((d) => !only || d.id === only);
        if (only && devices.length === 0) throw new HttpError(404, 'no-device', `no device "${only}"`);
        send(res, 200, { reports: await Promise.all(devices.map((d) => verifyDevice(this.store, d))) });
        return;
      }
      case `GET ${SYNC_API}/devices`: {
        await this.admin(req, route);
        send(res, 200, { devices: (await this.store.devices()).map((d) => ({ id: d.id, name: d.name, label: d.label, enrolledAt: d.enrolledAt })) });
        return;
      }
      default:
        throw new HttpError(404, 'not-found', `no route ${route}`);
    }
  }

  /** The latest bundle; with If-None-Match and ?wait=N, held open until a newer one exists (long-poll). */
  private async serveBundle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    await this.device(req);
    const wait = Math.min(Math.max(Number(url.searchParams.get('wait') ?? 0) || 0, 0), MAX_WAIT_S);
    const known = req.headers['if-none-match'];
    let latest = await this.feed.latest(!known);
    if (known && latest?.etag === known && wait > 0) {
      let closed = false;
      const onClose = () => {
        closed = true;
      };
      req.socket.once('close', onClose);
      await this.feed.wait(known, wait * 1000);
      req.socket.off('close', onClose);
      if (closed) return;
      latest = await this.feed.latest();
    }
    if (!latest) {
      send(res, 404, { error: 'nothing has been published yet', code: 'no-bundle' });
      return;
    }
    if (known === latest.etag) {
      res.writeHead(304, { etag: latest.etag, 'cache-control': 'no-cache' }).end();
      return;
    }
    send(res, 200, latest.envelope, { etag: latest.etag, 'cache-control': 'no-cache' });
  }

  /** A bundle is its own authorisation: it must verify against the org's current keys and move the version on. */
  private async publish(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const envelope = await readJson(req, `POST ${SYNC_API}/bundles`);
    const org = await this.org();
    const version = await this.store.latestVersion();
    const verdict = await acceptBundle(envelope, { org: org.id, keys: org.keys, version }, this.now());
    if (!verdict.ok) {
      const status =
        verdict.code === 'signature' || verdict.code === 'unknown-key' ? 401 : verdict.code === 'rollback' || verdict.code === 'replay' ? 409 : 400;
      throw new HttpError(status, verdict.code, verdict.reason);
    }
    const text = JSON.stringify(envelope);
    if (!(await this.store.publish(verdict.bundle.version, text, verdict.trust.keys, new Date(this.now()).toISOString()))) {
      throw new HttpError(409, 'replay', `version ${verdict.bundle.version} was published meanwhile`);
    }
    this.orgCache = undefined;
    this.feed.published(verdict.bundle.version, text);
    this.log(`published bundle version ${verdict.bundle.version} (${verdict.bundle.servers.length} servers, signed by ${verdict.signedBy.join(', ')})`);
    send(res, 200, { version: verdict.bundle.version, status: 'published' });
  }

  private async enroll(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = EnrollRequestSchema.safeParse(await readJson(req, `POST ${SYNC_API}/devices`));
    if (!body.success) throw new HttpError(400, 'malformed', `enrollment request: ${body.error.issues[0]?.message ?? 'invalid'}`);
    const org = await this.org();
    const check = await checkStatement(body.data.token, org.keys, org.id, 'enrol', this.now());
    if (!check.ok) throw new HttpError(401, 'enroll-token', `enrollment token refused: ${check.reason}`);
    const registered = await this.store.console.enrolToken(check.statement.nonce);
    if (registered?.revokedAt) throw new HttpError(401, 'enroll-token', `enrollment token refused: it was revoked on ${registered.revokedAt}`);
    const key = checkDevicePublicKey(body.data.publicKey);
    if (!key.ok) throw new HttpError(400, 'public-key', `enrollment request: ${key.reason}`);
    const deviceToken = randomBytes(32).toString('base64url');
    const device: DeviceRow = {
      id: `dev-${randomUUID()}`,
      name: body.data.name,
      publicKey: key.pem,
      tokenHash: sha256Hex(deviceToken),
      enrolledAt: new Date(this.now()).toISOString(),
      label: check.statement.label ?? null,
    };
    await this.store.addDevice(device);
    await this.store.console.enrolled(device.id, check.statement.nonce);
    this.log(`enrolled ${device.id} (${device.name}${device.label ? `, token for ${device.label}` : ''})`);
    send(res, 201, { deviceId: device.id, deviceToken });
  }

  close(): void {
    this.feed.close();
  }
}
