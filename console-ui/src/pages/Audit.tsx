import { useState, type FormEvent } from 'react';
import { AuditRecordSchema } from '../../../shared/audit/record.ts';
import { AuditDetailSchema, AuditPageSchema, AuditVerifySchema, type AuditRow } from '../../../shared/console/contract.ts';
import { AuditCells, AuditDetail, AuditHeaderCells } from '../../../ui-shared/audit-record.tsx';
import { Badge, Empty } from '../../../ui-shared/primitives.tsx';
import { call, download, path, query } from '../api.ts';
import { useLoad, usePages } from '../hooks.ts';
import { Pager, Problem } from '../ui.tsx';

// Every device's records in one search: paged, newest first, each with its detail and
// request chain; each device's hash chain verified (gaps and forks named); the result
// exported as JSON Lines or CSV for a SIEM.

const FIELDS = ['user', 'agent', 'server', 'tool', 'outcome', 'type', 'device', 'correlationId', 'since', 'until'] as const;
type Filters = Record<(typeof FIELDS)[number], string>;
const EMPTY: Filters = { user: '', agent: '', server: '', tool: '', outcome: '', type: '', device: '', correlationId: '', since: '', until: '' };

/** The page's filters from its route (`#/audit/device=…&user=…`), for links from other pages. */
function fromRoute(arg: string | undefined): Filters {
  const q = new URLSearchParams(arg ?? '');
  return Object.fromEntries(FIELDS.map((k) => [k, q.get(k) ?? ''])) as Filters;
}

/** A local datetime-local value as the ISO instant the API wants. */
const iso = (local: string) => (local ? new Date(local).toISOString() : undefined);
const params = (f: Filters) => ({ ...f, since: iso(f.since), until: iso(f.until) });

function RecordPane({ row, onClose, onChain }: { row: AuditRow; onClose: () => void; onChain: (id: string) => void }) {
  const [at, setAt] = useState<AuditRow>(row);
  const { data, error } = useLoad(
    () => call('GET', path('/audit/records/:deviceId/:seq', { deviceId: at.deviceId, seq: at.seq }), AuditDetailSchema),
    [at.deviceId, at.seq],
  );
  if (!data) return <Problem error={error} what="this record" />;
  const parsed = AuditRecordSchema.safeParse(data.record);
  const facts = (
    <>
      <dt>Device</dt>
      <dd>
        {data.row.deviceName ?? data.row.deviceId} <small className="hint">record {data.row.seq}</small>
      </dd>
    </>
  );
  const chain = (
    <>
      <h4>
        Request chain{' '}
        <small className="hint">
          ({data.chain.length} record(s) share <code>{data.row.correlationId.slice(0, 12)}…</code>)
        </small>
      </h4>
      <ol className="chain">
        {data.chain.map((c) => (
          <li key={`${c.deviceId}:${c.seq}`} aria-current={c.deviceId === at.deviceId && c.seq === at.seq ? 'true' : undefined}>
            <button type="button" className="link" onClick={() => setAt(c)}>
              {c.type} <code>{c.tool ?? ''}</code>
            </button>{' '}
            {c.outcome}{' '}
            <small className="hint">
              {new Date(c.ts).toLocaleTimeString()} on {c.deviceName ?? c.deviceId}
            </small>
          </li>
        ))}
      </ol>
      <button type="button" onClick={() => onChain(data.row.correlationId)}>
        Search this chain
      </button>
      <h4>Place in the device's hash chain</h4>
      <dl className="facts">
        <dt>Hash</dt>
        <dd>
          <code className="hash">{data.hash}</code>
        </dd>
        <dt>Previous</dt>
        <dd>
          <code className="hash">{data.prev}</code>
        </dd>
        <dt>Batch</dt>
        <dd>
          <code>{data.batchId}</code>
        </dd>
      </dl>
    </>
  );
  if (!parsed.success) {
    return (
      <aside className="record-detail" aria-labelledby="record-title">
        <h3 id="record-title">
          Record {data.row.seq}{' '}
          <button type="button" onClick={onClose}>
            Close
          </button>
        </h3>
        <pre>{JSON.stringify(data.record, null, 2)}</pre>
        {chain}
      </aside>
    );
  }
  return (
    <AuditDetail record={parsed.data} onClose={onClose} facts={facts}>
      {chain}
    </AuditDetail>
  );
}

