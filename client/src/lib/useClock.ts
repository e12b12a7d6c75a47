import { useEffect, useState } from 'react';

/** The time now, ticking every second while `active` (for a countdown someone watches). */
export function useNow(active: boolean): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    if (!active) return;
    const tick = () => {
      setNow(Date.now());
    };
    const first = setTimeout(tick, 0);
    const timer = setInterval(tick, 1_000);
    return () => {
      clearTimeout(first);
      clearInterval(timer);
    };
  }, [active]);
  return now;
}

/** Whole seconds left as mm:ss. */
export function minutesSeconds(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1_000));
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(total / 60))}:${pad(total % 60)}`;
}
