import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  CreateGroupRequestSchema,
  EmptyRequestSchema,
  GroupParamsSchema,
  GroupListSchema,
  GroupSchema,
  InvitePreviewRequestSchema,
  InvitePreviewSchema,
  InviteSchema,
  RedeemInviteRequestSchema,
  RedeemInviteResultSchema,
} from '@hearth/shared';
import type { Config } from '../../config.ts';
import { requireActor } from '../../http/authentication.ts';
import { setSessionCookie } from '../../http/session-cookie.ts';
import type { GroupsService } from './service.ts';

export const groupRoutes: FastifyPluginAsyncZod<{ groups: GroupsService; config: Config }> = async (
  app,
  { groups, config },
) => {
  app.get('/api/groups', { schema: { response: { 200: GroupListSchema } } }, async (request) => ({
    groups: await groups.list(requireActor(request)),
  }));

  app.post(
    '/api/groups',
    { schema: { body: CreateGroupRequestSchema, response: { 201: GroupSchema } } },
    async (request, reply) => {
      const group = await groups.create(requireActor(request), request.body);
      return reply.code(201).send(group);
    },
  );

  app.post(
    '/api/groups/:groupId/invites',
    {
      schema: {
        params: GroupParamsSchema,
        body: EmptyRequestSchema,
        response: { 201: InviteSchema },
      },
    },
    async (request, reply) => {
      const invite = await groups.createInvite(requireActor(request), request.params.groupId);
      return reply.code(201).send(invite);
    },
  );

  app.post(
    '/api/invites/preview',
    { schema: { body: InvitePreviewRequestSchema, response: { 200: InvitePreviewSchema } } },
    async (request) => groups.previewInvite(request.body.code),
  );

  app.post(
    '/api/invites/redeem',
    {
      schema: {
        body: RedeemInviteRequestSchema,
        response: { 201: RedeemInviteResultSchema },
      },
    },
    async (request, reply) => {
      const { me, group, token } = await groups.redeemInvite(request.actor, request.body);
      if (token) setSessionCookie(reply, config, token);
      return reply.code(201).send({ me, group });
    },
  );
};
