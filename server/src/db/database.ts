import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { FastifyBaseLogger } from 'fastify';
import * as schema from './schema.ts';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export type Database = {
  db: Db;
  driver: 'pglite' | 'pg';
  /** Throws when the database does not answer. */
  ping(): Promise<void>;
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
  // An idle client that loses its connection emits 'error'; unheard, it would end the process.
  pool.on('error', (error) => log.warn({ err: errorSummary(error) }, 'idle database client failed'));
  const db = drizzle(pool, { schema });
  return {
    db,
    driver: 'pg',
    async ping() {
      await db.execute(sql`select 1`);
    },
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
    async ping() {
      await db.execute(sql`select 1`);
    },
    async migrate() {
      await migrate(db, { migrationsFolder });
    },
    async close() {
      if (!client.closed) await client.close();
    },
  };
}

/** What of a database error may be logged: its code and class, never its parameters. */
export function errorSummary(error: unknown): { type: string; code?: string } {
  if (error instanceof Error) {
    const code = pgErrorCode(error);
    return { type: error.name, ...(code ? { code } : {}) };
  }
  return { type: typeof error };
}

/** The PostgreSQL error code of a failed query, on either driver. */
export function pgErrorCode(error: unknown): string | undefined {
  const candidates = [error, (error as { cause?: unknown })?.cause];
  for (const candidate of candidates) {
    const code = (candidate as { code?: unknown })?.code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/** The constraint a failed query broke, on either driver. */
export function pgConstraint(error: unknown): string | undefined {
  const candidates = [error, (error as { cause?: unknown })?.cause];
  for (const candidate of candidates) {
    const name = (candidate as { constraint?: unknown })?.constraint;
    if (typeof name === 'string') return name;
  }
  return undefined;
}
