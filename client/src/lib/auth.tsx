import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import type { Me } from '@hearth/shared';
import { api, toApiRequestError, type ApiRequestError } from './api.ts';
import { forgetInviteCode } from './inviteCode.ts';

export type AuthState =
  | { status: 'loading' }
  | { status: 'signedOut' }
  | { status: 'signedIn'; me: Me }
  | { status: 'error'; error: ApiRequestError };

interface AuthValue {
  state: AuthState;
  /** Record who is logged in after a log-in, set-up or invite, or null after logging out. */
  setMe: (me: Me | null) => void;
  retry: () => void;
}

const AuthContext = createContext<AuthValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<AuthState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  // Once someone logs in or out here, a slower answer to the first /api/me must not undo it.
  const decided = useRef(false);

  useEffect(() => {
    let active = true;
    api.me().then(
      (me) => {
        if (active && !decided.current) setState({ status: 'signedIn', me });
      },
      (caught: unknown) => {
        if (!active || decided.current) return;
        const error = toApiRequestError(caught);
        setState(
          error.code === 'unauthenticated' ? { status: 'signedOut' } : { status: 'error', error },
        );
      },
    );
    return () => {
      active = false;
    };
  }, [attempt]);

  const setMe = useCallback((me: Me | null) => {
    decided.current = true;
    // An invite kept for after logging in belongs to whoever was about to use it, not to the
    // next person on this device.
    if (!me) forgetInviteCode();
    setState(me ? { status: 'signedIn', me } : { status: 'signedOut' });
  }, []);

  const retry = useCallback(() => {
    setState({ status: 'loading' });
    setAttempt((n) => n + 1);
  }, []);

  const value = useMemo(() => ({ state, setMe, retry }), [state, setMe, retry]);
  return <AuthContext value={value}>{children}</AuthContext>;
}

export function useAuth(): AuthValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth is used outside AuthProvider');
  return value;
}
