import { useEffect, useEffectEvent, useState } from 'react';
import { findSession } from './findSession.ts';

/** Tried again this often while someone waits for the room to open. */
const EARLY_RETRY_MS = 30_000;
/** The room opens on the server's next tick after its start, so the first try waits a little. */
const AFTER_START_MS = 3_000;
/** Longer waits overflow setTimeout; the regular tries cover a start that far off. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

export interface EarlyArrival {
  /** When the room opens. */
  opensAt: string;
  /** That time has come, and the room is about to open. */
  started: boolean;
}

interface Lookup {
  sessionId: string;
  /** Null when the room is not going to open: the refusal stands. */
  early: EarlyArrival | null;
}

/**
 * Someone who arrives before their session starts is refused with `room_closed`. Rather than
 * leave them at a dead end, this finds when the room opens, and tries again then and every 30
 * seconds until they are in. Returns when it opens, or null when the refusal stands.
 */
export function useEarlyArrival({
  sessionId,
  groupId,
  refused,
  inside,
  retry,
}: {
  sessionId: string;
  groupId: string | null;
  /** The room refused the join because it is not open. */
  refused: boolean;
  /** The room let this person in (or into its waiting room): nothing to wait for any more. */
  inside: boolean;
  retry: () => void;
}): EarlyArrival | null {
  const [lookup, setLookup] = useState<Lookup | null>(null);
  const looked = lookup?.sessionId === sessionId;
  const early = looked && !inside ? lookup.early : null;
  const opensAt = early?.opensAt ?? null;
  const tryAgain = useEffectEvent(retry);

  useEffect(() => {
    if (!refused || looked) return;
    let active = true;
    void findSession(sessionId, groupId).then((session) => {
      if (!active) return;
      const now = Date.now();
      const coming = session !== null && session.status === 'scheduled' && Date.parse(session.endsAt) > now;
      setLookup({
        sessionId,
        early: coming ? { opensAt: session.startsAt, started: Date.parse(session.startsAt) <= now } : null,
      });
    });
    return () => {
      active = false;
    };
  }, [refused, looked, sessionId, groupId]);

  useEffect(() => {
    if (opensAt === null) return;
    const untilStart = Date.parse(opensAt) - Date.now() + AFTER_START_MS;
    const atStart =
      untilStart > 0 && untilStart < LONGEST_TIMER_MS
        ? setTimeout(() => {
            setLookup((current) =>
              current?.early ? { ...current, early: { ...current.early, started: true } } : current,
            );
            tryAgain();
          }, untilStart)
        : undefined;
    const every = setInterval(() => {
      tryAgain();
    }, EARLY_RETRY_MS);
    return () => {
      clearTimeout(atStart);
      clearInterval(every);
    };
  }, [opensAt]);

  return early;
}
