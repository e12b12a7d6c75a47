import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNode, type Node } from '../support/hearth.ts';
import { modes, type Provisioned } from '../support/modes.ts';

const embedded = modes.find((mode) => mode.name === 'embedded')!;

describe('the built client, served by Hearth', () => {
  let place: Provisioned;
  let node: Node;

  beforeAll(async () => {
    place = await embedded.provision();
    node = await startNode(place);
  });

  afterAll(async () => {
    await node?.close();
    await place?.dispose();
  });

  it.each(['/', '/rooms/4a3b0f3c-0f0e-4a53-9c2f-0e1f5f2b7a10', '/setup'])(
    'serves the page at %s uncached, with a strict Content-Security-Policy',
    async (path) => {
      const res = await fetch(node.url + path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe');
      const html = await res.text();
      expect(html).toMatch(/<script type="module"[^>]* src="\/assets\/[^"]+\.js"/);
      // No inline script and nothing from another host.
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    },
  );

  it('caches hashed assets for good', async () => {
    const html = await (await fetch(node.url)).text();
    const script = html.match(/src="(\/assets\/[^"]+\.js)"/)![1]!;
    const res = await fetch(node.url + script);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('immutable');
  });

  it('sends the script compressed to a browser that accepts it, and whole to one that does not', async () => {
    const html = await (await fetch(node.url)).text();
    const script = html.match(/src="(\/assets\/[^"]+\.js)"/)![1]!;
    const whole = await fetch(node.url + script, { headers: { 'accept-encoding': 'identity' } });
    const wholeText = await whole.text();
    expect(whole.headers.get('content-encoding')).toBeNull();
    for (const encoding of ['br', 'gzip']) {
      // fetch decodes what it asked for, so the body must match the uncompressed script.
      const res = await fetch(node.url + script, { headers: { 'accept-encoding': encoding } });
      expect(res.headers.get('content-encoding')).toBe(encoding);
      expect(res.headers.get('vary')).toMatch(/accept-encoding/i);
      expect(res.headers.get('content-type')).toMatch(/javascript/);
      expect(Number(res.headers.get('content-length'))).toBeLessThan(wholeText.length / 2);
      expect(await res.text()).toBe(wholeText);
    }
  });

  it('does not serve the build report', async () => {
    const res = await fetch(`${node.url}/.vite/chunks.json`);
    expect(await res.text()).not.toContain('"modules"');
  });

  it('answers unknown API routes and missing assets with JSON, not the page', async () => {
    for (const path of ['/api/nothing-here', '/assets/missing.js']) {
      const res = await fetch(node.url + path);
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ code: 'not_found' });
    }
  });

  it('publishes the REST API as OpenAPI at /docs', async () => {
    const document = await (await fetch(`${node.url}/docs/json`)).json();
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/api/groups', '/api/groups/{groupId}/schedule', '/api/invites/redeem']),
    );
    expect(document.paths['/socket.io/']).toBeUndefined();
    const page = await fetch(`${node.url}/docs/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
  });
});
