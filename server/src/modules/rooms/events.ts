import type { Member, Message, RoomEvent } from '@hearth/shared';
import { limits } from '@hearth/shared';
import { and, asc, eq, gt, inArray, lte, sql } from 'drizzle-orm';
import type { Sealer } from '../../crypto/keyring.ts';
import type { Db } from '../../db/database.ts';
import { memberships, roomEvents, sessions } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { controlsOf } from '../facilitation/state.ts';
import { loadMessages, removedMessage, toMember } from '../messages/views.ts';

type EventRow = typeof roomEvents.$inferSelect;
export type NewRoomEvent = Pick<EventRow, 'type'> & Partial<Pick<EventRow, 'change' | 'messageId' | 'memberId' | 'state'>>;

export const roomClosed = () =>
  new AppError('room_closed', 'This session’s room is not open at the moment.');

/** A room as its lock found it: what a change under the lock may rely on without asking again. */
export type LockedRoom = { lastSeq: number; status: string; pausedUntil: Date | null; slowModeSeconds: number };

/**
 * Takes the room's counter row lock and the next sequence number, inside the caller's
 * transaction. The row lock serialises every writer of the room, so numbers are handed out in
 * commit order: a reader asking for "after N" never skips an event that commits late.
 * Call it first in a transaction, so every room writer takes its locks in the same order.
 */
export async function lockRoom(tx: Db, sessionId: string): Promise<LockedRoom> {
  const [room] = await tx
    .select({
      lastSeq: sessions.lastSeq,
      status: sessions.status,
      pausedUntil: sessions.pausedUntil,
      slowModeSeconds: sessions.slowModeSeconds,
    })
    .from(sessions)
    .where(eq(sessions.id, sessionId))
    .for('update');
  if (!room) throw roomClosed();
  return room;
}

/** Stores an event under the next sequence number of an open room; the caller holds the lock. */
export async function appendEvent(tx: Db, sessionId: string, event: NewRoomEvent): Promise<EventRow> {
  // One round trip: the room's counter moves and the event takes its number together.
  const result = (await tx.execute(sql`
    with room as (
      update ${sessions} set last_seq = last_seq + 1
      where id = ${sessionId}::uuid and status = 'open'
      returning last_seq
    )
    insert into ${roomEvents} (session_id, seq, type, change, message_id, member_id, state)
    select ${sessionId}::uuid, room.last_seq, ${event.type}::text, ${event.change ?? null}::text,
      ${event.messageId ?? null}::uuid, ${event.memberId ?? null}::uuid, ${event.state ?? null}::text
    from room
    returning session_id, seq, type, change, message_id, member_id, state, created_at`)) as unknown as { rows: RawEventRow[] };
  const [row] = result.rows;
  if (!row) throw roomClosed();
  return {
    sessionId: row.session_id,
    seq: row.seq,
    type: row.type,
    change: row.change,
    messageId: row.message_id,
    memberId: row.member_id,
    state: row.state,
    // PGlite and pg both hand back timestamptz as a Date; a string is parsed all the same.
    createdAt: new Date(row.created_at),
  };
}

type RawEventRow = {
  session_id: string;
  seq: number;
  type: EventRow['type'];
  change: EventRow['change'];
  message_id: string | null;
  member_id: string | null;
  state: EventRow['state'];
  created_at: Date | string;
};

/**
 * Where messages that no longer exist stood: the sequence number and time of the event that
 * posted each. Events keep ids, never content, so this is all that is left of them.
 */
async function placesOf(db: Db, sessionId: string, messageIds: string[]) {
  if (messageIds.length === 0) return new Map<string, Message>();
  const posted = await db
    .select({ id: roomEvents.messageId, seq: roomEvents.seq, createdAt: roomEvents.createdAt })
    .from(roomEvents)
    .where(and(eq(roomEvents.sessionId, sessionId), inArray(roomEvents.messageId, messageIds), eq(roomEvents.change, 'posted')));
  return new Map(posted.map((row) => [row.id!, removedMessage({ ...row, id: row.id!, sessionId })]));
}

