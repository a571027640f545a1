import type { PendingChange } from '../../shared/pinning/pending.ts';
import { makeVisible } from '../../shared/scanner/decode.ts';

/** The human list `gatehouse pending` prints. */
export function formatPending(pending: readonly PendingChange[]): string {
  if (pending.length === 0) return 'No pending changes: every tool agents can see is approved.\n';
  const lines: string[] = [`${pending.length} pending change(s):`, ''];
  for (const p of pending) {
    lines.push(`${p.id}  ${p.exposedName}  ${p.kind === 'new' ? 'NEW' : 'CHANGED'}  risk ${p.risk}  ${p.localDecision ? 'you may decide' : 'awaiting org approval'}  since ${p.createdAt}`);
    for (const d of p.diff.slice(0, 6)) lines.push(`    ${d.kind.padEnd(7)} ${d.path}`);
    if (p.diff.length > 6) lines.push(`    … ${p.diff.length - 6} more paths`);
    for (const f of p.findings.filter((x) => x.severity !== 'low').slice(0, 5)) lines.push(`    [${f.severity}] ${f.rule}: ${makeVisible(f.evidence).slice(0, 140)}`);
    lines.push('');
  }
  lines.push('Decide with `gatehouse approve ID [--reason TEXT]` or `gatehouse reject ID [--reason TEXT]`.');
  return `${lines.join('\n')}\n`;
}
