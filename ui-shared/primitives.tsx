import type { ReactNode } from 'react';
import { splitInvisible } from '../shared/scanner/visible.ts';

// Small pieces both browser apps (the desktop dashboard and the admin console) draw the same way.

export type Tone = 'ok' | 'warn' | 'bad' | 'info';

/** Text with every invisible character shown as a labelled glyph. */
export function Visible({ text }: { text: string }) {
  return (
    <>
      {splitInvisible(text).map((p, i) =>
        'text' in p ? (
          <span key={i}>{p.text}</span>
        ) : (
          <mark
            key={i}
            className="invisible-char"
            title={p.label}
            aria-label={`hidden character: ${p.label}`}
          >{`U+${p.codePoint.toString(16).toUpperCase().padStart(4, '0')}`}</mark>
        ),
      )}
    </>
  );
}

export function Badge({ tone, children }: { tone: Tone; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

export function riskTone(risk: string): Tone {
  return risk === 'critical' || risk === 'high' ? 'bad' : risk === 'medium' ? 'warn' : risk === 'low' ? 'info' : 'ok';
}

const RANK = new Map([
  ['critical', 4],
  ['high', 3],
  ['medium', 2],
  ['low', 1],
  ['none', 0],
]);
/** Orders by risk, worst first; unknown levels sort last. */
export const riskRank = (risk: string): number => RANK.get(risk) ?? -1;

export function Empty({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="empty" role="status">
      <h3>{title}</h3>
      <p>{children}</p>
    </div>
  );
}

/** A moment in the user's own time zone, with the date, and how long ago it was. */
export function When({ at }: { at: string | number }) {
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return <span>—</span>;
  return (
    <time dateTime={date.toISOString()} title={date.toISOString()}>
      {date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' })} <small className="hint">({ago(at)})</small>
    </time>
  );
}

export const ago = (iso: string | number) => {
  const diff = Math.round((Date.now() - (typeof iso === 'number' ? iso : Date.parse(iso))) / 1000);
  const s = Math.abs(diff);
  const span = s < 60 ? `${s}s` : s < 3600 ? `${Math.round(s / 60)}m` : s < 172800 ? `${Math.round(s / 3600)}h` : `${Math.round(s / 86400)} days`;
  // A moment ahead (an expiry) reads as such; clocks a second or two apart still read as "ago".
  return diff < -5 ? `in ${span}` : `${diff < 0 ? '0s' : span} ago`;
};
