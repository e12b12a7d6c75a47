import { AppError } from '../../errors.ts';
import type { HearthSocket } from '../../realtime/types.ts';
import type { RoomSeat } from './service.ts';

/** The seat a socket holds in a room it was let into; refuses sockets still waiting or elsewhere. */
export function admittedSeat(socket: HearthSocket, sessionId: string): RoomSeat {
  const seat = socket.data.rooms.get(sessionId);
  if (!seat) throw new AppError('forbidden', 'Please join the room first.');
  if (!seat.admitted) {
    throw new AppError('not_admitted', 'A facilitator will let you in soon; until then you can read the brief and the agreements.');
  }
  return seat;
}
