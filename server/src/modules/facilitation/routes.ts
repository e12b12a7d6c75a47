import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { CheckOutRequestSchema, CheckOutSummarySchema, SessionParamsSchema } from '@hearth/shared';
import { requireActor } from '../../http/authentication.ts';
import type { CheckOutService } from './checkout.ts';

export const checkOutRoutes: FastifyPluginAsyncZod<{ checkOut: CheckOutService }> = async (app, { checkOut }) => {
  app.post(
    '/api/sessions/:sessionId/check-out',
    { schema: { params: SessionParamsSchema, body: CheckOutRequestSchema } },
    async (request, reply) => {
      await checkOut.submit(requireActor(request), request.params.sessionId, request.body);
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/sessions/:sessionId/check-out',
    { schema: { params: SessionParamsSchema, response: { 200: CheckOutSummarySchema } } },
    async (request) => checkOut.summary(requireActor(request), request.params.sessionId),
  );
};
