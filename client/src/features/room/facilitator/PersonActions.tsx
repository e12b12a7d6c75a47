import { useEffect, useRef, useState, type KeyboardEvent, type SubmitEvent } from 'react';
import { limits, type Member } from '@hearth/shared';
import { ConfirmAction } from '../../../components/confirm.tsx';
import { Field, SelectField } from '../../../components/forms.tsx';
import { formatTime, memberName } from '../../../lib/format.ts';
import type { RoomClient } from '../roomClient.ts';
import { CommandStatus } from './CommandStatus.tsx';
import { useCommand } from './useCommand.ts';

type Mode = 'menu' | 'mute' | 'remove' | 'ban' | 'clear' | null;

const muteMinutes = [5, 10, 15, 30];

/**
 * What a facilitator can do about one participant. A small menu of buttons opens under the
 * trigger; each choice that needs words or a second thought opens a form in its place. Escape
 * or Cancel closes it, and focus goes back to the trigger. With `banOnly` (the waiting room) the
 * trigger opens the ban form itself. Without `onOpenThread` (someone no longer here) there is no
 * side conversation to open.
 */
export function PersonActions({
  client,
  member,
  muted,
  onOpenThread = null,
  banOnly = false,
}: {
  client: RoomClient;
  member: Member;
  muted: boolean;
  onOpenThread?: (() => void) | null;
  banOnly?: boolean;
}) {
  const name = memberName(member);
  const sessionId = client.sessionId;
  const memberId = member.memberId;
  const [mode, setMode] = useState<Mode>(null);
  const [minutes, setMinutes] = useState('10');
  const [reason, setReason] = useState('');
  const trigger = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const { pending, error, done, run } = useCommand(client);

  useEffect(() => {
    if (mode === 'menu') menu.current?.querySelector('button')?.focus();
  }, [mode]);

  function close() {
    setMode(null);
    setReason('');
    requestAnimationFrame(() => trigger.current?.focus());
  }

  function choose(next: Mode) {
    setReason('');
    setMode(next);
  }

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key === 'Escape' && mode !== null && !event.nativeEvent.isComposing) {
      event.stopPropagation();
      close();
    }
  }

  async function act(task: Parameters<typeof run>[0], words: string) {
    if (await run(task, words)) close();
  }

  function mute(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    void (async () => {
      const res = await client.ask('member:mute', {
        sessionId,
        memberId,
        minutes: Number(minutes),
        reason: reason.trim(),
      });
      await act(
        async () => (res.ok ? null : res.error),
        res.ok ? `${name} is muted until ${formatTime(res.data.until)}.` : '',
      );
    })();
  }

  // The form was opened on purpose: its first field takes focus.
  const reasonField = (required: boolean, first = true) => (
    <Field
      label={required ? 'Reason (needed; kept in the audit log)' : 'Reason (optional; kept in the audit log)'}
      maxLength={limits.reasonMax}
      autoComplete="off"
      autoFocus={first}
      value={reason}
      onChange={(event) => {
        setReason(event.target.value);
      }}
    />
  );

  const option = (label: string, next: Mode) => (
    <button
      type="button"
      className="button-secondary button-small"
      onClick={() => {
        choose(next);
      }}
    >
      {label}
    </button>
  );

  const cancel = (
    <button type="button" className="button-quiet button-small" onClick={close}>
      Cancel
    </button>
  );

  return (
    <div className="person-actions" onKeyDown={onKeyDown}>
      <button
        ref={trigger}
        type="button"
        className="button-inline"
        aria-expanded={mode !== null}
        onClick={() => {
          if (mode === null) setMode(banOnly ? 'ban' : 'menu');
          else close();
        }}
      >
        {banOnly ? (
          // One span, so that the button's flex layout keeps the space before "from".
          <span>
            Ban<span className="visually-hidden"> {name}</span> from the group
          </span>
        ) : (
          <>
            Actions<span className="visually-hidden"> for {name}</span>
          </>
        )}
      </button>

      {mode === 'menu' && (
        <div ref={menu} className="person-menu" role="group" aria-label={`Actions for ${name}`}>
          {muted ? (
            <button
              type="button"
              className="button-secondary button-small"
              disabled={pending}
              onClick={() => {
                void act(() => client.command('member:unmute', { sessionId, memberId }), `${name} can write again.`);
              }}
            >
              Unmute
            </button>
          ) : (
            option('Mute', 'mute')
          )}
          {onOpenThread && (
            <button
              type="button"
              className="button-secondary button-small"
              onClick={() => {
                setMode(null);
                onOpenThread();
              }}
            >
              Open side conversation
            </button>
          )}
          {option('Remove all their messages', 'clear')}
          {option('Remove from this session', 'remove')}
          {option('Ban from the group', 'ban')}
          {cancel}
        </div>
      )}

      {mode === 'mute' && (
        <form className="person-form stack" onSubmit={mute} aria-label={`Mute ${name}`}>
          <SelectField
            label="Mute for"
            autoFocus
            value={minutes}
            onChange={(event) => {
              setMinutes(event.target.value);
            }}
          >
            {muteMinutes.map((value) => (
              <option key={value} value={String(value)}>
                {value} minutes
              </option>
            ))}
          </SelectField>
          {reasonField(false, false)}
          <p className="hint">{name} is told privately, and can read and write drafts meanwhile.</p>
          <div className="actions">
            <button type="submit" className="button-small" disabled={pending}>
              Mute
            </button>
            {cancel}
          </div>
        </form>
      )}

      {mode === 'remove' && (
        <div className="person-form stack" role="group" aria-label={`Remove ${name} from this session`}>
          {reasonField(false)}
          <ConfirmAction
            label="Remove from this session"
            className="button-secondary button-small"
            question={`Remove ${name} from this session? They are told privately, and may come to the group’s next session.`}
            confirmLabel="Yes, remove them"
            keepLabel="Keep them here"
            pending={pending}
            onConfirm={() =>
              act(
                () => client.command('member:remove', { sessionId, memberId, reason: reason.trim() }),
                `${name} has been removed from this session.`,
              )
            }
          />
          {cancel}
        </div>
      )}

      {mode === 'ban' && (
        <div className="person-form stack" role="group" aria-label={`Ban ${name} from the group`}>
          {reasonField(true)}
          <ConfirmAction
            label="Ban from the group"
            className="button-secondary button-small"
            question={`Ban ${name} from the group? They leave this room now and cannot come to its sessions until an organiser lifts the ban.`}
            confirmLabel="Yes, ban them"
            keepLabel="Don’t ban"
            pending={pending}
            onConfirm={async () => {
              if (reason.trim() === '') {
                await run(async () => ({ code: 'invalid_input', message: 'Please give a reason for the ban.' }));
                return;
              }
              await act(
                () => client.command('member:ban', { sessionId, memberId, reason: reason.trim() }),
                `${name} is banned from the group.`,
              );
            }}
          />
          {cancel}
        </div>
      )}

      {mode === 'clear' && (
        <div className="person-form stack" role="group" aria-label={`Remove all of ${name}’s messages`}>
          {reasonField(false)}
          <ConfirmAction
            label="Remove all their messages"
            className="button-secondary button-small"
            question={`Remove all of ${name}’s messages from this session? Everyone will see only that they were deleted.`}
            confirmLabel="Yes, remove them"
            keepLabel="Keep them"
            pending={pending}
            onConfirm={async () => {
              const res = await client.ask('member:clear-messages', { sessionId, memberId, reason: reason.trim() });
              await act(
                async () => (res.ok ? null : res.error),
                res.ok ? `${String(res.data.removed)} of ${name}’s messages were removed.` : '',
              );
            }}
          />
          {cancel}
        </div>
      )}

      <CommandStatus error={error} done={done} />
    </div>
  );
}
