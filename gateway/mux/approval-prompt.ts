import type { JsonRpcResponse } from '../../shared/jsonrpc/message.ts';
import type { PendingChange } from '../../shared/pinning/pending.ts';
import { makeVisible } from '../../shared/scanner/decode.ts';

// The question Gatehouse puts to the user, through the agent's client, when the
// agent calls a tool that awaits approval (MCP elicitation, form mode).

const MAX_LINES = 12;

function short(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const clipped = text.length > 140 ? `${text.slice(0, 140)}…` : text;
  return makeVisible(clipped).replace(/\s+/g, ' ');
}

export function approvalPrompt(change: PendingChange, protocolVersion: string | undefined): Record<string, unknown> {
  const lines = [
    change.kind === 'new'
      ? `Gatehouse: "${change.tool}" on server "${change.server}" is a new tool that nobody has approved.`
      : `Gatehouse: "${change.tool}" on server "${change.server}" changed since it was approved.`,
    `Risk: ${change.risk}.`,
  ];
  if (change.kind === 'changed') {
    lines.push('What changed:');
    for (const d of change.diff.slice(0, MAX_LINES)) lines.push(`  ${d.kind} ${d.path}${d.kind === 'changed' ? `: ${short(d.before)} → ${short(d.after)}` : d.kind === 'added' ? `: ${short(d.after)}` : ''}`);
    if (change.diff.length > MAX_LINES) lines.push(`  … and ${change.diff.length - MAX_LINES} more`);
  }
  if (change.findings.length) {
    lines.push('Scanner findings:');
    for (const f of change.findings.slice(0, 6)) lines.push(`  [${f.severity}] ${f.message} — ${short(f.evidence)}`);
  }
  lines.push('Approve this definition for use by your agents?');
  const params: Record<string, unknown> = {
    message: lines.join('\n'),
    requestedSchema: {
      type: 'object',
      properties: {
        decision: { type: 'string', title: 'Decision', enum: ['approve', 'reject'], enumNames: ['Approve the new definition', 'Reject it'] },
        reason: { type: 'string', title: 'Reason (optional)' },
      },
      required: ['decision'],
    },
  };
  // The mode field arrived with 2025-11-25; older clients get the plain form.
  if (protocolVersion === undefined || protocolVersion >= '2025-11-25') params.mode = 'form';
  return params;
}

/** Reads the user's answer; declining or cancelling leaves the change pending. */
export function readApproval(response: JsonRpcResponse): { decision: 'approve' | 'reject' | 'unanswered'; reason: string | null } {
  if (!('result' in response) || response.result.action !== 'accept') return { decision: 'unanswered', reason: null };
  const content = response.result.content as { decision?: unknown; reason?: unknown } | undefined;
  const reason = typeof content?.reason === 'string' && content.reason.trim() ? content.reason.trim().slice(0, 500) : null;
  if (content?.decision === 'approve') return { decision: 'approve', reason };
  if (content?.decision === 'reject') return { decision: 'reject', reason };
  return { decision: 'unanswered', reason: null };
}
