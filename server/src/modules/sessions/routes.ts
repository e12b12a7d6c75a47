import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  CreateSessionRequestSchema,
  GroupParamsSchema,
  SessionListSchema,
  SessionSchema,
} from '@hearth/shared';
import { requireActor } from '../../http/authentication.ts';
import type { SessionsService } from './service.ts';

export const sessionRoutes: FastifyPluginAsyncZod<{ sessions: SessionsService }> = async (
  app,
  { sessions },
) => {
  app.get(
    '/api/groups/:groupId/sessions',
    { schema: { params: GroupParamsSchema, response: { 200: SessionListSchema } } },
    async (request) => ({
      sessions: await sessions.list(requireActor(request), request.params.groupId),
    }),
  );

  app.post(
    '/api/groups/:groupId/sessions',
    {
      schema: {
        params: GroupParamsSchema,
        body: CreateSessionRequestSchema,
        response: { 201: SessionSchema },
      },
    },
    async (request, reply) => {
      const session = await sessions.startNow(
        requireActor(request),
        request.params.groupId,
        request.body,
      );
      return reply.code(201).send(session);
    },
  );
};
