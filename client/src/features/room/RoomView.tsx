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
import type { Message, SideMessage } from '@hearth/shared';
import { CredentialFields, FormError } from '../../components/forms.tsx';
import { Loading } from '../../components/layout.tsx';
import { ScrollingText } from '../../components/scrollingText.tsx';
import { api } from '../../lib/api.ts';
import { useAuth } from '../../lib/auth.tsx';
import { formatTime, isFacilitator } from '../../lib/format.ts';
import { Link, navigate } from '../../lib/router.tsx';
import { useMediaQuery } from '../../lib/useMediaQuery.ts';
import { useSubmit } from '../../lib/useSubmit.ts';
import { CheckInCard, CheckOutCard } from './CheckIn.tsx';
import { Composer } from './Composer.tsx';
import { GroundingPause } from './GroundingPause.tsx';
import { KeptDraft } from './KeptDraft.tsx';
import { MessageList } from './MessageList.tsx';
import { RoomHappenings } from './NewMessages.tsx';
import { OpensAt, ReminderGate, SteppedOut, WaitingScreen } from './RoomGate.tsx';
import { PinnedAnnouncement, RoomNotices } from './RoomNotices.tsx';
import {
  CrisisPanelBody,
  Panel,
  RosterList,
  SettingsPanelBody,
  type PanelName,
} from './RoomPanels.tsx';
import type { Connection, RoomClient, RoomState } from './roomClient.ts';
import { RoomUiContext, type RoomUi } from './roomUi.ts';
import { SideComposer, SideMessages } from './SideThread.tsx';
import { SlowModeNote } from './SlowModeNote.tsx';
import { SupportStatus, useSupportRequest } from './SupportRequest.tsx';
import { useEarlyArrival } from './useEarlyArrival.ts';
import { useRoomPreferences } from './usePreferences.ts';
import { useRoom } from './useRoom.ts';
import { warningKey } from './warnings.ts';

const facilitatorTools = () => import('./facilitator/FacilitatorTools.tsx');
const FacilitatorConsole = lazy(() =>
  facilitatorTools().then((module) => ({ default: module.FacilitatorConsole })),
);
const ConsoleAnnouncer = lazy(() =>
  facilitatorTools().then((module) => ({ default: module.ConsoleAnnouncer })),
);
const EndSessionControl = lazy(() =>
  facilitatorTools().then((module) => ({ default: module.EndSessionControl })),
);

/** From this width the facilitator console sits beside the conversation; below it, it is a panel. */
const WIDE = '(min-width: 64rem)';

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
  'room_locked',
]);

const panelTitles: Record<PanelName, string> = {
  people: 'Who is here',
  crisis: 'Crisis resources',
  settings: 'Room settings',
  side: 'Message the facilitators privately',
};

interface RoomViewProps {
  sessionId: string;
  accountId: string;
  /** The session's group, when known before the room answers. */
  groupId: string | null;
  leaveTo: string;
}

/**
 * Private conversations whose last word is the participant's: on a phone the console is closed
 * most of the time, and its button's count is the facilitator's only sign that someone wrote.
 */
function awaitingReply(messages: readonly SideMessage[]): number {
  const last = new Map<string, SideMessage>();
  for (const message of messages) last.set(message.participantId, message);
  return [...last.values()].filter((message) => message.author.memberId === message.participantId).length;
}

