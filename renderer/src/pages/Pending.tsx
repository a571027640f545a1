import { useEffect, useRef, useState } from 'react';
import type { Decision, PendingChange } from '../../../shared/pinning/pending.ts';
import { ChangeDiff, Findings } from '../../../ui-shared/change-diff.tsx';
import { Confirm } from '../../../ui-shared/confirm.tsx';
import { riskRank } from '../../../ui-shared/primitives.tsx';
import { api } from '../api.ts';
import { ago, Badge, Empty, ErrorNote, riskTone, useLive, When } from '../ui.tsx';

/** Worst first, then oldest first: what most needs a person is at the top. */
const byRisk = (a: PendingChange, b: PendingChange) => riskRank(b.risk) - riskRank(a.risk) || a.createdAt.localeCompare(b.createdAt);

type Asking = { decision: 'approve' | 'reject'; question: string } | undefined;

function Detail({ change, personal, onDone }: { change: PendingChange; personal: boolean; onDone: (message: string) => void }) {
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string>();
  const [asking, setAsking] = useState<Asking>();
  const risky = change.risk === 'high' || change.risk === 'critical';
  const decide = async (decision: 'approve' | 'reject') => {
    setBusy(true);
    setAsking(undefined);
    try {
      await api.decide(change.id, decision, reason);
      onDone(
        `${change.exposedName} — ${decision === 'approve' ? 'Approved: agents can use the new definition now.' : 'Rejected: the tool stays blocked until its server changes it again.'}`,
      );
    } catch (e) {
      setMessage((e as Error).message);
      setBusy(false);
    }
  };
  // High and critical approvals, and every rejection, ask once more before acting.
  const approve = () =>
    risky
      ? setAsking({ decision: 'approve', question: `Approve a ${change.risk}-risk change? Agents can call the new ${change.exposedName} at once.` })
      : void decide('approve');
  const reject = () =>
    setAsking({
      decision: 'reject',
      question: `Reject this change to ${change.exposedName}? The tool stays blocked until its server changes it again (you can reopen the rejection later).`,
    });
  return (
    <article className="detail" aria-labelledby="change-title">
      <h3 id="change-title">
        <code>{change.exposedName}</code> {change.kind === 'new' ? 'is new' : 'changed'} <Badge tone={riskTone(change.risk)}>risk {change.risk}</Badge>
      </h3>
      <p className="hint">
        Server <strong>{change.server}</strong>, seen <When at={change.createdAt} />, change {change.id}.
      </p>
      <ChangeDiff change={change} />
      <h4>Scanner findings</h4>
      <Findings findings={change.findings} />
      {!change.localDecision && (
        <p role="note" className="note">
          {personal ? (
            <>
              Your bundle does not let a {change.risk}-risk change be approved on this computer (<code>settings.pinning.localApproval</code>). You can reject it
              here; to approve it, allow {change.risk} in <code>localApproval</code> and run <code>gatehouse reload</code>. If your organisation runs Gatehouse,{' '}
              <a href="#/settings">enroll this desktop</a> and its admins decide such changes for you.
            </>
          ) : (
            <>
              Your organisation decides {change.risk}-risk changes. This desktop has reported it to your org, where it waits in the admins' queue (their admin
              console's Escalations page). If they approve it, agents can call the new definition within seconds; if they reject it, it stays blocked and the
              decision appears in the history below. Until then agents cannot call it; you can still reject it here.
            </>
          )}
        </p>
      )}
      <form className="decide" onSubmit={(e) => e.preventDefault()}>
        <label>
          Reason (optional) <input value={reason} onChange={(e) => setReason(e.target.value)} placeholder="what you checked" />
        </label>
        {change.localDecision && (
          <button type="button" className="primary" disabled={busy} onClick={approve}>
            Approve
          </button>
        )}
        <button type="button" className="danger" disabled={busy} onClick={reject}>
          Reject
        </button>
      </form>
      {asking && (
        <Confirm
          question={asking.question}
          yes={`Yes, ${asking.decision}`}
          tone={asking.decision === 'approve' ? 'primary' : 'danger'}
          onYes={() => void decide(asking.decision)}
          onCancel={() => setAsking(undefined)}
        />
      )}
      {message && (
        <p role="alert" className="error">
          {message}
        </p>
      )}
    </article>
  );
}

const VIA: Record<string, string> = {
  app: 'the app',
  notification: 'a notification',
  cli: 'the command line',
  api: 'the control API',
  chat: "an agent's chat",
  org: 'the org',
};

