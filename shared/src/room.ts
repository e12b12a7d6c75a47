import { z } from 'zod';
import { idSchema } from './ids.ts';
import { ApiErrorSchema } from './errors.ts';
import { CrisisResourceSchema } from './groups.ts';
import {
  CheckInColourSchema,
  CheckInWordSchema,
  ConsoleStateSchema,
  ReasonSchema,
  ReportOutcomeSchema,
  RoomControlsSchema,
  RoomNoticeSchema,
  SideMessageSchema,
} from './facilitation.ts';
import { MemberSchema } from './people.ts';
import { CwCategorySchema } from './contentWarnings.ts';
import { limits } from './limits.ts';

const Seq = z.number().int().min(0);
const SessionRef = { sessionId: idSchema() };

/**
 * Read and acknowledged at every entry to a room, not only at registration: what is said in
 * the room stays in the room.
 */
export const confidentialityReminder =
  'What people share here stays here. Please do not copy, screenshot or repeat what you read, ' +
  'and share only what feels right for you.';


/** How someone is in the room, as everyone in it sees. */
export const presenceStates = ['present', 'stepped_out', 'left'] as const;
export const PresenceStateSchema = z.enum(presenceStates);
export type PresenceState = z.infer<typeof PresenceStateSchema>;

export const RosterEntrySchema = z.object({ member: MemberSchema, state: PresenceStateSchema });
export type RosterEntry = z.infer<typeof RosterEntrySchema>;

/** A small, supportive set: there is nothing to disagree with and nothing to count against. */
export const reactions = ['heart', 'hug', 'strength', 'thanks', 'hear-you'] as const;
export const ReactionSchema = z.enum(reactions);
export type Reaction = z.infer<typeof ReactionSchema>;
export const reactionLabels: Record<Reaction, { emoji: string; label: string }> = {
  heart: { emoji: '❤️', label: 'Sending care' },
  hug: { emoji: '🫂', label: 'A hug, if you want one' },
  strength: { emoji: '💪', label: 'You are strong' },
  thanks: { emoji: '🙏', label: 'Thank you for sharing' },
  'hear-you': { emoji: '👂', label: 'I hear you' },
};

export const CwNoteSchema = z.string().trim().max(limits.cwNoteMax, `A warning note has at most ${limits.cwNoteMax} characters.`);

/** A content warning as an author or a facilitator gives it. */
export const WarningInputSchema = z
  .object({
    categories: z.array(z.string().min(1).max(40)).max(limits.cwCategoriesMax).default([]),
    note: CwNoteSchema.default(''),
  })
  .refine((w) => w.categories.length > 0 || w.note.length > 0, 'A warning needs a category or a note.')
  .refine((w) => new Set(w.categories).size === w.categories.length, 'Each category appears once.');
export type WarningInput = z.input<typeof WarningInputSchema>;

export const WarningSchema = z.object({
  categories: z.array(z.string()),
  note: z.string(),
  /** A facilitator added or changed it after the message was sent. */
  byFacilitator: z.boolean(),
});
export type Warning = z.infer<typeof WarningSchema>;

/**
 * A message as it stands now. Every event about a message carries its current state, so a
 * client catching up never sees text that was since edited or deleted.
 */
export const MessageSchema = z.object({
  id: idSchema(),
  sessionId: idSchema(),
  /** The sequence number of the event that posted it: messages are ordered by it. */
  seq: z.number().int().min(1),
  clientId: idSchema(),
  author: MemberSchema,
  /** An announcement is a facilitator's message to the whole room, shown apart. */
  kind: z.enum(['message', 'announcement']),
  /** Empty once deleted; for participants, also while a facilitator has hidden it. */
  text: z.string(),
  /** A facilitator hid it from the room; facilitators still see its text. */
  hidden: z.boolean(),
  createdAt: z.iso.datetime(),
  editedAt: z.iso.datetime().nullable(),
  deleted: z.boolean(),
  /**
   * Its author's place in the group ended or their account was erased: the message itself is
   * gone, and only its place in the room remains, as "a message that was removed".
   */
  removed: z.boolean(),
  replyToId: idSchema().nullable(),
  warning: WarningSchema.nullable(),
  /** Member ids per reaction given. */
  reactions: z.partialRecord(ReactionSchema, z.array(idSchema())),
});
export type Message = z.infer<typeof MessageSchema>;

const EventBase = { sessionId: idSchema(), seq: z.number().int().min(1), at: z.iso.datetime() };

