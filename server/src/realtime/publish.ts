import type { RoomEvent } from '@hearth/shared';
import { channels, type HearthServer } from './types.ts';

/**
 * Sends stored room events to everyone in their rooms, on every node. A broadcast lost between
 * nodes is repaired by the clients' catch-up: every event is stored before it is sent.
 */
export function publishEvents(io: HearthServer, events: readonly RoomEvent[]): void {
  for (const event of events) {
    io.to(channels.room(event.sessionId)).emit('room:event', event);
    if (event.type === 'closed') {
      // Nobody stays in a closed room's channels, whichever node holds their socket.
      io.in([channels.room(event.sessionId), channels.facilitators(event.sessionId)]).socketsLeave([
        channels.room(event.sessionId),
        channels.facilitators(event.sessionId),
      ]);
    }
  }
}
