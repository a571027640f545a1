import { toolHash } from '../pinning/hash.ts';
import { diffDefinitions } from '../pinning/diff.ts';
import { withChange } from '../scanner/change.ts';
import { scanTool } from '../scanner/scan.ts';
import type { DeviceReport, ReportedChange } from './device-report.ts';

// A desktop's report is a claim, and a desktop may be compromised. What the admin is
// shown must be what the admin approves: a change whose definition does not hash to
// the hash that would be pinned is dropped, and the risk, findings and diff are worked
// out here from the definitions themselves instead of taken from the desktop.

const UNSEEN = {
  rule: 'report/definition-not-shown',
  message: 'the desktop did not send this definition (it was too large), so nobody can see what approving this hash lets agents call',
  evidence: '',
  severity: 'critical' as const,
  family: 'report',
  path: '',
};

export function judgeReportedChange(c: ReportedChange): ReportedChange | undefined {
  if (c.newDefinition !== null && toolHash(c.newDefinition) !== c.newHash) return undefined;
  // An old definition that is not the one pinned is not a baseline worth showing.
  const oldDefinition = c.oldDefinition !== null && c.oldHash !== null && toolHash(c.oldDefinition) === c.oldHash ? c.oldDefinition : null;
  if (c.newDefinition === null) return { ...c, oldDefinition, diff: [], findings: [UNSEEN], risk: 'critical' };
  const scan = scanTool(c.newDefinition);
  const judged = oldDefinition ? withChange(scan, oldDefinition, c.newDefinition) : scan;
  return { ...c, oldDefinition, diff: diffDefinitions(oldDefinition ?? {}, c.newDefinition), findings: judged.findings.slice(0, 500), risk: judged.risk };
}

/**
 * Judgements already made, by (old hash, new hash): every device reports its changes
 * every 30 s, and a definition that hashes the same judges the same, so the scan runs
 * once per change, not once per report. Bounded, oldest out first.
 */
const judged = new Map<string, ReportedChange>();
const MAX_JUDGED = 5_000;

function judgeCached(c: ReportedChange): ReportedChange | undefined {
  // The hash check is cheap and must hold for every report: a liar may reuse a known hash.
  if (c.newDefinition !== null && toolHash(c.newDefinition) !== c.newHash) return undefined;
  const key = `${c.oldHash ?? ''}>${c.newHash}>${c.newDefinition === null ? 'unseen' : 'seen'}`;
  const hit = judged.get(key);
  if (hit) return { ...c, oldDefinition: hit.oldDefinition, diff: hit.diff, findings: hit.findings, risk: hit.risk };
  const fresh = judgeReportedChange(c);
  if (fresh) {
    if (judged.size >= MAX_JUDGED) judged.delete(judged.keys().next().value!);
    judged.set(key, fresh);
  }
  return fresh;
}

/** The report with only changes whose hashes check out, each judged by this side's scanner. */
export function judgeReport(report: DeviceReport): { report: DeviceReport; dropped: number } {
  const pending = report.pending.flatMap((c) => judgeCached(c) ?? []);
  return { report: { ...report, pending }, dropped: report.pending.length - pending.length };
}
