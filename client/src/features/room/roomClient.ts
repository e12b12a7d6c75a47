import type {
  Ack,
  ApiError,
  CheckInColour,
  ClientCommandName,
  CommandPayload,
  CommandResult,
  ConsoleState,
  CrisisResource,
  CwCategory,
  ErrorCode,
  Member,
  Message,
  Reaction,
  RoomControls,
  RoomEvent,
  RoomNotice,
  RosterEntry,
  SideMessage,
  WarningInput,
} from '@hearth/shared';
import { ApiErrorSchema } from '@hearth/shared';
import { api, toApiRequestError } from '../../lib/api.ts';
import { isFacilitator } from '../../lib/format.ts';
import { newClientId } from '../../lib/ids.ts';
import { createSocket, releaseSocket, type HearthSocket } from '../../lib/socket.ts';

const ACK_TIMEOUT_MS = 10_000;
/** How long an acknowledged change may wait for its broadcast before we fetch it ourselves. */
const BROADCAST_GRACE_MS = 3_000;
const JOIN_RETRY_MS = 3_000;
/** A safety net while in the waiting room, in case the "you are admitted" event went astray. */
const WAITING_RECHECK_MS = 30_000;
/**
 * A broadcast lost between server nodes shows only when a later event arrives; in a quiet room
 * that may be never. So, while joined and visible, the client asks for anything new this often.
 */
const QUIET_CATCH_UP_MS = 20_000;
/** Facilitators: the console's state is asked for again this often, in case a change went astray. */
const CONSOLE_REFRESH_MS = 20_000;
/** How long "X is typing…" stays after the last sign of typing. */
const TYPING_SHOWN_MS = 5_000;
/** At most one typing signal this often. */
const TYPING_SEND_EVERY_MS = 3_000;
/** Leaving says goodbye, but does not keep the person waiting for an answer. */
const LEAVE_TIMEOUT_MS = 2_000;
/**
 * Waits before resending an unanswered message on a live connection. A slow server should not
 * be hammered, and after the last one the person decides whether to try again.
 */
const RESEND_DELAYS_MS = [2_000, 5_000, 10_000] as const;
/**
 * Answers that say the server could not handle the message just now, not that it refused it;
 * the message itself may be fine, so it is worth sending again.
 */
/** Answers that say "not now": the same message is sent again later (it is never posted twice). */
const passingTroubles = new Set<ErrorCode>(['unavailable', 'internal', 'rate_limited']);
/** Refusals that say the room or this person cannot post just now; shown next to Send. */
const holdCodes = new Set<ErrorCode>(['muted', 'paused', 'slow_mode']);

const loginEnded: ApiError = {
  code: 'unauthenticated',
  message: 'Your login has ended, so the room is paused.',
};
const otherAccount: ApiError = {
  code: 'unauthenticated',
  message: 'This browser is no longer logged in as you, so the room is paused.',
};
const notConnected: ApiError = {
  code: 'unavailable',
  message: 'The room is not connected just now. Please try again in a moment.',
};
/** Said beside "Reconnecting…" while the device itself says it has no network. */
const deviceOffline = 'This device is offline just now.';
const noAnswer: ApiError = {
  code: 'unavailable',
  message: 'The room did not answer in time. Please try again.',
};

export type Connection = 'connecting' | 'connected' | 'reconnecting' | 'offline';

export interface OutgoingMessage {
  clientId: string;
  text: string;
  replyToId: string | null;
  warning: { categories: string[]; note: string } | null;
  /**
   * 'sent' means the server stored it and its broadcast has not arrived yet. 'failed' means the
   * server refused it, or it stayed unconfirmed through every resend; only the person resends it.
   */
  status: 'sending' | 'sent' | 'failed';
  /** A send went unanswered and it is being sent again; people are told so it is not a mystery. */
  unconfirmed: boolean;
  error: string | null;
}

export interface RoomInfo {
  title: string;
  groupId: string;
  groupName: string;
  brief: string;
  endsAt: string;
  me: Member;
  agreement: { version: number; text: string };
  crisisResources: readonly CrisisResource[];
  contentWarnings: readonly CwCategory[];
}

export type CheckInAnswer = { checkInId: string; colour: CheckInColour; word: string };

/** What asking for support led to: whether a facilitator is there to see it now. */
export type SupportAnswer = { ok: true; facilitatorsPresent: boolean } | { ok: false; error: ApiError };

/** Where this person stands: not in yet, in the waiting room, or in the room. */
export type Phase = 'joining' | 'waiting' | 'in';

