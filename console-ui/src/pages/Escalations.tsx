import { useState } from 'react';
import {
  EscalationDecideResponseSchema,
  EscalationDetailSchema,
  EscalationListSchema,
  type EscalationDetail,
  type EscalationSummary,
} from '../../../shared/console/contract.ts';
import { ChangeDiff, Findings } from '../../../ui-shared/change-diff.tsx';
import { Confirm } from '../../../ui-shared/confirm.tsx';
import { ago, Badge, Empty, riskTone, When } from '../../../ui-shared/primitives.tsx';
import { call, path, query } from '../api.ts';
import { useFocusOnChange, useLoad, usePages } from '../hooks.ts';
import { Pager, Problem } from '../ui.tsx';

// Tool changes desktops hold back for the org, deduplicated across devices. The admin
// reviews the same diff the desktop shows and approves (a new pin, signed and published
// at once) or rejects (desktops keep it blocked and say the org rejected it).

const STATES = [
  ['open', 'Open'],
  ['approved', 'Approved'],
  ['rejected', 'Rejected'],
  ['all', 'All'],
] as const;
type StateFilter = (typeof STATES)[number][0];
const stateTone = (s: EscalationSummary['state']) => (s === 'open' ? 'warn' : s === 'approved' ? 'ok' : 'bad');
const name = (e: EscalationSummary) => `${e.server}/${e.tool}`;

type Asking = { decision: 'approve' | 'reject'; question: string } | undefined;

