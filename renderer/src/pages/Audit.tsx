import { useCallback, useEffect, useRef, useState } from 'react';
import { z } from 'zod';
import { AuditRecordSchema, type AuditRecord } from '../../../shared/audit/record.ts';
import { AuditCells, AuditDetail, AuditHeaderCells, rowOf } from '../../../ui-shared/audit-record.tsx';
import { call, subscribe } from '../api.ts';
import { Empty, ErrorNote } from '../ui.tsx';

// A virtualized table: only the rows in view are in the DOM, and pages of records
// are fetched from the API as the user scrolls, so 100k rows stay smooth.

const ROW = 30;
const PAGE = 500;
const Page = z.object({ records: z.array(z.object({ seq: z.number(), record: AuditRecordSchema })) });
type Row = { seq: number; record: AuditRecord };

export function Audit() {
  const [filters, setFilters] = useState({ agent: '', server: '', tool: '', outcome: '', correlation: '' });
  const [rows, setRows] = useState<Row[]>([]);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<string>();
  const [top, setTop] = useState(0);
  const [open, setOpen] = useState<AuditRecord>();
  const loading = useRef(false);
  const box = useRef<HTMLDivElement>(null);

  const query = useCallback(
    (before?: number) => {
      const q = new URLSearchParams({ limit: String(PAGE), ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v)) });
      if (before) q.set('before', String(before));
      return call('GET', `/audit?${q}`, Page).then((r) => r.records);
    },
    [filters],
  );

  const reload = useCallback(() => {
    query().then(
      (r) => {
        setRows(r);
        setDone(r.length < PAGE);
        setError(undefined);
      },
      (e: unknown) => setError((e as Error).message),
    );
  }, [query]);
  useEffect(() => {
    reload();
    return subscribe(() => reload());
  }, [reload]);

  const more = () => {
    if (loading.current || done || rows.length === 0) return;
    loading.current = true;
    query(rows[rows.length - 1]!.seq)
      .then((r) => {
        setRows((old) => [...old, ...r]);
        setDone(r.length < PAGE);
      })
      .finally(() => {
        loading.current = false;
      });
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
        <label>
          Agent <input value={filters.agent} onChange={set('agent')} />
        </label>
        <label>
          Server <input value={filters.server} onChange={set('server')} />
        </label>
        <label>
          Tool <input value={filters.tool} onChange={set('tool')} />
        </label>
        <label>
          Outcome{' '}
          <select value={filters.outcome} onChange={set('outcome')}>
            <option value="">any</option>
            <option>ok</option>
            <option>error</option>
            <option>denied</option>
          </select>
        </label>
        {filters.correlation && (
          <span>
            Request chain <code>{filters.correlation.slice(0, 12)}…</code>{' '}
            <button type="button" onClick={() => setFilters((f) => ({ ...f, correlation: '' }))}>
              Show all
            </button>
          </span>
        )}
      </div>
      {rows.length === 0 ? (
        <Empty title="No records yet">Every call an agent makes through Gatehouse is recorded here, with who made it and what came back.</Empty>
      ) : (
        <div
          className="virtual"
          ref={box}
          role="table"
          aria-label="Audit records"
          aria-rowcount={rows.length}
          onScroll={(e) => {
            const t = e.currentTarget;
            setTop(t.scrollTop);
            if (t.scrollTop + t.clientHeight > rows.length * ROW - 20 * ROW) more();
          }}
        >
          <div role="row" className="vrow vhead">
            <AuditHeaderCells />
          </div>
          <div style={{ height: rows.length * ROW, position: 'relative' }}>
            {rows.slice(first, last).map(({ seq, record: r }, i) => (
              <div role="row" className="vrow" key={seq} style={{ position: 'absolute', top: (first + i) * ROW, height: ROW }} aria-rowindex={first + i + 1}>
                <AuditCells row={rowOf(r)} onOpen={() => setOpen(r)} onChain={() => setFilters((f) => ({ ...f, correlation: r.correlationId }))} />
              </div>
            ))}
          </div>
        </div>
      )}
      {open && <AuditDetail record={open} onClose={() => setOpen(undefined)} />}
    </section>
  );
}
