import {
  useEffect,
  useId,
  useRef,
  useState,
  type KeyboardEvent,
  type SubmitEvent,
} from 'react';
import { limits, suggestWarnings, type CwCategory, type Message } from '@hearth/shared';
import type { SendOptions } from './roomClient.ts';
import { ReplyQuote } from './MessageItem.tsx';

/** Below this many characters left, the remaining count is shown. */
const COUNT_FROM = 400;

interface ComposerProps {
  text: string;
  onChange: (text: string) => void;
  onSend: (text: string, options: SendOptions) => void;
  /** Why sending is paused, or null. The text stays editable so it can be kept or copied. */
  pausedHint: string | null;
  /** Sending is not possible at all right now (the room waits for a facilitator). */
  disabled: boolean;
  /** The group's content-warning categories. */
  categories: readonly CwCategory[];
  replyTo: Message | null;
  onCancelReply: () => void;
  /** Called as the person types (the room decides whether others are told). */
  onTyping: () => void;
}

function listInWords(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words.at(-1) ?? ''}`;
}

export function Composer({
  text,
  onChange,
  onSend,
  pausedHint,
  disabled,
  categories,
  replyTo,
  onCancelReply,
  onTyping,
}: ComposerProps) {
  const id = useId();
  const textarea = useRef<HTMLTextAreaElement>(null);
  const promptButton = useRef<HTMLButtonElement>(null);
  const [warnOpen, setWarnOpen] = useState(false);
  const [chosen, setChosen] = useState<readonly string[]>([]);
  const [note, setNote] = useState('');
  /** Categories the text seems to touch, asked about before sending; null when not asking. */
  const [suggested, setSuggested] = useState<readonly CwCategory[] | null>(null);
  const left = limits.messageTextMax - text.length;
  const paused = pausedHint !== null || disabled;

  useEffect(() => {
    if (replyTo) textarea.current?.focus();
  }, [replyTo]);

  useEffect(() => {
    if (suggested) promptButton.current?.focus();
  }, [suggested]);

  function finish(withCategories: readonly string[], withWarning: boolean) {
    const trimmed = text.trim();
    const trimmedNote = warnOpen ? note.trim() : '';
    const categoriesToSend = [...new Set(withCategories)].slice(0, limits.cwCategoriesMax);
    const warning =
      withWarning && (categoriesToSend.length > 0 || trimmedNote !== '')
        ? { categories: categoriesToSend, note: trimmedNote }
        : null;
    onSend(trimmed, { replyToId: replyTo?.id ?? null, warning });
    onChange('');
    setChosen([]);
    setNote('');
    setWarnOpen(false);
    setSuggested(null);
    onCancelReply();
    textarea.current?.focus();
  }

  function send() {
    const trimmed = text.trim();
    if (trimmed === '' || paused) return;
    // A suggestion only: the author decides, and is asked once per attempt.
    const found = suggestWarnings(trimmed, categories, warnOpen ? chosen : []);
    if (found.length > 0) {
      setSuggested(found);
      return;
    }
    finish(chosen, warnOpen);
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

  function toggleCategory(key: string, on: boolean) {
    setChosen((current) => (on ? [...current, key] : current.filter((k) => k !== key)));
  }

  const hint = pausedHint ?? 'Enter sends. Shift+Enter starts a new line.';

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

      {warnOpen && (
        <fieldset className="composer-cw">
          <legend>Content warning</legend>
          <p className="hint">
            Others will see the warning first and choose whether to read on. Pick what fits (up
            to {limits.cwCategoriesMax}), or write a short note.
          </p>
          <div className="cw-choices">
            {categories.map((category) => (
              <div className="check" key={category.key}>
                <input
                  id={`${id}-cw-${category.key}`}
                  type="checkbox"
                  checked={chosen.includes(category.key)}
                  disabled={
                    !chosen.includes(category.key) && chosen.length >= limits.cwCategoriesMax
                  }
                  onChange={(event) => {
                    toggleCategory(category.key, event.target.checked);
                  }}
                />
                <label htmlFor={`${id}-cw-${category.key}`}>{category.label}</label>
              </div>
            ))}
          </div>
          <div className="field">
            <label htmlFor={`${id}-cw-note`}>Warning note (optional)</label>
            <input
              id={`${id}-cw-note`}
              maxLength={limits.cwNoteMax}
              value={note}
              onChange={(event) => {
                setNote(event.target.value);
              }}
            />
          </div>
        </fieldset>
      )}

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
          aria-describedby={`${id}-hint`}
          disabled={disabled}
          value={text}
          onChange={(event) => {
            onChange(event.target.value);
            setSuggested(null);
            if (event.target.value.trim() !== '') onTyping();
          }}
          onKeyDown={onKeyDown}
        />
        <button type="submit" disabled={paused}>
          Send
        </button>
      </div>

      {suggested && (
        <div
          className="cw-prompt"
          role="group"
          aria-labelledby={`${id}-prompt`}
          onKeyDown={(event) => {
            if (event.key === 'Escape') {
              setSuggested(null);
              textarea.current?.focus();
            }
          }}
        >
          <p id={`${id}-prompt`}>
            This message may touch on {listInWords(suggested.map((c) => c.label))}. Add a content
            warning?
          </p>
          <div className="actions">
            <button
              ref={promptButton}
              type="button"
              className="button-small"
              onClick={() => {
                finish([...(warnOpen ? chosen : []), ...suggested.map((c) => c.key)], true);
              }}
            >
              Add warning and send
            </button>
            <button
              type="button"
              className="button-secondary button-small"
              onClick={() => {
                finish(chosen, warnOpen);
              }}
            >
              Send without warning
            </button>
          </div>
        </div>
      )}

      <div className="composer-foot">
        <button
          type="button"
          className="button-inline"
          aria-expanded={warnOpen}
          disabled={disabled}
          onClick={() => {
            setWarnOpen(!warnOpen);
          }}
        >
          {warnOpen ? 'Remove the content warning' : 'Add a content warning'}
        </button>
        <p id={`${id}-hint`} className="hint composer-hint">
          {hint}
          {left <= COUNT_FROM && ` ${String(left)} characters left.`}
        </p>
      </div>
    </form>
  );
}
