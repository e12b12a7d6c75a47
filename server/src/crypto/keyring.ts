import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const FORMAT = 'v1';

export type KeyRing = { primaryId: string; keys: ReadonlyMap<string, Buffer> };

export class KeyRingError extends Error {
  override name = 'KeyRingError';
}

/**
 * Parses `ENCRYPTION_KEYS`: `id:base64key,id:base64key,…` (or one per line, as in the embedded
 * key file), the first being the primary key for new writes; the others are kept to read rows
 * written before a rotation.
 */
export function parseKeyRing(value: string): KeyRing {
  const keys = new Map<string, Buffer>();
  let primaryId: string | null = null;
  for (const entry of value.split(/[,\n]/).map((part) => part.trim()).filter(Boolean)) {
    const [id, encoded] = entry.split(':');
    if (!id || !encoded || !/^[A-Za-z0-9_-]{1,32}$/.test(id)) {
      throw new KeyRingError('ENCRYPTION_KEYS must list id:base64key pairs (ids of letters, digits, _ and -).');
    }
    const key = Buffer.from(encoded, 'base64');
    if (key.length !== KEY_BYTES) throw new KeyRingError(`ENCRYPTION_KEYS key ${id} must be 32 bytes, base64.`);
    if (keys.has(id)) throw new KeyRingError(`ENCRYPTION_KEYS lists key ${id} twice.`);
    keys.set(id, key);
    primaryId ??= id;
  }
  if (!primaryId) throw new KeyRingError('ENCRYPTION_KEYS lists no key.');
  return { primaryId, keys };
}

export function formatKeyRing(ring: KeyRing): string {
  const ids = [ring.primaryId, ...[...ring.keys.keys()].filter((id) => id !== ring.primaryId)];
  return ids.map((id) => `${id}:${ring.keys.get(id)!.toString('base64')}`).join(',');
}

export function newKey(id: string): [string, Buffer] {
  return [id, randomBytes(KEY_BYTES)];
}

/**
 * The embedded default's key ring: generated once into the data folder, readable only by its
 * owner (mode 0600). A database kept in memory gets a key kept in memory.
 */
export function embeddedKeyRing(dataDir: string): KeyRing {
  if (dataDir === ':memory:') return { primaryId: 'k1', keys: new Map([newKey('k1')]) };
  const file = path.join(dataDir, 'encryption-keys');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    const [id, key] = newKey('k1');
    writeFileSync(file, `${id}:${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  }
  chmodSync(file, 0o600);
  return parseKeyRing(readFileSync(file, 'utf8'));
}

/**
 * Content sealed with AES-256-GCM before it reaches the database. The additional data binds a
 * ciphertext to its table, column and row: moved to another row, it no longer opens.
 */
export type Sealer = ReturnType<typeof createSealer>;

export function createSealer(ring: KeyRing) {
  // Derived, so the key that seals is never also used as an HMAC key.
  const indexKey = Buffer.from(hkdfSync('sha256', ring.keys.get(ring.primaryId)!, Buffer.alloc(0), 'hearth blind index', 32));
  return {
    primaryId: ring.primaryId,

    /** Seals text for one row's column; empty text (deleted content) stays empty. */
    seal(plain: string, where: string): string {
      if (plain === '') return '';
      const key = ring.keys.get(ring.primaryId)!;
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(where, 'utf8'));
      const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return `${FORMAT}.${ring.primaryId}.${iv.toString('base64url')}.${sealed.toString('base64url')}`;
    },

    /** Opens what `seal` wrote for the same row's column; throws if it was tampered with or moved. */
    open(value: string, where: string): string {
      if (value === '') return '';
      const [format, keyId, iv, body] = value.split('.');
      const key = keyId ? ring.keys.get(keyId) : undefined;
      if (format !== FORMAT || !key || !iv || !body) throw new KeyRingError('Sealed content with an unknown key or format.');
      const data = Buffer.from(body, 'base64url');
      // A shortened tag must not pass for a shorter, weaker one.
      if (data.length < TAG_BYTES) throw new KeyRingError('Sealed content too short to be genuine.');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(where, 'utf8'));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      return Buffer.concat([decipher.update(data.subarray(0, data.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    },

    /**
     * A keyed hash that finds equal values without the value being readable (check-out words
     * add up by it). It follows the primary key, so after a rotation one word may sit in two
     * rows; readers add those up by their opened words.
     */
    blindIndex(plain: string, context: string): string {
      return createHmac('sha256', indexKey).update(`${context}\0${plain}`).digest('base64url');
    },

    /** The key a sealed value was written with, or null for empty content. */
    keyOf(value: string): string | null {
      return value === '' ? null : (value.split('.')[1] ?? null);
    },
  };
}

/** Where a sealed value lives: its additional authenticated data. */
export const sealedAt = (table: string, column: string, rowId: string) => `${table}.${column}.${rowId}`;