function where(d: Decision): string {
  const via = d.via ? (VIA[d.via] ?? d.via) : '';
  const agent = d.agent ? ` (${d.agent}${d.client ? ` in ${d.client}` : ''})` : '';
  return `${via}${agent}` || '—';
}

function History() {
  const { data, reload } = useLive(api.decisions);
  const [reopened, setReopened] = useState<string>();
  const recent = [...(data ?? [])].reverse().slice(0, 50);
  if (!recent.length) return null;
  // Only a change's latest decision can be undone, and only a rejection: an approval is revoked by the org or a new pin.
  const latest = new Set<string>();
  const undoable = new Set<Decision>();
  for (const d of recent) {
    if (latest.has(d.id)) continue;
    latest.add(d.id);
    if (d.decision === 'rejected') undoable.add(d);
  }
  const reopen = async (d: Decision) => {
    try {
      await api.reopen(d.id);
      setReopened(`The rejection of ${d.server}/${d.tool} was reopened: the change is pending again.`);
    } catch (err) {
      setReopened(`Could not reopen it: ${(err as Error).message}`);
    }
    reload();
  };
  return (
    <section aria-labelledby="history-title">
      <h3 id="history-title">Decision history</h3>
      <div className="scroll-x">
        <table>
          <thead>
            <tr>
              <th>When</th>
              <th>Tool</th>
              <th>Decision</th>
              <th>Who</th>
              <th>Where</th>
              <th>Why</th>
              <th>
                <span className="sr-only">Undo</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {recent.map((d) => (
              <tr key={`${d.id}${d.at}${d.decision}`}>
                <td>
                  <When at={d.at} />
                </td>
                <td>
                  <code>
                    {d.server}/{d.tool}
                  </code>{' '}
                  <Badge tone={riskTone(d.risk)}>{d.risk}</Badge>
                </td>
                <td>
                  <Badge tone={d.decision === 'rejected' ? 'bad' : d.decision === 'reopened' ? 'info' : 'ok'}>{d.decision}</Badge>
                  {d.late ? <small> (after the call had gone)</small> : null}
                </td>
                <td>{d.by}</td>
                <td>{where(d)}</td>
                <td>{d.reason ?? <span className="hint">—</span>}</td>
                <td>
                  {undoable.has(d) ? (
                    <button type="button" onClick={() => void reopen(d)} aria-label={`Reopen the rejection of ${d.server}/${d.tool}`}>
                      Reopen
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {reopened && <p role="status">{reopened}</p>}
    </section>
  );
}

export function Pending({ selected }: { selected: string | undefined }) {
  const { data, error, reload } = useLive(api.pending);
  const [outcome, setOutcome] = useState<string>();
  const outcomeRef = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (outcome) outcomeRef.current?.focus();
  }, [outcome]);
  if (!data) return <ErrorNote error={error} />;
  const sorted = [...data.pending].sort(byRisk);
  // After a decision the page stays where it was, showing the outcome, rather than jumping to the next change.
  const current = sorted.find((p) => p.id === selected) ?? (outcome ? undefined : sorted[0]);
  return (
    <section aria-labelledby="pending-title">
      <h2 id="pending-title">Pending changes</h2>
      <ErrorNote error={error} />
      {outcome && (
        <p role="status" className="message outcome" tabIndex={-1} ref={outcomeRef}>
          {outcome}
        </p>
      )}
      {sorted.length === 0 ? (
        <Empty title="Nothing to review">
          Every tool your agents can see is approved. When a server changes a tool, it appears here before any agent can use it.
        </Empty>
      ) : (
        <div className="split">
          <nav aria-label="Pending changes, worst first" className="list">
            {sorted.map((p) => (
              <a key={p.id} href={`#/pending/${p.id}`} aria-current={p.id === current?.id ? 'page' : undefined} onClick={() => setOutcome(undefined)}>
                <code>{p.exposedName}</code> <Badge tone={riskTone(p.risk)}>{p.risk}</Badge>
                <br />
                <small>
                  {p.kind === 'new' ? 'new tool' : 'changed'} · {ago(p.createdAt)}
                </small>
              </a>
            ))}
          </nav>
          {current ? (
            <Detail
              key={current.id}
              change={current}
              personal={data.personal ?? true}
              onDone={(m) => {
                setOutcome(m);
                reload();
              }}
            />
          ) : (
            <p className="hint">Pick a change on the left to review it.</p>
          )}
        </div>
      )}
      <History />
    </section>
  );
}
