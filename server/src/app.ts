import fastifyCookie from '@fastify/cookie';
import Fastify, { type FastifyServerOptions } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { DestinationStream } from 'pino';
import type { Config } from './config.ts';
import { openDatabase, type Database } from './db/database.ts';
import { authentication } from './http/authentication.ts';
import { serveClient } from './http/client.ts';
import { installErrorHandling } from './http/errors.ts';
import { accountRoutes } from './modules/accounts/routes.ts';
import {
  createAccountsService,
  defaultPasswordHashing,
  type PasswordHashing,
} from './modules/accounts/service.ts';
import { groupRoutes } from './modules/groups/routes.ts';
import { createGroupsService } from './modules/groups/service.ts';
import { registerRoomHandlers } from './modules/rooms/handlers.ts';
import { createRoomsService } from './modules/rooms/service.ts';
import { sessionRoutes } from './modules/sessions/routes.ts';
import { createSessionsService } from './modules/sessions/service.ts';
import { healthRoutes } from './ops/health.ts';
import { createRealtime } from './realtime/realtime.ts';
import { channels } from './realtime/types.ts';
import { openRedis, type RedisConnection } from './redis.ts';

export type AppDeps = {
  /** Where JSON logs go; stdout when absent. Tests pass a stream to read them. */
  logStream?: DestinationStream;
  /** Tests lower the cost of argon2id; production keeps the default. */
  passwordHashing?: PasswordHashing;
};

/** Secrets and content never reach a log line, whatever object a log call is handed. */
export const redactedLogPaths = [
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
  '*.code',
  '*.text',
  '*.body',
  '*.pseudonym',
  '*.username',
];

function loggerOptions(config: Config, stream?: DestinationStream): FastifyServerOptions['logger'] {
  return {
    level: config.logLevel,
    ...(stream ? { stream } : {}),
    redact: { paths: redactedLogPaths, censor: '[redacted]' },
    serializers: {
      // Method and path only: no query string, headers or address of the person.
      req: (request: { method: string; url: string }) => ({
        method: request.method,
        url: request.url.split('?')[0],
      }),
    },
  };
}

/** The one composition root: the app with its database, Redis, realtime and every module. */
export async function buildApp(config: Config, deps: AppDeps = {}) {
  const app = Fastify({
    logger: loggerOptions(config, deps.logStream),
    trustProxy: config.trustProxy,
    bodyLimit: 64 * 1024,
    forceCloseConnections: true,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // JSON only: a cross-site form can post text/plain without a preflight, never JSON.
  app.removeContentTypeParser('text/plain');

  let database: Database | null = null;
  let redis: RedisConnection | null = null;
  try {
    database = await openDatabase(config, app.log);
    redis = config.redisUrl
      ? await openRedis({ url: config.redisUrl, keyPrefix: config.redisKeyPrefix }, app.log)
      : null;
  } catch (error) {
    await database?.close();
    await app.close();
    throw error;
  }
  const { db } = database;

  const accounts = createAccountsService(db, {
    sessionTtlHours: config.sessionTtlHours,
    passwordHashing: deps.passwordHashing ?? defaultPasswordHashing,
  });
  const groups = createGroupsService(db, accounts);
  const sessions = createSessionsService(db, groups);
  const rooms = createRoomsService(db);

  await app.register(fastifyCookie);
  await app.register(authentication, { accounts });
  installErrorHandling(app);

  await app.register(healthRoutes, {
    checks: {
      database: database.ping,
      ...(redis ? { redis: redis.ping } : {}),
    },
  });
  const realtime = createRealtime(app, { accounts, redis });
  registerRoomHandlers(realtime.router, rooms);

  await app.register(accountRoutes, {
    accounts,
    config,
    // A login that ends takes its open sockets with it, on every node.
    endLoginSockets: (authSessionId) =>
      realtime.io.in(channels.login(authSessionId)).disconnectSockets(true),
  });
  await app.register(groupRoutes, { groups, config });
  await app.register(sessionRoutes, { sessions });
  await serveClient(app, config.clientDist);

  app.addHook('onClose', async () => {
    // Sockets first, then the stores they use.
    await realtime.io.close();
    await redis?.close();
    await database.close();
  });

  return {
    app,
    io: realtime.io,
    services: { accounts, groups, sessions, rooms },
    database,
  };
}

export type HearthApp = Awaited<ReturnType<typeof buildApp>>;
