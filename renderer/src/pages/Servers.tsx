import { Fragment, useEffect, useState } from 'react';
import type { ServerStatus } from '../../../shared/control/contract.ts';
import { api } from '../api.ts';
import { Badge, Empty, ErrorNote, useLive } from '../ui.tsx';

/** A server's state in words, with what happens next and what the user can do. */
export function explainState(s: Pick<ServerStatus, 'state' | 'lastError' | 'restarts' | 'enabled'>): string {
  if (s.enabled === false) return 'switched off on this desktop: its tools are hidden from every agent until you switch it on.';
  const why = s.lastError ? ` (${s.lastError})` : '';
  switch (s.state) {
    case 'ready':
      return 'running';
    case 'starting':
      return 'starting';
    case 'backoff':
      return `stopped${why}; Gatehouse starts it again by itself after a pause that grows with each failure (backoff)${s.restarts ? `, ${s.restarts} restart${s.restarts === 1 ? '' : 's'} so far` : ''}. Its log below usually says why.`;
    case 'failed':
      return `could not start${why}, and Gatehouse has stopped trying. Fix the cause its log shows, then Restart.`;
    case 'stopped':
      return 'stopped';
    case 'disabled':
      return 'not run: the bundle revokes it, or the bundle has expired';
  }
}

const tone = (state: string) => (state === 'ready' ? 'ok' : state === 'starting' ? 'info' : 'bad');

/** The server's recent stderr, refreshed while open. */
function LiveLog({ server }: { server: ServerStatus }) {
  const [open, setOpen] = useState(false);
  const [lines, setLines] = useState(server.stderrTail);
  useEffect(() => {
    setLines(server.stderrTail);
    if (!open) return;
    const timer = setInterval(() => {
      void api.status().then(
        (st) => setLines(st.servers.find((x) => x.id === server.id)?.stderrTail ?? []),
        () => {},
      );
    }, 2000);
    return () => clearInterval(timer);
  }, [open, server]);
  return (
    <details className="log" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>Log of {server.id}</summary>
      <pre aria-live="polite" aria-label={`Recent output of ${server.id}`}>
        {lines.join('\n') || 'no output yet'}
      </pre>
    </details>
  );
}

/** The sandbox in a few words; the full declaration is in `gatehouse status`. */
function SandboxCell({ s }: { s: ServerStatus }) {
  const box = s.sandbox;
  if (!box) return <>{s.transport === 'http' || s.transport === 'sse' ? <small>remote</small> : '—'}</>;
  if (!box.declared)
    return (
      <>
        <Badge tone="warn">off</Badge> <small>runs as you</small>
      </>
    );
  if (!box.enforced)
    return (
      <span title={box.note ?? ''}>
        <Badge tone="bad">not enforced</Badge>
        {box.note && <small className="explain"> {box.note}</small>}
      </span>
    );
  const net = box.network === 'none' ? 'no network' : box.network === 'unrestricted' ? 'any host' : box.network;
  return (
    <span title={`${box.mechanism}; reads ${box.read.length}, writes ${box.write.length} folders`}>
      <Badge tone={box.network === 'unrestricted' ? 'warn' : 'ok'}>{box.mechanism}</Badge> <small>{net}</small>
      {box.refused.length > 0 && (
        <small className="explain">
          {' '}
          refused {box.refused.length}: {box.refused.slice(-1)[0]!.host}
        </small>
      )}
    </span>
  );
}

function ServerRow({ s }: { s: ServerStatus }) {
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<string>();
  const act = (work: () => Promise<unknown>, done: string) => {
    setBusy(true);
    work()
      .then(
        () => setNote(done),
        (e: unknown) => setNote((e as Error).message),
      )
      .finally(() => setBusy(false));
  };
  const off = s.enabled === false;
  return (
    <tr>
      <td>
        <strong>{s.id}</strong>
        {s.status !== 'approved' && (
          <>
            {' '}
            <Badge tone="warn">{s.status}</Badge>
          </>
        )}
        {s.state !== 'ready' && s.state !== 'starting' && <p className="explain">{explainState(s)}</p>}
        <LiveLog server={s} />
      </td>
      <td>{s.transport}</td>
      <td>
        <Badge tone={off ? 'info' : tone(s.state)}>{off ? 'switched off' : s.state}</Badge>
      </td>
      <td>
        <SandboxCell s={s} />
      </td>
      <td>{s.counts.tools}</td>
      <td>{s.restarts}</td>
      <td>{s.pid ?? '—'}</td>
      <td className="actions">
        {s.status !== 'revoked' && !off && (
          <button type="button" disabled={busy} onClick={() => act(() => api.restartServer(s.id), 'restarting…')} aria-label={`Restart ${s.id}`}>
            Restart
          </button>
        )}
        {s.status !== 'revoked' && (
          <button
            type="button"
            disabled={busy}
            onClick={() => act(() => api.setServerEnabled(s.id, off), off ? 'switched on: starting…' : 'switched off')}
            aria-label={`${off ? 'Switch on' : 'Switch off'} ${s.id}`}
          >
            {off ? 'Switch on' : 'Switch off'}
          </button>
        )}
        {note && <small role="status"> {note}</small>}
      </td>
    </tr>
  );
}

