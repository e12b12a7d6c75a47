import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '@hearth/shared';

export type HearthSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * A fresh connection per room visit: the session cookie is read at the handshake, so a socket
 * reused across a log-out and log-in would keep speaking for the previous person.
 */
export function createSocket(): HearthSocket {
  return io({
    path: '/socket.io',
    withCredentials: true,
    transports: ['websocket', 'polling'],
    // Some networks block WebSockets; without this the client would give up instead of polling.
    tryAllTransports: true,
    autoConnect: false,
  });
}
