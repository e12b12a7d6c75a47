import type { ClientToServerEvents, ServerToClientEvents } from '@hearth/shared';
import type { Server, Socket } from 'socket.io';
import type { Actor } from '../modules/accounts/service.ts';
import type { RoomSeat } from '../modules/rooms/service.ts';
import type { Bucket } from '../lib/rateLimits.ts';

export type SocketData = {
  actor: Actor;
  /** The rooms this socket joined, by session id: the member it speaks as, and whether admitted. */
  rooms: Map<string, RoomSeat>;
  /** Set once the socket asked to join a room: its disconnect must then update presence. */
  enteredRooms?: boolean;
  /** When this socket last said it was typing, to pass on at most one signal every so often. */
  typingAt: number;
  /** What this socket may still send right now (its rate limit). */
  bucket: Bucket;
};

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
type InterServerEvents = {};

export type HearthServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type HearthSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** The socket.io rooms a notification can be sent to. */
export const channels = {
  room: (sessionId: string) => `room:${sessionId}`,
  /** A room's facilitators: the waiting room and support signals, which participants never see. */
  facilitators: (sessionId: string) => `facilitators:${sessionId}`,
  account: (accountId: string) => `account:${accountId}`,
  login: (authSessionId: string) => `login:${authSessionId}`,
};
