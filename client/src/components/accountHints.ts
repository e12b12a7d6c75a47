import { limits } from '@hearth/shared';

/** Mirrors UsernameSchema's rule so the browser can point at the problem before sending. */
export const usernamePattern = '[A-Za-z0-9_.\\-]+';

export const usernameHint =
  `${String(limits.usernameMin)} to ${String(limits.usernameMax)} characters: ` +
  'letters, digits, dots, dashes and underscores. Only you use it, to log in.';

export const passwordHint =
  `At least ${String(limits.passwordMin)} characters. ` +
  'A few words strung together works well.';
