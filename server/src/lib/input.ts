import { AppError } from '../errors.ts';

/** Whether any string in a parsed JSON value, key or value, holds a NUL character. */
function holdsNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (depth > 64 || value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some((item) => holdsNul(item, depth + 1));
  return Object.entries(value).some(([key, item]) => key.includes('\u0000') || holdsNul(item, depth + 1));
}

/**
 * PostgreSQL text cannot hold NUL, and no person means one: input carrying it is refused as a
 * whole, before validation, wherever it would have been stored.
 */
export function refuseNul(value: unknown): void {
  if (holdsNul(value)) throw new AppError('invalid_input', 'Text cannot contain the NUL character.');
}
