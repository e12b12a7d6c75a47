import {
  lazy,
  Suspense,
  useEffect,
  useId,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
  type SubmitEvent,
} from 'react';
import {
  limits,
  reactionLabels,
  reactions,
  reportReasons,
  type Member,
  type Message,
  type Reaction,
} from '@hearth/shared';
import { ConfirmAction } from '../../components/confirm.tsx';
import { formatTime, isFacilitator, memberName } from '../../lib/format.ts';
import { useRoomUi } from './roomUi.ts';
import { categoryLabels, warningKey, warningMode, warningWords, type WarningMode } from './warnings.ts';
import {
  AuthorWarningFields,
  useWarningChoice,
  WarningPrompt,
  WarningToggle,
  type AuthorWarning,
} from './WarningPicker.tsx';

const WarnForm = lazy(() =>
  import('./facilitator/FacilitatorTools.tsx').then((module) => ({ default: module.WarnForm })),
);
const ModerationActions = lazy(() =>
  import('./facilitator/FacilitatorTools.tsx').then((module) => ({ default: module.ModerationActions })),
);

type ReportReason = (typeof reportReasons)[number];

export const reasonWords: Record<ReportReason, string> = {
  hurtful: 'It is hurtful or unkind',
  unsafe: 'It could put someone at risk',
  identifying: 'It could identify someone',
  spam: 'It is spam or off-topic',
  other: 'Something else',
};

const REPORT_NOTE_MAX = 500;
/** How much of a replied-to message its quote shows. */
const QUOTE_CHARS = 120;

export function Author({ member, own }: { member: Member; own: boolean }) {
  return (
    <span className="msg-author">
      {memberName(member)}
      {isFacilitator(member) && <span className="msg-role"> (facilitator)</span>}
      {own && <span className="msg-you"> (you)</span>}
    </span>
  );
}

/** The warning line the author sees above their own words. */
export function OwnWarning({ warning }: { warning: { categories: string[]; note: string } }) {
  const { categories } = useRoomUi();
  return <p className="cw-label">Content warning: {warningWords(warning, categories)}</p>;
}

/**
 * A message's words as this reader should meet them: behind its warning unless the reader chose
 * otherwise (here, or in their settings). The author always sees their own words.
 */
function MessageBody({ message, own }: { message: Message; own: boolean }) {
  const ui = useRoomUi();
  if (message.removed) {
    return <p className="msg-text msg-deleted">A message that was removed</p>;
  }
  if (message.deleted) {
    return <p className="msg-text msg-deleted">This message was deleted</p>;
  }
  if (message.hidden && !ui.facilitating) {
    return <p className="msg-text msg-deleted">A facilitator has hidden this message.</p>;
  }
  const warning = message.warning;
  if (!warning) return <p className="msg-text">{message.text}</p>;

  const mode = own ? 'show' : warningMode(warning, ui.preferences);
  const revealed = mode === 'show' || ui.isRevealed(message);
  const byFacilitator = warning.byFacilitator ? ' (added by a facilitator)' : '';
  const label =
    mode === 'hide' && !revealed
      ? `Hidden by your settings: ${categoryLabels(warning.categories, ui.categories).join(', ')}`
      : `Content warning: ${warningWords(warning, ui.categories)}${byFacilitator}`;

  return (
    <WarningGate
      mode={mode}
      label={label}
      revealed={revealed}
      showLabel={mode === 'hide' ? 'Show anyway' : 'Show message'}
      onToggle={() => {
        ui.setRevealed(message, !revealed);
      }}
    >
      <p className="msg-text">{message.text}</p>
    </WarningGate>
  );
}

/**
 * Words behind a content warning: the warning line, a button to show or fold them again (unless
 * the reader chose to see them anyway), and the words once shown. Also used by the report queue.
 */
