import { useNow } from '../../lib/useClock.ts';

/**
 * Slow mode, said near the composer, with the wait after sending counted down. The countdown
 * is not a live region: the Send button's own hint says when it is waiting.
 */
export function SlowModeNote({ seconds, until }: { seconds: number; until: number }) {
  const now = useNow(until > 0);
  const left = Math.ceil((until - now) / 1_000);
  return (
    <p className="hint composer-slow">
      Slow mode: one message every {seconds} seconds.
      {until > 0 && left > 0 && ` You can send again in ${String(left)} s.`}
    </p>
  );
}
