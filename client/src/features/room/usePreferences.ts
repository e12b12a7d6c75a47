import { useCallback, useEffect, useRef, useState } from 'react';
import { defaultRoomPreferences, type RoomPreferences } from '@hearth/shared';
import { api, toApiRequestError } from '../../lib/api.ts';

interface Held {
  groupId: string;
  preferences: RoomPreferences;
}

/**
 * This person's room preferences for a group, kept on the server so they follow them. Until they
 * arrive (or if they cannot), every warned message asks first: the careful default.
 */
export function useRoomPreferences(groupId: string | null) {
  const [held, setHeld] = useState<Held | null>(null);
  const saves = useRef(0);

  useEffect(() => {
    if (!groupId) return;
    let active = true;
    const savesBefore = saves.current;
    api.roomPreferences(groupId).then(
      (preferences) => {
        // A choice made in the meantime is newer than this answer.
        if (active && saves.current === savesBefore) setHeld({ groupId, preferences });
      },
      () => {
        // The careful default stays; the settings panel can still save choices.
      },
    );
    return () => {
      active = false;
    };
  }, [groupId]);

  const preferences =
    held && held.groupId === groupId ? held.preferences : defaultRoomPreferences;

  const save = useCallback(
    async (next: RoomPreferences): Promise<string | null> => {
      if (!groupId) return 'The room is not ready yet. Please try again in a moment.';
      const attempt = ++saves.current;
      const before = preferences;
      setHeld({ groupId, preferences: next });
      try {
        const saved = await api.saveRoomPreferences(groupId, next);
        if (attempt === saves.current) setHeld({ groupId, preferences: saved });
        return null;
      } catch (caught) {
        if (attempt === saves.current) setHeld({ groupId, preferences: before });
        return toApiRequestError(caught).message;
      }
    },
    [groupId, preferences],
  );

  return { preferences, save };
}
