import { deliver } from '../../realtime/publish.ts';
import type { EventRouter } from '../../realtime/router.ts';
import type { HearthServer } from '../../realtime/types.ts';
import type { Seats } from '../rooms/seat.ts';
import type { MessageOutcome, MessagesService } from './service.ts';

export function registerMessageHandlers(router: EventRouter, io: HearthServer, messages: MessagesService, seats: Seats) {
  /** Sends what a change means, and answers with the sequence number of its (last) event. */
  const confirmed = (sessionId: string, outcome: MessageOutcome) => {
    deliver(io, sessionId, outcome);
    return { seq: outcome.seq };
  };

  /** After a post: its event, or on a resend the stored one again (a lost broadcast is repaired). */
  const posted = (sessionId: string, result: Awaited<ReturnType<MessagesService['send']>>) => {
    deliver(io, sessionId, result.outcome ?? { events: result.resent ? [messages.postedEvent(result.resent)] : [] });
    return result.ack;
  };

  const acting = async (socket: Parameters<Seats['admitted']>[0], sessionId: string) => ({
    member: (await seats.admitted(socket, sessionId)).member,
    accountId: socket.data.actor.accountId,
  });

  router.on('message:send', async ({ socket }, payload) => {
    const { member } = await seats.admitted(socket, payload.sessionId);
    // Also on a resend: if the first broadcast was lost with its node, this one repairs it, and
    // clients ignore a sequence number they already have.
    return posted(payload.sessionId, await messages.send(member, payload));
  });

  router.on('room:announce', async ({ socket }, payload) => {
    return posted(payload.sessionId, await messages.announce(await acting(socket, payload.sessionId), payload));
  });

  router.on('message:edit', async ({ socket }, payload) =>
    confirmed(payload.sessionId, await messages.edit((await seats.admitted(socket, payload.sessionId)).member, payload)),
  );

  router.on('message:delete', async ({ socket }, payload) =>
    confirmed(payload.sessionId, await messages.delete((await seats.admitted(socket, payload.sessionId)).member, payload)),
  );

  router.on('message:react', async ({ socket }, payload) =>
    confirmed(payload.sessionId, await messages.react((await seats.admitted(socket, payload.sessionId)).member, payload)),
  );

  router.on('message:warn', async ({ socket }, payload) =>
    confirmed(payload.sessionId, await messages.warn(await acting(socket, payload.sessionId), payload)),
  );

  router.on('message:hide', async ({ socket }, payload) =>
    confirmed(payload.sessionId, await messages.hide(await acting(socket, payload.sessionId), payload)),
  );

  router.on('message:remove', async ({ socket }, payload) =>
    confirmed(payload.sessionId, await messages.remove(await acting(socket, payload.sessionId), payload)),
  );

  router.on('member:clear-messages', async ({ socket }, payload) => {
    const outcome = await messages.clear(await acting(socket, payload.sessionId), payload);
    deliver(io, payload.sessionId, outcome);
    return { removed: outcome.events.length };
  });
}
