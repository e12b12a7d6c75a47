import type { RoomEvent } from '@hearth/shared';
import { publishEvents } from '../../realtime/publish.ts';
import type { EventRouter } from '../../realtime/router.ts';
import type { HearthServer } from '../../realtime/types.ts';
import type { Seats } from '../rooms/seat.ts';
import type { MessagesService } from './service.ts';

export function registerMessageHandlers(
  router: EventRouter,
  io: HearthServer,
  messages: MessagesService,
  seats: Seats,
) {
  const confirmed = (event: RoomEvent | null) => {
    if (!event) throw new Error('a stored change could not be read back');
    publishEvents(io, [event]);
    return { seq: event.seq };
  };

  router.on('message:send', async ({ socket }, payload) => {
    const { member } = await seats.admitted(socket, payload.sessionId);
    const { message, event } = await messages.send(member, payload);
    // Also on a resend: if the first broadcast was lost with its node, this one repairs it, and
    // clients ignore a sequence number they already have.
    publishEvents(io, [event ?? messages.postedEvent(message)]);
    return { id: message.id, seq: message.seq, createdAt: message.createdAt };
  });

  router.on('message:edit', async ({ socket }, payload) =>
    confirmed(await messages.edit((await seats.admitted(socket, payload.sessionId)).member, payload)),
  );

  router.on('message:delete', async ({ socket }, payload) =>
    confirmed(await messages.delete((await seats.admitted(socket, payload.sessionId)).member, payload)),
  );

  router.on('message:react', async ({ socket }, payload) =>
    confirmed(await messages.react((await seats.admitted(socket, payload.sessionId)).member, payload)),
  );

  router.on('message:warn', async ({ socket }, payload) =>
    confirmed(await messages.warn((await seats.admitted(socket, payload.sessionId)).member, payload)),
  );
}
