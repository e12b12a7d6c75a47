import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  AcceptAgreementRequestSchema,
  AgreementAcceptanceListSchema,
  AgreementSchema,
  GroupParamsSchema,
  PublishAgreementRequestSchema,
} from '@hearth/shared';
import { requireActor } from '../../http/authentication.ts';
import type { AgreementsService } from './service.ts';

export const agreementRoutes: FastifyPluginAsyncZod<{ agreements: AgreementsService }> = async (
  app,
  { agreements },
) => {
  app.get(
    '/api/groups/:groupId/agreement',
    { schema: { params: GroupParamsSchema, response: { 200: AgreementSchema } } },
    async (request) => agreements.view(requireActor(request), request.params.groupId),
  );

  app.post(
    '/api/groups/:groupId/agreement',
    { schema: { params: GroupParamsSchema, body: PublishAgreementRequestSchema, response: { 201: AgreementSchema } } },
    async (request, reply) =>
      reply
        .code(201)
        .send(await agreements.publish(requireActor(request), request.params.groupId, request.body.text)),
  );

  app.post(
    '/api/groups/:groupId/agreement/accept',
    { schema: { params: GroupParamsSchema, body: AcceptAgreementRequestSchema, response: { 200: AgreementSchema } } },
    async (request) => agreements.accept(requireActor(request), request.params.groupId, request.body.version),
  );

  app.get(
    '/api/groups/:groupId/agreement/acceptances',
    { schema: { params: GroupParamsSchema, response: { 200: AgreementAcceptanceListSchema } } },
    async (request) => agreements.acceptances(requireActor(request), request.params.groupId),
  );
};
