import { useState } from 'react';
import { api } from '../api.ts';
import { ago, ErrorNote, useLive } from '../ui.tsx';

export function Settings() {
  const { data: status, error } = useLive(api.status);
  const { data: agents, reload } = useLive(api.agents);
  const [name, setName] = useState('');
  const [created, setCreated] = useState<string>();
  const [sync, setSync] = useState<string>();
  return (
    <section aria-labelledby="settings-title">
      <h2 id="settings-title">Settings</h2>
      <ErrorNote error={error} />
      {status && <dl className="facts">
        <dt>Data folder</dt><dd><code>{status.dataDir}</code></dd>
        <dt>MCP endpoint</dt><dd><code>http://127.0.0.1:{status.port}/mcp</code></dd>
        <dt>Bundle</dt><dd>{status.bundle.name} v{status.bundle.version} <small>({status.bundle.source})</small></dd>
      </dl>}
      <h3>Organisation</h3>
      {status && !status.org && <p className="hint">
        Not enrolled: this desktop runs a local bundle. To join your organisation, run the command your admin sent,
        for example <code>gatehouse enroll https://sync.example.com --token … --fingerprint SHA256:…</code>, and restart Gatehouse.
      </p>}
      {status?.org && <>
        <dl className="facts">
          <dt>Organisation</dt><dd>{status.org.name} <small>({status.org.org})</small></dd>
          <dt>Sync endpoint</dt><dd><code>{status.org.syncUrl}</code></dd>
          <dt>This device</dt><dd><code>{status.org.deviceId ?? 'not enrolled yet'}</code></dd>
          <dt>Sync</dt><dd>{status.org.state}{status.org.lastContactAt ? <small> (last contact {ago(status.org.lastContactAt)})</small> : null}</dd>
        </dl>
        <button type="button" onClick={() => { setSync('syncing…'); void api.syncNow().then((r) => setSync(r.ok ? `version ${r.version} in force${r.lastRejection ? `; last refused: ${r.lastRejection}` : ''}` : r.error ?? 'failed'), (e: Error) => setSync(e.message)); }}>Sync now</button>
        {sync && <span role="status" className="hint"> {sync}</span>}
      </>}
      <h3>Signed in as</h3>
      {status?.identity && <p>
        <strong>{status.identity.user}</strong>{status.identity.groups.length ? <> in {status.identity.groups.join(', ')}</> : null}
        <small> — {status.identity.source === 'oidc' ? 'from your organisation\'s login' : 'this computer\'s account'}</small>
        {status.identity.problem && <span className="hint"><br />{status.identity.problem}</span>}
      </p>}
      <h3>Agent tokens</h3>
      <p className="hint">HTTP agents need a token of their own; calls are attributed to it. A token is shown once.</p>
      <form className="inline" onSubmit={(e) => { e.preventDefault(); void api.createToken(name).then((r) => { setCreated(`${r.agent}: ${r.token}`); setName(''); reload(); }); }}>
        <label>Agent name <input value={name} onChange={(e) => setName(e.target.value)} pattern="[A-Za-z0-9._-]{1,64}" required /></label>
        <button type="submit" className="primary">Create token</button>
      </form>
      {created && <pre role="status" className="result">{created}</pre>}
      <ul className="plain">{agents?.tokens.map((t) => <li key={t.agent}>{t.agent} <small>created {t.createdAt}</small> <button type="button" className="danger" onClick={() => void api.revokeToken(t.agent).then(reload)}>Revoke</button></li>)}</ul>
    </section>
  );
}
