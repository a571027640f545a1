import { useState } from 'react';
import type { AgentRequest } from '../../../shared/control/contract.ts';
import { api } from '../api.ts';
import { ago, Badge, useLive } from '../ui.tsx';

/**
 * An IDE that connects with OAuth waits here for the person: it names the client,
 * the agent name its calls will carry (editable), where the token goes and what the
 * policy lets that agent call. Only this page (behind the control token) can allow it.
 */
function RequestCard({ r, decided }: { r: AgentRequest; decided: (outcome: string) => void }) {
  const [agent, setAgent] = useState(r.agent);
  const [note, setNote] = useState<string>();
  const [busy, setBusy] = useState(false);
  const decide = (allow: boolean) => {
    setBusy(true);
    api
      .decideAgentRequest(r.id, allow, agent !== r.agent ? agent : undefined)
      .then(
        (d) => decided(d.allowed ? `Allowed: ${r.client} connects as "${d.agent}". Revoke it any time in Settings.` : `Denied: ${r.client} gets no token.`),
        (e: unknown) => setNote((e as Error).message),
      )
      .finally(() => setBusy(false));
  };
  const id = `agent-name-${r.id}`;
  return (
    <li className="consent">
      <p>
        <strong>{r.client}</strong> asks to connect to Gatehouse <small>({ago(r.createdAt)})</small>.
      </p>
      <p>
        The token goes to {r.redirect}
        {r.remote && (
          <>
            {' '}
            <Badge tone="bad">leaves this machine</Badge> Only allow this if you started it from a web app you trust.
          </>
        )}
      </p>
      <p>
        {r.tools.length === 0 ? (
          'Under the current policy this agent may call no tool.'
        ) : (
          <>
            Under the current policy it may call {r.tools.length} tool{r.tools.length === 1 ? '' : 's'}:{' '}
            <code>
              {r.tools.slice(0, 8).join(', ')}
              {r.tools.length > 8 ? ', …' : ''}
            </code>
          </>
        )}
      </p>
      <label htmlFor={id}>Agent name its calls will carry</label>{' '}
      <input id={id} value={agent} onChange={(e) => setAgent(e.target.value)} pattern="[A-Za-z0-9._-]{1,64}" />{' '}
      <button type="button" className="primary" disabled={busy} onClick={() => decide(true)}>
        Allow
      </button>{' '}
      <button type="button" className="danger" disabled={busy} onClick={() => decide(false)}>
        Deny
      </button>
      {note && <p role="status">{note}</p>}
    </li>
  );
}

/**
 * The outcome of the last decision lives here, not in its card: a decided request
 * leaves the list at the next reload, and its card with it, so a note kept in the card
 * vanished before the person could read it.
 */
export function AgentRequests() {
  const { data, reload } = useLive(api.agentRequests);
  const [outcome, setOutcome] = useState<string>();
  const decided = (text: string) => {
    setOutcome(text);
    reload();
  };
  const pending = data ?? [];
  return (
    <>
      {outcome && <p role="status">{outcome}</p>}
      {pending.length > 0 && (
        <section className="problems" aria-labelledby="agent-requests-title">
          <h3 id="agent-requests-title">{pending.length === 1 ? 'An IDE asks to connect' : `${pending.length} IDEs ask to connect`}</h3>
          <ul className="plain">
            {pending.map((r) => (
              <RequestCard key={r.id} r={r} decided={decided} />
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
