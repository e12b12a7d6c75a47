import { z } from 'zod';
import { idSchema } from './ids.ts';
import { limits } from './limits.ts';

export const sessionStatuses = ['scheduled', 'open', 'closed', 'cancelled'] as const;
export const SessionStatusSchema = z.enum(sessionStatuses);

/** Starts a session now: its room opens at once, for the given duration. */
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
  id: idSchema(),
  groupId: idSchema(),
  /** The series this session is an occurrence of, or null for a one-off. */
  seriesId: idSchema().nullable(),
  title: z.string(),
  /** Today's theme and likely content-warning categories, shown in the waiting room. */
  brief: z.string(),
  status: SessionStatusSchema,
  startsAt: z.iso.datetime(),
  endsAt: z.iso.datetime(),
  /** The time zone the session was scheduled in. */
  timeZone: z.string(),
  /** True when this occurrence was moved away from its series' usual time. */
  moved: z.boolean(),
});
export type Session = z.infer<typeof SessionSchema>;

export const SessionListSchema = z.object({ sessions: z.array(SessionSchema) });
export type SessionList = z.infer<typeof SessionListSchema>;

export const SessionParamsSchema = z.object({ sessionId: idSchema() });
