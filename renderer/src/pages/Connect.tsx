import { useState } from 'react';
import { api } from '../api.ts';

const CLIENTS = [['claude-desktop', 'Claude Desktop'], ['claude-code', 'Claude Code'], ['cursor', 'Cursor'], ['vscode', 'VS Code'], ['windsurf', 'Windsurf']] as const;

export function Connect() {
  const [result, setResult] = useState<{ client: string; text: string; ok: boolean }>();
  const run = async (client: string, mode: 'preview' | 'apply' | 'undo') => {
    try {
      const r = await api.connect(client, mode);
      const what = mode === 'preview' ? `Would write ${r.path}:\n\n${r.content}` : r.applied ? `${mode === 'undo' ? 'Removed Gatehouse from' : 'Wrote'} ${r.path}${r.backup ? ` (backup: ${r.backup})` : ''}. Restart ${r.label}.\n\n${r.snippet}` : `Nothing to change in ${r.path}.`;
      setResult({ client, text: what, ok: true });
    } catch (e) {
      setResult({ client, text: (e as Error).message, ok: false });
    }
  };
  return (
    <section aria-labelledby="connect-title">
      <h2 id="connect-title">Connect your IDE</h2>
      <p className="hint">One click writes Gatehouse into the IDE's MCP configuration, after a backup. It is idempotent, and Undo takes it out again.</p>
      <ul className="connect">
        {CLIENTS.map(([id, label]) => (
          <li key={id}><strong>{label}</strong>
            <button type="button" onClick={() => void run(id, 'preview')}>Preview</button>
            <button type="button" className="primary" onClick={() => void run(id, 'apply')}>Connect</button>
            <button type="button" onClick={() => void run(id, 'undo')}>Undo</button></li>
        ))}
      </ul>
      {result && <pre role="status" className={result.ok ? 'result' : 'error'}>{result.text}</pre>}
    </section>
  );
}
