import type { z } from 'zod';
import type { DiffEntrySchema, FindingSchema } from '../shared/pinning/pending.ts';
import { wordDiff } from '../shared/pinning/word-diff.ts';
import { Badge, riskTone, Visible } from './primitives.tsx';

// A tool change as a person reviews it: every changed path side by side with the
// inserted words marked and hidden characters made visible, and the scanner's findings.
// The desktop's pending changes and the console's escalations show the same thing.

type DiffEntry = z.infer<typeof DiffEntrySchema>;
type Finding = z.infer<typeof FindingSchema>;

/** What a diff view needs of a change; both the desktop's pending change and the org's escalation have it. */
export interface ReviewedChange {
  kind: 'new' | 'changed';
  newDefinition: Record<string, unknown>;
  diff: DiffEntry[];
}

const show = (v: unknown) => (v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v, null, 2));

/** One side of a changed field, with what the other side lacks marked (inserted text is marked, never tinted as "good"). */
function FieldSide({ before, after, side }: { before: string; after: string; side: 'before' | 'after' }) {
  const parts = wordDiff(before, after);
  return (
    <pre>
      {parts.map((p, i) => {
        if (p.op === 'same') return <Visible key={i} text={p.text} />;
        if (side === 'after' && p.op === 'add')
          return (
            <ins key={i} className="inserted" title="inserted">
              <Visible text={p.text} />
            </ins>
          );
        if (side === 'before' && p.op === 'del')
          return (
            <del key={i} className="removed" title="removed">
              <Visible text={p.text} />
            </del>
          );
        return null;
      })}
    </pre>
  );
}

export function ChangeDiff({ change }: { change: ReviewedChange }) {
  if (change.kind === 'new') {
    return (
      <div className="diff">
        <div className="side new">
          <h4>New definition</h4>
          <pre>
            <Visible text={JSON.stringify(change.newDefinition, null, 2)} />
          </pre>
        </div>
      </div>
    );
  }
  return (
    <div className="scroll-x">
      <table className="diff-table" aria-label="What changed">
        <thead>
          <tr>
            <th>Path</th>
            <th>Approved</th>
            <th>Now</th>
          </tr>
        </thead>
        <tbody>
          {change.diff.map((d) => (
            <tr key={d.path} className={`diff-${d.kind}`}>
              <td>
                <code>{d.path}</code>
                <br />
                <small>{d.kind}</small>
              </td>
              <td>
                <FieldSide before={show(d.before)} after={show(d.after)} side="before" />
              </td>
              <td>
                <FieldSide before={show(d.before)} after={show(d.after)} side="after" />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function Findings({ findings }: { findings: Finding[] }) {
  if (findings.length === 0) return <p className="hint">The scanner found nothing suspicious.</p>;
  return (
    <ul className="findings">
      {findings.map((f) => (
        <li key={`${f.rule}${f.path}`}>
          <Badge tone={riskTone(f.severity)}>{f.severity}</Badge> <strong>{f.message}</strong>{' '}
          <small>
            ({f.rule} at <code>{f.path}</code>)
          </small>
          <blockquote>
            <Visible text={f.evidence} />
          </blockquote>
        </li>
      ))}
    </ul>
  );
}
