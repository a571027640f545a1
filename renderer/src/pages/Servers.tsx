import { useState } from 'react';
import { api } from '../api.ts';
import { Badge, Empty, ErrorNote, useLive } from '../ui.tsx';

export function Servers() {
  const { data: status, error } = useLive(api.status);
  const { data: tools } = useLive(api.tools);
  const [query, setQuery] = useState('');
  const [state, setState] = useState('all');
  if (!status) return <ErrorNote error={error} />;
  const shown = (tools ?? []).filter((t) => (state === 'all' || t.pinState === state) && `${t.name} ${t.description ?? ''}`.toLowerCase().includes(query.toLowerCase()));
  return (
    <section aria-labelledby="servers-title">
      <h2 id="servers-title">Servers &amp; tools</h2>
      <ErrorNote error={error} />
      {status.servers.length === 0 && <Empty title="No servers">The bundle declares none. Add servers to it, then run <code>gatehouse reload</code>.</Empty>}
      <table>
        <thead><tr><th>Server</th><th>Transport</th><th>State</th><th>Tools</th><th>Restarts</th><th>Process</th></tr></thead>
        <tbody>
          {status.servers.map((s) => (
            <tr key={s.id}>
              <td><strong>{s.id}</strong>{s.status !== 'approved' && <> <Badge tone="warn">{s.status}</Badge></>}
                {s.lastError && s.state !== 'ready' && <details><summary>{s.lastError}</summary><pre>{s.stderrTail.join('\n') || 'no output'}</pre></details>}</td>
              <td>{s.transport}</td>
              <td><Badge tone={s.state === 'ready' ? 'ok' : s.state === 'starting' ? 'info' : 'bad'}>{s.state}</Badge></td>
              <td>{s.counts.tools}</td><td>{s.restarts}</td><td>{s.pid ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Tools</h3>
      <div className="toolbar">
        <label>Search <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="name or description" /></label>
        <label>Pin state <select value={state} onChange={(e) => setState(e.target.value)}>
          <option value="all">all</option><option value="approved">approved</option><option value="quarantined">quarantined</option><option value="rejected">rejected</option>
        </select></label>
      </div>
      {shown.length === 0 ? <Empty title="No tools match">Clear the search or pick another pin state.</Empty> : (
        <table>
          <thead><tr><th>Tool</th><th>Server</th><th>Pin</th><th>Who may call it</th><th>Description</th></tr></thead>
          <tbody>{shown.map((t) => (
            <tr key={t.name}><td><code>{t.name}</code></td><td>{t.server}</td>
              <td>{t.pinState === 'approved' ? <Badge tone="ok">approved</Badge> : <a href={`#/pending/${t.pendingChange ?? ''}`}><Badge tone={t.pinState === 'rejected' ? 'bad' : 'warn'}>{t.pinState}</Badge></a>}</td>
              <td>{t.policy.length === 0 ? <Badge tone="bad">nobody (no rule allows it)</Badge> : <ul className="plain">{t.policy.map((p) => (
                <li key={p.rule}><Badge tone={p.effect === 'allow' ? 'ok' : 'bad'}>{p.effect}</Badge> {p.who} <small>({p.rule}{p.constrained ? ', with argument limits' : ''})</small></li>
              ))}</ul>}</td>
              <td>{t.description ?? ''}</td></tr>
          ))}</tbody>
        </table>
      )}
    </section>
  );
}
