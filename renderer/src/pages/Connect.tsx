import { useState } from 'react';
import { api } from '../api.ts';

const CLIENTS = [
  ['claude-desktop', 'Claude Desktop'],
  ['claude-code', 'Claude Code'],
  ['cursor', 'Cursor'],
  ['vscode', 'VS Code'],
  ['windsurf', 'Windsurf'],
] as const;

export function Connect() {
  const [result, setResult] = useState<{ client: string; text: string; ok: boolean }>();
  const run = async (client: string, mode: 'preview' | 'apply' | 'undo') => {
    try {
      const r = await api.connect(client, mode);
      const what =
        mode === 'preview'
          ? r.status === 'unchanged'
            ? `${r.path} already has Gatehouse; nothing to change.`
            : `Would write ${r.path}:\n\n${r.content}`
          : !r.applied
            ? `Nothing to change in ${r.path}.`
            : r.status === 'remove'
              ? `Removed ${r.path}: Gatehouse had created it and nothing else was in it. Restart ${r.label}.`
              : mode === 'undo'
                ? `Took Gatehouse out of ${r.path}${r.backup ? ` (backup: ${r.backup})` : ''}. Restart ${r.label}.`
                : `Wrote ${r.path}${r.backup ? ` (backup: ${r.backup})` : ''}. Restart ${r.label}.\n\n${r.snippet}`;
      setResult({ client, text: what, ok: true });
    } catch (e) {
      setResult({ client, text: (e as Error).message, ok: false });
    }
  };
  return (
    <section aria-labelledby="connect-title">
      <h2 id="connect-title">Connect your IDE</h2>
      <p className="hint">
        One click writes Gatehouse into the IDE's MCP configuration, after a backup. It keeps the file's comments and layout, is idempotent, and Undo takes it
        out again (giving back the file as it was when nothing else changed).
      </p>
      <ul className="connect">
        {CLIENTS.map(([id, label]) => (
          <li key={id}>
            <strong>{label}</strong>
            <button type="button" onClick={() => void run(id, 'preview')}>
              Preview
            </button>
            <button type="button" className="primary" onClick={() => void run(id, 'apply')}>
              Connect
            </button>
            <button type="button" onClick={() => void run(id, 'undo')}>
              Undo
            </button>
          </li>
        ))}
      </ul>
      {result && (
        <pre role="status" className={result.ok ? 'result' : 'error'}>
          {result.text}
        </pre>
      )}
    </section>
  );
}
