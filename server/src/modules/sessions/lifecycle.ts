import type { RoomEvent } from '@hearth/shared';
import { and, eq, gt, isNull, lte, sql } from 'drizzle-orm';
import type { Sealer } from '../../crypto/keyring.ts';
import type { Db, Store } from '../../db/database.ts';
import { reports, roomConnections, roomEvents, roomMembers, sessions } from '../../db/schema.ts';
import { renderEvents } from '../rooms/events.ts';

export type SessionLifecycle = ReturnType<typeof createSessionLifecycle>;

/**
 * Rooms open at their start and close at their end, on whichever node gets there first. Each
 * change is one conditional UPDATE, so exactly one node makes it and only that node announces
 * it; a node that was down catches up on its first tick.
 */
export function createSessionLifecycle(store: Store, deps: { closed: (event: RoomEvent) => void; sealer: Sealer }) {
  const { db } = store;

  /**
   * Closes an open room with its last event; false when it was not open (already closed).
   * `record` runs inside the same transaction (the audit entry of a facilitator ending it).
   */
  async function close(sessionId: string, record?: (tx: Db) => Promise<void>): Promise<boolean> {
    const row = await store.transaction(async (tx) => {
      const [room] = await tx
        .update(sessions)
        .set({ status: 'closed', closedAt: new Date(), lastSeq: sql`${sessions.lastSeq} + 1` })
        .where(and(eq(sessions.id, sessionId), eq(sessions.status, 'open')))
        .returning({ lastSeq: sessions.lastSeq });
      if (!room) return null;
      const [event] = await tx.insert(roomEvents).values({ sessionId, seq: room.lastSeq, type: 'closed' }).returning();
      await tx.delete(roomConnections).where(eq(roomConnections.sessionId, sessionId));
      await tx.update(roomMembers).set({ state: 'left', updatedAt: new Date() }).where(eq(roomMembers.sessionId, sessionId));
      // Reported words are kept only for deciding, and deciding happens in the room.
      await tx
        .update(reports)
        .set({ reportedText: '' })
        .where(and(eq(reports.sessionId, sessionId), isNull(reports.resolvedAt)));
      await record?.(tx);
      return event!;
    });
    if (!row) return false;
    const [event] = await renderEvents(db, [row], deps.sealer);
    if (event) deps.closed(event);
    return true;
  }

  return {
    close,

    /** Opens a scheduled room now, ahead of its start; false when it was not scheduled. */
    async open(sessionId: string, record?: (tx: Db) => Promise<void>): Promise<boolean> {
      return store.transaction(async (tx) => {
        const opened = await tx
          .update(sessions)
          .set({ status: 'open', openedAt: new Date() })
          .where(and(eq(sessions.id, sessionId), eq(sessions.status, 'scheduled'), gt(sessions.endsAt, new Date())))
          .returning({ id: sessions.id });
        if (opened.length === 0) return false;
        await record?.(tx);
        return true;
      });
    },

    /** One pass of the room clock: opens rooms that are due, closes rooms whose time is up. */
    async tick(now = new Date()): Promise<{ opened: number; closed: number }> {
      const opened = await db
        .update(sessions)
        .set({ status: 'open', openedAt: now })
        .where(and(eq(sessions.status, 'scheduled'), lte(sessions.startsAt, now), gt(sessions.endsAt, now)))
        .returning({ id: sessions.id });
      // A session whose whole time passed while no node was running never opened; it is over.
      await db
        .update(sessions)
        .set({ status: 'closed', closedAt: now })
        .where(and(eq(sessions.status, 'scheduled'), lte(sessions.endsAt, now)));
      const due = await db
        .select({ id: sessions.id })
        .from(sessions)
        .where(and(eq(sessions.status, 'open'), lte(sessions.endsAt, now)));
      let closed = 0;
      for (const { id } of due) if (await close(id)) closed++;
      return { opened: opened.length, closed };
    },
  };
}
