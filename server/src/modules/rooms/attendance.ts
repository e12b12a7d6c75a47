import { and, eq, inArray } from 'drizzle-orm';
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
