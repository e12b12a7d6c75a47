import { useId, useState, type SubmitEvent } from 'react';
import { CredentialFields, FormError } from '../../components/forms.tsx';
import { Loading, PageHeading } from '../../components/layout.tsx';
import { api } from '../../lib/api.ts';
import { useAuth } from '../../lib/auth.tsx';
import { Link } from '../../lib/router.tsx';
import { useSubmit } from '../../lib/useSubmit.ts';
import { Composer } from './Composer.tsx';
import { MessageList } from './MessageList.tsx';
import type { Connection, RoomClient } from './roomClient.ts';
import { useRoom } from './useRoom.ts';

const connectionWords: Record<Connection, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting:
    'Reconnecting… your messages are kept and will be sent when the connection is back.',
  offline: 'Not connected',
};

/** Problems that describe the room itself rather than a failure; they are not shown as errors. */
const calmProblems = new Set(['room_closed', 'not_found', 'forbidden', 'agreement_required']);

interface RoomViewProps {
  sessionId: string;
  accountId: string;
  leaveTo: string;
}

export function RoomView({ sessionId, accountId, leaveTo }: RoomViewProps) {
  const { state, client } = useRoom(sessionId, accountId);
  // Held here rather than in the composer so a paused room can keep what was being written.
  const [draft, setDraft] = useState('');
  const { connection, info, problem, notice } = state;
  const loggedOut = problem?.code === 'unauthenticated';

  const canRetryConnection =
    connection === 'offline' && !loggedOut && (!problem || !calmProblems.has(problem.code));

  let pausedHint: string | null = null;
  if (loggedOut) pausedHint = 'Log in again above to send. What you wrote stays here.';
  else if (problem) pausedHint = 'This room is not taking messages. What you wrote stays here.';

  return (
    <div className="room">
      {/* Neutral on purpose: tab titles and history show on a shared device. */}
      <title>Room · Hearth</title>
      <header className="room-header">
        <div className="room-titles">
          {info && <p className="room-group">{info.groupName}</p>}
          <PageHeading>{info?.title ?? 'Room'}</PageHeading>
        </div>
        <Link to={leaveTo} className="button-link button-secondary room-leave">
          Leave
        </Link>
      </header>

      <div className="room-status">
        <p className={`conn conn-${connection}`} role="status">
          <span className="conn-dot" aria-hidden="true" />
          {connectionWords[connection]}
          {notice && connection !== 'connected' && <span className="conn-note"> {notice}</span>}
        </p>
        {canRetryConnection && (
          <button
            type="button"
            className="button-secondary button-small"
            onClick={() => {
              client.reconnect();
            }}
          >
            Try again
          </button>
        )}
      </div>

      {problem && loggedOut && (
        <LoginAgain message={problem.message} accountId={accountId} client={client} />
      )}

      {problem && !loggedOut && (
        <div
          className={`notice room-problem${calmProblems.has(problem.code) ? '' : ' notice-error'}`}
          role="alert"
        >
          <p>{problem.message}</p>
          <p>
            {problem.code === 'agreement_required' ? (
              <Link to={leaveTo}>Read the group agreements</Link>
            ) : (
              <Link to={leaveTo}>Back to the group</Link>
            )}
          </p>
        </div>
      )}

      {info ? (
        <MessageList
          messages={state.messages}
          outgoing={state.outgoing}
          me={info.me}
          busy={connection !== 'connected'}
          onRetry={(clientId) => {
            client.retry(clientId);
          }}
        />
      ) : (
        !problem && <Loading label="Joining the room…" />
      )}

      {info && (!problem || draft !== '') && (
        <Composer
          text={draft}
          onChange={setDraft}
          pausedHint={pausedHint}
          onSend={(text) => {
            client.send(text);
          }}
        />
      )}
    </div>
  );
}

/**
 * Logging in again right here, rather than on the log-in page, keeps this page and everything
 * written on it; leaving for another page would throw the unsent words away.
 */
function LoginAgain({
  message,
  accountId,
  client,
}: {
  message: string;
  accountId: string;
  client: RoomClient;
}) {
  const headingId = useId();
  const { setMe } = useAuth();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const { pending, error, run } = useSubmit();

  function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    void run(async () => {
      const me = await api.login({ username: username.trim(), password });
      setPassword('');
      // Another account gets its own fresh room (the page is keyed by account), so nothing
      // written here is sent under someone else's name.
      setMe(me);
      if (me.id === accountId) client.reconnect();
    });
  }

  return (
    <section className="notice room-problem" aria-labelledby={headingId}>
      <div role="alert">
        <h2 id={headingId} className="room-login-title">
          {message}
        </h2>
        <p>
          Nothing you wrote is lost: unsent messages are kept on this page. Log in again to carry
          on.
        </p>
      </div>
      <form className="stack room-login" onSubmit={submit}>
        <CredentialFields
          account="existing"
          username={username}
          password={password}
          onUsernameChange={setUsername}
          onPasswordChange={setPassword}
        />
        <FormError message={error} />
        <div className="actions">
          <button type="submit" disabled={pending}>
            Log in
          </button>
        </div>
      </form>
    </section>
  );
}
