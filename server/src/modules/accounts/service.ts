import { hash, verify } from '@node-rs/argon2';
import type { Me } from '@hearth/shared';
import { and, count, eq, gt, ne, sql } from 'drizzle-orm';
import type { Db, Store } from '../../db/database.ts';
import { pgErrorCode } from '../../db/database.ts';
import { accounts, authSessions, setupTokens } from '../../db/schema.ts';
import { hashToken, randomToken } from '../../crypto/tokens.ts';
import { AppError } from '../../errors.ts';
import type { LoginThrottle } from './throttle.ts';

/** The person behind a request or a socket, as the services see them. */
export type Actor = {
  accountId: string;
  username: string;
  isOrganiser: boolean;
  authSessionId: string;
  /** When this login ends; a socket opened with it stops being served then. */
  loginExpiresAt: Date;
};

export type PasswordHashing = { memoryCost: number; timeCost: number; parallelism: number };

/** OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane). */
export const defaultPasswordHashing: PasswordHashing = {
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
};

const SETUP_TOKEN_HOURS = 24;
const HOUR = 3_600_000;

type AccountRow = typeof accounts.$inferSelect;

export function toMe(account: Pick<AccountRow, 'id' | 'username' | 'isOrganiser' | 'email'>): Me {
  return {
    id: account.id,
    username: account.username,
    isOrganiser: account.isOrganiser,
    email: account.email,
  };
}

export type AccountsService = ReturnType<typeof createAccountsService>;

/** Taken while the first organiser is created, so two setup links cannot both succeed. */
const SETUP_LOCK_KEY = 0x4865_6173; // "Heas"

const invalidCredentials = () =>
  new AppError('invalid_credentials', 'That username and password do not match.');

