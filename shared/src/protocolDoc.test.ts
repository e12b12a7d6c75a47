import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderProtocolDoc } from './protocolDoc.ts';

describe('docs/protocol.md', () => {
  it('says what the schemas say (run `npm run docs:protocol` after changing them)', () => {
    const written = readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8');
    expect(written).toBe(renderProtocolDoc());
  });
});
