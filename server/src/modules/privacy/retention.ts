import { and, asc, eq, isNull, lte, sql } from 'drizzle-orm';
import type { Store } from '../../db/database.ts';
import {
  alerts,
  checkIns,
  checkOutSubmissions,
  checkOutWords,
  groups,
  messages,
  reports,
  roomConnections,
  roomEvents,
  roomMembers,
  sessions,
  sideMessages,
  supportSignals,
} from '../../db/schema.ts';

export type Retention = ReturnType<typeof createRetention>;

/** Rooms purged per sweep at most; a backlog after downtime drains over the next sweeps. */
const SWEEP_BATCH = 50;

/**
 * Deletes what was said in a room once its group's retention time after the session's end has
 * passed: rows gone, not flagged. Each room is claimed by one conditional UPDATE in the same
 * transaction as its deletions, so with several nodes one purges it, once; a node that was down
 * finds every room that fell due meanwhile on its first sweep.
 *
 * Kept: the session itself, the audit log (actions, never content) and the anonymous check-out
 * colour totals. Check-out words are typed by people, so they go with the rest.
 */
export function createRetention(store: Store) {
  const { db } = store;

  async function purge(sessionId: string, now: Date): Promise<boolean> {
    return store.transaction(async (tx) => {
      const [claimed] = await tx
        .update(sessions)
        .set({ purgedAt: now })
        .where(and(eq(sessions.id, sessionId), eq(sessions.status, 'closed'), isNull(sessions.purgedAt)))
        .returning({ id: sessions.id });
      if (!claimed) return false;
      // Children before parents, so nothing depends on the order of cascades.
      for (const table of [alerts, reports, supportSignals, sideMessages, checkIns, checkOutWords, checkOutSubmissions]) {
        await tx.delete(table).where(eq(table.sessionId, sessionId));
      }
      await tx.delete(messages).where(eq(messages.sessionId, sessionId));
      for (const table of [roomEvents, roomMembers, roomConnections]) {
        await tx.delete(table).where(eq(table.sessionId, sessionId));
      }
      return true;
    });
  }

  return {
    purge,

    /**
     * Purges the rooms whose content is due to go at `now`, oldest first, up to a batch; returns
     * how many this node purged and how many failed. A room that fails is tried again on the
     * next sweep, and does not hold back the others in this one.
     */
    async sweep(now = new Date()): Promise<{ purged: number; failed: number }> {
      const due = await db
        .select({ id: sessions.id })
        .from(sessions)
        .innerJoin(groups, eq(groups.id, sessions.groupId))
        .where(
          and(
            eq(sessions.status, 'closed'),
            isNull(sessions.purgedAt),
            lte(sql`${sessions.closedAt} + make_interval(hours => ${groups.retentionHours})`, now),
          ),
        )
        .orderBy(asc(sessions.closedAt))
        .limit(SWEEP_BATCH);
      let purged = 0;
      let failed = 0;
      for (const { id } of due) {
        try {
          if (await purge(id, now)) purged++;
        } catch {
          failed++;
        }
      }
      return { purged, failed };
    },
  };
}
