import type { EventRouter } from '../../realtime/router.ts';
import { channels, type HearthServer } from '../../realtime/types.ts';
import { admittedSeat } from '../rooms/seat.ts';
import type { SafetyService } from './service.ts';

export function registerSafetyHandlers(router: EventRouter, io: HearthServer, safety: SafetyService) {
  router.on('support:request', async ({ socket }, { sessionId }) => {
    const { member } = admittedSeat(socket, sessionId);
    const signal = await safety.requestSupport(member, sessionId);
    io.to(channels.facilitators(sessionId)).emit('support:requested', { sessionId, ...signal });
    return {};
  });

  router.on('message:report', async ({ socket }, payload) => {
    await safety.report(admittedSeat(socket, payload.sessionId).member, payload);
    return {};
  });
}
