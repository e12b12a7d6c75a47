import {
  lazy,
  Suspense,
  useCallback,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
  type SubmitEvent,
} from 'react';
import type { Message } from '@hearth/shared';
import { CredentialFields, FormError } from '../../components/forms.tsx';
import { Loading } from '../../components/layout.tsx';
import { api } from '../../lib/api.ts';
import { useAuth } from '../../lib/auth.tsx';
import { formatTime, isFacilitator } from '../../lib/format.ts';
import { Link, navigate } from '../../lib/router.tsx';
import { useSubmit } from '../../lib/useSubmit.ts';
import { Composer } from './Composer.tsx';
import { KeptDraft } from './KeptDraft.tsx';
import { MessageList } from './MessageList.tsx';
import { OpensAt, ReminderGate, SteppedOut, WaitingScreen } from './RoomGate.tsx';
import {
  CrisisPanelBody,
  Panel,
  RosterList,
  SettingsPanelBody,
  type PanelName,
} from './RoomPanels.tsx';
import type { Connection, RoomClient, RoomState } from './roomClient.ts';
import { RoomUiContext, type RoomUi } from './roomUi.ts';
import { SupportStatus, useSupportRequest } from './SupportRequest.tsx';
import { useEarlyArrival } from './useEarlyArrival.ts';
import { useRoomPreferences } from './usePreferences.ts';
import { useRoom } from './useRoom.ts';
import { warningKey } from './warnings.ts';

const facilitatorTools = () => import('./facilitator/FacilitatorTools.tsx');
const WaitingRoomList = lazy(() =>
  facilitatorTools().then((module) => ({ default: module.WaitingRoomList })),
);
const SupportAlerts = lazy(() =>
  facilitatorTools().then((module) => ({ default: module.SupportAlerts })),
);
const EndSessionControl = lazy(() =>
  facilitatorTools().then((module) => ({ default: module.EndSessionControl })),
);

const connectionWords: Record<Connection, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting:
    'Reconnecting… your messages are kept and will be sent when the connection is back.',
  offline: 'Not connected',
};

/** Problems that describe the room itself rather than a failure; they are not shown as errors. */
const calmProblems = new Set([
  'room_closed',
  'not_found',
  'forbidden',
  'agreement_required',
  'not_admitted',
]);

const panelTitles: Record<PanelName, string> = {
  people: 'Who is here',
  crisis: 'Crisis resources',
  settings: 'Room settings',
};

interface RoomViewProps {
  sessionId: string;
  accountId: string;
  /** The session's group, when known before the room answers. */
  groupId: string | null;
  leaveTo: string;
}

