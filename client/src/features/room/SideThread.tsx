import { useState, type SubmitEvent } from 'react';
import { limits, type Member, type SideMessage } from '@hearth/shared';
import { FormError, TextAreaField } from '../../components/forms.tsx';
import { formatTime, isFacilitator, memberName } from '../../lib/format.ts';

/** One private thread between the facilitators and a participant, as a list. */
export function SideMessages({ messages, me }: { messages: readonly SideMessage[]; me: Member }) {
  if (messages.length === 0) return <p className="empty">No messages yet.</p>;
  return (
    <ol className="side-thread">
      {messages.map((message) => (
        <li key={message.id} className={message.author.memberId === me.memberId ? 'side-own' : undefined}>
          <p className="msg-meta">
            <span className="msg-author">
              {message.author.memberId === me.memberId ? 'You' : memberName(message.author)}
              {isFacilitator(message.author) && message.author.memberId !== me.memberId && (
                <span className="msg-role"> (facilitator)</span>
              )}
            </span>{' '}
            <time dateTime={message.createdAt}>{formatTime(message.createdAt)}</time>
          </p>
          <p className="msg-text">{message.text}</p>
        </li>
      ))}
    </ol>
  );
}

/**
 * A small box to write in a private thread; the words stay until they are sent. The room keeps
 * a participant's words itself (`draft`), so that closing the panel to look something up, say
 * the crisis resources, does not throw away what they were writing.
 */
export function SideComposer({
  label,
  onSend,
  disabled = false,
  autoFocus = false,
  draft,
}: {
  label: string;
  onSend: (text: string) => Promise<string | null>;
  disabled?: boolean;
  /** Opened on purpose (a facilitator chose this conversation), so the words go here. */
  autoFocus?: boolean;
  draft?: { text: string; setText: (text: string) => void };
}) {
  const [ownText, setOwnText] = useState('');
  const text = draft ? draft.text : ownText;
  const setText = draft ? draft.setText : setOwnText;
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const trimmed = text.trim();
    if (trimmed === '') return;
    setPending(true);
    setError(null);
    void onSend(trimmed).then((problem) => {
      setPending(false);
      setError(problem);
      if (!problem) setText('');
    });
  }
  return (
    <form className="stack side-form" onSubmit={submit}>
      <TextAreaField
        label={label}
        rows={2}
        autoFocus={autoFocus}
        maxLength={limits.messageTextMax}
        value={text}
        onChange={(event) => {
          setText(event.target.value);
        }}
      />
      <FormError message={error} />
      <div className="actions">
        <button type="submit" className="button-small" disabled={pending || disabled}>
          Send privately
        </button>
      </div>
    </form>
  );
}
