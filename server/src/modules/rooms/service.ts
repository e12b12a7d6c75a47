import type {
  CommandResult,
  Member,
  PresenceState,
  RoomEvent,
  RoomPreferences,
  RosterEntry,
} from '@hearth/shared';
import { and, asc, eq, inArray, isNull, lt, ne, sql } from 'drizzle-orm';
import type { Sealer } from '../../crypto/keyring.ts';
import type { Db, Store } from '../../db/database.ts';
import { groups, memberships, roomConnections, roomMembers, sessions } from '../../db/schema.ts';
import { AppError, notFound } from '../../errors.ts';
import { can, isFacilitatorRole, rolesOf } from '../../policy.ts';
import type { Actor } from '../accounts/service.ts';
import type { AgreementsService } from '../agreements/service.ts';
import type { GroupGate } from '../groups/gate.ts';
import { toMember } from '../messages/views.ts';
import { recordAudit } from '../audit/service.ts';
import { bumpStaff, checkInAnswerOf, controlsOf, sideThreadOf } from '../facilitation/state.ts';
import { appendEvent, eventsAfter, lockRoom, renderEvents, roomClosed, type Audience } from './events.ts';

export const removedFromSession = () =>
  new AppError(
    'forbidden',
    'A facilitator has asked you to leave this session’s room. You are welcome at the group’s next session.',
  );

async function isLocked(tx: Db, sessionId: string): Promise<boolean> {
  const [row] = await tx.select({ locked: sessions.locked }).from(sessions).where(eq(sessions.id, sessionId));
  return row?.locked ?? false;
}

/** A socket's seat in a room: who it speaks as, and whether it is past the waiting room. */
export type RoomSeat = { member: Member; admitted: boolean };

type JoinResult = CommandResult<'room:join'>;

/** What connections going away means for others: events to broadcast, and the rooms touched. */
export type PresenceOutcome = { events: RoomEvent[]; sessionIds: string[] };

export type RoomsService = ReturnType<typeof createRoomsService>;

/**
 * Rooms: who may enter, the waiting room, and presence. A person is in a room while at least
 * one of their sockets is; each connection is a row, so every node sees the same roster and a
 * crashed node's connections are swept by the others.
 */
