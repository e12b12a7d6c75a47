import { isApiRequest } from './paths.ts';
import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import type { Actor, AccountsService } from '../modules/accounts/service.ts';
import { AppError } from '../errors.ts';
import { SESSION_COOKIE } from './session-cookie.ts';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
  }
}

/** Resolves the session cookie of every API request into `request.actor`. */
export const authentication = fp<{ accounts: AccountsService }>(
  async (app, { accounts }) => {
    app.decorateRequest('actor', null);
    app.addHook('onRequest', async (request) => {
      if (!isApiRequest(request)) return;
      request.actor = await accounts.authenticate(request.cookies[SESSION_COOKIE]);
    });
  },
  { name: 'authentication', dependencies: ['@fastify/cookie'] },
);

export function requireActor(request: FastifyRequest): Actor {
  if (!request.actor) throw new AppError('unauthenticated', 'Please log in to continue.');
  return request.actor;
}
