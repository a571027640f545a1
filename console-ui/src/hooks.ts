import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from './api.ts';

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | undefined;
  reload: () => void;
}

const asApiError = (e: unknown) => (e instanceof ApiError ? e : new ApiError(0, (e as Error).message));

/**
 * Loads data when the inputs change and, with `everyMs`, again while the page is open
 * (the console has no event stream: desktops report to the sync endpoint, not to it).
 * An answer that arrives after newer inputs were asked for is dropped.
 */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[], everyMs?: number): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError>();
  const generation = useRef(0);
  const reload = useCallback(() => {
    const mine = ++generation.current;
    load().then(
      (d) => {
        if (mine === generation.current) {
          setData(d);
          setError(undefined);
        }
      },
      (e: unknown) => {
        if (mine === generation.current) setError(asApiError(e));
      },
    );
  }, deps);
  useEffect(() => {
    reload();
    if (!everyMs) return;
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') reload();
    }, everyMs);
    return () => clearInterval(timer);
  }, [reload, everyMs]);
  return { data, error, reload };
}

/**
 * Cursor paging: the pages seen so far are a stack of cursors, so Previous goes back
 * exactly and Next follows the server's `nextCursor`. A change of filters starts over.
 */
export function usePages<T extends { nextCursor: string | null }>(load: (cursor: string | undefined) => Promise<T>, deps: unknown[], everyMs?: number) {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  useEffect(() => setCursors([undefined]), deps);
  const current = cursors[cursors.length - 1];
  const loaded = useLoad(() => load(current), [...deps, current], everyMs);
  const next = loaded.data?.nextCursor ?? null;
  return {
    ...loaded,
    page: cursors.length,
    hasPrevious: cursors.length > 1,
    hasNext: next !== null,
    previous: () => setCursors((c) => (c.length > 1 ? c.slice(0, -1) : c)),
    next: () => {
      if (next !== null) setCursors((c) => [...c, next]);
    },
  };
}

/** Focus for an outcome when it appears (what finished is what a screen reader should hear next). */
export function useFocusOnChange<E extends HTMLElement = HTMLParagraphElement>(value: unknown) {
  const ref = useRef<E>(null);
  useEffect(() => {
    if (value) ref.current?.focus();
  }, [value]);
  return ref;
}
