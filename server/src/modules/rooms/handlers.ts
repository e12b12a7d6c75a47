import { isFacilitatorRole } from '../../policy.ts';
import { notifyStaff, publishEvents } from '../../realtime/publish.ts';
import type { EventRouter } from '../../realtime/router.ts';
import { channels, type HearthServer, type HearthSocket } from '../../realtime/types.ts';
import { audienceOf, type Seats } from './seat.ts';
import { removedFromSession, type PresenceOutcome, type RoomsService } from './service.ts';

/** A typing signal is passed on at most this often per socket. */
const TYPING_INTERVAL_MS = 2000;

export function registerRoomHandlers(router: EventRouter, io: HearthServer, rooms: RoomsService, seats: Seats) {
  /** Presence news for the room, and a fresh console for its facilitators (the waiting list may differ). */
  async function announce(outcome: PresenceOutcome) {
    publishEvents(io, outcome.events);
    for (const sessionId of outcome.sessionIds) notifyStaff(io, sessionId, await rooms.staffChanged(sessionId));
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
      notifyStaff(io, sessionId, await rooms.staffChanged(sessionId));
      return result;
    }
    await socket.join(channels.room(sessionId));
    // A removal or ban that committed after this join did, but told the channel before this
    // socket was in it, would miss it: asked once more now that it is in. Likewise an event
    // stored after the page was read but broadcast before this socket joined the channel:
    // reading once more after joining closes that window. Both questions at once.
    const [stillSeated, more] = await Promise.all([
      rooms.seatMember(seat.member.memberId, sessionId),
      result.hasMore ? null : rooms.catchUp(sessionId, result.lastSeq, audienceOf(seat)),
    ]);
    if (!stillSeated) {
      await leaveChannels(socket, sessionId);
      router.track(rooms.disconnect(socket.id, sessionId).then(announce));
      // The answer a join made a moment later would get: its place ended, or this session's.
      await rooms.enter(socket.data.actor, sessionId);
      throw removedFromSession();
    }
    if (more) {
      result.events.push(...more.events);
      result.lastSeq = more.lastSeq;
      result.hasMore = more.hasMore;
    }
    publishEvents(io, joined.events);
    return result;
  });

  router.on('room:catch-up', async ({ socket }, { sessionId, afterSeq }) => {
    const seat = await seats.admitted(socket, sessionId);
    return rooms.catchUp(sessionId, afterSeq, audienceOf(seat));
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
    const { accountId, staff } = await rooms.admit(seat.member, sessionId, memberId, socket.data.actor.accountId);
    io.to(channels.account(accountId)).emit('room:admitted', { sessionId });
    notifyStaff(io, sessionId, staff);
    return {};
  });

  return { announce };
}
