import { useEffect, useId, useRef } from 'react';
import { confidentialityReminder } from '@hearth/shared';
import { PageHeading } from '../../components/layout.tsx';
import { ScrollingText } from '../../components/scrollingText.tsx';
import { formatTime } from '../../lib/format.ts';
import { Link } from '../../lib/router.tsx';
import { CrisisPanelBody } from './RoomPanels.tsx';
import type { RoomInfo } from './roomClient.ts';
import type { EarlyArrival } from './useEarlyArrival.ts';

/** Read and acknowledged at every visit to a room, before anything connects. */
export function ReminderGate({ onEnter, leaveTo }: { onEnter: () => void; leaveTo: string }) {
  const reminderId = useId();
  return (
    <div className="room room-gate">
      <title>Room · Hearth</title>
      <div className="gate card stack">
        <PageHeading>Before you go in</PageHeading>
        <p id={reminderId} className="gate-reminder">
          {confidentialityReminder}
        </p>
        <p className="hint">
          You can step out or leave at any time, without giving a reason. Quick exit, in the
          corner, leaves Hearth at once.
        </p>
        <div className="actions">
          <button type="button" aria-describedby={reminderId} onClick={onEnter}>
            I understand — enter the room
          </button>
          <Link to={leaveTo} className="button-link button-secondary">
            Not now
          </Link>
        </div>
      </div>
    </div>
  );
}

/**
 * Arrived before the session started: when the room opens, and that this page goes in by
 * itself then (it tries again at that time and every half minute).
 */
export function OpensAt({ early, groupPath }: { early: EarlyArrival; groupPath: string }) {
  const { opensAt: startsAt, started } = early;
  return (
    <div className="notice room-problem" role="status">
      <p>
        {started ? (
          <strong>This room is opening now.</strong>
        ) : (
          <strong>
            This room opens at <time dateTime={startsAt}>{formatTime(startsAt)}</time>.
          </strong>
        )}{' '}
        You do not need to do anything: this page will let you in by itself as soon as it opens.
      </p>
      <p>
        <Link to={groupPath}>Back to the group</Link>
      </p>
    </div>
  );
}

/** While the waiting room holds this person: what the session is about, and its agreements. */
export function WaitingScreen({ info }: { info: RoomInfo }) {
  const agreementId = useId();
  const crisisId = useId();
  const status = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    status.current?.focus();
  }, []);
  return (
    <div className="room-scroll">
      <p ref={status} className="notice waiting-notice" role="status" tabIndex={-1}>
        <strong>You are in the waiting room.</strong> A facilitator will let you in soon. You do
        not need to do anything; this page will open the room by itself.
      </p>
      {info.brief && (
        <section className="section-first">
          <h2 className="room-section-title">About this session</h2>
          <p className="prose session-brief">{info.brief}</p>
        </section>
      )}
      {info.agreement.text && (
        <section className="section-first" aria-labelledby={agreementId}>
          <h2 id={agreementId} className="room-section-title">
            Group agreements
          </h2>
          <p className="hint">Version {info.agreement.version}</p>
          <ScrollingText className="prose agreement-text card" label="Text of the group agreements">
            {info.agreement.text}
          </ScrollingText>
        </section>
      )}
      <section className="section-first" aria-labelledby={crisisId}>
        <h2 id={crisisId} className="room-section-title">
          Crisis resources
        </h2>
        <CrisisPanelBody resources={info.crisisResources} />
      </section>
    </div>
  );
}

/** The calm screen of someone who stepped out; only "Come back" (and quick exit) are here. */
export function SteppedOut({ onComeBack }: { onComeBack: () => void }) {
  const titleId = useId();
  const textId = useId();
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    button.current?.focus();
  }, []);
  return (
    <div
      className="stepped-out"
      role="dialog"
      aria-modal="true"
      aria-labelledby={titleId}
      aria-describedby={textId}
    >
      <div className="stepped-out-card stack">
        <h2 id={titleId}>You’ve stepped out.</h2>
        <p id={textId}>
          Others see only that you stepped out. Take all the time you need; the conversation is
          hidden until you come back.
        </p>
        <div className="actions">
          <button ref={button} type="button" onClick={onComeBack}>
            Come back
          </button>
        </div>
      </div>
    </div>
  );
}
