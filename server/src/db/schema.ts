import { sql } from 'drizzle-orm';
import type { CrisisResource, CwCategory, RoomPreferences } from '@hearth/shared';
import {
  type AnyPgColumn,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const id = () => uuid('id').primaryKey().defaultRandom();
const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export const accounts = pgTable(
  'accounts',
  {
    id: id(),
    username: text('username').notNull(),
    passwordHash: text('password_hash').notNull(),
    isOrganiser: boolean('is_organiser').notNull().default(false),
    email: text('email'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('accounts_username_key').on(sql`lower(${t.username})`)],
);

/** Login sessions. Only a hash of the cookie's token is stored. */
export const authSessions = pgTable(
  'auth_sessions',
  {
    id: id(),
    tokenHash: text('token_hash').notNull().unique(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('auth_sessions_account_idx').on(t.accountId)],
);

/** One-time tokens that let the first organiser be created; gone once an account exists. */
export const setupTokens = pgTable('setup_tokens', {
  tokenHash: text('token_hash').primaryKey(),
  createdAt: createdAt(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
});

export const groups = pgTable('groups', {
  id: id(),
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  capacity: integer('capacity').notNull().default(12),
  waitingRoom: boolean('waiting_room').notNull().default(true),
  approvalRequired: boolean('approval_required').notNull().default(false),
  retentionHours: integer('retention_hours').notNull().default(24),
  contentWarnings: jsonb('content_warnings').$type<CwCategory[]>().notNull().default([]),
  crisisResources: jsonb('crisis_resources').$type<CrisisResource[]>().notNull().default([]),
  createdBy: uuid('created_by').references(() => accounts.id, { onDelete: 'set null' }),
  createdAt: createdAt(),
});

/** A person's place in a group, under the pseudonym others see. The id is the member id. */
export const memberships = pgTable(
  'memberships',
  {
    id: id(),
    groupId: uuid('group_id')
      .notNull()
      .references(() => groups.id, { onDelete: 'cascade' }),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    role: text('role', { enum: ['lead_facilitator', 'facilitator', 'participant'] }).notNull(),
    pseudonym: text('pseudonym').notNull(),
    status: text('status', { enum: ['active', 'pending', 'waitlisted', 'banned'] }).notNull().default('active'),
    /** Why the member was banned from the group, while they are. */
    banReason: text('ban_reason'),
    /** When the status last changed: the waitlist is served in this order. */
    statusSince: timestamp('status_since', { withTimezone: true }).notNull().defaultNow(),
    /** The person's own choices for rooms (content warnings, typing indicators). */
    roomPreferences: jsonb('room_preferences')
      .$type<RoomPreferences>()
      .notNull()
      .default({ contentWarnings: {}, typingIndicators: true }),
    createdAt: createdAt(),
  },
  (t) => [
    index('memberships_group_status_idx').on(t.groupId, t.status, t.statusSince),
    uniqueIndex('memberships_group_account_key').on(t.groupId, t.accountId),
    uniqueIndex('memberships_group_pseudonym_key').on(t.groupId, sql`lower(${t.pseudonym})`),
    index('memberships_account_idx').on(t.accountId),
  ],
);

export const invites = pgTable(
  'invites',
  {
    id: id(),
    groupId: uuid('group_id')
      .notNull()
      .references(() => groups.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull().unique(),
    role: text('role', { enum: ['participant', 'facilitator'] }).notNull().default('participant'),
    maxUses: integer('max_uses'),
    uses: integer('uses').notNull().default(0),
    createdBy: uuid('created_by').references(() => accounts.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('invites_group_idx').on(t.groupId)],
);

/** Versioned agreement texts; a group's current agreement is its highest version. */
export const agreementVersions = pgTable(
  'agreement_versions',
  {
    id: id(),
    groupId: uuid('group_id')
      .notNull()
      .references(() => groups.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    text: text('text').notNull(),
    publishedBy: uuid('published_by').references(() => accounts.id, { onDelete: 'set null' }),
    publishedAt: timestamp('published_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('agreement_versions_group_version_key').on(t.groupId, t.version)],
);

/** Who accepted which version, and when. */
export const agreementAcceptances = pgTable(
  'agreement_acceptances',
  {
    membershipId: uuid('membership_id')
      .notNull()
      .references(() => memberships.id, { onDelete: 'cascade' }),
    agreementVersionId: uuid('agreement_version_id')
      .notNull()
      .references(() => agreementVersions.id, { onDelete: 'cascade' }),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.membershipId, t.agreementVersionId] })],
);

/** A weekly or fortnightly series: a local start time in a time zone. */
export const sessionSeries = pgTable('session_series', {
  id: id(),
  groupId: uuid('group_id')
    .notNull()
    .references(() => groups.id, { onDelete: 'cascade' }),
  title: text('title').notNull(),
  brief: text('brief').notNull().default(''),
  intervalWeeks: integer('interval_weeks').notNull(),
  timeZone: text('time_zone').notNull(),
  /** Local date of the first occurrence, YYYY-MM-DD. */
  firstDate: text('first_date').notNull(),
  /** Local start time, HH:mm. */
  localTime: text('local_time').notNull(),
  durationMinutes: integer('duration_minutes').notNull(),
  /** Last local date an occurrence may fall on, or null for an open-ended series. */
  untilDate: text('until_date'),
  createdAt: createdAt(),
});

export const sessions = pgTable(
  'sessions',
  {
    id: id(),
    groupId: uuid('group_id')
      .notNull()
      .references(() => groups.id, { onDelete: 'cascade' }),
    seriesId: uuid('series_id').references(() => sessionSeries.id, { onDelete: 'cascade' }),
    /** For an occurrence of a series: its local date in the series, which never changes. */
    occurrenceDate: text('occurrence_date'),
    title: text('title').notNull(),
    brief: text('brief').notNull().default(''),
    timeZone: text('time_zone').notNull().default('UTC'),
    moved: boolean('moved').notNull().default(false),
    status: text('status', { enum: ['scheduled', 'open', 'closed', 'cancelled'] }).notNull(),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    /**
     * The room's last sequence number. Incremented in the transaction that stores a room event,
     * so the row lock hands out numbers in commit order.
     */
    lastSeq: integer('last_seq').notNull().default(0),
    openedAt: timestamp('opened_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    /** A grounding pause lasts until then; nobody posts meanwhile. */
    pausedUntil: timestamp('paused_until', { withTimezone: true }),
    slowModeSeconds: integer('slow_mode_seconds').notNull().default(0),
    /** No new entries while locked. */
    locked: boolean('locked').notNull().default(false),
    /** The facilitators' console version: bumped with every change they share. */
    staffSeq: integer('staff_seq').notNull().default(0),
    /**
     * When the retention job deleted the room's content. Set by one conditional UPDATE, so one
     * node purges each room once.
     */
    purgedAt: timestamp('purged_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    index('sessions_group_starts_idx').on(t.groupId, t.startsAt),
    // The room clock looks for scheduled rooms due to open and open rooms due to close.
    index('sessions_status_starts_idx').on(t.status, t.startsAt),
    index('sessions_status_ends_idx').on(t.status, t.endsAt),
    uniqueIndex('sessions_series_occurrence_key').on(t.seriesId, t.occurrenceDate),
    // The retention job looks for closed rooms whose content is still kept.
    index('sessions_unpurged_closed_idx').on(t.closedAt).where(sql`${t.status} = 'closed' and ${t.purgedAt} is null`),
  ],
);

export const messages = pgTable(
  'messages',
  {
    id: id(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    authorId: uuid('author_id')
      .notNull()
      .references(() => memberships.id, { onDelete: 'cascade' }),
    clientId: uuid('client_id').notNull(),
    seq: integer('seq').notNull(),
    /** Emptied when the message is deleted: the text is gone, not flagged. */
    body: text('body').notNull(),
    kind: text('kind', { enum: ['message', 'announcement'] }).notNull().default('message'),
    /** A facilitator hid it from the room; facilitators still see it. */
    hiddenAt: timestamp('hidden_at', { withTimezone: true }),
    replyToId: uuid('reply_to_id').references((): AnyPgColumn => messages.id, { onDelete: 'set null' }),
    /** Content-warning category keys; null when the message carries no warning. */
    warningCategories: jsonb('warning_categories').$type<string[]>(),
    warningNote: text('warning_note'),
    warningByFacilitator: boolean('warning_by_facilitator').notNull().default(false),
    editedAt: timestamp('edited_at', { withTimezone: true }),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('messages_session_seq_key').on(t.sessionId, t.seq),
    uniqueIndex('messages_session_author_client_key').on(t.sessionId, t.authorId, t.clientId),
  ],
);

export const messageReactions = pgTable(
  'message_reactions',
  {
    messageId: uuid('message_id')
      .notNull()
      .references(() => messages.id, { onDelete: 'cascade' }),
    memberId: uuid('member_id')
      .notNull()
      .references(() => memberships.id, { onDelete: 'cascade' }),
    reaction: text('reaction').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.messageId, t.memberId, t.reaction] })],
);

/**
 * Everything others in a room see, in sequence. Rows name what changed, never its content: a
 * message event is shown with the message as it stands when read, so catching up never brings
 * back text that was edited or deleted since.
 */
export const roomEvents = pgTable(
  'room_events',
  {
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    type: text('type', { enum: ['message', 'presence', 'controls', 'closed'] }).notNull(),
    change: text('change', { enum: ['posted', 'edited', 'deleted', 'warned', 'reacted', 'hidden', 'unhidden'] }),
    messageId: uuid('message_id'),
    memberId: uuid('member_id'),
    state: text('state', { enum: ['present', 'stepped_out', 'left'] }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.seq] })],
);

/** Each person's place in one session's room: admitted or not, and how they are present. */
export const roomMembers = pgTable(
  'room_members',
  {
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    memberId: uuid('member_id')
      .notNull()
      .references(() => memberships.id, { onDelete: 'cascade' }),
    state: text('state', { enum: ['present', 'stepped_out', 'left'] }).notNull().default('left'),
    admittedAt: timestamp('admitted_at', { withTimezone: true }),
    admittedBy: uuid('admitted_by').references(() => memberships.id, { onDelete: 'set null' }),
    /** Removed from this session's room by a facilitator: no way back in for this session. */
    removedAt: timestamp('removed_at', { withTimezone: true }),
    /** Muted until then; cleared by the room clock, which tells the person. */
    mutedUntil: timestamp('muted_until', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.memberId] })],
);

/**
 * Open sockets in rooms, per node. A node refreshes `seen_at` for its own; rows a node stopped
 * refreshing (it crashed) are swept by any node, which is how their people come to have left.
 */
export const roomConnections = pgTable(
  'room_connections',
  {
    socketId: text('socket_id').notNull(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    memberId: uuid('member_id')
      .notNull()
      .references(() => memberships.id, { onDelete: 'cascade' }),
    nodeId: text('node_id').notNull(),
    seenAt: timestamp('seen_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.socketId, t.sessionId] }),
    index('room_connections_session_member_idx').on(t.sessionId, t.memberId),
    index('room_connections_node_idx').on(t.nodeId),
    index('room_connections_seen_idx').on(t.seenAt),
  ],
);

/** A participant's report of a message; the facilitators' queue reads these. */
export const reports = pgTable(
  'reports',
  {
    id: id(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    messageId: uuid('message_id')
      .notNull()
      .references(() => messages.id, { onDelete: 'cascade' }),
    reporterId: uuid('reporter_id')
      .notNull()
      .references(() => memberships.id, { onDelete: 'cascade' }),
    reason: text('reason').notNull(),
    note: text('note').notNull().default(''),
    /** The reported words as they were, so a deletion cannot hide them; emptied on resolution. */
    reportedText: text('reported_text').notNull().default(''),
    createdAt: createdAt(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    resolvedBy: uuid('resolved_by').references(() => memberships.id, { onDelete: 'set null' }),
    outcome: text('outcome', { enum: ['action_taken', 'dismissed'] }),
  },
  (t) => [uniqueIndex('reports_message_reporter_key').on(t.messageId, t.reporterId)],
);

/** "I need support": stays until a facilitator acknowledges it. */
export const supportSignals = pgTable(
  'support_signals',
  {
    id: id(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    memberId: uuid('member_id')
      .notNull()
      .references(() => memberships.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    acknowledgedBy: uuid('acknowledged_by').references(() => memberships.id, { onDelete: 'set null' }),
  },
  (t) => [index('support_signals_session_idx').on(t.sessionId)],
);

/** A message that matched crisis language: facilitators are alerted until one acknowledges it. */
export const alerts = pgTable(
  'alerts',
  {
    id: id(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    messageId: uuid('message_id')
      .notNull()
      .references(() => messages.id, { onDelete: 'cascade' }),
    memberId: uuid('member_id')
      .notNull()
      .references(() => memberships.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['crisis_language'] }).notNull(),
    createdAt: createdAt(),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    acknowledgedBy: uuid('acknowledged_by').references(() => memberships.id, { onDelete: 'set null' }),
  },
  (t) => [index('alerts_session_idx').on(t.sessionId)],
);

export const checkIns = pgTable(
  'check_ins',
  {
    id: id(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    openedBy: uuid('opened_by').references(() => memberships.id, { onDelete: 'set null' }),
    openedAt: timestamp('opened_at', { withTimezone: true }).notNull().defaultNow(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
  },
  (t) => [index('check_ins_session_idx').on(t.sessionId)],
);

/** Facilitators see these; the participant sees only their own. */
export const checkInAnswers = pgTable(
  'check_in_answers',
  {
    /** Names the row for its sealed word. */
    id: uuid('id').notNull().unique().defaultRandom(),
    checkInId: uuid('check_in_id')
      .notNull()
      .references(() => checkIns.id, { onDelete: 'cascade' }),
    memberId: uuid('member_id')
      .notNull()
      .references(() => memberships.id, { onDelete: 'cascade' }),
    colour: text('colour', { enum: ['green', 'amber', 'red'] }).notNull(),
    /** Sealed. */
    word: text('word').notNull().default(''),
    answeredAt: timestamp('answered_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.checkInId, t.memberId] })],
);

/** The private thread between a room's facilitators and one participant. */
export const sideMessages = pgTable(
  'side_messages',
  {
    id: id(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    participantId: uuid('participant_id')
      .notNull()
      .references(() => memberships.id, { onDelete: 'cascade' }),
    authorId: uuid('author_id')
      .notNull()
      .references(() => memberships.id, { onDelete: 'cascade' }),
    clientId: uuid('client_id').notNull(),
    body: text('body').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('side_messages_session_idx').on(t.sessionId, t.participantId),
    uniqueIndex('side_messages_author_client_key').on(t.sessionId, t.authorId, t.clientId),
  ],
);

/**
 * Anonymous check-out, as totals only: each answer adds one to its colour and to its word, so
 * no row is anyone's answer and nothing can be matched to who answered.
 */
export const checkOutColours = pgTable(
  'check_out_colours',
  {
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    colour: text('colour', { enum: ['green', 'amber', 'red'] }).notNull(),
    count: integer('count').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.colour] })],
);

export const checkOutWords = pgTable(
  'check_out_words',
  {
    id: id(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    /** A keyed hash of the word, so equal words add up without the word being readable here. */
    wordKey: text('word_key').notNull(),
    /** Sealed. */
    word: text('word').notNull(),
    count: integer('count').notNull().default(0),
  },
  (t) => [uniqueIndex('check_out_words_session_word_key').on(t.sessionId, t.wordKey)],
);

/** Who has checked out of a session, kept apart from the answers, only to allow one each. */
export const checkOutSubmissions = pgTable(
  'check_out_submissions',
  {
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    memberId: uuid('member_id')
      .notNull()
      .references(() => memberships.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.memberId] })],
);

/**
 * Every facilitator and organiser action: who, what, to whom, when and why, never the content
 * acted on. No foreign keys, so nothing deleted later takes entries with it; a trigger refuses
 * updates and deletions.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: id(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    groupId: uuid('group_id').notNull(),
    sessionId: uuid('session_id'),
    actorAccountId: uuid('actor_account_id').notNull(),
    /** The actor as the group knew them then: pseudonym, or username without one. */
    actorName: text('actor_name').notNull(),
    action: text('action').notNull(),
    targetId: uuid('target_id'),
    /** What was acted on, by name: a member's pseudonym, a session's title. */
    target: text('target'),
    reason: text('reason').notNull().default(''),
  },
  (t) => [index('audit_log_group_at_idx').on(t.groupId, t.at)],
);
