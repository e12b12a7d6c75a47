/**
 * What only facilitators use: in a room, and the check-out totals on the group page. Loaded only
 * for them, so the code every participant downloads stays small. (One chunk on purpose: a chunk
 * of its own for the group page's part made the bundler split the participants' code in two.)
 */
import { useState, type SubmitEvent } from 'react';
import type { CwCategory, Warning, WarningInput } from '@hearth/shared';
import { ConfirmAction } from '../../../components/confirm.tsx';
import { api, toApiRequestError } from '../../../lib/api.ts';
import { WarningFields } from '../WarningPicker.tsx';
import './console.css';

export { ConsoleAnnouncer } from './ConsoleAnnouncer.tsx';
export { FacilitatorConsole } from './FacilitatorConsole.tsx';
export { ModerationActions } from './ModerationActions.tsx';
export { RecentSessions } from '../../../pages/RecentSessions.tsx';

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
