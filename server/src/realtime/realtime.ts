import { createAdapter } from '@socket.io/redis-adapter';
import type { FastifyInstance } from 'fastify';
import { Server } from 'socket.io';
import type { AccountsService } from '../modules/accounts/service.ts';
import { SESSION_COOKIE } from '../http/session-cookie.ts';
import type { RedisConnection } from '../redis.ts';
import { createEventRouter } from './router.ts';
import { channels, type HearthServer } from './types.ts';

/** Socket payloads are small JSON commands; anything larger is refused by the transport. */
const MAX_PAYLOAD_BYTES = 64 * 1024;

/**
 * socket.io on Fastify's own HTTP server. Connections are authenticated with the same session
 * cookie as REST; with Redis, broadcasts reach the sockets of every node.
 */
export function createRealtime(
  app: FastifyInstance,
  deps: { accounts: AccountsService; redis: RedisConnection | null },
) {
  const io: HearthServer = new Server(app.server, {
    path: '/socket.io',
    serveClient: false,
    maxHttpBufferSize: MAX_PAYLOAD_BYTES,
  });
  if (deps.redis) {
    io.adapter(createAdapter(deps.redis.pub, deps.redis.sub, { key: deps.redis.channelPrefix }));
  }

  io.use((socket, next) => {
    const cookies = app.parseCookie(socket.request.headers.cookie ?? '');
    deps.accounts
      .authenticate(cookies[SESSION_COOKIE])
      .then((actor) => {
        if (!actor) {
          const refusal = new Error('unauthenticated') as Error & { data?: unknown };
          refusal.data = { code: 'unauthenticated', message: 'Please log in to continue.' };
          return next(refusal);
        }
        socket.data.actor = actor;
        socket.data.rooms = new Map();
        next();
      })
      .catch((error: unknown) => {
        app.log.error({ err: { type: (error as Error)?.name } }, 'socket authentication failed');
        const refusal = new Error('unavailable') as Error & { data?: unknown };
        refusal.data = { code: 'unavailable', message: 'Hearth cannot check your login right now.' };
        next(refusal);
      });
  });

  const router = createEventRouter(app.log);

  io.on('connection', (socket) => {
    const { actor } = socket.data;
    void socket.join([channels.account(actor.accountId), channels.login(actor.authSessionId)]);
    router.attach(socket, io);
  });

  app.addHook('preClose', async () => {
    // Only this node's sockets: with Redis, io.disconnectSockets() would reach every node.
    io.local.disconnectSockets(true);
  });

  return { io, router };
}
