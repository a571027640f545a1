import { useState } from 'react';
import { KeyDevicesSchema, KeysSchema, RotateResponseSchema } from '../../../shared/console/contract.ts';
import { Confirm } from '../../../ui-shared/confirm.tsx';
import { Badge } from '../../../ui-shared/primitives.tsx';
import { call, path, query } from '../api.ts';
import { useFocusOnChange, useLoad, usePages } from '../hooks.ts';
import { Pager, Problem } from '../ui.tsx';

// The org's signing keys: the current one, the next one a rotation introduced, and
// retired ones, with how many desktops trust each. A rotation makes the next key now;
// the next publish completes it, and desktops that missed it show up here.

const STATE_TONE = { current: 'ok', next: 'info', retired: 'warn' } as const;

function KeyDevices({ keyId }: { keyId: string }) {
  const pages = usePages((cursor) => call('GET', `${path('/keys/:keyId/devices', { keyId })}${query({ cursor, limit: 50 })}`, KeyDevicesSchema), [keyId]);
  return (
    <section aria-labelledby="kd-title" className="record-detail">
      <h3 id="kd-title">
        Devices that trust <code>{keyId}</code>
      </h3>
      <Problem error={pages.error} what="the devices of this key" />
      {pages.data &&
        (pages.data.devices.length === 0 ? (
          <p className="hint">None.</p>
        ) : (
          <table aria-label={`Devices that trust ${keyId}`}>
            <thead>
              <tr>
                <th>Device</th>
                <th>User</th>
                <th>Bundle</th>
              </tr>
            </thead>
            <tbody>
              {pages.data.devices.map((d) => (
                <tr key={d.id}>
                  <td>
                    <a href={`#/fleet/${encodeURIComponent(d.id)}`}>{d.name}</a>
                  </td>
                  <td>{d.user ?? '—'}</td>
                  <td>{d.bundleVersion ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
      {(pages.hasNext || pages.hasPrevious) && <Pager label="Device pages" {...pages} />}
    </section>
  );
}

export function Keys({ onChanged }: { onChanged: () => void }) {
  const { data, error, reload } = useLoad(() => call('GET', '/keys', KeysSchema), []);
  const [shown, setShown] = useState<string>();
  const [asking, setAsking] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  const ref = useFocusOnChange(message);
  const rotate = async () => {
    setAsking(false);
    try {
      const r = await call('POST', '/keys/rotate', RotateResponseSchema, {});
      setMessage({ ok: true, text: `${r.message} New key ${r.next.keyId}, fingerprint ${r.next.fingerprint}.` });
      reload();
      onChanged();
    } catch (e) {
      setMessage({ ok: false, text: (e as Error).message });
    }
  };
  return (
    <section aria-labelledby="keys-title">
      <h2 id="keys-title">Keys</h2>
      <p className="hint">
        The private keys stay in the workspace on this computer; desktops pin the public keys at enrollment and follow rotations announced in signed bundles.
      </p>
      <Problem error={error} what="keys" />
      {message && (
        <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'outcome' : 'error'} tabIndex={-1} ref={ref}>
          {message.text}
        </p>
      )}
      {data && (
        <>
          <div className="scroll-x">
            <table aria-label="Signing keys">
              <thead>
                <tr>
                  <th>Key</th>
                  <th>Fingerprint</th>
                  <th>State</th>
                  <th>Devices that trust it</th>
                </tr>
              </thead>
              <tbody>
                {data.keys.map((k) => (
                  <tr key={k.keyId}>
                    <td>
                      <code>{k.keyId}</code>
                    </td>
                    <td>
                      <code className="hash">{k.fingerprint}</code>
                    </td>
                    <td>
                      <Badge tone={STATE_TONE[k.state]}>{k.state}</Badge>
                    </td>
                    <td>
                      <button
                        type="button"
                        className="link"
                        onClick={() => setShown(k.keyId)}
                        aria-label={`${k.devices} device(s) trust ${k.keyId}: list them`}
                      >
                        {k.devices}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {data.devicesUnknown > 0 && <p className="hint">{data.devicesUnknown} device(s) have not reported their keys yet.</p>}
          <button type="button" onClick={() => setAsking(true)}>
            Rotate the signing key
          </button>
          {asking && (
            <Confirm
              question="Make a new signing key? The next publish is signed by the current key and names only the new one; after it the current key is retired. Desktops that have not synced since keep the old key until they do."
              yes="Yes, rotate"
              tone="primary"
              onYes={() => void rotate()}
              onCancel={() => setAsking(false)}
            />
          )}
        </>
      )}
      {shown && <KeyDevices key={shown} keyId={shown} />}
    </section>
  );
}
