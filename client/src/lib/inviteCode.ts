/**
 * An invite code waiting while its holder logs in first. It lives in this tab's sessionStorage
 * because a code in a path or query string would end up in server and proxy logs.
 */
const KEY = 'hearth.pendingInvite';

export function keepInviteCode(code: string): void {
  try {
    sessionStorage.setItem(KEY, code);
  } catch {
    // Storage can be switched off; the person can still open the invite link again.
  }
}

export function keptInviteCode(): string {
  try {
    return sessionStorage.getItem(KEY) ?? '';
  } catch {
    return '';
  }
}

export function forgetInviteCode(): void {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // Nothing was kept if storage is unavailable.
  }
}
