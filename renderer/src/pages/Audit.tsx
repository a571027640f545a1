import { useCallback, useEffect, useRef, useState } from 'react';
import { z } from 'zod';
import { AuditRecordSchema, type AuditRecord } from '../../../shared/audit/record.ts';
import { call, subscribe } from '../api.ts';
import { Badge, Empty, ErrorNote, When } from '../ui.tsx';

// A virtualized table: only the rows in view are in the DOM, and pages of records
// are fetched from the API as the user scrolls, so 100k rows stay smooth.

const ROW = 30;
const PAGE = 500;
const Page = z.object({ records: z.array(z.object({ seq: z.number(), record: AuditRecordSchema })) });
type Row = { seq: number; record: AuditRecord };

/** A held-back tool's denial is a quarantine, not a policy refusal: it says so. */
const quarantined = (r: AuditRecord) => r.outcome === 'denied' && (r.decision?.rule.startsWith('quarantined') ?? false);
const outcomeLabel = (r: AuditRecord) => (quarantined(r) ? 'quarantined' : r.outcome);
const outcomeTone = (r: AuditRecord) => (r.outcome === 'ok' ? 'ok' : r.outcome === 'denied' ? (quarantined(r) ? 'info' : 'warn') : 'bad');
const time = (iso: string) => new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

function RecordDetail({ record: r, onClose }: { record: AuditRecord; onClose: () => void }) {
  const findings = r.detail?.findings;
  return (
    <aside className="record-detail" aria-labelledby="record-title">
      <h3 id="record-title"><code>{r.tool ?? r.type}</code> <Badge tone={outcomeTone(r)}>{outcomeLabel(r)}</Badge> <button type="button" onClick={onClose}>Close</button></h3>
      <dl className="facts">
        <dt>When</dt><dd><When at={r.ts} /></dd>
        <dt>Who</dt><dd>{r.user}{r.agent ? <> through <strong>{r.agent}</strong></> : null}{r.clientInfo?.name ? <> ({String(r.clientInfo.name)})</> : null}</dd>
        {r.server && <><dt>Server</dt><dd>{r.server}</dd></>}
        {r.decision && <><dt>{r.decision.effect === 'deny' ? 'Denied by' : 'Allowed by'}</dt><dd><code>{r.decision.rule}</code></dd></>}
        {r.error && <><dt>Error</dt><dd>{r.error}</dd></>}
        {r.latencyMs !== null && <><dt>Took</dt><dd>{r.latencyMs.toFixed(1)} ms</dd></>}
        <dt>Request</dt><dd><code>{r.correlationId}</code></dd>
        <dt>Bundle</dt><dd>version {r.bundleVersion}</dd>
      </dl>
      {r.arguments !== undefined && <><h4>Arguments <small className="hint">(secrets removed)</small></h4><pre>{JSON.stringify(r.arguments, null, 2)}</pre></>}
      {Array.isArray(findings) && findings.length > 0 && <><h4>Findings</h4><pre>{JSON.stringify(findings, null, 2)}</pre></>}
      {r.result && <><h4>Result</h4><p className="hint">{r.result.bytes} bytes, {r.result.contentTypes.join(', ') || 'no content'}</p><pre>{r.result.excerpt}</pre></>}
      {r.detail && !Array.isArray(findings) && <><h4>Detail</h4><pre>{JSON.stringify(r.detail, null, 2)}</pre></>}
    </aside>
  );
}

export function Audit() {
  const [filters, setFilters] = useState({ agent: '', server: '', tool: '', outcome: '', correlation: '' });
  const [rows, setRows] = useState<Row[]>([]);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<string>();
  const [top, setTop] = useState(0);
  const [open, setOpen] = useState<AuditRecord>();
  const loading = useRef(false);
  const box = useRef<HTMLDivElement>(null);

  const query = useCallback((before?: number) => {
    const q = new URLSearchParams({ limit: String(PAGE), ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v)) });
    if (before) q.set('before', String(before));
    return call('GET', `/audit?${q}`, Page).then((r) => r.records);
  }, [filters]);

  const reload = useCallback(() => {
    query().then((r) => { setRows(r); setDone(r.length < PAGE); setError(undefined); }, (e: unknown) => setError((e as Error).message));
  }, [query]);
  useEffect(() => { reload(); return subscribe(() => reload()); }, [reload]);

  const more = () => {
    if (loading.current || done || rows.length === 0) return;
    loading.current = true;
    query(rows[rows.length - 1]!.seq).then((r) => { setRows((old) => [...old, ...r]); setDone(r.length < PAGE); }).finally(() => { loading.current = false; });
  };
  const height = box.current?.clientHeight ?? 600;
  const first = Math.max(0, Math.floor(top / ROW) - 10);
  const last = Math.min(rows.length, Math.ceil((top + height) / ROW) + 10);
  const set = (k: keyof typeof filters) => (e: { target: { value: string } }) => setFilters((f) => ({ ...f, [k]: e.target.value }));

  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">Audit</h2>
      <ErrorNote error={error} />
      <div className="toolbar">
        <label>Agent <input value={filters.agent} onChange={set('agent')} /></label>
        <label>Server <input value={filters.server} onChange={set('server')} /></label>
        <label>Tool <input value={filters.tool} onChange={set('tool')} /></label>
        <label>Outcome <select value={filters.outcome} onChange={set('outcome')}><option value="">any</option><option>ok</option><option>error</option><option>denied</option></select></label>
        {filters.correlation && <span>Request chain <code>{filters.correlation.slice(0, 12)}…</code> <button type="button" onClick={() => setFilters((f) => ({ ...f, correlation: '' }))}>Show all</button></span>}
      </div>
      {rows.length === 0 ? <Empty title="No records yet">Every call an agent makes through Gatehouse is recorded here, with who made it and what came back.</Empty> : (
        <div className="virtual" ref={box} role="table" aria-label="Audit records" aria-rowcount={rows.length}
          onScroll={(e) => { const t = e.currentTarget; setTop(t.scrollTop); if (t.scrollTop + t.clientHeight > rows.length * ROW - 20 * ROW) more(); }}>
          <div role="row" className="vrow vhead"><span role="columnheader">Time ({Intl.DateTimeFormat().resolvedOptions().timeZone})</span><span role="columnheader">Agent</span><span role="columnheader">Tool</span><span role="columnheader">Outcome</span><span role="columnheader">ms</span><span role="columnheader">Request</span></div>
          <div style={{ height: rows.length * ROW, position: 'relative' }}>
            {rows.slice(first, last).map(({ seq, record: r }, i) => (
              <div role="row" className="vrow" key={seq} style={{ position: 'absolute', top: (first + i) * ROW, height: ROW }} aria-rowindex={first + i + 1}>
                <span role="cell" title={new Date(r.ts).toLocaleString()}>{time(r.ts)}</span><span role="cell">{r.agent ?? '—'}</span>
                <span role="cell"><button type="button" className="link" onClick={() => setOpen(r)} title="Show this record's details"><code>{r.tool ?? r.type}</code></button></span>
                <span role="cell"><Badge tone={outcomeTone(r)}>{outcomeLabel(r)}</Badge></span>
                <span role="cell">{r.latencyMs?.toFixed(1) ?? ''}</span>
                <span role="cell"><button type="button" className="link" onClick={() => setFilters((f) => ({ ...f, correlation: r.correlationId }))} title="Show this request's whole chain">{r.correlationId.slice(0, 8)}</button></span>
              </div>
            ))}
          </div>
        </div>
      )}
      {open && <RecordDetail record={open} onClose={() => setOpen(undefined)} />}
    </section>
  );
}
