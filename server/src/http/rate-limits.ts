import { isApiRequest } from './paths.ts';
import fp from 'fastify-plugin';
import { accountKey, addressKey, type RateCounter, type RateLimits } from '../lib/rateLimits.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Open to anyone and guarded by a secret (a setup token, an invite code): counted tighter. */
    secretsOpenToAnyone?: boolean;
  }
}

/**
 * Every API request counts against its address and, once logged in, its account, on every node.
 * Over a limit, the answer is 429 `rate_limited` with Retry-After, before any handler runs.
 */
export const restRateLimits = fp<{ counter: RateCounter; limits: RateLimits['rest'] }>(
  async (app, { counter, limits }) => {
    app.addHook('onRequest', async (request) => {
      if (!isApiRequest(request)) return;
      const address = addressKey(request.ip);
      const windows = [{ key: `rest:${address}`, window: limits.perAddress }];
      if (request.actor) windows.push({ key: `rest:${accountKey(request.actor.accountId)}`, window: limits.perAccount });
      if (request.routeOptions.config?.secretsOpenToAnyone) windows.push({ key: `open:${address}`, window: limits.openPerAddress });
      await counter.take(windows);
    });
  },
  { name: 'rate-limits', dependencies: ['authentication'] },
);
