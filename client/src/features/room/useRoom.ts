import { useEffect, useState, useSyncExternalStore } from 'react';
import { RoomClient } from './roomClient.ts';

/**
 * The live state of one room; the page is keyed by session and account, so the client never
 * changes while it is mounted. Nothing connects until `enter` is true: the person first reads
 * the confidentiality reminder.
 */
export function useRoom(sessionId: string, accountId: string, enter: boolean) {
  const [client] = useState(() => new RoomClient(sessionId, accountId));
  useEffect(() => {
    if (!enter) return;
    client.start();
    return () => {
      client.stop();
    };
  }, [client, enter]);
  const state = useSyncExternalStore(client.subscribe, client.getSnapshot);
  return { state, client };
}
