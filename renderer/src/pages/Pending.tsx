import { useState } from 'react';
import type { PendingChange } from '../../../shared/pinning/pending.ts';
import { api } from '../api.ts';
import { ago, Badge, Empty, ErrorNote, riskTone, useLive, Visible } from '../ui.tsx';

const show = (v: unknown) => (v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v, null, 2));

function Diff({ change }: { change: PendingChange }) {
  if (change.kind === 'new') {
    return <div className="diff"><div className="side new"><h4>New definition</h4><pre><Visible text={JSON.stringify(change.newDefinition, null, 2)} /></pre></div></div>;
  }
  return (
    <table className="diff-table" aria-label="What changed">
      <thead><tr><th>Path</th><th>Approved</th><th>Now</th></tr></thead>
      <tbody>
        {change.diff.map((d) => (
          <tr key={d.path} className={`diff-${d.kind}`}>
            <td><code>{d.path}</code><br /><small>{d.kind}</small></td>
            <td><pre><Visible text={show(d.before)} /></pre></td>
            <td><pre><Visible text={show(d.after)} /></pre></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Detail({ change, onDone }: { change: PendingChange; onDone: (message: string) => void }) {
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string>();
  const decide = async (decision: 'approve' | 'reject') => {
    setBusy(true);
    try {
      await api.decide(change.id, decision, reason);
      // The change leaves the list; the page keeps the outcome on show.
      onDone(`${change.exposedName} — ${decision === 'approve' ? 'Approved: agents can use the new definition now.' : 'Rejected: the tool stays blocked until its server changes it again.'}`);
    } catch (e) {
      setMessage((e as Error).message);
      setBusy(false);
    }
  };
  return (
    <article className="detail" aria-labelledby="change-title">
      <h3 id="change-title"><code>{change.exposedName}</code> {change.kind === 'new' ? 'is new' : 'changed'} <Badge tone={riskTone(change.risk)}>risk {change.risk}</Badge></h3>
      <p className="hint">Server <strong>{change.server}</strong>, seen {ago(change.createdAt)}, change {change.id}.</p>
      <Diff change={change} />
      <h4>Scanner findings</h4>
      {change.findings.length === 0 ? <p className="hint">The scanner found nothing suspicious.</p> : (
        <ul className="findings">
          {change.findings.map((f) => (
            <li key={`${f.rule}${f.path}`}><Badge tone={riskTone(f.severity)}>{f.severity}</Badge> <strong>{f.message}</strong> <small>({f.rule} at <code>{f.path}</code>)</small>
              <blockquote><Visible text={f.evidence} /></blockquote></li>
          ))}
        </ul>
      )}
      {change.localDecision ? (
        <form className="decide" onSubmit={(e) => e.preventDefault()}>
          <label>Reason (optional) <input value={reason} onChange={(e) => setReason(e.target.value)} placeholder="what you checked" /></label>
          <button type="button" className="primary" disabled={busy} onClick={() => void decide('approve')}>Approve</button>
          <button type="button" className="danger" disabled={busy} onClick={() => void decide('reject')}>Reject</button>
        </form>
      ) : <p role="status"><Badge tone="warn">awaiting org approval</Badge> This risk level is decided by your organisation's admin.</p>}
      {message && <p role="status" className="message">{message}</p>}
    </article>
  );
}

export function Pending({ selected }: { selected: string | undefined }) {
  const { data, error, reload } = useLive(api.pending);
  const [outcome, setOutcome] = useState<string>();
  if (!data) return <ErrorNote error={error} />;
  const current = data.pending.find((p) => p.id === selected) ?? data.pending[0];
  return (
    <section aria-labelledby="pending-title">
      <h2 id="pending-title">Pending changes</h2>
      <ErrorNote error={error} />
      {outcome && <p role="status" className="message">{outcome}</p>}
      {data.pending.length === 0 ? <Empty title="Nothing to review">Every tool your agents can see is approved. When a server changes a tool, it appears here before any agent can use it.</Empty> : (
        <div className="split">
          <nav aria-label="Pending changes" className="list">
            {data.pending.map((p) => (
              <a key={p.id} href={`#/pending/${p.id}`} aria-current={p.id === current?.id ? 'page' : undefined}>
                <code>{p.exposedName}</code> <Badge tone={riskTone(p.risk)}>{p.risk}</Badge><br /><small>{p.kind === 'new' ? 'new tool' : 'changed'} · {ago(p.createdAt)}</small>
              </a>
            ))}
          </nav>
          {current && <Detail key={current.id} change={current} onDone={(m) => { setOutcome(m); reload(); }} />}
        </div>
      )}
    </section>
  );
}
