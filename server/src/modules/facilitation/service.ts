import { randomUUID } from 'node:crypto';
import type { CommandPayload, Member, RoomEvent, RoomNotice } from '@hearth/shared';
import { and, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import { sealedAt, type Sealer } from '../../crypto/keyring.ts';
import type { Db, Store } from '../../db/database.ts';
import {
  alerts,
  checkInAnswers,
  checkIns,
  memberships,
  reports,
  roomMembers,
  sessions,
  sideMessages,
  supportSignals,
} from '../../db/schema.ts';
import { AppError, notFound } from '../../errors.ts';
import { can, isFacilitatorRole, type Action } from '../../policy.ts';
import { recordAudit, type AuditEntryInput } from '../audit/service.ts';
import type { MembersService } from '../members/service.ts';
import { appendEvent, lockRoom, renderEvents, roomClosed } from '../rooms/events.ts';
import type { RoomsService } from '../rooms/service.ts';
import { notices, unmutedNotice } from './notices.ts';
import { bumpStaff, consoleState, controlsOf } from './state.ts';

/** Who acts: a facilitator's seat in the room, and their account for the audit log. */
export type ActingMember = { member: Member; accountId: string };

/** What an action means for others, to send after it committed. */
export type Outcome = {
  events: RoomEvent[];
  /** The sequence number of the room event the action stored, if any. */
  seq?: number;
  /** The facilitators' console version after the change, when it changed. */
  staff: number | null;
  /** Private words for the people concerned, by account. */
  notices: Array<{ accountId: string; notice: RoomNotice }>;
  /** Accounts whose sockets must leave the room (removed, banned). */
  evicted: string[];
  evictedFrom?: string[];
  /** Other rooms whose facilitators' console changed too. */
  alsoChanged?: Array<{ sessionId: string; version: number }>;
};

const nothing = (): Outcome => ({ events: [], staff: null, notices: [], evicted: [] });

export type FacilitationService = ReturnType<typeof createFacilitationService>;

/**
 * What facilitators do in a room. Every action checks the policy table, runs in one transaction
 * with its audit entry and (when others must see it) its room event, and returns what to send.
 */
export function createFacilitationService(
  store: Store,
  deps: { rooms: RoomsService; members: MembersService; sealer: Sealer },
) {
  const { db } = store;

  function allow(by: ActingMember, action: Action): void {
    if (!can([by.member.role], action)) {
      throw new AppError('forbidden', 'Only the room’s facilitators can do that.');
    }
  }

  async function groupOf(tx: Db, sessionId: string) {
    const [row] = await tx
      .select({ groupId: sessions.groupId, title: sessions.title, status: sessions.status })
      .from(sessions)
      .where(eq(sessions.id, sessionId));
    if (!row) throw notFound('session');
    return row;
  }

  /** A member of the session's group that facilitators may act on: not themselves, not a facilitator. */
  async function participantIn(tx: Db, sessionId: string, memberId: string) {
    const [row] = await tx
      .select({ member: memberships })
      .from(memberships)
      .innerJoin(sessions, eq(sessions.groupId, memberships.groupId))
      .where(and(eq(memberships.id, memberId), eq(sessions.id, sessionId)));
    if (!row) throw notFound('member');
    if (isFacilitatorRole(row.member.role)) {
      throw new AppError('forbidden', 'Facilitators cannot do this to each other; the organiser can change roles.');
    }
    return row.member;
  }

  /**
   * The common shape of an action on an open room: room lock first (the order every room
   * writer uses), the work, its audit entry, and the console version when asked.
   */
  async function inRoom(
    by: ActingMember,
    sessionId: string,
    action: Action,
    work: (tx: Db, session: { groupId: string; title: string }) => Promise<{
      audit: Omit<AuditEntryInput, 'groupId' | 'sessionId'> | null;
      event?: Parameters<typeof appendEvent>[2];
      staff?: boolean;
      outcome?: Partial<Outcome>;
    }>,
  ): Promise<Outcome> {
    allow(by, action);
    const { row, staff, outcome } = await store.transaction(async (tx) => {
      const room = await lockRoom(tx, sessionId);
      if (room.status !== 'open') throw roomClosed();
      const session = await groupOf(tx, sessionId);
      const done = await work(tx, session);
      if (done.audit) await recordAudit(tx, by, { ...done.audit, groupId: session.groupId, sessionId });
      const row = done.event ? await appendEvent(tx, sessionId, done.event) : null;
      const staff = done.staff ? await bumpStaff(tx, sessionId) : null;
      return { row, staff, outcome: done.outcome ?? {} };
    });
    const events = row ? await renderEvents(db, [row], deps.sealer) : [];
    return { ...nothing(), ...outcome, events: [...events, ...(outcome.events ?? [])], staff, seq: row?.seq };
  }

  /** The controls change as one event carrying them all. */
  const controlsChanged = { type: 'controls' as const };

  async function withControls(outcome: Outcome, sessionId: string): Promise<Outcome> {
    // The controls event is rendered from the session row as committed.
    const controls = await controlsOf(db, sessionId);
    return {
      ...outcome,
      events: outcome.events.map((event) => (event.type === 'controls' ? { ...event, controls } : event)),
    };
  }

  return {
    staffChanged: (sessionId: string) => bumpStaff(db, sessionId),

    async state(by: ActingMember, sessionId: string) {
      allow(by, 'room.console');
      return consoleState(db, sessionId, await deps.rooms.waitingList(sessionId), deps.sealer);
    },

    async pause(by: ActingMember, input: CommandPayload<'room:pause'>) {
      const outcome = await inRoom(by, input.sessionId, 'room.control', async (tx) => {
        await tx
          .update(sessions)
          .set({ pausedUntil: new Date(Date.now() + input.seconds * 1000) })
          .where(eq(sessions.id, input.sessionId));
        return { audit: { action: 'room.pause', reason: `${input.seconds} seconds` }, event: controlsChanged };
      });
      return withControls(outcome, input.sessionId);
    },

    async resume(by: ActingMember, input: CommandPayload<'room:resume'>) {
      const outcome = await inRoom(by, input.sessionId, 'room.control', async (tx) => {
        await tx.update(sessions).set({ pausedUntil: null }).where(eq(sessions.id, input.sessionId));
        return { audit: { action: 'room.resume' }, event: controlsChanged };
      });
      return withControls(outcome, input.sessionId);
    },

    async slowMode(by: ActingMember, input: CommandPayload<'room:slow-mode'>) {
      const outcome = await inRoom(by, input.sessionId, 'room.control', async (tx) => {
        await tx.update(sessions).set({ slowModeSeconds: input.seconds }).where(eq(sessions.id, input.sessionId));
        return {
          audit: { action: 'room.slow_mode', reason: input.seconds === 0 ? 'off' : `${input.seconds} seconds` },
          event: controlsChanged,
        };
      });
      return withControls(outcome, input.sessionId);
    },

    async lock(by: ActingMember, input: CommandPayload<'room:lock'>) {
      const outcome = await inRoom(by, input.sessionId, 'room.control', async (tx) => {
        await tx.update(sessions).set({ locked: input.locked }).where(eq(sessions.id, input.sessionId));
        return { audit: { action: input.locked ? 'room.lock' : 'room.unlock' }, event: controlsChanged };
      });
      return withControls(outcome, input.sessionId);
    },

    async openCheckIn(by: ActingMember, input: CommandPayload<'checkin:open'>) {
      const outcome = await inRoom(by, input.sessionId, 'room.control', async (tx) => {
        await tx
          .update(checkIns)
          .set({ closedAt: new Date() })
          .where(and(eq(checkIns.sessionId, input.sessionId), isNull(checkIns.closedAt)));
        await tx.insert(checkIns).values({ sessionId: input.sessionId, openedBy: by.member.memberId });
        return { audit: { action: 'checkin.open' }, event: controlsChanged, staff: true };
      });
      return withControls(outcome, input.sessionId);
    },

    async closeCheckIn(by: ActingMember, input: CommandPayload<'checkin:close'>) {
      const outcome = await inRoom(by, input.sessionId, 'room.control', async (tx) => {
        const closed = await tx
          .update(checkIns)
          .set({ closedAt: new Date() })
          .where(and(eq(checkIns.sessionId, input.sessionId), isNull(checkIns.closedAt)))
          .returning({ id: checkIns.id });
        if (closed.length === 0) throw new AppError('conflict', 'No check-in round is open.');
        return { audit: { action: 'checkin.close' }, event: controlsChanged, staff: true };
      });
      return withControls(outcome, input.sessionId);
    },

    /** A participant's answer: only the facilitators' console shows it. */
    async answerCheckIn(member: Member, input: CommandPayload<'checkin:answer'>): Promise<Outcome> {
      if (!can([member.role], 'checkin.answer')) {
        throw new AppError('forbidden', 'Check-ins are for participants.');
      }
      const staff = await store.transaction(async (tx) => {
        const room = await lockRoom(tx, input.sessionId);
        if (room.status !== 'open') throw roomClosed();
        const [round] = await tx
          .select({ id: checkIns.id })
          .from(checkIns)
          .where(and(eq(checkIns.id, input.checkInId), eq(checkIns.sessionId, input.sessionId), isNull(checkIns.closedAt)));
        if (!round) throw new AppError('conflict', 'This check-in round has closed.');
        // A changed answer keeps its row, and its word is sealed for that row (the room lock
        // held above keeps two answers of one person from racing).
        const [earlier] = await tx
          .select({ id: checkInAnswers.id })
          .from(checkInAnswers)
          .where(and(eq(checkInAnswers.checkInId, round.id), eq(checkInAnswers.memberId, member.memberId)));
        const id = earlier?.id ?? randomUUID();
        const word = deps.sealer.seal(input.word ?? '', sealedAt('check_in_answers', 'word', id));
        await tx
          .insert(checkInAnswers)
          .values({ id, checkInId: round.id, memberId: member.memberId, colour: input.colour, word })
          .onConflictDoUpdate({
            target: [checkInAnswers.checkInId, checkInAnswers.memberId],
            set: { colour: input.colour, word, answeredAt: new Date() },
          });
        return bumpStaff(tx, input.sessionId);
      });
      return { ...nothing(), staff };
    },

    async admitAll(by: ActingMember, sessionId: string) {
      allow(by, 'room.admit');
      const waiting = await deps.rooms.waitingList(sessionId);
      const admitted: string[] = [];
      for (const member of waiting) {
        try {
          admitted.push((await deps.rooms.admit(by.member, sessionId, member.memberId, by.accountId)).accountId);
        } catch (error) {
          // Someone whose place ended meanwhile is simply not let in; the others still are.
          if (!(error instanceof AppError && error.code === 'not_found')) throw error;
        }
      }
      return admitted;
    },

    async mute(by: ActingMember, input: CommandPayload<'member:mute'>) {
      const until = new Date(Date.now() + input.minutes * 60_000);
      const outcome = await inRoom(by, input.sessionId, 'person.moderate', async (tx) => {
        const person = await participantIn(tx, input.sessionId, input.memberId);
        await tx
          .insert(roomMembers)
          .values({ sessionId: input.sessionId, memberId: person.id, mutedUntil: until })
          .onConflictDoUpdate({ target: [roomMembers.sessionId, roomMembers.memberId], set: { mutedUntil: until } });
        return {
          audit: { action: 'person.mute', targetId: person.id, target: person.pseudonym, reason: withDuration(input.reason, `${input.minutes} min`) },
          staff: true,
          outcome: {
            notices: [
              {
                accountId: person.accountId,
                notice: { sessionId: input.sessionId, kind: 'muted', message: notices.muted(input.minutes), until: until.toISOString() },
              },
            ],
          },
        };
      });
      return { outcome, until: until.toISOString() };
    },

    async unmute(by: ActingMember, input: CommandPayload<'member:unmute'>) {
      return inRoom(by, input.sessionId, 'person.moderate', async (tx) => {
        const person = await participantIn(tx, input.sessionId, input.memberId);
        await tx
          .update(roomMembers)
          .set({ mutedUntil: null })
          .where(and(eq(roomMembers.sessionId, input.sessionId), eq(roomMembers.memberId, person.id)));
        return {
          audit: { action: 'person.unmute', targetId: person.id, target: person.pseudonym },
          staff: true,
          outcome: { notices: [{ accountId: person.accountId, notice: unmutedNotice(input.sessionId) }] },
        };
      });
    },

    /** Out of this session: the seat is marked removed, so neither a reconnect nor a rejoin gets back in. */
    async remove(by: ActingMember, input: CommandPayload<'member:remove'>) {
      return inRoom(by, input.sessionId, 'person.moderate', async (tx) => {
        const person = await participantIn(tx, input.sessionId, input.memberId);
        await tx
          .insert(roomMembers)
          .values({ sessionId: input.sessionId, memberId: person.id, removedAt: new Date() })
          .onConflictDoUpdate({ target: [roomMembers.sessionId, roomMembers.memberId], set: { removedAt: new Date() } });
        const left = await deps.rooms.leaveIn(tx, input.sessionId, person.id);
        return {
          audit: { action: 'person.remove', targetId: person.id, target: person.pseudonym, reason: input.reason ?? '' },
          staff: true,
          outcome: {
            events: await renderEvents(tx, left, deps.sealer),
            notices: [
              {
                accountId: person.accountId,
                notice: { sessionId: input.sessionId, kind: 'removed', message: notices.removed, until: null },
              },
            ],
            evicted: [person.accountId],
          },
        };
      });
    },

    /** Out of the group until an organiser lifts it: every open room of the group, at once. */
    async ban(by: ActingMember, input: CommandPayload<'member:ban'>): Promise<Outcome> {
      allow(by, 'person.moderate');
      const session = await groupOf(db, input.sessionId);
      const { events, person, openRooms } = await store.transaction(async (tx) => {
        // The member's rooms first: the lock order every room writer uses. Waiting counts too.
        const left = await deps.rooms.leaveAllIn(tx, session.groupId, input.memberId);
        const openRooms = await deps.rooms.dropConnectionsInGroup(tx, session.groupId, input.memberId);
        const person = await participantIn(tx, input.sessionId, input.memberId);
        if (person.status === 'banned') throw new AppError('conflict', 'This person is already banned from the group.');
        await tx
          .update(memberships)
          .set({ status: 'banned', banReason: input.reason, statusSince: sql`now()` })
          .where(eq(memberships.id, person.id));
        await deps.members.promoteWaitlist(tx, session.groupId);
        await recordAudit(tx, by, {
          groupId: session.groupId,
          sessionId: input.sessionId,
          action: 'person.ban',
          targetId: person.id,
          target: person.pseudonym,
          reason: input.reason,
        });
        return { events: left, person, openRooms };
      });
      const alsoChanged = [];
      for (const sessionId of openRooms) {
        if (sessionId !== input.sessionId) alsoChanged.push({ sessionId, version: await bumpStaff(db, sessionId) });
      }
      return {
        alsoChanged,
        events,
        staff: await bumpStaff(db, input.sessionId),
        evictedFrom: openRooms,
        notices: [
          {
            accountId: person.accountId,
            notice: { sessionId: input.sessionId, kind: 'banned', message: notices.banned, until: null },
          },
        ],
        evicted: [person.accountId],
      };
    },

    async acknowledgeSupport(by: ActingMember, input: CommandPayload<'support:acknowledge'>) {
      return inRoom(by, input.sessionId, 'room.console', async (tx) => {
        const [signal] = await tx
          .update(supportSignals)
          .set({ acknowledgedAt: new Date(), acknowledgedBy: by.member.memberId })
          .where(
            and(
              eq(supportSignals.id, input.requestId),
              eq(supportSignals.sessionId, input.sessionId),
              isNull(supportSignals.acknowledgedAt),
            ),
          )
          .returning({ memberId: supportSignals.memberId });
        if (!signal) throw new AppError('conflict', 'Another facilitator has already acknowledged this.');
        return { audit: { action: 'support.acknowledge', targetId: signal.memberId, target: await pseudonymOf(tx, signal.memberId) }, staff: true };
      });
    },

    async acknowledgeAlert(by: ActingMember, input: CommandPayload<'alert:acknowledge'>) {
      return inRoom(by, input.sessionId, 'room.console', async (tx) => {
        const [alert] = await tx
          .update(alerts)
          .set({ acknowledgedAt: new Date(), acknowledgedBy: by.member.memberId })
          .where(and(eq(alerts.id, input.alertId), eq(alerts.sessionId, input.sessionId), isNull(alerts.acknowledgedAt)))
          .returning({ memberId: alerts.memberId });
        if (!alert) throw new AppError('conflict', 'Another facilitator has already acknowledged this.');
        return { audit: { action: 'alert.acknowledge', targetId: alert.memberId, target: await pseudonymOf(tx, alert.memberId) }, staff: true };
      });
    },

    /** Resolving discards the reported words: they were kept only for deciding. */
    async resolveReport(by: ActingMember, input: CommandPayload<'report:resolve'>) {
      return inRoom(by, input.sessionId, 'room.console', async (tx) => {
        const [report] = await tx
          .update(reports)
          .set({ resolvedAt: new Date(), resolvedBy: by.member.memberId, outcome: input.outcome, reportedText: '' })
          .where(and(eq(reports.id, input.reportId), eq(reports.sessionId, input.sessionId), isNull(reports.resolvedAt)))
          .returning({ messageId: reports.messageId });
        if (!report) throw new AppError('conflict', 'This report has already been resolved.');
        return {
          audit: { action: 'report.resolve', targetId: report.messageId, target: input.outcome, reason: input.note ?? '' },
          staff: true,
        };
      });
    },

    /** The side conversation: facilitators and one participant, all facilitators reading. */
    async sendSide(by: ActingMember, input: CommandPayload<'side:send'>) {
      const facilitator = isFacilitatorRole(by.member.role);
      if (facilitator && !input.participantId) {
        throw new AppError('invalid_input', 'participantId: Choose who the message is for.');
      }
      if (!facilitator && input.participantId && input.participantId !== by.member.memberId) {
        throw new AppError('forbidden', 'You can only write in your own conversation with the facilitators.');
      }
      const participantId = facilitator ? input.participantId! : by.member.memberId;
      const result = await store.transaction(async (tx) => {
        const room = await lockRoom(tx, input.sessionId);
        if (room.status !== 'open') throw roomClosed();
        const person = facilitator ? await participantIn(tx, input.sessionId, participantId) : null;
        const id = randomUUID();
        const [inserted] = await tx
          .insert(sideMessages)
          .values({
            id,
            sessionId: input.sessionId,
            participantId,
            authorId: by.member.memberId,
            clientId: input.clientId,
            body: deps.sealer.seal(input.text, sealedAt('side_messages', 'body', id)),
          })
          .onConflictDoNothing({ target: [sideMessages.sessionId, sideMessages.authorId, sideMessages.clientId] })
          .returning();
        const row =
          inserted ??
          (
            await tx
              .select()
              .from(sideMessages)
              .where(
                and(
                  eq(sideMessages.sessionId, input.sessionId),
                  eq(sideMessages.authorId, by.member.memberId),
                  eq(sideMessages.clientId, input.clientId),
                ),
              )
          )[0]!;
        if (inserted && person) {
          const session = await groupOf(tx, input.sessionId);
          await recordAudit(tx, by, {
            groupId: session.groupId,
            sessionId: input.sessionId,
            action: 'side.message',
            targetId: person.id,
            target: person.pseudonym,
          });
        }
        const staff = inserted ? await bumpStaff(tx, input.sessionId) : null;
        const [account] = await tx
          .select({ accountId: memberships.accountId })
          .from(memberships)
          .where(eq(memberships.id, participantId));
        return { row, staff, participantAccountId: account!.accountId };
      });
      return {
        message: {
          id: result.row.id,
          sessionId: input.sessionId,
          participantId,
          author: by.member,
          text: deps.sealer.open(result.row.body, sealedAt('side_messages', 'body', result.row.id)),
          createdAt: result.row.createdAt.toISOString(),
        },
        staff: result.staff,
        participantAccountId: result.participantAccountId,
      };
    },

    /**
     * The room clock's part: pauses whose time is up end with a controls event, and mutes
     * whose time is up end with a word to the person. Each is a conditional update, so one node
     * does it, once.
     */
    async endDue(now = new Date()): Promise<Outcome[]> {
      const outcomes: Outcome[] = [];
      const paused = await db
        .select({ id: sessions.id })
        .from(sessions)
        .where(and(eq(sessions.status, 'open'), lte(sessions.pausedUntil, now)));
      for (const { id } of paused) {
        const row = await store.transaction(async (tx) => {
          await lockRoom(tx, id);
          const [ended] = await tx
            .update(sessions)
            .set({ pausedUntil: null })
            .where(and(eq(sessions.id, id), eq(sessions.status, 'open'), lte(sessions.pausedUntil, now)))
            .returning({ id: sessions.id });
          return ended ? appendEvent(tx, id, controlsChanged) : null;
        });
        if (row) outcomes.push(await withControls({ ...nothing(), events: await renderEvents(db, [row], deps.sealer) }, id));
      }
      const dueMutes = await db
        .selectDistinct({ sessionId: roomMembers.sessionId })
        .from(roomMembers)
        .where(lte(roomMembers.mutedUntil, now));
      for (const { sessionId } of dueMutes) {
        // Under the room lock, like every room writer; the conditional update ends each mute once.
        const ended = await store.transaction(async (tx) => {
          await lockRoom(tx, sessionId);
          const rows = await tx
            .update(roomMembers)
            .set({ mutedUntil: null })
            .where(and(eq(roomMembers.sessionId, sessionId), lte(roomMembers.mutedUntil, now)))
            .returning({ memberId: roomMembers.memberId });
          if (rows.length === 0) return null;
          const people = await tx
            .select({ accountId: memberships.accountId })
            .from(memberships)
            .where(inArray(memberships.id, rows.map((row) => row.memberId)));
          return { staff: await bumpStaff(tx, sessionId), people };
        });
        if (ended) {
          outcomes.push({
            ...nothing(),
            staff: ended.staff,
            notices: ended.people.map(({ accountId }) => ({ accountId, notice: unmutedNotice(sessionId) })),
          });
        }
      }
      return outcomes;
    },
  };
}

function withDuration(reason: string | undefined, duration: string): string {
  return reason ? `${duration}: ${reason}` : duration;
}

async function pseudonymOf(tx: Db, memberId: string): Promise<string | null> {
  const [row] = await tx.select({ pseudonym: memberships.pseudonym }).from(memberships).where(eq(memberships.id, memberId));
  return row?.pseudonym ?? null;
}
