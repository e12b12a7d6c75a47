/**
 * Ended sessions and their anonymous check-out totals, for the group's facilitators and
 * organisers. Loaded only for them, so the group page every participant opens stays small.
 */
import { useId, useState } from 'react';
import { checkInColours, type Session } from '@hearth/shared';
import { LoadError, Loading } from '../components/layout.tsx';
import { SessionCard, sortSessions } from '../components/sessionCard.tsx';
import { ColourTag } from '../features/room/CheckIn.tsx';
import { api } from '../lib/api.ts';
import { useAsync } from '../lib/useAsync.ts';

const SHOWN = 5;

export function RecentSessions({ sessions }: { sessions: readonly Session[] }) {
  const headingId = useId();
  const idPrefix = useId();
  // Only ended sessions have check-out totals; the server answers 'conflict' for any other.
  const ended = sortSessions(sessions.filter((s) => s.status === 'closed')).slice(0, SHOWN);
  if (ended.length === 0) return null;
  return (
    <section className="section" aria-labelledby={headingId}>
      <h2 id={headingId}>Recent sessions</h2>
      <p className="hint">
        How people said they were leaving: anonymous and optional, so only totals are shown, never
        who answered.
      </p>
      <ul className="card-list">
        {ended.map((session) => (
          <SessionCard key={session.id} session={session} titleId={`${idPrefix}-${session.id}`}>
            <CheckOutDetails sessionId={session.id} />
          </SessionCard>
        ))}
      </ul>
    </section>
  );
}

function CheckOutDetails({ sessionId }: { sessionId: string }) {
  const [open, setOpen] = useState(false);
  return (
    <details
      className="checkout-details"
      onToggle={(event) => {
        setOpen(event.currentTarget.open);
      }}
    >
      <summary>Check-out</summary>
      {open && <CheckOutTotals sessionId={sessionId} />}
    </details>
  );
}

function CheckOutTotals({ sessionId }: { sessionId: string }) {
  const summary = useAsync(`check-out:${sessionId}`, () => api.checkOutSummary(sessionId));
  if (summary.state.status === 'loading') return <Loading label="Loading the check-out…" />;
  if (summary.state.status === 'error') {
    // The totals exist only once the session has ended (the list may be a moment behind).
    if (summary.state.error.code === 'conflict') {
      return <p className="empty">The check-out totals are shown once the session has ended.</p>;
    }
    return <LoadError error={summary.state.error} onRetry={summary.reload} />;
  }
  const { total, colours, words } = summary.state.data;
  if (total === 0) return <p className="empty">Nobody checked out after this session.</p>;
  return (
    <div className="stack">
      <p>{total === 1 ? '1 person checked out.' : `${String(total)} people checked out.`}</p>
      <ul className="plain-list">
        {checkInColours.map((colour) => (
          <li key={colour}>
            <ColourTag colour={colour} />: {colours[colour] ?? 0}
          </li>
        ))}
      </ul>
      {words.length > 0 && (
        <p>
          Words given:{' '}
          {words.map((w) => (w.count > 1 ? `${w.word} (${String(w.count)})` : w.word)).join(', ')}
        </p>
      )}
    </div>
  );
}
