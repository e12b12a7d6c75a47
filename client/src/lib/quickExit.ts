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

/** How close together three presses of Shift must be. */
const SHIFT_WINDOW_MS = 1000;

/**
 * Shift pressed three times in a row, alone, anywhere (GOV.UK's "exit this page" pattern).
 * Shift held down to type a capital letter does not count, nor does a key pressed in between.
 */
export function installQuickExitShortcut(): () => void {
  let presses = 0;
  let firstAt = 0;
  let usedAsModifier = false;

  function onKeyDown(event: KeyboardEvent) {
    if (event.key === 'Shift') return;
    presses = 0;
    if (event.shiftKey) usedAsModifier = true;
  }

  function onKeyUp(event: KeyboardEvent) {
    if (event.key !== 'Shift') return;
    if (usedAsModifier) {
      usedAsModifier = false;
      presses = 0;
      return;
    }
    const now = performance.now();
    if (presses === 0 || now - firstAt > SHIFT_WINDOW_MS) {
      presses = 1;
      firstAt = now;
      return;
    }
    presses += 1;
    if (presses >= 3) {
      presses = 0;
      quickExit();
    }
  }

  function onPageShow(event: PageTransitionEvent) {
    // Brought back from the browser's cache after leaving: leave again.
    if (event.persisted && exited) window.location.replace(quickExitUrl);
  }

  window.addEventListener('keydown', onKeyDown, true);
  window.addEventListener('keyup', onKeyUp, true);
  window.addEventListener('pageshow', onPageShow);
  return () => {
    window.removeEventListener('keydown', onKeyDown, true);
    window.removeEventListener('keyup', onKeyUp, true);
    window.removeEventListener('pageshow', onPageShow);
  };
}
