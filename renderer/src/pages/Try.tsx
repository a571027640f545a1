import { useEffect, useState, type FormEvent } from 'react';
import { z } from 'zod';
import { call } from '../api.ts';
import { Empty, ErrorNote, Visible } from '../ui.tsx';

// "Try a tool": a form built from the tool's input schema, called through the gateway
// as the agent "dashboard", so policy, pinning and audit apply as to any agent.

interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  enum?: unknown[];
  description?: string;
  title?: string;
  default?: unknown;
}
const ToolSchema = z.object({
  name: z.string(),
  title: z.string().optional(),
  description: z.string().optional(),
  inputSchema: z.record(z.string(), z.unknown()).optional(),
});
type Tool = z.infer<typeof ToolSchema>;
const Answer = z.object({ result: z.unknown().optional(), error: z.object({ code: z.number(), message: z.string() }).optional() });

const listTools = () =>
  call('POST', '/try', Answer, { method: 'tools/list' }).then((a) => {
    if (a.error) throw new Error(a.error.message);
    return z.object({ tools: z.array(ToolSchema) }).parse(a.result).tools;
  });

const kindOf = (s: Schema): string => {
  const t = Array.isArray(s.type) ? s.type.find((x) => x !== 'null') : s.type;
  if (s.enum && s.enum.every((v) => typeof v === 'string')) return 'enum';
  return t === 'string' || t === 'number' || t === 'integer' || t === 'boolean' ? t : 'json';
};

/** The form's values as the call's arguments; a message naming the field when one does not parse. */
function toArguments(props: [string, Schema][], values: Map<string, string | boolean>, required: Set<string>): Record<string, unknown> | string {
  const args: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [name, s] of props) {
    const v = values.get(name);
    const kind = kindOf(s);
    if (kind === 'boolean') {
      if (v !== undefined) args[name] = v === true;
      continue;
    }
    if (typeof v !== 'string' || v === '') {
      if (required.has(name)) return `${name} is required`;
      continue;
    }
    if (kind === 'number' || kind === 'integer') {
      const n = Number(v);
      if (!Number.isFinite(n) || (kind === 'integer' && !Number.isInteger(n))) return `${name} must be ${kind === 'integer' ? 'a whole number' : 'a number'}`;
      args[name] = n;
    } else if (kind === 'json') {
      try {
        args[name] = JSON.parse(v);
      } catch {
        return `${name} must be JSON`;
      }
    } else args[name] = v;
  }
  return { ...args };
}