function Decide({ detail, onDone }: { detail: EscalationDetail; onDone: (message: string) => void }) {
  const e = detail.escalation;
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState<'approve' | 'reject'>();
  const [error, setError] = useState<string>();
  const [asking, setAsking] = useState<Asking>();
  const risky = e.risk === 'high' || e.risk === 'critical';
  const decide = async (decision: 'approve' | 'reject') => {
    setAsking(undefined);
    setBusy(decision);
    setError(undefined);
    try {
      const r = await call('POST', path(`/escalations/:id/${decision}`, { id: e.id }), EscalationDecideResponseSchema, reason ? { reason } : {});
      onDone(
        decision === 'approve'
          ? `${name(e)} — Approved and published as bundle version ${r.publishedVersion ?? '?'}: desktops serve the new definition as soon as they sync (within seconds).`
          : `${name(e)} — Rejected: desktops keep the tool blocked and tell their users the org rejected it.`,
      );
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(undefined);
    }
  };
  // High and critical approvals, and every rejection, ask once more before acting.
  const approve = () =>
    risky
      ? setAsking({
          decision: 'approve',
          question: `Approve a ${e.risk}-risk change to ${name(e)}? It is signed and published at once, and every desktop may call the new definition.`,
        })
      : void decide('approve');
  const reject = () =>
    setAsking({
      decision: 'reject',
      question: `Reject this change to ${name(e)}? ${e.devices} device(s) keep the tool blocked until its server changes it again.`,
    });
  if (e.state !== 'open') {
    return (
      <p className={e.state === 'approved' ? 'outcome' : 'note'}>
        {e.state === 'approved' ? 'Approved' : 'Rejected'} by <strong>{e.decidedBy ?? 'an admin'}</strong>
        {e.decidedAt ? (
          <>
            {' '}
            on <When at={e.decidedAt} />
          </>
        ) : null}
        {e.publishedVersion !== null ? <>, published as version {e.publishedVersion}</> : null}
        {e.reason ? <>: “{e.reason}”</> : null}.
      </p>
    );
  }
  return (
    <>
      {e.unknownServer && (
        <p role="note" className="note">
          The server <code>{e.server}</code> is not in this workspace's catalogue, so this change cannot be approved from here: add or import the server on the
          Catalogue page first. You can still reject it.
        </p>
      )}
      <form className="decide" onSubmit={(ev) => ev.preventDefault()} aria-label="Decision">
        <label>
          Reason (optional) <input value={reason} onChange={(ev) => setReason(ev.target.value)} placeholder="what you checked" />
        </label>
        {!e.unknownServer && (
          <button type="button" className="primary" disabled={busy !== undefined} onClick={approve}>
            Approve
          </button>
        )}
        <button type="button" className="danger" disabled={busy !== undefined} onClick={reject}>
          Reject
        </button>
      </form>
      {busy && (
        <p role="status" className="progress">
          {busy === 'approve' ? 'Pinning the new definition, signing and publishing a new bundle version…' : 'Recording the rejection…'}
        </p>
      )}
      {asking && (
        <Confirm
          question={asking.question}
          yes={`Yes, ${asking.decision}`}
          tone={asking.decision === 'approve' ? 'primary' : 'danger'}
          onYes={() => void decide(asking.decision)}
          onCancel={() => setAsking(undefined)}
        />
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </>
  );
}

function Detail({ id, onDone }: { id: string; onDone: (message: string) => void }) {
  const { data, error } = useLoad(() => call('GET', path('/escalations/:id', { id }), EscalationDetailSchema), [id]);
  if (!data)
    return error ? (
      <Problem error={error} what="this escalation" />
    ) : (
      <p className="hint" role="status">
        Loading the change…
      </p>
    );
  const e = data.escalation;
  return (
    <article className="detail" aria-labelledby="change-title">
      <h3 id="change-title">
        <code>{name(e)}</code> {e.kind === 'new' ? 'is new' : 'changed'} <Badge tone={riskTone(e.risk)}>risk {e.risk}</Badge>{' '}
        <Badge tone={stateTone(e.state)}>{e.state}</Badge>
      </h3>
      <p className="hint">
        Held by <strong>{e.devices}</strong> device(s)
        {e.users.length ? (
          <>
            {' '}
            of {e.users.join(', ')}
            {e.devices > e.users.length ? ' and others' : ''}
          </>
        ) : null}
        ; first seen <When at={e.firstSeenAt} />, last <When at={e.lastSeenAt} />.
      </p>
      <p className="hint">
        Definition <code className="hash">{e.newHash}</code>
        {e.oldHash ? (
          <>
            {' '}
            replaces <code className="hash">{e.oldHash}</code>
          </>
        ) : null}
        .
      </p>
      <Decide detail={data} onDone={onDone} />
      <ChangeDiff change={{ kind: data.change.kind, newDefinition: data.change.newDefinition, diff: data.diff }} />
      <h4>Scanner findings</h4>
      <Findings findings={data.findings} />
      <h4>Devices holding it</h4>
      <div className="scroll-x">
        <table aria-label="Devices holding this change">
          <thead>
            <tr>
              <th>Device</th>
              <th>User</th>
              <th>Reported</th>
            </tr>
          </thead>
          <tbody>
            {data.devices.map((d) => (
              <tr key={d.deviceId}>
                <td>
                  <a href={`#/fleet/${encodeURIComponent(d.deviceId)}`}>{d.name}</a>
                </td>
                <td>{d.user ?? '—'}</td>
                <td>
                  <When at={d.reportedAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </article>
  );
}

export function Escalations({ selected, onDecided }: { selected: string | undefined; onDecided: () => void }) {
  const [state, setState] = useState<StateFilter>('open');
  const [outcome, setOutcome] = useState<string>();
  const [round, setRound] = useState(0);
  const outcomeRef = useFocusOnChange(outcome);
  const list = usePages((cursor) => call('GET', `/escalations${query({ state, cursor, limit: 50 })}`, EscalationListSchema), [state], 5_000);
  const items = list.data?.escalations ?? [];
  // After a decision the page stays on the outcome rather than jumping to the next change.
  const current = selected ?? (outcome ? undefined : items[0]?.id);
  return (
    <section aria-labelledby="esc-title">
      <h2 id="esc-title">Escalations</h2>
      <p className="hint">
        Tool changes that desktops leave to the org, worst risk first. Approving pins the new definition and publishes a new bundle version; rejecting keeps it
        blocked everywhere.
      </p>
      <div className="toolbar">
        <label>
          Show{' '}
          <select
            value={state}
            onChange={(ev) => {
              setState(ev.target.value as StateFilter);
              setOutcome(undefined);
            }}
          >
            {STATES.map(([v, t]) => (
              <option key={v} value={v}>
                {t}
              </option>
            ))}
          </select>
        </label>
        {list.data && (
          <span className="hint">
            {list.data.total} {state === 'all' ? 'in all' : state}
          </span>
        )}
      </div>
      <Problem error={list.error} what="escalations" />
      {outcome && (
        <p role="status" className="message outcome" tabIndex={-1} ref={outcomeRef}>
          {outcome}
        </p>
      )}
      {list.data && items.length === 0 ? (
        <Empty title={state === 'open' ? 'Nothing awaits the org' : 'None'}>
          When a desktop holds back a tool change that its bundle leaves to the org (a high or critical risk, by default), it appears here with the devices and
          users it affects.
        </Empty>
      ) : (
        <div className="split">
          <div>
            <nav aria-label="Escalations, worst first" className="list">
              {items.map((e) => (
                <a
                  key={e.id}
                  href={`#/escalations/${encodeURIComponent(e.id)}`}
                  aria-current={e.id === current ? 'page' : undefined}
                  onClick={() => setOutcome(undefined)}
                >
                  <code>{name(e)}</code> <Badge tone={riskTone(e.risk)}>{e.risk}</Badge>
                  {e.state !== 'open' && (
                    <>
                      {' '}
                      <Badge tone={stateTone(e.state)}>{e.state}</Badge>
                    </>
                  )}
                  <br />
                  <small>
                    {e.kind === 'new' ? 'new tool' : 'changed'} · {e.devices} device(s) · {ago(e.lastSeenAt)}
                  </small>
                </a>
              ))}
            </nav>
            {(list.hasNext || list.hasPrevious) && <Pager label="Escalation pages" {...list} />}
          </div>
          {current ? (
            <Detail
              key={`${current}:${round}`}
              id={current}
              onDone={(m) => {
                setOutcome(m);
                setRound((r) => r + 1);
                list.reload();
                onDecided();
              }}
            />
          ) : (
            <p className="hint">Pick a change on the left to review it.</p>
          )}
        </div>
      )}
    </section>
  );
}
