import { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { api } from './api.ts';
import { Audit } from './pages/Audit.tsx';
import { Connect } from './pages/Connect.tsx';
import { Credentials } from './pages/Credentials.tsx';
import { Overview } from './pages/Overview.tsx';
import { Pending } from './pages/Pending.tsx';
import { Servers } from './pages/Servers.tsx';
import { Settings } from './pages/Settings.tsx';
import './styles.css';
import { useLive } from './ui.tsx';

const PAGES = [['overview', 'Overview'], ['servers', 'Servers & tools'], ['pending', 'Pending changes'], ['audit', 'Audit'], ['credentials', 'Credentials'], ['connect', 'Connect your IDE'], ['settings', 'Settings']] as const;

function useRoute(): [string, string | undefined] {
  const read = () => location.hash.replace(/^#\/?/, '').replace(/[&?]?token=[^&]+/, '').split('/');
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const on = () => setRoute(read());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return [route[0] || 'overview', route[1]];
}

function App() {
  const [page, arg] = useRoute();
  const { data: pending } = useLive(api.pending);
  const count = pending?.pending.length ?? 0;
  return (
    <div className="app">
      <header><h1>Gatehouse</h1></header>
      <nav aria-label="Pages" className="side">
        {PAGES.map(([id, label]) => (
          <a key={id} href={`#/${id}`} aria-current={page === id ? 'page' : undefined}>{label}{id === 'pending' && count > 0 && <span className="count" aria-label={`${count} pending`}>{count}</span>}</a>
        ))}
      </nav>
      <main>
        {page === 'overview' && <Overview />}
        {page === 'servers' && <Servers />}
        {page === 'pending' && <Pending selected={arg} />}
        {page === 'audit' && <Audit />}
        {page === 'credentials' && <Credentials />}
        {page === 'connect' && <Connect />}
        {page === 'settings' && <Settings link={arg} />}
      </main>
    </div>
  );
}

createRoot(document.getElementById('root')!).render(<App />);
