import { useState, type FormEvent } from 'react';
import { z } from 'zod';
import {
  DeviceDetailSchema,
  DeviceListSchema,
  EnrollTokenListSchema,
  IssuedTokenSchema,
  RevokeDeviceResponseSchema,
  RevokeTokenResponseSchema,
  SyncStateSchema,
  type DeviceSummary,
} from '../../../shared/console/contract.ts';
import { Confirm } from '../../../ui-shared/confirm.tsx';
import { ago, Badge, Empty, riskTone, When, type Tone } from '../../../ui-shared/primitives.tsx';
import { call, path, query } from '../api.ts';
import { useFocusOnChange, useLoad, usePages } from '../hooks.ts';
import { Copyable, Pager, Problem } from '../ui.tsx';

// Every enrolled desktop: who uses it, when it last reached the endpoint, which bundle it
// runs, whether its audit trail is complete, and what it holds for the org. Enrollment
// tokens are issued and withdrawn here; a device revoked here can no longer sync or ship.

type SyncState = z.infer<typeof SyncStateSchema>;
const SYNC_TONE = new Map<SyncState, Tone>([
  ['current', 'ok'],
  ['behind', 'warn'],
  ['never-synced', 'info'],
  ['stale', 'warn'],
  ['revoked', 'bad'],
]);
const SYNC_TEXT = new Map<SyncState, string>([
  ['current', 'current'],
  ['behind', 'behind'],
  ['never-synced', 'never synced'],
  ['stale', 'no contact for 24 h'],
  ['revoked', 'revoked'],
]);

function RevokeDevice({ device, onDone }: { device: DeviceSummary; onDone: (message: string) => void }) {
  const [asking, setAsking] = useState(false);
  const name = `${device.name}${device.label ? ` (${device.label})` : ''}`;
  const revoke = async () => {
    setAsking(false);
    try {
      await call('POST', path('/fleet/devices/:id/revoke', { id: device.id }), RevokeDeviceResponseSchema, {});
      onDone(`${name} revoked: its token no longer fetches bundles or ships audit records.`);
    } catch (e) {
      onDone(`${name}: ${(e as Error).message}`);
    }
  };
  if (device.revokedAt) return <small className="hint">revoked {ago(device.revokedAt)}</small>;
  return (
    <>
      <button type="button" className="danger" onClick={() => setAsking(true)} aria-label={`Revoke ${name}`}>
        Revoke
      </button>
      {asking && (
        <Confirm
          question={`Revoke ${name}${device.user ? `, used by ${device.user}` : ''}? It stops receiving bundles and its audit records are refused; it must enroll again with a new token.`}
          yes="Yes, revoke"
          tone="danger"
          onYes={() => void revoke()}
          onCancel={() => setAsking(false)}
        />
      )}
    </>
  );
}

