import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './redis-server.ts';

const run = promisify(execFile);

/** The operating-system user PostgreSQL runs as: it refuses to run as root. */
const OS_USER = 'postgres';
const BIN_ROOT = '/usr/lib/postgresql';

/** The newest installed server's binaries, or a clear error saying what is missing. */
function postgresBin(): string {
  const versions = existsSync(BIN_ROOT)
    ? readdirSync(BIN_ROOT)
        .filter((name) => existsSync(path.join(BIN_ROOT, name, 'bin', 'pg_ctl')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) {
    throw new Error(
      `ownPostgres: no PostgreSQL server binaries under ${BIN_ROOT}/*/bin (initdb, pg_ctl). ` +
        'Install the server package (apt-get install postgresql); CI has it.',
    );
  }
  return path.join(BIN_ROOT, versions[0]!, 'bin');
}

async function idOf(flag: '-u' | '-g'): Promise<number> {
  const { stdout } = await run('id', [flag, OS_USER]);
  return Number(stdout.trim());
}

/**
 * A PostgreSQL server of the test's own, in a temporary folder, on a free loopback port, that
 * the test may stop and start again without touching the server other tests use. Trust
 * authentication: it listens on 127.0.0.1 only and lives as long as the test.
 */
export async function ownPostgres() {
  const bin = postgresBin();
  const port = await freePort();
  const dir = await mkdtemp(path.join(tmpdir(), 'hearth-pg-'));
  const dataDir = path.join(dir, 'data');
  await chown(dir, await idOf('-u'), await idOf('-g'));

  /** Runs one of the server's programs as its own user, from a folder that user may enter. */
  const asPostgres = (program: string, args: string[]) =>
    run('runuser', ['-u', OS_USER, '--', path.join(bin, program), ...args], { cwd: dir, timeout: 60_000 });

  const serverOptions = [
    `-p ${port}`,
    `-k ${dir}`,
    '-c listen_addresses=127.0.0.1',
    // Nothing here needs to survive a power cut; the tests restart it often.
    '-c fsync=off',
    '-c synchronous_commit=off',
  ].join(' ');

  try {
    await asPostgres('initdb', ['-D', dataDir, '-A', 'trust', '-U', OS_USER, '-E', 'UTF8', '--locale=C', '--no-sync']);
    await start();
  } catch (error) {
    // A server that came up too slowly for pg_ctl's wait may still be running.
    await stop('immediate').catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    throw error;
  }

  async function start() {
    await asPostgres('pg_ctl', ['-D', dataDir, '-l', path.join(dir, 'server.log'), '-w', '-t', '60', '-o', serverOptions, 'start']);
  }

  /** `fast` ends every session (an orderly shutdown); `immediate` is a crash, recovered at the next start. */
  async function stop(mode: 'fast' | 'immediate' = 'fast') {
    await asPostgres('pg_ctl', ['-D', dataDir, '-m', mode, '-w', '-t', '60', 'stop']);
  }

  async function running(): Promise<boolean> {
    try {
      await asPostgres('pg_ctl', ['-D', dataDir, 'status']);
      return true;
    } catch {
      return false;
    }
  }

  return {
    port,
    /** The server's own maintenance database, as its superuser. */
    url: `postgres://${OS_USER}@127.0.0.1:${port}/postgres`,
    /** The address of one database on this server. */
    urlOf: (database: string) => `postgres://${OS_USER}@127.0.0.1:${port}/${database}`,
    start,
    stop,
    async restart(mode: 'fast' | 'immediate' = 'fast') {
      await stop(mode);
      await start();
    },
    async dispose() {
      if (await running()) await stop('immediate');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export type OwnPostgres = Awaited<ReturnType<typeof ownPostgres>>;
