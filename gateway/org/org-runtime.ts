import { parseBundle, type Bundle } from '../../shared/bundle/schema.ts';
import type { Status } from '../../shared/control/contract.ts';
import type { AuditLog } from '../audit/log.ts';
import { loadOrCreateDeviceKey } from '../audit/device-key.ts';
import { Outbox } from '../audit/outbox.ts';
import { httpSender, Shipper } from '../audit/shipper.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { Gateway } from '../mux/gateway.ts';
import { ChangeReporter } from './change-reporter.ts';
import type { AuditRecorder } from '../audit/call-record.ts';
import type { SecretBackend } from '../secrets/backend.ts';
import { syncUrl } from '../../shared/sync/http.ts';
import { BundleCache } from './bundle-cache.ts';
import { enroll } from './enroll.ts';
import { deviceTokenAccount, readOrgConfig, type OrgConfig } from './org-config.ts';
import { SyncClient } from './sync-client.ts';

// A desktop enrolled in an org: its bundle comes only from the sync endpoint
// (a local file cannot add a server), the last good one is cached for offline
// use, and the audit log is shipped upstream in signed batches.

const SHIP_EVERY_MS = 2000;
const ENROLL_RETRY_MS = 60_000;
const SHIPPING = 'audit-shipping';
const REPORTING = 'org-report';

/** Until the org's first bundle arrives: no server, nothing allowed. */
export function waitingBundle(config: OrgConfig): Bundle {
  const r = parseBundle({ schemaVersion: 1, name: config.name ?? config.org, org: config.org, version: 0, servers: [] });
  if (!r.ok) throw new Error('the waiting bundle is invalid');
  return r.bundle;
}

/** The bundle to start with: the cached last good one (verified again), else the waiting one. */
export async function startingBundle(dataDir: string, config: OrgConfig): Promise<{ bundle: Bundle; problem: string | null; cache: BundleCache }> {
  const cache = new BundleCache(dataDir);
  const last = await cache.lastGood();
  if (last && 'bundle' in last) return { bundle: last.bundle, problem: null, cache };
  return { bundle: waitingBundle(config), problem: last?.problem ?? `waiting for the first bundle from ${config.syncUrl}`, cache };
}

export class OrgRuntime {
  config: OrgConfig;
  private sync: SyncClient | undefined;
  private shipper: Shipper | undefined;
  private reporter: ChangeReporter | undefined;
  private timer: NodeJS.Timeout | undefined;
  private enrollError: string | null = null;
  private mdm = false;
  private startProblem: string | null;
  private readonly o: {
    dataDir: string;
    cache: BundleCache;
    audit: AuditLog;
    backend: SecretBackend;
    /** Where verified bundles go, and what the change reporter reads and decides. */
    gateway: Gateway;
    events: EventBus;
    recorder: AuditRecorder;
    /** Background work failed (it goes on being retried): say so, in the log and the status. */
    onProblem?: (component: string, err: unknown) => void;
    /** The component works again. */
    onRecovered?: (component: string) => void;
  };

  constructor(config: OrgConfig, startProblem: string | null, o: OrgRuntime['o']) {
    this.config = config;
    this.startProblem = startProblem;
    this.o = o;
  }

  async start(): Promise<void> {
    if (!this.config.deviceId) await this.enrollFromMdm();
    if (!this.config.deviceId) return;
    const deviceId = this.config.deviceId;
    if (!this.o.audit.has('enrolment', deviceId)) {
      this.o.recorder.record(undefined, 'enrolment', {
        outcome: 'ok',
        detail: { deviceId, org: this.config.org, syncUrl: this.config.syncUrl, enrolledAt: this.config.enrolledAt ?? null, via: this.mdm ? 'mdm' : 'cli' },
      });
    }
    const token = async () => {
      const t = await this.o.backend.get(deviceTokenAccount(deviceId));
      if (!t) throw new Error('the device token is missing from the keychain: enroll again with `gatehouse enroll`');
      return t;
    };
    this.sync = this.newSync(token);
    this.sync.start();
    this.reporter = new ChangeReporter({
      syncUrl: this.config.syncUrl,
      token,
      gateway: this.o.gateway,
      events: this.o.events,
      backlog: () => this.o.audit.backlog().unacknowledged,
      onProblem: (err) => this.o.onProblem?.(REPORTING, new Error(`reporting to the org failed (will retry): ${(err as Error).message}`)),
      onRecovered: () => this.o.onRecovered?.(REPORTING),
    });
    this.reporter.start();
    await this.startShipping(deviceId, token);
  }

