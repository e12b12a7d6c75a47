import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  ChangePasswordRequestSchema,
  EmptyRequestSchema,
  LoginRequestSchema,
  MeSchema,
  SetupRequestSchema,
  SetupStatusSchema,
  UpdateAccountRequestSchema,
} from '@hearth/shared';
import type { Config } from '../../config.ts';
import { requireActor } from '../../http/authentication.ts';
import { clearSessionCookie, setSessionCookie } from '../../http/session-cookie.ts';
import type { AccountsService } from './service.ts';

/** Ends sockets when logins end, on every node. */
export type SocketRevocation = {
  endLogins(authSessionIds: string[]): void;
  endAccount(accountId: string): void;
};

export const accountRoutes: FastifyPluginAsyncZod<{
  accounts: AccountsService;
  config: Config;
  sockets: SocketRevocation;
}> = async (app, { accounts, config, sockets }) => {
  app.get('/api/setup', { schema: { response: { 200: SetupStatusSchema } } }, async () => ({
    needed: await accounts.setupNeeded(),
  }));

  app.post(
    '/api/setup',
    { config: { secretsOpenToAnyone: true }, schema: { body: SetupRequestSchema, response: { 201: MeSchema } } },
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
      const { me, token } = await accounts.login(request.body, request.ip);
      setSessionCookie(reply, config, token);
      return me;
    },
  );

  app.post('/api/auth/logout', { schema: { body: EmptyRequestSchema } }, async (request, reply) => {
    if (request.actor) {
      await accounts.logout(request.actor.authSessionId);
      sockets.endLogins([request.actor.authSessionId]);
    }
    clearSessionCookie(reply, config);
    return reply.code(204).send();
  });

  app.post(
    '/api/auth/logout-everywhere',
    { schema: { body: EmptyRequestSchema } },
    async (request, reply) => {
      const actor = requireActor(request);
      await accounts.logoutEverywhere(actor);
      sockets.endAccount(actor.accountId);
      clearSessionCookie(reply, config);
      return reply.code(204).send();
    },
  );

  app.get('/api/me', { schema: { response: { 200: MeSchema } } }, async (request) =>
    accounts.me(accounts.db, requireActor(request).accountId),
  );

  app.patch(
    '/api/me',
    { schema: { body: UpdateAccountRequestSchema, response: { 200: MeSchema } } },
    async (request) => accounts.updateEmail(requireActor(request), request.body.email),
  );

  app.post(
    '/api/me/password',
    { schema: { body: ChangePasswordRequestSchema } },
    async (request, reply) => {
      const ended = await accounts.changePassword(requireActor(request), request.body, request.ip);
      sockets.endLogins(ended);
      return reply.code(204).send();
    },
  );
};
