import { isFacilitatorRole } from '../../policy.ts';
import { publishEvents } from '../../realtime/publish.ts';
import type { EventRouter } from '../../realtime/router.ts';
import { channels, type HearthServer, type HearthSocket } from '../../realtime/types.ts';
import type { Seats } from './seat.ts';
import type { PresenceOutcome, RoomsService } from './service.ts';

/** A typing signal is passed on at most this often per socket. */
const TYPING_INTERVAL_MS = 2000;

export function registerRoomHandlers(router: EventRouter, io: HearthServer, rooms: RoomsService, seats: Seats) {
  async function tellFacilitatorsWhoWaits(sessionIds: readonly string[]) {
    for (const sessionId of sessionIds) {
      io.to(channels.facilitators(sessionId)).emit('room:waiting', {
        sessionId,
        waiting: await rooms.waitingList(sessionId),
      });
    }
  }

  async function announce(outcome: PresenceOutcome) {
    publishEvents(io, outcome.events);
    await tellFacilitatorsWhoWaits(outcome.sessionIds);
  }

  async function leaveChannels(socket: HearthSocket, sessionId: string) {
    socket.data.rooms.delete(sessionId);
    await socket.leave(channels.room(sessionId));
    await socket.leave(channels.facilitators(sessionId));
  }

  const forget = (socket: HearthSocket) => router.track(rooms.disconnect(socket.id).then(announce));

  io.on('connection', (socket) => {
    socket.on('disconnect', () => {
      if (socket.data.enteredRooms) forget(socket);
    });
  });

  router.on('room:join', async ({ socket }, { sessionId, afterSeq }) => {
    socket.data.enteredRooms = true;
    const joined = await rooms.join(socket.data.actor, sessionId, socket.id, afterSeq);
    const { result, seat } = joined;
    if (socket.disconnected) {
      // Gone while joining: its disconnect may have run before the connection row existed.
      forget(socket);
      return result;
    }
    socket.data.rooms.set(sessionId, seat);
    if (isFacilitatorRole(seat.member.role)) await socket.join(channels.facilitators(sessionId));
    if (!seat.admitted) {
      await tellFacilitatorsWhoWaits([sessionId]);
      return result;
    }
    await socket.join(channels.room(sessionId));
    // An event stored after the page was read but broadcast before this socket joined the
    // channel would be missed; reading once more after joining closes that window.
    if (!result.hasMore) {
      const more = await rooms.catchUp(sessionId, result.lastSeq);
      result.events.push(...more.events);
      result.lastSeq = more.lastSeq;
      result.hasMore = more.hasMore;
    }
    publishEvents(io, joined.events);
    await tellFacilitatorsWhoWaits([sessionId]);
    return result;
  });

  router.on('room:catch-up', async ({ socket }, { sessionId, afterSeq }) => {
    await seats.admitted(socket, sessionId);
    return rooms.catchUp(sessionId, afterSeq);
  });

  router.on('room:leave', async ({ socket }, { sessionId }) => {
    if (!socket.data.rooms.has(sessionId)) return {};
    await leaveChannels(socket, sessionId);
    await announce(await rooms.disconnect(socket.id, sessionId));
    return {};
  });

  router.on('room:presence', async ({ socket }, { sessionId, state }) => {
    const seat = await seats.admitted(socket, sessionId);
    publishEvents(io, await rooms.stepOut(seat.member, sessionId, state));
    return {};
  });

  router.on('room:typing', async ({ socket }, { sessionId }) => {
    const seat = await seats.admitted(socket, sessionId);
    const now = Date.now();
    if (now - socket.data.typingAt >= TYPING_INTERVAL_MS) {
      socket.data.typingAt = now;
      socket.to(channels.room(sessionId)).emit('room:typing', { sessionId, memberId: seat.member.memberId });
    }
    return {};
  });

  router.on('room:admit', async ({ socket }, { sessionId, memberId }) => {
    const seat = await seats.admitted(socket, sessionId);
    const { accountId } = await rooms.admit(seat.member, sessionId, memberId);
    io.to(channels.account(accountId)).emit('room:admitted', { sessionId });
    await tellFacilitatorsWhoWaits([sessionId]);
    return {};
  });

  return { announce };
}
