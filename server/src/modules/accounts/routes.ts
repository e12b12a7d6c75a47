import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  EmptyRequestSchema,
  LoginRequestSchema,
  MeSchema,
  SetupRequestSchema,
  SetupStatusSchema,
} from '@hearth/shared';
import type { Config } from '../../config.ts';
import { requireActor } from '../../http/authentication.ts';
import { clearSessionCookie, setSessionCookie } from '../../http/session-cookie.ts';
import type { AccountsService } from './service.ts';

export const accountRoutes: FastifyPluginAsyncZod<{
  accounts: AccountsService;
  config: Config;
  endLoginSockets: (authSessionId: string) => void;
}> = async (app, { accounts, config, endLoginSockets }) => {
  app.get('/api/setup', { schema: { response: { 200: SetupStatusSchema } } }, async () => ({
    needed: await accounts.setupNeeded(),
  }));

  app.post(
    '/api/setup',
    { schema: { body: SetupRequestSchema, response: { 201: MeSchema } } },
    async (request, reply) => {
      const { me, token } = await accounts.completeSetup(request.body);
      setSessionCookie(reply, config, token);
      return reply.code(201).send(me);
    },
  );

  app.post(
    '/api/auth/login',
    { schema: { body: LoginRequestSchema, response: { 200: MeSchema } } },
    async (request, reply) => {
      const { me, token } = await accounts.login(request.body);
      setSessionCookie(reply, config, token);
      return me;
    },
  );

  app.post(
    '/api/auth/logout',
    { schema: { body: EmptyRequestSchema } },
    async (request, reply) => {
      if (request.actor) {
        await accounts.logout(request.actor.authSessionId);
        endLoginSockets(request.actor.authSessionId);
      }
      clearSessionCookie(reply, config);
      return reply.code(204).send();
    },
  );

  app.get('/api/me', { schema: { response: { 200: MeSchema } } }, async (request) => {
    const actor = requireActor(request);
    return { id: actor.accountId, username: actor.username, isOrganiser: actor.isOrganiser };
  });
};
