import { useState, type SubmitEvent } from 'react';
import { limits, type ConsoleState } from '@hearth/shared';
import { SelectField, TextAreaField } from '../../../components/forms.tsx';
import { formatTime, memberName } from '../../../lib/format.ts';
import { newClientId } from '../../../lib/ids.ts';
import { ColourTag } from '../CheckIn.tsx';
import type { RoomClient, RoomState } from '../roomClient.ts';
import { ConsoleSection } from './ConsoleSection.tsx';
import { CommandStatus } from './CommandStatus.tsx';
import { useCommand } from './useCommand.ts';

const pauseMinutes = [1, 2, 3, 5];
const slowModeChoices = [0, 10, 30, 60];

/** Announcement, grounding pause, slow mode and the lock: what changes the room for everyone. */
export function SessionControls({ client, state }: { client: RoomClient; state: RoomState }) {
  const { controls } = state;
  const sessionId = client.sessionId;
  const { pending, error, done, run } = useCommand(client);
  const [announcement, setAnnouncement] = useState('');
  const [minutes, setMinutes] = useState('2');
  const [slow, setSlow] = useState(() => String(controls.slowModeSeconds));
  // When slow mode changes (a co-facilitator, or this one), the select follows it, so "Set slow
  // mode" never quietly puts back an old value. A choice being made is kept until then.
  const [slowWas, setSlowWas] = useState(controls.slowModeSeconds);
  if (slowWas !== controls.slowModeSeconds) {
    setSlowWas(controls.slowModeSeconds);
    setSlow(String(controls.slowModeSeconds));
  }
  const slowChoices = slowModeChoices.includes(controls.slowModeSeconds)
    ? slowModeChoices
    : [...slowModeChoices, controls.slowModeSeconds].sort((a, b) => a - b);

  function announce(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const text = announcement.trim();
    if (text === '') return;
    void run(
      () => client.command('room:announce', { sessionId, clientId: newClientId(), text }),
      'Your announcement is in the room.',
    ).then((ok) => {
      if (ok) setAnnouncement('');
    });
  }

  function setSlowMode(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const seconds = Number(slow);
    void run(
      () => client.command('room:slow-mode', { sessionId, seconds }),
      seconds === 0 ? 'Slow mode is off.' : `Slow mode: one message every ${String(seconds)} seconds.`,
    );
  }

  function pause(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    void run(
      () => client.command('room:pause', { sessionId, seconds: Number(minutes) * 60 }),
      'The grounding pause has begun.',
    );
  }

  return (
    <ConsoleSection title="Session controls">
      <form className="stack console-form" onSubmit={announce}>
        <TextAreaField
          label="Announcement"
          hint="Everyone sees it set apart from the conversation, pinned until they put it away."
          rows={2}
          maxLength={limits.messageTextMax}
          value={announcement}
          onChange={(event) => {
            setAnnouncement(event.target.value);
          }}
        />
        <div className="actions">
          <button type="submit" className="button-small" disabled={pending}>
            Send announcement
          </button>
        </div>
      </form>

      {state.paused && controls.pausedUntil ? (
        <div className="console-form">
          <p>
            The room is in a grounding pause until{' '}
            <time dateTime={controls.pausedUntil}>{formatTime(controls.pausedUntil)}</time>.
          </p>
          <button
            type="button"
            className="button-small"
            disabled={pending}
            onClick={() => {
              void run(() => client.command('room:resume', { sessionId }), 'The pause has ended.');
            }}
          >
            End pause
          </button>
        </div>
      ) : (
        <form className="console-form inline-form" onSubmit={pause}>
          <SelectField
            label="Length of a grounding pause"
            value={minutes}
            onChange={(event) => {
              setMinutes(event.target.value);
            }}
          >
            {pauseMinutes.map((value) => (
              <option key={value} value={String(value)}>
                {value === 1 ? '1 minute' : `${String(value)} minutes`}
              </option>
            ))}
          </SelectField>
          <button type="submit" className="button-secondary button-small" disabled={pending}>
            Start a grounding pause
          </button>
        </form>
      )}

      <form className="console-form inline-form" onSubmit={setSlowMode}>
        <SelectField
          label="Slow mode"
          hint={
            controls.slowModeSeconds === 0
              ? 'Off now. Each participant would wait this long between messages.'
              : `On now: one message every ${String(controls.slowModeSeconds)} seconds per participant.`
          }
          value={slow}
          onChange={(event) => {
            setSlow(event.target.value);
          }}
        >
          {slowChoices.map((value) => (
            <option key={value} value={String(value)}>
              {value === 0 ? 'Off' : `${String(value)} seconds`}
            </option>
          ))}
        </SelectField>
        <button
          type="submit"
          className="button-secondary button-small"
          disabled={pending || Number(slow) === controls.slowModeSeconds}
        >
          Set slow mode
        </button>
      </form>

      <div className="console-form">
        <p>
          {controls.locked
            ? 'The room is locked: people already let in may come back, nobody new can enter.'
            : 'The room is open to the group’s members.'}
        </p>
        <button
          type="button"
          className="button-secondary button-small"
          disabled={pending}
          onClick={() => {
            const locked = !controls.locked;
            void run(
              () => client.command('room:lock', { sessionId, locked }),
              locked ? 'The room is locked.' : 'The room is unlocked.',
            );
          }}
        >
          {controls.locked ? 'Unlock the room' : 'Lock the room'}
        </button>
      </div>
      <CommandStatus error={error} done={done} />
    </ConsoleSection>
  );
}

/** A check-in round: open it, read each answer as it comes, close it. */
export function CheckInRound({
  client,
  state,
  console: staff,
}: {
  client: RoomClient;
  state: RoomState;
  console: ConsoleState | null;
}) {
  const sessionId = client.sessionId;
  const { pending, error, done, run } = useCommand(client);
  const open = state.controls.checkIn;
  const answers = staff?.checkIn && staff.checkIn.id === open?.id ? staff.checkIn.answers : [];
  const participants = state.roster.filter(
    (entry) => entry.state !== 'left' && entry.member.role === 'participant',
  ).length;
  const round = open
    ? { command: 'checkin:close' as const, done: 'The check-in round is closed.', label: 'Close the check-in round' }
    : { command: 'checkin:open' as const, done: 'The check-in round is open.', label: 'Open a check-in round' };
  return (
    <ConsoleSection title="Check-in round">
      {open ? (
        <>
          <p>
            A check-in round is open. {answers.length} of {participants}{' '}
            {participants === 1 ? 'participant has' : 'participants have'} answered. Participants see
            only their own answer.
          </p>
          {answers.length > 0 && (
            <ul className="plain-list console-list">
              {answers.map((answer) => (
                <li key={answer.member.memberId} className="list-row">
                  <span className="list-main">{memberName(answer.member)}</span>
                  <ColourTag colour={answer.colour} word={answer.word} />
                </li>
              ))}
            </ul>
          )}
        </>
      ) : (
        <>
          <p className="hint">
            Each participant can say how they are arriving: green, amber or red, and a word if they
            like. Only facilitators see the answers.
          </p>
        </>
      )}
      <button
        type="button"
        className="button-secondary button-small"
        disabled={pending}
        onClick={() => {
          void run(() => client.command(round.command, { sessionId }), round.done);
        }}
      >
        {round.label}
      </button>
      <CommandStatus error={error} done={done} />
    </ConsoleSection>
  );
}
