import type { FastifyBaseLogger } from 'fastify';
import { createClient } from 'redis';
import { withTimeout } from './lib/timeout.ts';

function connectClient(url: string) {
  return createClient({
    url,
    socket: { reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 3000) },
  });
}
type RedisClient = ReturnType<typeof connectClient>;

export type RedisConnection = {
  pub: RedisClient;
  sub: RedisClient;
  /** Prefix of every key this deployment uses, so deployments can share a Redis. */
  keyPrefix: string;
  channelPrefix: string;
  /** Throws unless both connections are up and the server answers. */
  ping(): Promise<void>;
  close(): Promise<void>;
};

export async function openRedis(
  options: { url: string; keyPrefix: string },
  log: FastifyBaseLogger,
): Promise<RedisConnection> {
  // Two connections: a subscribed connection cannot publish or run other commands.
  const pub = connectClient(options.url);
  const sub = connectClient(options.url);
  // Without listeners a connection error would end the process; the clients reconnect by
  // themselves and readiness reports the outage meanwhile.
  for (const [name, client] of [['publisher', pub], ['subscriber', sub]] as const) {
    let reported = false;
    client.on('error', (error: Error) => {
      if (!reported) log.warn({ client: name, err: { type: error.name } }, 'redis connection failed');
      reported = true;
    });
    client.on('ready', () => {
      if (reported) log.info({ client: name }, 'redis connection restored');
      reported = false;
    });
  }
  try {
    // The clients retry for ever by design; at start-up an unreachable Redis must stop Hearth.
    await withTimeout(Promise.all([pub.connect(), sub.connect()]), 10_000, 'connecting to Redis');
  } catch (error) {
    destroyQuietly(pub, sub);
    throw new RedisUnreachable(error);
  }
  return {
    pub,
    sub,
    keyPrefix: options.keyPrefix,
    channelPrefix: `${options.keyPrefix}:socket.io`,
    async ping() {
      if (!pub.isReady || !sub.isReady) throw new Error('redis not ready');
      await withTimeout(pub.ping(), 2000, 'redis ping');
    },
    async close() {
      // A close waits for Redis to answer; when it is down, give up and drop the connections.
      await withTimeout(Promise.allSettled([pub.close(), sub.close()]), 2000, 'closing Redis').catch(() =>
        destroyQuietly(pub, sub),
      );
    },
  };
}

export class RedisUnreachable extends Error {
  override name = 'RedisUnreachable';
  constructor(cause: unknown) {
    super('the Redis server at REDIS_URL cannot be reached', { cause });
  }
}

function destroyQuietly(...clients: RedisClient[]): void {
  for (const client of clients) {
    if (client.isOpen) client.destroy();
  }
}
