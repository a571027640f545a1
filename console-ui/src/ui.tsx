import type { ReactNode } from 'react';
import type { ApiError } from './api.ts';

// The console's own small pieces; what the desktop draws the same way is in ui-shared/.

/** An error from the console's API, said plainly; a route this console lacks degrades to a note. */
export function Problem({ error, what }: { error: ApiError | undefined; what?: string }) {
  if (!error) return null;
  if (error.missing)
    return (
      <p className="note" role="note">
        This console cannot show {what ?? 'this'} yet (its API has no such route: update Gatehouse).
      </p>
    );
  if (error.status === 401) return null; // the shell shows how to sign in
  return (
    <div className="error" role="alert">
      {error.status === 502 ? 'The sync endpoint did not answer: ' : ''}
      {error.message}
    </div>
  );
}

export function Pager({
  label,
  page,
  hasPrevious,
  hasNext,
  previous,
  next,
  children,
}: {
  label: string;
  page: number;
  hasPrevious: boolean;
  hasNext: boolean;
  previous: () => void;
  next: () => void;
  children?: ReactNode;
}) {
  return (
    <nav className="pager" aria-label={label}>
      <button type="button" disabled={!hasPrevious} onClick={previous}>
        Previous
      </button>
      <span>
        Page {page}
        {children}
      </span>
      <button type="button" disabled={!hasNext} onClick={next}>
        Next
      </button>
    </nav>
  );
}

/** Text the admin copies (a command, a link): selectable, with a button that copies it. */
export function Copyable({ label, text }: { label: string; text: string }) {
  return (
    <div className="copyable">
      <code aria-label={label}>{text}</code>
      <button type="button" onClick={() => void navigator.clipboard?.writeText(text)} aria-label={`Copy ${label}`}>
        Copy
      </button>
    </div>
  );
}
