import type { ApiError, ErrorCode } from '@hearth/shared';

const statusByCode: Record<ErrorCode, number> = {
  invalid_input: 400,
  unknown_event: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  setup_unavailable: 410,
  room_closed: 409,
  not_admitted: 403,
  waiting_for_facilitator: 409,
  muted: 403,
  paused: 409,
  slow_mode: 429,
  room_locked: 403,
  rate_limited: 429,
  agreement_required: 403,
  payload_too_large: 413,
  unavailable: 503,
  internal: 500,
};

/** An error meant for the person on the other end: a stable code and a plain message. */
export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** For `rate_limited`: when trying again can succeed (the Retry-After header). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }

  get status(): number {
    return statusByCode[this.code];
  }

  toJSON(): ApiError {
    return { code: this.code, message: this.message };
  }
}

export const notFound = (what: string) =>
  new AppError('not_found', `That ${what} does not exist, or you do not have access to it.`);

export const internalError: ApiError = {
  code: 'internal',
  message: 'Something went wrong on our side. Please try again.',
};

/** The answer while the database cannot be reached: nothing was done, and trying again is right. */
export const databaseUnavailable: ApiError = {
  code: 'unavailable',
  message: 'Hearth cannot reach its database for a moment. Nothing was changed; please try again shortly.',
};

/** Turns a list of zod issues into one readable sentence, naming fields but never echoing values. */
export function describeIssues(
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>,
): string {
  const parts = issues.slice(0, 5).map((issue) => {
    const where = issue.path.map(String).join('.');
    return where ? `${where}: ${issue.message}` : issue.message;
  });
  return parts.join('; ') || 'The request is not valid.';
}