export function WarningGate({
  mode,
  label,
  revealed,
  showLabel,
  onToggle,
  children,
}: {
  mode: WarningMode;
  label: string;
  revealed: boolean;
  showLabel: string;
  onToggle: () => void;
  children: ReactNode;
}) {
  const textId = useId();
  return (
    <>
      <div className={`cw cw-${mode}${revealed ? ' cw-revealed' : ''}`}>
        <p className="cw-label">{label}</p>
        {mode !== 'show' && (
          <button
            type="button"
            className="button-inline"
            aria-expanded={revealed}
            aria-controls={textId}
            onClick={onToggle}
          >
            {revealed ? 'Hide again' : showLabel}
          </button>
        )}
      </div>
      <div id={textId}>{revealed && children}</div>
    </>
  );
}

/** A small quote of the message replied to, under the same warning and deletion rules. */
export function ReplyQuote({ replyToId }: { replyToId: string }) {
  const ui = useRoomUi();
  const target = ui.byId.get(replyToId);
  if (!target) {
    return <p className="msg-quote">In reply to an earlier message</p>;
  }
  let content: string;
  if (target.removed) {
    content = 'A message that was removed';
  } else if (target.deleted) {
    content = 'This message was deleted';
  } else if (target.hidden && !ui.facilitating) {
    content = 'A facilitator has hidden this message.';
  } else if (
    target.warning &&
    target.author.memberId !== ui.me.memberId &&
    warningMode(target.warning, ui.preferences) !== 'show' &&
    !ui.isRevealed(target)
  ) {
    content =
      warningMode(target.warning, ui.preferences) === 'hide'
        ? `Hidden by your settings: ${categoryLabels(target.warning.categories, ui.categories).join(', ')}`
        : `Content warning: ${warningWords(target.warning, ui.categories)}`;
  } else {
    content =
      target.text.length > QUOTE_CHARS ? `${target.text.slice(0, QUOTE_CHARS).trimEnd()}…` : target.text;
  }
  return (
    <p className="msg-quote">
      <span className="visually-hidden">In reply to </span>
      {/* A removed message has no author any more; only its place is left. */}
      {!target.removed && <span className="msg-quote-author">{memberName(target.author)}</span>}
      <span className="msg-quote-text">{content}</span>
    </p>
  );
}

function ReactionButton({
  reaction,
  count,
  mine,
  disabled,
  onToggle,
}: {
  reaction: Reaction;
  count: number;
  mine: boolean;
  disabled: boolean;
  onToggle: () => void;
}) {
  const { emoji, label } = reactionLabels[reaction];
  return (
    <button
      type="button"
      className={mine ? 'reaction reaction-mine' : 'reaction'}
      aria-pressed={mine}
      title={label}
      disabled={disabled}
      onClick={onToggle}
    >
      <span aria-hidden="true">{emoji}</span>
      <span className="visually-hidden">{label}</span>
      {count > 0 && <span className="reaction-count">{count}</span>}
    </button>
  );
}

type Open = 'react' | 'more' | 'edit' | 'report' | 'warn' | null;
/** The buttons that open something in place, and get focus back when it closes. */
type Opener = 'react' | 'more';