function Verify() {
  const [run, setRun] = useState(0);
  const { data, error } = useLoad(() => (run ? call('GET', '/audit/verify', AuditVerifySchema) : Promise.resolve(undefined)), [run]);
  return (
    <section aria-labelledby="verify-title">
      <h3 id="verify-title">Chain verification</h3>
      <p className="hint">Re-checks every stored batch's signature and every link of each device's hash chain.</p>
      <button type="button" onClick={() => setRun((r) => r + 1)}>
        {run ? 'Verify again' : 'Verify every device'}
      </button>
      {run > 0 && !data && !error && <p role="status">Verifying…</p>}
      <Problem error={error} what="chain verification" />
      {data && (
        <div className="scroll-x" role="status">
          <table aria-label="Verification by device">
            <thead>
              <tr>
                <th>Device</th>
                <th>Chain</th>
                <th>Batches</th>
                <th>Records</th>
                <th>Last record</th>
                <th>Gaps and forks</th>
              </tr>
            </thead>
            <tbody>
              {data.reports.map((r) => (
                <tr key={r.deviceId}>
                  <td>
                    <code>{r.deviceId}</code>
                  </td>
                  <td>{r.ok ? <Badge tone="ok">intact</Badge> : <Badge tone="bad">problems</Badge>}</td>
                  <td>{r.batches}</td>
                  <td>{r.records}</td>
                  <td>{r.lastSeq}</td>
                  <td>
                    {r.problems.length === 0 ? (
                      <span className="hint">none</span>
                    ) : (
                      <ul className="plain">
                        {r.problems.map((p, i) => (
                          <li key={i}>
                            <Badge tone="bad">{p.kind}</Badge> {p.detail}
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function Audit({ initial }: { initial: string | undefined }) {
  const [form, setForm] = useState<Filters>(() => fromRoute(initial));
  const [filters, setFilters] = useState<Filters>(form);
  const [open, setOpen] = useState<AuditRow>();
  const pages = usePages(
    (cursor) => call('GET', `/audit/records${query({ ...params(filters), cursor, limit: 50 })}`, AuditPageSchema),
    [JSON.stringify(filters)],
  );
  const set = (k: keyof Filters) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));
  const search = (e: FormEvent) => {
    e.preventDefault();
    setOpen(undefined);
    setFilters(form);
  };
  const chain = (id: string) => {
    const f = { ...EMPTY, correlationId: id };
    setForm(f);
    setFilters(f);
    setOpen(undefined);
  };
  const rows = pages.data?.records ?? [];
  const [exportError, setExportError] = useState<string>();
  // A fetch with the session header, not a plain link: the cookie alone opens nothing.
  const exportAs = (format: 'jsonl' | 'csv') => {
    setExportError(undefined);
    download(`/audit/export${query({ ...params(filters), format })}`, `gatehouse-audit.${format}`).catch((e: unknown) => setExportError((e as Error).message));
  };
  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">Audit</h2>
      <form className="search-grid" role="search" aria-label="Search the audit trail" onSubmit={search}>
        <label className="field">
          User <input value={form.user} onChange={set('user')} />
        </label>
        <label className="field">
          Agent <input value={form.agent} onChange={set('agent')} />
        </label>
        <label className="field">
          Server <input value={form.server} onChange={set('server')} />
        </label>
        <label className="field">
          Tool <input value={form.tool} onChange={set('tool')} />
        </label>
        <label className="field">
          Outcome{' '}
          <select value={form.outcome} onChange={set('outcome')}>
            <option value="">any</option>
            {['ok', 'error', 'denied', 'cancelled', 'timeout', 'disconnected'].map((o) => (
              <option key={o}>{o}</option>
            ))}
          </select>
        </label>
        <label className="field">
          Type{' '}
          <select value={form.type} onChange={set('type')}>
            <option value="">any</option>
            {AuditRecordSchema.shape.type.options.map((o) => (
              <option key={o}>{o}</option>
            ))}
          </select>
        </label>
        <label className="field">
          Device <input value={form.device} onChange={set('device')} placeholder="device id" />
        </label>
        <label className="field">
          Correlation id <input value={form.correlationId} onChange={set('correlationId')} />
        </label>
        <label className="field">
          From <input type="datetime-local" value={form.since} onChange={set('since')} />
        </label>
        <label className="field">
          Until <input type="datetime-local" value={form.until} onChange={set('until')} />
        </label>
        <div className="search-actions">
          <button type="submit" className="primary">
            Search
          </button>
          <button
            type="button"
            onClick={() => {
              setForm(EMPTY);
              setFilters(EMPTY);
            }}
          >
            Clear
          </button>
          <button type="button" onClick={() => exportAs('jsonl')}>
            Export JSON Lines
          </button>
          <button type="button" onClick={() => exportAs('csv')}>
            Export CSV
          </button>
        </div>
      </form>
      <Problem error={pages.error} what="the audit trail" />
      {exportError && (
        <p role="alert" className="error">
          The export failed: {exportError}
        </p>
      )}
      {pages.data && rows.length === 0 ? (
        <Empty title="No records match">
          Desktops ship their records every few seconds; widen the search or check the Fleet page for devices with a backlog.
        </Empty>
      ) : (
        <div className="audit-grid" role="table" aria-label="Audit records">
          <div role="rowgroup">
            <div role="row" className="arow ahead">
              <span role="columnheader">Device</span>
              <span role="columnheader">User</span>
              <AuditHeaderCells />
            </div>
          </div>
          <div role="rowgroup">
            {rows.map((r) => (
              <div role="row" className="arow" key={`${r.deviceId}:${r.seq}`} data-open={open?.deviceId === r.deviceId && open.seq === r.seq ? '' : undefined}>
                <span role="cell" title={r.deviceId}>
                  {r.deviceName ?? r.deviceId.slice(0, 12)}
                </span>
                <span role="cell">{r.user}</span>
                <AuditCells row={r} onOpen={() => setOpen(r)} onChain={() => chain(r.correlationId)} />
              </div>
            ))}
          </div>
        </div>
      )}
      {(pages.hasNext || pages.hasPrevious) && <Pager label="Audit pages" {...pages} />}
      {open && <RecordPane key={`${open.deviceId}:${open.seq}`} row={open} onClose={() => setOpen(undefined)} onChain={chain} />}
      <Verify />
    </section>
  );
}
