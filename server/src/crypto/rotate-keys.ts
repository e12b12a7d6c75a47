import { renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/database.ts';
import { createSealer, embeddedKeyRing, formatKeyRing, newKey, parseKeyRing, type KeyRing } from './keyring.ts';
import { resealAll } from './rotation.ts';

/**
 * `npm run keys:rotate`: re-seals every stored value under the primary key. With
 * ENCRYPTION_KEYS, put the new key first and keep the old ones until this has run. On the
 * embedded default, `npm run keys:rotate -- --new-key` first adds a new primary key to the data
 * folder's key file. Run it while no node writes, or run it again afterwards.
 */
const config = loadConfig();
const say = (line: string) => process.stdout.write(`${line}\n`);

function withNewPrimary(ring: KeyRing): KeyRing {
  const [id, key] = newKey(`k${Date.now().toString(36)}`);
  return { primaryId: id, keys: new Map([[id, key], ...ring.keys]) };
}

let ring = config.encryptionKeys ? parseKeyRing(config.encryptionKeys) : embeddedKeyRing(config.dataDir);
if (!config.encryptionKeys && process.argv.includes('--new-key')) {
  ring = withNewPrimary(ring);
  const file = path.join(config.dataDir, 'encryption-keys');
  writeFileSync(`${file}.new`, `${formatKeyRing(ring).split(',').join('\n')}\n`, { mode: 0o600 });
  renameSync(`${file}.new`, file);
  say(`New primary key ${ring.primaryId} added to ${file}.`);
}

const quiet = { warn: () => process.stderr.write('database connection lost\n') } as unknown as FastifyBaseLogger;
const database = await openDatabase(config, quiet);
try {
  const counts = await resealAll(database.db, createSealer(ring));
  for (const [column, count] of Object.entries(counts)) say(`${column}: ${count}`);
  say(`Every value that opens is now sealed with key ${ring.primaryId}; older keys can be retired.`);
} finally {
  await database.close();
}
