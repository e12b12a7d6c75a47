import { createSealer, embeddedKeyRing, parseKeyRing } from './crypto/keyring.ts';
import { randomUUID } from 'node:crypto';
import type { RoomEvent } from '@hearth/shared';
import fastifyCookie from '@fastify/cookie';
import Fastify, { type FastifyServerOptions } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { DestinationStream } from 'pino';
import { ConfigError, type Config } from './config.ts';
import { errorSummary, openDatabase, type Database } from './db/database.ts';
import { authentication } from './http/authentication.ts';
import { serveClient } from './http/client.ts';
import { webSecurity } from './http/security.ts';
import { installErrorHandling } from './http/errors.ts';
import { accountRoutes } from './modules/accounts/routes.ts';
import {
  createAccountsService,
  defaultPasswordHashing,
  type PasswordHashing,
} from './modules/accounts/service.ts';
import { createLoginThrottle, loginLimits } from './modules/accounts/throttle.ts';
import { agreementRoutes } from './modules/agreements/routes.ts';
import { createAgreementsService } from './modules/agreements/service.ts';
import { createGroupGate } from './modules/groups/gate.ts';
import { groupRoutes } from './modules/groups/routes.ts';
import { inviteRoutes } from './modules/invites/routes.ts';
import { createInvitesService } from './modules/invites/service.ts';
import { memberRoutes } from './modules/members/routes.ts';
import { createMembersService } from './modules/members/service.ts';
import { hideKeys, memoryCounters, redisCounters } from './lib/counters.ts';
import { createRateCounter, rateLimits, type RateLimits } from './lib/rateLimits.ts';
import { restRateLimits } from './http/rate-limits.ts';
import { registerApiDocs } from './http/api-docs.ts';
import { createGroupsService } from './modules/groups/service.ts';
import { registerRoomHandlers } from './modules/rooms/handlers.ts';
import { roomRoutes } from './modules/rooms/routes.ts';
import { createRoomsService } from './modules/rooms/service.ts';
import { createSeats } from './modules/rooms/seat.ts';
import { registerMessageHandlers } from './modules/messages/handlers.ts';
import { createMessagesService } from './modules/messages/service.ts';
import { registerSafetyHandlers } from './modules/safety/handlers.ts';
import { createSafetyService } from './modules/safety/service.ts';
import { createSessionLifecycle } from './modules/sessions/lifecycle.ts';
import { startRoomClock } from './jobs/roomClock.ts';
import { deliver, notifyStaff, publishEvents } from './realtime/publish.ts';
import { createFacilitationService } from './modules/facilitation/service.ts';
import { registerFacilitationHandlers } from './modules/facilitation/handlers.ts';
import { createCheckOutService } from './modules/facilitation/checkout.ts';
import { checkOutRoutes } from './modules/facilitation/routes.ts';
import { loadCrisisMatcher } from './modules/facilitation/crisisPhrases.ts';
import { createAuditService } from './modules/audit/service.ts';
import { auditRoutes } from './modules/audit/routes.ts';
import { clientConfigRoutes } from './http/client-config.ts';
import { sessionRoutes } from './modules/sessions/routes.ts';
import { createErasure } from './modules/privacy/erasure.ts';
import { createRetention } from './modules/privacy/retention.ts';
import { privacyRoutes } from './modules/privacy/routes.ts';
import { createSessionsService } from './modules/sessions/service.ts';
import { healthRoutes } from './ops/health.ts';
import { metricsRoutes } from './ops/metrics.ts';
import { createRealtime } from './realtime/realtime.ts';
import { channels, type HearthServer } from './realtime/types.ts';
import { openRedis, type RedisConnection } from './redis.ts';

export type AppDeps = {
  /** Where JSON logs go; stdout when absent. Tests pass a stream to read them. */
  logStream?: DestinationStream;
  /** Tests lower the cost of argon2id; production keeps the default. */
  passwordHashing?: PasswordHashing;
  /** Tests of other things raise the login limits, so many logins from one address pass. */
  loginLimits?: typeof loginLimits;
  /** Likewise the request and command limits, which the tests of limits keep as they are. */
  rateLimits?: RateLimits;
};

