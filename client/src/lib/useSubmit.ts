import { useCallback, useRef, useState } from 'react';
import { toApiRequestError } from './api.ts';

/** Runs one form submission at a time and keeps the error message to show beside the form. */
export function useSubmit() {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const busy = useRef(false);

  const run = useCallback(async (task: () => Promise<void>) => {
    if (busy.current) return;
    busy.current = true;
    setPending(true);
    setError(null);
    try {
      await task();
    } catch (caught) {
      setError(toApiRequestError(caught).message);
    } finally {
      busy.current = false;
      setPending(false);
    }
  }, []);

  return { pending, error, run };
}
