import { useState } from 'react';
import { api } from '../api.ts';
import { ago, ErrorNote, useLive } from '../ui.tsx';
import { Confirm } from '../../../ui-shared/confirm.tsx';

/** Joining an org: the link an admin sent fills in the endpoint and code; the user confirms the key fingerprint. */
function Enroll({ link, onDone }: { link: string | undefined; onDone: () => void }) {
  const fields = new URLSearchParams(link ? decodeURIComponent(link) : '');
  const [url, setUrl] = useState(fields.get('url') ?? '');
  const [code, setCode] = useState(fields.get('code') ?? '');
  const [expected, setExpected] = useState('');
  const [org, setOrg] = useState<{ name: string; org: string; fingerprints: string[] }>();
  const [message, setMessage] = useState<string>();
  const matches = org !== undefined && expected.trim() !== '' && org.fingerprints.includes(expected.trim());
  return (
    <form
      className="stack"
      onSubmit={(e) => {
        e.preventDefault();
        if (!org) {
          setMessage('checking…');
          void api.previewOrg(url).then(
            (o) => {
              setOrg(o);
              setMessage(undefined);
            },
            (err: Error) => setMessage(err.message),
          );
          return;
        }
        setMessage('enrolling…');
        void api.enroll(url, code, expected.trim()).then(
          (r) => {
            setMessage(`Enrolled in ${r.name}. Its servers and policies now apply.`);
            onDone();
          },
          (err: Error) => setMessage(err.message),
        );
      }}
    >
      <label>
        Sync endpoint{' '}
        <input
          value={url}
          onChange={(e) => {
            setUrl(e.target.value);
            setOrg(undefined);
          }}
          type="url"
          required
          placeholder="https://sync.example.com"
        />
      </label>
      <label>
        Enrollment code <input value={code} onChange={(e) => setCode(e.target.value)} required />
      </label>
      {org && (
        <>
          <p>
            This endpoint is <strong>{org.name}</strong> ({org.org}); its signing key is <code>{org.fingerprints.join(', ')}</code>.
          </p>
          <label>
            Fingerprint your admin sent <input value={expected} onChange={(e) => setExpected(e.target.value)} required placeholder="SHA256:…" />
          </label>
          {expected.trim() !== '' && !matches && (
            <p role="alert" className="error">
              The fingerprints differ: do not enroll, and tell your admin.
            </p>
          )}
        </>
      )}
      <button type="submit" className="primary" disabled={org !== undefined && !matches}>
        {org ? 'Enroll this desktop' : 'Check the endpoint'}
      </button>
      {message && (
        <p role="status" className="hint">
          {message}
        </p>
      )}
    </form>
  );
}

