import { useEffect, useState, useSyncExternalStore } from 'react';
import { RoomClient } from './roomClient.ts';

/** The live state of one room; the page is keyed by session id, so the client never changes. */
export function useRoom(sessionId: string) {
  const [client] = useState(() => new RoomClient(sessionId));
  useEffect(() => {
    client.start();
    return () => {
      client.stop();
    };
  }, [client]);
  const state = useSyncExternalStore(client.subscribe, client.getSnapshot);
  return { state, client };
}