/** Keys whose values never reach a log line, at the top of a log object or nested in it. */
const secretKeys = [
  'password',
  'currentPassword',
  'newPassword',
  'token',
  'text',
  'body',
  'pseudonym',
  'username',
  'email',
  'account',
  'cookie',
  'authorization',
];

/**
 * A second line of defence: no code hands content to a logger, and if some did, these paths
 * (up to three levels deep) would be censored.
 */
export const redactedLogPaths = [
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
  ...secretKeys.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]),
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

/**
 * The key ring content is sealed with: from ENCRYPTION_KEYS, or on the embedded default a key
 * generated once into the data folder. Several nodes on one PostgreSQL must share their keys,
 * so with DATABASE_URL they must be given.
 */
function keyRingFor(config: Config) {
  if (config.encryptionKeys) {
    try {
      return parseKeyRing(config.encryptionKeys);
    } catch (error) {
      // The message names the variable and the key id, never a key.
      throw new ConfigError(`Invalid configuration: ${(error as Error).message}`);
    }
  }
  if (config.databaseUrl) {
    throw new ConfigError(
      'Invalid configuration: ENCRYPTION_KEYS is required with DATABASE_URL (for example k1:<32 random bytes, base64>).',
    );
  }
  return embeddedKeyRing(config.dataDir);
}