/**
 * Everything others in a room must see, in order. Each carries the room's next sequence
 * number; a client that has applied up to N and receives N+2 asks for what it missed.
 */
export const RoomEventSchema = z.discriminatedUnion('type', [
  z.object({
    ...EventBase,
    type: z.literal('message'),
    change: z.enum(['posted', 'edited', 'deleted', 'warned', 'reacted', 'hidden', 'unhidden']),
    message: MessageSchema,
  }),
  /** Someone whose place in the group ended reads as left, with an empty pseudonym. */
  z.object({ ...EventBase, type: z.literal('presence'), member: MemberSchema, state: PresenceStateSchema }),
  /** The room's controls changed: a pause, slow mode, the lock, a check-in round. */
  z.object({ ...EventBase, type: z.literal('controls'), controls: RoomControlsSchema }),
  z.object({ ...EventBase, type: z.literal('closed') }),
]);
export type RoomEvent = z.infer<typeof RoomEventSchema>;

export const MessageTextSchema = z
  .string()
  .max(limits.messageTextMax, `A message has at most ${limits.messageTextMax} characters.`)
  .refine((text) => text.trim().length > 0, 'A message cannot be empty.');

const ReportReasonSchema = z.enum(['hurtful', 'unsafe', 'identifying', 'spam', 'other']);
export const reportReasons = ReportReasonSchema.options;

const EventPage = {
  /** Events after the `afterSeq` asked for, in order. When `hasMore`, ask again from `lastSeq`. */
  events: z.array(RoomEventSchema),
  hasMore: z.boolean(),
  lastSeq: Seq,
};

const ConfirmedChange = z.object({ seq: z.number().int().min(1) });

/**
 * Commands a client sends. Each names its payload and the data of a successful acknowledgement;
 * every acknowledgement is an {@link Ack}.
 */
