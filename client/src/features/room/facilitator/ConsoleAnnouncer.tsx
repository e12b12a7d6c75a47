import { useState } from 'react';
import { isFacilitator, memberName } from '../../../lib/format.ts';
import type { RoomState } from '../roomClient.ts';

interface Item {
  id: string;
  words: string;
}

/** Everything in the console a facilitator should hear about when it arrives. */
function itemsOf(state: RoomState): Item[] {
  const staff = state.console;
  if (!staff) return [];
  return [
    ...staff.supportRequests.map((r) => ({ id: `support:${r.id}`, words: `${memberName(r.member)} asked for support.` })),
    ...staff.alerts.map((a) => ({
      id: `alert:${a.id}`,
      words: `A message from ${memberName(a.member)} may show someone in crisis.`,
    })),
    ...staff.reports.map((r) => ({ id: `report:${r.id}`, words: 'A message was reported.' })),
    ...staff.waiting.map((m) => ({ id: `waiting:${m.memberId}`, words: `${memberName(m)} is in the waiting room.` })),
    ...state.sideMessages
      .filter((m) => !isFacilitator(m.author))
      .map((m) => ({ id: `side:${m.id}`, words: `${memberName(m.author)} wrote to the facilitators privately.` })),
  ];
}

/**
 * Says politely, once, what has newly arrived for the facilitators (no sound, nothing flashing),
 * whether or not the console is open. What was there when the console first loaded is not read out.
 */
export function ConsoleAnnouncer({ state }: { state: RoomState }) {
  const items = itemsOf(state);
  const signature = items.map((item) => item.id).join(' ');
  const [seen, setSeen] = useState<{ signature: string; ids: ReadonlySet<string> } | null>(null);
  const [words, setWords] = useState('');
  if (state.console && signature !== seen?.signature) {
    const fresh = seen ? items.filter((item) => !seen.ids.has(item.id)) : [];
    setSeen({ signature, ids: new Set([...(seen?.ids ?? []), ...items.map((item) => item.id)]) });
    if (fresh.length > 0) setWords(fresh.map((item) => item.words).join(' '));
  }
  return (
    <p className="visually-hidden" role="status">
      {words}
    </p>
  );
}
