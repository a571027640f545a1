import type { Status } from '../../../shared/control/contract.ts';
import { api } from '../api.ts';
import { ago, Badge, ErrorNote, useLive } from '../ui.tsx';
import { explainState } from './Servers.tsx';
import { AgentRequests } from './AgentRequests.tsx';

interface Problem {
  key: string;
  text: string;
  href: string;
  action: string;
}

/** What needs the user, worst first, each with a link to where it is dealt with. */
function problems(status: Status, pending: number): Problem[] {
  const out: Problem[] = [];
  if (status.bundle.closed)
    out.push({ key: 'closed', text: `Nothing is reachable: ${status.bundle.closed}`, href: '#/settings', action: 'Sync or enroll in Settings' });
  if (status.bundle.expiresAt && Date.parse(status.bundle.expiresAt) < Date.now())
    out.push({ key: 'expired', text: `The bundle expired on ${new Date(status.bundle.expiresAt).toLocaleString()}.`, href: '#/settings', action: 'Sync now' });
  for (const s of status.servers) {
    if (s.state === 'failed' || s.state === 'backoff')
      out.push({ key: `server-${s.id}`, text: `${s.name ?? s.id}: ${explainState(s)}`, href: '#/servers', action: 'See the server and its log' });
  }
  if (pending)
    out.push({
      key: 'pending',
      text: `${pending} tool change${pending === 1 ? '' : 's'} await${pending === 1 ? 's' : ''} your review; agents cannot call ${pending === 1 ? 'it' : 'them'} until then.`,
      href: '#/pending',
      action: 'Review',
    });
  if (status.org?.lastError) out.push({ key: 'org', text: `The org's sync endpoint: ${status.org.lastError}`, href: '#/settings', action: 'Settings' });
  return out;
}

export function Overview() {
  const { data: status, error } = useLive(api.status);
  const { data: pending } = useLive(api.pending);
  if (!status) return <ErrorNote error={error} />;
  const ready = status.servers.filter((s) => s.state === 'ready').length;
  const idle = status.agents.filter((a) => a.presence === 'idle').length;
  const connected = status.agents.length - idle;
  const issues = problems(status, pending?.pending.length ?? 0);
  return (
    <section aria-labelledby="overview-title">
      <h2 id="overview-title">Overview</h2>
      <ErrorNote error={error} />
      <AgentRequests />
      {issues.length > 0 && (
        <section className="problems" aria-labelledby="problems-title">
          <h3 id="problems-title">Needs your attention</h3>
          <ul>
            {issues.map((p) => (
              <li key={p.key}>
                {p.text} <a href={p.href}>{p.action}</a>
              </li>
            ))}
          </ul>
        </section>
      )}
      <div className="cards">
        <div className="card">
          <div className="big">{connected}</div>
          <div>
            {connected === 1 ? 'agent' : 'agents'} connected{idle ? `, ${idle} idle` : ''}
          </div>
        </div>
        <div className="card">
          <div className="big">
            {ready}/{status.servers.length}
          </div>
          <div>servers ready</div>
        </div>
        <a className="card" href="#/pending">
          <div className="big">{pending?.pending.length ?? 0}</div>
          <div>pending changes</div>
        </a>
        {status.org && (
          <a className="card" href="#/audit" title="Records the org has not yet acknowledged">
            <div className="big">{status.audit.unacknowledged}</div>
            <div>audit records not yet shipped</div>
          </a>
        )}
        <div className="card">
          <div className="big">{(status.rssBytes / 1048576).toFixed(0)} MB</div>
          <div>daemon memory</div>
        </div>
      </div>
      <h3>Bundle</h3>
      {status.bundle.closed && (
        <p role="alert" className="error">
          <strong>Nothing is reachable:</strong> {status.bundle.closed}
        </p>
      )}
      <p>
        <strong>{status.bundle.name}</strong> version {status.bundle.version}
        {status.bundle.expiresAt ? <> — valid until {new Date(status.bundle.expiresAt).toLocaleString()}</> : null} — pinning{' '}
        {status.pinning.trustOnFirstUse ? <Badge tone="warn">trust on first use</Badge> : <Badge tone="ok">enforced</Badge>}
      </p>
      {status.org ? (
        <p>
          From <strong>{status.org.name}</strong>:{' '}
          <Badge tone={status.org.state === 'online' ? 'ok' : status.org.state === 'offline' ? 'warn' : 'info'}>
            {status.org.state === 'online' ? 'in sync' : status.org.state}
          </Badge>
          {status.org.offlineSince ? <span className="hint"> since {ago(status.org.offlineSince)} — the last good bundle still governs</span> : null}
          {status.org.lastError ? <span className="hint"> — {status.org.lastError}</span> : null}
        </p>
      ) : (
        <p className="hint">
          A local bundle ({status.bundle.source}). To take your organisation's, see <a href="#/settings">Settings</a>.
        </p>
      )}
      {status.org?.lastRejection && (
        <p className="hint">
          Last bundle refused ({ago(status.org.lastRejection.at)}, {status.org.lastRejection.code}): {status.org.lastRejection.reason}
        </p>
      )}
      <h3>Agents</h3>
      {status.agents.length === 0 ? (
        <p className="hint">
          No agent is connected. Wire one up on the <a href="#/connect">Connect your IDE</a> page.
        </p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Agent</th>
              <th>Client</th>
              <th>Via</th>
              <th>Calls</th>
              <th>Errors</th>
              <th>Active</th>
            </tr>
          </thead>
          <tbody>
            {status.agents.map((a) => (
              <tr key={a.session}>
                <td>{a.agent}</td>
                <td>{a.clientInfo ? String(a.clientInfo.name ?? '') : '—'}</td>
                <td>{a.transport}</td>
                <td>{a.calls}</td>
                <td>{a.errors}</td>
                <td>
                  {ago(a.lastActiveAt)}
                  {a.presence === 'idle' && (
                    <>
                      {' '}
                      <Badge tone="info">idle</Badge> <small className="hint">no open stream: it may have gone away</small>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Servers</h3>
      <ul className="plain">
        {status.servers.map((s) => (
          <li key={s.id}>
            <Badge tone={s.enabled === false ? 'info' : s.state === 'ready' ? 'ok' : s.state === 'starting' ? 'info' : 'bad'}>
              {s.enabled === false ? 'switched off' : s.state}
            </Badge>{' '}
            {s.name ?? s.id}
            {s.state !== 'ready' && s.state !== 'starting' ? <span className="hint"> — {explainState(s)}</span> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