export interface RoomState {
  connection: Connection;
  phase: Phase;
  info: RoomInfo | null;
  /** Who is in the room and how; people who left stay in the list with state 'left'. */
  roster: readonly RosterEntry[];
  /** Confirmed messages, in seq order, each as it stands now. */
  messages: readonly Message[];
  /** Own messages the room has not confirmed yet, in the order they were written. */
  outgoing: readonly OutgoingMessage[];
  /** People typing right now (never this person). */
  typing: readonly Member[];
  /** The room's pause, slow mode, lock and check-in round, as the server last said. */
  controls: RoomControls;
  /** While this person is muted: until when. */
  mutedUntil: string | null;
  /** This person's answer to a check-in round. */
  checkInAnswer: CheckInAnswer | null;
  /** Private threads with the facilitators: a participant's own; every one, for facilitators. */
  sideMessages: readonly SideMessage[];
  /** Facilitators only: the console's shared state, kept in step with the other facilitators. */
  console: ConsoleState | null;
  /** What a facilitator did that concerns this person, said privately; one of each kind. */
  notices: readonly RoomNotice[];
  /** Removed from the session or banned: the room is over for this person. */
  sentOff: RoomNotice | null;
  /** When this person's last message was stored (slow mode counts from it), or 0. */
  lastSentAt: number;
  /** Right now: the room is in a grounding pause. Flips by itself when the pause ends. */
  paused: boolean;
  /** Right now: this person is muted. Flips by itself when the mute ends. */
  muted: boolean;
  /** Slow mode: until when this person waits before the next message (0: no wait now). */
  slowUntil: number;
  /** Why the room refused the last message (muted, paused, slow mode), in its own words. */
  refusal: string | null;
  /** This person stepped out; the room shows a calm screen until they come back. */
  steppedOut: boolean;
  /** The session has ended. */
  closed: boolean;
  /** Why the room cannot be used at all (no access, logged out, closed before entering). */
  problem: ApiError | null;
  /** A passing connection difficulty, worded for people. */
  notice: string | null;
}

export interface SendOptions {
  replyToId: string | null;
  warning: { categories: string[]; note: string } | null;
}

type JoinResult = CommandResult<'room:join'>;
type Timer = ReturnType<typeof setTimeout>;
/** socket.io's typed emit cannot be called with a generic event name; this is its loose shape. */
type LooseEmitter = {
  emit(event: string, payload: unknown, ack: (err: Error | null, res: unknown) => void): void;
};

const initialState: RoomState = {
  connection: 'connecting',
  phase: 'joining',
  info: null,
  roster: [],
  messages: [],
  outgoing: [],
  typing: [],
  controls: { pausedUntil: null, slowModeSeconds: 0, locked: false, checkIn: null },
  mutedUntil: null,
  checkInAnswer: null,
  sideMessages: [],
  console: null,
  notices: [],
  sentOff: null,
  lastSentAt: 0,
  paused: false,
  muted: false,
  slowUntil: 0,
  refusal: null,
  steppedOut: false,
  closed: false,
  problem: null,
  notice: null,
};

/** Inserts or replaces a message by id, keeping the list ordered by the seq that posted it. */
function upsert(list: Message[], message: Message): void {
  const at = list.findIndex((m) => m.id === message.id);
  if (at !== -1) {
    list[at] = message;
    return;
  }
  let index = list.length;
  while (index > 0 && (list[index - 1]?.seq ?? 0) > message.seq) index -= 1;
  list.splice(index, 0, message);
}

/**
 * Keeps one person's view of one room in step with the server. Plain TypeScript rather than
 * React state, because the socket handlers need the latest seq synchronously to spot gaps.
 *
 * Everything others see arrives as a numbered room event. Events are applied strictly in order:
 * one that skips a number makes the client ask for what it missed first; one it already has is
 * ignored. Every send carries a clientId the server stores only once, so any message whose fate
 * is unknown is simply sent again; nothing the person wrote is dropped for a connection problem.
 */
export class RoomClient {
  readonly sessionId: string;
  /** Whose room this is: a socket opened with someone else's cookie must not send their words. */
  private readonly accountId: string;
  private state: RoomState = initialState;
  private readonly listeners = new Set<() => void>();
  private socket: HearthSocket | null = null;
  private lastSeq = 0;
  private everJoined = false;
  /** Admitted and caught up enough to take live events and send. */
  private joined = false;
  private joinToken = 0;
  private joinCounter = 0;
  private joinAgain = false;
  private catchingUp = false;
  /** Live events that arrived while a join or a catch-up was under way. */
  private buffered: RoomEvent[] = [];
  private left = false;
  private lastTypingSent = 0;
  private readonly typingTimers = new Map<string, Timer>();
  private readonly inFlight = new Set<string>();
  /** Unanswered sends on a live connection, per clientId, to space out the resends. */
  private readonly resends = new Map<string, number>();
  private readonly resendTimers = new Map<string, Timer>();
  private readonly timers = new Set<Timer>();
  private quietTimer: ReturnType<typeof setInterval> | undefined;
  /** When the client last heard everything up to now from the server (a join or a catch-up). */
  private lastSyncAt = 0;
  private consoleTimer: ReturnType<typeof setInterval> | undefined;
  /** Fires when the nearest of the pause, the mute or the slow-mode wait ends. */
  private holdTimer: Timer | undefined;
  /** A console fetch is under way; `consoleAgain` asks for one more after it. */
  private consoleFetching = false;
  private consoleAgain = false;

  constructor(sessionId: string, accountId: string) {
    this.sessionId = sessionId;
    this.accountId = accountId;
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): RoomState => this.state;

