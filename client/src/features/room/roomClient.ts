import type { ApiError, CommandResult, ErrorCode, Member, Message } from '@hearth/shared';
import { ApiErrorSchema } from '@hearth/shared';
import { api, toApiRequestError } from '../../lib/api.ts';
import { newClientId } from '../../lib/ids.ts';
import { createSocket, type HearthSocket } from '../../lib/socket.ts';

const ACK_TIMEOUT_MS = 10_000;
/** How long an acknowledged message may wait for its broadcast before we fetch it ourselves. */
const BROADCAST_GRACE_MS = 3_000;
const JOIN_RETRY_MS = 3_000;
/**
 * Waits before resending an unanswered message on a live connection. A slow server should not
 * be hammered, and after the last one the person decides whether to try again.
 */
const RESEND_DELAYS_MS = [2_000, 5_000, 10_000] as const;
/**
 * Answers that say the server could not handle the message just now, not that it refused it;
 * the message itself may be fine, so it is worth sending again.
 */
const passingTroubles = new Set<ErrorCode>(['unavailable', 'internal']);

const loginEnded: ApiError = {
  code: 'unauthenticated',
  message: 'Your login has ended, so the room is paused.',
};
const otherAccount: ApiError = {
  code: 'unauthenticated',
  message: 'This browser is no longer logged in as you, so the room is paused.',
};

export type Connection = 'connecting' | 'connected' | 'reconnecting' | 'offline';

export interface OutgoingMessage {
  clientId: string;
  text: string;
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
  groupName: string;
  me: Member;
}

export interface RoomState {
  connection: Connection;
  info: RoomInfo | null;
  /** Confirmed messages in seq order. */
  messages: readonly Message[];
  /** Own messages the room has not confirmed yet, in the order they were written. */
  outgoing: readonly OutgoingMessage[];
  /** Why the room cannot be used at all (closed, no access, logged out). */
  problem: ApiError | null;
  /** A passing connection difficulty, worded for people. */
  notice: string | null;
}

type JoinResult = CommandResult<'room:join'>;
type Timer = ReturnType<typeof setTimeout>;

const initialState: RoomState = {
  connection: 'connecting',
  info: null,
  messages: [],
  outgoing: [],
  problem: null,
  notice: null,
};

/**
 * Keeps one person's view of one room in step with the server. Plain TypeScript rather than
 * React state, because the socket handlers need the latest seq synchronously to spot gaps.
 *
 * Every send carries a clientId the server stores only once, so any message whose fate is
 * unknown is simply sent again; nothing the person wrote is dropped for a connection problem.
 */
export class RoomClient {
  private readonly sessionId: string;
  /** Whose room this is: a socket opened with someone else's cookie must not send their words. */
  private readonly accountId: string;
  private state: RoomState = initialState;
  private readonly listeners = new Set<() => void>();
  private socket: HearthSocket | null = null;
  private lastSeq = 0;
  private everJoined = false;
  private joined = false;
  private joinToken = 0;
  private joinCounter = 0;
  private joinAgain = false;
  private readonly inFlight = new Set<string>();
  /** Unanswered sends on a live connection, per clientId, to space out the resends. */
  private readonly resends = new Map<string, number>();
  private readonly resendTimers = new Map<string, Timer>();
  private readonly timers = new Set<Timer>();

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
    this.joined = false;
    this.joinToken = 0;
    this.joinAgain = false;
    this.inFlight.clear();
    // Messages still waiting stay as they are: the first successful join sends them.
    this.update({ connection: this.everJoined ? 'reconnecting' : 'connecting', notice: null });

    socket.on('connect', () => {
      this.update({ connection: this.everJoined ? 'reconnecting' : 'connecting', notice: null });
      this.join();
    });
    socket.on('disconnect', (reason) => {
      this.joined = false;
      this.joinToken = 0;
      this.joinAgain = false;
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
        this.update({ notice: 'Hearth cannot be reached right now. Still trying…' });
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
    socket.on('message:created', (message) => {
      this.receive(message);
    });
    socket.connect();
  }

  stop(): void {
    const socket = this.socket;
    if (!socket) return;
    this.socket = null;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.resendTimers.clear();
    socket.removeAllListeners();
    if (socket.connected) socket.emit('room:leave', { sessionId: this.sessionId }, () => {});
    socket.disconnect();
  }

  /** Try again after the server closed the connection on purpose or refused it. */
  reconnect(): void {
    if (!this.socket || this.socket.active) return;
    this.update({ connection: 'reconnecting', notice: null, problem: null });
    this.socket.connect();
  }

  send(text: string): void {
    const clientId = newClientId();
    this.update({
      outgoing: [
        ...this.state.outgoing,
        { clientId, text, status: 'sending', unconfirmed: false, error: null },
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

  private update(change: Partial<RoomState>): void {
    this.state = { ...this.state, ...change };
    for (const listener of this.listeners) listener();
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
    const payload = { sessionId: this.sessionId, afterSeq: this.lastSeq };
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
        this.applyJoin(res.data);
        if (res.data.hasMore || this.joinAgain) {
          this.joinAgain = false;
          this.join();
          return;
        }
        this.joined = true;
        this.everJoined = true;
        this.update({ connection: 'connected', notice: null });
        this.flush();
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
    this.update({ problem: error, connection: 'offline', outgoing });
    socket.disconnect();
  }

  private applyJoin(data: JoinResult): void {
    this.update({ info: { title: data.title, groupName: data.groupName, me: data.me } });
    this.append([...data.messages].sort((a, b) => a.seq - b.seq));
  }

  private receive(message: Message): void {
    if (message.sessionId !== this.sessionId || message.seq <= this.lastSeq) return;
    if (message.seq > this.lastSeq + 1) {
      // Something was missed; the join answer carries everything after lastSeq, this one included.
      this.join();
      return;
    }
    this.append([message]);
  }

  private append(messages: readonly Message[]): void {
    const fresh: Message[] = [];
    for (const message of messages) {
      if (message.seq <= this.lastSeq) continue;
      fresh.push(message);
      this.lastSeq = message.seq;
    }
    if (fresh.length === 0) return;
    // A clientId is only unique per author, so someone else's message must never settle ours.
    const me = this.state.info?.me.memberId;
    const confirmed = new Set(
      fresh.filter((m) => me !== undefined && m.author.memberId === me).map((m) => m.clientId),
    );
    for (const id of confirmed) this.forget(id);
    this.update({
      messages: [...this.state.messages, ...fresh],
      outgoing: this.state.outgoing.filter((o) => !confirmed.has(o.clientId)),
    });
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
    socket
      .timeout(ACK_TIMEOUT_MS)
      .emit(
        'message:send',
        { sessionId: this.sessionId, clientId, text: message.text },
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
            }
          } else if (res.data.seq <= this.lastSeq) {
            this.forget(clientId);
            this.update({ outgoing: this.state.outgoing.filter((o) => o.clientId !== clientId) });
          } else {
            this.resends.delete(clientId);
            this.setOutgoing(clientId, { status: 'sent', unconfirmed: false, error: null });
            this.later(BROADCAST_GRACE_MS, () => {
              if (this.state.outgoing.some((o) => o.clientId === clientId)) this.join();
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
