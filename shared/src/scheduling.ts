import { z } from 'zod';
import { idSchema } from './ids.ts';
import { limits } from './limits.ts';
import { SessionSchema } from './sessions.ts';

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone.length <= 64;
  } catch {
    return false;
  }
}

export const TimeZoneSchema = z
  .string()
  .refine(isTimeZone, 'Use an IANA time zone, such as Europe/London or America/Chicago.');

export const LocalDateSchema = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'Use a date such as 2026-10-20.')
  .refine(
    // Refinements run even when the pattern failed: a value that is no date at all is left to it.
    (date) => {
      const day = new Date(`${date}T00:00:00Z`);
      return Number.isNaN(day.getTime()) || day.toISOString().startsWith(date);
    },
    'That date does not exist.',
  );

export const LocalTimeSchema = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Use a 24-hour time such as 19:00.');

const DurationSchema = z
  .number()
  .int()
  .min(limits.sessionDurationMinutesMin)
  .max(limits.sessionDurationMinutesMax);

const TitleSchema = z.string().trim().min(1).max(limits.sessionTitleMax);
const BriefSchema = z.string().trim().max(limits.sessionBriefMax).default('');

export const repeatKinds = ['once', 'weekly', 'fortnightly'] as const;

/**
 * A one-off session, or a weekly or fortnightly series, at a local time in a time zone. A
 * series keeps its local start time across daylight-saving changes.
 */
export const ScheduleRequestSchema = z.object({
  title: TitleSchema,
  brief: BriefSchema,
  repeat: z.enum(repeatKinds),
  timeZone: TimeZoneSchema,
  /** The (first) session's local date. */
  date: LocalDateSchema,
  time: LocalTimeSchema,
  durationMinutes: DurationSchema,
  /** The last local date a series may have a session on; none means it goes on. */
  until: LocalDateSchema.optional(),
});
export type ScheduleRequest = z.input<typeof ScheduleRequestSchema>;

export const SeriesSchema = z.object({
  id: idSchema(),
  groupId: idSchema(),
  title: z.string(),
  brief: z.string(),
  repeat: z.enum(['weekly', 'fortnightly']),
  timeZone: z.string(),
  firstDate: LocalDateSchema,
  time: LocalTimeSchema,
  durationMinutes: z.number().int(),
  until: LocalDateSchema.nullable(),
});
export type Series = z.infer<typeof SeriesSchema>;

/** Moves one session (or one occurrence of a series, leaving the others alone). */
export const UpdateSessionRequestSchema = z
  .object({
    title: TitleSchema,
    brief: z.string().trim().max(limits.sessionBriefMax),
    date: LocalDateSchema,
    time: LocalTimeSchema,
    durationMinutes: DurationSchema,
  })
  .partial()
  .refine((value) => Object.keys(value).length > 0, 'Say what to change.');
export type UpdateSessionRequest = z.infer<typeof UpdateSessionRequestSchema>;

export const SessionWindowQuerySchema = z.object({
  from: z.iso.datetime().optional(),
  to: z.iso.datetime().optional(),
});

export const ScheduleResultSchema = z.object({
  series: SeriesSchema.nullable(),
  /** The sessions now on the calendar for this request, soonest first. */
  sessions: z.array(SessionSchema),
});
export type ScheduleResult = z.infer<typeof ScheduleResultSchema>;

export const UpcomingSessionSchema = SessionSchema.extend({ groupName: z.string() });
export const UpcomingSessionListSchema = z.object({ sessions: z.array(UpcomingSessionSchema) });
export type UpcomingSession = z.infer<typeof UpcomingSessionSchema>;