function DeviceDetail({ id }: { id: string }) {
  const { data, error } = useLoad(() => call('GET', path('/fleet/devices/:id', { id }), DeviceDetailSchema), [id]);
  if (!data) return <Problem error={error} what="this device" />;
  const d = data.device;
  return (
    <aside className="record-detail" aria-labelledby="device-title">
      <h3 id="device-title">
        {d.name} <Badge tone={SYNC_TONE.get(d.syncState) ?? 'info'}>{SYNC_TEXT.get(d.syncState) ?? d.syncState}</Badge> <a href="#/fleet">Close</a>
      </h3>
      <dl className="facts">
        <dt>Device id</dt>
        <dd>
          <code>{d.id}</code>
        </dd>
        <dt>User</dt>
        <dd>
          {d.user ?? '—'}
          {d.label ? <small className="hint"> (token made for {d.label})</small> : null}
        </dd>
        <dt>Enrolled</dt>
        <dd>
          <When at={d.enrolledAt} />
        </dd>
        <dt>Last contact</dt>
        <dd>{d.lastContactAt ? <When at={d.lastContactAt} /> : 'never'}</dd>
        <dt>Bundle</dt>
        <dd>{d.bundleVersion ?? 'none yet'}</dd>
        <dt>Keys pinned</dt>
        <dd>{d.pinnedKeys.join(', ') || '—'}</dd>
        <dt>Audit</dt>
        <dd>
          last record {d.auditLastSeq ?? 'none'}, backlog {d.auditBacklog ?? 'unknown'}, {d.auditProblems} problem(s) —{' '}
          <a href={`#/audit/${encodeURIComponent(`device=${d.id}`)}`}>search its records</a>
        </dd>
      </dl>
      {data.problems.length > 0 && (
        <>
          <h4>Audit chain problems</h4>
          <ul>
            {data.problems.map((p, i) => (
              <li key={i}>
                <Badge tone="bad">{p.kind}</Badge> {p.detail}{' '}
                <small className="hint">
                  (<When at={p.at} />)
                </small>
              </li>
            ))}
          </ul>
        </>
      )}
      <h4>Changes it holds for the org</h4>
      {data.escalations.length === 0 ? (
        <p className="hint">None.</p>
      ) : (
        <ul className="plain">
          {data.escalations.map((e) => (
            <li key={e.id}>
              <a href={`#/escalations/${encodeURIComponent(e.id)}`}>
                <code>
                  {e.server}/{e.tool}
                </code>
              </a>{' '}
              <Badge tone={riskTone(e.risk)}>{e.risk}</Badge> <small>{e.state}</small>
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}

function Devices({ selected }: { selected: string | undefined }) {
  const [q, setQ] = useState('');
  const [state, setState] = useState<SyncState | ''>('');
  const [message, setMessage] = useState<string>();
  const ref = useFocusOnChange(message);
  const pages = usePages((cursor) => call('GET', `/fleet/devices${query({ q, state, cursor, limit: 50 })}`, DeviceListSchema), [q, state], 10_000);
  const devices = pages.data?.devices ?? [];
  return (
    <section aria-labelledby="devices-title">
      <h3 id="devices-title">
        Devices{' '}
        {pages.data && (
          <small className="hint">
            ({pages.data.total}; latest bundle version {pages.data.latestVersion})
          </small>
        )}
      </h3>
      <form className="toolbar" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          Search <input type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="name, user, label or id" />
        </label>
        <label>
          Sync state{' '}
          <select value={state} onChange={(e) => setState(e.target.value as SyncState | '')}>
            <option value="">any</option>
            {SyncStateSchema.options.map((s) => (
              <option key={s} value={s}>
                {SYNC_TEXT.get(s) ?? s}
              </option>
            ))}
          </select>
        </label>
      </form>
      <Problem error={pages.error} what="devices" />
      {message && (
        <p role="status" className="message outcome" tabIndex={-1} ref={ref}>
          {message}
        </p>
      )}
      {pages.data && devices.length === 0 ? (
        <Empty title={q || state ? 'No device matches' : 'No devices enrolled'}>
          Issue an enrollment token below and send its command or link to a user; their desktop appears here once it enrolls.
        </Empty>
      ) : (
        <div className="scroll-x">
          <table aria-label="Devices">
            <thead>
              <tr>
                <th>Device</th>
                <th>User</th>
                <th>Last contact</th>
                <th>Bundle</th>
                <th>Sync</th>
                <th>Audit</th>
                <th>Pending</th>
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {devices.map((d) => (
                <tr key={d.id} aria-current={d.id === selected ? 'true' : undefined}>
                  <td>
                    <a href={`#/fleet/${encodeURIComponent(d.id)}`}>{d.name}</a>
                    {d.label && (
                      <>
                        <br />
                        <small className="hint">{d.label}</small>
                      </>
                    )}
                  </td>
                  <td>{d.user ?? '—'}</td>
                  <td>{d.lastContactAt ? ago(d.lastContactAt) : 'never'}</td>
                  <td>{d.bundleVersion ?? '—'}</td>
                  <td>
                    <Badge tone={SYNC_TONE.get(d.syncState) ?? 'info'}>{SYNC_TEXT.get(d.syncState) ?? d.syncState}</Badge>
                  </td>
                  <td>
                    {d.auditProblems > 0 ? <Badge tone="bad">{d.auditProblems} problem(s)</Badge> : <Badge tone="ok">complete</Badge>}
                    {d.auditBacklog ? (
                      <>
                        <br />
                        <small>{d.auditBacklog} not shipped</small>
                      </>
                    ) : null}
                  </td>
                  <td>{d.pendingChanges || <span className="hint">0</span>}</td>
                  <td>
                    <RevokeDevice
                      device={d}
                      onDone={(m) => {
                        setMessage(m);
                        pages.reload();
                      }}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {(pages.hasNext || pages.hasPrevious) && <Pager label="Device pages" {...pages} />}
      {selected && <DeviceDetail key={selected} id={selected} />}
    </section>
  );
}

function Tokens() {
  const { data, error, reload } = useLoad(() => call('GET', '/fleet/tokens', EnrollTokenListSchema), []);
  const [label, setLabel] = useState('');
  const [ttl, setTtl] = useState('7');
  const [issued, setIssued] = useState<z.infer<typeof IssuedTokenSchema>>();
  const [problem, setProblem] = useState<string>();
  const [asking, setAsking] = useState<string>();
  const ref = useFocusOnChange<HTMLDivElement>(issued);
  const issue = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(undefined);
    try {
      setIssued(await call('POST', '/fleet/tokens', IssuedTokenSchema, { ...(label ? { label } : {}), ttlDays: Number(ttl) }));
      setLabel('');
      reload();
    } catch (err) {
      setProblem((err as Error).message);
    }
  };
  const revoke = async (id: string) => {
    setAsking(undefined);
    try {
      await call('POST', path('/fleet/tokens/:id/revoke', { id }), RevokeTokenResponseSchema, {});
      reload();
    } catch (err) {
      setProblem((err as Error).message);
    }
  };
  return (
    <section aria-labelledby="tokens-title">
      <h3 id="tokens-title">Enrollment tokens</h3>
      <form className="toolbar" onSubmit={(e) => void issue(e)}>
        <label>
          For whom <input value={label} onChange={(e) => setLabel(e.target.value)} placeholder="e.g. alice@acme or the laptop fleet" />
        </label>
        <label>
          Valid for (days) <input type="number" min="1" max="366" value={ttl} onChange={(e) => setTtl(e.target.value)} className="narrow" />
        </label>
        <button type="submit" className="primary">
          Issue a token
        </button>
      </form>
      {issued && (
        <div className="issued" role="status" tabIndex={-1} ref={ref}>
          <p>
            <strong>Token issued{issued.token.label ? ` for ${issued.token.label}` : ''}.</strong> It is shown this once; send it over a channel you trust. The
            user confirms the fingerprint at enrollment.
          </p>
          <Copyable label="enroll command" text={issued.command} />
          <Copyable label="enroll link" text={issued.link} />
          <p className="hint">
            Org key fingerprint: <code>{issued.fingerprint}</code>
          </p>
          <button type="button" onClick={() => setIssued(undefined)}>
            Done
          </button>
        </div>
      )}
      {problem && (
        <p role="alert" className="error">
          {problem}
        </p>
      )}
      <Problem error={error} what="enrollment tokens" />
      {data &&
        (data.tokens.length === 0 ? (
          <p className="hint">No tokens issued from this console yet.</p>
        ) : (
          <div className="scroll-x">
            <table aria-label="Enrollment tokens">
              <thead>
                <tr>
                  <th>For</th>
                  <th>Issued</th>
                  <th>Expires</th>
                  <th>Devices enrolled</th>
                  <th>State</th>
                  <th>
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.tokens.map((t) => {
                  const expired = Date.parse(t.expiresAt) < Date.now();
                  return (
                    <tr key={t.id}>
                      <td>{t.label ?? <span className="hint">no label</span>}</td>
                      <td>
                        <When at={t.issuedAt} />
                      </td>
                      <td>
                        <When at={t.expiresAt} />
                      </td>
                      <td>{t.uses}</td>
                      <td>{t.revokedAt ? <Badge tone="bad">revoked</Badge> : expired ? <Badge tone="warn">expired</Badge> : <Badge tone="ok">valid</Badge>}</td>
                      <td>
                        {!t.revokedAt && !expired && (
                          <button type="button" className="danger" onClick={() => setAsking(t.id)} aria-label={`Revoke the token for ${t.label ?? t.id}`}>
                            Revoke
                          </button>
                        )}
                        {asking === t.id && (
                          <Confirm
                            question="Revoke this token? Devices already enrolled with it stay enrolled; no new device can use it."
                            yes="Yes, revoke"
                            tone="danger"
                            onYes={() => void revoke(t.id)}
                            onCancel={() => setAsking(undefined)}
                          />
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        ))}
    </section>
  );
}

export function Fleet({ selected }: { selected: string | undefined }) {
  return (
    <section aria-labelledby="fleet-title">
      <h2 id="fleet-title">Fleet</h2>
      <Devices selected={selected} />
      <Tokens />
    </section>
  );
}