export function MessageItem({ message }: { message: Message }) {
  const ui = useRoomUi();
  const metaId = useId();
  const own = message.author.memberId === ui.me.memberId;
  const [open, setOpen] = useState<Open>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const item = useRef<HTMLLIElement>(null);
  const reactButton = useRef<HTMLButtonElement>(null);
  const moreButton = useRef<HTMLButtonElement>(null);
  /** Set as something closes: the button to focus once it is gone from the page. */
  const returnTo = useRef<Opener | null>(null);
  /** Set by an action that takes this message's controls away once the room confirms it. */
  const focusItemNext = useRef(false);

  const given = reactions.filter((r) => (message.reactions[r]?.length ?? 0) > 0);
  const offered = ui.showsActions && !message.deleted && (!message.hidden || ui.facilitating);
  const actionable = offered && ui.canAct;

  async function run(task: () => Promise<string | null>, after?: string) {
    setPending(true);
    setError(null);
    setDone(null);
    const problem = await task();
    setPending(false);
    if (problem) {
      setError(problem);
      return false;
    }
    if (after) setDone(after);
    return true;
  }

  /** Whether focus was lost with what went away, or is still in this message (not elsewhere). */
  function focusIsHere() {
    const active = document.activeElement;
    return active === null || active === document.body || item.current?.contains(active) === true;
  }

  // After the DOM changed, not before: the button may only now be back in the page (the edit
  // form takes the place of the actions). Someone who went elsewhere meanwhile is left there.
  useEffect(() => {
    const opener = returnTo.current;
    returnTo.current = null;
    if (opener === null || !focusIsHere()) return;
    (opener === 'react' ? reactButton : moreButton).current?.focus();
  }, [open]);

  // Deleted, hidden or shown again, the message loses the control that was used (deleted, all
  // of them); the message itself keeps the person's place in the conversation.
  useEffect(() => {
    if (!focusItemNext.current) return;
    focusItemNext.current = false;
    if (focusIsHere()) item.current?.focus();
  }, [message.deleted, message.hidden]);

  /** Closes what is open in place, giving focus back to the button that opened it. */
  function close(opener: Opener) {
    returnTo.current = opener;
    setOpen(null);
  }

  function closeForm() {
    close('more');
  }

  /** `run`, for actions whose answer comes as the message being deleted, hidden or shown again. */
  async function runThenFocusItem(task: () => Promise<string | null>, after?: string) {
    focusItemNext.current = true;
    const ok = await run(task, after);
    if (!ok) focusItemNext.current = false;
    return ok;
  }

  function toggleReaction(reaction: Reaction) {
    const mine = message.reactions[reaction]?.includes(ui.me.memberId) ?? false;
    void run(async () => (await ui.client.react(message.id, reaction, !mine))?.message ?? null);
    if (open === 'react') close('react');
  }

  function onKeyDown(event: KeyboardEvent<HTMLLIElement>) {
    // The innermost thing open closes first: the content-warning question and a confirmation
    // handle their own Escape and stop it there. An input method uses Escape to cancel what
    // it is composing, which must not close the form around it.
    if (event.key !== 'Escape' || open === null || event.nativeEvent.isComposing) return;
    event.stopPropagation();
    close(open === 'react' ? 'react' : 'more');
  }

  const announcement = message.kind === 'announcement';
  const className = [
    'msg',
    own ? 'msg-own' : '',
    message.deleted ? 'msg-is-deleted' : '',
    message.removed ? 'msg-is-removed' : '',
    announcement ? 'msg-announcement' : '',
    message.hidden ? 'msg-hidden' : '',
  ]
    .filter(Boolean)
    .join(' ');

  return (
    // Facilitators' alerts and reports can bring a message into view and focus.
    <li ref={item} id={`msg-${message.id}`} tabIndex={-1} className={className} onKeyDown={onKeyDown}>
      <p id={metaId} className="msg-meta">
        {announcement && <span className="announcement-from">Announcement from </span>}
        {/* Nobody is named for a removed message: its author is gone, and only its place is left. */}
        {!message.removed && (
          <>
            <Author member={message.author} own={own} />{' '}
          </>
        )}
        <time dateTime={message.createdAt}>{formatTime(message.createdAt)}</time>
        {message.editedAt && !message.deleted && <span className="msg-edited">(edited)</span>}
      </p>
      {message.hidden && ui.facilitating && !message.deleted && (
        <p className="msg-hidden-mark">
          Hidden from the room{' '}
          {ui.showsActions && (
            <button
              type="button"
              className="button-inline"
              aria-describedby={metaId}
              disabled={pending || !ui.canAct}
              onClick={() => {
                void runThenFocusItem(
                  async () =>
                    (
                      await ui.client.command('message:hide', {
                        sessionId: message.sessionId,
                        messageId: message.id,
                        hidden: false,
                      })
                    )?.message ?? null,
                );
              }}
            >
              Show to the room again
            </button>
          )}
        </p>
      )}
      {message.replyToId && <ReplyQuote replyToId={message.replyToId} />}
      {open === 'edit' ? (
        <EditForm
          message={message}
          pending={pending}
          onCancel={closeForm}
          onSave={(text, warning) => {
            void run(async () => (await ui.client.edit(message.id, text, warning))?.message ?? null).then(
              (ok) => {
                if (ok) closeForm();
              },
            );
          }}
        />
      ) : (
        <MessageBody message={message} own={own} />
      )}

      {!message.deleted && (given.length > 0 || open === 'react') && (
        <div className="reactions" role="group" aria-label="Reactions">
          {(open === 'react' ? reactions : given).map((reaction) => (
            <ReactionButton
              key={reaction}
              reaction={reaction}
              count={message.reactions[reaction]?.length ?? 0}
              mine={message.reactions[reaction]?.includes(ui.me.memberId) ?? false}
              disabled={!actionable || pending}
              onToggle={() => {
                toggleReaction(reaction);
              }}
            />
          ))}
        </div>
      )}

      {offered && open !== 'edit' && (
        <div className="msg-actions">
          <button
            type="button"
            className="button-inline"
            aria-describedby={metaId}
            onClick={() => {
              ui.replyTo(message);
            }}
          >
            Reply
          </button>
          <button
            ref={reactButton}
            type="button"
            className="button-inline"
            aria-expanded={open === 'react'}
            aria-describedby={metaId}
            disabled={!actionable}
            onClick={() => {
              setOpen(open === 'react' ? null : 'react');
            }}
          >
            React
          </button>
          <button
            ref={moreButton}
            type="button"
            className="button-inline"
            aria-expanded={actionable && open === 'more'}
            aria-describedby={metaId}
            disabled={!actionable}
            onClick={() => {
              setOpen(open === 'more' ? null : 'more');
            }}
          >
            More
          </button>
        </div>
      )}

      {actionable && open === 'more' && (
        <div className="msg-more">
          {own && (
            <button
              type="button"
              className="button-secondary button-small"
              onClick={() => {
                setOpen('edit');
              }}
            >
              Edit
            </button>
          )}
          {own && (
            <ConfirmAction
              label="Delete"
              className="button-secondary button-small"
              question="Delete this for everyone? Others will see only that a message was deleted."
              confirmLabel="Yes, delete it"
              keepLabel="Keep it"
              pending={pending}
              onConfirm={async () => {
                await runThenFocusItem(async () => (await ui.client.remove(message.id))?.message ?? null);
              }}
            />
          )}
          {!own && (
            <button
              type="button"
              className="button-secondary button-small"
              onClick={() => {
                setOpen('report');
              }}
            >
              Report
            </button>
          )}
          {ui.facilitating && (
            <button
              type="button"
              className="button-secondary button-small"
              onClick={() => {
                setOpen('warn');
              }}
            >
              {message.warning ? 'Change the content warning' : 'Add a content warning'}
            </button>
          )}
          {ui.facilitating && (
            <Suspense fallback={null}>
              <ModerationActions message={message} own={own} pending={pending} run={runThenFocusItem} />
            </Suspense>
          )}
        </div>
      )}

      {open === 'report' && (
        <ReportForm
          pending={pending}
          onCancel={closeForm}
          onSend={(reason, note) => {
            void run(
              async () => (await ui.client.report(message.id, reason, note))?.message ?? null,
              'Thank you. Your report has reached the facilitators; only they can see it.',
            ).then((ok) => {
              if (ok) closeForm();
            });
          }}
        />
      )}

      {open === 'warn' && (
        <Suspense fallback={<p className="hint">Loading…</p>}>
          <WarnForm
            warning={message.warning}
            categories={ui.categories}
            pending={pending}
            onCancel={closeForm}
            onSave={(warning) => {
              void run(async () => (await ui.client.warn(message.id, warning))?.message ?? null).then(
                (ok) => {
                  if (ok) closeForm();
                },
              );
            }}
          />
        </Suspense>
      )}

      <div role="status" className="msg-status">
        {done && <p className="msg-done">{done}</p>}
      </div>
      {error && (
        <p className="msg-error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}

function sameWarning(
  a: { categories: readonly string[]; note: string } | null,
  b: { categories: readonly string[]; note: string } | null,
): boolean {
  return a === null || b === null ? a === b : warningKey(a) === warningKey(b);
}

/**
 * Changes the words and the author's own warning, with the composer's picker and its
 * suggestion. A warning a facilitator gave stays whatever the author does, so it is only shown.
 */
function EditForm({
  message,
  pending,
  onSave,
  onCancel,
}: {
  message: Message;
  pending: boolean;
  /** `warning` is left out when it cannot change (a facilitator's warning stays). */
  onSave: (text: string, warning?: AuthorWarning | null) => void;
  onCancel: () => void;
}) {
  const id = useId();
  const textarea = useRef<HTMLTextAreaElement>(null);
  const { categories } = useRoomUi();
  const [text, setText] = useState(message.text);
  const fixedWarning = message.warning?.byFacilitator ? message.warning : null;
  const choice = useWarningChoice(categories, fixedWarning ? null : message.warning);

  function save(addSuggested: boolean) {
    const trimmed = text.trim();
    if (fixedWarning) onSave(trimmed);
    else onSave(trimmed, choice.warning(addSuggested));
  }

  function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const trimmed = text.trim();
    const unchanged =
      trimmed === message.text && (fixedWarning !== null || sameWarning(choice.warning(false), message.warning));
    if (trimmed === '' || unchanged) {
      onCancel();
      return;
    }
    if (fixedWarning || choice.check(trimmed)) save(false);
  }

  return (
    <form className="msg-form" onSubmit={submit}>
      <label htmlFor={id}>Edit what you wrote</label>
      <textarea
        ref={textarea}
        id={id}
        rows={2}
        maxLength={limits.messageTextMax}
        value={text}
        // Opened on purpose by the person, so their words are ready to change.
        autoFocus
        onChange={(event) => {
          setText(event.target.value);
          choice.dismissSuggestion();
        }}
      />
      <p className="hint">Others will see that it was edited, never what it said before.</p>
      {fixedWarning ? (
        <p className="hint">
          A facilitator gave this message a content warning ({warningWords(fixedWarning, categories)}).
          It stays as it is.
        </p>
      ) : (
        <>
          <p>
            <WarningToggle choice={choice} />
          </p>
          <AuthorWarningFields choice={choice} categories={categories} />
        </>
      )}
      <WarningPrompt
        choice={choice}
        verb="save"
        disabled={pending}
        onAnswer={save}
        onDismiss={() => {
          choice.dismissSuggestion();
          textarea.current?.focus();
        }}
      />
      <div className="actions">
        <button type="submit" className="button-small" disabled={pending}>
          Save
        </button>
        <button type="button" className="button-secondary button-small" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function ReportForm({
  pending,
  onSend,
  onCancel,
}: {
  pending: boolean;
  onSend: (reason: ReportReason, note: string) => void;
  onCancel: () => void;
}) {
  const id = useId();
  const [reason, setReason] = useState<ReportReason>('hurtful');
  const [note, setNote] = useState('');
  function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    onSend(reason, note.trim());
  }
  return (
    <form className="msg-form" onSubmit={submit}>
      <fieldset>
        <legend>Why are you reporting this?</legend>
        <p className="hint">Only the facilitators see reports. The writer is not told who reported it.</p>
        {reportReasons.map((option, index) => (
          <div className="check" key={option}>
            <input
              id={`${id}-${option}`}
              type="radio"
              name={`${id}-reason`}
              value={option}
              checked={reason === option}
              // Opened on purpose; the first choice is where the person starts.
              autoFocus={index === 0}
              onChange={() => {
                setReason(option);
              }}
            />
            <label htmlFor={`${id}-${option}`}>{reasonWords[option]}</label>
          </div>
        ))}
      </fieldset>
      <label htmlFor={`${id}-note`}>Anything the facilitators should know (optional)</label>
      <textarea
        id={`${id}-note`}
        rows={2}
        maxLength={REPORT_NOTE_MAX}
        value={note}
        onChange={(event) => {
          setNote(event.target.value);
        }}
      />
      <div className="actions">
        <button type="submit" className="button-small" disabled={pending}>
          Send report
        </button>
        <button type="button" className="button-secondary button-small" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

