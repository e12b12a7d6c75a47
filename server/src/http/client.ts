import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** The page is never cached: Back after a quick exit cannot bring a room back. (Security headers: http/security.ts.) */
const pageHeaders = { 'cache-control': 'no-store' };

/**
 * Serves the built client, compressed when the browser accepts it. Hashed assets are cached for
 * good; the page itself is `no-store`, so that Back after a quick exit cannot bring a room back
 * from the cache.
 */
export async function serveClient(app: FastifyInstance, clientDist: string): Promise<void> {
  const indexFile = path.join(clientDist, 'index.html');
  const built = existsSync(indexFile);
  if (built) {
    await app.register(fastifyStatic, {
      root: clientDist,
      wildcard: false,
      index: false,
      // The build writes .br and .gz beside each file; sending those spares every request the
      // compressing, and a slow phone connection most of the bytes.
      preCompressed: true,
      // Our own headers below; @fastify/static's default would make the page cacheable.
      cacheControl: false,
      setHeaders(res, filePath) {
        if (filePath.includes(`${path.sep}assets${path.sep}`)) {
          res.raw.setHeader('cache-control', 'public, max-age=31536000, immutable');
        } else {
          for (const [name, value] of Object.entries(pageHeaders)) res.raw.setHeader(name, value);
        }
      },
    });
  }

  app.setNotFoundHandler(async (request, reply) => {
    const pathname = request.url.split('?')[0] ?? '/';
    if (request.method !== 'GET' || pathname.startsWith('/api/') || pathname.startsWith('/assets/')) {
      return reply.code(404).send({ code: 'not_found', message: 'There is nothing at this address.' });
    }
    if (!built) {
      return reply
        .code(503)
        .type('text/plain')
        .send('The client is not built yet: run `npm run build`, or use `npm run dev`.');
    }
    return reply.headers(pageHeaders).sendFile('index.html', { cacheControl: false });
  });
}
