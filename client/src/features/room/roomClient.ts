import type { ApiError, CommandResult, Member, Message } from '@hearth/shared';
import { ApiErrorSchema } from '@hearth/shared';
import { newClientId } from '../../lib/ids.ts';
import { createSocket, type HearthSocket } from '../../lib/socket.ts';

const ACK_TIMEOUT_MS = 10_000;
/** How long an acknowledged message may wait for its broadcast before we fetch it ourselves. */
const BROADCAST_GRACE_MS = 3_000;
const JOIN_RETRY_MS = 3_000;

export type Connection = 'connecting' | 'connected' | 'reconnecting' | 'offline';

export interface OutgoingMessage {
  clientId: string;
  text: string;
  /** 'sent' means the server stored it and its broadcast has not arrived yet. */
  status: 'sending' | 'sent' | 'failed';
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
 */
export class RoomClient {
  private readonly sessionId: string;
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
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(sessionId: string) {
    this.sessionId = sessionId;
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
    this.update({
      connection: this.everJoined ? 'reconnecting' : 'connecting',
      notice: null,
      outgoing: this.state.outgoing.map((o) =>
        o.status === 'sending' ? { ...o, status: 'failed', error: 'Not sent yet.' } : o,
      ),
    });

    socket.on('connect', () => {
      this.update({ connection: this.everJoined ? 'reconnecting' : 'connecting', notice: null });
      this.join();
    });
    socket.on('disconnect', () => {
      this.joined = false;
      this.joinToken = 0;
      this.joinAgain = false;
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
        this.update({ connection: 'offline', problem: parsed.data });
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
      outgoing: [...this.state.outgoing, { clientId, text, status: 'sending', error: null }],
    });
    this.dispatch(clientId);
  }

  retry(clientId: string): void {
    const message = this.state.outgoing.find((o) => o.clientId === clientId);
    if (!message || message.status !== 'failed') return;
    this.setOutgoing(clientId, { status: 'sending', error: null });
    this.dispatch(clientId);
  }

  private update(change: Partial<RoomState>): void {
    this.state = { ...this.state, ...change };
    for (const listener of this.listeners) listener();
  }

  private later(ms: number, task: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      task();
    }, ms);
    this.timers.add(timer);
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
          this.update({ problem: res.error, connection: 'offline' });
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
    const confirmed = new Set(fresh.map((m) => m.clientId));
    for (const id of confirmed) this.inFlight.delete(id);
    this.update({
      messages: [...this.state.messages, ...fresh],
      outgoing: this.state.outgoing.filter((o) => !confirmed.has(o.clientId)),
    });
  }

  private setOutgoing(clientId: string, change: Partial<OutgoingMessage>): void {
    if (!this.state.outgoing.some((o) => o.clientId === clientId)) return;
    this.update({
      outgoing: this.state.outgoing.map((o) => (o.clientId === clientId ? { ...o, ...change } : o)),
    });
  }

  /** Sends every message waiting for a joined room; messages written while offline wait here. */
  private flush(): void {
    for (const message of this.state.outgoing) {
      if (message.status === 'sending' && !this.inFlight.has(message.clientId)) {
        this.dispatch(message.clientId);
      }
    }
  }

  private dispatch(clientId: string): void {
    const socket = this.socket;
    const message = this.state.outgoing.find((o) => o.clientId === clientId);
    if (!socket || !message) return;
    if (!this.joined || !socket.connected) {
      this.later(ACK_TIMEOUT_MS, () => {
        const current = this.state.outgoing.find((o) => o.clientId === clientId);
        if (current?.status === 'sending' && !this.inFlight.has(clientId)) {
          this.setOutgoing(clientId, {
            status: 'failed',
            error: 'You are not connected right now.',
          });
        }
      });
      return;
    }
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
            this.setOutgoing(clientId, {
              status: 'failed',
              error: 'Hearth did not answer in time.',
            });
          } else if (!res.ok) {
            this.setOutgoing(clientId, { status: 'failed', error: res.error.message });
          } else if (res.data.seq <= this.lastSeq) {
            this.update({ outgoing: this.state.outgoing.filter((o) => o.clientId !== clientId) });
          } else {
            this.setOutgoing(clientId, { status: 'sent', error: null });
            this.later(BROADCAST_GRACE_MS, () => {
              if (this.state.outgoing.some((o) => o.clientId === clientId)) this.join();
            });
          }
        },
      );
  }
}
