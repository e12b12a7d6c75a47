import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  CreateInviteRequestSchema,
  EmptyRequestSchema,
  GroupParamsSchema,
  InviteListSchema,
  InviteParamsSchema,
  InvitePreviewRequestSchema,
  InvitePreviewSchema,
  InviteSchema,
  RedeemInviteRequestSchema,
  RedeemInviteResultSchema,
} from '@hearth/shared';
import type { Config } from '../../config.ts';
import { requireActor } from '../../http/authentication.ts';
import { setSessionCookie } from '../../http/session-cookie.ts';
import type { InvitesService } from './service.ts';

export const inviteRoutes: FastifyPluginAsyncZod<{ invites: InvitesService; config: Config }> = async (
  app,
  { invites, config },
) => {
  app.post(
    '/api/groups/:groupId/invites',
    { schema: { params: GroupParamsSchema, body: CreateInviteRequestSchema, response: { 201: InviteSchema } } },
    async (request, reply) =>
      reply.code(201).send(await invites.create(requireActor(request), request.params.groupId, request.body)),
  );

  app.get(
    '/api/groups/:groupId/invites',
    { schema: { params: GroupParamsSchema, response: { 200: InviteListSchema } } },
    async (request) => ({ invites: await invites.list(requireActor(request), request.params.groupId) }),
  );

  app.post(
    '/api/groups/:groupId/invites/:inviteId/revoke',
    { schema: { params: InviteParamsSchema, body: EmptyRequestSchema } },
    async (request, reply) => {
      await invites.revoke(requireActor(request), request.params.groupId, request.params.inviteId);
      return reply.code(204).send();
    },
  );

  app.post(
    '/api/invites/preview',
    { config: { secretsOpenToAnyone: true }, schema: { body: InvitePreviewRequestSchema, response: { 200: InvitePreviewSchema } } },
    async (request) => invites.preview(request.body.code),
  );

  app.post(
    '/api/invites/redeem',
    { config: { secretsOpenToAnyone: true }, schema: { body: RedeemInviteRequestSchema, response: { 201: RedeemInviteResultSchema } } },
    async (request, reply) => {
      const { me, group, token } = await invites.redeem(request.actor, request.body);
      if (token) setSessionCookie(reply, config, token);
      return reply.code(201).send({ me, group });
    },
  );
};
