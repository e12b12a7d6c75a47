import type { CommandPayload, Member } from '@hearth/shared';
import { and, eq } from 'drizzle-orm';
import type { Store } from '../../db/database.ts';
import { messages, reports, supportSignals } from '../../db/schema.ts';
import { AppError, notFound } from '../../errors.ts';

export type SafetyService = ReturnType<typeof createSafetyService>;

/** A participant's own safety controls that reach the facilitators: support and reports. */
export function createSafetyService(store: Store) {
  const { db } = store;
  return {
    /** "I need support": stored until a facilitator acknowledges it. */
    async requestSupport(member: Member, sessionId: string) {
      const [signal] = await db.insert(supportSignals).values({ sessionId, memberId: member.memberId }).returning();
      return { member, at: signal!.createdAt.toISOString() };
    },

    /** One report per message and person; reporting again updates the reason. */
    async report(member: Member, input: CommandPayload<'message:report'>) {
      const [message] = await db
        .select({ authorId: messages.authorId, deletedAt: messages.deletedAt })
        .from(messages)
        .where(and(eq(messages.id, input.messageId), eq(messages.sessionId, input.sessionId)));
      if (!message) throw notFound('message');
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
