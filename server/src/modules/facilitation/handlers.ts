import { deliver, notifyStaff } from '../../realtime/publish.ts';
import type { EventRouter } from '../../realtime/router.ts';
import { channels, type HearthServer, type HearthSocket } from '../../realtime/types.ts';
import type { Seats } from '../rooms/seat.ts';
import type { FacilitationService, Outcome } from './service.ts';

export function registerFacilitationHandlers(
  router: EventRouter,
  io: HearthServer,
  facilitation: FacilitationService,
  seats: Seats,
) {
  const acting = async (socket: HearthSocket, sessionId: string) => ({
    member: (await seats.admitted(socket, sessionId)).member,
    accountId: socket.data.actor.accountId,
  });

  /** Sends what an action means; answers with the sequence number of its room event. */
  const confirmed = (sessionId: string, outcome: Outcome) => {
    deliver(io, sessionId, outcome);
    if (outcome.seq === undefined) throw new Error('a room control stored no event');
    return { seq: outcome.seq };
  };

  const done = (sessionId: string, outcome: Outcome) => {
    deliver(io, sessionId, outcome);
    return {};
  };

  router.on('staff:state', async ({ socket }, { sessionId }) =>
    facilitation.state(await acting(socket, sessionId), sessionId),
  );

  router.on('room:admit-all', async ({ socket }, { sessionId }) => {
    const admitted = await facilitation.admitAll(await acting(socket, sessionId), sessionId);
    for (const accountId of admitted) io.to(channels.account(accountId)).emit('room:admitted', { sessionId });
    deliver(io, sessionId, { staff: await facilitation.staffChanged(sessionId) });
    return { admitted: admitted.length };
  });

  router.on('room:pause', async ({ socket }, payload) =>
    confirmed(payload.sessionId, await facilitation.pause(await acting(socket, payload.sessionId), payload)),
  );
  router.on('room:resume', async ({ socket }, payload) =>
    confirmed(payload.sessionId, await facilitation.resume(await acting(socket, payload.sessionId), payload)),
  );
  router.on('room:slow-mode', async ({ socket }, payload) =>
    confirmed(payload.sessionId, await facilitation.slowMode(await acting(socket, payload.sessionId), payload)),
  );
  router.on('room:lock', async ({ socket }, payload) =>
    confirmed(payload.sessionId, await facilitation.lock(await acting(socket, payload.sessionId), payload)),
  );
  router.on('checkin:open', async ({ socket }, payload) =>
    confirmed(payload.sessionId, await facilitation.openCheckIn(await acting(socket, payload.sessionId), payload)),
  );
  router.on('checkin:close', async ({ socket }, payload) =>
    confirmed(payload.sessionId, await facilitation.closeCheckIn(await acting(socket, payload.sessionId), payload)),
  );
  router.on('checkin:answer', async ({ socket }, payload) =>
    done(payload.sessionId, await facilitation.answerCheckIn((await seats.admitted(socket, payload.sessionId)).member, payload)),
  );

  router.on('member:mute', async ({ socket }, payload) => {
    const { outcome, until } = await facilitation.mute(await acting(socket, payload.sessionId), payload);
    deliver(io, payload.sessionId, outcome);
    return { until };
  });
  router.on('member:unmute', async ({ socket }, payload) =>
    done(payload.sessionId, await facilitation.unmute(await acting(socket, payload.sessionId), payload)),
  );
  router.on('member:remove', async ({ socket }, payload) =>
    done(payload.sessionId, await facilitation.remove(await acting(socket, payload.sessionId), payload)),
  );
  router.on('member:ban', async ({ socket }, payload) => {
    const outcome = await facilitation.ban(await acting(socket, payload.sessionId), payload);
    for (const { sessionId, version } of outcome.alsoChanged ?? []) notifyStaff(io, sessionId, version);
    return done(payload.sessionId, outcome);
  });

  router.on('report:resolve', async ({ socket }, payload) =>
    done(payload.sessionId, await facilitation.resolveReport(await acting(socket, payload.sessionId), payload)),
  );
  router.on('support:acknowledge', async ({ socket }, payload) =>
    done(payload.sessionId, await facilitation.acknowledgeSupport(await acting(socket, payload.sessionId), payload)),
  );
  router.on('alert:acknowledge', async ({ socket }, payload) =>
    done(payload.sessionId, await facilitation.acknowledgeAlert(await acting(socket, payload.sessionId), payload)),
  );

  router.on('side:send', async ({ socket }, payload) => {
    const { message, staff, participantAccountId } = await facilitation.sendSide(
      await acting(socket, payload.sessionId),
      payload,
    );
    io.to([channels.facilitators(payload.sessionId), channels.account(participantAccountId)]).emit('side:message', message);
    deliver(io, payload.sessionId, { staff });
    return { id: message.id };
  });
}
