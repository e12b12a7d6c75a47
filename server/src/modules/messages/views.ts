import type { Member, Message, Reaction } from '@hearth/shared';
import { asc, eq, inArray } from 'drizzle-orm';
import { sealedAt, type Sealer } from '../../crypto/keyring.ts';
import type { Db } from '../../db/database.ts';
import { memberships, messageReactions, messages } from '../../db/schema.ts';

type MessageRow = typeof messages.$inferSelect;

export function toMember(row: Pick<typeof memberships.$inferSelect, 'id' | 'pseudonym' | 'role'>): Member {
  return { memberId: row.id, pseudonym: row.pseudonym, role: row.role };
}

function toMessage(row: MessageRow, author: Member, reactions: Message['reactions'], sealer: Sealer): Message {
  const deleted = row.deletedAt !== null;
  return {
    id: row.id,
    sessionId: row.sessionId,
    seq: row.seq,
    clientId: row.clientId,
    author,
    kind: row.kind,
    text: deleted ? '' : sealer.open(row.body, sealedAt('messages', 'body', row.id)),
    hidden: row.hiddenAt !== null,
    createdAt: row.createdAt.toISOString(),
    editedAt: row.editedAt?.toISOString() ?? null,
    deleted,
    removed: false,
    replyToId: row.replyToId,
    warning:
      deleted || row.warningCategories === null
        ? null
        : {
            categories: row.warningCategories,
            note: sealer.open(row.warningNote ?? '', sealedAt('messages', 'warning_note', row.id)),
            byFacilitator: row.warningByFacilitator,
          },
    reactions: deleted ? {} : reactions,
  };
}

/** Nobody: the author of a message whose author is gone. */
const nobody: Member = { memberId: '00000000-0000-0000-0000-000000000000', pseudonym: '', role: 'participant' };

/**
 * What stands in the room for a message that no longer exists (its author erased their account
 * or left the group): its place, and nothing of its words, author or reactions.
 */
export function removedMessage(place: { id: string; sessionId: string; seq: number; createdAt: Date }): Message {
  return {
    id: place.id,
    sessionId: place.sessionId,
    seq: place.seq,
    clientId: nobody.memberId,
    author: nobody,
    kind: 'message',
    text: '',
    hidden: false,
    createdAt: place.createdAt.toISOString(),
    editedAt: null,
    deleted: true,
    removed: true,
    replyToId: null,
    warning: null,
    reactions: {},
  };
}

/** Messages as they stand now, by id. Ids that no longer exist are simply absent. */
export async function loadMessages(db: Db, ids: readonly string[], sealer: Sealer): Promise<Map<string, Message>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const [rows, given] = await Promise.all([
    db
      // The author's name and role only: a room's history maps hundreds of these rows at once.
      .select({ message: messages, author: { id: memberships.id, pseudonym: memberships.pseudonym, role: memberships.role } })
      .from(messages)
      .innerJoin(memberships, eq(memberships.id, messages.authorId))
      .where(inArray(messages.id, unique)),
    db
      .select()
      .from(messageReactions)
      .where(inArray(messageReactions.messageId, unique))
      .orderBy(asc(messageReactions.createdAt)),
  ]);
  const reactionsOf = new Map<string, Message['reactions']>();
  for (const row of given) {
    const byReaction = reactionsOf.get(row.messageId) ?? {};
    (byReaction[row.reaction as Reaction] ??= []).push(row.memberId);
    reactionsOf.set(row.messageId, byReaction);
  }
  return new Map(
    rows.map(({ message, author }) => [
      message.id,
      toMessage(message, toMember(author), reactionsOf.get(message.id) ?? {}, sealer),
    ]),
  );
}
