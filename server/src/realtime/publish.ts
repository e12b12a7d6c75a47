import type { RoomEvent, RoomNotice } from '@hearth/shared';
import { forParticipants } from '../modules/rooms/events.ts';
import { channels, type HearthServer } from './types.ts';

/**
 * Sends stored room events to everyone in their rooms, on every node. A broadcast lost between
 * nodes is repaired by the clients' catch-up: every event is stored before it is sent.
 */
export function publishEvents(io: HearthServer, events: readonly RoomEvent[]): void {
  for (const event of events) {
    const room = channels.room(event.sessionId);
    const shown = forParticipants(event);
    if (shown === event) {
      io.to(room).emit('room:event', event);
    } else {
      // Facilitators are in both channels: they get the whole event, everyone else the redacted one.
      io.to(room).except(channels.facilitators(event.sessionId)).emit('room:event', shown);
      io.to(channels.facilitators(event.sessionId)).emit('room:event', event);
    }
    if (event.type === 'closed') {
      // Nobody stays in a closed room's channels, whichever node holds their socket.
      io.in([channels.room(event.sessionId), channels.facilitators(event.sessionId)]).socketsLeave([
        channels.room(event.sessionId),
        channels.facilitators(event.sessionId),
      ]);
    }
  }
}

/** Tells a room's facilitators their console changed; they ask for it when the version is new. */
export function notifyStaff(io: HearthServer, sessionId: string, version: number | null | undefined): void {
  if (version) io.to(channels.facilitators(sessionId)).emit('staff:changed', { sessionId, version });
}

/** Everything an action means for others, sent once it committed. */
export type Delivery = {
  events?: readonly RoomEvent[];
  /** The facilitators' console version, when it changed. */
  staff?: number | null;
  notices?: ReadonlyArray<{ accountId: string; notice: RoomNotice }>;
  /** Accounts whose sockets must leave the room's channels (removed or banned). */
  evicted?: readonly string[];
  /** The rooms they leave; by default the one the action was in. */
  evictedFrom?: readonly string[];
};

export function deliver(io: HearthServer, sessionId: string, delivery: Delivery): void {
  publishEvents(io, delivery.events ?? []);
  notifyStaff(io, sessionId, delivery.staff);
  for (const { accountId, notice } of delivery.notices ?? []) {
    io.to(channels.account(accountId)).emit('room:notice', notice);
  }
  const rooms = (delivery.evictedFrom ?? [sessionId]).flatMap((id) => [channels.room(id), channels.facilitators(id)]);
  for (const accountId of delivery.evicted ?? []) io.in(channels.account(accountId)).socketsLeave(rooms);
}
