import type { AuditAction, AuditList } from '@hearth/shared';
import { and, desc, eq, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/database.ts';
import { accounts, auditLog, memberships } from '../../db/schema.ts';
import type { Actor } from '../accounts/service.ts';
import type { GroupGate } from '../groups/gate.ts';

export type AuditEntryInput = {
  groupId: string;
  sessionId?: string | null;
  action: AuditAction;
  targetId?: string | null;
  /** A name for what was acted on (a pseudonym, a session's title); never content. */
  target?: string | null;
  reason?: string;
};

/**
 * Records an action inside the transaction that performs it, so the log and what happened can
 * never disagree. The actor is named as the group knows them.
 */
export async function recordAudit(tx: Db, actor: Pick<Actor, 'accountId'>, entry: AuditEntryInput): Promise<void> {
  const [known] = await tx
    .select({ pseudonym: memberships.pseudonym, username: accounts.username })
    .from(accounts)
    .leftJoin(memberships, and(eq(memberships.accountId, accounts.id), eq(memberships.groupId, entry.groupId)))
    .where(eq(accounts.id, actor.accountId));
  await tx.insert(auditLog).values({
    groupId: entry.groupId,
    sessionId: entry.sessionId ?? null,
    actorAccountId: actor.accountId,
    actorName: known?.pseudonym ?? known?.username ?? 'someone',
    action: entry.action,
    targetId: entry.targetId ?? null,
    target: entry.target ?? null,
    reason: entry.reason ?? '',
  });
}

/** An entry's time as the API shows it: to the millisecond. Pages are ordered by it, then id. */
const shownAt = sql`date_trunc('milliseconds', ${auditLog.at})`;

/** Entries before a page's last one: earlier, or at the same moment with a smaller id. */
function olderThan(at: Date, id: string | undefined) {
  return id ? or(lt(shownAt, at), and(eq(shownAt, at), lt(auditLog.id, id))) : lt(shownAt, at);
}

export type AuditService = ReturnType<typeof createAuditService>;

export function createAuditService(db: Db, deps: { access: GroupGate }) {
  return {
    /** Organisers browse a group's log, newest first, filtered by action or session. */
    async list(
      actor: Actor,
      groupId: string,
      query: { action?: AuditAction; sessionId?: string; before?: string; beforeId?: string; limit: number },
    ): Promise<AuditList> {
      await deps.access(actor, groupId, 'audit.view');
      const rows = await db
        .select()
        .from(auditLog)
        .where(
          and(
            eq(auditLog.groupId, groupId),
            query.action ? eq(auditLog.action, query.action) : undefined,
            query.sessionId ? eq(auditLog.sessionId, query.sessionId) : undefined,
            query.before ? olderThan(new Date(query.before), query.beforeId) : undefined,
          ),
        )
        .orderBy(desc(shownAt), desc(auditLog.id))
        .limit(query.limit + 1);
      return {
        entries: rows.slice(0, query.limit).map((row) => ({
          id: row.id,
          at: row.at.toISOString(),
          action: row.action as AuditAction,
          actor: row.actorName,
          target: row.target,
          sessionId: row.sessionId,
          reason: row.reason,
        })),
        hasMore: rows.length > query.limit,
      };
    },
  };
}
