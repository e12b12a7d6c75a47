import { AppError } from '../../errors.ts';
import type { EventRouter } from '../../realtime/router.ts';
import { channels } from '../../realtime/types.ts';
import type { RoomsService } from './service.ts';

export function registerRoomHandlers(router: EventRouter, rooms: RoomsService): void {
  router.on('room:join', async ({ socket }, { sessionId, afterSeq }) => {
    const entry = await rooms.enter(socket.data.actor, sessionId);
    // Joining the channel before reading history leaves no window in which a message is missed;
    // the client drops what it already has by sequence number.
    await socket.join(channels.room(sessionId));
    try {
      const page = await rooms.history(sessionId, afterSeq);
      socket.data.rooms.set(sessionId, entry.member);
      return {
        sessionId,
        title: entry.title,
        groupName: entry.groupName,
        me: entry.member,
        ...page,
      };
    } catch (error) {
      if (!socket.data.rooms.has(sessionId)) await socket.leave(channels.room(sessionId));
      throw error;
    }
  });

  router.on('room:leave', async ({ socket }, { sessionId }) => {
    socket.data.rooms.delete(sessionId);
    await socket.leave(channels.room(sessionId));
    return {};
  });

  router.on('message:send', async ({ socket, io }, payload) => {
    const author = socket.data.rooms.get(payload.sessionId);
    if (!author) throw new AppError('forbidden', 'Please join the room before sending a message.');
    const { message } = await rooms.send(author, payload);
    // Also on a resend: if the first broadcast was lost with its node, this one repairs it, and
    // clients ignore a sequence number they already have.
    io.to(channels.room(payload.sessionId)).emit('message:created', message);
    return { id: message.id, seq: message.seq, createdAt: message.createdAt };
  });
}
