import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { createRoot } from 'react-dom/client';
import { EscalationListSchema, SessionSchema } from '../../shared/console/contract.ts';
import '../../ui-shared/base.css';
import { call, session } from './api.ts';
import './console.css';
import { useLoad } from './hooks.ts';
import { Audit } from './pages/Audit.tsx';
import { Catalogue } from './pages/Catalogue.tsx';
import { Escalations } from './pages/Escalations.tsx';
import { Fleet } from './pages/Fleet.tsx';
import { Keys } from './pages/Keys.tsx';
import { Policies } from './pages/Policies.tsx';
import { PublishBar } from './publish.tsx';
import { ThemePicker } from './theme.tsx';

const PAGES = [
  ['escalations', 'Escalations'],
  ['catalogue', 'Catalogue'],
  ['policies', 'Policies'],
  ['fleet', 'Fleet'],
  ['audit', 'Audit'],
  ['keys', 'Keys'],
] as const;
type PageId = (typeof PAGES)[number][0];
const LABELS = new Map<string, string>(PAGES);

/** `#/page/arg`: the page and one argument (an escalation, a device), decoded. */
function useRoute(): [PageId, string | undefined] {
  const read = () => location.hash.replace(/^#\/?/, '').split('/');
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const on = () => setRoute(read());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  let arg: string | undefined;
  try {
    arg = route[1] === undefined || route[1] === '' ? undefined : decodeURIComponent(route[1]);
  } catch {
    arg = undefined;
  }
  const page = LABELS.has(route[0] ?? '') ? (route[0] as PageId) : 'escalations';
  return [page, arg];
}

function SignedOut() {
  return (
    <section aria-labelledby="signed-out-title">
      <h2 id="signed-out-title">This tab is not signed in to the admin console</h2>
      <p>
        The console runs on your computer, beside your org's signing keys, and each sign-in link works once. Start it (or ask it for a new link) in a terminal:
      </p>
      <pre>
        <code>gatehouse-admin console</code>
      </pre>
      <p className="hint">It prints a one-time link to open here. The session ends when the console stops or after a while without use.</p>
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
  const signedOut = useSyncExternalStore(subscribeSession, () => session.signedOut);
  const who = useLoad(() => call('GET', '/session', SessionSchema), [], 10_000);
  const open = useLoad(() => call('GET', '/escalations?state=open&limit=1', EscalationListSchema), [], 5_000);
  const count = open.data?.total ?? 0;
  const label = LABELS.get(page) ?? 'Escalations';
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  useEffect(() => {
    document.title = `${signedOut ? 'Not signed in' : label}${page === 'escalations' && count ? ` (${count})` : ''} — Gatehouse admin`;
  }, [label, page, count, signedOut]);
  useEffect(() => {
    // On navigation (not the first load), focus goes to the new page, as a page load would put it.
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus();
  }, [page]);
  const s = who.data;
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
      <header className="console-head">
        <h1>
          Gatehouse admin
          {s ? (
            <span className="org">
              {' '}
              · {s.name} <small className="hint">({s.org})</small>
            </span>
          ) : null}
        </h1>
        {s && (
          <p className="endpoint">
            {s.endpoint.reachable ? (
              <>
                Sync endpoint <code>{s.syncUrl}</code> ({s.endpoint.database ?? 'unknown database'}), published version{' '}
                {s.endpoint.publishedVersion ?? 'none yet'}
              </>
            ) : (
              <span className="bad-text">
                Sync endpoint {s.syncUrl ? <code>{s.syncUrl}</code> : 'not set'} is not reachable{s.endpoint.error ? `: ${s.endpoint.error}` : ''}
              </span>
            )}
            {' · '}signed in as <strong>{s.admin}</strong>
          </p>
        )}
        <ThemePicker />
      </header>
      <nav aria-label="Pages" className="side">
        {PAGES.map(([id, text]) => (
          <a key={id} href={`#/${id}`} aria-current={page === id ? 'page' : undefined}>
            {text}
            {id === 'escalations' && count > 0 && (
              <span className="count" aria-label={`${count} open`}>
                {count}
              </span>
            )}
          </a>
        ))}
      </nav>
      <main id="main" ref={main} tabIndex={-1} aria-label={label}>
        {signedOut ? (
          <SignedOut />
        ) : (
          <>
            <PublishBar unpublished={s?.unpublished ?? false} onPublished={who.reload} />
            {page === 'escalations' && (
              <Escalations
                selected={arg}
                onDecided={() => {
                  open.reload();
                  who.reload();
                }}
              />
            )}
            {page === 'catalogue' && <Catalogue onChanged={who.reload} />}
            {page === 'policies' && <Policies onChanged={who.reload} />}
            {page === 'fleet' && <Fleet selected={arg} />}
            {page === 'audit' && <Audit initial={arg} />}
            {page === 'keys' && <Keys onChanged={who.reload} />}
          </>
        )}
      </main>
    </div>
  );
}

createRoot(document.getElementById('root')!).render(<App />);
