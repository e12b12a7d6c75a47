import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  integer,
  pgTable,
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
    createdAt: createdAt(),
  },
  (t) => [
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
    createdBy: uuid('created_by').references(() => accounts.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('invites_group_idx').on(t.groupId)],
);

export const sessions = pgTable(
  'sessions',
  {
    id: id(),
    groupId: uuid('group_id')
      .notNull()
      .references(() => groups.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    status: text('status', { enum: ['scheduled', 'open', 'closed'] }).notNull(),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    /**
     * The room's last sequence number. Incremented in the transaction that stores a room event,
     * so the row lock hands out numbers in commit order.
     */
    lastSeq: integer('last_seq').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [index('sessions_group_starts_idx').on(t.groupId, t.startsAt)],
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
    body: text('body').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('messages_session_seq_key').on(t.sessionId, t.seq),
    uniqueIndex('messages_session_author_client_key').on(t.sessionId, t.authorId, t.clientId),
  ],
);
