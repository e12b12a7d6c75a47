import { EraseAccountRequestSchema } from '@hearth/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Config } from '../../config.ts';
import { requireActor } from '../../http/authentication.ts';
import { clearSessionCookie } from '../../http/session-cookie.ts';
import type { Erasure } from './erasure.ts';

export const privacyRoutes: FastifyPluginAsyncZod<{ erasure: Erasure; config: Config }> = async (
  app,
  { erasure, config },
) => {
  app.post(
    '/api/me/erase',
    {
      schema: {
        body: EraseAccountRequestSchema,
      },
    },
    async (request, reply) => {
      await erasure.eraseAccount(requireActor(request), request.body.password, request.ip);
      clearSessionCookie(reply, config);
      return reply.code(204).send();
    },
  );
};
