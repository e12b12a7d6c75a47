import { randomUUID } from 'node:crypto';
import type { CheckOutRequest, CheckOutSummary } from '@hearth/shared';
import { and, eq, isNotNull, sql } from 'drizzle-orm';
import { sealedAt, type Sealer } from '../../crypto/keyring.ts';
import type { Db, Store } from '../../db/database.ts';
import { checkOutColours, checkOutSubmissions, checkOutWords, roomMembers, sessions } from '../../db/schema.ts';
import { AppError, notFound } from '../../errors.ts';
import { pgErrorCode } from '../../db/database.ts';
import type { Actor } from '../accounts/service.ts';
import type { GroupGate } from '../groups/gate.ts';

export type CheckOutService = ReturnType<typeof createCheckOutService>;

/**
 * The anonymous check-out at the end of a session. An answer only adds to totals (per colour,
 * per word), written in a transaction of its own after the record of who answered: no row and
 * no transaction ties a person to an answer. Totals are shown once the session has ended, so
 * watching them change cannot tell who answered what either.
 */
export function createCheckOutService(store: Store, deps: { access: GroupGate; sealer: Sealer }) {
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

  /**
   * Holds the session against the retention purge for the rest of the caller's transaction: a
   * purge that comes first has closed check-out; one that comes later waits, then deletes this too.
   */
  async function stillKept(tx: Db, sessionId: string): Promise<void> {
    const [session] = await tx
      .select({ purgedAt: sessions.purgedAt })
      .from(sessions)
      .where(eq(sessions.id, sessionId))
      .for('share');
    if (!session || session.purgedAt) throw new AppError('conflict', 'Check-out for this session has closed.');
  }

  return {
    async submit(actor: Actor, sessionId: string, input: CheckOutRequest): Promise<void> {
      const { session, membership } = await sessionFor(actor, sessionId, 'checkout.submit');
      if (session.status !== 'open' && session.status !== 'closed') {
        throw new AppError('conflict', 'Check-out opens when the session does.');
      }
      if (session.purgedAt) throw new AppError('conflict', 'Check-out for this session has closed.');
      const [attended] = await db
        .select({ memberId: roomMembers.memberId })
        .from(roomMembers)
        .where(
          and(eq(roomMembers.sessionId, sessionId), eq(roomMembers.memberId, membership!.id), isNotNull(roomMembers.admittedAt)),
        );
      if (!attended) throw new AppError('forbidden', 'Check-out is for the people who were in this session’s room.');
      await store.transaction(async (tx) => {
        await stillKept(tx, sessionId);
        try {
          await tx.insert(checkOutSubmissions).values({ sessionId, memberId: membership!.id });
        } catch (error) {
          if (pgErrorCode(error) === '23505') throw new AppError('conflict', 'You have already checked out of this session. Thank you.');
          throw error;
        }
      });
      const word = (input.word ?? '').toLowerCase();
      await store.transaction(async (tx) => {
        await stillKept(tx, sessionId);
        await tx
          .insert(checkOutColours)
          .values({ sessionId, colour: input.colour, count: 1 })
          .onConflictDoUpdate({
            target: [checkOutColours.sessionId, checkOutColours.colour],
            set: { count: sql`${checkOutColours.count} + 1` },
          });
        if (word) {
          const id = randomUUID();
          await tx
            .insert(checkOutWords)
            .values({
              id,
              sessionId,
              wordKey: deps.sealer.blindIndex(word, `check_out_words.${sessionId}`),
              word: deps.sealer.seal(word, sealedAt('check_out_words', 'word', id)),
              count: 1,
            })
            .onConflictDoUpdate({
              target: [checkOutWords.sessionId, checkOutWords.wordKey],
              set: { count: sql`${checkOutWords.count} + 1` },
            });
        }
      });
    },

    async summary(actor: Actor, sessionId: string): Promise<CheckOutSummary> {
      const { session } = await sessionFor(actor, sessionId, 'checkout.view');
      if (session.status !== 'closed') {
        throw new AppError('conflict', 'Check-out totals are shown once the session has ended.');
      }
      const [byColour, byWord] = await Promise.all([
        db.select().from(checkOutColours).where(eq(checkOutColours.sessionId, sessionId)),
        db.select().from(checkOutWords).where(eq(checkOutWords.sessionId, sessionId)),
      ]);
      const colours = { green: 0, amber: 0, red: 0 };
      for (const row of byColour) colours[row.colour] = row.count;
      // One word can sit in two rows after a key rotation: added up by the word itself.
      const counts = new Map<string, number>();
      for (const row of byWord) {
        const word = deps.sealer.open(row.word, sealedAt('check_out_words', 'word', row.id));
        counts.set(word, (counts.get(word) ?? 0) + row.count);
      }
      return {
        sessionId,
        total: colours.green + colours.amber + colours.red,
        colours,
        words: [...counts]
          .map(([word, count]) => ({ word, count }))
          .sort((a, b) => b.count - a.count || a.word.localeCompare(b.word)),
      };
    },
  };
}

