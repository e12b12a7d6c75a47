import { useId, type RefObject } from 'react';
import { minutesSeconds, useNow } from '../../lib/useClock.ts';

const groundings = [
  'Notice five things you can see around you.',
  'Feel where your body meets the chair or the floor.',
  'Listen for three sounds, near or far.',
  'Notice something you can touch, and how it feels.',
];

/**
 * The grounding pause, over the conversation: a slow breathing circle (text steps instead when
 * motion is reduced), one grounding suggestion and the time left. Not a dialog: quick exit, the
 * crisis resources and the room's controls stay within reach. The countdown is not read out
 * every second; the room says when the pause is over. The heading takes focus from the
 * conversation when the pause begins (the conversation cannot hold it meanwhile).
 */
export function GroundingPause({
  until,
  headingRef,
}: {
  until: string;
  headingRef?: RefObject<HTMLHeadingElement | null>;
}) {
  const titleId = useId();
  const now = useNow(true);
  const ends = Date.parse(until);
  const grounding = groundings[Math.floor(ends / 1_000) % groundings.length];
  return (
    // It scrolls on a short screen and holds nothing else that takes focus: it takes focus itself,
    // so it can be scrolled from the keyboard.
    <section className="grounding" aria-labelledby={titleId} tabIndex={0}>
      <h2 id={titleId} ref={headingRef} tabIndex={-1} className="room-section-title">
        A moment of grounding
      </h2>
      <div className="breath" aria-hidden="true">
        <div className="breath-circle" />
      </div>
      <p className="breath-words">Breathe in… and out</p>
      <ol className="breath-steps">
        <li>Breathe in slowly, counting to four.</li>
        <li>Hold it gently for a moment.</li>
        <li>Breathe out slowly, counting to six.</li>
      </ol>
      <p>{grounding}</p>
      <p className="grounding-time">
        Time left: <span className="grounding-clock">{minutesSeconds(ends - now)}</span>
      </p>
      <p className="hint">
        Nobody can post during the pause. The conversation comes back by itself when it ends.
      </p>
    </section>
  );
}
