import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  CreateSessionRequestSchema,
  EmptyRequestSchema,
  GroupParamsSchema,
  ScheduleRequestSchema,
  ScheduleResultSchema,
  SessionListSchema,
  SessionParamsSchema,
  SessionSchema,
  SessionWindowQuerySchema,
  UpcomingSessionListSchema,
  UpdateSessionRequestSchema,
} from '@hearth/shared';
import { requireActor } from '../../http/authentication.ts';
import type { SessionsService } from './service.ts';

export const sessionRoutes: FastifyPluginAsyncZod<{ sessions: SessionsService }> = async (
  app,
  { sessions },
) => {
  app.get(
    '/api/groups/:groupId/sessions',
    {
      schema: {
        params: GroupParamsSchema,
        querystring: SessionWindowQuerySchema,
        response: { 200: SessionListSchema },
      },
    },
    async (request) => ({
      sessions: await sessions.list(requireActor(request), request.params.groupId, request.query),
    }),
  );

  app.post(
    '/api/groups/:groupId/sessions',
    { schema: { params: GroupParamsSchema, body: CreateSessionRequestSchema, response: { 201: SessionSchema } } },
    async (request, reply) =>
      reply.code(201).send(await sessions.startNow(requireActor(request), request.params.groupId, request.body)),
  );

  app.post(
    '/api/groups/:groupId/schedule',
    { schema: { params: GroupParamsSchema, body: ScheduleRequestSchema, response: { 201: ScheduleResultSchema } } },
    async (request, reply) =>
      reply.code(201).send(await sessions.schedule(requireActor(request), request.params.groupId, request.body)),
  );

  app.get(
    '/api/sessions/upcoming',
    { schema: { response: { 200: UpcomingSessionListSchema } } },
    async (request) => ({ sessions: await sessions.upcoming(requireActor(request)) }),
  );

  app.patch(
    '/api/sessions/:sessionId',
    { schema: { params: SessionParamsSchema, body: UpdateSessionRequestSchema, response: { 200: SessionSchema } } },
    async (request) => sessions.update(requireActor(request), request.params.sessionId, request.body),
  );

  app.post(
    '/api/sessions/:sessionId/open',
    { schema: { params: SessionParamsSchema, body: EmptyRequestSchema, response: { 200: SessionSchema } } },
    async (request) => sessions.openNow(requireActor(request), request.params.sessionId),
  );

  app.post(
    '/api/sessions/:sessionId/end',
    { schema: { params: SessionParamsSchema, body: EmptyRequestSchema, response: { 200: SessionSchema } } },
    async (request) => sessions.end(requireActor(request), request.params.sessionId),
  );

  app.post(
    '/api/sessions/:sessionId/cancel',
    { schema: { params: SessionParamsSchema, body: EmptyRequestSchema, response: { 200: SessionSchema } } },
    async (request) => sessions.cancel(requireActor(request), request.params.sessionId),
  );
};
