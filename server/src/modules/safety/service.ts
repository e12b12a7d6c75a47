import { randomUUID } from 'node:crypto';
import type { CommandPayload, Member } from '@hearth/shared';
import { and, eq } from 'drizzle-orm';
import { sealedAt, type Sealer } from '../../crypto/keyring.ts';
import type { Store } from '../../db/database.ts';
import { messages, reports, supportSignals } from '../../db/schema.ts';
import { AppError, notFound } from '../../errors.ts';
import { bumpStaff } from '../facilitation/state.ts';
import { isAttended } from '../rooms/attendance.ts';
import { lockRoom, roomClosed } from '../rooms/events.ts';

export type SafetyService = ReturnType<typeof createSafetyService>;

/** A participant's own safety controls that reach the facilitators: support and reports. */
export function createSafetyService(store: Store, deps: { sealer: Sealer }) {
  return {
    /**
     * "I need support": stored until a facilitator acknowledges it, so a facilitator who arrives
     * later still sees it. Says whether one is in the room now.
     */
    async requestSupport(member: Member, sessionId: string) {
      return store.transaction(async (tx) => {
        const room = await lockRoom(tx, sessionId);
        if (room.status !== 'open') throw roomClosed();
        await tx.insert(supportSignals).values({ sessionId, memberId: member.memberId });
        return { staff: await bumpStaff(tx, sessionId), facilitatorsPresent: await isAttended(tx, sessionId) };
      });
    },

    /**
     * One report per message and person; reporting again updates the reason. The reported words
     * are copied, so the author deleting them does not hide them from the facilitators deciding;
     * resolving the report discards the copy.
     */
    async report(member: Member, input: CommandPayload<'message:report'>) {
      return store.transaction(async (tx) => {
        const room = await lockRoom(tx, input.sessionId);
        if (room.status !== 'open') throw roomClosed();
        const [message] = await tx
          .select({ authorId: messages.authorId, deletedAt: messages.deletedAt, body: messages.body })
          .from(messages)
          .where(and(eq(messages.id, input.messageId), eq(messages.sessionId, input.sessionId)));
        if (!message) throw notFound('message');
        if (message.deletedAt) throw new AppError('conflict', 'This message was deleted; there is nothing left to report.');
        if (message.authorId === member.memberId) {
          throw new AppError('invalid_input', 'messageId: You can delete your own message instead of reporting it.');
        }
        const words = deps.sealer.open(message.body, sealedAt('messages', 'body', input.messageId));
        const [earlier] = await tx
          .select({ id: reports.id })
          .from(reports)
          .where(and(eq(reports.messageId, input.messageId), eq(reports.reporterId, member.memberId)));
        // Reporting again updates the report; its copy is sealed for its own row.
        const id = earlier?.id ?? randomUUID();
        const reportedText = deps.sealer.seal(words, sealedAt('reports', 'reported_text', id));
        const note = deps.sealer.seal(input.note ?? '', sealedAt('reports', 'note', id));
        if (earlier) {
          await tx
            .update(reports)
            .set({ reason: input.reason, note, reportedText, createdAt: new Date(), resolvedAt: null })
            .where(eq(reports.id, id));
        } else {
          await tx.insert(reports).values({
            id,
            sessionId: input.sessionId,
            messageId: input.messageId,
            reporterId: member.memberId,
            reason: input.reason,
            note,
            reportedText,
          });
        }
        return { staff: await bumpStaff(tx, input.sessionId) };
      });
    },
  };
}
