import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { createRoot } from 'react-dom/client';
import { api, session } from './api.ts';
import { Audit } from './pages/Audit.tsx';
import { Connect } from './pages/Connect.tsx';
import { Credentials } from './pages/Credentials.tsx';
import { Overview } from './pages/Overview.tsx';
import { Pending } from './pages/Pending.tsx';
import { Servers } from './pages/Servers.tsx';
import { Settings } from './pages/Settings.tsx';
import { Try } from './pages/Try.tsx';
import '../../ui-shared/base.css';
import './styles.css';
import { useLive } from './ui.tsx';

const PAGES = [
  ['overview', 'Overview'],
  ['servers', 'Servers & tools'],
  ['try', 'Try a tool'],
  ['pending', 'Pending changes'],
  ['audit', 'Audit'],
  ['credentials', 'Credentials'],
  ['connect', 'Connect your IDE'],
  ['settings', 'Settings'],
] as const;

function useRoute(): [string, string | undefined] {
  const read = () =>
    location.hash
      .replace(/^#\/?/, '')
      .replace(/[&?]?token=[^&]+/, '')
      .split('/');
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const on = () => setRoute(read());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  const arg = route[1];
  let decoded: string | undefined;
  try {
    decoded = arg === undefined ? undefined : decodeURIComponent(arg);
  } catch {
    decoded = undefined;
  }
  return [route[0] || 'overview', decoded];
}

/** Shown instead of a page while the daemon refuses this page's token. */
function SignedOut() {
  return (
    <section aria-labelledby="signed-out-title">
      <h2 id="signed-out-title">This page is not signed in to Gatehouse</h2>
      <p>
        The dashboard needs the control token of the daemon it talks to, and this page has none it accepts (the daemon may have been restarted with another data
        dir, or the link was opened in a new browser).
      </p>
      <p>Run this in a terminal; it opens the dashboard in your browser already signed in:</p>
      <pre>
        <code>gatehouse dashboard</code>
      </pre>
      <p className="hint">
        From a checkout of Gatehouse, run <code>./scripts/gatehouse dashboard</code>. The desktop app signs its own window in.
      </p>
    </section>
  );
}

const subscribeSession = (on: () => void) => {
  session.listeners.add(on);
  return () => {
    session.listeners.delete(on);
  };
};

function App() {
  const [page, arg] = useRoute();
  const { data: pending } = useLive(api.pending);
  const signedOut = useSyncExternalStore(subscribeSession, () => session.signedOut);
  const count = pending?.pending.length ?? 0;
  const label = PAGES.find(([id]) => id === page)?.[1] ?? 'Overview';
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  useEffect(() => {
    document.title = `${signedOut ? 'Not signed in' : label}${page === 'pending' && count ? ` (${count})` : ''} — Gatehouse`;
  }, [label, page, count, signedOut]);
  useEffect(() => {
    // On navigation (not the first load), focus goes to the new page, as a page load would put it.
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus();
  }, [page]);
  return (
    <div className="app">
      <a
        className="skip"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          main.current?.focus();
        }}
      >
        Skip to content
      </a>
      <header>
        <h1>Gatehouse</h1>
      </header>
      <nav aria-label="Pages" className="side">
        {PAGES.map(([id, label]) => (
          <a key={id} href={`#/${id}`} aria-current={page === id ? 'page' : undefined}>
            {label}
            {id === 'pending' && count > 0 && (
              <span className="count" aria-label={`${count} pending`}>
                {count}
              </span>
            )}
          </a>
        ))}
      </nav>
      <main id="main" ref={main} tabIndex={-1} aria-label={label}>
        {signedOut && <SignedOut />}
        {!signedOut && page === 'overview' && <Overview />}
        {!signedOut && page === 'servers' && <Servers />}
        {!signedOut && page === 'try' && <Try selected={arg} />}
        {!signedOut && page === 'pending' && <Pending selected={arg} />}
        {!signedOut && page === 'audit' && <Audit />}
        {!signedOut && page === 'credentials' && <Credentials />}
        {!signedOut && page === 'connect' && <Connect />}
        {!signedOut && page === 'settings' && <Settings link={arg} />}
      </main>
    </div>
  );
}

createRoot(document.getElementById('root')!).render(<App />);
