import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { Me } from '@hearth/shared';
import { api, toApiRequestError, type ApiRequestError } from '../lib/api.ts';
import { useAuth } from '../lib/auth.tsx';
import { consumeHeadingFocusRequest, Link, navigate, useLocation } from '../lib/router.tsx';

export function PageHeading({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (consumeHeadingFocusRequest()) ref.current?.focus();
  }, []);
  return (
    <h1 ref={ref} tabIndex={-1}>
      {children}
    </h1>
  );
}

function AppHeader() {
  const { state, setMe } = useAuth();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function logOut() {
    setPending(true);
    setError(null);
    try {
      await api.logout();
      navigate('/login', { replace: true });
      setMe(null);
    } catch (caught) {
      setError(`You are still logged in. ${toApiRequestError(caught).message}`);
    } finally {
      setPending(false);
    }
  }

  return (
    <header className="topbar">
      <div className="topbar-inner">
        <Link to="/" className="brand">
          Hearth
        </Link>
        {state.status === 'signedIn' && (
          <div className="account">
            <span className="account-name">
              <span className="visually-hidden">Logged in as </span>
              {state.me.username}
            </span>
            <Link to="/account" className="account-link">
              Account
            </Link>
            <button
              type="button"
              className="button-quiet"
              onClick={() => void logOut()}
              disabled={pending}
            >
              Log out
            </button>
          </div>
        )}
      </div>
      {error && (
        <p className="notice notice-error topbar-error" role="alert">
          {error}
        </p>
      )}
    </header>
  );
}

/**
 * Only generic words: a tab title outlives the page in browser history, and on a shared device a
 * group's name or a session's title there could tell someone more than the person wants.
 */
export type PageTitle =
  | 'Groups'
  | 'Group'
  | 'Manage group'
  | 'Account'
  | 'Log in'
  | 'Set up'
  | 'Invitation'
  | 'Help'
  | 'Loading'
  | 'Error'
  | 'Not found';

export function Page({ title, children }: { title: PageTitle; children: ReactNode }) {
  return (
    <>
      <title>{`${title} · Hearth`}</title>
      <AppHeader />
      <main className="page">{children}</main>
      <footer className="footer">
        <Link to="/quick-exit">About quick exit</Link>
      </footer>
    </>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="loading" role="status">
      {label}
    </p>
  );
}

export function LoadError({ error, onRetry }: { error: ApiRequestError; onRetry: () => void }) {
  const { setMe } = useAuth();
  const signedOut = error.code === 'unauthenticated';
  useEffect(() => {
    if (signedOut) setMe(null);
  }, [signedOut, setMe]);

  const worthRetrying = error.status === 0 || error.status >= 500;
  return (
    <div className="notice notice-error" role="alert">
      <p>{error.message}</p>
      {worthRetrying ? (
        <button type="button" className="button-secondary" onClick={onRetry}>
          Try again
        </button>
      ) : (
        <p>
          <Link to="/">Go to your groups</Link>
        </p>
      )}
    </div>
  );
}

export function Redirect({ to }: { to: string }) {
  useEffect(() => {
    navigate(to, { replace: true });
  }, [to]);
  return null;
}

/**
 * The return address goes into a query string, which servers and proxies log, so the fragment
 * (where Hearth keeps one-time codes) is left out of it.
 */
export function loginPathFor(href: string): string {
  const path = href.split('#', 1)[0] ?? '/';
  return path === '/' ? '/login' : `/login?next=${encodeURIComponent(path)}`;
}

/** Renders its children only for a logged-in person; everyone else is sent to log in first. */
export function RequireAuth({ children }: { children: (me: Me) => ReactNode }) {
  const { state, retry } = useAuth();
  const { href } = useLocation();
  switch (state.status) {
    case 'loading':
      return (
        <Page title="Loading">
          <Loading />
        </Page>
      );
    case 'error':
      return (
        <Page title="Error">
          <LoadError error={state.error} onRetry={retry} />
        </Page>
      );
    case 'signedOut':
      return <Redirect to={loginPathFor(href)} />;
    case 'signedIn':
      return children(state.me);
  }
}
