import type { Session } from '@hearth/shared';
import { api } from '../../lib/api.ts';

/**
 * Finds a session among this person's groups: in the group named, if known, else among what is
 * coming up and then in each of their groups. Null when it is not theirs to see, or on failure.
 */
export async function findSession(sessionId: string, groupId: string | null): Promise<Session | null> {
  try {
    if (groupId) {
      const { sessions } = await api.sessions(groupId).catch(() => ({ sessions: [] }));
      const found = sessions.find((s) => s.id === sessionId);
      if (found) return found;
    }
    const upcoming = await api.upcomingSessions().catch(() => ({ sessions: [] }));
    const found = upcoming.sessions.find((s) => s.id === sessionId);
    if (found) return found;
    const { groups } = await api.groups();
    const lists = await Promise.all(
      groups.map((group) => api.sessions(group.id).catch(() => ({ sessions: [] }))),
    );
    for (const { sessions } of lists) {
      const session = sessions.find((s) => s.id === sessionId);
      if (session) return session;
    }
  } catch {
    // Not knowing is a safe answer: callers fall back to something sensible.
  }
  return null;
}
