import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { AuditListSchema, AuditQuerySchema, GroupParamsSchema } from '@hearth/shared';
import { requireActor } from '../../http/authentication.ts';
import type { AuditService } from './service.ts';

/** Read only: nothing in the product edits or deletes the audit log. */
export const auditRoutes: FastifyPluginAsyncZod<{ audit: AuditService }> = async (app, { audit }) => {
  app.get(
    '/api/groups/:groupId/audit',
    { schema: { params: GroupParamsSchema, querystring: AuditQuerySchema, response: { 200: AuditListSchema } } },
    async (request) => audit.list(requireActor(request), request.params.groupId, request.query),
  );
};
