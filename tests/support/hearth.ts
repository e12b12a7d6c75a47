import { Writable } from 'node:stream';
import { buildApp, type AppDeps, type HearthApp } from '../../server/src/app.ts';
import { loadConfig, type Config } from '../../server/src/config.ts';
import { sealedAt } from '../../server/src/crypto/keyring.ts';
import type { RateLimits } from '../../server/src/lib/rateLimits.ts';
import type { Provisioned } from './modes.ts';

/**
 * Request and command limits far above what any test sends, for the tests of other things;
 * the tests of the limits pass `rateLimits` as Hearth ships them.
 */
export const roomyRateLimits: RateLimits = {
  rest: {
    perAccount: { limit: 1_000_000, windowSeconds: 60 },
    perAddress: { limit: 1_000_000, windowSeconds: 60 },
    openPerAddress: { limit: 1_000_000, windowSeconds: 60 },
  },
  socket: {
    perSocket: { burst: 1_000_000, perSecond: 1_000_000 },
    perAccount: { limit: 1_000_000, windowSeconds: 60 },
    writesPerAccount: { limit: 1_000_000, windowSeconds: 60 },
  },
};

/** argon2id at its cheapest: tests exercise the code path, not the cost. */
export const testPasswordHashing = { memoryCost: 1024, timeCost: 1, parallelism: 1 };

/** Everything a node logged, kept to search it for things that must never be logged. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
  get text(): string {
    return this.lines.join('\n');
  }
}

export type Node = HearthApp & { url: string; logs: LogCapture; close(): Promise<void> };

/**
 * Starts one Hearth node on a free loopback port, on the given database and Redis. `deps` go to
 * buildApp as they are (for example raised `loginLimits`); the node's logs are always captured.
 */
export type NodeDeps = Omit<AppDeps, 'logStream'>;

export async function startNode(place: Provisioned, overrides: Partial<Config> = {}, deps: NodeDeps = {}): Promise<Node> {
  const config: Config = {
    ...loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: place.dataDir,
      DATABASE_URL: place.databaseUrl ?? '',
      REDIS_URL: place.redisUrl ?? '',
      REDIS_KEY_PREFIX: place.redisKeyPrefix,
      ENCRYPTION_KEYS: place.encryptionKeys ?? '',
      LOG_LEVEL: 'info',
    }),
    ...overrides,
  };
  const logs = new LogCapture();
  const hearth = await buildApp(config, {
    passwordHashing: testPasswordHashing,
    rateLimits: roomyRateLimits,
    ...deps,
    logStream: logs,
  });
  await hearth.app.listen({ port: 0, host: '127.0.0.1' });
  const address = hearth.app.server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return {
    ...hearth,
    url: `http://127.0.0.1:${address.port}`,
    logs,
    close: () => hearth.app.close(),
  };
}

/**
 * A message's text as the database holds it, opened with the node's key: the stored value
 * must be sealed (never the text itself) and open to exactly the text.
 */
export function storedText(node: Node, table: string, column: string, row: { id: string } & Record<string, unknown>, key: string) {
  const stored = String(row[key] ?? '');
  if (stored !== '' && !stored.startsWith('v1.')) throw new Error(`${table}.${column} of ${row.id} is not sealed`);
  return node.sealer.open(stored, sealedAt(table, column, row.id));
}
