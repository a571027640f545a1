import { useEffect, useState, type FormEvent } from 'react';
import {
  AddServerRequestSchema,
  AddServerResponseSchema,
  CatalogueSchema,
  ImportResponseSchema,
  JobSchema,
  ServerChangeResponseSchema,
  type CatalogueServer,
  type Job,
} from '../../../shared/console/contract.ts';
import { Confirm } from '../../../ui-shared/confirm.tsx';
import { Badge, Empty, riskTone, When, type Tone } from '../../../ui-shared/primitives.tsx';
import { call, path } from '../api.ts';
import { useFocusOnChange, useLoad } from '../hooks.ts';
import { Problem } from '../ui.tsx';

// The org's registry as the workspace holds it: what each server is, what it may touch,
// which tool definitions are pinned. Approving connects to the server, lists, scans and
// pins its tools (as `gatehouse-admin server approve` does) with its progress shown.

const STATUS_TONE = new Map<string, Tone>([
  ['draft', 'info'],
  ['approved', 'ok'],
  ['deprecated', 'warn'],
  ['revoked', 'bad'],
]);

function ApproveJob({ server, onFinished }: { server: string; onFinished: () => void }) {
  const [job, setJob] = useState<Job>();
  const [error, setError] = useState<string>();
  const [asking, setAsking] = useState(false);
  const start = async (force: boolean) => {
    setAsking(false);
    setError(undefined);
    try {
      setJob(await call('POST', path('/catalogue/servers/:id/approve', { id: server }), JobSchema, { force }));
    } catch (e) {
      setError((e as Error).message);
    }
  };
  useEffect(() => {
    void start(false);
  }, [server]);
  useEffect(() => {
    if (!job || job.state !== 'running') {
      if (job) onFinished();
      return;
    }
    const timer = setTimeout(() => {
      call('GET', path('/jobs/:id', { id: job.id }), JobSchema).then(setJob, (e: unknown) => setError((e as Error).message));
    }, 400);
    return () => clearTimeout(timer);
  }, [job]);
  const risky = job?.tools.filter((t) => t.risk === 'high' || t.risk === 'critical') ?? [];
  return (
    <section className="job" aria-labelledby="job-title">
      <h3 id="job-title">
        Approving <code>{server}</code>{' '}
        {job && (
          <Badge tone={job.state === 'done' ? 'ok' : job.state === 'failed' ? 'bad' : 'info'}>{job.state === 'running' ? 'in progress' : job.state}</Badge>
        )}
      </h3>
      {!job && !error && <p role="status">Starting…</p>}
      {job && (
        <ol className="steps" aria-live="polite">
          {job.steps.map((s, i) => (
            <li key={i}>
              {s.message} <small className="hint">{new Date(s.at).toLocaleTimeString()}</small>
            </li>
          ))}
        </ol>
      )}
      {job && job.tools.length > 0 && (
        <div className="scroll-x">
          <table aria-label={`Tools of ${server}`}>
            <thead>
              <tr>
                <th>Tool</th>
                <th>Risk</th>
                <th>Findings</th>
                <th>Pin</th>
              </tr>
            </thead>
            <tbody>
              {job.tools.map((t) => (
                <tr key={t.name}>
                  <td>
                    <code>{t.name}</code>
                  </td>
                  <td>
                    <Badge tone={riskTone(t.risk)}>{t.risk}</Badge>
                  </td>
                  <td>{t.findings.join('; ') || <span className="hint">none</span>}</td>
                  <td>
                    <code className="hash">{t.hash}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {job?.state === 'done' && (
        <p role="status" className="outcome">
          Approved: {job.tools.length} tool(s) pinned. Publish to send it to desktops.
        </p>
      )}
      {job?.state === 'failed' && (
        <p role="alert" className="error">
          Not approved: {job.error}
        </p>
      )}
      {job?.state === 'failed' && risky.length > 0 && (
        <>
          <button type="button" className="danger" onClick={() => setAsking(true)}>
            Approve anyway
          </button>
          {asking && (
            <Confirm
              question={`Pin ${risky.map((t) => `${t.name} (${t.risk})`).join(', ')} even though they scan high or critical?`}
              yes="Yes, approve anyway"
              tone="danger"
              onYes={() => void start(true)}
              onCancel={() => setAsking(false)}
            />
          )}
        </>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </section>
  );
}

function Row({ s, onApprove, onChanged }: { s: CatalogueServer; onApprove: () => void; onChanged: (message: string) => void }) {
  const [asking, setAsking] = useState<'deprecate' | 'revoke'>();
  const act = async (what: 'deprecate' | 'revoke') => {
    setAsking(undefined);
    try {
      await call('POST', path(`/catalogue/servers/:id/${what}`, { id: s.id }), ServerChangeResponseSchema, {});
      onChanged(
        `${s.id} ${what === 'revoke' ? 'revoked: once published, desktops stop it and never start it again' : 'deprecated: once published, desktops warn its users'}.`,
      );
    } catch (e) {
      onChanged(`${s.id}: ${(e as Error).message}`);
    }
  };
  return (
    <tr>
      <td>
        <strong>{s.name ?? s.id}</strong> <code>{s.id}</code>
        {s.description && (
          <>
            <br />
            <small className="hint">{s.description}</small>
          </>
        )}
        <br />
        <small>{s.transport.type}:</small> <code className="target">{s.transport.target}</code>
        {s.source && (
          <>
            <br />
            <small className="hint">
              from {s.source.name}
              {s.source.version ? `@${s.source.version}` : ''}
            </small>
          </>
        )}
      </td>
      <td>
        <Badge tone={STATUS_TONE.get(s.status) ?? 'info'}>{s.status}</Badge>
        {s.approvedBy && (
          <>
            <br />
            <small className="hint">
              by {s.approvedBy}
              {s.approvedAt ? (
                <>
                  , <When at={s.approvedAt} />
                </>
              ) : null}
            </small>
          </>
        )}
      </td>
      <td>
        {s.pins.length === 0 ? (
          <span className="hint">none</span>
        ) : (
          <details>
            <summary>{s.pins.length} tool(s)</summary>
            <ul className="plain">
              {s.pins.map((p) => (
                <li key={p.tool}>
                  <code>{p.tool}</code>{' '}
                  <code className="hash" title={p.hash}>
                    {p.hash.slice(7, 19)}
                  </code>
                </li>
              ))}
            </ul>
          </details>
        )}
      </td>
      <td>
        {s.sandbox ? (
          <>
            {s.sandbox.summary}
            {s.sandbox.inherited && <small className="hint"> (registry default)</small>}
          </>
        ) : (
          <span className="hint">remote</span>
        )}
      </td>
      <td>
        {s.credentials.length === 0 ? (
          <span className="hint">none</span>
        ) : (
          <ul className="plain">
            {s.credentials.map((c) => (
              <li key={c.name}>
                <code>{c.name}</code>{' '}
                <small>
                  {c.kind}
                  {c.required ? '' : ', optional'}
                </small>
              </li>
            ))}
          </ul>
        )}
      </td>
      <td>
        {s.openEscalations > 0 ? (
          <a href="#/escalations" aria-label={`${s.openEscalations} open escalation(s) for ${s.id}`}>
            {s.openEscalations}
          </a>
        ) : (
          <span className="hint">0</span>
        )}
      </td>
      <td>
        <div className="actions">
          {s.status !== 'revoked' && (
            <button
              type="button"
              className={s.status === 'draft' ? 'primary' : undefined}
              onClick={onApprove}
              aria-label={`${s.status === 'draft' ? 'Approve' : 'Re-pin'} ${s.id}`}
            >
              {s.status === 'draft' ? 'Approve' : 'Re-pin'}
            </button>
          )}
          {s.status === 'approved' && (
            <button type="button" onClick={() => setAsking('deprecate')} aria-label={`Deprecate ${s.id}`}>
              Deprecate
            </button>
          )}
          {s.status !== 'revoked' && s.status !== 'draft' && (
            <button type="button" className="danger" onClick={() => setAsking('revoke')} aria-label={`Revoke ${s.id}`}>
              Revoke
            </button>
          )}
          {asking && (
            <Confirm
              question={
                asking === 'revoke'
                  ? `Revoke ${s.id}? Once published, every desktop stops it and deletes its credentials.`
                  : `Deprecate ${s.id}? Desktops keep running it but tell users it is going away.`
              }
              yes={`Yes, ${asking}`}
              tone="danger"
              onYes={() => void act(asking)}
              onCancel={() => setAsking(undefined)}
            />
          )}
        </div>
      </td>
    </tr>
  );
}

function ImportForm({ onDone }: { onDone: (message: string) => void }) {
  const [text, setText] = useState('');
  const [id, setId] = useState('');
  const [error, setError] = useState<string>();
  const readFile = (file: File | undefined) => {
    if (file) void file.text().then(setText);
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    let serverJson: unknown;
    try {
      serverJson = JSON.parse(text);
    } catch (err) {
      setError(`That is not JSON: ${(err as Error).message}`);
      return;
    }
    try {
      const r = await call('POST', '/catalogue/import', ImportResponseSchema, { serverJson, ...(id ? { id } : {}) });
      onDone(`Imported "${r.id}" as a draft.${r.notes.length ? ` ${r.notes.join(' ')}` : ''} Approve it to pin its tools.`);
      setText('');
      setId('');
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <form className="stack" onSubmit={(e) => void submit(e)} aria-labelledby="import-title">
      <h3 id="import-title">Import a server.json</h3>
      <p className="hint">The official MCP registry's format. Its first package (or remote) becomes a draft entry.</p>
      <label className="field">
        File <input type="file" accept="application/json,.json" onChange={(e) => readFile(e.target.files?.[0])} />
      </label>
      <label className="field">
        …or paste it <textarea rows={6} value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} />
      </label>
      <label className="field">
        Id in the registry (optional) <input value={id} onChange={(e) => setId(e.target.value)} placeholder="derived from its name" />
      </label>
      <div>
        <button type="submit" className="primary" disabled={!text.trim()}>
          Import
        </button>
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </form>
  );
}

const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

function AddForm({ onDone }: { onDone: (message: string) => void }) {
  const [f, setF] = useState({
    id: '',
    name: '',
    description: '',
    type: 'npm',
    package: '',
    version: '',
    command: '',
    args: '',
    url: '',
    slot: '',
    slotKind: 'env',
    slotVar: '',
    sandbox: 'default',
  });
  const [issues, setIssues] = useState<string[]>([]);
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF((old) => ({ ...old, [k]: e.target.value }));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const transport =
      f.type === 'npm'
        ? { type: 'npm', package: f.package, ...(f.version ? { version: f.version } : {}), args: lines(f.args) }
        : f.type === 'stdio'
          ? { type: 'stdio', command: f.command, args: lines(f.args) }
          : { type: f.type, url: f.url };
    const credentials = f.slot
      ? [{ name: f.slot, kind: f.slotKind, ...(f.slotVar ? (f.slotKind === 'header' ? { header: f.slotVar } : { env: f.slotVar }) : {}) }]
      : undefined;
    // Checked here with the same schema the console applies, so mistakes show at their field.
    const body = AddServerRequestSchema.safeParse({
      id: f.id,
      ...(f.name ? { name: f.name } : {}),
      ...(f.description ? { description: f.description } : {}),
      transport,
      ...(credentials ? { credentials } : {}),
      ...(f.sandbox === 'off' ? { sandbox: 'off' } : {}),
    });
    if (!body.success) {
      setIssues(body.error.issues.map((i) => `${i.path.join('.') || 'entry'}: ${i.message}`));
      return;
    }
    setIssues([]);
    try {
      const r = await call('POST', '/catalogue/servers', AddServerResponseSchema, body.data);
      onDone(`Added "${r.server.id}" as a draft. Approve it to pin its tools.`);
    } catch (err) {
      setIssues([(err as Error).message]);
    }
  };
  return (
    <form className="stack" onSubmit={(e) => void submit(e)} aria-labelledby="add-title">
      <h3 id="add-title">Add a server</h3>
      <label className="field">
        Id <input value={f.id} onChange={set('id')} required pattern="[a-z0-9][a-z0-9\-]{0,31}" aria-describedby="id-hint" />
      </label>
      <small id="id-hint" className="hint">
        1–32 lowercase letters, digits and -; agents see its tools as <code>id__tool</code>.
      </small>
      <label className="field">
        Name <input value={f.name} onChange={set('name')} />
      </label>
      <label className="field">
        Description <input value={f.description} onChange={set('description')} />
      </label>
      <label className="field">
        Runs as{' '}
        <select value={f.type} onChange={set('type')}>
          <option value="npm">npm package</option>
          <option value="stdio">command</option>
          <option value="http">remote (Streamable HTTP)</option>
          <option value="sse">remote (SSE)</option>
        </select>
      </label>
      {f.type === 'npm' && (
        <>
          <label className="field">
            Package <input value={f.package} onChange={set('package')} placeholder="@scope/server" />
          </label>
          <label className="field">
            Version <input value={f.version} onChange={set('version')} placeholder="pin an exact version" />
          </label>
        </>
      )}
      {f.type === 'stdio' && (
        <label className="field">
          Command <input value={f.command} onChange={set('command')} />
        </label>
      )}
      {(f.type === 'npm' || f.type === 'stdio') && (
        <label className="field">
          Arguments, one a line <textarea rows={2} value={f.args} onChange={set('args')} spellCheck={false} />
        </label>
      )}
      {(f.type === 'http' || f.type === 'sse') && (
        <label className="field">
          URL <input type="url" value={f.url} onChange={set('url')} />
        </label>
      )}
      <fieldset>
        <legend>Credential slot (optional)</legend>
        <label className="field">
          Slot name <input value={f.slot} onChange={set('slot')} placeholder="api_key" />
        </label>
        <label className="field">
          Given as{' '}
          <select value={f.slotKind} onChange={set('slotKind')}>
            <option value="env">environment variable</option>
            <option value="header">HTTP header</option>
            <option value="oauth">OAuth sign-in</option>
          </select>
        </label>
        {f.slotKind !== 'oauth' && (
          <label className="field">
            {f.slotKind === 'header' ? 'Header' : 'Variable'} name <input value={f.slotVar} onChange={set('slotVar')} />
          </label>
        )}
        <small className="hint">Users set the value on their desktop; it never passes through the org.</small>
      </fieldset>
      <label className="field">
        Sandbox{' '}
        <select value={f.sandbox} onChange={set('sandbox')}>
          <option value="default">the registry's default</option>
          <option value="off">off (not sandboxed)</option>
        </select>
      </label>
      <div>
        <button type="submit" className="primary">
          Add as draft
        </button>
      </div>
      {issues.length > 0 && (
        <ul role="alert" className="error">
          {issues.map((i) => (
            <li key={i}>{i}</li>
          ))}
        </ul>
      )}
    </form>
  );
}

export function Catalogue({ onChanged }: { onChanged: () => void }) {
  const { data, error, reload } = useLoad(() => call('GET', '/catalogue', CatalogueSchema), []);
  const [approving, setApproving] = useState<string>();
  const [message, setMessage] = useState<string>();
  const ref = useFocusOnChange(message);
  const changed = (m: string) => {
    setMessage(m);
    reload();
    onChanged();
  };
  return (
    <section aria-labelledby="cat-title">
      <h2 id="cat-title">Catalogue</h2>
      <Problem error={error} what="the catalogue" />
      {message && (
        <p role="status" className="message outcome" tabIndex={-1} ref={ref}>
          {message}
        </p>
      )}
      {data && (
        <>
          <p className="hint">
            Workspace version {data.workspaceVersion}
            {data.unpublished ? ', with unpublished changes' : ', as published'}.
          </p>
          {data.servers.length === 0 ? (
            <Empty title="No servers yet">
              Import a server.json from the MCP registry or add one by hand below; approve it to pin its tools, then publish.
            </Empty>
          ) : (
            <div className="scroll-x">
              <table className="catalogue" aria-label="Servers">
                <thead>
                  <tr>
                    <th>Server</th>
                    <th>Status</th>
                    <th>Pins</th>
                    <th>Sandbox</th>
                    <th>Credentials</th>
                    <th>Open escalations</th>
                    <th>
                      <span className="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.servers.map((s) => (
                    <Row key={s.id} s={s} onApprove={() => setApproving(s.id)} onChanged={changed} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
      {approving && (
        <ApproveJob
          key={approving}
          server={approving}
          onFinished={() => {
            reload();
            onChanged();
          }}
        />
      )}
      <div className="two-col">
        <ImportForm onDone={changed} />
        <AddForm onDone={changed} />
      </div>
    </section>
  );
}
