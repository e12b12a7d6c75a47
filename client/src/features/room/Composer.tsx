import { useId, useState, type SubmitEvent, type KeyboardEvent } from 'react';
import { limits } from '@hearth/shared';

/** Below this many characters left, the remaining count is shown. */
const COUNT_FROM = 400;

export function Composer({ onSend }: { onSend: (text: string) => void }) {
  const id = useId();
  const [text, setText] = useState('');
  const left = limits.messageTextMax - text.length;

  function send() {
    const trimmed = text.trim();
    if (trimmed === '') return;
    onSend(trimmed);
    setText('');
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
            setText(event.target.value);
          }}
          onKeyDown={onKeyDown}
        />
        <button type="submit">Send</button>
      </div>
      <p id={`${id}-hint`} className="hint composer-hint">
        Enter sends. Shift+Enter starts a new line.
        {left <= COUNT_FROM && ` ${String(left)} characters left.`}
      </p>
    </form>
  );
}
