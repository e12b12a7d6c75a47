import type { RedisConnection } from '../redis.ts';

/**
 * Fixed-window counters for rate limits: in this process on the embedded default, in Redis
 * (shared by every node) when it is configured. Stored under keyed hashes (see `hideKeys`), so
 * no username or address is kept in the clear, nor one that could be found by trying them all.
 */
export type Counters = {
  /** Adds one to `key` and returns its count within the current window and when that ends. */
  increment(key: string, windowSeconds: number): Promise<{ count: number; resetInSeconds: number }>;
  peek(key: string): Promise<{ count: number; resetInSeconds: number }>;
  reset(key: string): Promise<void>;
  /** Gives one back, when the thing counted turned out not to count. */
  decrement(key: string): Promise<void>;
  /** False while the shared store is known to be away (counts would only queue up). */
  available?: () => boolean;
};

/**
 * The same counters under keyed hashes of their keys: a plain hash of an IPv4 address or a
 * username can be reversed by trying every one; a keyed one cannot without the key.
 */
export function hideKeys(counters: Counters, hide: (key: string) => string): Counters {
  return {
    increment: (key, windowSeconds) => counters.increment(hide(key), windowSeconds),
    peek: (key) => counters.peek(hide(key)),
    reset: (key) => counters.reset(hide(key)),
    decrement: (key) => counters.decrement(hide(key)),
    ...(counters.available ? { available: counters.available } : {}),
  };
}

export function memoryCounters(now: () => number = Date.now): Counters {
  const windows = new Map<string, { count: number; resetAt: number }>();
  const live = (key: string) => {
    const entry = windows.get(key);
    if (entry && entry.resetAt <= now()) {
      windows.delete(key);
      return undefined;
    }
    return entry;
  };
  const sweep = setInterval(() => {
    for (const key of windows.keys()) live(key);
  }, 60_000);
  sweep.unref();
  return {
    async increment(key, windowSeconds) {
      const entry = live(key) ?? { count: 0, resetAt: now() + windowSeconds * 1000 };
      entry.count += 1;
      windows.set(key, entry);
      return { count: entry.count, resetInSeconds: Math.ceil((entry.resetAt - now()) / 1000) };
    },
    async peek(key) {
      const entry = live(key);
      return entry
        ? { count: entry.count, resetInSeconds: Math.ceil((entry.resetAt - now()) / 1000) }
        : { count: 0, resetInSeconds: 0 };
    },
    async reset(key) {
      windows.delete(key);
    },
    async decrement(key) {
      const entry = live(key);
      if (entry && entry.count > 0) entry.count -= 1;
    },
  };
}

export function redisCounters(redis: RedisConnection): Counters {
  const name = (key: string) => `${redis.keyPrefix}:count:${key}`;
  return {
    available: () => redis.pub.isReady,
    async increment(key, windowSeconds) {
      const [count, , ttl] = (await redis.pub
        .multi()
        .incr(name(key))
        .expire(name(key), windowSeconds, 'NX')
        .ttl(name(key))
        .exec()) as unknown as [number, number, number];
      return { count: Number(count), resetInSeconds: Math.max(Number(ttl), 0) };
    },
    async peek(key) {
      const [count, ttl] = await Promise.all([redis.pub.get(name(key)), redis.pub.ttl(name(key))]);
      return { count: Number(count ?? 0), resetInSeconds: Math.max(Number(ttl), 0) };
    },
    async reset(key) {
      await redis.pub.del(name(key));
    },
    async decrement(key) {
      // Only an existing window is decremented, so no key is left without an expiry.
      await redis.pub.eval(
        "if redis.call('exists', KEYS[1]) == 1 then return redis.call('decr', KEYS[1]) end return 0",
        { keys: [name(key)] },
      );
    },
  };
}
