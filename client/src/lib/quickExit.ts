import { ClientConfigSchema } from '@hearth/shared';
import { disconnectAllSockets } from './socket.ts';

/** Where quick exit goes until the deployment's own choice has arrived. */
export const defaultQuickExitUrl = 'https://www.bbc.co.uk/weather';

let quickExitUrl = defaultQuickExitUrl;
let exited = false;

/** Asks the server once, at start, where quick exit should go; kept in memory only. */
export function loadClientConfig(): void {
  fetch('/api/config', { credentials: 'same-origin', headers: { accept: 'application/json' } })
    .then((response) => (response.ok ? response.json() : null))
    .then((payload: unknown) => {
      const parsed = ClientConfigSchema.safeParse(payload);
      if (parsed.success) quickExitUrl = parsed.data.quickExitUrl;
    })
    .catch(() => {
      // The default neutral page still works.
    });
}

/**
 * Leaves Hearth at once for a neutral page. Everything here is synchronous except the log-out
 * request, which is sent with keepalive and not waited for: the page must be gone first.
 * The current history entry is replaced, so Back does not return to it.
 */
export function quickExit(): void {
  exited = true;
  try {
    localStorage.clear();
  } catch {
    // Storage may be switched off; there is nothing to clear then.
  }
  try {
    sessionStorage.clear();
  } catch {
    // As above.
  }
  try {
    void fetch('/api/auth/logout', {
      method: 'POST',
      keepalive: true,
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    }).catch(() => {});
  } catch {
    // Leaving matters more than logging out.
  }
  disconnectAllSockets();
  // Nothing of the room stays on screen while the next page loads, nor if the browser ever
  // brings this page back from its cache.
  document.body.hidden = true;
  window.location.replace(quickExitUrl);
}

/** How long to wait for the next press of Shift (GOV.UK's "Exit this page" uses the same). */
const SHIFT_TIMEOUT_MS = 5000;
/** Presses of Shift that leave. */
export const SHIFT_PRESSES = 3;

export interface ShortcutProgress {
  /** Presses of Shift counted so far (0 to 2). */
  presses: number;
  /** What a screen reader should hear now; empty when there is nothing to say. */
  message: string;
}

const pressesLeftWords: Record<number, string> = {
  1: 'Shift, press 2 more times to exit.',
  2: 'Shift, press 1 more time to exit.',
};
const expiredWords = 'Quick exit expired.';

/**
 * Shift pressed three times on its own, anywhere, as GOV.UK's "Exit this page" counts it: only
 * keyup events count; a Shift released after being used as a modifier (the previous keyup, of
 * the letter, had shiftKey set) is ignored; any other key resets the count; and each press
 * leaves five seconds for the next one. `onProgress` hears every change, for the indicator on
 * the button and for screen readers.
 */
export function installQuickExitShortcut(onProgress: (progress: ShortcutProgress) => void): () => void {
  let presses = 0;
  let lastKeyWasModified = false;
  let pressTimer: ReturnType<typeof setTimeout> | undefined;
  let messageTimer: ReturnType<typeof setTimeout> | undefined;

  function expire() {
    clearTimeout(pressTimer);
    pressTimer = undefined;
    presses = 0;
    onProgress({ presses: 0, message: expiredWords });
    // The "expired" message goes away by itself, as GOV.UK's does.
    messageTimer = setTimeout(() => {
      messageTimer = undefined;
      onProgress({ presses: 0, message: '' });
    }, SHIFT_TIMEOUT_MS);
  }

  function onKeyUp(event: KeyboardEvent) {
    if (event.key === 'Shift' && !lastKeyWasModified) {
      presses += 1;
      clearTimeout(messageTimer);
      messageTimer = undefined;
      clearTimeout(pressTimer);
      if (presses >= SHIFT_PRESSES) {
        presses = 0;
        pressTimer = undefined;
        quickExit();
      } else {
        onProgress({ presses, message: pressesLeftWords[presses] ?? '' });
        pressTimer = setTimeout(expire, SHIFT_TIMEOUT_MS);
      }
    } else if (pressTimer !== undefined) {
      // Any other key after Shift was pressed: the count starts again.
      expire();
    }
    lastKeyWasModified = event.shiftKey;
  }

  function onPageShow(event: PageTransitionEvent) {
    // Brought back from the browser's cache after leaving: leave again.
    if (event.persisted && exited) window.location.replace(quickExitUrl);
  }

  window.addEventListener('keyup', onKeyUp, true);
  window.addEventListener('pageshow', onPageShow);
  return () => {
    clearTimeout(pressTimer);
    clearTimeout(messageTimer);
    window.removeEventListener('keyup', onKeyUp, true);
    window.removeEventListener('pageshow', onPageShow);
  };
}