export function Settings({ link }: { link?: string | undefined } = {}) {
  const { data: status, error, reload: reloadStatus } = useLive(api.status);
  const { data: agents, reload } = useLive(api.agents);
  const { data: logLevel, reload: reloadLevel } = useLive(api.logLevel);
  const [name, setName] = useState('');
  const [created, setCreated] = useState<string>();
  const [revoking, setRevoking] = useState<string>();
  const [sync, setSync] = useState<string>();
  return (
    <section aria-labelledby="settings-title">
      <h2 id="settings-title">Settings</h2>
      <ErrorNote error={error} />
      {status && (
        <dl className="facts">
          <dt>Data folder</dt>
          <dd>
            <code>{status.dataDir}</code>
          </dd>
          <dt>MCP endpoint</dt>
          <dd>
            <code>http://127.0.0.1:{status.port}/mcp</code>
          </dd>
          <dt>Bundle</dt>
          <dd>
            {status.bundle.name} v{status.bundle.version} <small>({status.bundle.source})</small>
          </dd>
        </dl>
      )}
      <h3>Organisation</h3>
      {status && !status.org && (
        <>
          <p className="hint">
            Not enrolled: this desktop runs a local bundle. To join your organisation, open the link your admin sent, fill in the form below, or run{' '}
            <code>gatehouse enroll https://sync.example.com --token … --fingerprint SHA256:…</code>.
          </p>
          <Enroll link={link} onDone={reloadStatus} />
        </>
      )}
      {status?.org && (
        <>
          <dl className="facts">
            <dt>Organisation</dt>
            <dd>
              {status.org.name} <small>({status.org.org})</small>
            </dd>
            <dt>Sync endpoint</dt>
            <dd>
              <code>{status.org.syncUrl}</code>
            </dd>
            <dt>This device</dt>
            <dd>
              <code>{status.org.deviceId ?? 'not enrolled yet'}</code>
            </dd>
            <dt>Sync</dt>
            <dd>
              {status.org.state}
              {status.org.lastContactAt ? <small> (last contact {ago(status.org.lastContactAt)})</small> : null}
            </dd>
          </dl>
          <button
            type="button"
            onClick={() => {
              setSync('syncing…');
              void api.syncNow().then(
                (r) => setSync(r.ok ? `version ${r.version} in force${r.lastRejection ? `; last refused: ${r.lastRejection}` : ''}` : (r.error ?? 'failed')),
                (e: Error) => setSync(e.message),
              );
            }}
          >
            Sync now
          </button>
          {sync && (
            <span role="status" className="hint">
              {' '}
              {sync}
            </span>
          )}
        </>
      )}
      <h3>Signed in as</h3>
      {status?.identity && (
        <p>
          <strong>{status.identity.user}</strong>
          {status.identity.groups.length ? <> in {status.identity.groups.join(', ')}</> : null}
          <small> — {status.identity.source === 'oidc' ? "from your organisation's login" : "this computer's account"}</small>
          {status.identity.problem && (
            <span className="hint">
              <br />
              {status.identity.problem}
            </span>
          )}
        </p>
      )}
      <h3>Log</h3>
      {logLevel && (
        <label>
          Log level{' '}
          <select value={logLevel.level} onChange={(e) => void api.setLogLevel(e.target.value).then(reloadLevel)}>
            {logLevel.levels.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
          <small className="hint">
            {' '}
            — what the daemon writes to {status ? <code>{status.dataDir}/logs/daemon.log</code> : 'its log'} (or its console): errors only, warnings, everyday
            events, or everything
          </small>
        </label>
      )}
      <h3>Agent tokens</h3>
      <p className="hint">HTTP agents need a token of their own; calls are attributed to it. A token is shown once.</p>
      <form
        className="inline"
        onSubmit={(e) => {
          e.preventDefault();
          void api.createToken(name).then((r) => {
            setCreated(`${r.agent}: ${r.token}`);
            setName('');
            reload();
          });
        }}
      >
        <label>
          Agent name <input value={name} onChange={(e) => setName(e.target.value)} pattern="[A-Za-z0-9._-]{1,64}" required />
        </label>
        <button type="submit" className="primary">
          Create token
        </button>
      </form>
      {created && (
        <pre role="status" className="result">
          {created}
        </pre>
      )}
      <ul className="plain">
        {agents?.tokens.map((t) => (
          <li key={t.agent}>
            {t.agent} <small>created {t.createdAt}</small>{' '}
            <button type="button" className="danger" onClick={() => setRevoking(t.agent)} aria-label={`Revoke the token of ${t.agent}`}>
              Revoke
            </button>
          </li>
        ))}
      </ul>
      {revoking && (
        <Confirm
          question={`Revoke the token of "${revoking}"? Its client is refused from its next request until it gets a new one.`}
          yes="Yes, revoke"
          tone="danger"
          onYes={() => {
            const agent = revoking;
            setRevoking(undefined);
            void api.revokeToken(agent).then(reload);
          }}
          onCancel={() => setRevoking(undefined)}
        />
      )}
    </section>
  );
}
