import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createGroup, uniqueName } from '../support/factories.ts';
import { startNode, type Node } from '../support/hearth.ts';
import { HttpClient } from '../support/http.ts';
import { modes } from '../support/modes.ts';
import { roomWorld } from '../support/world.ts';

const groupCount = async (node: Node, name: string) =>
  Number(
    ((await node.database.db.execute(sql`select count(*)::int as n from groups where name = ${name}`)) as unknown as {
      rows: Array<{ n: number }>;
    }).rows[0]!.n,
  );

describe.each(modes)('web hardening, $name mode', (mode) => {
  const { world } = roomWorld(mode);
  const node = () => world.node;

  it.each(['/', '/assets/nothing.js', '/api/me', '/api/nothing-here', '/healthz', '/readyz'])('sends the security headers with %s', async (path) => {
    const res = await world.organiser.get(path);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe|https?:|\*/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    // Served over plain http here: no promise of https that the deployment could not keep.
    expect(res.headers.get('strict-transport-security')).toBeNull();
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('serves the API description page under a policy that runs no inline or foreign script', async () => {
    const res = await fetch(`${node().url}/docs/static/index.html`);
    expect(res.status).toBe(200);
    const scripts = (res.headers.get('content-security-policy') ?? '').split(';').find((d) => d.trim().startsWith('script-src')) ?? '';
    expect(scripts).toMatch(/'self'/);
    expect(scripts).not.toMatch(/unsafe|https?:|\*/);
  });

  it('keeps CORS closed: no other site may read an answer or preflight a write', async () => {
    const read = await world.organiser.request('GET', '/api/me', undefined, { origin: 'https://evil.example' });
    expect(read.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await world.organiser.request('OPTIONS', '/api/groups', undefined, {
      origin: 'https://evil.example',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type',
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-methods')).toBeNull();
  });

  it('refuses a cookie-authenticated write that a browser says came from another site', async () => {
    const body = () => ({ name: uniqueName('Circle'), description: '', pseudonym: uniqueName('Lead') });
    const foreign: Array<Record<string, string>> = [
      { origin: 'https://evil.example' },
      { origin: `${node().url}.evil.example` },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
    ];
    for (const headers of foreign) {
      const attempt = body();
      const refused = await world.organiser.request('POST', '/api/groups', attempt, headers);
      expect(refused.status, JSON.stringify(headers)).toBe(403);
      expect(refused.json).toEqual({ code: 'forbidden', message: expect.stringContaining('another site') });
      expect(await groupCount(node(), attempt.name)).toBe(0);
    }
    // The router decodes paths: an encoded spelling of /api/ is the API, and judged as such.
    for (const path of ['/%61pi/groups', '/%61%70%69/groups']) {
      const attempt = body();
      const refused = await world.organiser.request('POST', path, attempt, { origin: 'https://evil.example' });
      expect(refused.status, path).toBe(403);
      expect(await groupCount(node(), attempt.name)).toBe(0);
    }
    expect((await world.organiser.get('/%61pi/me')).status).toBe(200);
    // The same write from its own pages, or from a client that is not a browser, is done.
    const own = body();
    expect((await world.organiser.request('POST', '/api/groups', own, { origin: node().url, 'sec-fetch-site': 'same-origin' })).status).toBe(201);
    expect(await groupCount(node(), own.name)).toBe(1);
    expect((await world.organiser.post('/api/groups', body())).status).toBe(201);
  });

  it('takes JSON only, so a form on another site cannot post at all', async () => {
    const name = uniqueName('Circle');
    for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x']) {
      const res = await world.organiser.request('POST', '/api/groups', `name=${name}`, { 'content-type': type });
      expect(res.status, type).toBe(415);
      expect(res.json.code).toBe('invalid_input');
    }
    expect(await groupCount(node(), name)).toBe(0);
  });

  it('refuses a body over the size limit with a clear code', async () => {
    const res = await world.organiser.request('POST', '/api/groups', { name: 'x', description: 'y'.repeat(70 * 1024) });
    expect(res.status).toBe(413);
    expect(res.json).toMatchObject({ code: 'payload_too_large' });
  });

  it('sets the login cookie httpOnly and SameSite, and Secure once served over https', async () => {
    const group = await createGroup(world.organiser);
    expect(group.id).toBeTruthy();
    const me = (await world.organiser.get('/api/me')).json as { username: string };
    const login = await new HttpClient(node().url).post('/api/auth/login', { username: me.username, password: 'a long enough passphrase' });
    const cookie = login.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/hearth_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i);

    const tls = await startNode(world.place, { publicUrl: 'https://hearth.example', secureCookies: true });
    try {
      const res = await new HttpClient(tls.url).post('/api/auth/login', { username: me.username, password: 'a long enough passphrase' });
      expect(res.headers.get('set-cookie')).toMatch(/;\s*Secure/i);
      const page = await fetch(`${tls.url}/`);
      expect(page.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      expect(page.headers.get('content-security-policy')).toContain('upgrade-insecure-requests');
      // Behind TLS, its own public address is its own pages.
      const own = await new HttpClient(tls.url).request('POST', '/api/auth/login', { username: me.username, password: 'a long enough passphrase' }, { origin: 'https://hearth.example' });
      expect(own.status).toBe(200);
    } finally {
      await tls.close();
    }
  });
});
