import { useEffect, useEffectEvent } from 'react';
import type { Session } from '@hearth/shared';

/** Rooms open and close on the server's clock, a moment after the time; ask just after. */
const AFTER_BOUNDARY_MS = 2_000;
/** However far the next start or end, look again at least this often (timers drift in sleep). */
const LONGEST_WAIT_MS = 30 * 60_000;
/** While the page is visible it is refreshed this often anyway. */
const VISIBLE_EVERY_MS = 60_000;
/** A room whose start has passed but that is not open yet is asked about this often... */
const OVERDUE_EVERY_MS = 10_000;
/** ...for this long after its start; the regular refresh covers anything slower. */
const OVERDUE_FOR_MS = 2 * 60_000;

/** How long until the sessions listed may have changed by the clock alone, or null if never. */
export function untilNextChange(sessions: readonly Session[], now: number): number | null {
  let soonest = Infinity;
  for (const session of sessions) {
    if (session.status !== 'scheduled' && session.status !== 'open') continue;
    const startsAt = Date.parse(session.startsAt);
    const endsAt = Date.parse(session.endsAt);
    if (session.status === 'scheduled' && startsAt <= now && now < startsAt + OVERDUE_FOR_MS) {
      soonest = Math.min(soonest, OVERDUE_EVERY_MS);
    }
    for (const boundary of session.status === 'scheduled' ? [startsAt, endsAt] : [endsAt]) {
      if (boundary > now) soonest = Math.min(soonest, boundary - now + AFTER_BOUNDARY_MS);
    }
  }
  return soonest === Infinity ? null : Math.min(soonest, LONGEST_WAIT_MS);
}

/**
 * Keeps a list of sessions in step with time: a room that opens (or ends) on schedule shows as
 * such without a reload. Refreshes just after the nearest start or end of a listed session, and
 * every minute while the page is visible (and on coming back to it after a while).
 */
export function useSessionClock(sessions: readonly Session[] | null, refresh: () => void): void {
  const refreshNow = useEffectEvent(refresh);

  useEffect(() => {
    if (!sessions) return;
    const wait = untilNextChange(sessions, Date.now());
    if (wait === null) return;
    const timer = setTimeout(() => {
      refreshNow();
    }, wait);
    return () => {
      clearTimeout(timer);
    };
  }, [sessions]);

  useEffect(() => {
    let last = Date.now();
    function refreshIfVisible() {
      if (document.visibilityState !== 'visible') return;
      last = Date.now();
      refreshNow();
    }
    const timer = setInterval(refreshIfVisible, VISIBLE_EVERY_MS);
    function onVisibilityChange() {
      if (Date.now() - last >= VISIBLE_EVERY_MS) refreshIfVisible();
    }
    document.addEventListener('visibilitychange', onVisibilityChange);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisibilityChange);
    };
  }, []);
}
