import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/database.ts';
import { memberships, roomMembers } from '../../db/schema.ts';

/** A room is attended while a facilitator is present in it: connected and not stepped out. */
export async function isAttended(executor: Db, sessionId: string): Promise<boolean> {
  const [present] = await executor
    .select({ memberId: roomMembers.memberId })
    .from(roomMembers)
    .innerJoin(memberships, eq(memberships.id, roomMembers.memberId))
    .where(
      and(
        eq(roomMembers.sessionId, sessionId),
        eq(roomMembers.state, 'present'),
        inArray(memberships.role, ['lead_facilitator', 'facilitator']),
      ),
    )
    .limit(1);
  return present !== undefined;
}

/** The same question as a column of another query, so a command asks it in the same round trip. */
export function attendedColumn(sessionId: string) {
  // Aliased, since the query this goes in may read room_members too.
  return sql<boolean>`exists (select 1 from room_members present inner join memberships m on m.id = present.member_id where present.session_id = ${sessionId} and present.state = 'present' and m.role in ('lead_facilitator', 'facilitator'))`;
}
