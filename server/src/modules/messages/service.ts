import type { CommandPayload, Member, Message, RoomEvent, WarningInput } from '@hearth/shared';
import { WarningInputSchema } from '@hearth/shared';
import { and, eq } from 'drizzle-orm';
import type { Db, Store } from '../../db/database.ts';
import { groups, messageReactions, messages, sessions } from '../../db/schema.ts';
import { AppError, notFound } from '../../errors.ts';
import { can, isFacilitatorRole } from '../../policy.ts';
import { isAttended } from '../rooms/attendance.ts';
import { appendEvent, lockRoom, renderEvents, roomClosed, type NewRoomEvent } from '../rooms/events.ts';
import { loadMessages } from './views.ts';

type MessageRow = typeof messages.$inferSelect;

/** Thrown inside the send transaction to roll it back when a resend raced its original. */
class DuplicateSend extends Error {}

const waitingForFacilitator = () =>
  new AppError(
    'waiting_for_facilitator',
    'The room is waiting for a facilitator. You can write again as soon as one is here.',
  );

const messageGone = () => notFound('message');

export type MessagesService = ReturnType<typeof createMessagesService>;

/**
 * What people say in a room and everything they do to it. Every change is stored with a room
 * event in one transaction, and the event is returned for broadcasting only after commit.
 */
