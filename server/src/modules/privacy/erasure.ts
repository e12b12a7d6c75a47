import type { RoomEvent } from '@hearth/shared';
import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import type { Store } from '../../db/database.ts';
import { accounts, auditLog, memberships, messages, sessions } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { Actor, AccountsService } from '../accounts/service.ts';
import type { MembersService } from '../members/service.ts';

export type Erasure = ReturnType<typeof createErasure>;

/**
 * A person erases their account: every membership and pseudonym, every message and all else
 * they wrote goes in one transaction, for real. Rooms they were in are told, so those present
 * see "a message that was removed" where their words were. The audit log keeps what facilitators
 * and organisers did, with the names this account held blanked.
 */
export function createErasure(
  store: Store,
  deps: {
    accounts: AccountsService;
    members: MembersService;
    /** After commit: the rooms' news, and the account's sockets closed on every node. */
    erased: (accountId: string, events: RoomEvent[]) => void;
  },
) {
  return {
    async eraseAccount(actor: Actor, password: string, address: string): Promise<void> {
      await deps.accounts.confirmPassword(actor, password, address);
      const events = await store.transaction(async (tx) => {
        if (actor.isOrganiser) {
          // Every organiser's row, this one's too, locked in one order: two organisers erasing
          // at once take turns, and the second sees the first gone.
          const organisers = await tx
            .select({ id: accounts.id })
            .from(accounts)
            .where(eq(accounts.isOrganiser, true))
            .orderBy(asc(accounts.id))
            .for('update');
          if (organisers.every((row) => row.id === actor.accountId)) {
            throw new AppError(
              'conflict',
              'You are the only organiser. Another organiser is needed before this account can be erased.',
            );
          }
        }
        const held = await tx
          .select({ id: memberships.id, groupId: memberships.groupId })
          .from(memberships)
          .where(eq(memberships.accountId, actor.accountId));
        // Closed rooms still holding content are the retention job's too: taken first, in one
        // order, so a purge of one of them waits for this rather than deadlocking with it.
        if (held.length > 0) {
          await tx
            .select({ id: sessions.id })
            .from(sessions)
            .where(
              and(
                inArray(sessions.groupId, held.map((row) => row.groupId)),
                eq(sessions.status, 'closed'),
                isNull(sessions.purgedAt),
              ),
            )
            .orderBy(asc(sessions.id))
            .for('update');
        }
        const heldIds = held.map((row) => row.id);
        // Entries about them name them: as a member, or as the author of a message acted on.
        const written =
          heldIds.length === 0
            ? []
            : await tx.select({ id: messages.id }).from(messages).where(inArray(messages.authorId, heldIds));
        const events = await deps.members.endAllOf(tx, actor.accountId);
        await tx.update(auditLog).set({ actorName: '' }).where(eq(auditLog.actorAccountId, actor.accountId));
        const named = [...heldIds, ...written.map((row) => row.id)];
        if (named.length > 0) await tx.update(auditLog).set({ target: '' }).where(inArray(auditLog.targetId, named));
        // Logins, and anything else still keyed to the account, go with it.
        await tx.delete(accounts).where(eq(accounts.id, actor.accountId));
        return events;
      });
      deps.erased(actor.accountId, events);
    },
  };
}
