import type {
  Ack,
  ClientCommandName,
  ClientToServerEvents,
  CommandPayload,
  CommandResult,
  Message,
  RoomEvent,
  ServerEventName,
  ServerEventPayload,
  ServerToClientEvents,
} from '@hearth/shared';
import { io, type Socket } from 'socket.io-client';

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * Connects a real socket.io client with a login cookie, resolving once connected. `timeoutMs`
 * bounds the attempt (socket.io's own default is 20 s).
 */
export function connect(baseUrl: string, cookie: string, options: { timeoutMs?: number } = {}): Promise<TestSocket> {
  const socket: TestSocket = io(baseUrl, {
    transports: ['websocket'],
    extraHeaders: cookie ? { cookie } : {},
    reconnection: false,
    forceNew: true,
    ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

/** Sends a command and waits for its acknowledgement. */
export function command<E extends ClientCommandName>(
  socket: TestSocket,
  event: E,
  payload: CommandPayload<E>,
): Promise<Ack<CommandResult<E>>> {
  return (socket.timeout(5000) as any).emitWithAck(event, payload);
}

/** Sends anything at all, as a hand-written client could, and waits for the acknowledgement. */
export function raw(socket: TestSocket, event: string, ...args: unknown[]): Promise<any> {
  return (socket.timeout(5000) as any).emitWithAck(event, ...args);
}

/** Collects every event of one name a socket receives. */
export function collect<E extends ServerEventName>(socket: TestSocket, event: E) {
  const received: ServerEventPayload<E>[] = [];
  const waiters: Array<() => void> = [];
  (socket as any).on(event, (payload: ServerEventPayload<E>) => {
    received.push(payload);
    waiters.splice(0).forEach((wake) => wake());
  });
  return {
    received,
    /** Resolves once `count` events arrived, or rejects after a while. */
    async waitFor(count: number, ms = 5000): Promise<ServerEventPayload<E>[]> {
      const deadline = Date.now() + ms;
      while (received.length < count) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`expected ${count} ${event} events, got ${received.length}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return received;
    },
  };
}

/** Enters a room as a client does: the confidentiality reminder acknowledged. */
export async function enter(socket: TestSocket, sessionId: string, afterSeq = 0) {
  return unwrap(await command(socket, 'room:join', { sessionId, afterSeq, reminderAcknowledged: true }));
}

/** The messages posted in a list of room events, as they stand now. */
export function postedMessages(events: readonly RoomEvent[]): Message[] {
  return events.flatMap((event) => (event.type === 'message' && event.change === 'posted' ? [event.message] : []));
}

/** Collects the room events a socket receives. */
export const collectEvents = (socket: TestSocket) => collect(socket, 'room:event');

/**
 * Follows a room as the client does: applies events in sequence, ignores what it already has,
 * and asks for what it missed when a later event arrives first (broadcasts from different
 * nodes can overtake each other).
 */
export function followRoom(socket: TestSocket, sessionId: string, fromSeq: number) {
  const applied: RoomEvent[] = [];
  let lastSeq = fromSeq;
  let repairing: Promise<void> | null = null;
  let repairs = 0;
  const apply = (events: readonly RoomEvent[]) => {
    for (const event of events) {
      if (event.seq !== lastSeq + 1) continue;
      applied.push(event);
      lastSeq = event.seq;
    }
  };
  const repair = async () => {
    repairs++;
    let more = true;
    while (more) {
      const page = unwrap(await command(socket, 'room:catch-up', { sessionId, afterSeq: lastSeq }));
      apply(page.events);
      lastSeq = Math.max(lastSeq, page.lastSeq);
      more = page.hasMore;
    }
  };
  socket.on('room:event', (event) => {
    if (event.sessionId !== sessionId || event.seq <= lastSeq) return;
    if (event.seq === lastSeq + 1 && !repairing) {
      apply([event]);
      return;
    }
    repairing ??= repair().finally(() => {
      repairing = null;
    });
  });
  return {
    applied,
    get lastSeq() {
      return lastSeq;
    },
    get repairs() {
      return repairs;
    },
    /** Resolves once everything up to `seq` is applied. */
    async reach(seq: number, ms = 5000): Promise<void> {
      const deadline = Date.now() + ms;
      while (lastSeq < seq) {
        if (Date.now() > deadline) throw new Error(`applied up to ${lastSeq}, expected ${seq}`);
        if (!repairing && Date.now() + 500 > deadline) await repair();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
  };
}

export function unwrap<T>(ack: Ack<T>): T {
  if (!ack.ok) throw new Error(`command failed: ${ack.error.code}: ${ack.error.message}`);
  return ack.data;
}