export function createMessagesService(store: Store) {
  const { db } = store;

  async function findSent(sessionId: string, authorId: string, clientId: string) {
    const [row] = await db
      .select({ id: messages.id })
      .from(messages)
      .where(and(eq(messages.sessionId, sessionId), eq(messages.authorId, authorId), eq(messages.clientId, clientId)));
    return row ? (await loadMessages(db, [row.id])).get(row.id)! : null;
  }

  /** Participants speak only while a facilitator is present; facilitators always may. */
  async function requireAttended(tx: Db, sessionId: string, author: Member): Promise<void> {
    if (isFacilitatorRole(author.role)) return;
    if (!(await isAttended(tx, sessionId))) throw waitingForFacilitator();
  }

  /** The group's categories: a warning may only name those. */
  async function checkWarning(tx: Db, sessionId: string, warning: WarningInput) {
    const parsed = WarningInputSchema.parse(warning);
    const [row] = await tx
      .select({ categories: groups.contentWarnings })
      .from(sessions)
      .innerJoin(groups, eq(groups.id, sessions.groupId))
      .where(eq(sessions.id, sessionId));
    const known = new Set((row?.categories ?? []).map((c) => c.key));
    const unknown = parsed.categories.filter((key) => !known.has(key));
    if (unknown.length > 0) {
      throw new AppError('invalid_input', 'warning.categories: choose categories from this group’s list.');
    }
    return parsed;
  }

  async function messageIn(tx: Db, sessionId: string, messageId: string, forUpdate = false): Promise<MessageRow> {
    const query = tx
      .select()
      .from(messages)
      .where(and(eq(messages.id, messageId), eq(messages.sessionId, sessionId)));
    const [row] = forUpdate ? await query.for('update') : await query;
    if (!row) throw messageGone();
    return row;
  }

  async function ownLiveMessage(tx: Db, sessionId: string, messageId: string, author: Member) {
    const row = await messageIn(tx, sessionId, messageId, true);
    if (row.authorId !== author.memberId) {
      throw new AppError('forbidden', 'You can only change your own messages.');
    }
    if (row.deletedAt) throw new AppError('conflict', 'This message was deleted.');
    return row;
  }

  /** Runs a change and its event in one transaction; returns the event as clients see it. */
  async function change(
    sessionId: string,
    work: (tx: Db) => Promise<NewRoomEvent>,
  ): Promise<RoomEvent | null> {
    const row = await store.transaction(async (tx) => {
      const room = await lockRoom(tx, sessionId);
      if (room.status !== 'open') throw roomClosed();
      return appendEvent(tx, sessionId, await work(tx));
    });
    const [event] = await renderEvents(db, [row]);
    return event ?? null;
  }

  return {
    /**
     * Stores a message once per client id and returns it after commit. `event` is null when
     * the send was a resend of a message already stored.
     */
    async send(
      author: Member,
      input: CommandPayload<'message:send'>,
    ): Promise<{ message: Message; event: RoomEvent | null }> {
      const earlier = await findSent(input.sessionId, author.memberId, input.clientId);
      if (earlier) return { message: earlier, event: null };
      try {
        const event = await change(input.sessionId, async (tx) => {
          await requireAttended(tx, input.sessionId, author);
          const warning = input.warning ? await checkWarning(tx, input.sessionId, input.warning) : null;
          if (input.replyToId) await messageIn(tx, input.sessionId, input.replyToId);
          const [room] = await tx
            .select({ lastSeq: sessions.lastSeq })
            .from(sessions)
            .where(eq(sessions.id, input.sessionId));
          const [inserted] = await tx
            .insert(messages)
            .values({
              sessionId: input.sessionId,
              authorId: author.memberId,
              clientId: input.clientId,
              // The event appended next takes this number: the room lock is held.
              seq: room!.lastSeq + 1,
              body: input.text,
              replyToId: input.replyToId ?? null,
              warningCategories: warning ? warning.categories : null,
              warningNote: warning ? warning.note : null,
            })
            .onConflictDoNothing({ target: [messages.sessionId, messages.authorId, messages.clientId] })
            .returning({ id: messages.id });
          if (!inserted) throw new DuplicateSend();
          return { type: 'message', change: 'posted', messageId: inserted.id };
        });
        if (event?.type !== 'message') throw new Error('a posted message could not be read back');
        return { message: event.message, event };
      } catch (error) {
        if (!(error instanceof DuplicateSend)) throw error;
        const stored = await findSent(input.sessionId, author.memberId, input.clientId);
        if (!stored) throw error;
        return { message: stored, event: null };
      }
    },

    /** The posted event of a message already stored, to broadcast again after a resend. */
    postedEvent(message: Message): RoomEvent {
      return {
        sessionId: message.sessionId,
        seq: message.seq,
        at: message.createdAt,
        type: 'message',
        change: 'posted',
        message,
      };
    },

    edit(author: Member, input: CommandPayload<'message:edit'>) {
      return change(input.sessionId, async (tx) => {
        await requireAttended(tx, input.sessionId, author);
        const row = await ownLiveMessage(tx, input.sessionId, input.messageId, author);
        // A facilitator's warning stays whatever the author sends; absent keeps the author's.
        const rewarn = input.warning !== undefined && !row.warningByFacilitator;
        const warning = rewarn && input.warning ? await checkWarning(tx, input.sessionId, input.warning) : null;
        await tx
          .update(messages)
          .set({
            body: input.text,
            editedAt: new Date(),
            ...(rewarn
              ? { warningCategories: warning ? warning.categories : null, warningNote: warning ? warning.note : null }
              : {}),
          })
          .where(eq(messages.id, row.id));
        return { type: 'message', change: 'edited', messageId: row.id };
      });
    },

    /** The text is removed, not hidden: what remains says only that a message was deleted. */
    delete(author: Member, input: CommandPayload<'message:delete'>) {
      return change(input.sessionId, async (tx) => {
        const row = await ownLiveMessage(tx, input.sessionId, input.messageId, author);
        await tx
          .update(messages)
          .set({ body: '', warningCategories: null, warningNote: null, deletedAt: new Date() })
          .where(eq(messages.id, row.id));
        await tx.delete(messageReactions).where(eq(messageReactions.messageId, row.id));
        return { type: 'message', change: 'deleted', messageId: row.id };
      });
    },

    react(member: Member, input: CommandPayload<'message:react'>) {
      return change(input.sessionId, async (tx) => {
        await requireAttended(tx, input.sessionId, member);
        const row = await messageIn(tx, input.sessionId, input.messageId);
        if (row.deletedAt) throw new AppError('conflict', 'This message was deleted.');
        if (input.on) {
          await tx
            .insert(messageReactions)
            .values({ messageId: row.id, memberId: member.memberId, reaction: input.reaction })
            .onConflictDoNothing();
        } else {
          await tx
            .delete(messageReactions)
            .where(
              and(
                eq(messageReactions.messageId, row.id),
                eq(messageReactions.memberId, member.memberId),
                eq(messageReactions.reaction, input.reaction),
              ),
            );
        }
        return { type: 'message', change: 'reacted', messageId: row.id };
      });
    },

    /** A facilitator adds or changes a warning; everyone, including latecomers, sees it. */
    warn(facilitator: Member, input: CommandPayload<'message:warn'>) {
      if (!can([facilitator.role], 'message.warn')) {
        throw new AppError('forbidden', 'Only the room’s facilitators can add a warning to a message.');
      }
      return change(input.sessionId, async (tx) => {
        const row = await messageIn(tx, input.sessionId, input.messageId, true);
        if (row.deletedAt) throw new AppError('conflict', 'This message was deleted.');
        const warning = await checkWarning(tx, input.sessionId, input.warning);
        await tx
          .update(messages)
          .set({ warningCategories: warning.categories, warningNote: warning.note, warningByFacilitator: true })
          .where(eq(messages.id, row.id));
        return { type: 'message', change: 'warned', messageId: row.id };
      });
    },
  };
}
