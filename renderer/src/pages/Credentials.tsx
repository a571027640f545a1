import { useState } from 'react';
import { api } from '../api.ts';
import { Badge, Empty, ErrorNote, useLive } from '../ui.tsx';
import { Confirm } from '../../../ui-shared/confirm.tsx';

function SlotRow({
  slot,
  reload,
}: {
  slot: {
    server: string;
    slot: string;
    kind: string;
    set: boolean;
    required: boolean;
    due: boolean;
    setAt: string | null;
    rotatedAt: string | null;
    description: string | null;
  };
  reload: () => void;
}) {
  const [value, setValue] = useState('');
  const [message, setMessage] = useState<string>();
  const [asking, setAsking] = useState(false);
  const id = `${slot.server}-${slot.slot}`;
  const save = async (rotate: boolean) => {
    try {
      await api.setSecret(slot.server, slot.slot, value, rotate);
      setValue('');
      setMessage(rotate ? 'rotated' : 'saved');
      reload();
    } catch (e) {
      setMessage((e as Error).message);
    }
  };
  return (
    <tr>
      <td>
        <strong>
          {slot.server}/{slot.slot}
        </strong>
        <br />
        <small>{slot.description ?? slot.kind}</small>
      </td>
      <td>
        {slot.set ? <Badge tone="ok">set</Badge> : slot.required ? <Badge tone="bad">missing</Badge> : <Badge tone="info">not set</Badge>}{' '}
        {slot.due && <Badge tone="warn">rotation due</Badge>}
        <br />
        <small>{slot.rotatedAt ? `rotated ${slot.rotatedAt}` : slot.setAt ? `set ${slot.setAt}` : ''}</small>
      </td>
      <td>
        {slot.kind === 'oauth' ? (
          <p className="hint">
            Sign in with <code>gatehouse login {slot.server}</code>.
          </p>
        ) : (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void save(slot.set);
            }}
          >
            <label htmlFor={id} className="sr-only">
              New value for {slot.server}/{slot.slot}
            </label>
            <input id={id} type="password" autoComplete="off" value={value} onChange={(e) => setValue(e.target.value)} placeholder="value (write-only)" />
            <button type="submit" disabled={!value}>
              {slot.set ? 'Rotate' : 'Set'}
            </button>
            {slot.set && (
              <button type="button" className="danger" onClick={() => setAsking(true)} aria-label={`Delete ${slot.server}/${slot.slot}`}>
                Delete
              </button>
            )}
          </form>
        )}
        {asking && (
          <Confirm
            question={`Delete ${slot.server}/${slot.slot} from the keychain? ${slot.server} restarts without it${slot.required ? ' and cannot work until it is set again' : ''}.`}
            yes="Yes, delete"
            tone="danger"
            onYes={() => {
              setAsking(false);
              void api.deleteSecret(slot.server, slot.slot).then(
                () => {
                  setMessage('deleted');
                  reload();
                },
                (e: unknown) => setMessage((e as Error).message),
              );
            }}
            onCancel={() => setAsking(false)}
          />
        )}
        {message && <small role="status">{message}</small>}
      </td>
    </tr>
  );
}

export function Credentials() {
  const { data, error, reload } = useLive(api.secrets);
  if (!data) return <ErrorNote error={error} />;
  return (
    <section aria-labelledby="cred-title">
      <h2 id="cred-title">Credentials</h2>
      <p className="hint">Values live in your OS keychain. They go in here and never come out: not to this page, not to any agent.</p>
      <ErrorNote error={error} />
      {data.length === 0 ? (
        <Empty title="No credentials needed">No server in the bundle declares a credential slot.</Empty>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Slot</th>
              <th>State</th>
              <th>Value</th>
            </tr>
          </thead>
          <tbody>
            {data.map((s) => (
              <SlotRow key={`${s.server}/${s.slot}`} slot={s} reload={reload} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
