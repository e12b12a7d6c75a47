import {
  useEffect,
  useId,
  useRef,
  type KeyboardEvent,
  type ReactNode,
  type RefObject,
  type SubmitEvent,
} from 'react';
import { limits, type CwCategory, type Message } from '@hearth/shared';
import type { SendOptions } from './roomClient.ts';
import { ReplyQuote } from './MessageItem.tsx';
import { AuthorWarningFields, useWarningChoice, WarningPrompt, WarningToggle } from './WarningPicker.tsx';

/** Below this many characters left, the remaining count is shown. */
const COUNT_FROM = 400;

interface ComposerProps {
  text: string;
  onChange: (text: string) => void;
  onSend: (text: string, options: SendOptions) => void;
  /**
   * Why sending is paused, or null; shown next to Send. Only Send waits: the text stays
   * editable, so nobody loses their place mid-sentence, and it can be kept or copied.
   */
  pausedHint: string | null;
  /** Said under Send without holding it: slow mode, or why the room refused a message. */
  note?: ReactNode;
  /** The group's content-warning categories. */
  categories: readonly CwCategory[];
  replyTo: Message | null;
  onCancelReply: () => void;
  /** Called as the person types (the room decides whether others are told). */
  onTyping: () => void;
  /** The message box, for the room to give focus to when what had it goes away. */
  boxRef?: RefObject<HTMLTextAreaElement | null>;
}

export function Composer({
  text,
  onChange,
  onSend,
  pausedHint,
  note = null,
  categories,
  replyTo,
  onCancelReply,
  onTyping,
  boxRef,
}: ComposerProps) {
  const id = useId();
  const ownBox = useRef<HTMLTextAreaElement>(null);
  const textarea = boxRef ?? ownBox;
  const choice = useWarningChoice(categories);
  const left = limits.messageTextMax - text.length;
  const paused = pausedHint !== null;

  useEffect(() => {
    if (replyTo) textarea.current?.focus();
  }, [replyTo, textarea]);

  function finish(addSuggested: boolean) {
    onSend(text.trim(), { replyToId: replyTo?.id ?? null, warning: choice.warning(addSuggested) });
    onChange('');
    choice.reset();
    onCancelReply();
    textarea.current?.focus();
  }

  function send() {
    const trimmed = text.trim();
    if (trimmed === '' || paused) return;
    if (choice.check(trimmed)) finish(false);
  }

  function onSubmit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    send();
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    // While an input method is composing, Enter confirms the characters rather than sending.
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      send();
    }
  }

  const describedBy = paused ? `${id}-paused ${id}-hint` : `${id}-hint`;

  return (
    <form className="composer" onSubmit={onSubmit}>
      {replyTo && (
        <div className="composer-reply">
          <div className="composer-reply-quote">
            <span className="hint">Replying to</span>
            <ReplyQuote replyToId={replyTo.id} />
          </div>
          <button
            type="button"
            className="button-inline"
            onClick={() => {
              onCancelReply();
              textarea.current?.focus();
            }}
          >
            Cancel reply
          </button>
        </div>
      )}

      <AuthorWarningFields choice={choice} categories={categories} />

      <label htmlFor={`${id}-text`} className="composer-label">
        Message
      </label>
      <div className="composer-row">
        <textarea
          ref={textarea}
          id={`${id}-text`}
          name="text"
          rows={2}
          maxLength={limits.messageTextMax}
          aria-describedby={describedBy}
          value={text}
          onChange={(event) => {
            onChange(event.target.value);
            choice.dismissSuggestion();
            if (event.target.value.trim() !== '') onTyping();
          }}
          onKeyDown={onKeyDown}
        />
        <button type="submit" disabled={paused} aria-describedby={paused ? `${id}-paused` : undefined}>
          Send
        </button>
      </div>
      {/* Next to Send, and announced when it changes: why Send waits. */}
      <p id={`${id}-paused`} className={paused ? 'composer-paused' : 'visually-hidden'} role="status">
        {pausedHint ?? ''}
      </p>
      {note}

      <WarningPrompt
        choice={choice}
        verb="send"
        disabled={paused}
        onAnswer={finish}
        onDismiss={() => {
          choice.dismissSuggestion();
          textarea.current?.focus();
        }}
      />

      <div className="composer-foot">
        <WarningToggle choice={choice} />
        <p id={`${id}-hint`} className="hint composer-hint">
          Enter sends. Shift+Enter starts a new line.
          {left <= COUNT_FROM && ` ${String(left)} characters left.`}
        </p>
      </div>
    </form>
  );
}
