import { useState } from 'react';
import type { Me } from '@hearth/shared';
import { RoomView } from '../features/room/RoomView.tsx';
import { api } from '../lib/api.ts';
import { useAsync } from '../lib/useAsync.ts';

/** The group link on the group page passes its id along, so this is usually already known. */
function groupIdFromHistory(): string | null {
  const state: unknown = history.state;
  if (typeof state === 'object' && state !== null && 'groupId' in state) {
    return typeof state.groupId === 'string' ? state.groupId : null;
  }
  return null;
}

/** For a room opened from a bookmark or a shared address: find which of my groups holds it. */
async function findGroupId(sessionId: string): Promise<string | null> {
  try {
    const upcoming = await api.upcomingSessions().catch(() => ({ sessions: [] }));
    const found = upcoming.sessions.find((s) => s.id === sessionId);
    if (found) return found.groupId;
    const { groups } = await api.groups();
    const lists = await Promise.all(
      groups.map((group) => api.sessions(group.id).catch(() => ({ sessions: [] }))),
    );
    for (const { sessions } of lists) {
      const session = sessions.find((s) => s.id === sessionId);
      if (session) return session.groupId;
    }
  } catch {
    // The link falls back to the list of groups, which is still a sensible place to leave to.
  }
  return null;
}

export function RoomPage({ sessionId, me }: { sessionId: string; me: Me }) {
  const [known] = useState(groupIdFromHistory);
  const lookup = useAsync(`room-group:${sessionId}:${me.id}`, () =>
    known ? Promise.resolve(known) : findGroupId(sessionId),
  );
  const groupId = lookup.state.status === 'ready' ? lookup.state.data : known;
  return (
    <RoomView
      sessionId={sessionId}
      accountId={me.id}
      leaveTo={groupId ? `/groups/${groupId}` : '/'}
    />
  );
}
