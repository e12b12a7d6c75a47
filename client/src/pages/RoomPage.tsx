import { useState } from 'react';
import type { Me } from '@hearth/shared';
import { findSession } from '../features/room/findSession.ts';
import { RoomView } from '../features/room/RoomView.tsx';
import { useAsync } from '../lib/useAsync.ts';

/** The group link on the group page passes its id along, so this is usually already known. */
function groupIdFromHistory(): string | null {
  const state: unknown = history.state;
  if (typeof state === 'object' && state !== null && 'groupId' in state) {
    return typeof state.groupId === 'string' ? state.groupId : null;
  }
  return null;
}

export function RoomPage({ sessionId, me }: { sessionId: string; me: Me }) {
  const [known] = useState(groupIdFromHistory);
  // For a room opened from a bookmark or a shared address: find which of my groups holds it.
  // Not finding it falls back to the list of groups, still a sensible place to leave to.
  const lookup = useAsync(`room-group:${sessionId}:${me.id}`, async () =>
    known ?? (await findSession(sessionId, null))?.groupId ?? null,
  );
  const groupId = lookup.state.status === 'ready' ? lookup.state.data : known;
  return (
    <RoomView
      sessionId={sessionId}
      accountId={me.id}
      groupId={groupId}
      leaveTo={groupId ? `/groups/${groupId}` : '/'}
    />
  );
}
