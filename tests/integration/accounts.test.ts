import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createGroup,
  createOrganiser,
  joinWithNewAccount,
  logIn,
  password,
  uniqueName,
  type Joined,
} from '../support/factories.ts';
import { startNode, type Node } from '../support/hearth.ts';
import { HttpClient } from '../support/http.ts';
import { modes, type Provisioned } from '../support/modes.ts';
import { command, connect, unwrap, type TestSocket } from '../support/socket.ts';

/** The default SESSION_TTL_HOURS, as the cookie's Max-Age. */
const sessionSeconds = 24 * 3600;

/**
 * Every request of this file comes from 127.0.0.1, and the per-address limit (30 failed logins
 * in 15 minutes) applies to it as to anyone: the tests below stay well under it. The node trusts
 * X-Forwarded-For (TRUST_PROXY, as behind a reverse proxy) so that the per-address test can
 * speak from addresses of its own.
 */
describe.each(modes)('accounts and logins, $name mode', (mode) => {
  let place: Provisioned;
  let nodeA: Node;
  /** In services mode a second node on the same PostgreSQL and Redis; else the same node. */
  let nodeB: Node;
  let organiser: HttpClient;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    place = await mode.provision();
    nodeA = await startNode(place, { trustProxy: true });
    nodeB = mode.name === 'services' ? await startNode(place, { trustProxy: true }) : nodeA;
    organiser = await createOrganiser(nodeA);
  });

  afterAll(async () => {
    sockets.forEach((socket) => socket.close());
    await nodeA?.close();
    if (nodeB !== nodeA) await nodeB?.close();
    await place?.dispose();
  });

  /** A participant with an account of their own, in a group of their own. */
  async function newPerson(options: { email?: string } = {}): Promise<Joined> {
    const groupId = (await createGroup(organiser)).id;
    return joinWithNewAccount(organiser, groupId, options);
  }

  async function socketOf(node: Node, client: HttpClient) {
    const socket = await connect(node.url, client.cookie);
    sockets.push(socket);
    return socket;
  }

  /** Resolves when the socket is disconnected; rejects if it is not within a few seconds. */
  function disconnection(socket: TestSocket): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the socket was not disconnected')), 5000);
      socket.once('disconnect', (reason) => {
        clearTimeout(timer);
        resolve(reason);
      });
    });
  }

  /** A socket is still served when a command round-trips on it. */
  async function expectServed(socket: TestSocket) {
    expect(socket.connected).toBe(true);
    unwrap(await command(socket, 'room:leave', { sessionId: randomUUID() }));
  }

  const stale = (node: Node, cookie: string) => {
    const client = new HttpClient(node.url);
    client.cookie = cookie;
    return client;
  };

  const login = (node: Node, username: string, secret: string, headers: Record<string, string> = {}) =>
    new HttpClient(node.url).request('POST', '/api/auth/login', { username, password: secret }, headers);

  it('answers an unknown username and a wrong password alike', async () => {
    const person = await newPerson();
    const wrongPassword = await login(nodeA, person.username, 'not the right passphrase');
    const unknownUser = await login(nodeB, uniqueName('nobody'), 'not the right passphrase');
    expect(wrongPassword.status).toBe(401);
    expect(wrongPassword.json).toEqual({ code: 'invalid_credentials', message: expect.any(String) });
    expect(unknownUser.status).toBe(401);
    expect(unknownUser.json).toEqual(wrongPassword.json);
    expect(wrongPassword.headers.get('set-cookie')).toBeNull();
    expect(unknownUser.headers.get('set-cookie')).toBeNull();
    // Usernames are matched regardless of case.
    const right = await login(nodeA, person.username.toUpperCase(), password);
    expect(right.status).toBe(200);
    expect(right.json).toMatchObject({ id: person.accountId, username: person.username });
  });

  it('refuses a sixth attempt on one username, even with the right password, and no other', async () => {
    const target = await newPerson();
    const bystander = await newPerson();
    for (let attempt = 1; attempt <= 5; attempt++) {
      // Spread over both nodes in services mode: the count is shared through Redis.
      const res = await login(attempt % 2 ? nodeA : nodeB, target.username, `wrong passphrase ${attempt}`);
      expect(res.status, `attempt ${attempt}`).toBe(401);
      expect(res.json.code).toBe('invalid_credentials');
    }
    for (const [node, username] of [
      [nodeA, target.username],
      [nodeB, target.username],
      [nodeA, target.username.toUpperCase()],
    ] as const) {
      const blocked = await login(node, username, password);
      expect(blocked.status).toBe(429);
      expect(blocked.json).toEqual({ code: 'rate_limited', message: expect.stringMatching(/\S/) });
      expect(blocked.json.message).toMatch(/wait \d+ minutes?/);
      expect(blocked.headers.get('set-cookie')).toBeNull();
    }
    // The account's existing login is not affected by the throttle.
    expect((await target.client.get('/api/me')).status).toBe(200);

    // Another username from the same address is not held back.
    const wrong = await login(nodeB, bystander.username, 'not the right passphrase');
    expect(wrong.status).toBe(401);
    expect(wrong.json.code).toBe('invalid_credentials');
    const right = await login(nodeA, bystander.username, password);
    expect(right.status).toBe(200);
    expect(right.json.id).toBe(bystander.accountId);
  });

  it('refuses every login from an address after thirty failures there, and only from there', async () => {
    const person = await newPerson();
    const from = (address: string) => ({ 'x-forwarded-for': address });
    for (let attempt = 1; attempt <= 30; attempt++) {
      // A different unknown username each time: only the per-address count grows.
      const res = await login(attempt % 2 ? nodeA : nodeB, uniqueName('guess'), 'a guessed passphrase', from('203.0.113.7'));
      expect(res.status, `attempt ${attempt}`).toBe(401);
      expect(res.json.code).toBe('invalid_credentials');
    }
    for (const node of [nodeA, nodeB]) {
      const blocked = await login(node, person.username, password, from('203.0.113.7'));
      expect(blocked.status).toBe(429);
      expect(blocked.json).toEqual({ code: 'rate_limited', message: expect.stringMatching(/\S/) });
    }
    expect((await login(nodeA, person.username, password, from('203.0.113.8'))).status).toBe(200);
    expect((await login(nodeB, person.username, password)).status).toBe(200);
  });

  it('ends only the login that logs out', async () => {
    const person = await newPerson();
    const first = person.client;
    const firstCookie = first.cookie;
    const second = await logIn(nodeB.url, person.username);
    expect(second.cookie).not.toBe(firstCookie);
    const firstSocket = await socketOf(nodeA, first);
    const secondSocket = await socketOf(nodeB, second);
    const firstGone = disconnection(firstSocket);

    const out = await first.post('/api/auth/logout', {});
    expect(out.status).toBe(204);
    // The cookie is cleared in the browser too.
    expect(out.headers.get('set-cookie')).toMatch(/^hearth_session=;/);
    expect(first.cookie).toBe('');
    await firstGone;

    const refused = await stale(nodeA, firstCookie).get('/api/me');
    expect(refused.status).toBe(401);
    expect(refused.json.code).toBe('unauthenticated');
    await expect(connect(nodeA.url, firstCookie)).rejects.toMatchObject({ data: { code: 'unauthenticated' } });

    expect((await second.get('/api/me')).json).toMatchObject({ id: person.accountId });
    expect((await second.at(nodeA.url).get('/api/me')).status).toBe(200);
    await expectServed(secondSocket);
  });

  it('ends every login of the account and disconnects its sockets when it logs out everywhere', async () => {
    const person = await newPerson();
    const bystander = await newPerson();
    const here = person.client;
    const elsewhere = await logIn(nodeB.url, person.username);
    const third = await logIn(nodeA.url, person.username);
    const cookies = [here.cookie, elsewhere.cookie, third.cookie];
    const hereSocket = await socketOf(nodeA, here);
    const elsewhereSocket = await socketOf(nodeB, elsewhere);
    const bystanderSocket = await socketOf(nodeB, bystander.client);
    const gone = [disconnection(hereSocket), disconnection(elsewhereSocket)];

    expect((await new HttpClient(nodeA.url).post('/api/auth/logout-everywhere', {})).status).toBe(401);
    const res = await here.post('/api/auth/logout-everywhere', {});
    expect(res.status).toBe(204);
    await Promise.all(gone);

    for (const cookie of cookies) {
      for (const node of [nodeA, nodeB]) {
        const me = await stale(node, cookie).get('/api/me');
        expect(me.status).toBe(401);
        expect(me.json.code).toBe('unauthenticated');
      }
      await expect(connect(nodeB.url, cookie)).rejects.toMatchObject({ data: { code: 'unauthenticated' } });
    }

    // Other accounts keep their logins and sockets.
    expect((await bystander.client.get('/api/me')).status).toBe(200);
    await expectServed(bystanderSocket);
    // The account itself can log in again.
    const again = await logIn(nodeB.url, person.username);
    expect((await again.get('/api/me')).json.id).toBe(person.accountId);
  });

  it('changes the password, ending the other logins and keeping this one', async () => {
    const person = await newPerson();
    const here = person.client;
    const other = await logIn(nodeB.url, person.username);
    const otherCookie = other.cookie;
    const hereSocket = await socketOf(nodeA, here);
    const otherSocket = await socketOf(nodeB, other);
    const newPassword = 'a different long passphrase';

    const wrong = await here.post('/api/me/password', { currentPassword: 'not the passphrase', newPassword });
    expect(wrong.status).toBe(401);
    expect(wrong.json.code).toBe('invalid_credentials');
    const tooShort = await here.post('/api/me/password', { currentPassword: password, newPassword: 'short' });
    expect(tooShort.status).toBe(400);
    expect(tooShort.json.code).toBe('invalid_input');
    // Refused changes change nothing.
    expect((await other.get('/api/me')).status).toBe(200);
    await expectServed(otherSocket);

    const otherGone = disconnection(otherSocket);
    const changed = await here.post('/api/me/password', { currentPassword: password, newPassword });
    expect(changed.status).toBe(204);
    await otherGone;

    const refused = await stale(nodeB, otherCookie).get('/api/me');
    expect(refused.status).toBe(401);
    expect(refused.json.code).toBe('unauthenticated');
    await expect(connect(nodeB.url, otherCookie)).rejects.toMatchObject({ data: { code: 'unauthenticated' } });

    expect((await here.get('/api/me')).json.id).toBe(person.accountId);
    expect((await here.at(nodeB.url).get('/api/me')).status).toBe(200);
    await expectServed(hereSocket);

    const old = await login(nodeA, person.username, password);
    expect(old.status).toBe(401);
    expect(old.json.code).toBe('invalid_credentials');
    const fresh = await login(nodeB, person.username, newPassword);
    expect(fresh.status).toBe(200);
    expect(fresh.json.id).toBe(person.accountId);
  });

  it('keeps an optional email address, shown only to its owner', async () => {
    const withEmail = await newPerson({ email: 'river@example.org' });
    expect((await withEmail.client.get('/api/me')).json.email).toBe('river@example.org');

    const person = await newPerson();
    const me = person.client;
    expect((await me.get('/api/me')).json).toEqual({
      id: person.accountId,
      username: person.username,
      isOrganiser: false,
      email: null,
    });

    const set = await me.request('PATCH', '/api/me', { email: 'willow@example.org' });
    expect(set.status).toBe(200);
    expect(set.json).toMatchObject({ id: person.accountId, email: 'willow@example.org' });
    expect((await me.at(nodeB.url).get('/api/me')).json.email).toBe('willow@example.org');

    for (const body of [{ email: 'not an email address' }, { email: 'willow@' }, { email: 42 }, {}]) {
      const refused = await me.request('PATCH', '/api/me', body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.json.code).toBe('invalid_input');
    }
    expect((await me.get('/api/me')).json.email).toBe('willow@example.org');

    const cleared = await me.request('PATCH', '/api/me', { email: null });
    expect(cleared.status).toBe(200);
    expect(cleared.json.email).toBeNull();
    expect((await me.get('/api/me')).json.email).toBeNull();

    // Another account's address is untouched.
    expect((await withEmail.client.get('/api/me')).json.email).toBe('river@example.org');
    expect((await new HttpClient(nodeA.url).request('PATCH', '/api/me', { email: null })).status).toBe(401);
  });

  it('sets the session cookie HttpOnly, SameSite=Lax and with a Max-Age', async () => {
    const person = await newPerson();
    const answers = [
      ['login', await login(nodeA, person.username, password)],
      ['login on the other node', await login(nodeB, person.username, password)],
    ] as const;
    for (const [what, res] of answers) {
      expect(res.status, what).toBe(200);
      const cookies = res.headers.getSetCookie();
      expect(cookies, what).toHaveLength(1);
      const [pair, ...attributes] = cookies[0]!.split(';').map((part) => part.trim());
      expect(pair, what).toMatch(/^hearth_session=[^;]{20,}$/);
      const lower = attributes.map((a) => a.toLowerCase());
      expect(lower, what).toContain('httponly');
      expect(lower, what).toContain('samesite=lax');
      expect(lower, what).toContain('path=/');
      expect(lower, what).toContain(`max-age=${sessionSeconds}`);
    }

    // A newcomer's registration logs them in with the same kind of cookie.
    const groupId = (await createGroup(organiser)).id;
    const invite = (await organiser.post(`/api/groups/${groupId}/invites`, {})).json;
    const redeemed = await new HttpClient(nodeA.url).post('/api/invites/redeem', {
      code: invite.code,
      pseudonym: 'Cookie Tester',
      account: { username: uniqueName('cookie'), password },
    });
    expect(redeemed.status).toBe(201);
    const cookie = redeemed.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^hearth_session=[^;]{20,};/);
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=Lax/i);
    expect(cookie).toMatch(new RegExp(`;\\s*Max-Age=${sessionSeconds}`, 'i'));
  });
});
