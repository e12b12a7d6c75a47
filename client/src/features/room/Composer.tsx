import { useId, type SubmitEvent, type KeyboardEvent } from 'react';
import { limits } from '@hearth/shared';

/** Below this many characters left, the remaining count is shown. */
const COUNT_FROM = 400;

interface ComposerProps {
  text: string;
  onChange: (text: string) => void;
  onSend: (text: string) => void;
  /** Why sending is paused, or null. The text stays editable so it can be kept or copied. */
  pausedHint: string | null;
}

export function Composer({ text, onChange, onSend, pausedHint }: ComposerProps) {
  const id = useId();
  const left = limits.messageTextMax - text.length;
  const paused = pausedHint !== null;

  function send() {
    const trimmed = text.trim();
    if (trimmed === '' || paused) return;
    onSend(trimmed);
    onChange('');
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

  return (
    <form className="composer" onSubmit={onSubmit}>
      <label htmlFor={`${id}-text`} className="composer-label">
        Message
      </label>
      <div className="composer-row">
        <textarea
          id={`${id}-text`}
          name="text"
          rows={2}
          maxLength={limits.messageTextMax}
          aria-describedby={`${id}-hint`}
          value={text}
          onChange={(event) => {
            onChange(event.target.value);
          }}
          onKeyDown={onKeyDown}
        />
        <button type="submit" disabled={paused}>
          Send
        </button>
      </div>
      <p id={`${id}-hint`} className="hint composer-hint">
        {pausedHint ?? 'Enter sends. Shift+Enter starts a new line.'}
        {left <= COUNT_FROM && ` ${String(left)} characters left.`}
      </p>
    </form>
  );
}
