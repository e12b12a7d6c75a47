import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/database.ts';
import { groups, memberships } from '../../db/schema.ts';
import { AppError, notFound } from '../../errors.ts';
import { can, rolesOf, type Action } from '../../policy.ts';
import type { Actor } from '../accounts/service.ts';

export type GroupRow = typeof groups.$inferSelect;
export type MembershipRow = typeof memberships.$inferSelect;
export type GroupAccess = { group: GroupRow; membership: MembershipRow | null };

export type GroupGate = ReturnType<typeof createGroupGate>;

/**
 * The gatekeeper for groups: nothing else loads a group for a person. It answers "does not
 * exist" and "not yours to see" alike, and asks the policy table about the action.
 */
export function createGroupGate(db: Db) {
  return async function access(actor: Actor, groupId: string, action: Action): Promise<GroupAccess> {
    const [row] = await db
      .select({ group: groups, membership: memberships })
      .from(groups)
      .leftJoin(
        memberships,
        and(eq(memberships.groupId, groups.id), eq(memberships.accountId, actor.accountId)),
      )
      .where(eq(groups.id, groupId));
    const roles = row ? rolesOf(actor, row.membership) : [];
    if (!row || !can(roles, 'group.view')) throw notFound('group');
    if (!can(roles, action)) {
      throw new AppError('forbidden', 'Your role in this group does not allow that.');
    }
    return row;
  };
}
