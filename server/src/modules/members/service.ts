import type { AssignFacilitatorRequest, Ban, GroupMember, GroupRole, MembershipStatus, RoomEvent } from '@hearth/shared';
import { recordAudit } from '../audit/service.ts';
import { and, asc, count, desc, eq, sql } from 'drizzle-orm';
import type { Db, Store } from '../../db/database.ts';
import { pgConstraint, pgErrorCode } from '../../db/database.ts';
import { accounts, groups, memberships } from '../../db/schema.ts';
import { AppError, notFound } from '../../errors.ts';
import { isFacilitatorRole } from '../../policy.ts';
import type { Actor } from '../accounts/service.ts';
import type { GroupGate, MembershipRow } from '../groups/gate.ts';

function membershipConflict(error: unknown): AppError | null {
  if (pgErrorCode(error) !== '23505') return null;
  if (pgConstraint(error) === 'memberships_group_account_key') {
    return new AppError('conflict', 'That account is already a member of this group.');
  }
  return new AppError('conflict', 'That name is already used in this group. Please choose another.');
}

function toMember(row: MembershipRow, waitlistPosition: number | null = null): GroupMember {
  return {
    memberId: row.id,
    pseudonym: row.pseudonym,
    role: row.role,
    status: row.status,
    joinedAt: row.createdAt.toISOString(),
    waitlistPosition,
  };
}

export type MembersService = ReturnType<typeof createMembersService>;