export const clientCommands = {
  'room:join': {
    payload: z.object({
      ...SessionRef,
      /** The last sequence number the client applied; 0 for a first join. */
      afterSeq: Seq,
      /** The person read {@link confidentialityReminder} on entering. */
      reminderAcknowledged: z.literal(true, 'Please acknowledge the confidentiality reminder first.'),
    }),
    result: z.object({
      sessionId: idSchema(),
      title: z.string(),
      groupId: idSchema(),
      groupName: z.string(),
      brief: z.string(),
      endsAt: z.iso.datetime(),
      me: MemberSchema,
      agreement: z.object({ version: z.number().int(), text: z.string() }),
      crisisResources: z.array(CrisisResourceSchema),
      contentWarnings: z.array(CwCategorySchema),
      /**
       * False while the group's waiting room holds this person: no events, no roster. A
       * `room:admitted` event says when to join again.
       */
      admitted: z.boolean(),
      roster: z.array(RosterEntrySchema),
      controls: RoomControlsSchema,
      /** While this person is muted: until when. */
      mutedUntil: z.iso.datetime().nullable(),
      /** This person's answer to the open check-in round, if they gave one. */
      checkInAnswer: z.object({ checkInId: idSchema(), colour: CheckInColourSchema, word: z.string() }).nullable(),
      /** A participant's private thread with the facilitators; facilitators read theirs in `staff:state`. */
      sideMessages: z.array(SideMessageSchema),
      ...EventPage,
    }),
  },
  /** Events after a sequence number: how a client that noticed a gap fills it. */
  'room:catch-up': {
    payload: z.object({ ...SessionRef, afterSeq: Seq }),
    result: z.object(EventPage),
  },
  'room:leave': {
    payload: z.object(SessionRef),
    result: z.object({}),
  },
  /** Step out and come back; others see only "stepped out". */
  'room:presence': {
    payload: z.object({ ...SessionRef, state: z.enum(['present', 'stepped_out']) }),
    result: z.object({}),
  },
  /** Sent while someone types; never stored and never sequenced. */
  'room:typing': {
    payload: z.object(SessionRef),
    result: z.object({}),
  },
  /** A facilitator lets someone in from the waiting room. */
  'room:admit': {
    payload: z.object({ ...SessionRef, memberId: idSchema() }),
    result: z.object({}),
  },
  'message:send': {
    payload: z.object({
      ...SessionRef,
      /** Generated by the client; a resend with the same id is stored once. */
      clientId: idSchema(),
      text: MessageTextSchema,
      replyToId: idSchema().nullable().default(null),
      warning: WarningInputSchema.nullable().default(null),
    }),
    result: z.object({
      id: idSchema(),
      seq: z.number().int().min(1),
      createdAt: z.iso.datetime(),
    }),
  },
  'message:edit': {
    payload: z.object({
      ...SessionRef,
      messageId: idSchema(),
      text: MessageTextSchema,
      /**
       * The author's warning for the new text: null removes it, absent keeps it. A warning a
       * facilitator gave stays whatever the author sends.
       */
      warning: WarningInputSchema.nullable().optional(),
    }),
    result: ConfirmedChange,
  },
  'message:delete': {
    payload: z.object({ ...SessionRef, messageId: idSchema() }),
    result: ConfirmedChange,
  },
  'message:react': {
    payload: z.object({ ...SessionRef, messageId: idSchema(), reaction: ReactionSchema, on: z.boolean() }),
    result: ConfirmedChange,
  },
  /** A facilitator adds or changes a message's warning, for everyone at once. */
  'message:warn': {
    payload: z.object({ ...SessionRef, messageId: idSchema(), warning: WarningInputSchema }),
    result: ConfirmedChange,
  },
  'message:report': {
    payload: z.object({
      ...SessionRef,
      messageId: idSchema(),
      reason: ReportReasonSchema,
      note: z.string().trim().max(500).default(''),
    }),
    result: z.object({}),
  },
  /** Facilitators: the console's shared state (waiting room, signals, alerts, reports, answers). */
  'staff:state': {
    payload: z.object(SessionRef),
    result: ConsoleStateSchema,
  },
  'room:admit-all': {
    payload: z.object(SessionRef),
    result: z.object({ admitted: z.number().int() }),
  },
  /** A facilitator's message to the whole room, shown apart from the conversation. */
  'room:announce': {
    payload: z.object({ ...SessionRef, clientId: idSchema(), text: MessageTextSchema }),
    result: z.object({ id: idSchema(), seq: z.number().int().min(1), createdAt: z.iso.datetime() }),
  },
  /** A grounding pause: nobody can post, everyone sees a calm prompt, until it ends. */
  'room:pause': {
    payload: z.object({
      ...SessionRef,
      seconds: z.number().int().min(limits.pauseSecondsMin).max(limits.pauseSecondsMax),
    }),
    result: ConfirmedChange,
  },
  'room:resume': {
    payload: z.object(SessionRef),
    result: ConfirmedChange,
  },
  'room:slow-mode': {
    payload: z.object({ ...SessionRef, seconds: z.number().int().min(0).max(limits.slowModeSecondsMax) }),
    result: ConfirmedChange,
  },
  'room:lock': {
    payload: z.object({ ...SessionRef, locked: z.boolean() }),
    result: ConfirmedChange,
  },
  'checkin:open': {
    payload: z.object(SessionRef),
    result: ConfirmedChange,
  },
  'checkin:close': {
    payload: z.object(SessionRef),
    result: ConfirmedChange,
  },
  /** A participant's answer to the open round: only facilitators see it. */
  'checkin:answer': {
    payload: z.object({ ...SessionRef, checkInId: idSchema(), colour: CheckInColourSchema, word: CheckInWordSchema }),
    result: z.object({}),
  },
  'member:mute': {
    payload: z.object({
      ...SessionRef,
      memberId: idSchema(),
      minutes: z.number().int().min(1).max(limits.muteMinutesMax),
      reason: ReasonSchema,
    }),
    result: z.object({ until: z.iso.datetime() }),
  },
  'member:unmute': {
    payload: z.object({ ...SessionRef, memberId: idSchema() }),
    result: z.object({}),
  },
  /** Out of this session's room; they may come to the group's next session. */
  'member:remove': {
    payload: z.object({ ...SessionRef, memberId: idSchema(), reason: ReasonSchema }),
    result: z.object({}),
  },
  /** Out of the group until an organiser lifts it. A reason is required. */
  'member:ban': {
    payload: z.object({
      ...SessionRef,
      memberId: idSchema(),
      reason: z.string().trim().min(1, 'Please give a reason.').max(limits.reasonMax),
    }),
    result: z.object({}),
  },
  'message:hide': {
    payload: z.object({ ...SessionRef, messageId: idSchema(), hidden: z.boolean(), reason: ReasonSchema }),
    result: ConfirmedChange,
  },
  /** A facilitator deletes someone's message: its text is gone for everyone. */
  'message:remove': {
    payload: z.object({ ...SessionRef, messageId: idSchema(), reason: ReasonSchema }),
    result: ConfirmedChange,
  },
  /** Removes all of one person's messages from this session. */
  'member:clear-messages': {
    payload: z.object({ ...SessionRef, memberId: idSchema(), reason: ReasonSchema }),
    result: z.object({ removed: z.number().int() }),
  },
  'report:resolve': {
    payload: z.object({
      ...SessionRef,
      reportId: idSchema(),
      outcome: ReportOutcomeSchema,
      note: ReasonSchema,
    }),
    result: z.object({}),
  },
  'support:acknowledge': {
    payload: z.object({ ...SessionRef, requestId: idSchema() }),
    result: z.object({}),
  },
  'alert:acknowledge': {
    payload: z.object({ ...SessionRef, alertId: idSchema() }),
    result: z.object({}),
  },
  /**
   * The private thread between the facilitators and one participant. A participant writes to
   * theirs (participantId null); a facilitator names the participant.
   */
  'side:send': {
    payload: z.object({ ...SessionRef, participantId: idSchema().nullable(), clientId: idSchema(), text: MessageTextSchema }),
    result: z.object({ id: idSchema() }),
  },
  /** "I need support": a discreet signal only the room's facilitators see. */
  'support:request': {
    payload: z.object(SessionRef),
    /** Whether a facilitator is in the room now; if not, they see the request when one arrives. */
    result: z.object({ facilitatorsPresent: z.boolean() }),
  },
} as const;

