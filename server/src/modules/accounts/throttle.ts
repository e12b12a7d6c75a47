import { hashToken } from '../../crypto/tokens.ts';
import { AppError } from '../../errors.ts';
import type { Counters } from '../../lib/counters.ts';

/** Failed logins allowed per account name, and per address, in one window. */
export const loginLimits = {
  perAccount: 5,
  perAddress: 30,
  windowSeconds: 15 * 60,
};

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;

/**
 * Slows down password guessing: against one account from anywhere, and from one address
 * against any account. Counted by name whether or not the account exists, so the limit itself
 * reveals nothing. Keys are hashed: neither usernames nor addresses are stored.
 */
export function createLoginThrottle(counters: Counters, limits = loginLimits) {
  const accountKey = (username: string) => `login:account:${hashToken(username.toLowerCase())}`;
  const addressKey = (address: string) => `login:address:${hashToken(address)}`;

  return {
    async check(username: string, address: string): Promise<void> {
      const [byAccount, byAddress] = await Promise.all([
        counters.peek(accountKey(username)),
        counters.peek(addressKey(address)),
      ]);
      const blocked = [
        byAccount.count >= limits.perAccount ? byAccount.resetInSeconds : 0,
        byAddress.count >= limits.perAddress ? byAddress.resetInSeconds : 0,
      ];
      const wait = Math.max(...blocked);
      if (wait > 0) {
        const minutes = Math.max(1, Math.ceil(wait / 60));
        throw new AppError(
          'rate_limited',
          `Too many attempts to log in. Please wait ${minutes} minute${minutes === 1 ? '' : 's'} and try again.`,
        );
      }
    },

    async failed(username: string, address: string): Promise<void> {
      await Promise.all([
        counters.increment(accountKey(username), limits.windowSeconds),
        counters.increment(addressKey(address), limits.windowSeconds),
      ]);
    },

    async succeeded(username: string): Promise<void> {
      await counters.reset(accountKey(username));
    },
  };
}
