import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '@hearth/shared';

export type HearthSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Every socket this page opened and has not released, so quick exit can close them all. */
const live = new Set<HearthSocket>();

/**
 * A fresh connection per room visit: the session cookie is read at the handshake, so a socket
 * reused across a log-out and log-in would keep speaking for the previous person.
 */
export function createSocket(): HearthSocket {
  const socket: HearthSocket = io({
    path: '/socket.io',
    withCredentials: true,
    transports: ['websocket', 'polling'],
    // Some networks block WebSockets; without this the client would give up instead of polling.
    tryAllTransports: true,
    autoConnect: false,
  });
  live.add(socket);
  return socket;
}

/** The socket's owner is done with it (it disconnected it itself). */
export function releaseSocket(socket: HearthSocket): void {
  live.delete(socket);
}

/** Closes every connection at once, without goodbyes: quick exit does not wait for anything. */
export function disconnectAllSockets(): void {
  for (const socket of live) {
    try {
      socket.disconnect();
    } catch {
      // Leaving matters more than a tidy close.
    }
  }
  live.clear();
}
