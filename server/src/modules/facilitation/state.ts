import type { ConsoleState, RoomControls } from '@hearth/shared';
import { and, asc, desc, eq, gt, isNull, sql } from 'drizzle-orm';
import { sealedAt, type Sealer } from '../../crypto/keyring.ts';
import type { Db } from '../../db/database.ts';
import {
  alerts,
  checkInAnswers,
  checkIns,
  memberships,
  messages,
  reports,
  roomMembers,
  sessions,
  sideMessages,
  supportSignals,
} from '../../db/schema.ts';
import { toMember } from '../messages/views.ts';

/**
 * Bumps the facilitators' console version of a room inside the caller's transaction. Their
 * console is a snapshot with its own version, apart from the room's sequence, so nothing
 * facilitator-only ever leaves a hole in what participants receive.
 */
export async function bumpStaff(tx: Db, sessionId: string): Promise<number> {
  const [row] = await tx
    .update(sessions)
    .set({ staffSeq: sql`${sessions.staffSeq} + 1` })
    .where(eq(sessions.id, sessionId))
    .returning({ version: sessions.staffSeq });
  return row?.version ?? 0;
}

/** The room's controls as everyone sees them; a pause whose time has passed is over. */
export async function controlsOf(executor: Db, sessionId: string, now = new Date()): Promise<RoomControls> {
  const [[session], [checkIn]] = await Promise.all([
    executor
      .select({ pausedUntil: sessions.pausedUntil, slow: sessions.slowModeSeconds, locked: sessions.locked })
      .from(sessions)
      .where(eq(sessions.id, sessionId)),
    executor
      .select({ id: checkIns.id, openedAt: checkIns.openedAt })
      .from(checkIns)
      .where(and(eq(checkIns.sessionId, sessionId), isNull(checkIns.closedAt)))
      .orderBy(desc(checkIns.openedAt))
      .limit(1),
  ]);
  const pausedUntil = session?.pausedUntil && session.pausedUntil > now ? session.pausedUntil.toISOString() : null;
  return {
    pausedUntil,
    slowModeSeconds: session?.slow ?? 0,
    locked: session?.locked ?? false,
    checkIn: checkIn ? { id: checkIn.id, openedAt: checkIn.openedAt.toISOString() } : null,
  };
}

