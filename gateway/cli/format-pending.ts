import { describeDefinition, explainChange, neverApproved } from '../../shared/pinning/explain.ts';
import type { PendingChange } from '../../shared/pinning/pending.ts';
import { clip, reveal } from '../../shared/pinning/word-diff.ts';
import { withSelf } from './self-command.ts';

/** A terminal has room for whole edits; only pathological ones are summarised. */
const MAX_LINE = 4000;

/** The human list `gatehouse pending` prints: each change as it is, word by word. */
export function formatPending(pending: readonly PendingChange[], opts: { personal?: boolean } = {}): string {
  if (pending.length === 0) return 'No pending changes: every tool agents can see is approved.\n';
  const lines: string[] = [`${pending.length} pending ${pending.length === 1 ? 'change' : 'changes'}:`, ''];
  for (const p of pending) {
    const kind = p.kind === 'new' ? 'NEW' : neverApproved(p) ? 'NEVER APPROVED' : 'CHANGED';
    const who = p.localDecision
      ? 'you may decide'
      : opts.personal
        ? `not approvable here (settings.pinning.localApproval.${p.risk}); you may reject it`
        : "left to your org: an enrolled desktop reports it to the admins' console, who approve or reject it; you may reject it";
    lines.push(`${p.id}  ${p.exposedName}  ${kind}  risk ${p.risk}  ${who}  since ${p.createdAt}`);
    if (p.kind === 'changed' && p.oldDefinition === null)
      lines.push("    its definition differs from the bundle's pin, and Gatehouse never saw the pinned one: judge it as a new tool");
    const body = neverApproved(p) ? describeDefinition(p.newDefinition, MAX_LINE) : explainChange(p, MAX_LINE);
    for (const line of body) lines.push(`    ${line.text}`);
    // Every finding, low ones too: the audit record keeps them all, and the person deciding should see what it saw.
    if (p.findings.length) lines.push(`    scanner: ${p.findings.length} ${p.findings.length === 1 ? 'finding' : 'findings'}`);
    for (const f of p.findings) lines.push(`    [${f.severity}] ${f.message} (${f.rule}, at ${f.path}): ${clip(reveal(f.evidence), 200)}`);
    lines.push('');
  }
  lines.push(
    withSelf('Decide with `gatehouse approve ID [--reason TEXT]` or `gatehouse reject ID [--reason TEXT]`; `gatehouse reopen ID` undoes a rejection.'),
  );
  if (!opts.personal && pending.some((p) => !p.localDecision)) {
    // Without enrollment no admin ever sees these: say how to get a decision instead of waiting forever.
    lines.push(
      withSelf(
        'Changes left to your org are decided by its admins. If `gatehouse status` shows no org, this desktop is not enrolled and they cannot see them: enroll with `gatehouse enroll URL --token TOKEN --fingerprint FP` (your admin gives you these), or reject them.',
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}
