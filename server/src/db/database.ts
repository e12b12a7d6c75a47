import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { FastifyBaseLogger } from 'fastify';
import { withTimeout } from '../lib/timeout.ts';
import * as schema from './schema.ts';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

/** What services need of the database: queries, and transactions done safely. */
export type Store = Pick<Database, 'db' | 'transaction'>;

export type Database = {
  db: Db;
  driver: 'pglite' | 'pg';
  /**
   * Runs `work` in one transaction. On PostgreSQL a client whose BEGIN, COMMIT or ROLLBACK
   * failed is destroyed rather than returned to the pool.
   */
  transaction<T>(work: (tx: Db) => Promise<T>): Promise<T>;
  /** Throws when the database does not answer within two seconds. */
  ping(): Promise<void>;
  /** The PostgreSQL pool's clients (none on the embedded database), for `/metrics`. */
  poolClients(): { total: number; idle: number; waiting: number } | null;
  close(): Promise<void>;
};

const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));

/** Serialises migrations when several nodes start against one PostgreSQL at once. */
const MIGRATION_LOCK_KEY = 0x4865_6172; // "Hear"

/**
 * The one place the driver is chosen: PostgreSQL through a `pg` Pool when a URL is given,
 * otherwise PGlite in a data folder. Both run the same migrations and the same queries.
 */
export async function openDatabase(
  options: { databaseUrl?: string | undefined; dataDir: string },
  log: FastifyBaseLogger,
): Promise<Database> {
  const database = options.databaseUrl
    ? await openPostgres(options.databaseUrl, log)
    : await openPglite(options.dataDir);
  try {
    await database.migrate();
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}

type Opened = Database & { migrate(): Promise<void> };

async function openPostgres(url: string, log: FastifyBaseLogger): Promise<Opened> {
  const { default: pg } = await import('pg');
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const { migrate } = await import('drizzle-orm/node-postgres/migrator');
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 5000 });
  const lostConnection = (error: Error) =>
    log.warn({ err: errorSummary(error) }, 'database connection lost');
  // A client that loses its connection emits 'error'; unheard, that ends the process. The pool
  // listens only while a client is idle, so every client gets a listener of its own too.
  pool.on('error', lostConnection);
  pool.on('connect', (client) => client.on('error', lostConnection));
  const db = drizzle(pool, { schema });
  let ended = false;
  return {
    db,
    driver: 'pg',
    async transaction(work) {
      const client = await pool.connect();
      let broken: Error | undefined;
      const control = (statement: string) =>
        client.query(statement).catch((error: Error) => {
          broken = error;
          throw error;
        });
      try {
        await control('begin');
        try {
          // Without the schema: Hearth makes no relational queries, and deriving their
          // configuration from the schema for every transaction cost more than its statements.
          const result = await work(drizzle(client) as unknown as Db);
          await control('commit');
          return result;
        } catch (error) {
          if (!broken) await control('rollback').catch(() => {});
          throw error;
        }
      } finally {
        client.release(broken);
      }
    },
    async ping() {
      await withTimeout(db.execute(sql`select 1`), 2000, 'database ping');
    },
    poolClients: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async migrate() {
      const client = await pool.connect();
      try {
        await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
        try {
          await migrate(drizzle(client, { schema }), { migrationsFolder });
        } finally {
          await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
        }
      } finally {
        client.release();
      }
    },
    async close() {
      if (ended) return;
      ended = true;
      await pool.end();
    },
  };
}

async function openPglite(dataDir: string): Promise<Opened> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  let client: InstanceType<typeof PGlite>;
  if (dataDir === ':memory:') {
    client = new PGlite();
  } else {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    client = new PGlite(dataDir);
  }
  const db = drizzle(client, { schema });
  return {
    db,
    driver: 'pglite',
    transaction: (work) => db.transaction(work),
    async ping() {
      await withTimeout(db.execute(sql`select 1`), 2000, 'database ping');
    },
    poolClients: () => null,
    async migrate() {
      await migrate(db, { migrationsFolder });
    },
    async close() {
      if (!client.closed) await client.close();
    },
  };
}

/** What of a database error may be logged: its class and code, never its message or values. */
export function errorSummary(error: unknown): { type: string; code?: string } {
  if (error instanceof Error) {
    const code = pgErrorCode(error);
    return { type: error.name, ...(code ? { code } : {}) };
  }
  return { type: typeof error };
}

/** The PostgreSQL error code of a failed query, on either driver. */
export function pgErrorCode(error: unknown): string | undefined {
  return causeField(error, 'code');
}

/** The constraint a failed query broke, on either driver. */
export function pgConstraint(error: unknown): string | undefined {
  return causeField(error, 'constraint');
}

function causeField(error: unknown, field: 'code' | 'constraint'): string | undefined {
  for (const candidate of [error, (error as { cause?: unknown })?.cause]) {
    const value = (candidate as Record<string, unknown> | undefined)?.[field];
    if (typeof value === 'string') return value;
  }
  return undefined;
}

/**
 * Whether a failure means PostgreSQL could not be reached (down, restarting, the connection
 * cut, no pool client in time) rather than that the statement was wrong: the same request
 * may well succeed in a moment.
 */
export function databaseUnreachable(error: unknown): boolean {
  const code = pgErrorCode(error);
  if (code && (/^08/.test(code) || ['57P01', '57P02', '57P03', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT'].includes(code))) {
    return true;
  }
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|timeout exceeded when trying to connect|not queryable|Connection ended/i.test(message);
}
