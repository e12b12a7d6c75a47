import { createHash, randomBytes } from 'node:crypto';

/** A random secret for a cookie, a setup link or an invite: 256 bits, URL-safe. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Secrets are stored only as this hash, so a database dump cannot be replayed as a login. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
