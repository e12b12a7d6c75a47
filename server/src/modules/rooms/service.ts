import type { CommandPayload, Member, Message } from '@hearth/shared';
import { limits } from '@hearth/shared';
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { Store } from '../../db/database.ts';
import { groups, memberships, messages, sessions } from '../../db/schema.ts';
import { AppError, notFound } from '../../errors.ts';
import { can, rolesOf } from '../../policy.ts';
import type { Actor } from '../accounts/service.ts';
import type { AgreementsService } from '../agreements/service.ts';

type MessageRow = typeof messages.$inferSelect;

/** What a person holds once they are let into a room. */
export type RoomEntry = {
  sessionId: string;
  title: string;
  groupName: string;
  member: Member;
};

const roomClosed = () =>
  new AppError('room_closed', 'This session’s room is not open at the moment.');

/** Thrown inside the send transaction to roll it back when a resend raced its original. */
class DuplicateSend extends Error {}

function toMessage(row: MessageRow, author: Member): Message {
  return {
    id: row.id,
    sessionId: row.sessionId,
    seq: row.seq,
    clientId: row.clientId,
    author,
    text: row.body,
    createdAt: row.createdAt.toISOString(),
  };
}

export type RoomsService = ReturnType<typeof createRoomsService>;

export function createRoomsService(store: Store, deps: { agreements: AgreementsService }) {
  const { db } = store;
  async function findSent(sessionId: string, author: Member, clientId: string) {
    const [row] = await db
      .select()
      .from(messages)
      .where(
        and(
          eq(messages.sessionId, sessionId),
          eq(messages.authorId, author.memberId),
          eq(messages.clientId, clientId),
        ),
      );
    return row ? toMessage(row, author) : null;
  }

  return {
    /**
     * The gatekeeper for rooms: lets an actor into a session's room when they are a member
     * of its group allowed to enter, and the room is open.
     */
    async enter(actor: Actor, sessionId: string): Promise<RoomEntry> {
      const [row] = await db
        .select({ session: sessions, groupName: groups.name, membership: memberships })
        .from(sessions)
        .innerJoin(groups, eq(groups.id, sessions.groupId))
        .leftJoin(
          memberships,
          and(eq(memberships.groupId, sessions.groupId), eq(memberships.accountId, actor.accountId)),
        )
        .where(eq(sessions.id, sessionId));
      const roles = row ? rolesOf(actor, row.membership) : [];
      if (!row || !can(roles, 'group.view')) throw notFound('session');
      if (row.membership && row.membership.status !== 'active') {
        throw new AppError(
          'forbidden',
          'You can enter the room once your place in the group is confirmed.',
        );
      }
      if (!row.membership || !can(roles, 'room.enter')) {
        throw new AppError('forbidden', 'Only the group’s members and facilitators can enter its room.');
      }
      await deps.agreements.requireAccepted(row.session.groupId, row.membership.id);
      if (row.session.status !== 'open') throw roomClosed();
      return {
        sessionId,
        title: row.session.title,
        groupName: row.groupName,
        member: {
          memberId: row.membership.id,
          pseudonym: row.membership.pseudonym,
          role: row.membership.role,
        },
      };
    },

    /** Messages after a sequence number, in order, one page at a time. */
    async history(sessionId: string, afterSeq: number) {
      const rows = await db
        .select({ message: messages, author: memberships })
        .from(messages)
        .innerJoin(memberships, eq(memberships.id, messages.authorId))
        .where(and(eq(messages.sessionId, sessionId), gt(messages.seq, afterSeq)))
        .orderBy(asc(messages.seq))
        .limit(limits.catchUpPageSize + 1);
      const page = rows.slice(0, limits.catchUpPageSize).map(({ message, author }) =>
        toMessage(message, { memberId: author.id, pseudonym: author.pseudonym, role: author.role }),
      );
      // Read from the page itself: a counter read separately could run ahead of what was sent.
      const lastSeq = page.at(-1)?.seq ?? afterSeq;
      return { messages: page, hasMore: rows.length > limits.catchUpPageSize, lastSeq };
    },

    /**
     * Stores a message once per client id and returns it after commit. `created` is false when
     * the send was a resend of a message already stored.
     */
    async send(
      author: Member,
      input: CommandPayload<'message:send'>,
    ): Promise<{ message: Message; created: boolean }> {
      const earlier = await findSent(input.sessionId, author, input.clientId);
      if (earlier) return { message: earlier, created: false };
      try {
        const row = await store.transaction(async (tx) => {
          // Taking the room's counter row lock first orders concurrent sends by commit.
          const [room] = await tx
            .update(sessions)
            .set({ lastSeq: sql`${sessions.lastSeq} + 1` })
            .where(and(eq(sessions.id, input.sessionId), eq(sessions.status, 'open')))
            .returning({ lastSeq: sessions.lastSeq });
          if (!room) throw roomClosed();
          const [inserted] = await tx
            .insert(messages)
            .values({
              sessionId: input.sessionId,
              authorId: author.memberId,
              clientId: input.clientId,
              seq: room.lastSeq,
              body: input.text,
            })
            .onConflictDoNothing({
              target: [messages.sessionId, messages.authorId, messages.clientId],
            })
            .returning();
          if (!inserted) throw new DuplicateSend();
          return inserted;
        });
        return { message: toMessage(row, author), created: true };
      } catch (error) {
        if (!(error instanceof DuplicateSend)) throw error;
        const stored = await findSent(input.sessionId, author, input.clientId);
        if (!stored) throw error;
        return { message: stored, created: false };
      }
    },
  };
}
