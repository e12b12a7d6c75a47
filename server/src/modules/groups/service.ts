import type {
  CreateGroupRequest,
  Group,
  GroupDetail,
  GroupSettings,
  UpdateGroupRequest,
} from '@hearth/shared';
import { defaultAgreementText, groupDefaults } from '@hearth/shared';
import { and, asc, count, eq, inArray, lt, ne } from 'drizzle-orm';
import type { Store } from '../../db/database.ts';
import { groups, memberships } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { can, isFacilitatorRole, rolesOf } from '../../policy.ts';
import type { Actor } from '../accounts/service.ts';
import type { AgreementsService } from '../agreements/service.ts';
import type { MembersService } from '../members/service.ts';
import type { GroupGate, GroupRow, MembershipRow } from './gate.ts';
import { recordAudit } from '../audit/service.ts';


export function toGroup(group: GroupRow, membership: MembershipRow | null): Group {
  return {
    id: group.id,
    name: group.name,
    description: group.description,
    myRole: membership?.role ?? null,
    myPseudonym: membership?.pseudonym ?? null,
    myStatus: membership?.status ?? null,
  };
}

export function settingsOf(group: GroupRow): GroupSettings {
  return {
    name: group.name,
    description: group.description,
    capacity: group.capacity,
    waitingRoom: group.waitingRoom,
    approvalRequired: group.approvalRequired,
    retentionHours: group.retentionHours,
    contentWarnings: group.contentWarnings,
    crisisResources: group.crisisResources,
  };
}

export type GroupsService = ReturnType<typeof createGroupsService>;

export function createGroupsService(
  store: Store,
  deps: { access: GroupGate; members: MembersService; agreements: AgreementsService },
) {
  const { db } = store;
  const { access } = deps;

  async function detail(actor: Actor, groupId: string): Promise<GroupDetail> {
    const { group, membership } = await access(actor, groupId, 'group.view');
    const [team, [participants], agreement, waitlistPosition] = await Promise.all([
      db
        .select({ memberId: memberships.id, pseudonym: memberships.pseudonym, role: memberships.role })
        .from(memberships)
        .where(
          and(
            eq(memberships.groupId, groupId),
            inArray(memberships.role, ['lead_facilitator', 'facilitator']),
          ),
        )
        .orderBy(asc(memberships.role), asc(memberships.pseudonym)),
      db
        .select({ n: count() })
        .from(memberships)
        .where(
          and(
            eq(memberships.groupId, groupId),
            eq(memberships.role, 'participant'),
            eq(memberships.status, 'active'),
          ),
        ),
      deps.agreements.current(groupId, membership?.id ?? null),
      membership?.status === 'waitlisted' ? waitlistPositionOf(membership) : Promise.resolve(null),
    ]);
    return {
      ...toGroup(group, membership),
      ...settingsOf(group),
      agreement,
      facilitators: team.flatMap((member) =>
        isFacilitatorRole(member.role)
          ? [{ ...member, role: member.role as 'lead_facilitator' | 'facilitator' }]
          : [],
      ),
      participantCount: participants?.n ?? 0,
      myWaitlistPosition: waitlistPosition,
    };
  }

  async function waitlistPositionOf(membership: MembershipRow): Promise<number> {
    const [ahead] = await db
      .select({ n: count() })
      .from(memberships)
      .where(
        and(
          eq(memberships.groupId, membership.groupId),
          eq(memberships.status, 'waitlisted'),
          lt(memberships.statusSince, membership.statusSince),
        ),
      );
    return (ahead?.n ?? 0) + 1;
  }

  return {
    detail,

    async list(actor: Actor): Promise<Group[]> {
      const membershipJoin = and(
        eq(memberships.groupId, groups.id),
        eq(memberships.accountId, actor.accountId),
      );
      const rows = actor.isOrganiser
        ? await db
            .select({ group: groups, membership: memberships })
            .from(groups)
            .leftJoin(memberships, membershipJoin)
            .orderBy(asc(groups.name))
        : await db
            .select({ group: groups, membership: memberships })
            .from(groups)
            // A group someone was banned from is closed to them: it is not listed.
            .innerJoin(memberships, and(membershipJoin, ne(memberships.status, 'banned')))
            .orderBy(asc(groups.name));
      return rows.map((row) => toGroup(row.group, row.membership));
    },

    /** Creates a group with its first agreement; the creator leads it under a pseudonym. */
    async create(actor: Actor, input: CreateGroupRequest): Promise<Group> {
      if (!can(rolesOf(actor, null), 'group.create')) {
        throw new AppError('forbidden', 'Only organisers can create groups.');
      }
      const { pseudonym, ...settings } = input;
      return store.transaction(async (tx) => {
        const [group] = await tx
          .insert(groups)
          .values({ ...groupDefaults, ...settings, createdBy: actor.accountId })
          .returning();
        const membership = await deps.members.add(tx, {
          groupId: group!.id,
          accountId: actor.accountId,
          username: actor.username,
          role: 'lead_facilitator',
          pseudonym,
          status: 'active',
        });
        await deps.agreements.publishIn(tx, group!.id, defaultAgreementText, actor.accountId);
        await recordAudit(tx, actor, { groupId: group!.id, action: 'group.create', target: group!.name });
        return toGroup(group!, membership);
      });
    },

    async update(actor: Actor, groupId: string, changes: UpdateGroupRequest): Promise<GroupDetail> {
      await access(actor, groupId, 'group.update');
      await store.transaction(async (tx) => {
        await tx.update(groups).set(changes).where(eq(groups.id, groupId));
        // A larger group has room for people who were waiting.
        if (changes.capacity !== undefined) await deps.members.promoteWaitlist(tx, groupId);
        // Which settings changed, never their new text.
        await recordAudit(tx, actor, { groupId, action: 'group.update', reason: Object.keys(changes).sort().join(', ') });
      });
      return detail(actor, groupId);
    },
  };
}
