import type { CreateGroupRequest, Group, GroupRole, RedeemInviteRequest } from '@hearth/shared';
import { and, asc, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Db, Store } from '../../db/database.ts';
import { pgConstraint, pgErrorCode } from '../../db/database.ts';
import { groups, invites, memberships } from '../../db/schema.ts';
import { hashToken, randomToken } from '../../crypto/tokens.ts';
import { AppError, notFound } from '../../errors.ts';
import { can, rolesOf, type Action } from '../../policy.ts';
import type { AccountsService, Actor } from '../accounts/service.ts';

const INVITE_DAYS = 7;

type GroupRow = typeof groups.$inferSelect;
type MembershipRow = typeof memberships.$inferSelect;

export type GroupAccess = { group: GroupRow; membership: MembershipRow | null };

function toGroup(group: GroupRow, membership: Pick<MembershipRow, 'role' | 'pseudonym'> | null): Group {
  return {
    id: group.id,
    name: group.name,
    description: group.description,
    myRole: membership?.role ?? null,
    myPseudonym: membership?.pseudonym ?? null,
  };
}

function membershipConflict(error: unknown): AppError | null {
  if (pgErrorCode(error) !== '23505') return null;
  if (pgConstraint(error) === 'memberships_group_account_key') {
    return new AppError('conflict', 'You are already a member of this group.');
  }
  return new AppError('conflict', 'That name is already used in this group. Please choose another.');
}

export type GroupsService = ReturnType<typeof createGroupsService>;

export function createGroupsService(store: Store, accounts: AccountsService) {
  const { db } = store;
  async function addMember(
    executor: Db,
    input: { groupId: string; accountId: string; role: GroupRole; pseudonym: string; username: string },
  ): Promise<MembershipRow> {
    if (input.pseudonym.toLowerCase() === input.username.toLowerCase()) {
      throw new AppError(
        'invalid_input',
        'Please choose a name for this group that is different from your username.',
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
        })
        .returning();
      return row!;
    } catch (error) {
      throw membershipConflict(error) ?? error;
    }
  }

  /** Finds the valid invite for a code; unknown, expired and revoked codes look the same. */
  async function findInvite(executor: Db, code: string) {
    const [row] = await executor
      .select({ invite: invites, group: groups })
      .from(invites)
      .innerJoin(groups, eq(groups.id, invites.groupId))
      .where(
        and(
          eq(invites.codeHash, hashToken(code)),
          isNull(invites.revokedAt),
          gt(invites.expiresAt, sql`now()`),
        ),
      );
    if (!row) {
      throw new AppError(
        'not_found',
        'This invite is not valid any more. Please ask the person who invited you for a new one.',
      );
    }
    return row;
  }

  return {
    /**
     * The gatekeeper for groups: loads a group for an actor and an action, with one answer for
     * "does not exist" and "not yours to see".
     */
    async access(actor: Actor, groupId: string, action: Action): Promise<GroupAccess> {
      const [row] = await db
        .select({ group: groups, membership: memberships })
        .from(groups)
        .leftJoin(
          memberships,
          and(eq(memberships.groupId, groups.id), eq(memberships.accountId, actor.accountId)),
        )
        .where(eq(groups.id, groupId));
      const roles = row ? rolesOf(actor, row.membership?.role ?? null) : [];
      if (!row || !can(roles, 'group.view')) throw notFound('group');
      if (!can(roles, action)) {
        throw new AppError('forbidden', 'Your role in this group does not allow that.');
      }
      return row;
    },

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
            .innerJoin(memberships, membershipJoin)
            .orderBy(asc(groups.name));
      return rows.map((row) => toGroup(row.group, row.membership));
    },

    async create(actor: Actor, input: CreateGroupRequest): Promise<Group> {
      if (!can(rolesOf(actor, null), 'group.create')) {
        throw new AppError('forbidden', 'Only organisers can create groups.');
      }
      return store.transaction(async (tx) => {
        const [group] = await tx
          .insert(groups)
          .values({ name: input.name, description: input.description, createdBy: actor.accountId })
          .returning();
        const membership = await addMember(tx, {
          groupId: group!.id,
          accountId: actor.accountId,
          role: 'lead_facilitator',
          pseudonym: input.pseudonym,
          username: actor.username,
        });
        return toGroup(group!, membership);
      });
    },

    async createInvite(actor: Actor, groupId: string) {
      await this.access(actor, groupId, 'invite.create');
      const code = randomToken();
      const expiresAt = new Date(Date.now() + INVITE_DAYS * 86_400_000);
      await db
        .insert(invites)
        .values({ groupId, codeHash: hashToken(code), createdBy: actor.accountId, expiresAt });
      return { code, expiresAt: expiresAt.toISOString() };
    },

    async previewInvite(code: string) {
      const { group } = await findInvite(db, code);
      return { groupName: group.name, groupDescription: group.description };
    },

    /**
     * Joins the group an invite is for. Without a logged-in actor, the request must carry the
     * account to create, and the new account is logged in.
     */
    async redeemInvite(actor: Actor | null, input: RedeemInviteRequest) {
      if (!actor && !input.account) {
        throw new AppError('invalid_input', 'account: Choose a username and a password to join.');
      }
      // Hashing is slow on purpose: done before the transaction, it holds no connection or lock.
      const newAccount = input.account
        ? { username: input.account.username, passwordHash: await accounts.hashPassword(input.account.password) }
        : null;
      return store.transaction(async (tx) => {
        const { group } = await findInvite(tx, input.code);
        const registered = actor ? null : await accounts.register(tx, newAccount!);
        const accountId = actor?.accountId ?? registered!.me.id;
        const username = actor?.username ?? registered!.me.username;
        const membership = await addMember(tx, {
          groupId: group.id,
          accountId,
          role: 'participant',
          pseudonym: input.pseudonym,
          username,
        });
        return {
          me: registered?.me ?? {
            id: actor!.accountId,
            username: actor!.username,
            isOrganiser: actor!.isOrganiser,
          },
          group: toGroup(group, membership),
          token: registered?.token ?? null,
        };
      });
    },
  };
}
