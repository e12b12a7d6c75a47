import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ClientConfigSchema, type ClientConfig } from '@hearth/shared';

/** What the client needs to know before anything else; public, since quick exit must always work. */
export const clientConfigRoutes: FastifyPluginAsyncZod<{ clientConfig: ClientConfig }> = async (
  app,
  { clientConfig },
) => {
  app.get('/api/config', { schema: { response: { 200: ClientConfigSchema } } }, async () => clientConfig);
};
