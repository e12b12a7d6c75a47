import { useMemo, useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

const listeners = new Set<() => void>();
let headingFocusRequested = false;

/** Back and forward lead to another page as much as a link does, so they move focus the same way. */
function onPopState() {
  headingFocusRequested = true;
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  if (listeners.size === 0) window.addEventListener('popstate', onPopState);
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) window.removeEventListener('popstate', onPopState);
  };
}

function currentHref(): string {
  return location.pathname + location.search + location.hash;
}

export interface NavigateOptions {
  /** Replace the current history entry, so one-time secrets in the URL do not linger in history. */
  replace?: boolean;
  state?: unknown;
}

export function navigate(to: string, options: NavigateOptions = {}): void {
  const state = options.state ?? null;
  if (options.replace) {
    history.replaceState(state, '', to);
  } else {
    history.pushState(state, '', to);
    window.scrollTo(0, 0);
  }
  headingFocusRequested = true;
  for (const listener of listeners) listener();
}

/**
 * After an in-app navigation, back or forward, the next page heading takes focus, so screen
 * reader and keyboard users start at the top of the new page as they would after a full load.
 */
export function consumeHeadingFocusRequest(): boolean {
  const requested = headingFocusRequested;
  headingFocusRequested = false;
  return requested;
}

export interface AppLocation {
  pathname: string;
  search: URLSearchParams;
  /** The fragment without its leading '#'. */
  hash: string;
  href: string;
}

export function useLocation(): AppLocation {
  const href = useSyncExternalStore(subscribe, currentHref);
  return useMemo(() => {
    const url = new URL(href, location.origin);
    return { pathname: url.pathname, search: url.searchParams, hash: url.hash.slice(1), href };
  }, [href]);
}

/**
 * Reads a secret carried after the '#'. A link copied by hand can end up with a stray '%' that
 * is no escape; the text as it stands is then the best guess at what was meant.
 */
export function readHashSecret(hash: string): string {
  try {
    return decodeURIComponent(hash).trim();
  } catch {
    return hash.trim();
  }
}

export function matchPath(pattern: string, pathname: string): Record<string, string> | null {
  const normalise = (path: string) => (path.replace(/\/+$/, '') || '/').split('/');
  const want = normalise(pattern);
  const have = normalise(pathname);
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (const [index, part] of want.entries()) {
    const actual = have[index] ?? '';
    if (part.startsWith(':')) {
      if (actual === '') return null;
      try {
        params[part.slice(1)] = decodeURIComponent(actual);
      } catch {
        return null;
      }
    } else if (part !== actual) {
      return null;
    }
  }
  return params;
}

/** Only same-site paths may be a return address, so a crafted link cannot send people away. */
export function safeReturnPath(next: string | null): string {
  if (next === null || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) {
    return '/';
  }
  return next;
}

type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> & {
  to: string;
  state?: unknown;
  replace?: boolean;
};

export function Link({ to, state, replace, onClick, target, ...rest }: LinkProps) {
  function handleClick(event: MouseEvent<HTMLAnchorElement>) {
    onClick?.(event);
    const modified = event.metaKey || event.ctrlKey || event.shiftKey || event.altKey;
    const newContext = target !== undefined && target !== '_self';
    if (event.defaultPrevented || event.button !== 0 || modified || newContext) return;
    event.preventDefault();
    navigate(to, { replace, state });
  }
  return <a href={to} target={target} onClick={handleClick} {...rest} />;
}
