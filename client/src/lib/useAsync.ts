import { useCallback, useEffect, useEffectEvent, useRef, useState } from 'react';
import { toApiRequestError, type ApiRequestError } from './api.ts';

export type AsyncState<T> =
  | { status: 'loading' }
  | { status: 'ready'; data: T }
  | { status: 'error'; error: ApiRequestError };

interface Entry<T> {
  key: string;
  state: AsyncState<T>;
}

interface Attempt {
  count: number;
  /** A refresh: what is shown stays until the new answer, and stays if there is none. */
  quiet: boolean;
}

/**
 * Loads data for `key`. Results are stored with the key they belong to, so a late answer for a
 * page the person already left can never be shown on the next one.
 */
export function useAsync<T>(key: string, load: () => Promise<T>) {
  const [entry, setEntry] = useState<Entry<T> | null>(null);
  const [attempt, setAttempt] = useState<Attempt>({ count: 0, quiet: false });
  /** Local changes made with `update`; a refresh asked for before one of them is out of date. */
  const updates = useRef(0);
  const runLoad = useEffectEvent(load);

  useEffect(() => {
    let active = true;
    const updatesBefore = updates.current;
    runLoad().then(
      (data) => {
        if (!active || (attempt.quiet && updates.current !== updatesBefore)) return;
        setEntry({ key, state: { status: 'ready', data } });
      },
      (error: unknown) => {
        if (!active) return;
        setEntry((current) =>
          attempt.quiet && current?.key === key && current.state.status === 'ready'
            ? current
            : { key, state: { status: 'error', error: toApiRequestError(error) } },
        );
      },
    );
    return () => {
      active = false;
    };
  }, [key, attempt]);

  const reload = useCallback(() => {
    setEntry(null);
    setAttempt((current) => ({ count: current.count + 1, quiet: false }));
  }, []);

  /** Loads again without showing "loading": for keeping a page up to date as time passes. */
  const refresh = useCallback(() => {
    setAttempt((current) => ({ count: current.count + 1, quiet: true }));
  }, []);

  const update = useCallback(
    (change: (data: T) => T) => {
      updates.current += 1;
      setEntry((current) =>
        current && current.key === key && current.state.status === 'ready'
          ? { key, state: { status: 'ready', data: change(current.state.data) } }
          : current,
      );
    },
    [key],
  );

  const state: AsyncState<T> = entry && entry.key === key ? entry.state : { status: 'loading' };
  return { state, reload, refresh, update };
}
