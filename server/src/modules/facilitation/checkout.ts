import type { CheckOutRequest, CheckOutSummary } from '@hearth/shared';
import { and, eq, isNotNull } from 'drizzle-orm';
import type { Store } from '../../db/database.ts';
import { checkOuts, checkOutSubmissions, roomMembers, sessions } from '../../db/schema.ts';
import { AppError, notFound } from '../../errors.ts';
import { pgErrorCode } from '../../db/database.ts';
import type { Actor } from '../accounts/service.ts';
import type { GroupGate } from '../groups/gate.ts';

export type CheckOutService = ReturnType<typeof createCheckOutService>;

/**
 * The anonymous check-out at the end of a session. Answers and the record of who answered
 * live in separate tables with nothing linking them; only totals are ever read.
 */
export function createCheckOutService(store: Store, deps: { access: GroupGate }) {
  const { db } = store;

  async function sessionFor(actor: Actor, sessionId: string, action: 'checkout.submit' | 'checkout.view') {
    const [session] = await db.select().from(sessions).where(eq(sessions.id, sessionId));
    if (!session) throw notFound('session');
    try {
      return { session, ...(await deps.access(actor, session.groupId, action)) };
    } catch (error) {
      if (error instanceof AppError && error.code === 'not_found') throw notFound('session');
      throw error;
    }
  }

  return {
    async submit(actor: Actor, sessionId: string, input: CheckOutRequest): Promise<void> {
      const { session, membership } = await sessionFor(actor, sessionId, 'checkout.submit');
      if (session.status !== 'open' && session.status !== 'closed') {
        throw new AppError('conflict', 'Check-out opens when the session does.');
      }
      const [attended] = await db
        .select({ memberId: roomMembers.memberId })
        .from(roomMembers)
        .where(
          and(eq(roomMembers.sessionId, sessionId), eq(roomMembers.memberId, membership!.id), isNotNull(roomMembers.admittedAt)),
        );
      if (!attended) throw new AppError('forbidden', 'Check-out is for the people who were in this session’s room.');
      try {
        await store.transaction(async (tx) => {
          await tx.insert(checkOutSubmissions).values({ sessionId, memberId: membership!.id });
          await tx.insert(checkOuts).values({ sessionId, colour: input.colour, word: (input.word ?? '').toLowerCase() });
        });
      } catch (error) {
        if (pgErrorCode(error) === '23505') throw new AppError('conflict', 'You have already checked out of this session. Thank you.');
        throw error;
      }
    },

    async summary(actor: Actor, sessionId: string): Promise<CheckOutSummary> {
      await sessionFor(actor, sessionId, 'checkout.view');
      const rows = await db.select({ colour: checkOuts.colour, word: checkOuts.word }).from(checkOuts).where(eq(checkOuts.sessionId, sessionId));
      const colours = { green: 0, amber: 0, red: 0 };
      const words = new Map<string, number>();
      for (const row of rows) {
        colours[row.colour]++;
        if (row.word) words.set(row.word, (words.get(row.word) ?? 0) + 1);
      }
      return {
        sessionId,
        total: rows.length,
        colours,
        words: [...words].map(([word, count]) => ({ word, count })).sort((a, b) => b.count - a.count || a.word.localeCompare(b.word)),
      };
    },
  };
}

