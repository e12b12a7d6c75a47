import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { ApiError } from '@hearth/shared';
import { AppError, databaseUnavailable, describeIssues, internalError } from '../errors.ts';
import { databaseUnreachable, errorSummary } from '../db/database.ts';
import { refuseNul } from '../lib/input.ts';

const transportErrors: Record<string, { status: number; error: ApiError }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: {
    status: 400,
    error: { code: 'invalid_input', message: 'The request body is not valid JSON.' },
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    error: { code: 'invalid_input', message: 'The request body is empty; send a JSON object.' },
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    error: { code: 'invalid_input', message: 'Send the request body as JSON (application/json).' },
  },
  FST_ERR_CTP_BODY_TOO_LARGE: {
    status: 413,
    error: { code: 'payload_too_large', message: 'The request is too large.' },
  },
};

/**
 * Every REST failure becomes `{ code, message }`. Messages are fixed texts or validation
 * summaries that name fields, never echoes of the input; unexpected errors are logged by type
 * and code only and answered with a generic message.
 */
export function installErrorHandling(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    refuseNul(request.body);
    refuseNul(request.query);
  });
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const issues = error.validation.map((issue) => ({
        path: [error.validationContext ?? 'body', ...issue.instancePath.split('/').filter(Boolean)],
        message: issue.message ?? 'is not valid',
      }));
      return reply.code(400).send({ code: 'invalid_input', message: describeIssues(issues) });
    }
    if (error instanceof AppError) {
      if (error.retryAfterSeconds) reply.header('retry-after', String(Math.ceil(error.retryAfterSeconds)));
      return reply.code(error.status).send(error.toJSON());
    }
    const known = error.code ? transportErrors[error.code] : undefined;
    if (known) return reply.code(known.status).send(known.error);
    if (error.statusCode && error.statusCode < 500) {
      return reply
        .code(error.statusCode)
        .send({ code: 'invalid_input', message: 'The request is not valid.' });
    }
    if (databaseUnreachable(error)) {
      request.log.warn({ err: errorSummary(error) }, 'request found the database unreachable');
      return reply.code(503).header('retry-after', '5').send(databaseUnavailable);
    }
    request.log.error({ err: errorSummary(error) }, 'request failed');
    return reply.code(500).send(internalError);
  });
}