  start(): void {
    if (this.socket) return;
    const socket = createSocket();
    this.socket = socket;
    this.left = false;
    this.resetConnectionState();
    // Messages still waiting stay as they are: the first successful join sends them.
    this.update({ connection: this.everJoined ? 'reconnecting' : 'connecting', notice: null });

    socket.on('connect', () => {
      this.update({ connection: this.everJoined ? 'reconnecting' : 'connecting', notice: null });
      this.join();
    });
    socket.on('disconnect', (reason) => {
      this.resetConnectionState();
      this.clearTyping();
      if (reason === 'io server disconnect') {
        // The server ended this connection on purpose and socket.io will not retry by itself.
        // Usually the login was ended elsewhere; if it still holds, carrying on is right.
        this.update({ connection: 'reconnecting', notice: null });
        this.checkLogin(socket);
        return;
      }
      this.update({ connection: socket.active ? 'reconnecting' : 'offline' });
    });
    socket.on('connect_error', (error: Error & { data?: unknown }) => {
      if (socket.active) {
        this.update({
          notice: navigator.onLine ? 'Hearth cannot be reached right now. Still trying…' : deviceOffline,
        });
        return;
      }
      // The server refused the handshake itself, so socket.io will not retry on its own.
      const parsed = ApiErrorSchema.safeParse(error.data);
      if (parsed.success && parsed.data.code === 'unauthenticated') {
        this.update({ connection: 'offline', problem: loginEnded });
      } else {
        this.update({
          connection: 'offline',
          notice: parsed.success ? parsed.data.message : 'Hearth could not open the room.',
        });
      }
    });
    socket.on('room:event', (event) => {
      if (socket === this.socket) this.receive(event);
    });
    socket.on('room:admitted', ({ sessionId }) => {
      if (socket === this.socket && sessionId === this.sessionId && this.state.phase === 'waiting') {
        this.join();
      }
    });
    socket.on('room:notice', (notice) => {
      if (socket === this.socket && notice.sessionId === this.sessionId) this.takeNotice(notice);
    });
    socket.on('staff:changed', ({ sessionId, version }) => {
      if (socket !== this.socket || sessionId !== this.sessionId) return;
      if (version > (this.state.console?.version ?? -1)) this.fetchConsole();
    });
    socket.on('side:message', (message) => {
      if (socket === this.socket && message.sessionId === this.sessionId) this.addSideMessages([message]);
    });
    socket.on('room:typing', ({ sessionId, memberId }) => {
      if (socket === this.socket && sessionId === this.sessionId) this.someoneTyping(memberId);
    });
    this.quietTimer = setInterval(() => {
      this.quietCatchUp();
    }, QUIET_CATCH_UP_MS);
    this.consoleTimer = setInterval(() => {
      const me = this.state.info?.me;
      if (me && isFacilitator(me) && document.visibilityState === 'visible') this.fetchConsole();
    }, CONSOLE_REFRESH_MS);
    document.addEventListener('visibilitychange', this.onVisibilityChange);
    window.addEventListener('offline', this.onDeviceOffline);
    socket.connect();
  }

  stop(): void {
    const socket = this.socket;
    if (!socket) return;
    this.socket = null;
    clearInterval(this.quietTimer);
    this.quietTimer = undefined;
    clearInterval(this.consoleTimer);
    this.consoleTimer = undefined;
    document.removeEventListener('visibilitychange', this.onVisibilityChange);
    window.removeEventListener('offline', this.onDeviceOffline);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.resendTimers.clear();
    this.typingTimers.clear();
    socket.removeAllListeners();
    if (socket.connected && !this.left) {
      socket.emit('room:leave', { sessionId: this.sessionId }, () => {});
    }
    socket.disconnect();
    releaseSocket(socket);
  }

  /** Try again after the server closed the connection on purpose or refused it. */
  reconnect(): void {
    if (!this.socket || this.socket.active) return;
    this.update({
      connection: this.everJoined ? 'reconnecting' : 'connecting',
      notice: null,
      problem: null,
    });
    this.socket.connect();
  }

  /** Says goodbye to the room (others see that this person left), then disconnects. */
  async leave(): Promise<void> {
    if (this.socket?.connected && this.state.phase !== 'joining') {
      await this.request('room:leave', { sessionId: this.sessionId }, LEAVE_TIMEOUT_MS);
    }
    this.left = true;
    this.stop();
  }

  send(text: string, options: SendOptions): void {
    const clientId = newClientId();
    this.update({
      refusal: null,
      outgoing: [
        ...this.state.outgoing,
        {
          clientId,
          text,
          replyToId: options.replyToId,
          warning: options.warning,
          status: 'sending',
          unconfirmed: false,
          error: null,
        },
      ],
    });
    this.dispatch(clientId);
  }

  retry(clientId: string): void {
    const message = this.state.outgoing.find((o) => o.clientId === clientId);
    if (!message || message.status !== 'failed') return;
    this.resends.delete(clientId);
    this.setOutgoing(clientId, { status: 'sending', unconfirmed: false, error: null });
    // A room that refused the join is not connected; asking again is what "Try again" means.
    if (this.socket && !this.socket.active && this.state.problem?.code !== 'unauthenticated') {
      this.reconnect();
      return;
    }
    this.dispatch(clientId);
  }