/** Messages as they stand now, and what stands in for those that are gone. */
async function messagesFor(db: Db, rows: readonly EventRow[], sealer: Sealer) {
  const messageIds = rows.flatMap((row) => (row.type === 'message' && row.messageId ? [row.messageId] : []));
  const found = await loadMessages(db, messageIds, sealer);
  const bySession = new Map<string, string[]>();
  for (const row of rows) {
    if (row.type !== 'message' || !row.messageId || found.has(row.messageId)) continue;
    bySession.set(row.sessionId, [...(bySession.get(row.sessionId) ?? []), row.messageId]);
  }
  for (const [sessionId, ids] of bySession) {
    for (const [id, removed] of await placesOf(db, sessionId, [...new Set(ids)])) found.set(id, removed);
  }
  return found;
}

/**
 * Events as clients see them: message events carry the message as it stands now, and a message
 * that no longer exists reads as removed. Presence of a member who is gone reads as left.
 */
export async function renderEvents(
  db: Db,
  rows: readonly EventRow[],
  sealer: Sealer,
  /** Messages the caller holds as they stand, such as one it has just stored: not read again. */
  known: ReadonlyMap<string, Message> = new Map(),
): Promise<RoomEvent[]> {
  const memberIds = rows.flatMap((row) => (row.type === 'presence' && row.memberId ? [row.memberId] : []));
  const unknown = rows.filter((row) => !(row.type === 'message' && row.messageId && known.has(row.messageId)));
  const [messagesById, membersById] = await Promise.all([
    messagesFor(db, unknown, sealer).then((found) => new Map([...known, ...found])),
    memberIds.length === 0
      ? new Map()
      : db
          .select()
          .from(memberships)
          .where(inArray(memberships.id, [...new Set(memberIds)]))
          .then((found) => new Map(found.map((m) => [m.id, toMember(m)]))),
  ]);
  const events: RoomEvent[] = [];
  for (const row of rows) {
    const base = { sessionId: row.sessionId, seq: row.seq, at: row.createdAt.toISOString() };
    if (row.type === 'message') {
      const message = row.messageId ? messagesById.get(row.messageId) : undefined;
      if (message && row.change) events.push({ ...base, type: 'message', change: row.change, message });
    } else if (row.type === 'presence') {
      if (!row.memberId || !row.state) continue;
      // Someone whose place in the group ended has left, whatever the event once said.
      const member = membersById.get(row.memberId) ?? formerMember(row.memberId);
      const state = membersById.has(row.memberId) ? row.state : 'left';
      events.push({ ...base, type: 'presence', member, state });
    } else if (row.type === 'controls') {
      // The controls as they stand now, like messages: a client catching up needs no history.
      events.push({ ...base, type: 'controls', controls: await controlsOf(db, row.sessionId) });
    } else {
      events.push({ ...base, type: 'closed' });
    }
  }
  return events;
}

/**
 * An event as participants see it: a message a facilitator hid keeps its place and says so,
 * without its words. Facilitators see everything.
 */
export function forParticipants(event: RoomEvent): RoomEvent {
  if (event.type !== 'message' || !event.message.hidden) return event;
  return { ...event, message: { ...event.message, text: '', warning: null, reactions: {} } };
}

export type Audience = 'participant' | 'facilitator';

/** A member who no longer exists: no name is kept, and they are in no room. */
const formerMember = (memberId: string): Member => ({ memberId, pseudonym: '', role: 'participant' });

/** Events after a sequence number, one page at a time, as clients of an audience see them. */
export async function eventsAfter(db: Db, sessionId: string, afterSeq: number, audience: Audience, sealer: Sealer) {
  // Everything up to the counter read here has committed: numbers are taken under the row lock
  // in the same transaction that stores the event.
  const [room] = await db.select({ lastSeq: sessions.lastSeq }).from(sessions).where(eq(sessions.id, sessionId));
  const upTo = room?.lastSeq ?? afterSeq;
  const rows = await db
    .select()
    .from(roomEvents)
    .where(and(eq(roomEvents.sessionId, sessionId), gt(roomEvents.seq, afterSeq), lte(roomEvents.seq, upTo)))
    .orderBy(asc(roomEvents.seq))
    .limit(limits.catchUpPageSize + 1);
  const hasMore = rows.length > limits.catchUpPageSize;
  const page = rows.slice(0, limits.catchUpPageSize);
  const events = await renderEvents(db, page, sealer);
  return {
    events: audience === 'facilitator' ? events : events.map(forParticipants),
    hasMore,
    lastSeq: hasMore ? page.at(-1)!.seq : Math.max(upTo, afterSeq),
  };
}
