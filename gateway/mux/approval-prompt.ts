import type { JsonRpcResponse } from '../../shared/jsonrpc/message.ts';
import { describeDefinition, explainChange, neverApproved, type ExplainedLine } from '../../shared/pinning/explain.ts';
import type { PendingChange } from '../../shared/pinning/pending.ts';
import { clip, reveal } from '../../shared/pinning/word-diff.ts';

// The question Gatehouse puts to the user, through the agent's client, when the
// agent calls a tool that awaits approval (MCP elicitation, form mode). It shows
// the change itself; what does not fit is said not to fit, never cut silently.

/** What a client dialog shows comfortably; past it the user is sent to the full diff. */
export const MAX_MESSAGE_CHARS = 3000;
const MAX_FINDINGS = 6;

export interface PromptOptions {
  /** Where the full diff is (the dashboard's page for this change). */
  fullDiffUrl?: string;
}

const length = (text: string) => Array.from(text).length;

function header(change: PendingChange): string[] {
  const tool = `"${reveal(change.exposedName)}" (server "${reveal(change.server)}")`;
  if (!neverApproved(change)) return [`Gatehouse: the tool ${tool} changed since it was approved. Risk: ${change.risk}.`];
  const lines = [`Gatehouse: the tool ${tool} has never been approved. Risk: ${change.risk}.`];
  if (change.kind === 'changed')
    lines.push(
      'Its definition differs from the pin in your bundle, and Gatehouse never saw the pinned one, so there is nothing to compare it with: judge it as a new tool.',
    );
  return lines;
}

export function approvalPrompt(change: PendingChange, protocolVersion: string | undefined, opts: PromptOptions = {}): Record<string, unknown> {
  const lines = header(change);
  const body: ExplainedLine[] = neverApproved(change) ? describeDefinition(change.newDefinition) : explainChange(change);
  lines.push(neverApproved(change) ? 'What it is:' : 'What changed:');
  const findings = change.findings
    .filter((f) => f.severity !== 'low')
    .slice(0, MAX_FINDINGS)
    .map((f) => `  [${f.severity}] ${f.message}: ${clip(reveal(f.evidence), 160)}`);
  const closing = [
    findings.length ? 'Scanner findings:' : 'The scanner found nothing suspicious; the change above is all there is to judge.',
    ...findings,
    'Approve the new definition for your agents, or reject it?',
  ];
  const link = `See the full change in the Gatehouse app${opts.fullDiffUrl ? ` (${opts.fullDiffUrl})` : ''} or with \`gatehouse pending\` in a terminal.`;
  // Room for the header, the closing lines and the note that something did not fit.
  let budget = MAX_MESSAGE_CHARS - [...lines, ...closing, link, 'xx more changes are not shown here.'].reduce((n, l) => n + length(l) + 1, 0);
  let shown = 0;
  let incomplete = false;
  for (const line of body) {
    const text = `  • ${line.text}`;
    if (length(text) + 1 > budget) break;
    lines.push(text);
    budget -= length(text) + 1;
    shown++;
    if (line.tooLong) incomplete = true;
  }
  if (shown < body.length) lines.push(`${body.length - shown} more ${body.length - shown === 1 ? 'change is' : 'changes are'} not shown here.`);
  if (incomplete || shown < body.length) lines.push(link);
  lines.push(...closing);
  const params: Record<string, unknown> = {
    message: lines.join('\n'),
    requestedSchema: {
      type: 'object',
      properties: {
        decision: {
          type: 'string',
          title: 'Decision',
          oneOf: [
            { const: 'approve', title: 'Approve the new definition' },
            { const: 'reject', title: 'Reject it' },
          ],
        },
        reason: { type: 'string', title: 'Reason (optional)', maxLength: 500 },
      },
      required: ['decision'],
    },
  };
  // The mode field arrived with 2025-11-25; older clients get the plain form.
  if (protocolVersion === undefined || protocolVersion >= '2025-11-25') params.mode = 'form';
  return params;
}

export type Answer = { decision: 'approve' | 'reject' | 'unanswered'; reason: string | null };

/** Reads the user's answer (a hostile shape like any other); declining or cancelling leaves the change pending. */
export function readApproval(response: JsonRpcResponse): Answer {
  if (!('result' in response) || response.result.action !== 'accept') return { decision: 'unanswered', reason: null };
  const content = response.result.content;
  if (typeof content !== 'object' || content === null || Array.isArray(content)) return { decision: 'unanswered', reason: null };
  const { decision, reason } = content as { decision?: unknown; reason?: unknown };
  const why = typeof reason === 'string' && reason.trim() ? clip(reason.trim(), 500) : null;
  if (decision === 'approve') return { decision: 'approve', reason: why };
  if (decision === 'reject') return { decision: 'reject', reason: why };
  return { decision: 'unanswered', reason: null };
}
