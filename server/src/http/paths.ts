import type { FastifyRequest } from 'fastify';

/**
 * Whether a request is for the API, judged as the router judges it: by the route it matched,
 * or by its decoded path when it matched none. The raw URL is not enough: `/%61pi/…` reaches
 * the same handlers as `/api/…`.
 */
export function isApiRequest(request: FastifyRequest): boolean {
  const route = request.routeOptions.url;
  if (route) return route.startsWith('/api/');
  const raw = request.url.split('?')[0] ?? '';
  let path: string;
  try {
    path = decodeURIComponent(raw);
  } catch {
    path = raw;
  }
  return path.toLowerCase().startsWith('/api/');
}
