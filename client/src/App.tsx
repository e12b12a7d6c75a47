import { Component, lazy, Suspense, type ReactNode } from 'react';
import { Loading, Page, PageHeading, RequireAuth, type PageTitle } from './components/layout.tsx';
import { QuickExit } from './components/quickExit.tsx';
import { AuthProvider } from './lib/auth.tsx';
import { Link, matchPath, useLocation } from './lib/router.tsx';
import { erasedPath } from './lib/paths.ts';
import { HomePage } from './pages/HomePage.tsx';
import { LoginPage } from './pages/LoginPage.tsx';
import { RoomPage } from './pages/RoomPage.tsx';

/**
 * Pages other than the room, the list of groups and logging in load when someone opens them.
 * The room is where a participant on an old phone and a slow connection needs Hearth to be
 * quick; the organisers' and facilitators' code is never part of what it loads
 * (scripts/bundle-budget.ts checks both).
 */
const ManagePage = lazy(() => import('./pages/manage/ManagePage.tsx').then((m) => ({ default: m.ManagePage })));
const GroupPage = lazy(() => import('./pages/GroupPage.tsx').then((m) => ({ default: m.GroupPage })));
const AccountPage = lazy(() => import('./pages/AccountPage.tsx').then((m) => ({ default: m.AccountPage })));
const AccountErasedPage = lazy(() =>
  import('./pages/AccountPage.tsx').then((m) => ({ default: m.AccountErasedPage })),
);
const InvitePage = lazy(() => import('./pages/InvitePage.tsx').then((m) => ({ default: m.InvitePage })));
const SetupPage = lazy(() => import('./pages/SetupPage.tsx').then((m) => ({ default: m.SetupPage })));
const QuickExitHelpPage = lazy(() =>
  import('./pages/QuickExitHelpPage.tsx').then((m) => ({ default: m.QuickExitHelpPage })),
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

/** A page loaded on demand: its title shows at once, and a failed fetch is said calmly. */
function Loaded({ title, children }: { title: PageTitle; children: ReactNode }) {
  return (
    <LoadBoundary>
      <Suspense
        fallback={
          <Page title={title}>
            <Loading />
          </Page>
        }
      >
        {children}
      </Suspense>
    </LoadBoundary>
  );
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
  if (matchPath('/setup', pathname)) {
    return (
      <Loaded title="Set up">
        <SetupPage />
      </Loaded>
    );
  }
  if (matchPath('/invite', pathname)) {
    return (
      <Loaded title="Invitation">
        <InvitePage />
      </Loaded>
    );
  }
  if (matchPath('/quick-exit', pathname)) {
    return (
      <Loaded title="Help">
        <QuickExitHelpPage />
      </Loaded>
    );
  }
  if (matchPath(erasedPath, pathname)) {
    return (
      <Loaded title="Account">
        <AccountErasedPage />
      </Loaded>
    );
  }
  if (matchPath('/account', pathname)) {
    return (
      <RequireAuth>
        {(me) => (
          <Loaded title="Account">
            <AccountPage key={me.id} me={me} />
          </Loaded>
        )}
      </RequireAuth>
    );
  }

  const manage = matchPath('/groups/:groupId/manage', pathname);
  if (manage?.groupId) {
    const { groupId } = manage;
    return (
      <RequireAuth>
        {(me) => (
          <Loaded title="Manage group">
            <ManagePage key={`${groupId}:${me.id}`} groupId={groupId} me={me} />
          </Loaded>
        )}
      </RequireAuth>
    );
  }

  const group = matchPath('/groups/:groupId', pathname);
  if (group?.groupId) {
    const { groupId } = group;
    return (
      <RequireAuth>
        {(me) => (
          <Loaded title="Group">
            <GroupPage key={`${groupId}:${me.id}`} groupId={groupId} me={me} />
          </Loaded>
        )}
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
