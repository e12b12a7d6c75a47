import { isApiRequest } from './paths.ts';
import helmet from '@fastify/helmet';
import fp from 'fastify-plugin';
import { AppError } from '../errors.ts';
import { fromOwnPages } from './origin.ts';

const writes = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Headers every response carries, and the rule that the API changes nothing for a page of
 * another site. The page loads only what this server serves: no third-party script, style,
 * font or image, no inline script, and no other site may frame it.
 */
export const webSecurity = fp<{ publicUrl: string | undefined; behindTls: boolean }>(
  async (app, { publicUrl, behindTls }) => {
    await app.register(helmet, {
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          scriptSrcAttr: ["'none'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          // 'self' covers the same host's ws: and wss: for the socket.
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          ...(behindTls ? { upgradeInsecureRequests: [] } : {}),
        },
      },
      referrerPolicy: { policy: 'no-referrer' },
      // Only a deployment served over https may tell browsers to insist on it.
      strictTransportSecurity: behindTls ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    });

    // Cookies are SameSite=Lax and the API takes only JSON, which a form on another site cannot
    // send; this refuses, in addition, any write a browser says came from elsewhere.
    app.addHook('onRequest', async (request) => {
      if (!writes.has(request.method) || !isApiRequest(request)) return;
      if (!fromOwnPages(request.headers, publicUrl)) {
        throw new AppError('forbidden', 'This request came from another site, so Hearth did not act on it.');
      }
    });
  },
  { name: 'web-security' },
);
