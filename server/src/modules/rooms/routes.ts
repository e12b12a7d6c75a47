import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { GroupParamsSchema, RoomPreferencesSchema } from '@hearth/shared';
import { requireActor } from '../../http/authentication.ts';
import type { RoomsService } from './service.ts';

export const roomRoutes: FastifyPluginAsyncZod<{ rooms: RoomsService }> = async (app, { rooms }) => {
  app.get(
    '/api/groups/:groupId/room-preferences',
    { schema: { params: GroupParamsSchema, response: { 200: RoomPreferencesSchema } } },
    async (request) => rooms.preferences(requireActor(request), request.params.groupId),
  );

  app.put(
    '/api/groups/:groupId/room-preferences',
    { schema: { params: GroupParamsSchema, body: RoomPreferencesSchema, response: { 200: RoomPreferencesSchema } } },
    async (request) => rooms.savePreferences(requireActor(request), request.params.groupId, request.body),
  );
};
