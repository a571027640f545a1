// What the status says about each stdio server's sandbox: kept from its last start,
// else worked out from the bundle and what this machine can provide.
import type { BundleServer, Settings } from '../../shared/bundle/schema.ts';
import type { Refusal } from './egress-proxy.ts';
import { declaredSandbox } from './policy.ts';
import { sandboxSupport, type SandboxMechanism } from './probe.ts';

/** What the status says about one server's sandbox. */
export interface SandboxReport {
  /** The bundle asks for a sandbox (anything but `off`). */
  declared: boolean;
  /** The last start ran inside it (or, before any start, this machine can provide it). */
  enforced: boolean;
  mechanism: SandboxMechanism;
  network: string;
  read: string[];
  write: string[];
  /** Why it is not enforced, or which entries were dropped. */
  note: string | null;
  /** Hosts the egress proxy refused, newest last. */
  refused: Refusal[];
}

const MAX_REFUSALS = 20;
const reports = new Map<string, SandboxReport>();

export function unsandboxedReport(): SandboxReport {
  return {
    declared: false,
    enforced: false,
    mechanism: 'none',
    network: 'unrestricted',
    read: [],
    write: [],
    note: 'the bundle runs this server unsandboxed',
    refused: [],
  };
}

/** Keeps a start's report; a sandboxed one carries over the refusals earlier starts saw. */
export function recordReport(id: string, report: SandboxReport): SandboxReport {
  if (report.declared) report.refused = reports.get(id)?.refused ?? report.refused;
  reports.set(id, report);
  return report;
}

/** Adds a refusal the egress proxy saw, keeping the newest few. */
export function noteRefusal(report: SandboxReport, refusal: Refusal): void {
  report.refused = [...report.refused, refusal].slice(-MAX_REFUSALS);
}

/** The status entry for a server: from its last start, else what a start would do here. */
export function sandboxReport(server: BundleServer, settings: Settings): SandboxReport | null {
  if (server.transport.type !== 'stdio' && server.transport.type !== 'npm') return null;
  const declared = declaredSandbox(server, settings);
  const last = reports.get(server.id);
  if (last && last.declared === (declared !== 'off')) return last;
  if (declared === 'off') return unsandboxedReport();
  const support = sandboxSupport();
  const network = typeof declared.network === 'string' ? declared.network : declared.network.allow.join(', ');
  return {
    declared: true,
    enforced: support.mechanism !== 'none',
    mechanism: support.mechanism,
    network,
    read: declared.read,
    write: declared.write,
    note: support.reason ?? null,
    refused: [],
  };
}
