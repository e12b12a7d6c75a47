import { Component, lazy, Suspense, type ReactNode } from 'react';
import { Loading, Page, PageHeading, RequireAuth } from './components/layout.tsx';
import { QuickExit } from './components/quickExit.tsx';
import { AuthProvider } from './lib/auth.tsx';
import { Link, matchPath, useLocation } from './lib/router.tsx';
import { AccountErasedPage, AccountPage, erasedPath } from './pages/AccountPage.tsx';
import { GroupPage } from './pages/GroupPage.tsx';
import { HomePage } from './pages/HomePage.tsx';
import { InvitePage } from './pages/InvitePage.tsx';
import { LoginPage } from './pages/LoginPage.tsx';
import { QuickExitHelpPage } from './pages/QuickExitHelpPage.tsx';
import { RoomPage } from './pages/RoomPage.tsx';
import { SetupPage } from './pages/SetupPage.tsx';

/**
 * The organisers' and facilitators' pages load only when someone opens them, so the pages every
 * participant uses stay small and quick on a slow phone connection.
 */
const ManagePage = lazy(() =>
  import('./pages/manage/ManagePage.tsx').then((module) => ({ default: module.ManagePage })),
);

/** A page whose code could not be fetched (say, the connection dropped) says so calmly. */
class LoadBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override render() {
    if (!this.state.failed) return this.props.children;
    return (
      <Page title="Error">
        <div className="notice notice-error" role="alert">
          <p>This page could not be loaded. Please check your connection and try again.</p>
          <button
            type="button"
            className="button-secondary"
            onClick={() => {
              location.reload();
            }}
          >
            Try again
          </button>
        </div>
      </Page>
    );
  }
}

function NotFound() {
  return (
    <Page title="Not found">
      <PageHeading>We could not find that page</PageHeading>
      <p>
        The address may be mistyped, or the page may have moved.{' '}
        <Link to="/">Go to your groups</Link>
      </p>
    </Page>
  );
}

function Routes() {
  const { pathname } = useLocation();

  if (matchPath('/', pathname)) {
    return <RequireAuth>{(me) => <HomePage me={me} />}</RequireAuth>;
  }
  if (matchPath('/login', pathname)) return <LoginPage />;
  if (matchPath('/setup', pathname)) return <SetupPage />;
  if (matchPath('/invite', pathname)) return <InvitePage />;
  if (matchPath('/quick-exit', pathname)) return <QuickExitHelpPage />;
  if (matchPath(erasedPath, pathname)) return <AccountErasedPage />;
  if (matchPath('/account', pathname)) {
    return <RequireAuth>{(me) => <AccountPage key={me.id} me={me} />}</RequireAuth>;
  }

  const manage = matchPath('/groups/:groupId/manage', pathname);
  if (manage?.groupId) {
    const { groupId } = manage;
    return (
      <RequireAuth>
        {(me) => (
          <LoadBoundary>
            <Suspense
              fallback={
                <Page title="Manage group">
                  <Loading />
                </Page>
              }
            >
              <ManagePage key={`${groupId}:${me.id}`} groupId={groupId} me={me} />
            </Suspense>
          </LoadBoundary>
        )}
      </RequireAuth>
    );
  }

  const group = matchPath('/groups/:groupId', pathname);
  if (group?.groupId) {
    const { groupId } = group;
    return (
      <RequireAuth>
        {(me) => <GroupPage key={`${groupId}:${me.id}`} groupId={groupId} me={me} />}
      </RequireAuth>
    );
  }

  const room = matchPath('/rooms/:sessionId', pathname);
  if (room?.sessionId) {
    const { sessionId } = room;
    // Keyed so that another room, or another person, starts a fresh connection and history.
    return (
      <RequireAuth>
        {(me) => <RoomPage key={`${sessionId}:${me.id}`} sessionId={sessionId} me={me} />}
      </RequireAuth>
    );
  }

  return <NotFound />;
}

export function App() {
  return (
    <AuthProvider>
      <QuickExit />
      <Routes />
    </AuthProvider>
  );
}
