import { useCallback, useEffect, useState } from 'react';
import { defaultRoomPreferences, type RoomPreferences } from '@hearth/shared';
import { api, toApiRequestError } from '../../lib/api.ts';

/** 'failed': they could not be loaded, so they cannot be changed either (see below). */
export type PreferencesStatus = 'loading' | 'ready' | 'failed';

interface Held {
  groupId: string;
  attempt: number;
  status: PreferencesStatus;
  preferences: RoomPreferences;
}

const notLoaded = 'Your settings have not loaded yet, so nothing was changed. Please try again.';

/**
 * This person's room preferences for a group, kept on the server so they follow them. Until they
 * arrive (or if they cannot), every warned message asks first: the careful default.
 *
 * Saving waits until they have loaded: a save sends the whole set, so saving over defaults
 * would quietly replace the choices this person made before.
 */
export function useRoomPreferences(groupId: string | null) {
  const [held, setHeld] = useState<Held | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (!groupId) return;
    let active = true;
    api.roomPreferences(groupId).then(
      (preferences) => {
        if (active) setHeld({ groupId, attempt, status: 'ready', preferences });
      },
      () => {
        if (active) setHeld({ groupId, attempt, status: 'failed', preferences: defaultRoomPreferences });
      },
    );
    return () => {
      active = false;
    };
  }, [groupId, attempt]);

  const current = held && held.groupId === groupId && held.attempt === attempt ? held : null;
  const status: PreferencesStatus = current?.status ?? 'loading';
  const preferences = current?.preferences ?? defaultRoomPreferences;

  const retry = useCallback(() => {
    setAttempt((n) => n + 1);
  }, []);

  const save = useCallback(
    async (next: RoomPreferences): Promise<string | null> => {
      if (!groupId || status !== 'ready') return notLoaded;
      const before = preferences;
      setHeld({ groupId, attempt, status: 'ready', preferences: next });
      try {
        const saved = await api.saveRoomPreferences(groupId, next);
        // A later choice made meanwhile is newer than this answer, and stays.
        setHeld((now) => (now?.preferences === next ? { ...now, preferences: saved } : now));
        return null;
      } catch (caught) {
        setHeld((now) => (now?.preferences === next ? { ...now, preferences: before } : now));
        return toApiRequestError(caught).message;
      }
    },
    [groupId, attempt, status, preferences],
  );

  return { preferences, status, save, retry };
}