function Field({
  name,
  schema,
  required,
  value,
  onChange,
}: {
  name: string;
  schema: Schema;
  required: boolean;
  value: string | boolean | undefined;
  onChange: (v: string | boolean) => void;
}) {
  const kind = kindOf(schema);
  const label = (
    <>
      {schema.title ?? name}
      {required ? <span aria-hidden="true"> *</span> : null}
    </>
  );
  const hint = schema.description ? (
    <small className="hint">
      <Visible text={schema.description} />
    </small>
  ) : null;
  const id = `arg-${name}`;
  if (kind === 'boolean')
    return (
      <div>
        <label>
          <input type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} /> {label}
        </label>{' '}
        {hint}
      </div>
    );
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {kind === 'enum' ? (
        <select id={id} value={typeof value === 'string' ? value : ''} required={required} onChange={(e) => onChange(e.target.value)}>
          <option value="">—</option>
          {(schema.enum as string[]).map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      ) : kind === 'json' ? (
        <textarea
          id={id}
          rows={3}
          value={typeof value === 'string' ? value : ''}
          required={required}
          onChange={(e) => onChange(e.target.value)}
          placeholder="JSON"
        />
      ) : (
        <input
          id={id}
          type={kind === 'string' ? 'text' : 'number'}
          step={kind === 'integer' ? 1 : 'any'}
          value={typeof value === 'string' ? value : ''}
          required={required}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
      {hint}
    </div>
  );
}

const IMAGE = /^image\/(png|jpeg|gif|webp)$/;

/** What came back, rendered by content type; anything unknown is shown as JSON. */
function Result({ result }: { result: unknown }) {
  const r = (result ?? {}) as { content?: unknown[]; isError?: boolean; structuredContent?: unknown };
  return (
    <section aria-labelledby="result-title" className="result">
      <h3 id="result-title">Result {r.isError ? <span className="badge badge-bad">the tool reported an error</span> : null}</h3>
      {(r.content ?? []).map((c, i) => {
        const item = (c ?? {}) as {
          type?: string;
          text?: string;
          data?: string;
          mimeType?: string;
          uri?: string;
          name?: string;
          resource?: { uri?: string; text?: string; mimeType?: string };
        };
        if (item.type === 'text' && typeof item.text === 'string')
          return (
            <pre key={i}>
              <Visible text={item.text} />
            </pre>
          );
        if (item.type === 'image' && typeof item.data === 'string' && IMAGE.test(item.mimeType ?? ''))
          return <img key={i} src={`data:${item.mimeType};base64,${item.data}`} alt={`image ${i + 1} from the tool`} className="result-image" />;
        if (item.type === 'resource' && item.resource)
          return (
            <div key={i}>
              <code>{item.resource.uri}</code>
              {typeof item.resource.text === 'string' && (
                <pre>
                  <Visible text={item.resource.text} />
                </pre>
              )}
            </div>
          );
        if (item.type === 'resource_link')
          return (
            <p key={i}>
              Link to <code>{item.uri}</code>
              {item.name ? ` (${item.name})` : ''}
            </p>
          );
        return <pre key={i}>{JSON.stringify(c, null, 2)}</pre>;
      })}
      {r.structuredContent !== undefined && (
        <>
          <h4>Structured content</h4>
          <pre>{JSON.stringify(r.structuredContent, null, 2)}</pre>
        </>
      )}
    </section>
  );
}

function ToolForm({ tool }: { tool: Tool }) {
  const schema = (tool.inputSchema ?? {}) as Schema;
  const props = Object.entries(schema.properties ?? {});
  const required = new Set(schema.required ?? []);
  const [values, setValues] = useState(() => new Map<string, string | boolean>());
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState<z.infer<typeof Answer>>();
  const [problem, setProblem] = useState<string>();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const args = toArguments(props, values, required);
    if (typeof args === 'string') {
      setProblem(args);
      return;
    }
    setProblem(undefined);
    setBusy(true);
    call('POST', '/try', Answer, { method: 'tools/call', params: { name: tool.name, arguments: args } })
      .then(setAnswer, (err: unknown) => setProblem((err as Error).message))
      .finally(() => setBusy(false));
  };
  return (
    <form onSubmit={submit} className="stack" aria-labelledby="try-tool-title">
      <h3 id="try-tool-title">
        <code>{tool.name}</code>
      </h3>
      {tool.description && (
        <p className="hint">
          <Visible text={tool.description} />
        </p>
      )}
      {props.length === 0 && <p className="hint">This tool takes no arguments.</p>}
      {props.map(([name, s]) => (
        <Field
          key={name}
          name={name}
          schema={s}
          required={required.has(name)}
          value={values.get(name)}
          onChange={(v) => setValues((m) => new Map(m).set(name, v))}
        />
      ))}
      <div>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Calling…' : 'Call'}
        </button>
      </div>
      {problem && (
        <p role="alert" className="error">
          {problem}
        </p>
      )}
      {answer?.error && (
        <p role="alert" className="error">
          Gatehouse refused or the server failed: {answer.error.message}
        </p>
      )}
      {answer && !answer.error && <Result result={answer.result} />}
    </form>
  );
}

export function Try({ selected }: { selected: string | undefined }) {
  const [tools, setTools] = useState<Tool[]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    listTools().then(setTools, (e: unknown) => setError((e as Error).message));
  }, []);
  const tool = tools?.find((t) => t.name === selected);
  return (
    <section aria-labelledby="try-title">
      <h2 id="try-title">Try a tool</h2>
      <p className="hint">
        Calls go through Gatehouse as the agent <strong>dashboard</strong>: your policies, pinning and the audit log apply, as they do to your IDE's agents.
      </p>
      <ErrorNote error={error} />
      {tools && tools.length === 0 && (
        <Empty title="No tools for the dashboard">No rule lets the agent "dashboard" call a tool, or every tool awaits review.</Empty>
      )}
      {tools && tools.length > 0 && (
        <label>
          Tool{' '}
          <select
            value={tool?.name ?? ''}
            onChange={(e) => {
              location.hash = `#/try/${encodeURIComponent(e.target.value)}`;
            }}
          >
            <option value="">pick a tool</option>
            {tools.map((t) => (
              <option key={t.name} value={t.name}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
      )}
      {tool && <ToolForm key={tool.name} tool={tool} />}
    </section>
  );
}
