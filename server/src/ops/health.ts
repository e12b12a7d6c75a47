import type { Readiness } from '@hearth/shared';
import type { FastifyPluginAsync } from 'fastify';

type Check = () => Promise<void>;

/**
 * `/healthz` says the process is up; `/readyz` says whether it can do its work, checking the
 * database and, when configured, Redis. Neither says more than "ok" or "failed" per check.
 */
export const healthRoutes: FastifyPluginAsync<{ checks: Record<string, Check> }> = async (
  app,
  { checks },
) => {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const entries = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          await check();
          return [name, 'ok'] as const;
        } catch {
          return [name, 'failed'] as const;
        }
      }),
    );
    const ready = entries.every(([, state]) => state === 'ok');
    const body: Readiness = { status: ready ? 'ready' : 'degraded', checks: Object.fromEntries(entries) };
    return reply.code(ready ? 200 : 503).send(body);
  });
};
