import { useEffect, useState, type FormEvent } from 'react';
import { z } from 'zod';
import { PolicyRuleSchema } from '../../../shared/bundle/schema.ts';
import {
  PoliciesResponseSchema,
  PolicyDiffSchema,
  PolicyDocSchema,
  SimulateResponseSchema,
  ValidateResponseSchema,
  type PolicyDiff,
  type PolicyDoc,
  type SimulateResponse,
} from '../../../shared/console/contract.ts';
import { Badge, Empty } from '../../../ui-shared/primitives.tsx';
import { ApiError, call } from '../api.ts';
import { useFocusOnChange, useLoad } from '../hooks.ts';
import { Problem } from '../ui.tsx';

// The org's rules, edited one by one with validation as you type (the desktops' own
// schema here, the console's full check behind it), a simulator answered by the
// desktops' policy code, and what changes for whom before anything is saved.

type Rule = z.infer<typeof PolicyRuleSchema>;
interface RuleForm {
  key: number;
  id: string;
  description: string;
  effect: 'allow' | 'deny';
  users: string;
  groups: string;
  agents: string;
  servers: string;
  tools: string;
  arguments: string;
  paths: string;
}

let nextKey = 1;
const list = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const joined = (values: string[] | undefined) => (values ?? []).join(', ');

function toForm(r: Rule): RuleForm {
  return {
    key: nextKey++,
    id: r.id,
    description: r.description ?? '',
    effect: r.effect,
    users: joined(r.subjects.users),
    groups: joined(r.subjects.groups),
    agents: joined(r.subjects.agents),
    servers: joined(r.servers),
    tools: joined(r.tools),
    arguments: r.arguments ? JSON.stringify(r.arguments, null, 2) : '',
    paths: r.paths.length ? JSON.stringify(r.paths, null, 2) : '',
  };
}

/** The rule as the bundle carries it, or why the JSON fields cannot be read. */
function fromForm(f: RuleForm, index: number): { rule: unknown; issues: string[] } {
  const issues: string[] = [];
  const json = (text: string, what: string) => {
    if (!text.trim()) return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch (e) {
      issues.push(`rules.${index}.${what}: not JSON (${(e as Error).message})`);
      return undefined;
    }
  };
  const subjects: Record<string, string[]> = {};
  if (list(f.users).length) subjects.users = list(f.users);
  if (list(f.groups).length) subjects.groups = list(f.groups);
  if (list(f.agents).length) subjects.agents = list(f.agents);
  const args = json(f.arguments, 'arguments');
  const paths = json(f.paths, 'paths');
  return {
    rule: {
      id: f.id,
      ...(f.description ? { description: f.description } : {}),
      effect: f.effect,
      subjects,
      servers: list(f.servers).length ? list(f.servers) : ['*'],
      tools: list(f.tools).length ? list(f.tools) : ['*'],
      ...(args !== undefined ? { arguments: args } : {}),
      ...(paths !== undefined ? { paths } : {}),
    },
    issues,
  };
}

interface Draft {
  rules: RuleForm[];
  rateLimits: string;
  profiles: string;
  agents: string;
}
const toDraft = (doc: PolicyDoc): Draft => ({
  rules: doc.policies.rules.map(toForm),
  rateLimits: JSON.stringify(doc.policies.rateLimits, null, 2),
  profiles: JSON.stringify(doc.profiles, null, 2),
  agents: JSON.stringify(doc.agents, null, 2),
});

