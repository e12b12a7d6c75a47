import { randomUUID } from 'node:crypto';
import type { CommandPayload, CrisisMatcher, Member, Message, RoomEvent, RoomNotice, WarningInput } from '@hearth/shared';
import { WarningInputSchema } from '@hearth/shared';
import { and, asc, desc, eq, isNull, ne } from 'drizzle-orm';
import { sealedAt, type Sealer } from '../../crypto/keyring.ts';
import type { Db, Store } from '../../db/database.ts';
import { alerts, groups, memberships, messageReactions, messages, roomMembers, sessions } from '../../db/schema.ts';
import { AppError, notFound } from '../../errors.ts';
import { can, isFacilitatorRole, type Action } from '../../policy.ts';
import { recordAudit, type AuditEntryInput } from '../audit/service.ts';
import { notices } from '../facilitation/notices.ts';
import { bumpStaff } from '../facilitation/state.ts';
import { attendedColumn, isAttended } from '../rooms/attendance.ts';
import { appendEvent, lockRoom, renderEvents, roomClosed, type LockedRoom, type NewRoomEvent } from '../rooms/events.ts';
import { loadMessages, removedMessage } from './views.ts';

type MessageRow = typeof messages.$inferSelect;

/** Thrown inside the send transaction to roll it back when a resend raced its original. */
class DuplicateSend extends Error {}

const waitingForFacilitator = () =>
  new AppError(
    'waiting_for_facilitator',
    'The room is waiting for a facilitator. You can write again as soon as one is here.',
  );

const messageGone = () => notFound('message');

/** A facilitator acting on the room: their seat, and their account for the audit log. */
export type Moderator = { member: Member; accountId: string };

/** What a change means for others: room events, a console version, private notices. */
export type MessageOutcome = {
  events: RoomEvent[];
  /** The sequence number of the last event stored (its message may be gone by the time it is read). */
  seq: number;
  staff: number | null;
  notices: Array<{ accountId: string; notice: RoomNotice }>;
};

export type MessagesService = ReturnType<typeof createMessagesService>;

/**
 * What people say in a room and everything done to it. Every change is stored with a room
 * event in one transaction, and the event is returned for broadcasting only after commit.
 */