/** The one composition root: the app with its database, Redis, realtime and every module. */
export async function buildApp(config: Config, deps: AppDeps = {}) {
  const app = Fastify({
    logger: loggerOptions(config, deps.logStream),
    trustProxy: config.trustProxy,
    bodyLimit: 64 * 1024,
    forceCloseConnections: true,
    // Fastify's default logs the raw bytes of a malformed request, cookies included.
    clientErrorHandler: (error, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // JSON only: a cross-site form can post text/plain without a preflight, never JSON.
  app.removeContentTypeParser('text/plain');

  let database: Database | null = null;
  let redis: RedisConnection | null = null;
  let io: HearthServer | null = null;
  let clock: { stop(): Promise<void> } | null = null;
  const closeEverything = async () => {
    // Timed work and sockets first, then the stores they use.
    await clock?.stop();
    await io?.close();
    await redis?.close();
    await database?.close();
  };
  app.addHook('onClose', closeEverything);

  try {
    // Keys first: a node that could not read what it stores must not start at all.
    const sealer = createSealer(keyRingFor(config));
    database = await openDatabase(config, app.log);
    redis = config.redisUrl
      ? await openRedis({ url: config.redisUrl, keyPrefix: config.redisKeyPrefix }, app.log)
      : null;

    const hide = (key: string) => sealer.blindIndex(key, 'counters');
    const counters = hideKeys(redis ? redisCounters(redis) : memoryCounters(), hide);
    const accounts = createAccountsService(database, {
      sessionTtlHours: config.sessionTtlHours,
      passwordHashing: deps.passwordHashing ?? defaultPasswordHashing,
      throttle: createLoginThrottle(counters, deps.loginLimits),
    });
    const limits = deps.rateLimits ?? rateLimits;
    const rateCounter = createRateCounter(counters, hideKeys(memoryCounters(), hide));
    const realtime = createRealtime(app, {
      accounts,
      redis,
      publicUrl: config.publicUrl,
      counter: rateCounter,
      limits: limits.socket,
    });
    io = realtime.io;
    const access = createGroupGate(database.db);
    const agreements = createAgreementsService(database, { access });
    const safety = createSafetyService(database, { sealer });
    const rooms = createRoomsService(database, {
      agreements,
      access,
      nodeId: randomUUID(),
      sealer,
    });
    const seats = createSeats(rooms);
    const messages = createMessagesService(database, { crisis: loadCrisisMatcher(config.crisisPhrasesFile), sealer });
    // A person's places changed or ended: rooms hear the news, and their sockets reconnect on
    // every node, so each room re-checks whether they still belong in it.
    const placesEnded = (accountId: string, events: RoomEvent[] = []) => {
      publishEvents(realtime.io, events);
      realtime.io.in(channels.account(accountId)).disconnectSockets(true);
      // Their check-in answers, reports and requests left those rooms' consoles too.
      for (const sessionId of new Set(events.map((event) => event.sessionId))) {
        rooms
          .staffChanged(sessionId)
          .then((version) => notifyStaff(realtime.io, sessionId, version))
          .catch((error: unknown) => app.log.warn({ err: errorSummary(error) }, 'facilitators could not be told of a change'));
      }
    };
    const members = createMembersService(database, {
      access,
      // Their presence first, then their messages: both news while the member still exists.
      leaveRooms: async (tx, groupId, memberId) => [
        ...(await rooms.leaveAllIn(tx, groupId, memberId)),
        ...(await messages.withdrawAllOf(tx, groupId, memberId)),
      ],
      membershipChanged: placesEnded,
    });
    const groups = createGroupsService(database, { access, members, agreements });
    const invites = createInvitesService(database, { access, accounts, members });
    const lifecycle = createSessionLifecycle(database, {
      closed: (event) => publishEvents(realtime.io, [event]),
      sealer,
    });
    const sessions = createSessionsService(database, { access, lifecycle });
    const facilitation = createFacilitationService(database, { rooms, members, sealer });
    const checkOut = createCheckOutService(database, { access, sealer });
    const audit = createAuditService(database.db, { access });
    const retention = createRetention(database);
    const erasure = createErasure(database, {
      accounts,
      members,
      erased: placesEnded,
    });

    await app.register(webSecurity, { publicUrl: config.publicUrl, behindTls: config.secureCookies });
    await app.register(fastifyCookie);
    await app.register(authentication, { accounts });
    await app.register(restRateLimits, { counter: rateCounter, limits: limits.rest });
    installErrorHandling(app);
    await registerApiDocs(app);

    await app.register(healthRoutes, {
      checks: {
        database: database.ping,
        ...(redis ? { redis: redis.ping } : {}),
      },
    });
    const realtimeIo = realtime.io;
    await app.register(metricsRoutes, {
      token: config.metricsToken,
      sources: {
        sockets: () => realtimeIo.engine.clientsCount,
        commandsInFlight: realtime.router.pending,
        poolClients: database.poolClients,
      },
    });
    const presence = registerRoomHandlers(realtime.router, realtime.io, rooms, seats);
    registerMessageHandlers(realtime.router, realtime.io, messages, seats);
    registerSafetyHandlers(realtime.router, realtime.io, safety, seats);
    registerFacilitationHandlers(realtime.router, realtime.io, facilitation, seats);
    await app.register(clientConfigRoutes, { clientConfig: { quickExitUrl: config.quickExitUrl } });

    await app.register(accountRoutes, {
      accounts,
      config,
      // A login that ends takes its open sockets with it, on every node.
      sockets: {
        endLogins: (ids) => {
          if (ids.length > 0) realtime.io.in(ids.map(channels.login)).disconnectSockets(true);
        },
        endAccount: (accountId) => realtime.io.in(channels.account(accountId)).disconnectSockets(true),
      },
    });
    await app.register(groupRoutes, { groups });
    await app.register(memberRoutes, { members });
    await app.register(agreementRoutes, { agreements });
    await app.register(inviteRoutes, { invites, config });
    await app.register(sessionRoutes, { sessions });
    await app.register(roomRoutes, { rooms });
    await app.register(checkOutRoutes, { checkOut });
    await app.register(auditRoutes, { audit });
    await app.register(privacyRoutes, { erasure, config });
    await serveClient(app, config.clientDist);
    await app.ready();
    clock = startRoomClock({
      intervalMs: config.roomClockMs,
      lifecycle,
      rooms,
      facilitation,
      retention,
      deliver: (sessionId, delivery) => deliver(realtime.io, sessionId, delivery),
      liveSocketIds: () => [...realtime.io.of('/').sockets.keys()],
      announce: presence.announce,
      log: app.log,
    });

    return {
      app,
      io: realtime.io,
      services: {
        accounts,
        groups,
        members,
        agreements,
        invites,
        sessions,
        lifecycle,
        rooms,
        messages,
        safety,
        facilitation,
        checkOut,
        audit,
        retention,
        erasure,
      },
      database,
      /** Seals and opens content at rest; tests use it to check what the database holds. */
      sealer,
    };
  } catch (error) {
    await app.close().catch(() => closeEverything());
    throw error;
  }
}

export type HearthApp = Awaited<ReturnType<typeof buildApp>>;
