import type { CreateSessionRequest, Session } from '@hearth/shared';
import { asc, eq } from 'drizzle-orm';
import type { Store } from '../../db/database.ts';
import { sessions } from '../../db/schema.ts';
import type { Actor } from '../accounts/service.ts';
import type { GroupsService } from '../groups/service.ts';

type SessionRow = typeof sessions.$inferSelect;

export function toSession(row: SessionRow): Session {
  return {
    id: row.id,
    groupId: row.groupId,
    title: row.title,
    status: row.status,
    startsAt: row.startsAt.toISOString(),
    endsAt: row.endsAt.toISOString(),
  };
}

export type SessionsService = ReturnType<typeof createSessionsService>;

export function createSessionsService({ db }: Store, groups: GroupsService) {
  return {
    async list(actor: Actor, groupId: string): Promise<Session[]> {
      await groups.access(actor, groupId, 'session.list');
      const rows = await db
        .select()
        .from(sessions)
        .where(eq(sessions.groupId, groupId))
        .orderBy(asc(sessions.startsAt));
      return rows.map(toSession);
    },

    /** Starts a session whose room is open from now for the given duration. */
    async startNow(actor: Actor, groupId: string, input: CreateSessionRequest): Promise<Session> {
      await groups.access(actor, groupId, 'session.create');
      const startsAt = new Date();
      const [row] = await db
        .insert(sessions)
        .values({
          groupId,
          title: input.title,
          status: 'open',
          startsAt,
          endsAt: new Date(startsAt.getTime() + input.durationMinutes * 60_000),
        })
        .returning();
      return toSession(row!);
    },
  };
}
