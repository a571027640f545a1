import { useState } from 'react';
import { PublishResultSchema } from '../../shared/console/contract.ts';
import { Confirm } from '../../ui-shared/confirm.tsx';
import { call } from './api.ts';
import { useFocusOnChange } from './hooks.ts';

/** The workspace differs from what desktops have: say so on every page, with the one action that fixes it. */
export function PublishBar({ unpublished, onPublished }: { unpublished: boolean; onPublished: () => void }) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string }>();
  const ref = useFocusOnChange(outcome);
  const publish = async () => {
    setAsking(false);
    setBusy(true);
    try {
      const r = await call('POST', '/publish', PublishResultSchema, { ttlDays: 30 });
      setOutcome({
        ok: true,
        text: `Published version ${r.version} (${r.servers} servers, ${r.rules} rules, valid until ${new Date(r.expiresAt).toLocaleDateString()}): enrolled desktops pick it up within seconds.`,
      });
      onPublished();
    } catch (e) {
      setOutcome({ ok: false, text: `Not published: ${(e as Error).message}` });
    } finally {
      setBusy(false);
    }
  };
  if (!unpublished && !outcome) return null;
  const said = outcome && (
    <p role={outcome.ok ? 'status' : 'alert'} className={outcome.ok ? 'outcome' : 'error'} tabIndex={-1} ref={ref}>
      {outcome.text}{' '}
      <button type="button" onClick={() => setOutcome(undefined)}>
        Dismiss
      </button>
    </p>
  );
  if (!unpublished) return <div className="published">{said}</div>;
  return (
    <section className="publish-bar" aria-label="Unpublished changes">
      <p>The workspace has changes desktops do not have yet.</p>
      <button type="button" className="primary" disabled={busy} onClick={() => setAsking(true)}>
        {busy ? 'Signing and publishing…' : 'Publish'}
      </button>
      {asking && (
        <Confirm
          question="Sign the workspace's registry and policies with the org key and publish them to every enrolled desktop?"
          yes="Yes, publish"
          tone="primary"
          onYes={() => void publish()}
          onCancel={() => setAsking(false)}
        />
      )}
      {said}
    </section>
  );
}
