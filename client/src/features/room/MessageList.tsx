import { useId, useLayoutEffect, useRef, useState, type ReactNode, type RefObject } from 'react';
import type { Member, Message } from '@hearth/shared';
import { Author, MessageItem, OwnWarning, ReplyQuote } from './MessageItem.tsx';
import { NewMessages } from './NewMessages.tsx';
import type { OutgoingMessage } from './roomClient.ts';

/** Within this distance of the end, new messages keep the view pinned to the newest one. */
const NEAR_BOTTOM_PX = 96;

interface MessageListProps {
  messages: readonly Message[];
  outgoing: readonly OutgoingMessage[];
  me: Member;
  busy: boolean;
  /** The grounding pause: the conversation rests under `overlay` until it ends. */
  paused?: boolean;
  overlay?: ReactNode;
  /** Where focus goes when the pause begins with it in the conversation (in `overlay`). */
  pauseFocus?: RefObject<HTMLElement | null>;
  onRetry: (clientId: string) => void;
  onDiscard: (clientId: string) => void;
}

/** Said while a send went unanswered; the clientId makes the repeat safe, and people should know. */
const unconfirmedWords = 'Not confirmed yet — trying again. It won’t be posted twice.';

function OutgoingItem({
  message,
  me,
  busy,
  onRetry,
  onDiscard,
}: {
  message: OutgoingMessage;
  me: Member;
  busy: boolean;
  onRetry: (clientId: string) => void;
  onDiscard: (clientId: string) => void;
}) {
  const textId = useId();
  let state: ReactNode;
  if (message.status === 'sending') {
    let words = 'Sending…';
    if (message.unconfirmed) words = unconfirmedWords;
    else if (busy) words = 'Waiting for the connection…';
    state = <span className="msg-state">{words}</span>;
  } else if (message.status === 'sent') {
    state = <span className="msg-state">Sent</span>;
  } else {
    state = (
      <span className="msg-state msg-state-failed">
        Not sent —{' '}
        <button
          type="button"
          className="button-inline"
          aria-describedby={textId}
          onClick={() => {
            onRetry(message.clientId);
          }}
        >
          Try again
        </button>{' '}
        <button
          type="button"
          className="button-inline"
          aria-describedby={textId}
          onClick={() => {
            onDiscard(message.clientId);
          }}
        >
          Remove
        </button>
      </span>
    );
  }
  return (
    <li className={`msg msg-own msg-${message.status}`}>
      <p className="msg-meta">
        <Author member={me} own /> {state}
      </p>
      {message.replyToId && <ReplyQuote replyToId={message.replyToId} />}
      {message.warning && <OwnWarning warning={message.warning} />}
      <p id={textId} className="msg-text">
        {message.text}
      </p>
      {message.status === 'failed' && message.error && <p className="msg-why">{message.error}</p>}
    </li>
  );
}

export function MessageList({
  messages,
  outgoing,
  me,
  busy,
  paused = false,
  overlay = null,
  pauseFocus,
  onRetry,
  onDiscard,
}: MessageListProps) {
  const headingId = useId();
  const scroller = useRef<HTMLDivElement>(null);
  const [nearBottom, setNearBottom] = useState(true);
  /** The same as `nearBottom`, for the resize observer below, which outlives renders. */
  const pinned = useRef(true);
  const [seenSeq, setSeenSeq] = useState(0);
  const newestSeq = messages.at(-1)?.seq ?? 0;
  const ownCount = outgoing.length;
  const previousOwnCount = useRef(ownCount);

  function onScroll() {
    const el = scroller.current;
    if (!el) return;
    const near = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM_PX;
    pinned.current = near;
    setNearBottom(near);
    if (near) setSeenSeq(newestSeq);
  }

  function scrollToEnd() {
    const el = scroller.current;
    if (el) el.scrollTop = el.scrollHeight;
  }

  useLayoutEffect(() => {
    // Writing a message always brings the view down to it; other people's messages do so only
    // when the reader was already near the end, so scrolling back to reread is not interrupted.
    const wroteOne = ownCount > previousOwnCount.current;
    previousOwnCount.current = ownCount;
    if (nearBottom || wroteOne) scrollToEnd();
  }, [newestSeq, ownCount, nearBottom]);

  // When something above the conversation grows or shrinks (the connection line saying it is
  // reconnecting, a hint, a notice), the box moves and the words in it would move too, just as
  // the reader was reading them. Scrolling by the same amount keeps them where they were; a
  // reader at the end stays at the end. Resize observers run before the frame is painted.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    let top = el.getBoundingClientRect().top;
    const observer = new ResizeObserver(() => {
      const now = el.getBoundingClientRect().top;
      const moved = now - top;
      top = now;
      if (pinned.current) el.scrollTop = el.scrollHeight;
      else if (moved !== 0) el.scrollTop += moved;
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
    };
  }, []);

  /** What had focus in the conversation when the pause began, to have it back afterwards. */
  const beforePause = useRef<HTMLElement | null>(null);

  // The paused conversation is inert: focus left in it would go nowhere useful, and the browser
  // drops it to the top of the page. A layout effect, so focus moves before it is dropped.
  useLayoutEffect(() => {
    const log = scroller.current;
    const active = document.activeElement;
    if (paused) {
      if (log && active instanceof HTMLElement && log.contains(active)) {
        beforePause.current = active;
        pauseFocus?.current?.focus();
      }
      return;
    }
    const before = beforePause.current;
    beforePause.current = null;
    // Only when focus went with the pause (its heading is gone); not if the person moved on.
    if (before && (active === null || active === document.body)) {
      (before.isConnected ? before : log)?.focus();
    }
  }, [paused, pauseFocus]);

  const showJump = !nearBottom && newestSeq > seenSeq;

  return (
    <div className="log-wrap">
      <h2 id={headingId} className="visually-hidden">
        Conversation
      </h2>
      <div
        ref={scroller}
        className="log"
        role="log"
        // NewMessages says what is new; the log itself would read out the whole history on
        // entering, and every message again after a reconnect.
        aria-live="off"
        aria-labelledby={headingId}
        aria-busy={busy}
        tabIndex={0}
        inert={paused}
        onScroll={onScroll}
      >
        {messages.length === 0 && outgoing.length === 0 && !busy && (
          <p className="log-empty">No messages yet. It is fine to take a moment before writing.</p>
        )}
        <ol className="msgs">
          {messages.map((message) => (
            <MessageItem key={message.id} message={message} />
          ))}
          {outgoing.map((message) => (
            <OutgoingItem
              key={message.clientId}
              message={message}
              me={me}
              busy={busy}
              onRetry={onRetry}
              onDiscard={onDiscard}
            />
          ))}
        </ol>
      </div>
      <NewMessages messages={messages} me={me} ready={!busy} />
      {overlay}
      {showJump && !paused && (
        <button type="button" className="jump button-secondary" onClick={scrollToEnd}>
          New messages below
        </button>
      )}
    </div>
  );
}
