import { useId, useRef } from 'react';
import { StatusMessage } from '../../components/forms.tsx';
import { useCopyText } from '../../lib/useCopyText.ts';

/**
 * What this person was writing when the session ended: it cannot be sent any more, but it is
 * theirs, so it stays to read and to copy somewhere else.
 */
export function KeptDraft({ text }: { text: string }) {
  const id = useId();
  const field = useRef<HTMLTextAreaElement>(null);
  const { status, copy } = useCopyText(field, {
    copied: 'Copied.',
    selected: 'Copying did not work here. The text is selected, so you can copy it yourself.',
  });
  return (
    <div className="composer kept-draft">
      <label htmlFor={`${id}-text`} className="composer-label">
        What you were writing
      </label>
      <p id={`${id}-hint`} className="hint">
        The session ended before this was sent. It is kept here until you leave the page, so you
        can copy it if you want to.
      </p>
      <div className="copy-row">
        <textarea
          ref={field}
          id={`${id}-text`}
          readOnly
          rows={2}
          value={text}
          aria-describedby={`${id}-hint`}
        />
        <button type="button" className="button-secondary" onClick={() => void copy()}>
          Copy
        </button>
      </div>
      <StatusMessage message={status} />
    </div>
  );
}
