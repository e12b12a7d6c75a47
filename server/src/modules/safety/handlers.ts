import type { EventRouter } from '../../realtime/router.ts';
import { channels, type HearthServer } from '../../realtime/types.ts';
import type { Seats } from '../rooms/seat.ts';
import type { SafetyService } from './service.ts';

export function registerSafetyHandlers(router: EventRouter, io: HearthServer, safety: SafetyService, seats: Seats) {
  router.on('support:request', async ({ socket }, { sessionId }) => {
    const { member } = await seats.admitted(socket, sessionId);
    const { request, facilitatorsPresent } = await safety.requestSupport(member, sessionId);
    io.to(channels.facilitators(sessionId)).emit('support:requested', request);
    return { facilitatorsPresent };
  });

  router.on('message:report', async ({ socket }, payload) => {
    await safety.report((await seats.admitted(socket, payload.sessionId)).member, payload);
    return {};
  });
}
