import { api } from '../api.ts';
import { ago, Badge, ErrorNote, useLive } from '../ui.tsx';

export function Overview() {
  const { data: status, error } = useLive(api.status);
  const { data: pending } = useLive(api.pending);
  if (!status) return <ErrorNote error={error} />;
  const ready = status.servers.filter((s) => s.state === 'ready').length;
  return (
    <section aria-labelledby="overview-title">
      <h2 id="overview-title">Overview</h2>
      <ErrorNote error={error} />
      <div className="cards">
        <div className="card"><div className="big">{status.agents.length}</div><div>agents connected</div></div>
        <div className="card"><div className="big">{ready}/{status.servers.length}</div><div>servers ready</div></div>
        <a className="card" href="#/pending"><div className="big">{pending?.pending.length ?? 0}</div><div>pending changes</div></a>
        <a className="card" href="#/audit" title="Records the org has not yet acknowledged"><div className="big">{status.audit.unacknowledged}</div><div>audit records not yet shipped</div></a>
        <div className="card"><div className="big">{(status.rssBytes / 1048576).toFixed(0)} MB</div><div>daemon memory</div></div>
      </div>
      <h3>Bundle</h3>
      {status.bundle.closed && <p role="alert" className="error"><strong>Nothing is reachable:</strong> {status.bundle.closed}</p>}
      <p>
        <strong>{status.bundle.name}</strong> version {status.bundle.version}
        {status.bundle.expiresAt ? <> — valid until {new Date(status.bundle.expiresAt).toLocaleString()}</> : null} — pinning{' '}
        {status.pinning.trustOnFirstUse ? <Badge tone="warn">trust on first use</Badge> : <Badge tone="ok">enforced</Badge>}
      </p>
      {status.org
        ? <p>
          From <strong>{status.org.name}</strong>: <Badge tone={status.org.state === 'online' ? 'ok' : status.org.state === 'offline' ? 'warn' : 'info'}>{status.org.state === 'online' ? 'in sync' : status.org.state}</Badge>
          {status.org.offlineSince ? <span className="hint"> since {ago(status.org.offlineSince)} — the last good bundle still governs</span> : null}
          {status.org.lastError ? <span className="hint"> — {status.org.lastError}</span> : null}
        </p>
        : <p className="hint">A local bundle ({status.bundle.source}). To take your organisation's, see <a href="#/settings">Settings</a>.</p>}
      {status.org?.lastRejection && <p className="hint">Last bundle refused ({ago(status.org.lastRejection.at)}, {status.org.lastRejection.code}): {status.org.lastRejection.reason}</p>}
      <h3>Agents</h3>
      {status.agents.length === 0
        ? <p className="hint">No agent is connected. Wire one up on the <a href="#/connect">Connect your IDE</a> page.</p>
        : <table><thead><tr><th>Agent</th><th>Client</th><th>Via</th><th>Calls</th><th>Errors</th><th>Active</th></tr></thead><tbody>
          {status.agents.map((a) => <tr key={a.session}><td>{a.agent}</td><td>{a.clientInfo ? String(a.clientInfo.name ?? '') : '—'}</td><td>{a.transport}</td><td>{a.calls}</td><td>{a.errors}</td><td>{ago(a.lastActiveAt)}</td></tr>)}
        </tbody></table>}
      <h3>Servers</h3>
      <ul className="plain">
        {status.servers.map((s) => <li key={s.id}><Badge tone={s.state === 'ready' ? 'ok' : s.state === 'starting' ? 'info' : 'bad'}>{s.state}</Badge> {s.name ?? s.id}{s.lastError && s.state !== 'ready' ? <span className="hint"> — {s.lastError}</span> : null}</li>)}
      </ul>
    </section>
  );
}
