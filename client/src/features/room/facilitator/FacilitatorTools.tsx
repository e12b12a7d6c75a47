/**
 * What only facilitators use in a room. Loaded when a facilitator opens a room, so the code every
 * participant downloads stays small.
 */
import { useId, useState, type SubmitEvent } from 'react';
import type { CwCategory, Member, Warning, WarningInput } from '@hearth/shared';
import { ConfirmAction } from '../../../components/confirm.tsx';
import { api, toApiRequestError } from '../../../lib/api.ts';
import { formatTime } from '../../../lib/format.ts';
import { supportAlertKey, type SupportAlert } from '../roomClient.ts';
import { WarningFields } from '../WarningPicker.tsx';

export function WaitingRoomList({
  waiting,
  onAdmit,
}: {
  waiting: readonly Member[];
  onAdmit: (memberId: string) => Promise<string | null>;
}) {
  const headingId = useId();
  const [pending, setPending] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  function admit(memberId: string) {
    setPending(memberId);
    setError(null);
    void onAdmit(memberId).then((problem) => {
      setPending(null);
      setError(problem);
    });
  }

  // The live region stays in the page, so that someone arriving in the waiting room is announced.
  return (
    <div aria-live="polite">
      {waiting.length > 0 && (
        <section className="room-waiting-list" aria-labelledby={headingId}>
          <h2 id={headingId} className="room-section-title">
            Waiting room
          </h2>
          <ul className="plain-list">
            {waiting.map((member) => (
              <li key={member.memberId} className="list-row">
                <span className="list-main">{member.pseudonym}</span>
                <button
                  type="button"
                  className="button-small"
                  disabled={pending === member.memberId}
                  onClick={() => {
                    admit(member.memberId);
                  }}
                >
                  Let in<span className="visually-hidden"> {member.pseudonym}</span>
                </button>
              </li>
            ))}
          </ul>
          {error && (
            <p className="msg-error" role="alert">
              {error}
            </p>
          )}
        </section>
      )}
    </div>
  );
}

export function SupportAlerts({
  alerts,
  onDismiss,
}: {
  alerts: readonly SupportAlert[];
  onDismiss: (alert: SupportAlert) => void;
}) {
  const headingId = useId();
  return (
    <div aria-live="polite">
      {alerts.length > 0 && (
        <section className="room-support-alerts" aria-labelledby={headingId}>
          <h2 id={headingId} className="room-section-title">
            Support asked for
          </h2>
          <p className="hint">Only facilitators see this. Reach out to them privately and gently.</p>
          <ul className="plain-list">
            {alerts.map((alert) => (
              <li key={supportAlertKey(alert)} className="list-row">
                <span>
                  <span className="list-main">{alert.member.pseudonym}</span> asked for support at{' '}
                  <time dateTime={alert.at}>{formatTime(alert.at)}</time>
                </span>
                <button
                  type="button"
                  className="button-secondary button-small"
                  onClick={() => {
                    onDismiss(alert);
                  }}
                >
                  Done<span className="visually-hidden"> with {alert.member.pseudonym}’s request</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

export function EndSessionControl({
  sessionId,
  onEnded,
}: {
  sessionId: string;
  onEnded: () => void;
}) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <ConfirmAction
        label="End session"
        className="button-secondary button-small"
        question="End this session for everyone now? The room closes and nobody can write in it any more."
        confirmLabel="Yes, end the session"
        keepLabel="Keep it open"
        pending={pending}
        onConfirm={async () => {
          setPending(true);
          setError(null);
          try {
            await api.endSession(sessionId);
            onEnded();
          } catch (caught) {
            setError(toApiRequestError(caught).message);
          } finally {
            setPending(false);
          }
        }}
      />
      {error && (
        <p className="msg-error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}

/** Add or change the warning on any message; everyone sees the change at once. */
export function WarnForm({
  warning,
  categories,
  pending,
  onSave,
  onCancel,
}: {
  warning: Warning | null;
  categories: readonly CwCategory[];
  pending: boolean;
  onSave: (warning: WarningInput) => void;
  onCancel: () => void;
}) {
  const [chosen, setChosen] = useState<readonly string[]>(warning?.categories ?? []);
  const [note, setNote] = useState(warning?.note ?? '');
  const [problem, setProblem] = useState<string | null>(null);

  function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    if (chosen.length === 0 && note.trim() === '') {
      setProblem('Choose a category or write a short note.');
      return;
    }
    setProblem(null);
    onSave({ categories: [...chosen], note: note.trim() });
  }

  return (
    <form className="msg-form" onSubmit={submit}>
      <WarningFields
        categories={categories}
        chosen={chosen}
        onToggle={(key, on) => {
          setChosen((current) => (on ? [...current, key] : current.filter((k) => k !== key)));
        }}
        note={note}
        onNoteChange={setNote}
        hint="Everyone in the room sees the change at once, also later arrivals."
        autoFocusFirst
      />
      {problem && (
        <p className="msg-error" role="alert">
          {problem}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="button-small" disabled={pending}>
          Save warning
        </button>
        <button type="button" className="button-secondary button-small" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
