import { notifyStaff } from '../../realtime/publish.ts';
import type { EventRouter } from '../../realtime/router.ts';
import type { HearthServer } from '../../realtime/types.ts';
import type { Seats } from '../rooms/seat.ts';
import type { SafetyService } from './service.ts';

export function registerSafetyHandlers(router: EventRouter, io: HearthServer, safety: SafetyService, seats: Seats) {
  router.on('support:request', async ({ socket }, { sessionId }) => {
    const { member } = await seats.admitted(socket, sessionId);
    const { staff, facilitatorsPresent } = await safety.requestSupport(member, sessionId);
    notifyStaff(io, sessionId, staff);
    return { facilitatorsPresent };
  });

  router.on('message:report', async ({ socket }, payload) => {
    const { staff } = await safety.report((await seats.admitted(socket, payload.sessionId)).member, payload);
    notifyStaff(io, payload.sessionId, staff);
    return {};
  });
}
