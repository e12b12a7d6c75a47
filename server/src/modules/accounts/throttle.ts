import { tooMany } from '../../lib/rateLimits.ts';
import type { Counters } from '../../lib/counters.ts';

/** Login attempts allowed per account name, and per address, in one window. */
export const loginLimits = {
  perAccount: 5,
  perAddress: 30,
  windowSeconds: 15 * 60,
};

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;


/**
 * Slows down password guessing: against one account from anywhere, and from one address
 * against any account. An attempt is counted before the password is checked, so parallel
 * requests cannot slip past the limit; a success gives its attempts back. Counted by name
 * whether or not the account exists, so the limit itself reveals nothing. The counters keep
 * their keys only as keyed hashes.
 */
export function createLoginThrottle(counters: Counters, limits = loginLimits) {
  const accountKey = (name: string) => `login:account:${name.toLowerCase()}`;
  const addressKey = (address: string) => `login:address:${address}`;

  return {
    /** Counts an attempt against `name` (a username, or an account id) and `address`. */
    async attempt(name: string, address: string): Promise<void> {
      const [byAccount, byAddress] = await Promise.all([
        counters.increment(accountKey(name), limits.windowSeconds),
        counters.increment(addressKey(address), limits.windowSeconds),
      ]);
      const waits = [
        byAccount.count > limits.perAccount ? byAccount.resetInSeconds : 0,
        byAddress.count > limits.perAddress ? byAddress.resetInSeconds : 0,
      ];
      const wait = Math.max(...waits);
      if (wait > 0) throw tooMany(wait, 'Too many attempts.');
    },

    /** A right password: the name's attempts are cleared and the address's attempt returned. */
    async succeeded(name: string, address: string): Promise<void> {
      await Promise.all([counters.reset(accountKey(name)), counters.decrement(addressKey(address))]);
    },
  };
}
