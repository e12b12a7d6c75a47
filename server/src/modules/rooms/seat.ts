import { AppError } from '../../errors.ts';
import { isFacilitatorRole } from '../../policy.ts';
import { channels, type HearthSocket } from '../../realtime/types.ts';
import type { Audience } from './events.ts';
import type { RoomSeat, RoomsService } from './service.ts';

export type Seats = ReturnType<typeof createSeats>;

/** Whose view of the room a seat gets: facilitators see what a facilitator hid. */
export const audienceOf = (seat: RoomSeat): Audience =>
  isFacilitatorRole(seat.member.role) ? 'facilitator' : 'participant';

/**
 * The seat a socket holds in a room it was let into. Every command checks it against the
 * database, not only the socket's memory: a person removed, banned, or whose role changed, on
 * another node while Redis could not carry the news, is refused all the same.
 */
export function createSeats(rooms: RoomsService) {
  return {
    async admitted(socket: HearthSocket, sessionId: string): Promise<RoomSeat> {
      const seat = socket.data.rooms.get(sessionId);
      if (!seat) throw new AppError('forbidden', 'Please join the room first.');
      if (!seat.admitted) {
        throw new AppError(
          'not_admitted',
          'A facilitator will let you in soon; until then you can read the brief and the agreements.',
        );
      }
      const member = await rooms.seatMember(seat.member.memberId, sessionId);
      if (!member) {
        socket.data.rooms.delete(sessionId);
        await socket.leave(channels.room(sessionId));
        await socket.leave(channels.facilitators(sessionId));
        throw new AppError('forbidden', 'This room is no longer open to you.');
      }
      seat.member = member;
      return seat;
    },
  };
}
