import { Page, PageHeading, RequireAuth } from './components/layout.tsx';
import { AuthProvider } from './lib/auth.tsx';
import { Link, matchPath, useLocation } from './lib/router.tsx';
import { GroupPage } from './pages/GroupPage.tsx';
import { HomePage } from './pages/HomePage.tsx';
import { InvitePage } from './pages/InvitePage.tsx';
import { LoginPage } from './pages/LoginPage.tsx';
import { RoomPage } from './pages/RoomPage.tsx';
import { SetupPage } from './pages/SetupPage.tsx';

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
      <Routes />
    </AuthProvider>
  );
}