/** The document the draft makes, checked with the desktops' schema; issues carry their path. */
function build(d: Draft): { doc: PolicyDoc | undefined; raw: unknown; issues: string[] } {
  const issues: string[] = [];
  const rules = d.rules.map((f, i) => {
    const r = fromForm(f, i);
    issues.push(...r.issues);
    return r.rule;
  });
  const json = (text: string, what: string) => {
    try {
      return JSON.parse(text || '[]') as unknown;
    } catch (e) {
      issues.push(`${what}: not JSON (${(e as Error).message})`);
      return [];
    }
  };
  const raw = {
    policies: { rules, rateLimits: json(d.rateLimits, 'policies.rateLimits') },
    profiles: json(d.profiles, 'profiles'),
    agents: json(d.agents, 'agents'),
  };
  const ids = new Set<string>();
  d.rules.forEach((f, i) => {
    if (ids.has(f.id)) issues.push(`rules.${i}.id: "${f.id}" is used by an earlier rule`);
    ids.add(f.id);
  });
  const parsed = PolicyDocSchema.safeParse(raw);
  if (!parsed.success) issues.push(...parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  return { doc: issues.length === 0 && parsed.success ? parsed.data : undefined, raw, issues };
}

function RuleEditor({
  f,
  index,
  count,
  onChange,
  onMove,
  onRemove,
}: {
  f: RuleForm;
  index: number;
  count: number;
  onChange: (f: RuleForm) => void;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
}) {
  const set = (k: keyof RuleForm) => (e: { target: { value: string } }) => onChange({ ...f, [k]: e.target.value });
  const label = `rule ${index + 1}${f.id ? ` (${f.id})` : ''}`;
  return (
    <fieldset className={`rule rule-${f.effect}`}>
      <legend>
        Rule {index + 1}: <code>{f.id || 'unnamed'}</code> <Badge tone={f.effect === 'allow' ? 'ok' : 'bad'}>{f.effect}</Badge>
      </legend>
      <div className="rule-grid">
        <label className="field">
          Id <input value={f.id} onChange={set('id')} />
        </label>
        <label className="field">
          Effect{' '}
          <select value={f.effect} onChange={set('effect')}>
            <option value="allow">allow</option>
            <option value="deny">deny</option>
          </select>
        </label>
        <label className="field wide">
          Description <input value={f.description} onChange={set('description')} />
        </label>
        <label className="field">
          Users <input value={f.users} onChange={set('users')} placeholder="anyone" />
        </label>
        <label className="field">
          Groups <input value={f.groups} onChange={set('groups')} placeholder="any" />
        </label>
        <label className="field">
          Agents <input value={f.agents} onChange={set('agents')} placeholder="any" />
        </label>
        <label className="field">
          Servers <input value={f.servers} onChange={set('servers')} placeholder="*" />
        </label>
        <label className="field">
          Tools <input value={f.tools} onChange={set('tools')} placeholder="*" />
        </label>
        {f.effect === 'allow' && (
          <>
            <label className="field wide">
              Arguments must match (JSON Schema){' '}
              <textarea rows={2} value={f.arguments} onChange={set('arguments')} spellCheck={false} placeholder="any arguments" />
            </label>
            <label className="field wide">
              Path arguments within (JSON: [{'{'}"argument", "within": [...]{'}'}]){' '}
              <textarea rows={2} value={f.paths} onChange={set('paths')} spellCheck={false} placeholder="no path limits" />
            </label>
          </>
        )}
      </div>
      <div className="rule-actions">
        <button type="button" disabled={index === 0} onClick={() => onMove(-1)} aria-label={`Move ${label} up`}>
          Up
        </button>
        <button type="button" disabled={index === count - 1} onClick={() => onMove(1)} aria-label={`Move ${label} down`}>
          Down
        </button>
        <button type="button" className="danger" onClick={onRemove} aria-label={`Remove ${label}`}>
          Remove
        </button>
      </div>
    </fieldset>
  );
}

function DiffView({ diff }: { diff: PolicyDiff }) {
  const changedTools = diff.tools.filter((t) => JSON.stringify(t.before) !== JSON.stringify(t.after));
  const who = (rows: PolicyDiff['tools'][number]['before']) =>
    rows.length === 0 ? (
      <span className="hint">nobody</span>
    ) : (
      <ul className="plain">
        {rows.map((r) => (
          <li key={r.rule}>
            <Badge tone={r.effect === 'allow' ? 'ok' : 'bad'}>{r.effect}</Badge> {r.who}{' '}
            <small className="hint">
              ({r.rule}
              {r.constrained ? ', with limits' : ''})
            </small>
          </li>
        ))}
      </ul>
    );
  const nothing = diff.rules.added.length + diff.rules.removed.length + diff.rules.changed.length === 0 && changedTools.length === 0;
  return (
    <section aria-labelledby="diff-title" className="policy-diff">
      <h3 id="diff-title">What changes against {diff.against.version === null ? 'nothing published yet' : `published version ${diff.against.version}`}</h3>
      {nothing ? (
        <p className="hint">Nothing: desktops would decide every call as they do now.</p>
      ) : (
        <>
          <p>
            Rules added: {diff.rules.added.join(', ') || 'none'}; removed: {diff.rules.removed.join(', ') || 'none'}; changed:{' '}
            {diff.rules.changed.join(', ') || 'none'}.
          </p>
          {changedTools.length > 0 && (
            <div className="scroll-x">
              <table aria-label="Who may call each tool, before and after">
                <thead>
                  <tr>
                    <th>Tool</th>
                    <th>Now</th>
                    <th>After</th>
                  </tr>
                </thead>
                <tbody>
                  {changedTools.map((t) => (
                    <tr key={`${t.server}/${t.tool}`}>
                      <td>
                        <code>
                          {t.server}/{t.tool}
                        </code>
                      </td>
                      <td>{who(t.before)}</td>
                      <td>{who(t.after)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}

function Simulator({ doc }: { doc: unknown }) {
  const [q, setQ] = useState({ user: '', groups: '', agent: '', server: '', tool: '', arguments: '{}' });
  const [answer, setAnswer] = useState<SimulateResponse>();
  const [error, setError] = useState<string>();
  const set = (k: keyof typeof q) => (e: { target: { value: string } }) => setQ((old) => ({ ...old, [k]: e.target.value }));
  const ask = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    let args: unknown;
    try {
      args = JSON.parse(q.arguments || '{}');
    } catch (err) {
      setError(`Arguments are not JSON: ${(err as Error).message}`);
      return;
    }
    try {
      setAnswer(
        await call('POST', '/policies/simulate', SimulateResponseSchema, {
          user: q.user,
          groups: list(q.groups),
          agent: q.agent,
          server: q.server,
          tool: q.tool,
          arguments: args,
          doc,
        }),
      );
    } catch (err) {
      setAnswer(undefined);
      setError((err as Error).message);
    }
  };
  return (
    <section aria-labelledby="sim-title" className="simulator">
      <h3 id="sim-title">Simulator</h3>
      <p className="hint">
        May this user, through this agent, call this tool with these arguments? Answered by the same policy code the desktops run, on the rules as edited above.
      </p>
      <form onSubmit={(e) => void ask(e)} className="sim-grid">
        <label className="field">
          User <input value={q.user} onChange={set('user')} required />
        </label>
        <label className="field">
          Groups <input value={q.groups} onChange={set('groups')} placeholder="comma-separated" />
        </label>
        <label className="field">
          Agent <input value={q.agent} onChange={set('agent')} required placeholder="cursor" />
        </label>
        <label className="field">
          Server <input value={q.server} onChange={set('server')} required />
        </label>
        <label className="field">
          Tool <input value={q.tool} onChange={set('tool')} required />
        </label>
        <label className="field wide">
          Arguments (JSON) <textarea rows={2} value={q.arguments} onChange={set('arguments')} spellCheck={false} />
        </label>
        <div>
          <button type="submit" className="primary">
            Ask
          </button>
        </div>
      </form>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {answer && (
        <div role="status" className={`verdict verdict-${answer.effect}`}>
          <p>
            <strong>{answer.effect === 'allow' ? 'Allowed' : 'Denied'}</strong> by <code>{answer.rule}</code>
            {answer.reason ? `: ${answer.reason}` : ''}. {answer.visible ? 'The tool is listed to this agent.' : 'The tool is not even listed to this agent.'}
          </p>
          {answer.candidates.length > 0 && (
            <p className="hint">
              Rules that name this tool, in order:{' '}
              {answer.candidates.map((c) => `${c.rule} (${c.effect} ${c.who}${c.constrained ? ', with limits' : ''})`).join('; ')}.
            </p>
          )}
        </div>
      )}
    </section>
  );
}

export function Policies({ onChanged }: { onChanged: () => void }) {
  const loaded = useLoad(() => call('GET', '/policies', PoliciesResponseSchema), []);
  const [draft, setDraft] = useState<Draft>();
  const [serverIssues, setServerIssues] = useState<string[]>([]);
  const [diff, setDiff] = useState<PolicyDiff>();
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  const ref = useFocusOnChange(message);
  useEffect(() => {
    if (loaded.data && !draft) setDraft(toDraft(loaded.data.doc));
  }, [loaded.data]);
  const built = draft ? build(draft) : undefined;
  const docJson = built?.doc ? JSON.stringify(built.doc) : undefined;
  // The console's own check (it knows the catalogue) runs shortly after typing stops.
  useEffect(() => {
    if (!built?.doc) {
      setServerIssues([]);
      return;
    }
    const timer = setTimeout(() => {
      call('POST', '/policies/validate', ValidateResponseSchema, built.doc).then(
        (r) => setServerIssues(r.issues.map((i) => `${i.path}: ${i.message}`)),
        () => setServerIssues([]),
      );
    }, 400);
    return () => clearTimeout(timer);
  }, [docJson]);
  useEffect(() => setDiff(undefined), [docJson]);
  if (!draft || !built)
    return (
      <section aria-labelledby="pol-title">
        <h2 id="pol-title">Policies</h2>
        <Problem error={loaded.error} what="policies" />
        {!loaded.error && (
          <p role="status" className="hint">
            Loading…
          </p>
        )}
      </section>
    );
  const issues = [...built.issues, ...serverIssues];
  const update = (rules: RuleForm[]) => setDraft({ ...draft, rules });
  const review = async () => {
    try {
      setDiff(await call('POST', '/policies/diff', PolicyDiffSchema, { doc: built.doc }));
    } catch (e) {
      setMessage({ ok: false, text: (e as Error).message });
    }
  };
  const save = async () => {
    const refused = (r: z.infer<typeof ValidateResponseSchema>) => {
      setServerIssues(r.issues.map((i) => `${i.path}: ${i.message}`));
      setMessage({ ok: false, text: 'Not saved: fix the issues listed.' });
    };
    try {
      const r = await call('PUT', '/policies', ValidateResponseSchema, built.doc);
      if (!r.ok) {
        refused(r);
        return;
      }
      setMessage({ ok: true, text: 'Saved to the workspace. Publish to send the rules to desktops.' });
      onChanged();
    } catch (e) {
      // The console refuses invalid rules with 422 and the issues it found.
      const issues = e instanceof ApiError ? ValidateResponseSchema.safeParse(e.body) : undefined;
      if (issues?.success) refused(issues.data);
      else setMessage({ ok: false, text: (e as Error).message });
    }
  };
  return (
    <section aria-labelledby="pol-title">
      <h2 id="pol-title">Policies</h2>
      <p className="hint">Rules are checked in order; with no rule that allows it, a call is denied. A deny rule that matches wins over allows.</p>
      {message && (
        <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'outcome' : 'error'} tabIndex={-1} ref={ref}>
          {message.text}
        </p>
      )}
      {draft.rules.length === 0 && <Empty title="No rules">Without rules no tool is reachable on any desktop. Add one below.</Empty>}
      {draft.rules.map((f, i) => (
        <RuleEditor
          key={f.key}
          f={f}
          index={i}
          count={draft.rules.length}
          onChange={(n) => update(draft.rules.map((x) => (x.key === f.key ? n : x)))}
          onMove={(by) => {
            const r = [...draft.rules];
            const [m] = r.splice(i, 1);
            r.splice(i + by, 0, m!);
            update(r);
          }}
          onRemove={() => update(draft.rules.filter((x) => x.key !== f.key))}
        />
      ))}
      <button
        type="button"
        onClick={() =>
          update([
            ...draft.rules,
            {
              key: nextKey++,
              id: `rule-${draft.rules.length + 1}`,
              description: '',
              effect: 'allow',
              users: '',
              groups: '',
              agents: '',
              servers: '',
              tools: '',
              arguments: '',
              paths: '',
            },
          ])
        }
      >
        Add a rule
      </button>
      <details className="advanced">
        <summary>Rate limits, profiles and agents (JSON)</summary>
        <label className="field">
          Rate limits <textarea rows={4} value={draft.rateLimits} onChange={(e) => setDraft({ ...draft, rateLimits: e.target.value })} spellCheck={false} />
        </label>
        <label className="field">
          Profiles <textarea rows={4} value={draft.profiles} onChange={(e) => setDraft({ ...draft, profiles: e.target.value })} spellCheck={false} />
        </label>
        <label className="field">
          Agents <textarea rows={4} value={draft.agents} onChange={(e) => setDraft({ ...draft, agents: e.target.value })} spellCheck={false} />
        </label>
      </details>
      <div aria-live="polite">
        {issues.length > 0 ? (
          <div className="error" role="alert">
            <p>Desktops would refuse these rules:</p>
            <ul>
              {issues.map((i) => (
                <li key={i}>
                  <code>{i}</code>
                </li>
              ))}
            </ul>
          </div>
        ) : (
          <p className="ok-text">The rules are valid.</p>
        )}
      </div>
      <div className="toolbar">
        <button type="button" disabled={!built.doc} onClick={() => void review()}>
          Show what changes
        </button>
        <button
          type="button"
          className="primary"
          disabled={!built.doc || issues.length > 0 || !diff}
          onClick={() => void save()}
          title={diff ? undefined : 'Review what changes first'}
        >
          Save to workspace
        </button>
        <button
          type="button"
          onClick={() => {
            setDraft(loaded.data ? toDraft(loaded.data.doc) : draft);
            setMessage(undefined);
          }}
        >
          Discard edits
        </button>
      </div>
      {diff && <DiffView diff={diff} />}
      <Simulator doc={built.doc ?? built.raw} />
    </section>
  );
}
