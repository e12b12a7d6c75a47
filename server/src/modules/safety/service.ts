import type { CommandPayload, Member, SupportRequest } from '@hearth/shared';
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Store } from '../../db/database.ts';
import { memberships, messages, reports, sessions, supportSignals } from '../../db/schema.ts';
import { toMember } from '../messages/views.ts';
import { isAttended } from '../rooms/attendance.ts';
import { roomClosed } from '../rooms/events.ts';
import { AppError, notFound } from '../../errors.ts';

export type SafetyService = ReturnType<typeof createSafetyService>;

/** A participant's own safety controls that reach the facilitators: support and reports. */
export function createSafetyService(store: Store) {
  const { db } = store;

  async function requireOpen(sessionId: string) {
    const [session] = await db.select({ status: sessions.status }).from(sessions).where(eq(sessions.id, sessionId));
    if (session?.status !== 'open') throw roomClosed();
  }

  return {
    /**
     * "I need support": stored until a facilitator acknowledges it, so a facilitator who arrives
     * later still sees it. Says whether one is in the room now.
     */
    async requestSupport(member: Member, sessionId: string) {
      await requireOpen(sessionId);
      const [signal] = await db.insert(supportSignals).values({ sessionId, memberId: member.memberId }).returning();
      return {
        request: { sessionId, member, at: signal!.createdAt.toISOString() },
        facilitatorsPresent: await isAttended(db, sessionId),
      };
    },

    /** Support requests of a session no facilitator has acknowledged yet, oldest first. */
    async openRequests(sessionId: string): Promise<SupportRequest[]> {
      const rows = await db
        .select({ signal: supportSignals, member: memberships })
        .from(supportSignals)
        .innerJoin(memberships, eq(memberships.id, supportSignals.memberId))
        .where(and(eq(supportSignals.sessionId, sessionId), isNull(supportSignals.acknowledgedAt)))
        .orderBy(asc(supportSignals.createdAt));
      return rows.map(({ signal, member }) => ({
        sessionId,
        member: toMember(member),
        at: signal.createdAt.toISOString(),
      }));
    },

    /** One report per message and person; reporting again updates the reason. */
    async report(member: Member, input: CommandPayload<'message:report'>) {
      const [message] = await db
        .select({ authorId: messages.authorId, deletedAt: messages.deletedAt })
        .from(messages)
        .where(and(eq(messages.id, input.messageId), eq(messages.sessionId, input.sessionId)));
      if (!message) throw notFound('message');
      await requireOpen(input.sessionId);
      if (message.deletedAt) throw new AppError('conflict', 'This message was deleted; there is nothing left to report.');
      if (message.authorId === member.memberId) {
        throw new AppError('invalid_input', 'messageId: You can delete your own message instead of reporting it.');
      }
      const note = input.note ?? '';
      await db
        .insert(reports)
        .values({ sessionId: input.sessionId, messageId: input.messageId, reporterId: member.memberId, reason: input.reason, note })
        .onConflictDoUpdate({
          target: [reports.messageId, reports.reporterId],
          set: { reason: input.reason, note, createdAt: new Date(), resolvedAt: null },
        });
    },
  };
}
