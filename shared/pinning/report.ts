import { SEVERITIES, type Severity } from '../scanner/rules.ts';
import { scanToolList } from '../scanner/scan.ts';
import { toolHash } from './hash.ts';

// What pinning a server's tools means, for `gatehouse pin` and `gatehouse-admin
// approve` alike: each tool's pin, its risk and the findings worth showing.

export interface PinnedTool {
  name: string;
  hash: string;
  risk: Severity;
  findings: string[];
}

export function pinTools(tools: readonly Record<string, unknown>[]): PinnedTool[] {
  const scans = scanToolList(tools);
  return tools.map((tool, i) => ({
    name: String(tool.name),
    hash: toolHash(tool),
    risk: scans[i]!.risk,
    findings: scans[i]!.findings.filter((f) => f.severity !== 'low').map((f) => `${f.rule}: ${f.evidence}`),
  }));
}

/** Tools that scan high or critical: pinning them needs a human's explicit --force. */
export function riskyTools(tools: readonly PinnedTool[]): PinnedTool[] {
  return tools.filter((t) => SEVERITIES.indexOf(t.risk) >= SEVERITIES.indexOf('high'));
}
