import { useEffect, useState, useSyncExternalStore } from 'react';
import { RoomClient } from './roomClient.ts';

/**
 * The live state of one room; the page is keyed by session and account, so the client never
 * changes while it is mounted.
 */
export function useRoom(sessionId: string, accountId: string) {
  const [client] = useState(() => new RoomClient(sessionId, accountId));
  useEffect(() => {
    client.start();
    return () => {
      client.stop();
    };
  }, [client]);
  const state = useSyncExternalStore(client.subscribe, client.getSnapshot);
  return { state, client };
}