/** Events the server sends to clients. */
export const serverEvents = {
  'room:event': RoomEventSchema,
  /** Someone is typing; shown for a few seconds unless the reader turned indicators off. */
  'room:typing': z.object({ sessionId: idSchema(), memberId: idSchema() }),
  /** To the person admitted from the waiting room: join again to enter. */
  'room:admitted': z.object({ sessionId: idSchema() }),
  /** To one person: what a facilitator did that concerns them, in plain words. */
  'room:notice': RoomNoticeSchema,
  /** To facilitators: the console's state changed; ask `staff:state` when `version` is newer. */
  'staff:changed': z.object({ sessionId: idSchema(), version: z.number().int() }),
  /** To facilitators and the participant concerned: a message in a side conversation. */
  'side:message': SideMessageSchema,
  /** A command sent without an acknowledgement callback failed; this says why. */
  'command:rejected': z.object({ event: z.string(), error: ApiErrorSchema }),
} as const;

export type ClientCommandName = keyof typeof clientCommands;
export type CommandPayload<E extends ClientCommandName> = z.input<
  (typeof clientCommands)[E]['payload']
>;
export type CommandResult<E extends ClientCommandName> = z.infer<
  (typeof clientCommands)[E]['result']
>;
export type ServerEventName = keyof typeof serverEvents;
export type ServerEventPayload<E extends ServerEventName> = z.infer<(typeof serverEvents)[E]>;

export function ackSchema<T extends z.ZodType>(data: T) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), data }),
    z.object({ ok: z.literal(false), error: ApiErrorSchema }),
  ]);
}
export type Ack<T> = { ok: true; data: T } | { ok: false; error: z.infer<typeof ApiErrorSchema> };

/** socket.io's typed event maps, derived from the schemas above. */
export type ClientToServerEvents = {
  [E in ClientCommandName]: (
    payload: CommandPayload<E>,
    ack: (response: Ack<CommandResult<E>>) => void,
  ) => void;
};
export type ServerToClientEvents = {
  [E in ServerEventName]: (payload: ServerEventPayload<E>) => void;
};

/** A person's own choices for rooms of one group; kept on the server so they follow them. */
export const CwPreferenceSchema = z.enum(['hide', 'show']);
export type CwPreference = z.infer<typeof CwPreferenceSchema>;
export const RoomPreferencesSchema = z.object({
  /** Per category key: always hide or always show. A category not listed asks each time. */
  contentWarnings: z
    .record(z.string().max(40), CwPreferenceSchema)
    .refine((choices) => Object.keys(choices).length <= 30, 'At most 30 categories.'),
  /** Off: this person neither sees others typing nor shows their own typing. */
  typingIndicators: z.boolean(),
});
export type RoomPreferences = z.infer<typeof RoomPreferencesSchema>;
export const defaultRoomPreferences: RoomPreferences = { contentWarnings: {}, typingIndicators: true };

/** Deployment settings the client needs before anything else. */
export const ClientConfigSchema = z.object({
  /** Where quick exit goes: a neutral site, replacing the page. */
  quickExitUrl: z.url(),
});
export type ClientConfig = z.infer<typeof ClientConfigSchema>;
