import type {
  AuditAction,
  CreateSessionRequest,
  ScheduleRequest,
  ScheduleResult,
  Series,
  Session,
  UpcomingSession,
  UpdateSessionRequest,
} from '@hearth/shared';
import { and, asc, eq, gt, inArray, lt } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Db, Store } from '../../db/database.ts';
import { groups, memberships, sessions, sessionSeries } from '../../db/schema.ts';
import { AppError, notFound } from '../../errors.ts';
import type { Actor } from '../accounts/service.ts';
import type { GroupGate } from '../groups/gate.ts';
import type { SessionLifecycle } from './lifecycle.ts';
import { recordAudit } from '../audit/service.ts';

type SessionRow = typeof sessions.$inferSelect;
type SeriesRow = typeof sessionSeries.$inferSelect;

/** Occurrences of a series are put on the calendar this far ahead, and further when asked. */
const HORIZON_WEEKS = 12;
const MAX_HORIZON_WEEKS = 104;
const DEFAULT_WINDOW_WEEKS = 8;

export function toSession(row: SessionRow): Session {
  return {
    id: row.id,
    groupId: row.groupId,
    seriesId: row.seriesId,
    title: row.title,
    brief: row.brief,
    status: row.status,
    startsAt: row.startsAt.toISOString(),
    endsAt: row.endsAt.toISOString(),
    timeZone: row.timeZone,
    moved: row.moved,
  };
}

function toSeries(row: SeriesRow): Series {
  return {
    id: row.id,
    groupId: row.groupId,
    title: row.title,
    brief: row.brief,
    repeat: row.intervalWeeks === 2 ? 'fortnightly' : 'weekly',
    timeZone: row.timeZone,
    firstDate: row.firstDate,
    time: row.localTime,
    durationMinutes: row.durationMinutes,
    until: row.untilDate,
  };
}

/**
 * A local date and time in a zone, as an instant. luxon resolves daylight-saving changes: a
 * weekly 19:00 stays 19:00 local on both sides of a change. A time that does not exist (the
 * hour skipped in spring) moves forward by the gap; a time that happens twice (the hour
 * repeated in autumn) is its first occurrence, as calendars (RFC 5545) do.
 */
export function localInstant(date: string, time: string, timeZone: string): DateTime {
  const instant = DateTime.fromISO(`${date}T${time}`, { zone: timeZone });
  if (!instant.isValid) throw new AppError('invalid_input', 'That date and time do not exist.');
  const wall = instant.toFormat('yyyy-MM-dd HH:mm');
  for (const minutes of [60, 30]) {
    const earlier = instant.minus({ minutes });
    if (earlier.toFormat('yyyy-MM-dd HH:mm') === wall) return earlier;
  }
  return instant;
}

/** The local dates of a series' occurrences, from its first, up to a limit. */
export function* occurrenceDates(series: Pick<SeriesRow, 'firstDate' | 'intervalWeeks' | 'untilDate'>) {
  const first = DateTime.fromISO(series.firstDate, { zone: 'UTC' });
  for (let index = 0; ; index++) {
    const date = first.plus({ weeks: index * series.intervalWeeks }).toISODate()!;
    if (series.untilDate && date > series.untilDate) return;
    yield date;
  }
}

export type SessionsService = ReturnType<typeof createSessionsService>;

