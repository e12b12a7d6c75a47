import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSealer, embeddedKeyRing, formatKeyRing, newKey, parseKeyRing, sealedAt } from './keyring.ts';

const ringOf = (...ids: string[]) => parseKeyRing(ids.map((id) => `${id}:${newKey(id)[1].toString('base64')}`).join(','));

describe('sealed content', () => {
  const sealer = createSealer(ringOf('k1'));
  const here = sealedAt('messages', 'body', '2b1c5bb6-7a51-4c7b-9a54-4d1c8a3f0e11');
  const there = sealedAt('messages', 'body', '9e0f1d7a-2c4b-4d6e-8f90-1a2b3c4d5e6f');

  it('opens what it sealed, and never shows the text', () => {
    const sealed = sealer.seal('Something I have never said aloud.', here);
    expect(sealed).toMatch(/^v1\.k1\./);
    expect(sealed).not.toContain('aloud');
    expect(sealer.open(sealed, here)).toBe('Something I have never said aloud.');
    expect(sealer.seal('Same words', here)).not.toBe(sealer.seal('Same words', here));
  });

  it('keeps deleted (empty) content empty', () => {
    expect(sealer.seal('', here)).toBe('');
    expect(sealer.open('', here)).toBe('');
  });

  it('refuses a value moved to another row or column, or changed', () => {
    const sealed = sealer.seal('Bound to its row.', here);
    expect(() => sealer.open(sealed, there)).toThrow();
    expect(() => sealer.open(sealed, sealedAt('messages', 'warning_note', '2b1c5bb6-7a51-4c7b-9a54-4d1c8a3f0e11'))).toThrow();
    const flipped = sealed.slice(0, -3) + (sealed.at(-3) === 'A' ? 'B' : 'A') + sealed.slice(-2);
    expect(() => sealer.open(flipped, here)).toThrow();
  });

  it('refuses a value whose tag was cut short, or cut down to nothing', () => {
    const sealed = sealer.seal('Whole or not at all.', here);
    const [format, keyId, iv, body] = sealed.split('.') as [string, string, string, string];
    const data = Buffer.from(body, 'base64url');
    const cut = (bytes: number) => `${format}.${keyId}.${iv}.${data.subarray(0, data.length - bytes).toString('base64url')}`;
    // A four-byte tag would be accepted by GCM unless its length is fixed.
    expect(() => sealer.open(cut(12), here)).toThrow();
    expect(() => sealer.open(cut(data.length), here)).toThrow();
    expect(() => sealer.open(`${format}.${keyId}.${iv}.`, here)).toThrow();
  });

  it('reads values sealed with an older key after rotation, and writes with the new one', () => {
    const old = ringOf('k1');
    const sealedBefore = createSealer(old).seal('Written before.', here);
    const rotated = parseKeyRing(`${formatKeyRing(ringOf('k2'))},${formatKeyRing(old)}`);
    const after = createSealer(rotated);
    expect(after.open(sealedBefore, here)).toBe('Written before.');
    expect(after.seal('Written after.', here)).toMatch(/^v1\.k2\./);
    expect(() => createSealer(ringOf('k3')).open(sealedBefore, here)).toThrow(/unknown key/);
  });

  it('refuses a malformed key ring with a clear message', () => {
    expect(() => parseKeyRing('')).toThrow(/no key/);
    expect(() => parseKeyRing('k1:c2hvcnQ=')).toThrow(/32 bytes/);
    expect(() => parseKeyRing('no key here')).toThrow(/id:base64key/);
    const k = newKey('k1')[1].toString('base64');
    expect(() => parseKeyRing(`k1:${k},k1:${k}`)).toThrow(/twice/);
  });

  it('generates the embedded key once, readable only by its owner', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hearth-keys-'));
    const first = embeddedKeyRing(dir);
    const again = embeddedKeyRing(dir);
    expect(formatKeyRing(again)).toBe(formatKeyRing(first));
    const file = path.join(dir, 'encryption-keys');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toMatch(/^k1:/);
  });
});