export function Servers() {
  const { data: status, error } = useLive(api.status);
  const { data: tools } = useLive(api.tools);
  const [query, setQuery] = useState('');
  const [state, setState] = useState('all');
  const [openTool, setOpenTool] = useState<string>();
  if (!status) return <ErrorNote error={error} />;
  const shown = (tools ?? []).filter(
    (t) => (state === 'all' || t.pinState === state) && `${t.name} ${t.description ?? ''}`.toLowerCase().includes(query.toLowerCase()),
  );
  // One search term that names a tool opens its detail row, as a click would.
  const exact = shown.length === 1 ? shown[0]!.name : undefined;
  return (
    <section aria-labelledby="servers-title">
      <h2 id="servers-title">Servers &amp; tools</h2>
      <ErrorNote error={error} />
      {status.servers.length === 0 && (
        <Empty title="No servers">
          The bundle declares none. Add servers to it, then run <code>gatehouse reload</code>.
        </Empty>
      )}
      <div className="scroll-x">
        <table>
          <thead>
            <tr>
              <th>Server</th>
              <th>Transport</th>
              <th>State</th>
              <th>Sandbox</th>
              <th>Tools</th>
              <th>Restarts</th>
              <th>Process</th>
              <th>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {status.servers.map((s) => (
              <ServerRow key={s.id} s={s} />
            ))}
          </tbody>
        </table>
      </div>
      <h3>Tools</h3>
      <div className="toolbar">
        <label>
          Search <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="name or description" />
        </label>
        <label>
          Pin state{' '}
          <select value={state} onChange={(e) => setState(e.target.value)}>
            <option value="all">all</option>
            <option value="approved">approved</option>
            <option value="quarantined">quarantined</option>
            <option value="rejected">rejected</option>
          </select>
        </label>
      </div>
      {shown.length === 0 ? (
        <Empty title="No tools match">Clear the search or pick another pin state.</Empty>
      ) : (
        <div className="scroll-x">
          <table className="tools">
            <thead>
              <tr>
                <th>Tool</th>
                <th>Server</th>
                <th>Pin</th>
                <th>Description</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((t) => {
                const open = openTool === t.name || exact === t.name;
                return (
                  <Fragment key={t.name}>
                    <tr>
                      <td>
                        <button
                          type="button"
                          className="link"
                          aria-expanded={open}
                          onClick={() => setOpenTool(open ? undefined : t.name)}
                          title="Who may call it"
                        >
                          <code>{t.name}</code>
                        </button>
                      </td>
                      <td>{t.server}</td>
                      <td>
                        {t.pinState === 'approved' ? (
                          <Badge tone="ok">approved</Badge>
                        ) : (
                          <a href={`#/pending/${t.pendingChange ?? ''}`}>
                            <Badge tone={t.pinState === 'rejected' ? 'bad' : 'warn'}>
                              {t.pinState === 'quarantined' ? 'quarantined: awaiting review' : 'rejected'}
                            </Badge>
                          </a>
                        )}
                      </td>
                      <td className="desc">{t.description ?? ''}</td>
                    </tr>
                    {open && (
                      <tr className="detail-row">
                        <td colSpan={4}>
                          {t.pinState === 'approved' && (
                            <a className="try" href={`#/try/${encodeURIComponent(t.name)}`}>
                              Try {t.name}
                            </a>
                          )}
                          <strong>Who may call it:</strong>{' '}
                          {t.policy.length === 0 ? (
                            <Badge tone="bad">nobody (no rule allows it)</Badge>
                          ) : (
                            <ul className="plain">
                              {t.policy.map((p) => (
                                <li key={p.rule}>
                                  <Badge tone={p.effect === 'allow' ? 'ok' : 'bad'}>{p.effect}</Badge> {p.who}{' '}
                                  <small>
                                    ({p.rule}
                                    {p.constrained ? ', with argument limits' : ''})
                                  </small>
                                </li>
                              ))}
                            </ul>
                          )}
                        </td>
                      </tr>
                    )}
                  </Fragment>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