export function createSessionsService(store: Store, deps: { access: GroupGate; lifecycle: SessionLifecycle }) {
  const { db } = store;
  const { access } = deps;

  /**
   * Puts a series' occurrences on the calendar up to `through`. Each occurrence is a row keyed
   * by (series, local date), so running this twice, or on two nodes at once, adds nothing twice,
   * and a cancelled or moved occurrence is never recreated.
   */
  async function materialise(executor: Db, series: SeriesRow, through: DateTime): Promise<void> {
    const rows: (typeof sessions.$inferInsert)[] = [];
    for (const date of occurrenceDates(series)) {
      const startsAt = localInstant(date, series.localTime, series.timeZone);
      if (startsAt > through) break;
      const endsAt = startsAt.plus({ minutes: series.durationMinutes });
      // Occurrences that ended before the series existed never happened.
      if (endsAt.toJSDate() < series.createdAt) continue;
      rows.push({
        groupId: series.groupId,
        seriesId: series.id,
        occurrenceDate: date,
        title: series.title,
        brief: series.brief,
        timeZone: series.timeZone,
        status: 'scheduled',
        startsAt: startsAt.toJSDate(),
        endsAt: endsAt.toJSDate(),
      });
    }
    if (rows.length === 0) return;
    await executor
      .insert(sessions)
      .values(rows)
      .onConflictDoNothing({ target: [sessions.seriesId, sessions.occurrenceDate] });
  }

  async function materialiseGroups(groupIds: string[], through: DateTime): Promise<void> {
    if (groupIds.length === 0) return;
    const series = await db.select().from(sessionSeries).where(inArray(sessionSeries.groupId, groupIds));
    for (const one of series) await materialise(db, one, through);
  }

  function horizon(until?: Date): DateTime {
    const furthest = DateTime.now().plus({ weeks: MAX_HORIZON_WEEKS });
    const wanted = until ? DateTime.fromJSDate(until) : DateTime.now().plus({ weeks: HORIZON_WEEKS });
    return wanted > furthest ? furthest : wanted;
  }

  /** Loads a session for an actor and an action, through its group's gatekeeper. */
  async function sessionFor(actor: Actor, sessionId: string, action: 'session.list' | 'session.update' | 'session.run') {
    const [row] = await db.select().from(sessions).where(eq(sessions.id, sessionId));
    if (!row) throw notFound('session');
    try {
      await access(actor, row.groupId, action);
    } catch (error) {
      if (error instanceof AppError && error.code === 'not_found') throw notFound('session');
      throw error;
    }
    return row;
  }

  /** Records a session action in the audit log, in its transaction (never the session's brief). */
  function audited(tx: Db, actor: Actor, row: SessionRow, action: AuditAction, reason = '') {
    return recordAudit(tx, actor, { groupId: row.groupId, sessionId: row.id, action, targetId: row.id, target: row.title, reason });
  }

  function requireScheduled(row: SessionRow): void {
    if (row.status !== 'scheduled') {
      throw new AppError('conflict', 'Only a session that has not started yet can be changed.');
    }
  }

  return {
    materialise,

    /** A group's sessions in a window: by default, from half a day ago to eight weeks ahead. */
    async list(actor: Actor, groupId: string, window: { from?: string; to?: string } = {}): Promise<Session[]> {
      await access(actor, groupId, 'session.list');
      const from = window.from ? new Date(window.from) : DateTime.now().minus({ hours: 12 }).toJSDate();
      const to = window.to ? new Date(window.to) : DateTime.now().plus({ weeks: DEFAULT_WINDOW_WEEKS }).toJSDate();
      if (to <= from) throw new AppError('invalid_input', 'to: The end of the window comes before its start.');
      await materialiseGroups([groupId], horizon(to));
      const rows = await db
        .select()
        .from(sessions)
        .where(and(eq(sessions.groupId, groupId), gt(sessions.endsAt, from), lt(sessions.startsAt, to)))
        .orderBy(asc(sessions.startsAt));
      return rows.map(toSession);
    },

    /** The next sessions of every group the actor belongs to and may enter. */
    async upcoming(actor: Actor): Promise<UpcomingSession[]> {
      const mine = await db
        .select({ groupId: memberships.groupId, groupName: groups.name })
        .from(memberships)
        .innerJoin(groups, eq(groups.id, memberships.groupId))
        .where(and(eq(memberships.accountId, actor.accountId), eq(memberships.status, 'active')));
      const names = new Map(mine.map((row) => [row.groupId, row.groupName]));
      const groupIds = [...names.keys()];
      if (groupIds.length === 0) return [];
      const to = DateTime.now().plus({ weeks: DEFAULT_WINDOW_WEEKS });
      await materialiseGroups(groupIds, horizon(to.toJSDate()));
      const rows = await db
        .select()
        .from(sessions)
        .where(
          and(
            inArray(sessions.groupId, groupIds),
            gt(sessions.endsAt, new Date()),
            lt(sessions.startsAt, to.toJSDate()),
          ),
        )
        .orderBy(asc(sessions.startsAt))
        .limit(50);
      return rows.map((row) => ({ ...toSession(row), groupName: names.get(row.groupId) ?? '' }));
    },

    /** Starts a session whose room is open from now for the given duration. */
    async startNow(actor: Actor, groupId: string, input: CreateSessionRequest): Promise<Session> {
      await access(actor, groupId, 'session.create');
      const startsAt = new Date();
      return store.transaction(async (tx) => {
        const [row] = await tx
          .insert(sessions)
          .values({
            groupId,
            title: input.title,
            status: 'open',
            openedAt: startsAt,
            startsAt,
            endsAt: new Date(startsAt.getTime() + input.durationMinutes * 60_000),
          })
          .returning();
        await audited(tx, actor, row!, 'session.start');
        return toSession(row!);
      });
    },

    /** Schedules a one-off session, or a weekly or fortnightly series, in a time zone. */
    async schedule(actor: Actor, groupId: string, input: ScheduleRequest): Promise<ScheduleResult> {
      await access(actor, groupId, 'session.create');
      const first = localInstant(input.date, input.time, input.timeZone);
      if (first <= DateTime.now()) {
        throw new AppError('invalid_input', 'date: That time has already passed. Please choose a later one.');
      }
      if (input.repeat === 'once') {
        if (input.until) throw new AppError('invalid_input', 'until: Only a repeating session has an end date.');
        return store.transaction(async (tx) => {
          const [row] = await tx
            .insert(sessions)
            .values({
              groupId,
              title: input.title,
              brief: input.brief ?? '',
              timeZone: input.timeZone,
              status: 'scheduled',
              startsAt: first.toJSDate(),
              endsAt: first.plus({ minutes: input.durationMinutes }).toJSDate(),
            })
            .returning();
          await audited(tx, actor, row!, 'session.schedule');
          return { series: null, sessions: [toSession(row!)] };
        });
      }
      if (input.until && input.until < input.date) {
        throw new AppError('invalid_input', 'until: The series cannot end before its first session.');
      }
      return store.transaction(async (tx) => {
        const [series] = await tx
          .insert(sessionSeries)
          .values({
            groupId,
            title: input.title,
            brief: input.brief ?? '',
            intervalWeeks: input.repeat === 'fortnightly' ? 2 : 1,
            timeZone: input.timeZone,
            firstDate: input.date,
            localTime: input.time,
            durationMinutes: input.durationMinutes,
            untilDate: input.until ?? null,
          })
          .returning();
        await materialise(tx, series!, horizon());
        const rows = await tx
          .select()
          .from(sessions)
          .where(eq(sessions.seriesId, series!.id))
          .orderBy(asc(sessions.startsAt));
        await recordAudit(tx, actor, {
          groupId,
          action: 'session.schedule',
          targetId: series!.id,
          target: series!.title,
          reason: input.repeat,
        });
        return { series: toSeries(series!), sessions: rows.map(toSession) };
      });
    },

    /** Changes one session; for an occurrence of a series, the others stay as they were. */
    async update(actor: Actor, sessionId: string, changes: UpdateSessionRequest): Promise<Session> {
      const row = await sessionFor(actor, sessionId, 'session.update');
      requireScheduled(row);
      const zone = row.timeZone;
      const current = DateTime.fromJSDate(row.startsAt, { zone });
      const moving = changes.date !== undefined || changes.time !== undefined || changes.durationMinutes !== undefined;
      const startsAt = localInstant(
        changes.date ?? current.toISODate()!,
        changes.time ?? current.toFormat('HH:mm'),
        zone,
      );
      const duration = changes.durationMinutes ?? Math.round((row.endsAt.getTime() - row.startsAt.getTime()) / 60_000);
      if (moving && startsAt <= DateTime.now()) {
        throw new AppError('invalid_input', 'date: That time has already passed. Please choose a later one.');
      }
      return store.transaction(async (tx) => {
        const [updated] = await tx
          .update(sessions)
          .set({
            ...(changes.title !== undefined ? { title: changes.title } : {}),
            ...(changes.brief !== undefined ? { brief: changes.brief } : {}),
            startsAt: startsAt.toJSDate(),
            endsAt: startsAt.plus({ minutes: duration }).toJSDate(),
            moved: row.moved || (moving && row.seriesId !== null),
          })
          .where(and(eq(sessions.id, sessionId), eq(sessions.status, 'scheduled')))
          .returning();
        if (!updated) throw new AppError('conflict', 'Only a session that has not started yet can be changed.');
        await audited(tx, actor, updated, 'session.update', Object.keys(changes).sort().join(', '));
        return toSession(updated);
      });
    },

    /** Opens a scheduled room now, ahead of its start time. */
    async openNow(actor: Actor, sessionId: string): Promise<Session> {
      const row = await sessionFor(actor, sessionId, 'session.run');
      if (!(await deps.lifecycle.open(sessionId, (tx) => audited(tx, actor, row, 'session.open')))) {
        throw new AppError('conflict', 'Only a session that has not started or ended can be opened.');
      }
      return toSession(await sessionFor(actor, sessionId, 'session.run'));
    },

    /** Ends an open session: its room closes for everyone, on every node. */
    async end(actor: Actor, sessionId: string): Promise<Session> {
      const row = await sessionFor(actor, sessionId, 'session.run');
      if (!(await deps.lifecycle.close(sessionId, (tx) => audited(tx, actor, row, 'session.end')))) {
        throw new AppError('conflict', 'Only an open session can be ended.');
      }
      return toSession(await sessionFor(actor, sessionId, 'session.run'));
    },

    /** Cancels one session; a series goes on without it. */
    async cancel(actor: Actor, sessionId: string): Promise<Session> {
      const row = await sessionFor(actor, sessionId, 'session.update');
      requireScheduled(row);
      return store.transaction(async (tx) => {
        const [updated] = await tx
          .update(sessions)
          .set({ status: 'cancelled' })
          .where(and(eq(sessions.id, sessionId), eq(sessions.status, 'scheduled')))
          .returning();
        if (!updated) throw new AppError('conflict', 'Only a session that has not started yet can be cancelled.');
        await audited(tx, actor, updated, 'session.cancel');
        return toSession(updated);
      });
    },
  };
}