export function createMessagesService(store: Store, deps: { crisis: CrisisMatcher; sealer: Sealer }) {
  const { db } = store;

  async function findSent(sessionId: string, authorId: string, clientId: string) {
    const [row] = await db
      .select({ id: messages.id })
      .from(messages)
      .where(and(eq(messages.sessionId, sessionId), eq(messages.authorId, authorId), eq(messages.clientId, clientId)));
    return row ? (await loadMessages(db, [row.id], deps.sealer)).get(row.id)! : null;
  }

  /**
   * Whether this person may write now: a participant needs a facilitator present and no mute;
   * nobody writes during a grounding pause; slow mode spaces a participant's messages.
   */
  async function requireMayWrite(tx: Db, room: LockedRoom, sessionId: string, author: Member, opts: { spacing: boolean }) {
    const now = new Date();
    if (room.pausedUntil && room.pausedUntil > now) {
      throw new AppError('paused', 'The room is paused for a moment of grounding. You can write again when it ends.');
    }
    if (isFacilitatorRole(author.role)) return;
    // Whether a facilitator is present and whether this person is muted, in one round trip.
    const [seat] = await tx
      .select({ mutedUntil: roomMembers.mutedUntil, attended: attendedColumn(sessionId) })
      .from(roomMembers)
      .where(and(eq(roomMembers.sessionId, sessionId), eq(roomMembers.memberId, author.memberId)));
    if (!(seat ? seat.attended : await isAttended(tx, sessionId))) throw waitingForFacilitator();
    if (seat?.mutedUntil && seat.mutedUntil > now) {
      const minutes = Math.max(1, Math.ceil((seat.mutedUntil.getTime() - now.getTime()) / 60_000));
      throw new AppError(
        'muted',
        `A facilitator has paused your messages for now. You can write again in about ${minutes} minute${minutes === 1 ? '' : 's'}.`,
      );
    }
    if (opts.spacing && room.slowModeSeconds > 0) {
      const [last] = await tx
        .select({ createdAt: messages.createdAt })
        .from(messages)
        .where(and(eq(messages.sessionId, sessionId), eq(messages.authorId, author.memberId)))
        .orderBy(desc(messages.createdAt))
        .limit(1);
      const wait = last ? room.slowModeSeconds * 1000 - (now.getTime() - last.createdAt.getTime()) : 0;
      if (wait > 0) {
        const seconds = Math.ceil(wait / 1000);
        throw new AppError(
          'slow_mode',
          `The room is in slow mode: you can send your next message in ${seconds} second${seconds === 1 ? '' : 's'}.`,
        );
      }
    }
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
    if (parsed.categories.some((key) => !known.has(key))) {
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

  /** The text is removed, not hidden: what remains says only that a message was deleted. */
  async function erase(tx: Db, messageId: string) {
    await tx
      .update(messages)
      .set({ body: '', warningCategories: null, warningNote: null, deletedAt: new Date() })
      .where(eq(messages.id, messageId));
    await tx.delete(messageReactions).where(eq(messageReactions.messageId, messageId));
  }

  /** Crisis language never blocks a message: it alerts the facilitators and offers the writer support. */
  async function watchForCrisis(tx: Db, sessionId: string, author: Member, messageId: string, text: string) {
    if (isFacilitatorRole(author.role) || deps.crisis(text).length === 0) return null;
    await tx.insert(alerts).values({ sessionId, messageId, memberId: author.memberId, kind: 'crisis_language' });
    return bumpStaff(tx, sessionId);
  }

  type Work = (tx: Db, room: LockedRoom) => Promise<{
    events: NewRoomEvent[];
    /** Messages the work knows as they now stand, so they are not read back after commit. */
    known?: Message[];
    staff?: number | null;
    notices?: MessageOutcome['notices'];
    audit?: Omit<AuditEntryInput, 'groupId' | 'sessionId'>;
  }>;

  /** Runs a change and its events in one transaction; returns them as clients see them. */
  async function change(sessionId: string, work: Work, auditor?: Moderator): Promise<MessageOutcome> {
    const done = await store.transaction(async (tx) => {
      const room = await lockRoom(tx, sessionId);
      if (room.status !== 'open') throw roomClosed();
      const result = await work(tx, room);
      const rows = [];
      for (const event of result.events) rows.push(await appendEvent(tx, sessionId, event));
      if (auditor && result.audit) {
        const [session] = await tx.select({ groupId: sessions.groupId }).from(sessions).where(eq(sessions.id, sessionId));
        await recordAudit(tx, auditor, { ...result.audit, groupId: session!.groupId, sessionId });
      }
      return { rows, staff: result.staff ?? null, notices: result.notices ?? [], known: result.known ?? [] };
    });
    return {
      events: await renderEvents(db, done.rows, deps.sealer, new Map(done.known.map((message) => [message.id, message]))),
      seq: done.rows.at(-1)?.seq ?? 0,
      staff: done.staff,
      notices: done.notices,
    };
  }

  function allow(by: Moderator, action: Action) {
    if (!can([by.member.role], action)) {
      throw new AppError('forbidden', 'Only the room’s facilitators can do that.');
    }
  }

  async function authorAccount(tx: Db, memberId: string) {
    const [row] = await tx
      .select({ accountId: memberships.accountId, pseudonym: memberships.pseudonym, role: memberships.role })
      .from(memberships)
      .where(eq(memberships.id, memberId));
    return row!;
  }

  /** Facilitators do not moderate each other; the organiser can change roles. */
  function notAFacilitator(author: { role: Member['role'] }, by: Moderator, authorId: string) {
    if (isFacilitatorRole(author.role) && authorId !== by.member.memberId) {
      throw new AppError('forbidden', 'Facilitators cannot moderate each other’s messages; the organiser can change roles.');
    }
  }

  async function post(author: Member, input: CommandPayload<'message:send'>, kind: 'message' | 'announcement', by?: Moderator) {
    let stored: { id: string; createdAt: Date } | null = null;
    try {
      const outcome = await change(
        input.sessionId,
        async (tx, room) => {
          if (kind === 'message') await requireMayWrite(tx, room, input.sessionId, author, { spacing: true });
          const warning = input.warning ? await checkWarning(tx, input.sessionId, input.warning) : null;
          if (input.replyToId) await messageIn(tx, input.sessionId, input.replyToId);
          // The id is chosen here, so that the sealed text can be bound to its row.
          const id = randomUUID();
          const [inserted] = await tx
            .insert(messages)
            .values({
              id,
              sessionId: input.sessionId,
              authorId: author.memberId,
              clientId: input.clientId,
              // The event appended next takes this number: the room lock is held.
              seq: room.lastSeq + 1,
              body: deps.sealer.seal(input.text, sealedAt('messages', 'body', id)),
              kind,
              replyToId: input.replyToId ?? null,
              warningCategories: warning ? warning.categories : null,
              warningNote: warning ? deps.sealer.seal(warning.note, sealedAt('messages', 'warning_note', id)) : null,
            })
            .onConflictDoNothing({ target: [messages.sessionId, messages.authorId, messages.clientId] })
            .returning({ id: messages.id, createdAt: messages.createdAt });
          if (!inserted) throw new DuplicateSend();
          stored = inserted;
          const staff = await watchForCrisis(tx, input.sessionId, author, inserted.id, input.text);
          const account = staff ? await authorAccount(tx, author.memberId) : null;
          // As it stands: just stored, so nobody has reacted to, edited or hidden it yet.
          const message: Message = {
            id: inserted.id,
            sessionId: input.sessionId,
            seq: room.lastSeq + 1,
            clientId: input.clientId,
            author,
            kind,
            text: input.text,
            hidden: false,
            createdAt: inserted.createdAt.toISOString(),
            editedAt: null,
            deleted: false,
            removed: false,
            replyToId: input.replyToId ?? null,
            warning: warning ? { categories: warning.categories, note: warning.note, byFacilitator: false } : null,
            reactions: {},
          };
          return {
            events: [{ type: 'message', change: 'posted', messageId: inserted.id }],
            known: [message],
            staff,
            notices: account ? [{ accountId: account.accountId, notice: supportOffered(input.sessionId) }] : [],
            audit: kind === 'announcement' ? { action: 'room.announce' } : undefined,
          };
        },
        by,
      );
      // Answered from what was stored, even if the message was erased since (its author removed).
      const { id, createdAt } = stored!;
      return { ack: { id, seq: outcome.seq, createdAt: createdAt.toISOString() }, outcome, resent: null };
    } catch (error) {
      // Only now is it worth asking whether this is a resend: a message already stored is
      // answered as it was, whatever would turn a new one away now (a mute, a pause, the close).
      if (!(error instanceof DuplicateSend || error instanceof AppError)) throw error;
      const again = await findSent(input.sessionId, author.memberId, input.clientId);
      if (!again) throw error;
      return resend(again);
    }
  }

  /** A resend of a message already stored: the same answer, and its posted event again. */
  function resend(message: Message) {
    return {
      ack: { id: message.id, seq: message.seq, createdAt: message.createdAt },
      outcome: null,
      resent: message,
    };
  }

  return {
    /**
     * Stores a message once per client id and returns it after commit. `outcome` is null when
     * the send was a resend of a message already stored.
     */
    send(author: Member, input: CommandPayload<'message:send'>) {
      return post(author, input, 'message');
    },

    /** A facilitator's announcement: shown apart, allowed even during a grounding pause. */
    announce(by: Moderator, input: CommandPayload<'room:announce'>) {
      allow(by, 'room.control');
      return post(by.member, { ...input, replyToId: null, warning: null }, 'announcement', by);
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
      return change(input.sessionId, async (tx, room) => {
        await requireMayWrite(tx, room, input.sessionId, author, { spacing: false });
        const row = await ownLiveMessage(tx, input.sessionId, input.messageId, author);
        // A facilitator's warning stays whatever the author sends; absent keeps the author's.
        const rewarn = input.warning !== undefined && !row.warningByFacilitator;
        const warning = rewarn && input.warning ? await checkWarning(tx, input.sessionId, input.warning) : null;
        await tx
          .update(messages)
          .set({
            body: deps.sealer.seal(input.text, sealedAt('messages', 'body', row.id)),
            editedAt: new Date(),
            ...(rewarn
              ? {
                  warningCategories: warning ? warning.categories : null,
                  warningNote: warning ? deps.sealer.seal(warning.note, sealedAt('messages', 'warning_note', row.id)) : null,
                }
              : {}),
          })
          .where(eq(messages.id, row.id));
        const staff = await watchForCrisis(tx, input.sessionId, author, row.id, input.text);
        const account = staff ? await authorAccount(tx, author.memberId) : null;
        return {
          events: [{ type: 'message', change: 'edited', messageId: row.id }],
          staff,
          notices: account ? [{ accountId: account.accountId, notice: supportOffered(input.sessionId) }] : [],
        };
      });
    },

    /** Deleting one's own message is always allowed, paused, muted or not. */
    delete(author: Member, input: CommandPayload<'message:delete'>) {
      return change(input.sessionId, async (tx) => {
        const row = await ownLiveMessage(tx, input.sessionId, input.messageId, author);
        await erase(tx, row.id);
        return { events: [{ type: 'message', change: 'deleted', messageId: row.id }] };
      });
    },

    react(member: Member, input: CommandPayload<'message:react'>) {
      return change(input.sessionId, async (tx, room) => {
        await requireMayWrite(tx, room, input.sessionId, member, { spacing: false });
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
        return { events: [{ type: 'message', change: 'reacted', messageId: row.id }] };
      });
    },

    /** A facilitator adds or changes a warning; everyone, including latecomers, sees it. */
    async warn(by: Moderator, input: CommandPayload<'message:warn'>) {
      if (!can([by.member.role], 'message.warn')) {
        throw new AppError('forbidden', 'Only the room’s facilitators can add a warning to a message.');
      }
      return change(
        input.sessionId,
        async (tx) => {
          const row = await messageIn(tx, input.sessionId, input.messageId, true);
          if (row.deletedAt) throw new AppError('conflict', 'This message was deleted.');
          const warning = await checkWarning(tx, input.sessionId, input.warning);
          await tx
            .update(messages)
            .set({
              warningCategories: warning.categories,
              warningNote: deps.sealer.seal(warning.note, sealedAt('messages', 'warning_note', row.id)),
              warningByFacilitator: true,
            })
            .where(eq(messages.id, row.id));
          return {
            events: [{ type: 'message', change: 'warned', messageId: row.id }],
            audit: { action: 'message.warn', targetId: row.id, target: warning.categories.join(', ') || null },
          };
        },
        by,
      );
    },

    /** Hidden from the room, not deleted: facilitators still see it, and can show it again. */
    async hide(by: Moderator, input: CommandPayload<'message:hide'>) {
      allow(by, 'message.moderate');
      return change(
        input.sessionId,
        async (tx) => {
          const row = await messageIn(tx, input.sessionId, input.messageId, true);
          if (row.deletedAt) throw new AppError('conflict', 'This message was deleted.');
          if ((row.hiddenAt !== null) === input.hidden) {
            throw new AppError('conflict', input.hidden ? 'This message is already hidden.' : 'This message is not hidden.');
          }
          const author = await authorAccount(tx, row.authorId);
          notAFacilitator(author, by, row.authorId);
          await tx.update(messages).set({ hiddenAt: input.hidden ? new Date() : null }).where(eq(messages.id, row.id));
          return {
            events: [{ type: 'message', change: input.hidden ? 'hidden' : 'unhidden', messageId: row.id }],
            notices: input.hidden
              ? [{ accountId: author.accountId, notice: notice(input.sessionId, 'message_hidden', notices.messageHidden) }]
              : [],
            audit: {
              action: input.hidden ? 'message.hide' : 'message.unhide',
              targetId: row.id,
              target: author.pseudonym,
              reason: input.reason ?? '',
            },
          };
        },
        by,
      );
    },

    /** A facilitator deletes someone's message: its text is gone for everyone. */
    async remove(by: Moderator, input: CommandPayload<'message:remove'>) {
      allow(by, 'message.moderate');
      return change(
        input.sessionId,
        async (tx) => {
          const row = await messageIn(tx, input.sessionId, input.messageId, true);
          if (row.deletedAt) throw new AppError('conflict', 'This message was already deleted.');
          const author = await authorAccount(tx, row.authorId);
          notAFacilitator(author, by, row.authorId);
          await erase(tx, row.id);
          return {
            events: [{ type: 'message', change: 'deleted', messageId: row.id }],
            notices:
              row.authorId === by.member.memberId
                ? []
                : [{ accountId: author.accountId, notice: notice(input.sessionId, 'message_removed', notices.messageRemoved) }],
            audit: { action: 'message.remove', targetId: row.id, target: author.pseudonym, reason: input.reason ?? '' },
          };
        },
        by,
      );
    },

    /**
     * A member's place in the group is ending (they leave, are removed, or erase their account):
     * inside the caller's transaction, each of their messages in the group's open rooms gets an
     * event saying it is gone, so those present see "a message that was removed". The messages
     * themselves go with the membership, in the same transaction.
     */
    async withdrawAllOf(tx: Db, groupId: string, memberId: string): Promise<RoomEvent[]> {
      const theirs = await tx
        .select({ id: messages.id, sessionId: messages.sessionId, seq: messages.seq, createdAt: messages.createdAt })
        .from(messages)
        .innerJoin(sessions, eq(sessions.id, messages.sessionId))
        .where(and(eq(sessions.groupId, groupId), eq(sessions.status, 'open'), eq(messages.authorId, memberId)))
        .orderBy(asc(messages.sessionId), asc(messages.seq));
      const events: RoomEvent[] = [];
      // Their reactions to others' messages go now, each message re-shown without them.
      const reactedTo = await tx
        .selectDistinct({ id: messages.id, sessionId: messages.sessionId })
        .from(messageReactions)
        .innerJoin(messages, eq(messages.id, messageReactions.messageId))
        .innerJoin(sessions, eq(sessions.id, messages.sessionId))
        .where(
          and(
            eq(messageReactions.memberId, memberId),
            ne(messages.authorId, memberId),
            eq(sessions.groupId, groupId),
            eq(sessions.status, 'open'),
          ),
        )
        .orderBy(asc(messages.sessionId), asc(messages.id));
      await tx.delete(messageReactions).where(eq(messageReactions.memberId, memberId));
      const reactionRows = [];
      for (const message of reactedTo) {
        if ((await lockRoom(tx, message.sessionId)).status !== 'open') continue;
        reactionRows.push(await appendEvent(tx, message.sessionId, { type: 'message', change: 'reacted', messageId: message.id }));
      }
      events.push(...(await renderEvents(tx, reactionRows, deps.sealer)));
      for (const message of theirs) {
        // A room that closed meanwhile needs no news: nobody is in it.
        if ((await lockRoom(tx, message.sessionId)).status !== 'open') continue;
        const row = await appendEvent(tx, message.sessionId, { type: 'message', change: 'deleted', messageId: message.id });
        events.push({
          sessionId: row.sessionId,
          seq: row.seq,
          at: row.createdAt.toISOString(),
          type: 'message',
          change: 'deleted',
          message: removedMessage(message),
        });
      }
      return events;
    },

    /** Removes all of one person's messages in this session, each with its event. */
    async clear(by: Moderator, input: CommandPayload<'member:clear-messages'>) {
      allow(by, 'message.moderate');
      return change(
        input.sessionId,
        async (tx) => {
          const theirs = await tx
            .select({ id: messages.id })
            .from(messages)
            .where(and(eq(messages.sessionId, input.sessionId), eq(messages.authorId, input.memberId), isNull(messages.deletedAt)))
            .for('update');
          const [person] = await tx
            .select({ accountId: memberships.accountId, pseudonym: memberships.pseudonym, role: memberships.role })
            .from(memberships)
            .innerJoin(sessions, eq(sessions.groupId, memberships.groupId))
            .where(and(eq(memberships.id, input.memberId), eq(sessions.id, input.sessionId)));
          if (!person) throw notFound('member');
          notAFacilitator(person, by, input.memberId);
          for (const { id } of theirs) await erase(tx, id);
          return {
            events: theirs.map(({ id }) => ({ type: 'message' as const, change: 'deleted' as const, messageId: id })),
            notices:
              theirs.length > 0 && input.memberId !== by.member.memberId
                ? [{ accountId: person.accountId, notice: notice(input.sessionId, 'message_removed', notices.messageRemoved) }]
                : [],
            audit: {
              action: 'messages.clear',
              targetId: input.memberId,
              target: person.pseudonym,
              reason: withCount(input.reason ?? '', theirs.length),
            },
          };
        },
        by,
      );
    },
  };
}

function notice(sessionId: string, kind: RoomNotice['kind'], message: string): RoomNotice {
  return { sessionId, kind, message, until: null };
}

function supportOffered(sessionId: string): RoomNotice {
  return notice(sessionId, 'support_offered', notices.supportOffered);
}

function withCount(reason: string, count: number): string {
  const counted = `${count} message${count === 1 ? '' : 's'}`;
  return reason ? `${counted}: ${reason}` : counted;
}
