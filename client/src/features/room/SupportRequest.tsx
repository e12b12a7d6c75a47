import { useEffect, useRef, useState } from 'react';
import { formatTime } from '../../lib/format.ts';
import type { RoomClient } from './roomClient.ts';

/**
 * 'told': a facilitator is in the room and has seen it. 'kept': none is, so the request waits
 * for one. 'held': the connection is away, so the request waits on this page and goes out as
 * soon as it is back. 'failed': it did not go through.
 */
type Outcome =
  | { kind: 'told'; at: string }
  | { kind: 'kept'; at: string }
  | { kind: 'held'; at: string }
  | { kind: 'failed'; reason: string };

const keptWords =
  'No facilitator is in the room right now. Your request is kept, and they will see it as soon ' +
  'as one arrives. If you need help now, the crisis resources are here.';
const arrivedWords = 'A facilitator is here now and can see your request. Only facilitators see it.';

/**
 * "I need support": a discreet signal only facilitators see. It can always be asked, even while
 * the connection is away (it goes out when it is back). What came of it stays on screen, with
 * the time it was asked, so someone who looked away can still see that it worked. When no
 * facilitator is in the room, the person is told so plainly, and pointed to the crisis resources.
 */
export function useSupportRequest(client: RoomClient, facilitatorPresent: boolean, connected: boolean) {
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  /** The request already on its way (by when it was asked), so a reconnect does not send it twice. */
  const sentFor = useRef<string | null>(null);
  const pending = outcome?.kind === 'held' && connected;

  let words: string | null = null;
  if (outcome?.kind === 'told') {
    words = `You asked for support at ${formatTime(outcome.at)}. The facilitators have been told, only they can see this.`;
  } else if (outcome?.kind === 'kept') words = facilitatorPresent ? arrivedWords : keptWords;
  else if (pending) words = 'Sending your request for support…';
  else if (outcome?.kind === 'held') {
    words =
      `You asked for support at ${formatTime(outcome.at)}. The room is reconnecting; your request ` +
      'will reach the facilitators as soon as it is back. If you need help now, the crisis resources are here.';
  } else if (outcome?.kind === 'failed') words = `Your request did not go through. ${outcome.reason}`;
  const waiting = (outcome?.kind === 'kept' && !facilitatorPresent) || (outcome?.kind === 'held' && !pending);

  const heldAt = outcome?.kind === 'held' ? outcome.at : null;
  useEffect(() => {
    if (heldAt === null || !connected || sentFor.current === heldAt) return;
    sentFor.current = heldAt;
    void client.requestSupport().then((answer) => {
      if (!answer.ok) setOutcome({ kind: 'failed', reason: answer.error.message });
      else setOutcome({ kind: answer.facilitatorsPresent ? 'told' : 'kept', at: heldAt });
    });
  }, [client, heldAt, connected]);

  function ask() {
    // Sent by the effect above: now if connected, otherwise once the connection is back.
    setOutcome({ kind: 'held', at: new Date().toISOString() });
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