/** Everything the facilitators of a room share, read in one go. */
export async function consoleState(
  db: Db,
  sessionId: string,
  waiting: ConsoleState['waiting'],
  sealer: Sealer,
): Promise<ConsoleState> {
  const now = new Date();
  // The version first, everything else after it: the data is at least as new as the version,
  // so a client holding this version never misses a change it claims to include.
  const [session] = await db.select({ version: sessions.staffSeq }).from(sessions).where(eq(sessions.id, sessionId));
  const [support, raised, reported, [round], muted, side] = await Promise.all([
    db
      .select({ signal: supportSignals, member: memberships })
      .from(supportSignals)
      .innerJoin(memberships, eq(memberships.id, supportSignals.memberId))
      .where(and(eq(supportSignals.sessionId, sessionId), isNull(supportSignals.acknowledgedAt)))
      .orderBy(asc(supportSignals.createdAt)),
    db
      .select({ alert: alerts, member: memberships })
      .from(alerts)
      .innerJoin(memberships, eq(memberships.id, alerts.memberId))
      .where(and(eq(alerts.sessionId, sessionId), isNull(alerts.acknowledgedAt)))
      .orderBy(asc(alerts.createdAt)),
    db
      .select({ report: reports, author: memberships, warningCategories: messages.warningCategories, warningNote: messages.warningNote })
      .from(reports)
      .innerJoin(messages, eq(messages.id, reports.messageId))
      .innerJoin(memberships, eq(memberships.id, messages.authorId))
      .where(and(eq(reports.sessionId, sessionId), isNull(reports.resolvedAt)))
      .orderBy(asc(reports.createdAt)),
    db
      .select({ id: checkIns.id })
      .from(checkIns)
      .where(and(eq(checkIns.sessionId, sessionId), isNull(checkIns.closedAt)))
      .orderBy(desc(checkIns.openedAt))
      .limit(1),
    db
      .select({ until: roomMembers.mutedUntil, member: memberships })
      .from(roomMembers)
      .innerJoin(memberships, eq(memberships.id, roomMembers.memberId))
      .where(and(eq(roomMembers.sessionId, sessionId), gt(roomMembers.mutedUntil, now))),
    db
      .select({ message: sideMessages, author: memberships })
      .from(sideMessages)
      .innerJoin(memberships, eq(memberships.id, sideMessages.authorId))
      .where(eq(sideMessages.sessionId, sessionId))
      .orderBy(asc(sideMessages.createdAt)),
  ]);
  const answers = round
    ? await db
        .select({ answer: checkInAnswers, member: memberships })
        .from(checkInAnswers)
        .innerJoin(memberships, eq(memberships.id, checkInAnswers.memberId))
        .where(eq(checkInAnswers.checkInId, round.id))
        .orderBy(asc(checkInAnswers.answeredAt))
    : [];
  return {
    sessionId,
    version: session?.version ?? 0,
    waiting,
    supportRequests: support.map(({ signal, member }) => ({
      id: signal.id,
      sessionId,
      member: toMember(member),
      at: signal.createdAt.toISOString(),
    })),
    alerts: raised.map(({ alert, member }) => ({
      id: alert.id,
      kind: alert.kind,
      member: toMember(member),
      messageId: alert.messageId,
      at: alert.createdAt.toISOString(),
    })),
    reports: reported.map(({ report, author, warningCategories, warningNote }) => ({
      id: report.id,
      warning: warningCategories
        ? {
            categories: warningCategories,
            note: sealer.open(warningNote ?? '', sealedAt('messages', 'warning_note', report.messageId)),
            byFacilitator: false,
          }
        : null,
      messageId: report.messageId,
      author: toMember(author),
      reportedText: sealer.open(report.reportedText, sealedAt('reports', 'reported_text', report.id)),
      reason: report.reason,
      note: sealer.open(report.note, sealedAt('reports', 'note', report.id)),
      at: report.createdAt.toISOString(),
    })),
    checkIn: round
      ? {
          id: round.id,
          answers: answers.map(({ answer, member }) => ({
            member: toMember(member),
            colour: answer.colour,
            word: sealer.open(answer.word, sealedAt('check_in_answers', 'word', answer.id)),
          })),
        }
      : null,
    mutes: muted.map(({ until, member }) => ({ member: toMember(member), until: until!.toISOString() })),
    sideMessages: side.map(({ message, author }) => ({
      id: message.id,
      sessionId,
      participantId: message.participantId,
      author: toMember(author),
      text: sealer.open(message.body, sealedAt('side_messages', 'body', message.id)),
      createdAt: message.createdAt.toISOString(),
    })),
  };
}

/** A participant's own side thread with the facilitators. */
export async function sideThreadOf(db: Db, sessionId: string, participantId: string, sealer: Sealer) {
  const rows = await db
    .select({ message: sideMessages, author: memberships })
    .from(sideMessages)
    .innerJoin(memberships, eq(memberships.id, sideMessages.authorId))
    .where(and(eq(sideMessages.sessionId, sessionId), eq(sideMessages.participantId, participantId)))
    .orderBy(asc(sideMessages.createdAt));
  return rows.map(({ message, author }) => ({
    id: message.id,
    sessionId,
    participantId,
    author: toMember(author),
    text: sealer.open(message.body, sealedAt('side_messages', 'body', message.id)),
    createdAt: message.createdAt.toISOString(),
  }));
}

/** A participant's own answer to the open check-in round. */
export async function checkInAnswerOf(db: Db, sessionId: string, memberId: string, sealer: Sealer) {
  const [row] = await db
    .select({ id: checkInAnswers.id, checkInId: checkInAnswers.checkInId, colour: checkInAnswers.colour, word: checkInAnswers.word })
    .from(checkInAnswers)
    .innerJoin(checkIns, eq(checkIns.id, checkInAnswers.checkInId))
    .where(and(eq(checkIns.sessionId, sessionId), isNull(checkIns.closedAt), eq(checkInAnswers.memberId, memberId)));
  if (!row) return null;
  const { id, ...answer } = row;
  return { ...answer, word: sealer.open(answer.word, sealedAt('check_in_answers', 'word', id)) };
}