export function createMembersService(
  store: Store,
  deps: {
    access: GroupGate;
    /** Called after commit when someone's place in a group ended or changed: their open
     * sockets must reconnect, so rooms are entered again under the new rules. `events` are
     * the rooms' news of their leaving, to broadcast. */
    membershipChanged: (accountId: string, events?: RoomEvent[]) => void;
    /**
     * Takes a member out of the group's open rooms they are in, inside the removal's
     * transaction. Called before any other lock: room writers lock the room first.
     */
    leaveRooms: (tx: Db, groupId: string, memberId: string) => Promise<RoomEvent[]>;
  },
) {
  const { db } = store;
  const { access } = deps;

  /** Locks the group row: capacity decisions for one group happen one at a time. */
  async function lockGroup(tx: Db, groupId: string) {
    const [group] = await tx.select().from(groups).where(eq(groups.id, groupId)).for('update');
    if (!group) throw notFound('group');
    return group;
  }

  async function countWhere(tx: Db, groupId: string, status: MembershipStatus) {
    const [row] = await tx
      .select({ n: count() })
      .from(memberships)
      .where(
        and(
          eq(memberships.groupId, groupId),
          eq(memberships.role, 'participant'),
          eq(memberships.status, status),
        ),
      );
    return row?.n ?? 0;
  }

  /** Where a new participant goes: into the group, or onto the waitlist behind those waiting. */
  async function placeFor(tx: Db, groupId: string): Promise<'active' | 'waitlisted'> {
    const group = await lockGroup(tx, groupId);
    const [active, waiting] = await Promise.all([
      countWhere(tx, groupId, 'active'),
      countWhere(tx, groupId, 'waitlisted'),
    ]);
    return active < group.capacity && waiting === 0 ? 'active' : 'waitlisted';
  }

  /** Moves people from the waitlist into the group, first come first served, while there is room. */
  async function promoteWaitlist(tx: Db, groupId: string): Promise<void> {
    const group = await lockGroup(tx, groupId);
    const free = group.capacity - (await countWhere(tx, groupId, 'active'));
    if (free <= 0) return;
    const next = await tx
      .select({ id: memberships.id })
      .from(memberships)
      .where(and(eq(memberships.groupId, groupId), eq(memberships.status, 'waitlisted')))
      .orderBy(asc(memberships.statusSince), asc(memberships.createdAt))
      .limit(free);
    for (const { id } of next) {
      await tx
        .update(memberships)
        .set({ status: 'active', statusSince: sql`now()` })
        .where(eq(memberships.id, id));
    }
  }

  async function add(
    executor: Db,
    input: {
      groupId: string;
      accountId: string;
      username: string;
      role: GroupRole;
      pseudonym: string;
      status: MembershipStatus;
    },
  ): Promise<MembershipRow> {
    if (input.pseudonym.toLowerCase() === input.username.toLowerCase()) {
      throw new AppError(
        'invalid_input',
        'Please choose a name for this group that is different from the username.',
      );
    }
    const [banned] = await executor
      .select({ id: memberships.id })
      .from(memberships)
      .where(
        and(
          eq(memberships.groupId, input.groupId),
          eq(memberships.accountId, input.accountId),
          eq(memberships.status, 'banned'),
        ),
      );
    if (banned) {
      throw new AppError(
        'forbidden',
        'You cannot join this group. If you think this is a mistake, its organisers can look at it again.',
      );
    }
    try {
      const [row] = await executor
        .insert(memberships)
        .values({
          groupId: input.groupId,
          accountId: input.accountId,
          role: input.role,
          pseudonym: input.pseudonym,
          status: input.status,
        })
        .returning();
      return row!;
    } catch (error) {
      throw membershipConflict(error) ?? error;
    }
  }

  /** Every path locks the group row first, then the member's: one order, no deadlock. */
  async function findMember(tx: Db, groupId: string, memberId: string): Promise<MembershipRow> {
    await lockGroup(tx, groupId);
    const [row] = await tx
      .select()
      .from(memberships)
      .where(and(eq(memberships.id, memberId), eq(memberships.groupId, groupId)))
      .for('update');
    if (!row) throw notFound('member');
    return row;
  }

  /** A group has one lead facilitator: the previous one stays on as a facilitator. */
  async function demoteLead(tx: Db, groupId: string): Promise<void> {
    await tx
      .update(memberships)
      .set({ role: 'facilitator' })
      .where(and(eq(memberships.groupId, groupId), eq(memberships.role, 'lead_facilitator')));
  }

  /** Removes a membership and gives its place, if it held one, to the next person waiting. */
  async function removeMembership(tx: Db, member: MembershipRow): Promise<void> {
    await lockGroup(tx, member.groupId);
    await tx.delete(memberships).where(eq(memberships.id, member.id));
    await promoteWaitlist(tx, member.groupId);
  }

  return {
    add,
    placeFor,
    promoteWaitlist,

    async list(actor: Actor, groupId: string): Promise<GroupMember[]> {
      await access(actor, groupId, 'member.list');
      const rows = await db
        .select()
        .from(memberships)
        .where(eq(memberships.groupId, groupId))
        .orderBy(asc(memberships.statusSince), asc(memberships.createdAt));
      let position = 0;
      return rows.map((row) => toMember(row, row.status === 'waitlisted' ? ++position : null));
    },

    /** Lets a pending registration in, or onto the waitlist when the group is full. */
    async approve(actor: Actor, groupId: string, memberId: string): Promise<GroupMember> {
      await access(actor, groupId, 'member.approve');
      return store.transaction(async (tx) => {
        const member = await findMember(tx, groupId, memberId);
        if (member.status !== 'pending') {
          throw new AppError('conflict', 'This person is not waiting for approval.');
        }
        const status = await placeFor(tx, groupId);
        const [row] = await tx
          .update(memberships)
          .set({ status, statusSince: sql`now()` })
          .where(eq(memberships.id, memberId))
          .returning();
        await recordAudit(tx, actor, { groupId, action: 'member.approve', targetId: memberId, target: member.pseudonym });
        return toMember(row!);
      });
    },

    async decline(actor: Actor, groupId: string, memberId: string): Promise<void> {
      await access(actor, groupId, 'member.approve');
      await store.transaction(async (tx) => {
        const member = await findMember(tx, groupId, memberId);
        if (member.status !== 'pending') {
          throw new AppError('conflict', 'This person is not waiting for approval.');
        }
        await tx.delete(memberships).where(eq(memberships.id, memberId));
        await recordAudit(tx, actor, { groupId, action: 'member.decline', targetId: memberId, target: member.pseudonym });
      });
    },

    async remove(actor: Actor, groupId: string, memberId: string): Promise<void> {
      await access(actor, groupId, 'member.remove');
      const removed = await store.transaction(async (tx) => {
        // Rooms first, while the member still exists, so the news carries who left.
        const events = await deps.leaveRooms(tx, groupId, memberId);
        const member = await findMember(tx, groupId, memberId);
        await removeMembership(tx, member);
        await recordAudit(tx, actor, { groupId, action: 'member.remove', targetId: memberId, target: member.pseudonym });
        return { member, events };
      });
      deps.membershipChanged(removed.member.accountId, removed.events);
    },

    async leave(actor: Actor, groupId: string): Promise<void> {
      const { membership } = await access(actor, groupId, 'group.leave');
      const events = await store.transaction(async (tx) => {
        const left = await deps.leaveRooms(tx, groupId, membership!.id);
        await removeMembership(tx, membership!);
        return left;
      });
      deps.membershipChanged(actor.accountId, events);
    },

    /**
     * Ends every place an account holds, inside the caller's transaction (the account is being
     * erased): each room is told, each membership goes with everything it wrote, and each
     * place it held passes to the next person waiting. Returns the rooms' news.
     */
    async endAllOf(tx: Db, accountId: string): Promise<RoomEvent[]> {
      const held = await tx
        .select()
        .from(memberships)
        .where(eq(memberships.accountId, accountId))
        .orderBy(asc(memberships.groupId));
      const events: RoomEvent[] = [];
      for (const member of held) {
        events.push(...(await deps.leaveRooms(tx, member.groupId, member.id)));
        await removeMembership(tx, member);
      }
      return events;
    },

    /** Who is banned from the group, and why. */
    async bans(actor: Actor, groupId: string): Promise<Ban[]> {
      await access(actor, groupId, 'ban.list');
      const rows = await db
        .select()
        .from(memberships)
        .where(and(eq(memberships.groupId, groupId), eq(memberships.status, 'banned')))
        .orderBy(desc(memberships.statusSince));
      return rows.map((row) => ({
        memberId: row.id,
        pseudonym: row.pseudonym,
        reason: row.banReason ?? '',
        bannedAt: row.statusSince.toISOString(),
      }));
    },

    /**
     * Lifting a ban puts the person back as waiting for approval, under the same name, with
     * their history intact: approving them gives them their place again.
     */
    async liftBan(actor: Actor, groupId: string, memberId: string): Promise<void> {
      await access(actor, groupId, 'ban.lift');
      await store.transaction(async (tx) => {
        await lockGroup(tx, groupId);
        const [member] = await tx
          .select()
          .from(memberships)
          .where(and(eq(memberships.id, memberId), eq(memberships.groupId, groupId), eq(memberships.status, 'banned')))
          .for('update');
        if (!member) throw notFound('ban');
        await tx
          .update(memberships)
          .set({ status: 'pending', banReason: null, statusSince: sql`now()` })
          .where(eq(memberships.id, member.id));
        await recordAudit(tx, actor, { groupId, action: 'person.unban', targetId: member.id, target: member.pseudonym });
      });
    },

    /** Changes a member's role; a new lead facilitator takes over from the previous one. */
    async changeRole(actor: Actor, groupId: string, memberId: string, role: GroupRole): Promise<GroupMember> {
      await access(actor, groupId, 'member.changeRole');
      const changed = await store.transaction(async (tx) => {
        const member = await findMember(tx, groupId, memberId);
        if (role === 'participant' && member.role !== 'participant' && member.status === 'active') {
          const group = await lockGroup(tx, groupId);
          if ((await countWhere(tx, groupId, 'active')) >= group.capacity) {
            throw new AppError(
              'conflict',
              'The group is full, so this person cannot take a participant’s place. Raise the capacity first.',
            );
          }
        }
        if (member.status !== 'active' && isFacilitatorRole(role)) {
          // Facilitators hold no participant place: they join at once.
          await tx.update(memberships).set({ status: 'active', statusSince: sql`now()` }).where(eq(memberships.id, memberId));
        }
        if (role === 'lead_facilitator') await demoteLead(tx, groupId);
        const [row] = await tx.update(memberships).set({ role }).where(eq(memberships.id, memberId)).returning();
        // A participant who became a facilitator frees a participant's place.
        await promoteWaitlist(tx, groupId);
        await recordAudit(tx, actor, {
          groupId,
          action: 'member.change_role',
          targetId: memberId,
          target: member.pseudonym,
          reason: `${member.role} → ${role}`,
        });
        return { member: toMember(row!), accountId: member.accountId };
      });
      deps.membershipChanged(changed.accountId);
      return changed.member;
    },

    /** Makes an existing account a facilitator of the group, adding it when it is not a member. */
    async assignFacilitator(actor: Actor, groupId: string, input: AssignFacilitatorRequest): Promise<GroupMember> {
      await access(actor, groupId, 'facilitator.assign');
      const [account] = await db
        .select({ id: accounts.id, username: accounts.username })
        .from(accounts)
        .where(eq(sql`lower(${accounts.username})`, input.username.toLowerCase()));
      if (!account) throw new AppError('not_found', 'No account has that username.');
      const [existing] = await db
        .select()
        .from(memberships)
        .where(and(eq(memberships.groupId, groupId), eq(memberships.accountId, account.id)));
      if (existing) {
        // Answering with their membership would tie the username to a pseudonym.
        throw new AppError(
          'conflict',
          'That account is already in this group. Change roles from the list of members.',
        );
      }
      if (!input.pseudonym) {
        throw new AppError('invalid_input', 'pseudonym: Choose the name this facilitator is shown under.');
      }
      return store.transaction(async (tx) => {
        await lockGroup(tx, groupId);
        if (input.role === 'lead_facilitator') await demoteLead(tx, groupId);
        const row = await add(tx, {
          groupId,
          accountId: account.id,
          username: account.username,
          role: input.role,
          pseudonym: input.pseudonym!,
          status: 'active',
        });
        await recordAudit(tx, actor, { groupId, action: 'facilitator.assign', targetId: row.id, target: row.pseudonym });
        return toMember(row);
      });
    },
  };
}
