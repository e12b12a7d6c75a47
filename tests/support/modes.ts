import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The two runtime modes every integration test runs in. The embedded default always runs;
 * the services mode runs when DATABASE_URL and REDIS_URL point at real servers (CI sets them).
 */
export type Mode = {
  name: 'embedded' | 'services';
  /** Makes a fresh, empty place for one test file's data, and a way to remove it. */
  provision(): Promise<Provisioned>;
};

export type Provisioned = {
  databaseUrl?: string;
  dataDir: string;
  redisUrl?: string;
  redisKeyPrefix: string;
  /** The key ring every node on this place shares (services mode; embedded keeps its own file). */
  encryptionKeys?: string;
  dispose(): Promise<void>;
};

const uniqueName = (prefix: string) => `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;

const embedded: Mode = {
  name: 'embedded',
  async provision() {
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const dataDir = await mkdtemp(path.join(tmpdir(), 'hearth-test-'));
    return {
      dataDir,
      redisKeyPrefix: uniqueName('t'),
      async dispose() {
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  },
};

export const servicesUrls = {
  databaseUrl: process.env.DATABASE_URL || undefined,
  redisUrl: process.env.REDIS_URL || undefined,
};

/** A fresh database on a PostgreSQL server, a Redis key prefix of its own and a key ring. */
export async function provisionServices(urls: { databaseUrl: string; redisUrl: string }): Promise<Provisioned> {
  const adminUrl = urls.databaseUrl;
  const database = uniqueName('hearth_test');
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${database}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const prefix = uniqueName('t');
  return {
    databaseUrl: url.toString(),
    dataDir: '/nonexistent',
    redisUrl: urls.redisUrl,
    redisKeyPrefix: prefix,
    encryptionKeys: `k1:${randomBytes(32).toString('base64')}`,
    async dispose() {
      const cleanup = new pg.Client({ connectionString: adminUrl });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${database} with (force)`);
      await cleanup.end();
    },
  };
}

const services: Mode = {
  name: 'services',
  provision: () => provisionServices({ databaseUrl: servicesUrls.databaseUrl!, redisUrl: servicesUrls.redisUrl! }),
};

export const servicesConfigured = Boolean(servicesUrls.databaseUrl && servicesUrls.redisUrl);

export const modes: Mode[] = servicesConfigured ? [embedded, services] : [embedded];