  /** Pulls signed bundles and applies them; a refused bundle is a record and an event. */
  private newSync(token: () => Promise<string>): SyncClient {
    return new SyncClient({
      syncUrl: this.config.syncUrl,
      org: this.config.org,
      rootKeys: this.config.rootKeys,
      cache: this.o.cache,
      token,
      // Ops and tests may shorten the retry cap (default 30 s) with GATEHOUSE_SYNC_MAX_DELAY_MS.
      ...(Number(process.env.GATEHOUSE_SYNC_MAX_DELAY_MS) > 0 ? { maxDelayMs: Number(process.env.GATEHOUSE_SYNC_MAX_DELAY_MS) } : {}),
      apply: async (bundle) => {
        await this.o.gateway.applyBundle(bundle);
        this.startProblem = null;
        this.o.recorder.record(undefined, 'bundle', {
          outcome: 'ok',
          decision: { effect: 'allow', rule: 'signed-by-org' },
          detail: { version: bundle.version, servers: bundle.servers.length, expiresAt: bundle.expiresAt ?? null },
        });
      },
      onRejected: (r) => {
        this.o.recorder.record(undefined, 'bundle', {
          outcome: 'denied',
          decision: { effect: 'deny', rule: `bundle-${r.code}` },
          error: r.reason,
          detail: { version: r.version },
        });
        this.o.events.emit({ type: 'bundle-rejected', reason: r.reason, at: Date.now() });
      },
    });
  }

  /** Signed audit batches to the org, from an outbox that survives restarts. */
  private async startShipping(deviceId: string, token: () => Promise<string>): Promise<void> {
    const key = await loadOrCreateDeviceKey(this.o.backend);
    const outbox = new Outbox(this.o.dataDir, deviceId, key.sign);
    const url = syncUrl(this.config.syncUrl, '/audit/batches').href;
    this.shipper = new Shipper({
      outbox,
      send: httpSender(url, async () => ({ authorization: `Bearer ${await token()}` })),
      onSendFailure: (message) => this.o.onProblem?.(SHIPPING, new Error(`sending audit batches failed (will retry): ${message}`)),
    });
    this.timer = setInterval(() => {
      void this.ship(false).catch((err: unknown) => this.o.onProblem?.(SHIPPING, err));
    }, SHIP_EVERY_MS);
    this.timer.unref();
  }

  /** An admin shipped org.json with an enrollment token (MDM): enroll now, and keep trying while offline. */
  private async enrollFromMdm(): Promise<void> {
    if (!this.config.enrolToken) {
      this.enrollError = 'not enrolled: run `gatehouse enroll URL --token …`';
      return;
    }
    try {
      // enroll() rewrites org.json with the device id and without the token.
      this.config = await enroll(this.o.dataDir, this.config.syncUrl, this.o.backend, { token: this.config.enrolToken, pinnedKeys: this.config.rootKeys });
      this.enrollError = null;
      this.mdm = true;
    } catch (err) {
      this.enrollError = `enrollment failed: ${(err as Error).message}`;
      this.o.onProblem?.('org-enrollment', new Error(this.enrollError));
      this.timer = setTimeout(() => {
        this.config = readOrgConfig(this.o.dataDir) ?? this.config;
        // A retry runs on a timer: a failure here has no caller, and must not take the daemon down.
        void this.start().catch((e: unknown) => this.o.onProblem?.('org-enrollment', e));
      }, ENROLL_RETRY_MS);
      this.timer.unref();
    }
  }

  async syncNow(): Promise<void> {
    if (!this.sync) throw new Error(this.enrollError ?? 'not connected to the org yet');
    await this.sync.syncNow();
  }

  /** Cuts and sends everything now, retry timers or not (the app's "sync now", tests). */
  async shipNow(): Promise<number> {
    if (!this.shipper) throw new Error(this.enrollError ?? 'not connected to the org yet');
    return this.ship(true);
  }

  private async ship(flush: boolean): Promise<number> {
    const acked = (await this.shipper?.tick(flush)) ?? 0;
    if (acked > 0) this.o.onRecovered?.(SHIPPING);
    return acked;
  }

  status(): NonNullable<Status['org']> {
    const s = this.sync?.status;
    return {
      org: this.config.org,
      name: this.config.name ?? this.config.org,
      syncUrl: this.config.syncUrl,
      deviceId: this.config.deviceId ?? null,
      state: s?.state ?? 'not-enrolled',
      lastContactAt: s?.lastContactAt ?? null,
      offlineSince: s?.offlineSince ?? null,
      lastError: this.enrollError ?? s?.lastError ?? this.startProblem,
      lastRejection: s?.lastRejection ?? this.o.cache.lastRejection(),
    };
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    clearTimeout(this.timer);
    await this.reporter?.stop();
    await this.sync?.stop();
    this.o.cache.close();
  }
}
