import type { IncomingHttpHeaders } from 'node:http';

/**
 * Whether a request comes from a page of this deployment. Browsers send Origin on every
 * websocket, XHR and state-changing fetch; a page elsewhere could otherwise use the person's
 * cookie. Clients that are not browsers send none and are judged by their login like any other.
 */
export function fromOwnPages(headers: IncomingHttpHeaders, publicUrl: string | undefined): boolean {
  const origin = headers.origin;
  if (origin === undefined) {
    // An older browser without Origin still says where a request came from.
    const site = headers['sec-fetch-site'];
    return site === undefined || site === 'same-origin' || site === 'none';
  }
  try {
    const from = new URL(origin);
    if (publicUrl && from.origin === new URL(publicUrl).origin) return true;
    return from.host === headers.host;
  } catch {
    // "null" (a sandboxed frame, a file) and anything unparsable.
    return false;
  }
}