export function createRoomsService(
  store: Store,
  deps: {
    agreements: AgreementsService;
    access: GroupGate;
    nodeId: string;
    sealer: Sealer;
  },
) {
  const { db } = store;
  // Asked before every room command: prepared once, so neither drizzle nor PostgreSQL plans it again.
  const seatQuery = db
    .select({
      member: { id: memberships.id, pseudonym: memberships.pseudonym, role: memberships.role },
      removedAt: roomMembers.removedAt,
    })
    .from(memberships)
    .leftJoin(
      roomMembers,
      and(eq(roomMembers.memberId, memberships.id), eq(roomMembers.sessionId, sql.placeholder('sessionId'))),
    )
    .where(and(eq(memberships.id, sql.placeholder('memberId')), eq(memberships.status, 'active')))
    .prepare('hearth_seat_member');

  async function roster(executor: Db, sessionId: string): Promise<RosterEntry[]> {
    const rows = await executor
      .select({ member: memberships, state: roomMembers.state })
      .from(roomMembers)
      .innerJoin(memberships, eq(memberships.id, roomMembers.memberId))
      .where(and(eq(roomMembers.sessionId, sessionId), ne(roomMembers.state, 'left')))
      .orderBy(asc(memberships.pseudonym));
    return rows.map((row) => ({ member: toMember(row.member), state: row.state }));
  }

  /** Participants connected to a room with a waiting room who have not been let in yet. */
  async function waitingList(executor: Db, sessionId: string): Promise<Member[]> {
    const rows = await executor
      .selectDistinct({ member: memberships })
      .from(roomConnections)
      .innerJoin(memberships, eq(memberships.id, roomConnections.memberId))
      .leftJoin(
        roomMembers,
        and(eq(roomMembers.sessionId, roomConnections.sessionId), eq(roomMembers.memberId, roomConnections.memberId)),
      )
      .where(
        and(eq(roomConnections.sessionId, sessionId), isNull(roomMembers.admittedAt), eq(memberships.status, 'active')),
      );
    return rows.map((row) => toMember(row.member)).sort((a, b) => a.pseudonym.localeCompare(b.pseudonym));
  }

  /** Sets a member's presence in the room's transaction, with an event when others see a change. */
  async function setPresence(tx: Db, sessionId: string, memberId: string, state: PresenceState, open: boolean) {
    const [before] = await tx
      .select({ state: roomMembers.state })
      .from(roomMembers)
      .where(and(eq(roomMembers.sessionId, sessionId), eq(roomMembers.memberId, memberId)));
    if ((before?.state ?? 'left') === state) return null;
    await tx
      .insert(roomMembers)
      .values({ sessionId, memberId, state })
      .onConflictDoUpdate({
        target: [roomMembers.sessionId, roomMembers.memberId],
        set: { state, updatedAt: new Date() },
      });
    return open ? appendEvent(tx, sessionId, { type: 'presence', memberId, state }) : null;
  }

  /** After connections went away: whoever has none left has left the room. */
  async function settleDeparted(pairs: ReadonlyArray<{ sessionId: string; memberId: string }>) {
    const outcome: PresenceOutcome = { events: [], sessionIds: [...new Set(pairs.map((p) => p.sessionId))] };
    const seen = new Set<string>();
    for (const { sessionId, memberId } of pairs) {
      const key = `${sessionId}/${memberId}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const row = await store.transaction(async (tx) => {
        const room = await lockRoom(tx, sessionId);
        const [still] = await tx
          .select({ socketId: roomConnections.socketId })
          .from(roomConnections)
          .where(and(eq(roomConnections.sessionId, sessionId), eq(roomConnections.memberId, memberId)))
          .limit(1);
        if (still) return null;
        return setPresence(tx, sessionId, memberId, 'left', room.status === 'open');
      });
      if (row) outcome.events.push(...(await renderEvents(db, [row], deps.sealer)));
    }
    return outcome;
  }

  return {
    waitingList: (sessionId: string) => waitingList(db, sessionId),

    /**
     * The gatekeeper for rooms: lets an actor in when they are an active member of the group
     * allowed to enter, have accepted its current agreements, and the room is open. Waiting-room
     * admission is decided by {@link join}.
     */
    async enter(actor: Actor, sessionId: string) {
      const [row] = await db
        .select({ session: sessions, group: groups, membership: memberships })
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
        throw new AppError('forbidden', 'You can enter the room once your place in the group is confirmed.');
      }
      if (!row.membership || !can(roles, 'room.enter')) {
        throw new AppError('forbidden', 'Only the group’s members and facilitators can enter its room.');
      }
      const agreement = await deps.agreements.requireAccepted(row.session.groupId, row.membership.id);
      if (row.session.status !== 'open') throw roomClosed();
      return { session: row.session, group: row.group, member: toMember(row.membership), agreement };
    },

    /**
     * Records a socket in the room and, when the person is admitted, makes them present.
     * Returns what the joining socket needs and what others must be told.
     */
    async join(actor: Actor, sessionId: string, socketId: string, afterSeq: number) {
      const { session, group, member, agreement } = await this.enter(actor, sessionId);
      const facilitator = isFacilitatorRole(member.role);
      const { admitted, presence, seatRow } = await store.transaction(async (tx) => {
        const room = await lockRoom(tx, sessionId);
        if (room.status !== 'open') throw roomClosed();
        // Read again under the room's lock: a ban or the end of a place takes every open room's
        // lock of the group first, so one that committed while this join waited is seen here,
        // and one that comes later finds this seat and takes it away.
        const [still] = await tx
          .select({ status: memberships.status })
          .from(memberships)
          .where(eq(memberships.id, member.memberId))
          .for('share');
        if (!still || still.status !== 'active') throw notFound('session');
        const [earlier] = await tx
          .select()
          .from(roomMembers)
          .where(and(eq(roomMembers.sessionId, sessionId), eq(roomMembers.memberId, member.memberId)));
        if (earlier?.removedAt) throw removedFromSession();
        if (!facilitator && !earlier?.admittedAt && (await isLocked(tx, sessionId))) {
          throw new AppError('room_locked', 'The facilitators have closed this room to new arrivals for now.');
        }
        await tx
          .insert(roomConnections)
          .values({ socketId, sessionId, memberId: member.memberId, nodeId: deps.nodeId })
          .onConflictDoUpdate({
            target: [roomConnections.socketId, roomConnections.sessionId],
            set: { memberId: member.memberId, nodeId: deps.nodeId, seenAt: new Date() },
          });
        const [seat] = await tx
          .select()
          .from(roomMembers)
          .where(and(eq(roomMembers.sessionId, sessionId), eq(roomMembers.memberId, member.memberId)));
        const admitted = facilitator || !group.waitingRoom || seat?.admittedAt != null;
        if (!admitted) {
          await bumpStaff(tx, sessionId);
          return { admitted, presence: null, seatRow: seat };
        }
        if (!seat?.admittedAt) {
          await tx
            .insert(roomMembers)
            .values({ sessionId, memberId: member.memberId, admittedAt: new Date() })
            .onConflictDoUpdate({
              target: [roomMembers.sessionId, roomMembers.memberId],
              set: { admittedAt: new Date() },
            });
        }
        // Someone who stepped out and reconnects is still stepped out; only "left" changes.
        const presence =
          !seat || seat.state === 'left'
            ? await setPresence(tx, sessionId, member.memberId, 'present', true)
            : null;
        return { admitted, presence, seatRow: seat };
      });
      const audience = facilitator ? 'facilitator' : 'participant';
      const [page, people, controls, checkInAnswer, sideMessages, events] = await Promise.all([
        admitted ? eventsAfter(db, sessionId, afterSeq, audience, deps.sealer) : { events: [], hasMore: false, lastSeq: afterSeq },
        admitted ? roster(db, sessionId) : [],
        controlsOf(db, sessionId),
        facilitator ? null : checkInAnswerOf(db, sessionId, member.memberId, deps.sealer),
        facilitator ? [] : sideThreadOf(db, sessionId, member.memberId, deps.sealer),
        presence ? renderEvents(db, [presence], deps.sealer) : [],
      ]);
      const mutedUntil = seatRow?.mutedUntil && seatRow.mutedUntil > new Date() ? seatRow.mutedUntil.toISOString() : null;
      const result: JoinResult = {
        sessionId,
        title: session.title,
        groupId: group.id,
        groupName: group.name,
        brief: session.brief,
        endsAt: session.endsAt.toISOString(),
        me: member,
        agreement: { version: agreement?.version ?? 0, text: agreement?.text ?? '' },
        crisisResources: group.crisisResources,
        contentWarnings: group.contentWarnings,
        admitted,
        roster: people,
        controls,
        mutedUntil,
        checkInAnswer,
        sideMessages,
        ...page,
      };
      return { result, seat: { member, admitted } satisfies RoomSeat, events, waiting: !admitted };
    },

    /**
     * A member as they are now, while their place in the group is active and no facilitator
     * removed them from this session; null otherwise.
     */
    async seatMember(memberId: string, sessionId: string): Promise<Member | null> {
      const [row] = await seatQuery.execute({ memberId, sessionId });
      return row && !row.removedAt ? toMember(row.member) : null;
    },

    /** Bumps the facilitators' console version (the waiting list may have changed). */
    staffChanged: (sessionId: string) => bumpStaff(db, sessionId),

    /** Events after a sequence number, for a client that noticed a gap. */
    catchUp(sessionId: string, afterSeq: number, audience: Audience) {
      return eventsAfter(db, sessionId, afterSeq, audience, deps.sealer);
    },

    /** A socket left one room (or, without a session, every room: it disconnected). */
    async disconnect(socketId: string, sessionId?: string): Promise<PresenceOutcome> {
      const gone = await db
        .delete(roomConnections)
        .where(
          sessionId
            ? and(eq(roomConnections.socketId, socketId), eq(roomConnections.sessionId, sessionId))
            : eq(roomConnections.socketId, socketId),
        )
        .returning({ sessionId: roomConnections.sessionId, memberId: roomConnections.memberId });
      return settleDeparted(gone);
    },

    async stepOut(member: Member, sessionId: string, state: 'present' | 'stepped_out') {
      const row = await store.transaction(async (tx) => {
        const room = await lockRoom(tx, sessionId);
        if (room.status !== 'open') throw roomClosed();
        return setPresence(tx, sessionId, member.memberId, state, true);
      });
      return row ? renderEvents(db, [row], deps.sealer) : [];
    },

    /** A facilitator lets a waiting participant in; returns the account to tell. */
    async admit(facilitator: Member, sessionId: string, memberId: string, facilitatorAccountId: string) {
      if (!can([facilitator.role], 'room.admit')) {
        throw new AppError('forbidden', 'Only the room’s facilitators can let people in.');
      }
      const [member] = await db
        .select({ accountId: memberships.accountId, groupId: memberships.groupId, pseudonym: memberships.pseudonym })
        .from(memberships)
        .innerJoin(sessions, eq(sessions.groupId, memberships.groupId))
        .where(and(eq(memberships.id, memberId), eq(sessions.id, sessionId), eq(memberships.status, 'active')));
      if (!member) throw notFound('member');
      const staff = await store.transaction(async (tx) => {
        const room = await lockRoom(tx, sessionId);
        if (room.status !== 'open') throw roomClosed();
        await tx
          .insert(roomMembers)
          .values({ sessionId, memberId, admittedAt: new Date(), admittedBy: facilitator.memberId })
          .onConflictDoUpdate({
            target: [roomMembers.sessionId, roomMembers.memberId],
            set: { admittedAt: sql`coalesce(${roomMembers.admittedAt}, now())`, admittedBy: facilitator.memberId },
          });
        await recordAudit(tx, { accountId: facilitatorAccountId }, {
          groupId: member.groupId,
          sessionId,
          action: 'room.admit',
          targetId: memberId,
          target: member.pseudonym,
        });
        return bumpStaff(tx, sessionId);
      });
      return { accountId: member.accountId, staff };
    },

    /**
     * Takes a member out of every open room they are in, inside the caller's transaction (their
     * place in the group is ending). Returns the events, rendered while the member still exists.
     */
    async leaveAllIn(tx: Db, groupId: string, memberId: string): Promise<RoomEvent[]> {
      // Every open room of the group, in one order: a join waiting on one of these locks sees
      // this change once it commits (see join).
      const open = await tx
        .select({ id: sessions.id })
        .from(sessions)
        .where(and(eq(sessions.groupId, groupId), eq(sessions.status, 'open')))
        .orderBy(asc(sessions.id));
      for (const { id } of open) await lockRoom(tx, id);
      const inRooms = await tx
        .select({ sessionId: roomMembers.sessionId })
        .from(roomMembers)
        .innerJoin(sessions, eq(sessions.id, roomMembers.sessionId))
        .where(
          and(
            eq(sessions.groupId, groupId),
            eq(roomMembers.memberId, memberId),
            ne(roomMembers.state, 'left'),
            eq(sessions.status, 'open'),
          ),
        )
        .orderBy(asc(roomMembers.sessionId));
      const rows = [];
      for (const { sessionId } of inRooms) rows.push(...(await this.leaveIn(tx, sessionId, memberId)));
      return renderEvents(tx, rows, deps.sealer);
    },

    /**
     * Drops a member's connections to every open room of a group (waiting ones included) inside
     * the caller's transaction; returns those rooms' ids, whether or not they were connected.
     */
    async dropConnectionsInGroup(tx: Db, groupId: string, memberId: string): Promise<string[]> {
      const open = await tx
        .select({ id: sessions.id })
        .from(sessions)
        .where(and(eq(sessions.groupId, groupId), eq(sessions.status, 'open')));
      const ids = open.map((row) => row.id);
      if (ids.length > 0) {
        await tx
          .delete(roomConnections)
          .where(and(eq(roomConnections.memberId, memberId), inArray(roomConnections.sessionId, ids)));
      }
      return ids;
    },

    /** Takes a member out of one room inside the caller's transaction; returns the event rows. */
    async leaveIn(tx: Db, sessionId: string, memberId: string) {
      const room = await lockRoom(tx, sessionId);
      await tx
        .delete(roomConnections)
        .where(and(eq(roomConnections.sessionId, sessionId), eq(roomConnections.memberId, memberId)));
      const row = await setPresence(tx, sessionId, memberId, 'left', room.status === 'open');
      return row ? [row] : [];
    },

    /**
     * Keeps fresh the connections of sockets this node still holds, and sweeps every connection
     * not kept fresh: those of nodes that stopped, and any this node lost track of.
     */
    async heartbeat(staleAfterMs: number, liveSocketIds: readonly string[]): Promise<PresenceOutcome> {
      // The ids go as one array parameter: thousands of separate parameters cost more to build
      // into a statement, on this node's one thread, than PostgreSQL takes to run it.
      if (liveSocketIds.length > 0) {
        await db
          .update(roomConnections)
          .set({ seenAt: new Date() })
          .where(
            and(
              eq(roomConnections.nodeId, deps.nodeId),
              sql`${roomConnections.socketId} = any(${sql.param([...liveSocketIds])}::text[])`,
            ),
          );
      }
      const gone = await db
        .delete(roomConnections)
        .where(lt(roomConnections.seenAt, new Date(Date.now() - staleAfterMs)))
        .returning({ sessionId: roomConnections.sessionId, memberId: roomConnections.memberId });
      return settleDeparted(gone);
    },

    async preferences(actor: Actor, groupId: string): Promise<RoomPreferences> {
      const { membership } = await deps.access(actor, groupId, 'room.enter');
      return membership!.roomPreferences;
    },

    async savePreferences(actor: Actor, groupId: string, preferences: RoomPreferences): Promise<RoomPreferences> {
      const { membership } = await deps.access(actor, groupId, 'room.enter');
      await db.update(memberships).set({ roomPreferences: preferences }).where(eq(memberships.id, membership!.id));
      return preferences;
    },
  };
}