  /** Gives up on a message that could not be sent (its words are the person's to keep). */
  discard(clientId: string): void {
    const message = this.state.outgoing.find((o) => o.clientId === clientId);
    if (!message || message.status !== 'failed') return;
    this.forget(clientId);
    this.update({ outgoing: this.state.outgoing.filter((o) => o.clientId !== clientId) });
  }

  /**
   * Changes the words of an own message. `warning` is the author's warning for the new words:
   * null removes it, left out keeps it (a facilitator's warning stays either way).
   */
  edit(messageId: string, text: string, warning?: WarningInput | null): Promise<ApiError | null> {
    const payload: CommandPayload<'message:edit'> = { sessionId: this.sessionId, messageId, text };
    if (warning !== undefined) payload.warning = warning;
    return this.command('message:edit', payload);
  }

  remove(messageId: string): Promise<ApiError | null> {
    return this.command('message:delete', { sessionId: this.sessionId, messageId });
  }

  react(messageId: string, reaction: Reaction, on: boolean): Promise<ApiError | null> {
    return this.command('message:react', { sessionId: this.sessionId, messageId, reaction, on });
  }

  /** Facilitators: add or change the warning on any message, for everyone. */
  warn(messageId: string, warning: WarningInput): Promise<ApiError | null> {
    return this.command('message:warn', { sessionId: this.sessionId, messageId, warning });
  }

  async report(
    messageId: string,
    reason: CommandPayload<'message:report'>['reason'],
    note: string,
  ): Promise<ApiError | null> {
    const res = await this.request('message:report', {
      sessionId: this.sessionId,
      messageId,
      reason,
      note,
    });
    return res.ok ? null : res.error;
  }

  async requestSupport(): Promise<SupportAnswer> {
    const res = await this.request('support:request', { sessionId: this.sessionId });
    // An older server (during a rolling update) does not say; it only ever said "told".
    return res.ok ? { ok: true, facilitatorsPresent: res.data.facilitatorsPresent !== false } : res;
  }

  /** A participant answers the open check-in round; only facilitators see the answer. */
  async answerCheckIn(colour: CheckInColour, word: string): Promise<ApiError | null> {
    const round = this.state.controls.checkIn;
    if (!round) return null;
    const res = await this.request('checkin:answer', {
      sessionId: this.sessionId,
      checkInId: round.id,
      colour,
      word,
    });
    if (!res.ok) return res.error;
    this.update({ checkInAnswer: { checkInId: round.id, colour, word: word.trim() } });
    return null;
  }

  /** Writes in a private thread: a participant's own (null), or a facilitator's with one participant. */
  async sendSide(text: string, participantId: string | null): Promise<ApiError | null> {
    const me = this.state.info?.me;
    if (!me) return notConnected;
    const res = await this.request('side:send', {
      sessionId: this.sessionId,
      participantId,
      clientId: newClientId(),
      text,
    });
    if (!res.ok) return res.error;
    this.addSideMessages([
      {
        id: res.data.id,
        sessionId: this.sessionId,
        participantId: participantId ?? me.memberId,
        author: me,
        text,
        createdAt: new Date().toISOString(),
      },
    ]);
    return null;
  }

  dismissNotice(kind: RoomNotice['kind']): void {
    this.update({ notices: this.state.notices.filter((n) => n.kind !== kind) });
  }

  /**
   * Sends any command and says only whether it worked. When its answer carries the seq of the
   * event that tells the room, and that event is slow to come, the client fetches it.
   */
  async command<E extends ClientCommandName>(event: E, payload: CommandPayload<E>): Promise<ApiError | null> {
    const res = await this.ask(event, payload);
    return res.ok ? null : res.error;
  }

  /** Sends any command in the room and hands back its whole answer. */
  async ask<E extends ClientCommandName>(event: E, payload: CommandPayload<E>): Promise<Ack<CommandResult<E>>> {
    if (!this.joined) return { ok: false, error: notConnected };
    const res = await this.request(event, payload);
    if (!res.ok) return res;
    const seq = (res.data as { seq?: unknown }).seq;
    if (typeof seq === 'number' && seq > this.lastSeq) {
      this.later(BROADCAST_GRACE_MS, () => {
        if (seq > this.lastSeq) this.catchUp();
      });
    }
    return res;
  }

  /** Facilitators: asks for the console's state now (after an action, say). */
  fetchConsole(): void {
    const socket = this.socket;
    if (!socket?.connected || !this.joined) return;
    if (this.consoleFetching) {
      this.consoleAgain = true;
      return;
    }
    this.consoleFetching = true;
    void this.request('staff:state', { sessionId: this.sessionId }).then((res) => {
      if (socket !== this.socket) return;
      this.consoleFetching = false;
      if (res.ok && res.data.version >= (this.state.console?.version ?? -1)) {
        this.update({ console: res.data });
        this.addSideMessages(res.data.sideMessages);
      }
      if (this.consoleAgain) {
        this.consoleAgain = false;
        this.fetchConsole();
      }
    });
  }

