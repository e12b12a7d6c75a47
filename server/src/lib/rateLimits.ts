import { AppError } from '../errors.ts';
import { memoryCounters, type Counters } from './counters.ts';
import { withTimeout } from './timeout.ts';

type Window = { limit: number; windowSeconds: number };

/**
 * How much one person or one address may ask of Hearth. Generous for people (a shelter's whole
 * house may share one address), tight enough that one client cannot crowd out a room.
 */
export const rateLimits = {
  rest: {
    perAccount: { limit: 300, windowSeconds: 60 },
    perAddress: { limit: 900, windowSeconds: 60 },
    /**
     * Routes open to anyone that take a secret: first-run setup and invite links. Codes cannot
     * be guessed; this bounds the accounts one address can create, and leaves room for a whole
     * group joining from one house.
     */
    openPerAddress: { limit: 300, windowSeconds: 600 },
  },
  socket: {
    /** Each socket: a burst, then a steady rate, counted where the socket lives. */
    perSocket: { burst: 40, perSecond: 10 },
    /** Each account, over all its sockets on every node. */
    perAccount: { limit: 600, windowSeconds: 60 },
    /** Of those, what puts words in front of others. */
    writesPerAccount: { limit: 15, windowSeconds: 10 },
  },
};
export type RateLimits = typeof rateLimits;

/**
 * Commands that put something in front of others. "I need support" is not among them: it must
 * get through however much its sender has written.
 */
export const writeCommands: ReadonlySet<string> = new Set([
  'message:send',
  'message:edit',
  'message:react',
  'message:report',
  'side:send',
  'room:announce',
]);

/** `rate_limited`, saying plainly how long to wait. */
export function tooMany(seconds: number, what = 'That is more than Hearth can take at once.'): AppError {
  const wait = Math.max(1, Math.ceil(seconds));
  const minutes = Math.ceil(wait / 60);
  const after = wait < 60 ? `${wait} second${wait === 1 ? '' : 's'}` : `${minutes} minute${minutes === 1 ? '' : 's'}`;
  return new AppError('rate_limited', `${what} Please wait ${after} and try again.`, wait);
}

/** How long a shared count may take before this node counts on its own. */
const SHARED_COUNT_WAIT_MS = 250;

/**
 * Fixed-window counts shared by every node through `counters` (Redis when configured). While
 * the shared store does not answer (a Redis outage), each node counts on its own: limits stay,
 * only per node, and rooms keep working.
 */
export function createRateCounter(counters: Counters, local: Counters = memoryCounters()) {
  async function increment(key: string, windowSeconds: number) {
    if (counters.available?.() === false) return local.increment(key, windowSeconds);
    const shared = counters.increment(key, windowSeconds);
    // Settles later, after the outage, or never: nobody waits for it past the deadline.
    shared.catch(() => undefined);
    try {
      return await withTimeout(shared, SHARED_COUNT_WAIT_MS, 'a shared count');
    } catch {
      return local.increment(key, windowSeconds);
    }
  }

  return {
    /** Counts one against each window; throws `rate_limited` if any is over, with the longest wait. */
    async take(windows: ReadonlyArray<{ key: string; window: Window }>): Promise<void> {
      const counted = await Promise.all(windows.map(({ key, window }) => increment(`rate:${key}`, window.windowSeconds)));
      let wait = 0;
      counted.forEach((count, i) => {
        if (count.count > windows[i]!.window.limit) wait = Math.max(wait, count.resetInSeconds);
      });
      if (wait > 0) throw tooMany(wait);
    },
  };
}
export type RateCounter = ReturnType<typeof createRateCounter>;

export const addressKey = (address: string) => `address:${address}`;
export const accountKey = (accountId: string) => `account:${accountId}`;

/**
 * A token bucket for one socket, in memory: the first check a command meets, before any shared
 * count, so a client flooding its socket is turned away at the cost of a subtraction.
 */
export type Bucket = { tokens: number; at: number };

export function takeToken(bucket: Bucket, limit: { burst: number; perSecond: number }, now = Date.now()): number {
  bucket.tokens = Math.min(limit.burst, bucket.tokens + ((now - bucket.at) / 1000) * limit.perSecond);
  bucket.at = now;
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return 0;
  }
  return (1 - bucket.tokens) / limit.perSecond;
}
