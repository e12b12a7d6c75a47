import type { ReactNode } from 'react';
import type { Session } from '@hearth/shared';
import {
  formatEnd,
  formatInZone,
  formatSessionStart,
  sameClock,
} from '../lib/format.ts';

export const sessionStatusWords: Record<Session['status'], string> = {
  scheduled: 'Coming up',
  open: 'Open now',
  closed: 'Ended',
  cancelled: 'Cancelled',
};

const statusOrder: Record<Session['status'], number> = {
  open: 0,
  scheduled: 1,
  cancelled: 1,
  closed: 2,
};

/** Open rooms first, then what is coming soonest first, then what has ended, latest first. */
export function sortSessions<T extends Session>(sessions: readonly T[]): T[] {
  return [...sessions].sort(
    (a, b) =>
      statusOrder[a.status] - statusOrder[b.status] ||
      (a.status === 'closed'
        ? b.startsAt.localeCompare(a.startsAt)
        : a.startsAt.localeCompare(b.startsAt)),
  );
}

/** What is still ahead: open rooms, and scheduled or cancelled sessions that have not ended. */
export function isAhead(session: Session, now = Date.now()): boolean {
  if (session.status === 'open') return true;
  if (session.status === 'closed') return false;
  return new Date(session.endsAt).getTime() > now;
}

export function SessionCard({
  session,
  titleId,
  context,
  showOwnZone = false,
  children,
}: {
  session: Session;
  /** The title's id, for buttons and links that act on this session to point at. */
  titleId: string;
  /** A line above the times, such as the group's name. */
  context?: ReactNode;
  /** Also give the time as the session's own zone shows it, when that differs from the viewer's. */
  showOwnZone?: boolean;
  children?: ReactNode;
}) {
  const otherZone = showOwnZone && !sameClock(session.startsAt, session.timeZone);
  return (
    <li className={`card session session-${session.status}`}>
      <div className="session-head">
        <h3 id={titleId} className="card-title">
          {session.title}
        </h3>
        <span className={`badge badge-${session.status}`}>
          {sessionStatusWords[session.status]}
        </span>
      </div>
      {context && <p className="meta session-context">{context}</p>}
      <p className={session.status === 'cancelled' ? 'meta session-when cancelled' : 'meta session-when'}>
        <time dateTime={session.startsAt}>{formatSessionStart(session.startsAt)}</time>
        {' – '}
        <time dateTime={session.endsAt}>{formatEnd(session.startsAt, session.endsAt)}</time>
      </p>
      {otherZone && (
        <p className="meta">
          In the session’s own time zone ({session.timeZone}):{' '}
          {formatInZone(session.startsAt, session.timeZone)}
        </p>
      )}
      {session.status === 'cancelled' && (
        <p className="meta">This session will not take place.</p>
      )}
      {session.moved && session.status !== 'cancelled' && (
        <p className="meta">This one is at a different time from usual.</p>
      )}
      {session.brief && <p className="prose session-brief">{session.brief}</p>}
      {children}
    </li>
  );
}
