import { useEffect } from 'react';
import { Loading, PageHeading } from '../../components/layout.tsx';
import { useAuth } from '../../lib/auth.tsx';
import { Link } from '../../lib/router.tsx';
import { Composer } from './Composer.tsx';
import { MessageList } from './MessageList.tsx';
import type { Connection } from './roomClient.ts';
import { useRoom } from './useRoom.ts';

const connectionWords: Record<Connection, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  offline: 'Not connected',
};

/** Problems that describe the room itself rather than a failure; they are not shown as errors. */
const calmProblems = new Set(['room_closed', 'not_found', 'forbidden']);

export function RoomView({ sessionId, leaveTo }: { sessionId: string; leaveTo: string }) {
  const { state, client } = useRoom(sessionId);
  const { setMe } = useAuth();
  const { connection, info, problem, notice } = state;
  const loggedOut = problem?.code === 'unauthenticated';

  useEffect(() => {
    if (loggedOut) setMe(null);
  }, [loggedOut, setMe]);

  const canRetryConnection =
    connection === 'offline' && (!problem || !calmProblems.has(problem.code));

  return (
    <div className="room">
      <title>{`${info?.title ?? 'Room'} · Hearth`}</title>
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

      {problem && !loggedOut && (
        <div
          className={`notice room-problem${calmProblems.has(problem.code) ? '' : ' notice-error'}`}
          role="alert"
        >
          <p>{problem.message}</p>
          <p>
            <Link to={leaveTo}>Back to the group</Link>
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

      {info && !problem && (
        <Composer
          onSend={(text) => {
            client.send(text);
          }}
        />
      )}
    </div>
  );
}
