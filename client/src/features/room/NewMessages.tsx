import { useEffect, useRef } from 'react';
import type { Member, Message, SideMessage } from '@hearth/shared';
import { isFacilitator, memberName } from '../../lib/format.ts';
import type { RoomUi } from './roomUi.ts';
import { useRoomUi } from './roomUi.ts';
import { warningMode, warningWords } from './warnings.ts';

/** Up to this many messages arriving together are read out one by one; more are counted. */
const ONE_BY_ONE = 3;
/** Lines kept in the live region: screen readers have read older ones, and the log keeps all. */
const KEPT = 5;
/** How long a line stays after it was said; the live region is not a second copy of the log. */
const KEPT_MS = 20_000;

/** Adds a line to a live region, to leave again after a while (see KEPT_MS). */
function say(region: HTMLElement, text: string, messageId: string | null = null) {
  const line = document.createElement('p');
  line.textContent = text;
  if (messageId) line.dataset.messageId = messageId;
  region.append(line);
  setTimeout(() => {
    line.remove();
  }, KEPT_MS);
  while (region.childElementCount > KEPT) region.firstElementChild?.remove();
}

/**
 * What a screen reader says when someone else's message arrives, or null when nothing should
 * be said. Words behind a content warning are not read out unless the reader chose to always
 * see that kind; the warning is, so the reader can decide.
 */
export function announcement(message: Message, me: Member, ui: Pick<RoomUi, 'preferences' | 'categories' | 'facilitating'>) {
  if (message.author.memberId === me.memberId) return null;
  if (message.deleted || message.removed || (message.hidden && !ui.facilitating)) return null;
  const name = `${memberName(message.author)}${isFacilitator(message.author) ? ' (facilitator)' : ''}`;
  const warning = message.warning;
  if (!warning) return `${name}: ${message.text}`;
  const mode = warningMode(warning, ui.preferences);
  const words = warningWords(warning, ui.categories);
  if (mode === 'show') return `${name}, with a content warning (${words}): ${message.text}`;
  if (mode === 'hide') return `${name} wrote a message your settings hide: ${words}.`;
  return `${name} wrote a message with a content warning: ${words}. It stays hidden until you choose to show it.`;
}

/**
 * A polite live region that says new messages from others as they arrive, and only those: not
 * the history found on entering, not typing, not reactions or edits, not one's own words. A
 * burst (say, catching up after a reconnect) is said as a count, not read out whole.
 *
 * The region is written to directly rather than rendered: each line is added once and never
 * changes, which is what screen readers announce most reliably. A line leaves the page after a
 * while, and at once when its message is deleted, hidden, erased or given a warning, so that the
 * words are not left behind where a screen reader could still find them.
 */
export function NewMessages({ messages, me, ready }: { messages: readonly Message[]; me: Member; ready: boolean }) {
  const ui = useRoomUi();
  const region = useRef<HTMLDivElement>(null);
  /** The newest seq already known when the reader arrived or last heard; null until then. */
  const heardUpTo = useRef<number | null>(null);

  useEffect(() => {
    const el = region.current;
    if (!el) return;
    const byId = new Map(messages.map((message) => [message.id, message]));
    for (const line of [...el.querySelectorAll<HTMLElement>('[data-message-id]')]) {
      const message = byId.get(line.dataset.messageId ?? '');
      if (!message || announcement(message, me, ui) !== line.textContent) line.remove();
    }

    if (!ready) return;
    const newest = messages.at(-1)?.seq ?? 0;
    const from = heardUpTo.current;
    heardUpTo.current = Math.max(newest, from ?? 0);
    if (from === null || newest <= from) return;
    const lines = messages.flatMap((message) => {
      if (message.seq <= from) return [];
      const text = announcement(message, me, ui);
      return text ? [{ text, messageId: message.id }] : [];
    });
    if (lines.length === 0) return;
    const said = lines.length > ONE_BY_ONE ? [{ text: `${String(lines.length)} new messages.`, messageId: null }] : lines;
    for (const { text, messageId } of said) say(el, text, messageId);
  }, [messages, me, ready, ui]);

  return <div ref={region} className="visually-hidden" aria-live="polite" aria-relevant="additions" />;
}

/**
 * The same, for what happens in the room that sighted people notice at a glance: a check-in
 * round opening, and a facilitator writing privately (read out when the thread is open, said as
 * a fact otherwise, so private words are not spoken unasked).
 */
export function RoomHappenings({
  checkInId,
  sideFromOthers,
  sideOpen,
}: {
  checkInId: string | null;
  sideFromOthers: readonly SideMessage[];
  sideOpen: boolean;
}) {
  const region = useRef<HTMLDivElement>(null);
  const lastCheckIn = useRef(checkInId);
  /** Private messages already there when the room was entered are not news. */
  const sideHeard = useRef(sideFromOthers.length);

  useEffect(() => {
    const el = region.current;
    if (!el) return;
    if (checkInId !== null && checkInId !== lastCheckIn.current) {
      say(el, 'A facilitator opened a check-in round: how are you arriving? Answering is up to you.');
    }
    lastCheckIn.current = checkInId;
    for (const message of sideFromOthers.slice(sideHeard.current)) {
      say(
        el,
        sideOpen
          ? `${memberName(message.author)} (facilitator), privately: ${message.text}`
          : 'A facilitator has written to you privately. Open “Message the facilitators” to read it.',
      );
    }
    sideHeard.current = sideFromOthers.length;
  }, [checkInId, sideFromOthers, sideOpen]);

  return <div ref={region} className="visually-hidden" aria-live="polite" aria-relevant="additions" />;
}
