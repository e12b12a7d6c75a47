import { useEffect, useState } from 'react';
import type { RoomClient } from './roomClient.ts';

/** How long "the facilitators have been told" stays on screen. */
const SUPPORT_STATUS_MS = 15_000;

/**
 * 'told': a facilitator is in the room and has seen it. 'kept': none is, so the request waits
 * for one. 'failed': it did not go through.
 */
type Outcome = { kind: 'told' } | { kind: 'kept' } | { kind: 'failed'; reason: string };

const toldWords = 'The facilitators have been told, only they can see this.';
const keptWords =
  'No facilitator is in the room right now. Your request is kept, and they will see it as soon ' +
  'as one arrives. If you need help now, the crisis resources are here.';
const arrivedWords = 'A facilitator is here now and can see your request. Only facilitators see it.';

/**
 * "I need support": a discreet signal only facilitators see. When none is in the room, the
 * person is told so plainly, and pointed to the crisis resources; that answer stays until they
 * ask again, or a facilitator arrives.
 */
export function useSupportRequest(client: RoomClient, facilitatorPresent: boolean) {
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [pending, setPending] = useState(false);

  let words: string | null = null;
  if (outcome?.kind === 'told') words = toldWords;
  else if (outcome?.kind === 'kept') words = facilitatorPresent ? arrivedWords : keptWords;
  else if (outcome?.kind === 'failed') words = `Your request did not go through. ${outcome.reason}`;
  const waiting = outcome?.kind === 'kept' && !facilitatorPresent;

  // A calm confirmation goes away by itself after a while; "nobody is here yet" does not.
  useEffect(() => {
    if (words === null || waiting) return;
    const timer = setTimeout(() => {
      setOutcome(null);
    }, SUPPORT_STATUS_MS);
    return () => {
      clearTimeout(timer);
    };
  }, [words, waiting]);

  function ask() {
    setPending(true);
    setOutcome(null);
    void client.requestSupport().then((answer) => {
      setPending(false);
      if (!answer.ok) setOutcome({ kind: 'failed', reason: answer.error.message });
      else setOutcome({ kind: answer.facilitatorsPresent ? 'told' : 'kept' });
    });
  }

  return { ask, pending, words, waiting };
}

/** What came of asking for support; with a way to the crisis resources while nobody is here. */
export function SupportStatus({
  words,
  waiting,
  onOpenCrisis,
}: {
  words: string | null;
  waiting: boolean;
  onOpenCrisis: () => void;
}) {
  return (
    <div className="room-support-status">
      <div role="status">{words && <p className="hint">{words}</p>}</div>
      {waiting && (
        <p>
          <button type="button" className="button-secondary button-small" onClick={onOpenCrisis}>
            Open the crisis resources
          </button>
        </p>
      )}
    </div>
  );
}
