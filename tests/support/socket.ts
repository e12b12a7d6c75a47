import type {
  Ack,
  ClientCommandName,
  ClientToServerEvents,
  CommandPayload,
  CommandResult,
  ServerEventName,
  ServerEventPayload,
  ServerToClientEvents,
} from '@hearth/shared';
import { io, type Socket } from 'socket.io-client';

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Connects a real socket.io client with a login cookie, resolving once connected. */
export function connect(baseUrl: string, cookie: string): Promise<TestSocket> {
  const socket: TestSocket = io(baseUrl, {
    transports: ['websocket'],
    extraHeaders: cookie ? { cookie } : {},
    reconnection: false,
    forceNew: true,
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

export function unwrap<T>(ack: Ack<T>): T {
  if (!ack.ok) throw new Error(`command failed: ${ack.error.code}: ${ack.error.message}`);
  return ack.data;
}
