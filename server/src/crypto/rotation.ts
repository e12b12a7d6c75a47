import { and, eq, gt, ne, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Db } from '../db/database.ts';
import { checkInAnswers, checkOutWords, messages, reports, sideMessages } from '../db/schema.ts';
import { sealedAt, type Sealer } from './keyring.ts';

/** Every sealed column: its table, its column, and the names its additional data uses. */
const sealedColumns: ReadonlyArray<{
  table: PgTable;
  id: PgColumn;
  column: PgColumn;
  /** The column's property name, for `set`. */
  key: string;
  tableName: string;
  columnName: string;
}> = [
  { table: messages, id: messages.id, column: messages.body, key: 'body', tableName: 'messages', columnName: 'body' },
  {
    table: messages,
    id: messages.id,
    column: messages.warningNote,
    key: 'warningNote',
    tableName: 'messages',
    columnName: 'warning_note',
  },
  { table: sideMessages, id: sideMessages.id, column: sideMessages.body, key: 'body', tableName: 'side_messages', columnName: 'body' },
  {
    table: reports,
    id: reports.id,
    column: reports.reportedText,
    key: 'reportedText',
    tableName: 'reports',
    columnName: 'reported_text',
  },
  { table: reports, id: reports.id, column: reports.note, key: 'note', tableName: 'reports', columnName: 'note' },
  {
    table: checkInAnswers,
    id: checkInAnswers.id,
    column: checkInAnswers.word,
    key: 'word',
    tableName: 'check_in_answers',
    columnName: 'word',
  },
  { table: checkOutWords, id: checkOutWords.id, column: checkOutWords.word, key: 'word', tableName: 'check_out_words', columnName: 'word' },
];

const BATCH = 500;

/**
 * Re-seals every value not yet under the primary key, batch by batch; afterwards the older keys
 * can be retired. Safe to run while Hearth runs and to run again: a value sealed meanwhile is
 * already under the primary key.
 */
export async function resealAll(db: Db, sealer: Sealer): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const current = `v1.${sealer.primaryId}.%`;
  for (const { table, id, column, key, tableName, columnName } of sealedColumns) {
    let resealed = 0;
    let unreadable = 0;
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const rows = (await db
        .select({ id, value: column })
        .from(table)
        .where(and(gt(id, after), ne(column, ''), sql`${column} not like ${current}`))
        .orderBy(id)
        .limit(BATCH)) as Array<{ id: string; value: string | null }>;
      if (rows.length === 0) break;
      for (const row of rows) {
        if (row.value === null) continue;
        const where = sealedAt(tableName, columnName, row.id);
        let plain: string;
        try {
          plain = sealer.open(row.value, where);
        } catch {
          // Tampered with, or sealed with a key no longer in the ring: left as it is, and counted.
          unreadable++;
          continue;
        }
        const value = sealer.seal(plain, where);
        // Only if unchanged meanwhile: a concurrent edit already wrote under the primary key.
        await db
          .update(table)
          .set({ [key]: value })
          .where(and(eq(id, row.id), eq(column, row.value)));
        resealed++;
      }
      after = rows.at(-1)!.id;
    }
    counts[`${tableName}.${columnName}`] = resealed;
    if (unreadable > 0) counts[`${tableName}.${columnName} unreadable`] = unreadable;
  }
  counts['check_out_words.word_key'] = await rekeyCheckOutWords(db, sealer);
  return counts;
}

/**
 * Check-out words meet on a keyed hash that follows the primary key: after a rotation, each
 * row is found again under the new key (merged into a row the same word already has under
 * it), so an old key no longer tells anything about them. Words live only until retention,
 * so there are few.
 */
async function rekeyCheckOutWords(db: Db, sealer: Sealer): Promise<number> {
  const rows = await db.select({ id: checkOutWords.id }).from(checkOutWords).orderBy(checkOutWords.id);
  let rekeyed = 0;
  for (const { id } of rows) {
    const changed = await db.transaction(async (tx) => {
      const [row] = await tx.select().from(checkOutWords).where(eq(checkOutWords.id, id)).for('update');
      if (!row) return false;
      let word: string;
      try {
        word = sealer.open(row.word, sealedAt('check_out_words', 'word', row.id));
      } catch {
        return false;
      }
      const wordKey = sealer.blindIndex(word, `check_out_words.${row.sessionId}`);
      if (wordKey === row.wordKey) return false;
      const [same] = await tx
        .select({ id: checkOutWords.id })
        .from(checkOutWords)
        .where(and(eq(checkOutWords.sessionId, row.sessionId), eq(checkOutWords.wordKey, wordKey)))
        .for('update');
      if (same) {
        await tx.update(checkOutWords).set({ count: sql`${checkOutWords.count} + ${row.count}` }).where(eq(checkOutWords.id, same.id));
        await tx.delete(checkOutWords).where(eq(checkOutWords.id, row.id));
      } else {
        await tx.update(checkOutWords).set({ wordKey }).where(eq(checkOutWords.id, row.id));
      }
      return true;
    });
    if (changed) rekeyed++;
  }
  return rekeyed;
}
