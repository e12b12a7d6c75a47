import { useCallback, useEffect, useEffectEvent, useState } from 'react';
import { toApiRequestError, type ApiRequestError } from './api.ts';

export type AsyncState<T> =
  | { status: 'loading' }
  | { status: 'ready'; data: T }
  | { status: 'error'; error: ApiRequestError };

interface Entry<T> {
  key: string;
  state: AsyncState<T>;
}

/**
 * Loads data for `key`. Results are stored with the key they belong to, so a late answer for a
 * page the person already left can never be shown on the next one.
 */
export function useAsync<T>(key: string, load: () => Promise<T>) {
  const [entry, setEntry] = useState<Entry<T> | null>(null);
  const [attempt, setAttempt] = useState(0);
  const runLoad = useEffectEvent(load);

  useEffect(() => {
    let active = true;
    runLoad().then(
      (data) => {
        if (active) setEntry({ key, state: { status: 'ready', data } });
      },
      (error: unknown) => {
        if (active) setEntry({ key, state: { status: 'error', error: toApiRequestError(error) } });
      },
    );
    return () => {
      active = false;
    };
  }, [key, attempt]);

  const reload = useCallback(() => {
    setEntry(null);
    setAttempt((n) => n + 1);
  }, []);

  const update = useCallback(
    (change: (data: T) => T) => {
      setEntry((current) =>
        current && current.key === key && current.state.status === 'ready'
          ? { key, state: { status: 'ready', data: change(current.state.data) } }
          : current,
      );
    },
    [key],
  );

  const state: AsyncState<T> = entry && entry.key === key ? entry.state : { status: 'loading' };
  return { state, reload, update };
}
