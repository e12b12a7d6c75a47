import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

/**
 * The REST API described as OpenAPI, generated from the same zod schemas that validate it, so
 * the description cannot drift. Browsable at /docs, raw at /docs/json.
 */
export async function registerApiDocs(app: FastifyInstance): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Hearth',
        description:
          'Facilitated peer-support groups held as real-time text chat. Every request body is ' +
          'validated; a refused request answers `{ code, message }`. Authentication is the ' +
          '`hearth_session` cookie set by /api/setup, /api/auth/login and /api/invites/redeem.',
        version: '0.1.0',
      },
    },
    transform: jsonSchemaTransform,
    hideUntagged: false,
  });
  // Its page needs its own inline script and style, allowed by hash on its pages only.
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', staticCSP: true });
}
