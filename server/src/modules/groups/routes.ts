import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  CreateGroupRequestSchema,
  GroupDetailSchema,
  GroupListSchema,
  GroupParamsSchema,
  GroupSchema,
  UpdateGroupRequestSchema,
} from '@hearth/shared';
import { requireActor } from '../../http/authentication.ts';
import type { GroupsService } from './service.ts';

export const groupRoutes: FastifyPluginAsyncZod<{ groups: GroupsService }> = async (app, { groups }) => {
  app.get('/api/groups', { schema: { response: { 200: GroupListSchema } } }, async (request) => ({
    groups: await groups.list(requireActor(request)),
  }));

  app.post(
    '/api/groups',
    { schema: { body: CreateGroupRequestSchema, response: { 201: GroupSchema } } },
    async (request, reply) => reply.code(201).send(await groups.create(requireActor(request), request.body)),
  );

  app.get(
    '/api/groups/:groupId',
    { schema: { params: GroupParamsSchema, response: { 200: GroupDetailSchema } } },
    async (request) => groups.detail(requireActor(request), request.params.groupId),
  );

  app.patch(
    '/api/groups/:groupId',
    {
      schema: {
        params: GroupParamsSchema,
        body: UpdateGroupRequestSchema,
        response: { 200: GroupDetailSchema },
      },
    },
    async (request) => groups.update(requireActor(request), request.params.groupId, request.body),
  );
};
