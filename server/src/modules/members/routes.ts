import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  AssignFacilitatorRequestSchema,
  BanListSchema,
  ChangeRoleRequestSchema,
  EmptyRequestSchema,
  GroupMemberSchema,
  GroupParamsSchema,
  MemberListSchema,
  MemberParamsSchema,
} from '@hearth/shared';
import { requireActor } from '../../http/authentication.ts';
import type { MembersService } from './service.ts';

export const memberRoutes: FastifyPluginAsyncZod<{ members: MembersService }> = async (app, { members }) => {
  app.get(
    '/api/groups/:groupId/members',
    { schema: { params: GroupParamsSchema, response: { 200: MemberListSchema } } },
    async (request) => ({ members: await members.list(requireActor(request), request.params.groupId) }),
  );

  app.post(
    '/api/groups/:groupId/members/:memberId/approve',
    { schema: { params: MemberParamsSchema, body: EmptyRequestSchema, response: { 200: GroupMemberSchema } } },
    async (request) =>
      members.approve(requireActor(request), request.params.groupId, request.params.memberId),
  );

  app.post(
    '/api/groups/:groupId/members/:memberId/decline',
    { schema: { params: MemberParamsSchema, body: EmptyRequestSchema } },
    async (request, reply) => {
      await members.decline(requireActor(request), request.params.groupId, request.params.memberId);
      return reply.code(204).send();
    },
  );

  app.patch(
    '/api/groups/:groupId/members/:memberId',
    { schema: { params: MemberParamsSchema, body: ChangeRoleRequestSchema, response: { 200: GroupMemberSchema } } },
    async (request) =>
      members.changeRole(requireActor(request), request.params.groupId, request.params.memberId, request.body.role),
  );

  app.get(
    '/api/groups/:groupId/bans',
    { schema: { params: GroupParamsSchema, response: { 200: BanListSchema } } },
    async (request) => ({ bans: await members.bans(requireActor(request), request.params.groupId) }),
  );

  app.post(
    '/api/groups/:groupId/bans/:memberId/lift',
    { schema: { params: MemberParamsSchema, body: EmptyRequestSchema } },
    async (request, reply) => {
      await members.liftBan(requireActor(request), request.params.groupId, request.params.memberId);
      return reply.code(204).send();
    },
  );

  app.delete(
    '/api/groups/:groupId/members/:memberId',
    { schema: { params: MemberParamsSchema } },
    async (request, reply) => {
      await members.remove(requireActor(request), request.params.groupId, request.params.memberId);
      return reply.code(204).send();
    },
  );

  app.post(
    '/api/groups/:groupId/facilitators',
    {
      schema: {
        params: GroupParamsSchema,
        body: AssignFacilitatorRequestSchema,
        response: { 201: GroupMemberSchema },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await members.assignFacilitator(requireActor(request), request.params.groupId, request.body)),
  );

  app.post(
    '/api/groups/:groupId/leave',
    { schema: { params: GroupParamsSchema, body: EmptyRequestSchema } },
    async (request, reply) => {
      await members.leave(requireActor(request), request.params.groupId);
      return reply.code(204).send();
    },
  );
};
