import type {
  CreateInviteRequest,
  Invite,
  InvitePreview,
  InviteSummary,
  RedeemInviteRequest,
  RedeemInviteResult,
} from '@hearth/shared';
import { and, desc, eq, gt, isNull, or, lt, sql } from 'drizzle-orm';
import type { Db, Store } from '../../db/database.ts';
import { groups, invites } from '../../db/schema.ts';
import { hashToken, randomToken } from '../../crypto/tokens.ts';
import { AppError, notFound } from '../../errors.ts';
import type { AccountsService, Actor } from '../accounts/service.ts';
import { toGroup } from '../groups/service.ts';
import type { GroupGate } from '../groups/gate.ts';
import type { MembersService } from '../members/service.ts';
import { recordAudit } from '../audit/service.ts';

type InviteRow = typeof invites.$inferSelect;

function stateOf(invite: InviteRow, now = Date.now()): InviteSummary['state'] {
  if (invite.revokedAt) return 'revoked';
  if (invite.expiresAt.getTime() <= now) return 'expired';
  if (invite.maxUses !== null && invite.uses >= invite.maxUses) return 'used_up';
  return 'active';
}

function toSummary(invite: InviteRow): InviteSummary {
  return {
    id: invite.id,
    role: invite.role,
    state: stateOf(invite),
    createdAt: invite.createdAt.toISOString(),
    expiresAt: invite.expiresAt.toISOString(),
    maxUses: invite.maxUses,
    uses: invite.uses,
  };
}

const notValid = () =>
  new AppError(
    'not_found',
    'This invite is not valid any more. Please ask the person who invited you for a new one.',
  );

/** Conditions under which an invite can still be used. */
const usable = and(
  isNull(invites.revokedAt),
  gt(invites.expiresAt, sql`now()`),
  or(isNull(invites.maxUses), lt(invites.uses, invites.maxUses)),
);

export type InvitesService = ReturnType<typeof createInvitesService>;

export function createInvitesService(
  store: Store,
  deps: { access: GroupGate; accounts: AccountsService; members: MembersService },
) {
  const { db } = store;
  const { access } = deps;

  async function findUsable(executor: Db, code: string) {
    const [row] = await executor
      .select({ invite: invites, group: groups })
      .from(invites)
      .innerJoin(groups, eq(groups.id, invites.groupId))
      .where(and(eq(invites.codeHash, hashToken(code)), usable));
    if (!row) throw notValid();
    return row;
  }

  return {
    async create(actor: Actor, groupId: string, input: CreateInviteRequest): Promise<Invite> {
      const role = input?.role ?? 'participant';
      await access(actor, groupId, role === 'facilitator' ? 'invite.createForFacilitator' : 'invite.create');
      const code = randomToken();
      const row = await store.transaction(async (tx) => {
        const [created] = await tx
          .insert(invites)
          .values({
            groupId,
            codeHash: hashToken(code),
            role,
            maxUses: input?.maxUses ?? null,
            createdBy: actor.accountId,
            expiresAt: new Date(Date.now() + (input?.expiresInDays ?? 7) * 86_400_000),
          })
          .returning();
        await recordAudit(tx, actor, { groupId, action: 'invite.create', targetId: created!.id, target: `${role} invite` });
        return created!;
      });
      return { ...toSummary(row), code };
    },

    async list(actor: Actor, groupId: string): Promise<InviteSummary[]> {
      await access(actor, groupId, 'invite.list');
      const rows = await db
        .select()
        .from(invites)
        .where(eq(invites.groupId, groupId))
        .orderBy(desc(invites.createdAt));
      return rows.map(toSummary);
    },

    async revoke(actor: Actor, groupId: string, inviteId: string): Promise<void> {
      await access(actor, groupId, 'invite.revoke');
      await store.transaction(async (tx) => {
        const [row] = await tx
          .update(invites)
          .set({ revokedAt: sql`coalesce(${invites.revokedAt}, now())` })
          .where(and(eq(invites.id, inviteId), eq(invites.groupId, groupId)))
          .returning({ id: invites.id, role: invites.role });
        if (!row) throw notFound('invite');
        await recordAudit(tx, actor, { groupId, action: 'invite.revoke', targetId: row.id, target: `${row.role} invite` });
      });
    },

    async preview(code: string): Promise<InvitePreview> {
      const { invite, group } = await findUsable(db, code);
      const full =
        invite.role === 'participant' &&
        (await store.transaction(async (tx) => (await deps.members.placeFor(tx, group.id)) === 'waitlisted'));
      return {
        groupName: group.name,
        groupDescription: group.description,
        role: invite.role,
        approvalRequired: invite.role === 'participant' && group.approvalRequired,
        full,
      };
    },

    /**
     * Joins the group an invite is for: as a facilitator, or as a participant who is in at once,
     * waits for approval, or waits for a place. Without a logged-in actor, the request must
     * carry the account to create, and the new account is logged in.
     */
    async redeem(
      actor: Actor | null,
      input: RedeemInviteRequest,
    ): Promise<RedeemInviteResult & { token: string | null }> {
      if (!actor && !input.account) {
        throw new AppError('invalid_input', 'account: Choose a username and a password to join.');
      }
      // Hashing is slow on purpose: done before the transaction, it holds no connection or lock.
      const newAccount = input.account
        ? {
            username: input.account.username,
            email: input.account.email ?? null,
            passwordHash: await deps.accounts.hashPassword(input.account.password),
          }
        : null;
      return store.transaction(async (tx) => {
        const { invite, group } = await findUsable(tx, input.code);
        // Counting the use in the same statement that checks the limit lets no extra use through.
        const [counted] = await tx
          .update(invites)
          .set({ uses: sql`${invites.uses} + 1` })
          .where(and(eq(invites.id, invite.id), usable))
          .returning({ id: invites.id });
        if (!counted) throw notValid();
        const registered = actor ? null : await deps.accounts.register(tx, newAccount!);
        const status =
          invite.role === 'facilitator'
            ? 'active'
            : group.approvalRequired
              ? 'pending'
              : await deps.members.placeFor(tx, group.id);
        const membership = await deps.members.add(tx, {
          groupId: group.id,
          accountId: actor?.accountId ?? registered!.me.id,
          username: actor?.username ?? registered!.me.username,
          role: invite.role,
          pseudonym: input.pseudonym,
          status,
        });
        return {
          me: registered?.me ?? (await deps.accounts.me(tx, actor!.accountId)),
          group: toGroup(group, membership),
          token: registered?.token ?? null,
        };
      });
    },
  };
}
