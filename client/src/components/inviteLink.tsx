import { useId, useRef } from 'react';
import type { Invite } from '@hearth/shared';
import { formatLongDateTime } from '../lib/format.ts';
import { useCopyText } from '../lib/useCopyText.ts';
import { StatusMessage } from './forms.tsx';

/** The link is made from the code only here, in the page: the code is shown once and never stored. */
export function inviteLinkFor(invite: Invite): string {
  return `${location.origin}/invite#${invite.code}`;
}

export function InviteLinkField({
  invite,
  autoFocus = false,
}: {
  invite: Invite;
  /** Moves focus to the new link, so screen reader users hear that it is there. */
  autoFocus?: boolean;
}) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const link = inviteLinkFor(invite);
  const { status: copied, copy } = useCopyText(input, {
    copied: 'Copied. Share it privately with the person you are inviting.',
    selected: 'Copying did not work here. The link is selected, so you can copy it yourself.',
  });

  return (
    <>
      <div className="field">
        <label htmlFor={`${id}-link`}>Invite link</label>
        <div className="copy-row">
          <input
            id={`${id}-link`}
            ref={input}
            readOnly
            autoFocus={autoFocus}
            value={link}
            aria-describedby={`${id}-about`}
            onFocus={(event) => {
              event.currentTarget.select();
            }}
          />
          <button type="button" className="button-secondary" onClick={() => void copy()}>
            Copy
          </button>
        </div>
        <p id={`${id}-about`} className="hint">
          {invite.role === 'facilitator' ? 'For a facilitator. ' : ''}
          This link is shown only now. It stops working on{' '}
          <time dateTime={invite.expiresAt}>{formatLongDateTime(invite.expiresAt)}</time>
          {invite.maxUses !== null
            ? `, or once ${String(invite.maxUses)} ${invite.maxUses === 1 ? 'person has' : 'people have'} used it.`
            : '.'}
        </p>
      </div>
      <StatusMessage message={copied} />
    </>
  );
}