export function createAccountsService(
  store: Store,
  options: { sessionTtlHours: number; passwordHashing: PasswordHashing; throttle: LoginThrottle },
) {
  const { db } = store;
  const hashPassword = (password: string) => hash(password, options.passwordHashing);
  // Verifying against a real hash when the username is unknown keeps both answers equally slow.
  const decoyHash = hashPassword(randomToken());

  async function accountCount(): Promise<number> {
    const [row] = await db.select({ n: count() }).from(accounts);
    return row?.n ?? 0;
  }

  async function insertAccount(
    executor: Db,
    input: { username: string; passwordHash: string; isOrganiser: boolean; email?: string | null },
  ): Promise<AccountRow> {
    try {
      const [row] = await executor
        .insert(accounts)
        .values({
          username: input.username,
          passwordHash: input.passwordHash,
          isOrganiser: input.isOrganiser,
          email: input.email ?? null,
        })
        .returning();
      return row!;
    } catch (error) {
      if (pgErrorCode(error) === '23505') {
        throw new AppError('conflict', 'That username is taken. Please choose another.');
      }
      throw error;
    }
  }

  /**
   * The person at the keyboard proves it is them before something that cannot be undone. A
   * stolen cookie must not become a way to guess the password, so attempts are throttled.
   */
  async function confirmPassword(actor: Actor, password: string, address: string): Promise<void> {
    await options.throttle.attempt(`account:${actor.accountId}`, address);
    const [account] = await db.select().from(accounts).where(eq(accounts.id, actor.accountId));
    if (!account || !(await verify(account.passwordHash, password))) {
      throw new AppError('invalid_credentials', 'Your current password is not right.');
    }
    await options.throttle.succeeded(`account:${actor.accountId}`, address);
  }

  async function startSession(executor: Db, accountId: string): Promise<string> {
    const token = randomToken();
    await executor.insert(authSessions).values({
      tokenHash: hashToken(token),
      accountId,
      expiresAt: new Date(Date.now() + options.sessionTtlHours * HOUR),
    });
    return token;
  }

  return {
    db,
    accountCount,
    confirmPassword,
    hashPassword,

    /**
     * While no account exists, makes a one-time token for the setup link and returns it;
     * afterwards returns null.
     */
    async issueSetupToken(): Promise<string | null> {
      if ((await accountCount()) > 0) return null;
      const token = randomToken();
      await db.insert(setupTokens).values({
        tokenHash: hashToken(token),
        expiresAt: new Date(Date.now() + SETUP_TOKEN_HOURS * HOUR),
      });
      return token;
    },

    async setupNeeded(): Promise<boolean> {
      return (await accountCount()) === 0;
    },

    async completeSetup(input: { token: string; username: string; password: string; email?: string }) {
      const unavailable = new AppError(
        'setup_unavailable',
        'This setup link is no longer valid. Hearth may already be set up: try logging in.',
      );
      const passwordHash = await hashPassword(input.password);
      return store.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(${SETUP_LOCK_KEY})`);
        // Consuming the token inside the transaction lets exactly one request use it.
        const consumed = await tx
          .delete(setupTokens)
          .where(
            and(eq(setupTokens.tokenHash, hashToken(input.token)), gt(setupTokens.expiresAt, sql`now()`)),
          )
          .returning({ tokenHash: setupTokens.tokenHash });
        if (consumed.length === 0) throw unavailable;
        const [existing] = await tx.select({ n: count() }).from(accounts);
        if ((existing?.n ?? 0) > 0) throw unavailable;
        const account = await insertAccount(tx, {
          username: input.username,
          passwordHash,
          isOrganiser: true,
          email: input.email ?? null,
        });
        await tx.delete(setupTokens);
        const token = await startSession(tx, account.id);
        return { me: toMe(account), token };
      });
    },

    /** Creates a participant's account inside the caller's transaction and logs it in. */
    async register(executor: Db, input: { username: string; passwordHash: string; email: string | null }) {
      const account = await insertAccount(executor, { ...input, isOrganiser: false });
      const token = await startSession(executor, account.id);
      return { me: toMe(account), token };
    },

    /**
     * Checks a password, throttled per account name and per address. Answers are the same for
     * an unknown username and a wrong password.
     */
    async login(input: { username: string; password: string }, address: string) {
      await options.throttle.attempt(input.username, address);
      const [account] = await db
        .select()
        .from(accounts)
        .where(eq(sql`lower(${accounts.username})`, input.username.toLowerCase()));
      const valid = await verify(account?.passwordHash ?? (await decoyHash), input.password);
      if (!account || !valid) {
        throw invalidCredentials();
      }
      await options.throttle.succeeded(input.username, address);
      const token = await startSession(db, account.id);
      return { me: toMe(account), token };
    },

    async me(executor: Db, accountId: string): Promise<Me> {
      const [account] = await executor.select().from(accounts).where(eq(accounts.id, accountId));
      if (!account) throw new AppError('unauthenticated', 'Please log in to continue.');
      return toMe(account);
    },

    async updateEmail(actor: Actor, email: string | null): Promise<Me> {
      const [account] = await db
        .update(accounts)
        .set({ email })
        .where(eq(accounts.id, actor.accountId))
        .returning();
      return toMe(account!);
    },

    /**
     * Changes the password and ends every other login of the account; returns the ended logins
     * so their sockets can be closed.
     */
    async changePassword(
      actor: Actor,
      input: { currentPassword: string; newPassword: string },
      address: string,
    ) {
      await confirmPassword(actor, input.currentPassword, address);
      const passwordHash = await hashPassword(input.newPassword);
      return store.transaction(async (tx) => {
        await tx.update(accounts).set({ passwordHash }).where(eq(accounts.id, actor.accountId));
        const ended = await tx
          .delete(authSessions)
          .where(and(eq(authSessions.accountId, actor.accountId), ne(authSessions.id, actor.authSessionId)))
          .returning({ id: authSessions.id });
        return ended.map((row) => row.id);
      });
    },

    async logoutEverywhere(actor: Actor): Promise<void> {
      await db.delete(authSessions).where(eq(authSessions.accountId, actor.accountId));
    },

    /** The actor a session token belongs to, or null when it is unknown or expired. */
    async authenticate(token: string | undefined): Promise<Actor | null> {
      if (!token) return null;
      const [row] = await db
        .select({
          authSessionId: authSessions.id,
          accountId: accounts.id,
          username: accounts.username,
          isOrganiser: accounts.isOrganiser,
          loginExpiresAt: authSessions.expiresAt,
        })
        .from(authSessions)
        .innerJoin(accounts, eq(accounts.id, authSessions.accountId))
        .where(and(eq(authSessions.tokenHash, hashToken(token)), gt(authSessions.expiresAt, sql`now()`)));
      return row ?? null;
    },

    async logout(authSessionId: string): Promise<void> {
      await db.delete(authSessions).where(eq(authSessions.id, authSessionId));
    },
  };
}
