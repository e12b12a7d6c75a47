import { z } from 'zod';
import { idSchema } from './ids.ts';
import { limits } from './limits.ts';
import { MemberSchema, SupportRequestSchema } from './people.ts';

/** Check-in and check-out colours: how someone is, without having to explain. */
export const checkInColours = ['green', 'amber', 'red'] as const;
export const CheckInColourSchema = z.enum(checkInColours);
export type CheckInColour = z.infer<typeof CheckInColourSchema>;
export const checkInColourLabels: Record<CheckInColour, string> = {
  green: 'Green: I’m doing okay',
  amber: 'Amber: I’m finding it hard',
  red: 'Red: I’m struggling',
};

/** One optional word with a check-in or check-out. */
export const CheckInWordSchema = z
  .string()
  .trim()
  .max(limits.checkInWordMax, `One word or two: at most ${limits.checkInWordMax} characters.`)
  .default('');

/** A facilitator's reason for an action on a person or a message; kept in the audit log. */
export const ReasonSchema = z.string().trim().max(limits.reasonMax).default('');

/** The room's controls, as everyone in it sees them; a `controls` room event carries them. */
export const RoomControlsSchema = z.object({
  /** While set and in the future, nobody can post and everyone sees the grounding pause. */
  pausedUntil: z.iso.datetime().nullable(),
  /** Seconds a participant waits between messages; 0 is off. */
  slowModeSeconds: z.number().int().min(0),
  /** No new entries: people already let in may come back, nobody else. */
  locked: z.boolean(),
  /** The check-in round that is open, if any: participants see only that it is open. */
  checkIn: z.object({ id: idSchema(), openedAt: z.iso.datetime() }).nullable(),
});
export type RoomControls = z.infer<typeof RoomControlsSchema>;

/** A private thread between the room's facilitators and one participant. */
export const SideMessageSchema = z.object({
  id: idSchema(),
  sessionId: idSchema(),
  /** The participant the thread is with. */
  participantId: idSchema(),
  author: MemberSchema,
  text: z.string(),
  createdAt: z.iso.datetime(),
});
export type SideMessage = z.infer<typeof SideMessageSchema>;

export const reportOutcomes = ['action_taken', 'dismissed'] as const;
export const ReportOutcomeSchema = z.enum(reportOutcomes);

/** What the facilitators of a room see and share, kept in step across them. */
export const ConsoleStateSchema = z.object({
  sessionId: idSchema(),
  /** Grows with every change; a `staff:changed` event with a higher one means: ask again. */
  version: z.number().int().min(0),
  waiting: z.array(MemberSchema),
  supportRequests: z.array(SupportRequestSchema.extend({ id: idSchema() })),
  alerts: z.array(
    z.object({
      id: idSchema(),
      kind: z.literal('crisis_language'),
      member: MemberSchema,
      messageId: idSchema(),
      at: z.iso.datetime(),
    }),
  ),
  reports: z.array(
    z.object({
      id: idSchema(),
      messageId: idSchema(),
      author: MemberSchema,
      /** The reported words, kept only until the report is resolved (or the session ends). */
      reportedText: z.string(),
      /** The message's content warning, so facilitators meet the words by choice too. */
      warning: z
        .object({ categories: z.array(z.string()), note: z.string(), byFacilitator: z.boolean() })
        .nullable(),
      reason: z.string(),
      note: z.string(),
      at: z.iso.datetime(),
    }),
  ),
  checkIn: z
    .object({
      id: idSchema(),
      answers: z.array(z.object({ member: MemberSchema, colour: CheckInColourSchema, word: z.string() })),
    })
    .nullable(),
  mutes: z.array(z.object({ member: MemberSchema, until: z.iso.datetime() })),
  sideMessages: z.array(SideMessageSchema),
});
export type ConsoleState = z.infer<typeof ConsoleStateSchema>;

/** Told privately to the person concerned, in plain words that do not shame. */
export const noticeKinds = [
  'muted',
  'unmuted',
  'removed',
  'banned',
  'message_hidden',
  'message_removed',
  'support_offered',
] as const;
export const RoomNoticeSchema = z.object({
  sessionId: idSchema(),
  kind: z.enum(noticeKinds),
  message: z.string(),
  /** For a mute: when the person can write again. */
  until: z.iso.datetime().nullable(),
});
export type RoomNotice = z.infer<typeof RoomNoticeSchema>;

/** Anonymous check-out at the end of a session: only totals are ever shown. */
export const CheckOutRequestSchema = z.object({ colour: CheckInColourSchema, word: CheckInWordSchema });
export type CheckOutRequest = z.input<typeof CheckOutRequestSchema>;
export const CheckOutSummarySchema = z.object({
  sessionId: idSchema(),
  total: z.number().int(),
  colours: z.record(CheckInColourSchema, z.number().int()),
  /** Words given, each with how many gave it; never who. */
  words: z.array(z.object({ word: z.string(), count: z.number().int() })),
});
export type CheckOutSummary = z.infer<typeof CheckOutSummarySchema>;

/** Audit log: who did what to whom, when and why; never the content acted on. */
export const auditActions = [
  'group.create',
  'group.update',
  'agreement.publish',
  'member.approve',
  'member.decline',
  'member.remove',
  'member.change_role',
  'facilitator.assign',
  'invite.create',
  'invite.revoke',
  'session.start',
  'session.schedule',
  'session.update',
  'session.cancel',
  'session.open',
  'session.end',
  'room.admit',
  'room.announce',
  'room.pause',
  'room.resume',
  'room.slow_mode',
  'room.lock',
  'room.unlock',
  'checkin.open',
  'checkin.close',
  'person.mute',
  'person.unmute',
  'person.remove',
  'person.ban',
  'person.unban',
  'message.hide',
  'message.unhide',
  'message.remove',
  'message.warn',
  'messages.clear',
  'report.resolve',
  'support.acknowledge',
  'alert.acknowledge',
  'side.message',
] as const;
export const AuditActionSchema = z.enum(auditActions);
export type AuditAction = z.infer<typeof AuditActionSchema>;

export const AuditEntrySchema = z.object({
  id: idSchema(),
  at: z.iso.datetime(),
  action: AuditActionSchema,
  /** The actor as the group knows them: their pseudonym, or their username if they have none. */
  actor: z.string(),
  /** What was acted on: a member's pseudonym, a session's title, an id. */
  target: z.string().nullable(),
  sessionId: idSchema().nullable(),
  reason: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export const AuditQuerySchema = z.object({
  action: AuditActionSchema.optional(),
  sessionId: idSchema().optional(),
  /** The next page: entries before the last one shown, given by its time and id. */
  before: z.iso.datetime().optional(),
  beforeId: idSchema().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const AuditListSchema = z.object({ entries: z.array(AuditEntrySchema), hasMore: z.boolean() });
export type AuditList = z.infer<typeof AuditListSchema>;

export const BanSchema = z.object({
  memberId: idSchema(),
  pseudonym: z.string(),
  reason: z.string(),
  bannedAt: z.iso.datetime(),
});
export const BanListSchema = z.object({ bans: z.array(BanSchema) });
export type Ban = z.infer<typeof BanSchema>;
