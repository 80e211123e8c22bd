import { type ReactNode, useEffect, useMemo, useState } from 'react';
import { Provider, useQuery } from 'urql';
import { createApiClient, useLiveStatus } from './client.ts';
import { SignInPage } from './pages/sign-in.tsx';
import { Link, useLocation } from './router.tsx';
import { routes } from './routes.tsx';
import { setToken, useToken } from './session.ts';
import { AccessContext, accessFrom, NotFound, useAccess, ViewerQuery } from './viewer.tsx';

export function App() {
  const token = useToken();
  const api = useMemo(() => (token ? createApiClient(token) : null), [token]);
  useEffect(() => () => void api?.ws.dispose(), [api]);
  if (!token || !api) return <SignInPage />;
  return (
    <Provider value={api.client}>
      <SignedIn />
    </Provider>
  );
}

function SignedIn() {
  const [{ data, error, fetching }] = useQuery({ query: ViewerQuery });
  const access = useMemo(() => (data ? accessFrom(data) : null), [data]);
  if (error) {
    const unauthenticated = error.response?.status === 401 || error.graphQLErrors.some((e) => e.extensions?.code === 'UNAUTHENTICATED');
    if (unauthenticated) {
      setToken(null);
      return null;
    }
    return (
      <p role="alert" className="error">
        Could not reach the control plane: {error.message}
      </p>
    );
  }
  if (!access) return <p aria-busy={fetching}>Loading…</p>;
  return (
    <AccessContext.Provider value={access}>
      <Shell />
    </AccessContext.Provider>
  );
}

function Shell() {
  const access = useAccess();
  const { pathname, search } = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  const allowed = (candidate: (typeof routes)[number]) => (!candidate.adminOnly || access.isAdmin) && (!candidate.managersOnly || access.canManageTeam);
  const route = routes.find((candidate) => candidate.path === pathname);
  const visible = routes.filter(allowed);
  const teamQuery = search.get('team') ? `?team=${encodeURIComponent(search.get('team')!)}` : '';
  const who = access.isAdmin ? 'Platform admin' : `${access.viewer.member?.email} · ${access.viewer.role?.toLowerCase()} of ${access.viewer.team?.name}`;
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <button type="button" className="menu-toggle" aria-expanded={menuOpen} aria-controls="nav" onClick={() => setMenuOpen(!menuOpen)}>
          Menu
        </button>
        <span className="brand">Tollgate</span>
        <LiveBanner />
        <span className="who" data-testid="who">
          {who}
        </span>
        <button type="button" className="secondary" onClick={() => setToken(null)}>
          Sign out
        </button>
      </header>
      <nav id="nav" className={menuOpen ? 'nav open' : 'nav'} aria-label="Pages">
        <ul>
          {visible.map((item) => (
            <li key={item.path}>
              <Link
                href={item.path + (item.teamScoped ? teamQuery : '')}
                aria-current={item.path === pathname ? 'page' : undefined}
                onClick={() => setMenuOpen(false)}
              >
                {item.title}
              </Link>
            </li>
          ))}
          <li>
            <a href="/graphql" target="_blank" rel="noreferrer">
              GraphiQL
            </a>
          </li>
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        {route && allowed(route) ? <Page>{route.render()}</Page> : <NotFound />}
      </main>
    </div>
  );
}

function Page({ children }: { children: ReactNode }) {
  return <div className="page">{children}</div>;
}

function LiveBanner() {
  const status = useLiveStatus();
  const [recovered, setRecovered] = useState(false);
  const [wasDown, setWasDown] = useState(false);
  useEffect(() => {
    if (status === 'reconnecting') setWasDown(true);
    if (status === 'connected' && wasDown) {
      setWasDown(false);
      setRecovered(true);
      const timer = setTimeout(() => setRecovered(false), 4_000);
      return () => clearTimeout(timer);
    }
  }, [status, wasDown]);
  if (status === 'reconnecting')
    return (
      <span className="live down" role="status" data-testid="live-status">
        Live connection lost: reconnecting…
      </span>
    );
  if (recovered)
    return (
      <span className="live up" role="status" data-testid="live-status">
        Reconnected
      </span>
    );
  return (
    <span className="live" role="status" data-testid="live-status">
      {status === 'connected' ? 'Live' : 'Connecting…'}
    </span>
  );
}
