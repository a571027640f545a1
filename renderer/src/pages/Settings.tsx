import { useState } from 'react';
import { api } from '../api.ts';
import { ErrorNote, useLive } from '../ui.tsx';

export function Settings() {
  const { data: status, error } = useLive(api.status);
  const { data: agents, reload } = useLive(api.agents);
  const [name, setName] = useState('');
  const [created, setCreated] = useState<string>();
  return (
    <section aria-labelledby="settings-title">
      <h2 id="settings-title">Settings</h2>
      <ErrorNote error={error} />
      {status && <dl className="facts">
        <dt>Data folder</dt><dd><code>{status.dataDir}</code></dd>
        <dt>MCP endpoint</dt><dd><code>http://127.0.0.1:{status.port}/mcp</code></dd>
        <dt>Bundle</dt><dd>{status.bundle.name} v{status.bundle.version} <small>({status.bundle.source})</small></dd>
      </dl>}
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
