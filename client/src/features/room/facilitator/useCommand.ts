import { useCallback, useState } from 'react';
import type { ApiError } from '@hearth/shared';
import type { RoomClient } from '../roomClient.ts';

/**
 * One facilitator action at a time, never shown before the server confirms it: what went wrong
 * in the server's words, or what was done. The console is asked for again straight after.
 */
export function useCommand(client: RoomClient) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const run = useCallback(
    async (task: () => Promise<ApiError | null>, doneWords?: string): Promise<boolean> => {
      setPending(true);
      setError(null);
      setDone(null);
      const problem = await task();
      setPending(false);
      if (problem) {
        setError(problem.message);
        return false;
      }
      setDone(doneWords ?? null);
      client.fetchConsole();
      return true;
    },
    [client],
  );

  return { pending, error, done, run };
}