  /**
   * Stepping out shows at once, whatever the network does; the server is told, and told again
   * after a reconnect, so others see "stepped out" rather than nothing.
   */
  setPresence(state: 'present' | 'stepped_out'): void {
    this.update({ steppedOut: state === 'stepped_out' });
    if (this.joined) void this.request('room:presence', { sessionId: this.sessionId, state });
  }

  /** Called while the person types; sends a typing signal at most every few seconds. */
  typing(): void {
    const now = Date.now();
    if (!this.joined || now - this.lastTypingSent < TYPING_SEND_EVERY_MS) return;
    this.lastTypingSent = now;
    this.socket?.emit('room:typing', { sessionId: this.sessionId }, () => {});
  }

  /** The session was ended from this page; the 'closed' event confirms it for everyone. */
  markClosed(): void {
    this.update({ closed: true });
  }

  private addSideMessages(added: readonly SideMessage[]): void {
    const byId = new Map(this.state.sideMessages.map((m) => [m.id, m]));
    let changed = false;
    for (const message of added) {
      if (byId.has(message.id) && byId.get(message.id)?.text === message.text) continue;
      byId.set(message.id, message);
      changed = true;
    }
    if (!changed) return;
    this.update({
      sideMessages: [...byId.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
    });
  }

  /** A notice replaces an earlier one of its kind; being let go of the room ends it here. */
  private takeNotice(notice: RoomNotice): void {
    const others = this.state.notices.filter(
      (n) => n.kind !== notice.kind && !(notice.kind === 'unmuted' && n.kind === 'muted'),
    );
    if (notice.kind === 'removed' || notice.kind === 'banned') {
      this.update({ sentOff: notice, notices: [], messages: [], outgoing: [] });
      this.left = true;
      this.stop();
      return;
    }
    const change: Partial<RoomState> = { notices: [...others, notice] };
    if (notice.kind === 'muted') change.mutedUntil = notice.until;
    if (notice.kind === 'unmuted') {
      change.mutedUntil = null;
      change.refusal = null;
    }
    this.update(change);
  }

  private readonly onVisibilityChange = (): void => {
    this.quietCatchUp();
  };

  /**
   * The device says it lost the network. A connection that died with it would look alive until
   * its next ping went unanswered (up to 45 seconds), and messages written meanwhile would seem
   * to be on their way. Closing it says "Reconnecting" at once; socket.io then keeps trying, and
   * the join after it sends what was kept and catches up on what was missed.
   */
  private readonly onDeviceOffline = (): void => {
    const socket = this.socket;
    if (!socket) return;
    this.update({ notice: deviceOffline });
    if (socket.connected) socket.io.engine.close();
  };

  /** The light, regular check of a quiet room; skipped when the client heard from it lately. */
  private quietCatchUp(): void {
    if (document.visibilityState !== 'visible' || !this.joined) return;
    if (this.joinToken !== 0 || this.catchingUp) return;
    if (Date.now() - this.lastSyncAt < QUIET_CATCH_UP_MS) return;
    this.catchUp();
  }

  private update(change: Partial<RoomState>): void {
    this.state = { ...this.state, ...change };
    if ('controls' in change || 'mutedUntil' in change || 'lastSentAt' in change) this.settleHolds();
    for (const listener of this.listeners) listener();
  }

  /**
   * The pause, a mute and slow mode each end at a time. The flags say whether each holds now,
   * and a timer flips them when the nearest ends, so nothing needs to watch the clock.
   */
  private settleHolds(): void {
    this.cancel(this.holdTimer);
    const now = Date.now();
    const { controls, mutedUntil, lastSentAt, info } = this.state;
    const pauseEnds = controls.pausedUntil ? Date.parse(controls.pausedUntil) : 0;
    const muteEnds = mutedUntil ? Date.parse(mutedUntil) : 0;
    const slowEnds =
      controls.slowModeSeconds > 0 && lastSentAt > 0 && info && !isFacilitator(info.me)
        ? lastSentAt + controls.slowModeSeconds * 1_000
        : 0;
    this.state = {
      ...this.state,
      paused: pauseEnds > now,
      muted: muteEnds > now,
      slowUntil: slowEnds > now ? slowEnds : 0,
    };
    const next = Math.min(...[pauseEnds, muteEnds, slowEnds].filter((end) => end > now));
    if (next === Infinity) return;
    this.holdTimer = this.later(Math.min(next - now + 50, 2 ** 31 - 1), () => {
      this.settleHolds();
      for (const listener of this.listeners) listener();
    });
  }

  private later(ms: number, task: () => void): Timer {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      task();
    }, ms);
    this.timers.add(timer);
    return timer;
  }

  private cancel(timer: Timer | undefined): void {
    if (timer === undefined) return;
    clearTimeout(timer);
    this.timers.delete(timer);
  }

  private resetConnectionState(): void {
    this.joined = false;
    this.joinToken = 0;
    this.joinAgain = false;
    this.catchingUp = false;
    this.buffered = [];
    this.inFlight.clear();
  }

  /** Sends one command and resolves with its acknowledgement, or with why there was none. */
  private request<E extends ClientCommandName>(
    event: E,
    payload: CommandPayload<E>,
    timeoutMs = ACK_TIMEOUT_MS,
  ): Promise<Ack<CommandResult<E>>> {
    const socket = this.socket;
    if (!socket?.connected) return Promise.resolve({ ok: false, error: notConnected });
    return new Promise((resolve) => {
      const emitter = socket.timeout(timeoutMs) as unknown as LooseEmitter;
      emitter.emit(event, payload, (err, res) => {
        resolve(err ? { ok: false, error: noAnswer } : (res as Ack<CommandResult<E>>));
      });
    });
  }

  private checkLogin(socket: HearthSocket): void {
    const stillWanted = () => socket === this.socket && !socket.active;
    api.me().then(
      (me) => {
        if (!stillWanted()) return;
        if (me.id !== this.accountId) {
          this.update({ connection: 'offline', problem: otherAccount });
          return;
        }
        socket.connect();
      },
      (caught: unknown) => {
        if (!stillWanted()) return;
        if (toApiRequestError(caught).code === 'unauthenticated') {
          this.update({ connection: 'offline', problem: loginEnded });
          return;
        }
        this.update({ notice: 'Hearth cannot be reached right now. Still trying…' });
        this.later(JOIN_RETRY_MS, () => {
          if (stillWanted()) this.checkLogin(socket);
        });
      },
    );
  }

  private join(): void {
    const socket = this.socket;
    if (!socket?.connected) return;
    if (this.joinToken !== 0) {
      this.joinAgain = true;
      return;
    }
    const token = ++this.joinCounter;
    this.joinToken = token;
    // Shown and acknowledged before the first join of this visit; the same visit does not ask
    // again when it reconnects or is let in from the waiting room.
    const payload = {
      sessionId: this.sessionId,
      afterSeq: this.lastSeq,
      reminderAcknowledged: true as const,
    };
    socket
      .timeout(ACK_TIMEOUT_MS)
      .emit('room:join', payload, (err: Error | null, res) => {
        if (socket !== this.socket || this.joinToken !== token) return;
        this.joinToken = 0;
        if (err) {
          this.update({ notice: 'The room is slow to answer. Trying again…' });
          if (this.joinAgain) {
            this.joinAgain = false;
            this.join();
          } else {
            this.later(JOIN_RETRY_MS, () => {
              this.join();
            });
          }
          return;
        }
        if (!res.ok && res.error.code === 'rate_limited') {
          // Too much at once (a reconnect storm): this person still belongs in the room.
          this.update({ notice: 'The room is busy. Trying again…' });
          this.later(JOIN_RETRY_MS, () => {
            this.join();
          });
          return;
        }
        if (!res.ok) {
          this.refuseRoom(socket, res.error);
          return;
        }
        const before = this.state.info?.me.memberId;
        if (before !== undefined && before !== res.data.me.memberId) {
          // The cookie changed under this page (someone else logged in on this browser); what
          // this person wrote must not go out under another name.
          this.update({ connection: 'offline', problem: otherAccount });
          socket.disconnect();
          return;
        }
        if (this.joinAgain) {
          this.joinAgain = false;
          this.applyJoin(res.data);
          this.join();
          return;
        }
        this.applyJoin(res.data);
        if (!res.data.admitted) {
          this.update({ connection: 'connected', notice: null });
          this.later(WAITING_RECHECK_MS, () => {
            if (socket === this.socket && this.state.phase === 'waiting') this.join();
          });
          return;
        }
        this.joined = true;
        this.everJoined = true;
        this.lastSyncAt = Date.now();
        this.update({ connection: 'connected', notice: null });
        if (this.state.steppedOut) {
          void this.request('room:presence', { sessionId: this.sessionId, state: 'stepped_out' });
        }
        this.flush();
        if (res.data.hasMore) this.catchUp();
        else this.drain();
        if (isFacilitator(res.data.me)) this.fetchConsole();
      });
  }

  private refuseRoom(socket: HearthSocket, error: ApiError): void {
    // Waiting messages cannot go anywhere now; they stay, with the reason, for the person to
    // copy or try again. A login problem keeps them waiting, because logging in sends them.
    const outgoing =
      error.code === 'unauthenticated'
        ? this.state.outgoing
        : this.state.outgoing.map((o) =>
            o.status === 'sending'
              ? { ...o, status: 'failed' as const, unconfirmed: false, error: error.message }
              : o,
          );
    const closed = error.code === 'room_closed' && this.everJoined;
    this.update({
      problem: closed ? null : error,
      closed: closed || this.state.closed,
      connection: 'offline',
      outgoing,
    });
    socket.disconnect();
  }

  private applyJoin(data: JoinResult): void {
    this.update({
      info: {
        title: data.title,
        groupId: data.groupId,
        groupName: data.groupName,
        brief: data.brief,
        endsAt: data.endsAt,
        me: data.me,
        agreement: data.agreement,
        crisisResources: data.crisisResources,
        contentWarnings: data.contentWarnings,
      },
      phase: data.admitted ? 'in' : 'waiting',
      problem: null,
      controls: data.controls,
      mutedUntil: data.mutedUntil,
      checkInAnswer: data.checkInAnswer,
    });
    this.addSideMessages(data.sideMessages);
    if (!data.admitted) return;
    // The roster is as it stands now; the events bring the conversation up to date. Someone
    // whose place in the group ended has no name any more, and is no longer listed.
    this.update({ roster: data.roster.filter((entry) => entry.member.pseudonym !== '') });
    this.applyEvents(data.events, data.lastSeq);
  }

  private receive(event: RoomEvent): void {
    if (event.sessionId !== this.sessionId) return;
    if (!this.joined || this.joinToken !== 0 || this.catchingUp) {
      this.buffered.push(event);
      return;
    }
    this.takeLive(event);
  }

  private takeLive(event: RoomEvent): void {
    if (event.seq <= this.lastSeq) return;
    if (event.seq === this.lastSeq + 1) {
      this.applyEvents([event]);
      return;
    }
    // Something was missed: ask for it, and keep this one for after.
    this.buffered.push(event);
    this.catchUp();
  }

  /** Applies, in order, the live events kept while a join or a catch-up was under way. */
  private drain(): void {
    const pending = this.buffered.sort((a, b) => a.seq - b.seq);
    this.buffered = [];
    for (const event of pending) {
      if (this.catchingUp) this.buffered.push(event);
      else this.takeLive(event);
    }
  }

  /** Fetches every event after the last one applied, page by page, then the kept live ones. */
  private catchUp(): void {
    const socket = this.socket;
    if (!socket?.connected || !this.joined || this.catchingUp) return;
    this.catchingUp = true;
    void this.fetchMissed(socket).then((done) => {
      if (socket !== this.socket) return;
      this.catchingUp = false;
      if (done) {
        this.lastSyncAt = Date.now();
        this.drain();
      } else if (this.joined) {
        this.later(JOIN_RETRY_MS, () => {
          this.catchUp();
        });
      }
    });
  }

  private async fetchMissed(socket: HearthSocket): Promise<boolean> {
    for (;;) {
      const res = await this.request('room:catch-up', {
        sessionId: this.sessionId,
        afterSeq: this.lastSeq,
      });
      if (socket !== this.socket) return false;
      if (!res.ok) {
        if (res.error.code === 'room_closed') {
          this.update({ closed: true });
          return true;
        }
        if (res.error.code === 'not_admitted') {
          // Back in the waiting room (or never really in): join again to find out.
          this.joined = false;
          this.buffered = [];
          this.join();
          return true;
        }
        return false;
      }
      const before = this.lastSeq;
      this.applyEvents(res.data.events, res.data.lastSeq);
      if (!res.data.hasMore || this.lastSeq === before) return true;
    }
  }

  /**
   * Applies events in seq order, each only once. Live events never pass a gap. A page from the
   * server says up to which number it covers: a number it left out belongs to something erased
   * since, and will never come.
   */
  private applyEvents(events: readonly RoomEvent[], coveredTo?: number): void {
    const sorted = [...events].sort((a, b) => a.seq - b.seq);
    let messages: Message[] | null = null;
    let roster: RosterEntry[] | null = null;
    let closed = this.state.closed;
    let controls: RoomControls | null = null;
    const confirmed = new Set<string>();
    const me = this.state.info?.me.memberId;
    const quiet = new Set<string>();
    for (const event of sorted) {
      if (event.seq <= this.lastSeq) continue;
      if (event.seq > this.lastSeq + 1 && coveredTo === undefined) break;
      this.lastSeq = event.seq;
      switch (event.type) {
        case 'message': {
          messages ??= [...this.state.messages];
          upsert(messages, event.message);
          // A clientId is only unique per author, so someone else's message must never settle ours.
          if (me !== undefined && event.message.author.memberId === me) {
            confirmed.add(event.message.clientId);
          }
          if (event.change === 'posted') quiet.add(event.message.author.memberId);
          break;
        }
        case 'presence': {
          roster ??= [...this.state.roster];
          const at = roster.findIndex((e) => e.member.memberId === event.member.memberId);
          if (event.member.pseudonym === '') {
            // Their place in the group ended: they leave the list, and no empty name is shown.
            if (at !== -1) roster.splice(at, 1);
          } else if (at === -1) {
            roster.push({ member: event.member, state: event.state });
          } else {
            roster[at] = { member: event.member, state: event.state };
          }
          if (event.state !== 'present' || event.member.pseudonym === '') {
            quiet.add(event.member.memberId);
          }
          break;
        }
        case 'controls':
          controls = event.controls;
          break;
        case 'closed':
          closed = true;
          break;
      }
    }
    if (coveredTo !== undefined) this.lastSeq = Math.max(this.lastSeq, coveredTo);
    const change: Partial<RoomState> = {};
    if (messages) change.messages = messages;
    if (roster) change.roster = roster;
    if (closed !== this.state.closed) change.closed = closed;
    if (controls) {
      change.controls = controls;
      change.refusal = null;
    }
    if (confirmed.size > 0) {
      for (const id of confirmed) this.forget(id);
      change.outgoing = this.state.outgoing.filter((o) => !confirmed.has(o.clientId));
    }
    for (const memberId of quiet) this.stopTyping(memberId);
    if (Object.keys(change).length > 0) this.update(change);
  }

  private someoneTyping(memberId: string): void {
    if (memberId === this.state.info?.me.memberId) return;
    const member = this.state.roster.find((e) => e.member.memberId === memberId)?.member;
    if (!member) return;
    this.cancel(this.typingTimers.get(memberId));
    this.typingTimers.set(
      memberId,
      this.later(TYPING_SHOWN_MS, () => {
        this.stopTyping(memberId);
      }),
    );
    if (!this.state.typing.some((m) => m.memberId === memberId)) {
      this.update({ typing: [...this.state.typing, member] });
    }
  }

  private stopTyping(memberId: string): void {
    this.cancel(this.typingTimers.get(memberId));
    this.typingTimers.delete(memberId);
    if (this.state.typing.some((m) => m.memberId === memberId)) {
      this.update({ typing: this.state.typing.filter((m) => m.memberId !== memberId) });
    }
  }

  private clearTyping(): void {
    for (const timer of this.typingTimers.values()) this.cancel(timer);
    this.typingTimers.clear();
    if (this.state.typing.length > 0) this.update({ typing: [] });
  }

  private forget(clientId: string): void {
    this.inFlight.delete(clientId);
    this.resends.delete(clientId);
    this.cancel(this.resendTimers.get(clientId));
    this.resendTimers.delete(clientId);
  }

  private setOutgoing(clientId: string, change: Partial<OutgoingMessage>): void {
    if (!this.state.outgoing.some((o) => o.clientId === clientId)) return;
    this.update({
      outgoing: this.state.outgoing.map((o) => (o.clientId === clientId ? { ...o, ...change } : o)),
    });
  }

  /**
   * Sends every message waiting for a joined room: those written while offline and those whose
   * answer was lost with the last connection. A new connection starts their resends afresh.
   */
  private flush(): void {
    for (const message of this.state.outgoing) {
      if (message.status === 'sending' && !this.inFlight.has(message.clientId)) {
        this.resends.delete(message.clientId);
        this.dispatch(message.clientId);
      }
    }
  }

  private dispatch(clientId: string): void {
    const socket = this.socket;
    const message = this.state.outgoing.find((o) => o.clientId === clientId);
    if (!socket || !message || this.inFlight.has(clientId)) return;
    this.cancel(this.resendTimers.get(clientId));
    this.resendTimers.delete(clientId);
    // Not in the room right now: flush() sends it after the next successful join.
    if (!this.joined || !socket.connected) return;
    this.inFlight.add(clientId);
    socket.timeout(ACK_TIMEOUT_MS).emit(
      'message:send',
      {
        sessionId: this.sessionId,
        clientId,
        text: message.text,
        replyToId: message.replyToId,
        warning: message.warning,
      },
      // socket.io types the error as always present, but it is null when the answer came.
      (err: Error | null, res) => {
        if (socket !== this.socket) return;
        this.inFlight.delete(clientId);
        if (err) {
          this.unanswered(socket, clientId, null);
        } else if (!res.ok) {
          if (passingTroubles.has(res.error.code)) {
            this.unanswered(socket, clientId, res.error.message);
          } else {
            this.resends.delete(clientId);
            this.setOutgoing(clientId, {
              status: 'failed',
              unconfirmed: false,
              error: res.error.message,
            });
            if (holdCodes.has(res.error.code)) this.update({ refusal: res.error.message });
          }
        } else if (res.data.seq <= this.lastSeq) {
          this.update({ lastSentAt: Date.now() });
          this.forget(clientId);
          this.update({ outgoing: this.state.outgoing.filter((o) => o.clientId !== clientId) });
        } else {
          this.resends.delete(clientId);
          this.update({ lastSentAt: Date.now() });
          this.setOutgoing(clientId, { status: 'sent', unconfirmed: false, error: null });
          const seq = res.data.seq;
          this.later(BROADCAST_GRACE_MS, () => {
            if (seq > this.lastSeq) this.catchUp();
          });
        }
      },
    );
  }

  /**
   * The message may or may not be stored. socket.io fails every waiting answer the moment the
   * connection drops, so a dropped connection is no verdict on the message at all.
   */
  private unanswered(socket: HearthSocket, clientId: string, serverMessage: string | null): void {
    if (!this.state.outgoing.some((o) => o.clientId === clientId && o.status === 'sending')) return;
    this.setOutgoing(clientId, { unconfirmed: true, error: null });
    if (!socket.connected || !this.joined) return;
    const done = this.resends.get(clientId) ?? 0;
    const delay = RESEND_DELAYS_MS[done];
    if (delay === undefined) {
      this.resends.delete(clientId);
      this.setOutgoing(clientId, {
        status: 'failed',
        unconfirmed: false,
        error:
          serverMessage ??
          'Hearth has not confirmed this message. Trying again will not post it twice.',
      });
      return;
    }
    this.resends.set(clientId, done + 1);
    this.resendTimers.set(
      clientId,
      this.later(delay, () => {
        this.resendTimers.delete(clientId);
        this.dispatch(clientId);
      }),
    );
  }
}
