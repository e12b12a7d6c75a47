import { z } from 'zod';
import { limits } from './limits.ts';

export const sessionStatuses = ['scheduled', 'open', 'closed'] as const;
export const SessionStatusSchema = z.enum(sessionStatuses);

export const CreateSessionRequestSchema = z.object({
  title: z.string().trim().min(1).max(limits.sessionTitleMax),
  durationMinutes: z
    .number()
    .int()
    .min(limits.sessionDurationMinutesMin)
    .max(limits.sessionDurationMinutesMax),
});
export type CreateSessionRequest = z.infer<typeof CreateSessionRequestSchema>;

export const SessionSchema = z.object({
  id: z.uuid(),
  groupId: z.uuid(),
  title: z.string(),
  status: SessionStatusSchema,
  startsAt: z.iso.datetime(),
  endsAt: z.iso.datetime(),
});
export type Session = z.infer<typeof SessionSchema>;

export const SessionListSchema = z.object({ sessions: z.array(SessionSchema) });
export type SessionList = z.infer<typeof SessionListSchema>;