function typingWords(names: readonly string[]): string {
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0] ?? ''} is typing…`;
  if (names.length === 2) return `${names[0] ?? ''} and ${names[1] ?? ''} are typing…`;
  return 'Several people are typing…';
}

export function RoomView({ sessionId, accountId, groupId, leaveTo }: RoomViewProps) {
  // The reminder is asked once per visit to this page; reconnects do not ask again.
  const [entered, setEntered] = useState(false);
  const { state, client } = useRoom(sessionId, accountId, entered);

  if (!entered) {
    return (
      <ReminderGate
        leaveTo={leaveTo}
        onEnter={() => {
          setEntered(true);
        }}
      />
    );
  }
  return (
    <Room
      sessionId={sessionId}
      accountId={accountId}
      groupId={groupId}
      leaveTo={leaveTo}
      state={state}
      client={client}
    />
  );
}

function Room({
  sessionId,
  accountId,
  groupId,
  leaveTo,
  state,
  client,
}: RoomViewProps & { state: RoomState; client: RoomClient }) {
  const panelId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const stepOutButton = useRef<HTMLButtonElement>(null);
  const triggers = useRef<Partial<Record<PanelName, HTMLButtonElement | null>>>({});
  // Held here rather than in the composer so a paused room can keep what was being written.
  const [draft, setDraft] = useState('');
  const [replyToId, setReplyToId] = useState<string | null>(null);
  const [panel, setPanel] = useState<PanelName | null>(null);
  /** The control that opened the panel being closed, to take focus back. */
  const returnFocusTo = useRef<PanelName | null>(null);
  /** Messages this reader chose to see, with the warning they saw: in memory only. */
  const [revealed, setRevealedMap] = useState<ReadonlyMap<string, string>>(() => new Map());
  const [leaving, setLeaving] = useState(false);

  const { connection, info, problem, notice, phase, closed } = state;
  const roomPreferences = useRoomPreferences(info?.groupId ?? null);
  const { preferences } = roomPreferences;
  const loggedOut = problem?.code === 'unauthenticated';
  const groupPath = info ? `/groups/${info.groupId}` : leaveTo;
  // Arrived before the session started: told when the room opens, and let in by itself then.
  const early = useEarlyArrival({
    sessionId,
    groupId,
    refused: problem?.code === 'room_closed',
    inside: info !== null,
    retry: () => {
      // Only while the room is what keeps them out (not, say, a login that ended meanwhile).
      if (client.getSnapshot().problem?.code === 'room_closed') client.reconnect();
    },
  });

  useEffect(() => {
    heading.current?.focus();
  }, []);

  // Let in from the waiting room: the person lands at the top of the room, as on a new page.
  const previousPhase = useRef(phase);
  useEffect(() => {
    if (previousPhase.current === 'waiting' && phase === 'in') heading.current?.focus();
    previousPhase.current = phase;
  }, [phase]);

  useEffect(() => {
    if (panel !== null || returnFocusTo.current === null) return;
    triggers.current[returnFocusTo.current]?.focus();
    returnFocusTo.current = null;
  }, [panel]);

  const byId = useMemo(
    () => new Map(state.messages.map((message) => [message.id, message])),
    [state.messages],
  );

  const isRevealed = useCallback(
    (message: Message) =>
      message.warning !== null && revealed.get(message.id) === warningKey(message.warning),
    [revealed],
  );
  const setRevealed = useCallback((message: Message, on: boolean) => {
    setRevealedMap((current) => {
      const next = new Map(current);
      if (on && message.warning) next.set(message.id, warningKey(message.warning));
      else next.delete(message.id);
      return next;
    });
  }, []);

  const facilitating = info !== null && isFacilitator(info.me);
  const inRoom = phase === 'in';
  const facilitatorPresent = state.roster.some(
    (entry) => entry.state === 'present' && isFacilitator(entry.member),
  );
  const canPost = facilitating || facilitatorPresent;
  const support = useSupportRequest(client, facilitatorPresent);
  const canAct = inRoom && !closed && connection === 'connected' && !loggedOut;

  const ui = useMemo<RoomUi | null>(
    () =>
      info
        ? {
            client,
            me: info.me,
            facilitating,
            canAct,
            categories: info.contentWarnings,
            preferences,
            byId,
            isRevealed,
            setRevealed,
            replyTo: (message: Message) => {
              setReplyToId(message.id);
            },
          }
        : null,
    [info, client, facilitating, canAct, preferences, byId, isRevealed, setRevealed],
  );

  const canRetryConnection =
    connection === 'offline' && !loggedOut && (!problem || !calmProblems.has(problem.code));

  let pausedHint: string | null = null;
  if (loggedOut) pausedHint = 'Log in again above to send. What you wrote stays here.';
  else if (problem) pausedHint = 'This room is not taking messages. What you wrote stays here.';
  else if (!canPost) {
    pausedHint = 'The room is waiting for a facilitator. You can send as soon as one is here.';
  }

  function togglePanel(name: PanelName) {
    if (panel === name) closePanel();
    else setPanel(name);
  }

  function closePanel() {
    returnFocusTo.current = panel;
    setPanel(null);
  }

  async function leave() {
    setLeaving(true);
    await client.leave();
    navigate(groupPath);
  }

  const present = state.roster.filter((entry) => entry.state !== 'left').length;
  const typingNames =
    preferences.typingIndicators && inRoom && !closed ? state.typing.map((m) => m.pseudonym) : [];
  const replyTo = replyToId ? (byId.get(replyToId) ?? null) : null;

  function toolButton(name: PanelName, words: string) {
    return (
      <button
        ref={(element) => {
          triggers.current[name] = element;
        }}
        type="button"
        className="button-secondary button-small"
        aria-expanded={panel === name}
        aria-controls={panel === name ? `${panelId}-${name}` : undefined}
        onClick={() => {
          togglePanel(name);
        }}
      >
        {words}
      </button>
    );
  }

  return (
    <>
      <div className="room" inert={state.steppedOut}>
        {/* Neutral on purpose: tab titles and history show on a shared device. */}
        <title>Room · Hearth</title>
        <header className="room-header">
          <div className="room-titles">
            {info && (
              <p className="room-group">
                {info.groupName}
                {inRoom && !closed && (
                  <span className="room-ends">
                    {' · ends at '}
                    <time dateTime={info.endsAt}>{formatTime(info.endsAt)}</time>
                  </span>
                )}
              </p>
            )}
            <h1 ref={heading} tabIndex={-1}>
              {info?.title ?? 'Room'}
            </h1>
          </div>
        </header>

        {info && inRoom && info.agreement.text && (
          <details className="room-agreement">
            <summary>
              Group agreements <span className="meta">· version {info.agreement.version}</span>
            </summary>
            <div className="prose room-agreement-text">{info.agreement.text}</div>
          </details>
        )}

        <div className="room-tools" role="group" aria-label="Room controls">
          {info && inRoom && (
            <>
              {toolButton('people', `Who is here (${String(present)})`)}
              {toolButton('crisis', 'Crisis resources')}
              {toolButton('settings', 'Room settings')}
              {!closed && (
                <button
                  ref={stepOutButton}
                  type="button"
                  className="button-secondary button-small"
                  onClick={() => {
                    client.setPresence('stepped_out');
                  }}
                >
                  Step out
                </button>
              )}
              {!closed && !facilitating && (
                <button
                  type="button"
                  className="button-secondary button-small"
                  disabled={support.pending || !canAct}
                  onClick={support.ask}
                >
                  I need support
                </button>
              )}
              {!closed && facilitating && (
                <Suspense fallback={null}>
                  <EndSessionControl
                    sessionId={sessionId}
                    onEnded={() => {
                      client.markClosed();
                    }}
                  />
                </Suspense>
              )}
            </>
          )}
          <button
            type="button"
            className="button-secondary button-small room-leave"
            disabled={leaving}
            onClick={() => void leave()}
          >
            Leave
          </button>
        </div>

        <SupportStatus
          words={support.words}
          waiting={support.waiting}
          onOpenCrisis={() => {
            setPanel('crisis');
          }}
        />

        {info && inRoom && panel && (
          <Panel id={`${panelId}-${panel}`} title={panelTitles[panel]} onClose={closePanel}>
            {panel === 'people' && <RosterList roster={state.roster} me={info.me} />}
            {panel === 'crisis' && <CrisisPanelBody resources={info.crisisResources} />}
            {panel === 'settings' && (
              <SettingsPanelBody
                categories={info.contentWarnings}
                preferences={preferences}
                status={roomPreferences.status}
                onSave={roomPreferences.save}
                onRetry={roomPreferences.retry}
              />
            )}
          </Panel>
        )}

        {early ? (
          <OpensAt early={early} groupPath={groupPath} />
        ) : (
          <ConnectionStatus
            connection={connection}
            notice={notice}
            onRetry={
              canRetryConnection
                ? () => {
                    client.reconnect();
                  }
                : null
            }
          />
        )}

        {problem && loggedOut && (
          <LoginAgain message={problem.message} accountId={accountId} client={client} />
        )}

        {problem && !loggedOut && early === null && (
          <div
            className={`notice room-problem${calmProblems.has(problem.code) ? '' : ' notice-error'}`}
            role="alert"
          >
            <p>{problem.message}</p>
            <p>
              {problem.code === 'agreement_required' ? (
                <Link to={groupPath}>Read the group agreements</Link>
              ) : (
                <Link to={groupPath}>Back to the group</Link>
              )}
            </p>
          </div>
        )}

        {facilitating && inRoom && !closed && (
          <Suspense fallback={null}>
            <WaitingRoomList
              waiting={state.waiting}
              onAdmit={async (memberId) => (await client.admit(memberId))?.message ?? null}
            />
            <SupportAlerts
              alerts={state.supportAlerts}
              onDismiss={(alert) => {
                client.dismissSupportAlert(alert);
              }}
            />
          </Suspense>
        )}

        <div className="room-announce" role="status">
          {closed && (
            <div className="notice room-closed">
              <p>
                <strong>This session has ended.</strong> Thank you for being here. The
                conversation can no longer be added to.
              </p>
              <p>
                <Link to={groupPath}>Back to the group</Link>
              </p>
            </div>
          )}
          {!closed && inRoom && !canPost && !problem && (
            <p className="notice room-unattended">
              <strong>The room is waiting for a facilitator.</strong> You can read what is here and
              keep writing; sending opens again once a facilitator is present.
            </p>
          )}
        </div>

        {info && phase === 'waiting' && !problem && <WaitingScreen info={info} />}

        {info && ui && inRoom && (
          <RoomUiContext value={ui}>
            <MessageList
              messages={state.messages}
              outgoing={state.outgoing}
              me={info.me}
              busy={connection !== 'connected'}
              onRetry={(clientId) => {
                client.retry(clientId);
              }}
              onDiscard={(clientId) => {
                client.discard(clientId);
              }}
            />
            <p className="typing" aria-live="polite">
              {typingWords(typingNames)}
            </p>
            {!closed && (!problem || draft !== '') && (
              <Composer
                text={draft}
                onChange={setDraft}
                pausedHint={pausedHint}
                categories={info.contentWarnings}
                replyTo={replyTo}
                onCancelReply={() => {
                  setReplyToId(null);
                }}
                onTyping={() => {
                  if (preferences.typingIndicators) client.typing();
                }}
                onSend={(text, options) => {
                  client.send(text, options);
                }}
              />
            )}
            {closed && draft.trim() !== '' && <KeptDraft text={draft} />}
          </RoomUiContext>
        )}

        {!info && !problem && early === null && <Loading label="Joining the room…" />}
      </div>
      {state.steppedOut && (
        <SteppedOut
          onComeBack={() => {
            client.setPresence('present');
            requestAnimationFrame(() => stepOutButton.current?.focus());
          }}
        />
      )}
    </>
  );
}

/** How the connection is, said calmly; with "Try again" when trying is up to the person. */
function ConnectionStatus({
  connection,
  notice,
  onRetry,
}: {
  connection: Connection;
  notice: string | null;
  onRetry: (() => void) | null;
}) {
  return (
    <div className="room-status">
      <p className={`conn conn-${connection}`} role="status">
        <span className="conn-dot" aria-hidden="true" />
        {connectionWords[connection]}
        {notice && connection !== 'connected' && <span className="conn-note"> {notice}</span>}
      </p>
      {onRetry && (
        <button type="button" className="button-secondary button-small" onClick={onRetry}>
          Try again
        </button>
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
