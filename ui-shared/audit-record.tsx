import type { ReactNode } from 'react';
import type { AuditRecord } from '../shared/audit/record.ts';
import { Badge, When, type Tone } from './primitives.tsx';

// An audit record as a row of cells and as a detail pane, the same on the desktop
// (its own log) and in the console (every device's records).

/** What a row shows of a record: the desktop's own records and the console's search rows both have it. */
export interface AuditRowLike {
  ts: string;
  type: string;
  agent: string | null;
  tool: string | null;
  outcome: string;
  latencyMs: number | null;
  correlationId: string;
  /** The rule that decided, if any. */
  rule: string | null;
}

export const rowOf = (r: AuditRecord): AuditRowLike => ({
  ts: r.ts,
  type: r.type,
  agent: r.agent,
  tool: r.tool,
  outcome: r.outcome,
  latencyMs: r.latencyMs,
  correlationId: r.correlationId,
  rule: r.decision?.rule ?? null,
});

/** A held-back tool's denial is a quarantine, not a policy refusal: it says so. */
const quarantined = (r: AuditRowLike) => r.outcome === 'denied' && (r.rule?.startsWith('quarantined') ?? false);
export const outcomeLabel = (r: AuditRowLike) => (quarantined(r) ? 'quarantined' : r.outcome);
export const outcomeTone = (r: AuditRowLike): Tone => (r.outcome === 'ok' ? 'ok' : r.outcome === 'denied' ? (quarantined(r) ? 'info' : 'warn') : 'bad');
const time = (iso: string) => new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** The column headers that go with `AuditCells`, in the viewer's time zone. */
export function AuditHeaderCells() {
  return (
    <>
      <span role="columnheader">Time ({Intl.DateTimeFormat().resolvedOptions().timeZone})</span>
      <span role="columnheader">Agent</span>
      <span role="columnheader">Tool</span>
      <span role="columnheader">Outcome</span>
      <span role="columnheader">ms</span>
      <span role="columnheader">Request</span>
    </>
  );
}

/** A record's cells: time, agent, tool (opens the detail), outcome, latency, and its request chain. */
export function AuditCells({ row: r, onOpen, onChain }: { row: AuditRowLike; onOpen: () => void; onChain: () => void }) {
  return (
    <>
      <span role="cell" title={new Date(r.ts).toLocaleString()}>
        {time(r.ts)}
      </span>
      <span role="cell">{r.agent ?? '—'}</span>
      <span role="cell">
        <button type="button" className="link" onClick={onOpen} title="Show this record's details">
          <code>{r.tool ?? r.type}</code>
        </button>
      </span>
      <span role="cell">
        <Badge tone={outcomeTone(r)}>{outcomeLabel(r)}</Badge>
      </span>
      <span role="cell">{r.latencyMs?.toFixed(1) ?? ''}</span>
      <span role="cell">
        <button type="button" className="link" onClick={onChain} title="Show this request's whole chain">
          {r.correlationId.slice(0, 8)}
        </button>
      </span>
    </>
  );
}

/** Everything a record holds, with its arguments (already scrubbed of secrets) and result excerpt. */
export function AuditDetail({ record: r, onClose, facts, children }: { record: AuditRecord; onClose: () => void; facts?: ReactNode; children?: ReactNode }) {
  const findings = r.detail?.findings;
  const row = rowOf(r);
  return (
    <aside className="record-detail" aria-labelledby="record-title">
      <h3 id="record-title">
        <code>{r.tool ?? r.type}</code> <Badge tone={outcomeTone(row)}>{outcomeLabel(row)}</Badge>{' '}
        <button type="button" onClick={onClose}>
          Close
        </button>
      </h3>
      <dl className="facts">
        <dt>When</dt>
        <dd>
          <When at={r.ts} />
        </dd>
        {facts}
        <dt>Who</dt>
        <dd>
          {r.user}
          {r.agent ? (
            <>
              {' '}
              through <strong>{r.agent}</strong>
            </>
          ) : null}
          {r.clientInfo?.name ? <> ({String(r.clientInfo.name)})</> : null}
        </dd>
        {r.server && (
          <>
            <dt>Server</dt>
            <dd>{r.server}</dd>
          </>
        )}
        {r.decision && (
          <>
            <dt>{r.decision.effect === 'deny' ? 'Denied by' : 'Allowed by'}</dt>
            <dd>
              <code>{r.decision.rule}</code>
            </dd>
          </>
        )}
        {r.error && (
          <>
            <dt>Error</dt>
            <dd>{r.error}</dd>
          </>
        )}
        {r.latencyMs !== null && (
          <>
            <dt>Took</dt>
            <dd>{r.latencyMs.toFixed(1)} ms</dd>
          </>
        )}
        <dt>Request</dt>
        <dd>
          <code>{r.correlationId}</code>
        </dd>
        <dt>Bundle</dt>
        <dd>version {r.bundleVersion}</dd>
      </dl>
      {r.arguments !== undefined && (
        <>
          <h4>
            Arguments <small className="hint">(secrets removed)</small>
          </h4>
          <pre>{JSON.stringify(r.arguments, null, 2)}</pre>
        </>
      )}
      {Array.isArray(findings) && findings.length > 0 && (
        <>
          <h4>Findings</h4>
          <pre>{JSON.stringify(findings, null, 2)}</pre>
        </>
      )}
      {r.result && (
        <>
          <h4>Result</h4>
          <p className="hint">
            {r.result.bytes} bytes, {r.result.contentTypes.join(', ') || 'no content'}
          </p>
          <pre>{r.result.excerpt}</pre>
        </>
      )}
      {r.detail && !Array.isArray(findings) && (
        <>
          <h4>Detail</h4>
          <pre>{JSON.stringify(r.detail, null, 2)}</pre>
        </>
      )}
      {children}
    </aside>
  );
}
