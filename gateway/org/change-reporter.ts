import {
  DeviceReportAnswerSchema,
  MAX_DEFINITION_BYTES,
  MAX_REPORTED_CHANGES,
  REPORT_MAX_BYTES,
  type DeviceReport,
  type OrgDecision,
  type ReportedChange,
} from '../../shared/console/device-report.ts';
import type { PendingChange } from '../../shared/pinning/pending.ts';
import { callSync, syncUrl } from '../../shared/sync/http.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { Gateway } from '../mux/gateway.ts';

// Tells the org what this desktop holds for it: every pending change its
// bundle does not let the user approve (definitions, diff and findings; never
// call arguments or credentials), and the facts the admin's fleet page shows.
// The answer carries the org's decisions: an approval arrives as a new bundle
// with the pin, a rejection only here, and is recorded as the org's.

const DEFAULT_EVERY_MS = 30_000;
/** Changes come in bursts (a server's whole list): one report after the burst. */
const SETTLE_MS = 300;

export interface ChangeReporterOptions {
  syncUrl: string;
  token: () => Promise<string>;
  gateway: Gateway;
  /** The daemon's events: a new pending change, a decision or a bundle makes a report due. */
  events: EventBus;
  /** Audit records the org has not acknowledged yet. */
  backlog: () => number;
  onProblem?: (err: unknown) => void;
  onRecovered?: () => void;
  everyMs?: number;
}

function fits(definition: Record<string, unknown> | null): Record<string, unknown> | null {
  return definition && JSON.stringify(definition).length <= MAX_DEFINITION_BYTES ? definition : null;
}

export function reportedChange(p: PendingChange): ReportedChange {
  return {
    server: p.server,
    tool: p.tool,
    kind: p.kind,
    oldHash: p.oldHash,
    newHash: p.newHash,
    oldDefinition: fits(p.oldDefinition),
    newDefinition: fits(p.newDefinition),
    diff: p.diff.slice(0, 2000),
    findings: p.findings.slice(0, 500),
    risk: p.risk,
    createdAt: p.createdAt,
  };
}

/**
 * The report as JSON within the endpoint's limit: when the definitions make it
 * too big, they and the diff's values go (hashes, paths and findings stay), then
 * changes from the end.
 */
export function fitted(report: DeviceReport, limit = REPORT_MAX_BYTES - 64 * 1024): string {
  let text = JSON.stringify(report);
  if (text.length <= limit) return text;
  const lean = {
    ...report,
    pending: report.pending.map((c) => ({ ...c, oldDefinition: null, newDefinition: null, diff: c.diff.map(({ path, kind }) => ({ path, kind })) })),
  };
  text = JSON.stringify(lean);
  while (text.length > limit && lean.pending.length) {
    lean.pending = lean.pending.slice(0, Math.floor(lean.pending.length / 2));
    text = JSON.stringify(lean);
  }
  return text;
}

export class ChangeReporter {
  private readonly o: ChangeReporterOptions;
  private timer: NodeJS.Timeout | undefined;
  private settle: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private unsubscribe: (() => void) | undefined;
  private readonly onEvent = (e: { type: string }) => {
    if (e.type === 'pending-change' || e.type === 'pending-decided' || e.type === 'bundle') this.nudge();
  };

  constructor(options: ChangeReporterOptions) {
    this.o = options;
  }

  start(): void {
    this.unsubscribe = this.o.events.on(this.onEvent);
    const every = this.o.everyMs ?? (Number(process.env.GATEHOUSE_REPORT_EVERY_MS) > 0 ? Number(process.env.GATEHOUSE_REPORT_EVERY_MS) : DEFAULT_EVERY_MS);
    this.timer = setInterval(() => this.nudge(0), every);
    this.timer.unref();
    this.nudge(0);
  }

  stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    clearInterval(this.timer);
    clearTimeout(this.settle);
    return this.running ?? Promise.resolve();
  }

  /** Reports soon; reports in flight are followed by one more rather than overlapping. */
  nudge(delay = SETTLE_MS): void {
    if (this.stopped) return;
    clearTimeout(this.settle);
    this.settle = setTimeout(() => {
      if (this.running) {
        this.again = true;
        return;
      }
      this.running = this.reportNow()
        .then(
          () => {},
          (err: unknown) => this.o.onProblem?.(err),
        )
        .finally(() => {
          this.running = undefined;
          if (this.again) {
            this.again = false;
            this.nudge(0);
          }
        });
    }, delay);
    this.settle.unref();
  }

  /** One report, and the org's decisions applied. */
  async reportNow(): Promise<OrgDecision[]> {
    const g = this.o.gateway;
    const bundle = g.currentBundle;
    const held = g.gate.pending().filter((p) => !p.localDecision);
    const body: DeviceReport = {
      user: g.user.user,
      bundleVersion: bundle.version,
      keys: (bundle.keys ?? []).map((k) => k.keyId),
      auditBacklog: this.o.backlog(),
      pending: held.slice(0, MAX_REPORTED_CHANGES).map(reportedChange),
    };
    const answer = await callSync(syncUrl(this.o.syncUrl, '/devices/report'), DeviceReportAnswerSchema, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await this.o.token()}` },
      body: fitted(body),
    });
    this.o.onRecovered?.();
    for (const d of answer.decisions) {
      if (d.decision !== 'rejected') continue;
      const change = g.gate.pending().find((p) => p.server === d.server && p.tool === d.tool && p.newHash === d.hash);
      // "your org" is what the desktop and the agent are told the change was rejected by.
      if (change) g.decide(change.id, 'reject', `your org (${d.by})`, d.reason, { via: 'api' });
    }
    return answer.decisions;
  }
}