function unsentWords(count: number): string {
  if (count === 0) return '';
  if (count === 1) return 'A message of yours was not sent. It is kept in the conversation, with Try again.';
  return `${String(count)} messages of yours were not sent. They are kept in the conversation, with Try again.`;
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
  if (state.sentOff) {
    return <SentOff message={state.sentOff.message} state={state} />;
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

/** Removed from the session or banned: said plainly and calmly, with somewhere to go. */
function SentOff({ message, state }: { message: string; state: RoomState }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
  }, []);
  return (
    <div className="room room-gate">
      <title>Room · Hearth</title>
      <div className="gate card stack">
        <h1 ref={heading} tabIndex={-1}>
          You are no longer in this room
        </h1>
        <p role="status">{message}</p>
        {state.info && <CrisisPanelBody resources={state.info.crisisResources} />}
        <p>
          <Link to="/">Go to the home page</Link>
        </p>
      </div>
    </div>
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
  const consoleButton = useRef<HTMLButtonElement>(null);
  const messageBox = useRef<HTMLTextAreaElement>(null);
  const pauseHeading = useRef<HTMLHeadingElement>(null);
  /** Set as a notice or the pinned announcement is put away, with the button that had focus. */
  const dismissing = useRef(false);
  const triggers = useRef<Partial<Record<PanelName, HTMLButtonElement | null>>>({});
  // Held here rather than in the composer so a paused room can keep what was being written.
  const [draft, setDraft] = useState('');
  /** What a participant is writing to the facilitators, kept while the panel is closed. */
  const [sideDraft, setSideDraft] = useState('');
  const [replyToId, setReplyToId] = useState<string | null>(null);
  const [panel, setPanel] = useState<PanelName | null>(null);
  /** The control that opened the panel being closed, to take focus back. */
  const returnFocusTo = useRef<PanelName | null>(null);
  /** Messages this reader chose to see, with the warning they saw: in memory only. */
  const [revealed, setRevealedMap] = useState<ReadonlyMap<string, string>>(() => new Map());
  const [leaving, setLeaving] = useState(false);
  /** On a narrow screen, the facilitator console takes the conversation's place while open. */
  const [consoleOpen, setConsoleOpen] = useState(false);
  const wide = useMediaQuery(WIDE);
  const [dismissedAnnouncement, setDismissedAnnouncement] = useState<string | null>(null);
  /** Private messages already seen with the panel open. */
  const [sideSeen, setSideSeen] = useState(0);
  // Said once the grounding pause is over, until the person writes again.
  const [pauseWas, setPauseWas] = useState(state.paused);
  const [pauseOver, setPauseOver] = useState(false);
  if (pauseWas !== state.paused) {
    setPauseWas(state.paused);
    setPauseOver(!state.paused);
  }
  // ...or for a minute: it is news, not a state of the room.
  useEffect(() => {
    if (!pauseOver) return;
    const timer = setTimeout(() => {
      setPauseOver(false);
    }, 60_000);
    return () => {
      clearTimeout(timer);
    };
  }, [pauseOver]);
  if (panel === 'side' && sideSeen !== state.sideMessages.length) {
    setSideSeen(state.sideMessages.length);
  }

  const { connection, info, problem, notice, phase, closed, controls } = state;
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

  // The note goes, and its button with it: focus goes on to the message box, or to the top of
  // the room when there is none to give it to (a closed room; the console in its place).
  useEffect(() => {
    if (!dismissing.current) return;
    dismissing.current = false;
    const box = messageBox.current;
    box?.focus();
    if (document.activeElement !== box) heading.current?.focus();
  }, [state.notices, dismissedAnnouncement]);

  useEffect(() => {
    if (panel !== null || returnFocusTo.current === null) return;
    triggers.current[returnFocusTo.current]?.focus();
    returnFocusTo.current = null;
  }, [panel]);

  const myMemberId = state.info?.me.memberId;
  const sideFromOthers = useMemo(
    () => state.sideMessages.filter((message) => message.author.memberId !== myMemberId),
    [state.sideMessages, myMemberId],
  );

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
  const showsActions = inRoom && !closed && !loggedOut;
  const canAct = showsActions && connection === 'connected';
  const support = useSupportRequest(client, facilitatorPresent, canAct);

  const ui = useMemo<RoomUi | null>(
    () =>
      info
        ? {
            client,
            me: info.me,
            facilitating,
            showsActions,
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
    [info, client, facilitating, showsActions, canAct, preferences, byId, isRevealed, setRevealed],
  );

  const canRetryConnection =
    connection === 'offline' && !loggedOut && (!problem || !calmProblems.has(problem.code));

  let pausedHint: string | null = null;
  if (loggedOut) pausedHint = 'Log in again above to send. What you wrote stays here.';
  else if (problem) pausedHint = 'This room is not taking messages. What you wrote stays here.';
  else if (!canPost) {
    pausedHint = 'The room is waiting for a facilitator. You can send as soon as one is here.';
  } else if (state.paused) pausedHint = 'The room is paused for a moment of grounding.';
  else if (state.muted && state.mutedUntil) {
    pausedHint = `You can send again at ${formatTime(state.mutedUntil)}. You can keep writing meanwhile.`;
  } else if (state.slowUntil > 0) pausedHint = 'Slow mode: Send opens again when the wait is over.';

  function togglePanel(name: PanelName) {
    if (panel === name) closePanel();
    else setPanel(name);
  }

  function closePanel() {
    returnFocusTo.current = panel;
    setPanel(null);
  }

  function closeConsole() {
    setConsoleOpen(false);
    requestAnimationFrame(() => consoleButton.current?.focus());
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
  const announcement = state.messages.findLast(
    (m) => m.kind === 'announcement' && !m.deleted && !m.hidden && m.warning === null,
  );
  // Facilitators read private conversations in their console.
  const sideUnread = facilitating
    ? 0
    : state.sideMessages.slice(sideSeen).filter((m) => m.author.memberId !== info?.me.memberId).length;
  const consoleCount = state.console
    ? state.console.supportRequests.length +
      state.console.alerts.length +
      state.console.reports.length +
      state.console.waiting.length +
      awaitingReply(state.sideMessages)
    : 0;
  const showConsole = facilitating && inRoom && !closed;
  const consoleInPlace = showConsole && !wide && consoleOpen;

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
      <div className={showConsole && wide ? 'room-frame room-frame-console' : 'room-frame'} inert={state.steppedOut}>
        <div className="room">
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
              <ScrollingText className="prose room-agreement-text" label="Text of the group agreements">
                {info.agreement.text}
              </ScrollingText>
            </details>
          )}

          {inRoom && !closed && announcement && announcement.id !== dismissedAnnouncement && (
            <PinnedAnnouncement
              message={announcement}
              onDismiss={() => {
                dismissing.current = true;
                setDismissedAnnouncement(announcement.id);
              }}
            />
          )}

          <div className="room-tools" role="group" aria-label="Room controls">
            {info && inRoom && (
              <>
                {toolButton('people', `Who is here (${String(present)})`)}
                {toolButton('crisis', 'Crisis resources')}
                {toolButton('settings', 'Room settings')}
                {!facilitating &&
                  toolButton(
                    'side',
                    sideUnread > 0
                      ? `Message the facilitators (${String(sideUnread)} new)`
                      : 'Message the facilitators',
                  )}
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
                    disabled={support.pending}
                    onClick={support.ask}
                  >
                    I need support
                  </button>
                )}
                {showConsole && !wide && (
                  <button
                    ref={consoleButton}
                    type="button"
                    className="button-secondary button-small"
                    aria-expanded={consoleOpen}
                    onClick={() => {
                      if (consoleOpen) closeConsole();
                      else setConsoleOpen(true);
                    }}
                  >
                    Facilitator console
                    {consoleCount > 0 && ` (${String(consoleCount)} open)`}
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

          <RoomNotices
            notices={state.notices}
            resources={info?.crisisResources ?? []}
            onDismiss={(kind) => {
              dismissing.current = true;
              client.dismissNotice(kind);
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
              {panel === 'side' && (
                <div className="stack">
                  <p className="hint">
                    Only the facilitators of this session can read this conversation.
                  </p>
                  <SideMessages messages={state.sideMessages} me={info.me} />
                  {!closed && (
                    <SideComposer
                      label="Your message to the facilitators"
                      draft={{ text: sideDraft, setText: setSideDraft }}
                      disabled={!canAct}
                      onSend={async (text) => (await client.sendSide(text, null))?.message ?? null}
                    />
                  )}
                </div>
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
            {!closed && inRoom && pauseOver && (
              <p className="hint room-hint">The grounding pause has ended. The room is open again.</p>
            )}
            {!closed && inRoom && controls.locked && (
              <p className="hint room-hint">The room is locked: nobody new can come in.</p>
            )}
            {!closed && inRoom && sideUnread > 0 && panel !== 'side' && (
              <p className="hint room-hint">A facilitator has written to you privately.</p>
            )}
          </div>

          {info && inRoom && !facilitating && (
            <RoomHappenings
              checkInId={closed ? null : (controls.checkIn?.id ?? null)}
              sideFromOthers={sideFromOthers}
              sideOpen={panel === 'side'}
            />
          )}

          {info && inRoom && !closed && !facilitating && controls.checkIn && (
            <CheckInCard client={client} roundId={controls.checkIn.id} answer={state.checkInAnswer} />
          )}

          {info && phase === 'waiting' && !problem && <WaitingScreen info={info} />}

          {consoleInPlace && (
            <Suspense fallback={<Loading label="Opening the console…" />}>
              <FacilitatorConsole client={client} state={state} layout="panel" onClose={closeConsole} />
            </Suspense>
          )}

          {info && ui && inRoom && (
            <div className="room-main" hidden={consoleInPlace}>
              <RoomUiContext value={ui}>
                <MessageList
                  messages={state.messages}
                  outgoing={state.outgoing}
                  me={info.me}
                  busy={connection !== 'connected'}
                  paused={state.paused && !closed}
                  overlay={
                    state.paused && !closed && controls.pausedUntil ? (
                      <GroundingPause until={controls.pausedUntil} headingRef={pauseHeading} />
                    ) : null
                  }
                  pauseFocus={pauseHeading}
                  onRetry={(clientId) => {
                    client.retry(clientId);
                  }}
                  onDiscard={(clientId) => {
                    client.discard(clientId);
                  }}
                />
                {/* Not a live region: typing comes and goes too often to be read out. */}
                <p className="typing">
                  {typingWords(typingNames)}
                </p>
                {!closed && (!problem || draft !== '') && (
                  <Composer
                    boxRef={messageBox}
                    text={draft}
                    onChange={setDraft}
                    pausedHint={pausedHint}
                    note={
                      <>
                        {controls.slowModeSeconds > 0 && !facilitating && (
                          <SlowModeNote
                            key={state.slowUntil}
                            seconds={controls.slowModeSeconds}
                            until={state.slowUntil}
                          />
                        )}
                        {/* Muted, paused or slow mode: a calm word, not an alarm. Always
                            present so the live region is there before its words change. */}
                        <p
                          className={state.refusal ? 'notice room-hint' : 'visually-hidden'}
                          role="status"
                          aria-live="polite"
                        >
                          {state.refusal ?? ''}
                        </p>
                        {/* The conversation is not read out, so a message that could not be
                            sent is said here; it waits in the conversation with Try again. */}
                        <p className="visually-hidden" role="status">
                          {unsentWords(state.outgoing.filter((o) => o.status === 'failed').length)}
                        </p>
                      </>
                    }
                    categories={info.contentWarnings}
                    replyTo={replyTo}
                    onCancelReply={() => {
                      setReplyToId(null);
                    }}
                    onTyping={() => {
                      if (preferences.typingIndicators) client.typing();
                    }}
                    onSend={(text, options) => {
                      setPauseOver(false);
                      client.send(text, options);
                    }}
                  />
                )}
                {closed && draft.trim() !== '' && <KeptDraft text={draft} />}
                {closed && !facilitating && <CheckOutCard sessionId={sessionId} />}
              </RoomUiContext>
            </div>
          )}

          {!info && !problem && early === null && <Loading label="Joining the room…" />}
        </div>
        {showConsole && wide && (
          <Suspense fallback={null}>
            <FacilitatorConsole client={client} state={state} layout="column" onClose={null} />
          </Suspense>
        )}
        {showConsole && (
          <Suspense fallback={null}>
            <ConsoleAnnouncer state={state} />
          </Suspense>
        )}
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
