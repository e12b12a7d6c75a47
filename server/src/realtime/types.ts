import type { ClientToServerEvents, Member, ServerToClientEvents } from '@hearth/shared';
import type { Server, Socket } from 'socket.io';
import type { Actor } from '../modules/accounts/service.ts';

export type SocketData = {
  actor: Actor;
  /** The rooms this socket was let into, by session id, with the member it speaks as. */
  rooms: Map<string, Member>;
};

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
type InterServerEvents = {};

export type HearthServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type HearthSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** The socket.io rooms a notification can be sent to. */
export const channels = {
  room: (sessionId: string) => `room:${sessionId}`,
  account: (accountId: string) => `account:${accountId}`,
  login: (authSessionId: string) => `login:${authSessionId}`,
};
