import { createAdapter } from '@socket.io/redis-adapter';
import type { FastifyInstance } from 'fastify';
import { Server } from 'socket.io';
import type { AccountsService } from '../modules/accounts/service.ts';
import { SESSION_COOKIE } from '../http/session-cookie.ts';
import { fromOwnPages } from '../http/origin.ts';
import { withTimeout } from '../lib/timeout.ts';
import type { RedisConnection } from '../redis.ts';
import { createEventRouter } from './router.ts';
import { accountKey, takeToken, writeCommands, type RateCounter, type RateLimits } from '../lib/rateLimits.ts';
import { channels, type HearthServer } from './types.ts';

/**
 * Socket payloads are small JSON commands. socket.io closes a connection that sends a larger
 * frame; the client reconnects and nothing else in the room is affected.
 */
const MAX_PAYLOAD_BYTES = 64 * 1024;
const DRAIN_DEADLINE_MS = 5000;
/** How long a closing transport may take to write what is queued for it. */
const FLUSH_DEADLINE_MS = 1000;
/** Within main.ts's ten seconds, with the drain and the flush before it. */
const DEPARTURES_DEADLINE_MS = 1500;

type Refusal = Error & { data?: unknown };

type RedisClient = RedisConnection['pub'];

/**
 * Closes every transport once what is queued for it is written, then whatever is left at once.
 * An answer given a moment ago can still be queued behind the broadcast written just before
 * it; closing with `io.engine.close()` alone discards it, and the sender of a send that
 * committed would never hear so.
 */
async function closeTransports(io: HearthServer): Promise<void> {
  const closing = [...io.of('/').sockets.values()].map(
    ({ conn }) =>
      new Promise<void>((resolve) => {
        if (conn.readyState === 'closed') return resolve();
        conn.once('close', () => resolve());
        conn.close();
      }),
  );
  await withTimeout(Promise.all(closing), FLUSH_DEADLINE_MS, 'closing transports').catch(() => undefined);
  io.engine.close();
}

const subscriptionCommands = ['subscribe', 'pSubscribe', 'unsubscribe', 'pUnsubscribe'] as const;

/**
 * The Redis adapter sends these commands without waiting for their answer. While Redis is away
 * the client queues them and rejects each after its command timeout; unheard, that rejection
 * ends the process. A broadcast lost that way is repaired by the clients' catch-up, so the
 * adapter is given the clients with those rejections heard.
 */
function heard(client: RedisClient, commands: readonly string[], lost: (error: Error) => void): RedisClient {
  return new Proxy(client, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const bound = value.bind(target) as (...args: unknown[]) => unknown;
      if (typeof property !== 'string' || !commands.includes(property)) return bound;
      return (...args: unknown[]) => {
        const answer = bound(...args);
        if (answer instanceof Promise) answer.catch(lost);
        return answer;
      };
    },
  });
}

function refusal(code: string, message: string): Refusal {
  const error: Refusal = new Error(code);
  error.data = { code, message };
  return error;
}

/**
 * socket.io on Fastify's own HTTP server. Connections are authenticated with the same session
 * cookie as REST; with Redis, broadcasts reach the sockets of every node.
 */
export function createRealtime(
  app: FastifyInstance,
  deps: {
    accounts: AccountsService;
    redis: RedisConnection | null;
    publicUrl: string | undefined;
    counter: RateCounter;
    limits: RateLimits['socket'];
  },
) {
  let draining = false;
  const io: HearthServer = new Server(app.server, {
    path: '/socket.io',
    serveClient: false,
    maxHttpBufferSize: MAX_PAYLOAD_BYTES,
    allowRequest: (request, callback) => {
      if (draining) return callback('Hearth is restarting', false);
      if (!fromOwnPages(request.headers, deps.publicUrl)) return callback('Origin not allowed', false);
      callback(null, true);
    },
  });
  if (deps.redis) {
    const lost = (error: Error) => app.log.debug({ err: { type: error.name } }, 'a redis broadcast command failed');
    io.adapter(
      createAdapter(heard(deps.redis.pub, ['publish'], lost), heard(deps.redis.sub, subscriptionCommands, lost), {
        key: deps.redis.channelPrefix,
      }),
    );
  }

  io.use((socket, next) => {
    const cookies = app.parseCookie(socket.request.headers.cookie ?? '');
    deps.accounts
      .authenticate(cookies[SESSION_COOKIE])
      .then((actor) => {
        if (!actor) return next(refusal('unauthenticated', 'Please log in to continue.'));
        socket.data.actor = actor;
        socket.data.rooms = new Map();
        socket.data.typingAt = 0;
        socket.data.bucket = { tokens: deps.limits.perSocket.burst, at: Date.now() };
        next();
      })
      .catch((error: unknown) => {
        app.log.error({ err: { type: (error as Error)?.name } }, 'socket authentication failed');
        next(refusal('unavailable', 'Hearth cannot check your login right now.'));
      });
  });

  // socket.io answers its HTTP requests before Fastify sees them, but only on the server it was
  // given. With HOST=localhost Fastify also listens on a second address and forwards only
  // upgrades from it; long-polling requests arriving there are handed over here.
  app.route({
    method: ['GET', 'POST'],
    url: '/socket.io/',
    schema: { hide: true },
    onRequest: async (request, reply) => {
      reply.hijack();
      io.engine.handleRequest(request.raw, reply.raw);
    },
    handler: async () => undefined,
  });

  const router = createEventRouter(app.log, {
    socket: (socket) => takeToken(socket.data.bucket, deps.limits.perSocket),
    account: async (socket, event) => {
      const account = accountKey(socket.data.actor.accountId);
      const windows = [{ key: `socket:${account}`, window: deps.limits.perAccount }];
      if (writeCommands.has(event)) windows.push({ key: `writes:${account}`, window: deps.limits.writesPerAccount });
      await deps.counter.take(windows);
    },
  });

  io.on('connection', (socket) => {
    const { actor } = socket.data;
    void socket.join([channels.account(actor.accountId), channels.login(actor.authSessionId)]);
    // A login that ends while its socket is quiet ends the socket too, not only at its next
    // command: nothing more reaches it. (Timers cannot wait longer than about 24 days.)
    const untilExpiry = Math.min(actor.loginExpiresAt.getTime() - Date.now(), 2 ** 31 - 1);
    const expiry = setTimeout(() => socket.disconnect(true), Math.max(untilExpiry, 0));
    expiry.unref();
    socket.once('disconnect', () => clearTimeout(expiry));
    router.attach(socket, io);
  });

  app.addHook('preClose', async () => {
    // Refuse new connections and let the commands under way commit and be answered, then close
    // this node's transports: clients see a dropped connection and reconnect, through the load
    // balancer, to a node that is up. A send cut off by the deadline is resent by its sender
    // with the same client id, which gets the stored message back if it did commit.
    draining = true;
    await withTimeout(router.drain(), DRAIN_DEADLINE_MS, 'draining socket commands').catch((error: Error) =>
      app.log.warn({ err: { type: error.name } }, 'some socket commands were still running at shutdown'),
    );
    await closeTransports(io);
    // Each closed socket starts its presence change (others see these people leave); the
    // database must stay open until those are written too.
    await withTimeout(router.drain(), DEPARTURES_DEADLINE_MS, 'recording departures').catch((error: Error) =>
      app.log.warn({ err: { type: error.name } }, 'some departures were still being recorded at shutdown'),
    );
  });

  return { io, router };
}
