import { useCallback, useEffect, useState } from 'react';
import { subscribe } from './api.ts';

// The pieces drawn the same way in the admin console live in ui-shared/; the pages import them from here.
export { ago, Badge, Empty, riskTone, Visible, When } from '../../ui-shared/primitives.tsx';

/** Loads data, and loads it again whenever the daemon reports something. */
export function useLive<T>(load: () => Promise<T>, deps: unknown[] = []): { data: T | undefined; error: string | undefined; reload: () => void } {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const reload = useCallback(() => {
    load().then(
      (d) => {
        setData(d);
        setError(undefined);
      },
      (e: unknown) => setError((e as Error).message),
    );
  }, deps);
  useEffect(() => {
    reload();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stop = subscribe(() => {
      clearTimeout(timer);
      timer = setTimeout(reload, 100);
    });
    return () => {
      stop();
      clearTimeout(timer);
    };
  }, [reload]);
  return { data, error, reload };
}

export function ErrorNote({ error }: { error: string | undefined }) {
  if (!error) return null;
  return (
    <div className="error" role="alert">
      Gatehouse could not answer: {error}. Is the daemon running? <code>gatehouse status</code> says; <code>gatehouse daemon</code> starts it.
    </div>
  );
}
