import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { splitInvisible } from '../../shared/scanner/visible.ts';
import { subscribe } from './api.ts';

/** Loads data, and loads it again whenever the daemon reports something. */
export function useLive<T>(load: () => Promise<T>, deps: unknown[] = []): { data: T | undefined; error: string | undefined; reload: () => void } {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const reload = useCallback(() => {
    load().then((d) => { setData(d); setError(undefined); }, (e: unknown) => setError((e as Error).message));
  }, deps);
  useEffect(() => {
    reload();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stop = subscribe(() => { clearTimeout(timer); timer = setTimeout(reload, 100); });
    return () => { stop(); clearTimeout(timer); };
  }, [reload]);
  return { data, error, reload };
}

/** Text with every invisible character shown as a labelled glyph. */
export function Visible({ text }: { text: string }) {
  return (
    <>
      {splitInvisible(text).map((p, i) => 'text' in p
        ? <span key={i}>{p.text}</span>
        : <mark key={i} className="invisible-char" title={p.label} aria-label={`hidden character: ${p.label}`}>{`U+${p.codePoint.toString(16).toUpperCase().padStart(4, '0')}`}</mark>)}
    </>
  );
}

export function Badge({ tone, children }: { tone: 'ok' | 'warn' | 'bad' | 'info'; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

export function riskTone(risk: string): 'ok' | 'warn' | 'bad' | 'info' {
  return risk === 'critical' || risk === 'high' ? 'bad' : risk === 'medium' ? 'warn' : risk === 'low' ? 'info' : 'ok';
}

export function Empty({ title, children }: { title: string; children: ReactNode }) {
  return <div className="empty" role="status"><h3>{title}</h3><p>{children}</p></div>;
}

export function ErrorNote({ error }: { error: string | undefined }) {
  if (!error) return null;
  return <div className="error" role="alert">Gatehouse could not answer: {error}. Is the daemon running? <code>gatehouse status</code> says; <code>gatehouse daemon</code> starts it.</div>;
}

/** A moment in the user's own time zone, with the date, and how long ago it was. */
export function When({ at }: { at: string | number }) {
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return <span>—</span>;
  return <time dateTime={date.toISOString()} title={date.toISOString()}>{date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' })} <small className="hint">({ago(at)})</small></time>;
}

export const ago = (iso: string | number) => {
  const s = Math.round((Date.now() - (typeof iso === 'number' ? iso : Date.parse(iso))) / 1000);
  return s < 60 ? `${Math.max(0, s)}s ago` : s < 3600 ? `${Math.round(s / 60)}m ago` : s < 172800 ? `${Math.round(s / 3600)}h ago` : `${Math.round(s / 86400)} days ago`;
};
