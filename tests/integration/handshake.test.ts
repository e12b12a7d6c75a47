import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { and, eq } from 'drizzle-orm';
import { io } from 'socket.io-client';
import { beforeAll, describe, expect, it } from 'vitest';
import { authSessions, roomConnections } from '../../server/src/db/schema.ts';
import { joinWithNewAccount, logIn, password } from '../support/factories.ts';
import type { Node } from '../support/hearth.ts';
import { modes } from '../support/modes.ts';
import { collectEvents, connect, type TestSocket } from '../support/socket.ts';
import { roomWorld } from '../support/world.ts';

/**
 * Missing, expired, forged and revoked sessions, and foreign Origins, are refused at the
 * socket handshake, before any event handler runs: a refused client never sees `connect`, what
 * it queued is never answered, and the room shows nothing of it (no connection row, no
 * presence). A valid login from the node's own Origin, or from a client that sends none, is
 * let in by the same path, so every refusal below could fail.
 */

/** How long a queued command may wait for an answer that must never come. */
const ACK_MS = 600;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const tokenOf = (cookie: string) => cookie.slice('hearth_session='.length);

type Transport = 'websocket' | 'polling';
type ClientError = Error & { data?: unknown; description?: unknown; type?: string };

/** What one socket.io client attempt ended in. */
type Attempt = {
  /** `connect` fired: the server let it in. */
  connected: boolean;
  error: ClientError | null;
  /** The answer to a `room:join` queued before the handshake finished, or the error instead. */
  ack: { error: Error | null; response: any };
  socket: TestSocket;
};

/**
 * A real socket.io client that does not wait: it queues `room:join` at once, as a client that
 * reconnects with its room open does. Refused sockets are closed; accepted ones are returned
 * open (the caller closes them).
 */
async function attempt(
  on: Node,
  sessionId: string,
  headers: Record<string, string>,
  transport: Transport,
  options: { auth?: Record<string, string> } = {},
): Promise<Attempt> {
  const socket: TestSocket = io(on.url, {
    transports: [transport],
    extraHeaders: headers,
    reconnection: false,
    forceNew: true,
    ...(options.auth ? { auth: options.auth } : {}),
  });
  let connected = false;
  socket.on('connect', () => {
    connected = true;
  });
  const ack = new Promise<Attempt['ack']>((resolve) => {
    (socket.timeout(ACK_MS) as any).emit(
      'room:join',
      { sessionId, afterSeq: 0, reminderAcknowledged: true },
      (error: Error | null, response: unknown) => resolve({ error, response }),
    );
  });
  const error = await new Promise<ClientError | null>((resolve) => {
    socket.once('connect_error', (e: ClientError) => resolve(e));
    socket.once('connect', () => resolve(null));
  });
  const answered = await ack;
  if (error) socket.close();
  return { connected, error, ack: answered, socket };
}

/** The socket.io middleware's refusal, as the client receives it. */
function expectUnauthenticated(result: Attempt, what: string) {
  expect(result.connected, `${what}: connect fired`).toBe(false);
  expect(result.error, `${what}: connect_error`).toBeInstanceOf(Error);
  expect(result.error!.message, what).toBe('unauthenticated');
  expect(result.error!.data, what).toEqual({ code: 'unauthenticated', message: 'Please log in to continue.' });
  expect(result.ack.error, `${what}: the queued command must not be answered`).toBeInstanceOf(Error);
  expect(result.ack.error!.message).toBe('operation has timed out');
  expect(result.ack.response, what).toBeUndefined();
}

/**
 * engine.io's `allowRequest` refusal (the Origin check), as a socket.io client receives it: a
 * transport error with no `data`, so no `{ code, message }` the client could show. The HTTP
 * answer underneath does name the reason (see the raw tests).
 */
function expectOriginRefusedAtTransport(result: Attempt, transport: Transport, what: string) {
  expect(result.connected, `${what}: connect fired`).toBe(false);
  expect(result.error, `${what}: connect_error`).toBeInstanceOf(Error);
  expect(result.error!.type, what).toBe('TransportError');
  expect(result.error!.data, `${what}: a transport error carries no { code, message }`).toBeUndefined();
  if (transport === 'websocket') {
    expect(result.error!.message, what).toBe('websocket error');
    expect((result.error!.description as { message?: string }).message, what).toBe('Unexpected server response: 400');
  } else {
    expect(result.error!.message, what).toBe('xhr poll error');
    expect(result.error!.description, what).toBe(403);
  }
  expect(result.ack.error, `${what}: the queued command must not be answered`).toBeInstanceOf(Error);
  expect(result.ack.response, what).toBeUndefined();
}

/** A hand-written long-polling client: engine.io packets over plain HTTP requests. */
async function rawPolling(on: Node, headers: Record<string, string>) {
  const base = `${on.url}/socket.io/?EIO=4&transport=polling`;
  const opened = await fetch(base, { headers });
  const openBody = await opened.text();
  if (opened.status !== 200) return { openStatus: opened.status, openBody, packets: [] as string[] };
  const sid = JSON.parse(openBody.slice(1)).sid as string;
  const at = `${base}&sid=${sid}`;
  const packets: string[] = [];
  const post = async (body: string) => {
    const res = await fetch(at, { method: 'POST', headers: { ...headers, 'content-type': 'text/plain;charset=UTF-8' }, body });
    return { status: res.status, text: await res.text() };
  };
  /** One long poll, given up after `ms` (the server holds it while it has nothing to say). */
  const poll = async (ms: number) => {
    try {
      const res = await fetch(at, { headers, signal: AbortSignal.timeout(ms) });
      const text = await res.text();
      if (res.status === 200) packets.push(...text.split('\x1e'));
      return res.status;
    } catch {
      return 0;
    }
  };
  return { openStatus: opened.status, openBody, packets, post, poll };
}

/** A raw websocket upgrade with the given headers: the HTTP status and body, or 101. */
function rawUpgrade(on: Node, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${on.url}/socket.io/?EIO=4&transport=websocket`, {
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-key': randomBytes(16).toString('base64'),
        'sec-websocket-version': '13',
        ...headers,
      },
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 0, body: '' });
    });
    req.on('error', reject);
    req.end();
  });
}

describe.each(modes)('socket handshakes, $name mode', (mode) => {
  const { world, openRoom } = roomWorld(mode);
  let node: Node;
  /** In services mode a second node on the same PostgreSQL and Redis; else the same node. */
  let other: Node;
  beforeAll(() => ({ node, other } = world));

  /** Every token and cookie value this file used: none may appear in any log. */
  const secrets = new Set<string>();
  /** Keeps a Cookie header and every value in it, to look for in the logs at the end. */
  const remember = (cookie: string) => {
    secrets.add(cookie);
    for (const pair of cookie.split(';')) {
      const value = pair.slice(pair.indexOf('=') + 1).trim();
      if (value) secrets.add(value);
    }
    return cookie;
  };

  /**
   * An open room with its facilitator watching, and a member of the group who could enter it:
   * whatever their socket did in a handler would show as a connection row and a presence event.
   */
  async function fixture() {
    const { groupId, sessionId, facilitator } = await openRoom(0);
    const person = await joinWithNewAccount(world.organiser, groupId);
    remember(person.client.cookie);
    const watched = collectEvents(facilitator);
    return { groupId, sessionId, person, watched };
  }
  type Fixture = Awaited<ReturnType<typeof fixture>>;

  const connectionRows = async (f: Fixture, memberId: string) =>
    node.database.db
      .select({ socketId: roomConnections.socketId })
      .from(roomConnections)
      .where(and(eq(roomConnections.sessionId, f.sessionId), eq(roomConnections.memberId, memberId)));

  /** The person's member id, without a socket of theirs: from the organiser's member list. */
  async function memberIdOf(f: Fixture) {
    const res = await world.organiser.get(`/api/groups/${f.groupId}/members`);
    return (res.json.members as Array<{ memberId: string; pseudonym: string }>).find(
      (m) => m.pseudonym === f.person.pseudonym,
    )!.memberId;
  }

  /** Server-side sockets of an account, on every node of the place. */
  const serverSocketsOf = (accountId: string) =>
    [...new Set([node, other])].flatMap((n) =>
      [...n.io.of('/').sockets.values()].filter((socket) => socket.data.actor?.accountId === accountId),
    );

  /** After refusals: nothing of the person reached the room or any node's handlers. */
  async function expectNothingReached(f: Fixture) {
    const memberId = await memberIdOf(f);
    // Give a late handler the time it would need to show.
    await sleep(200);
    expect(await connectionRows(f, memberId), 'room_connections rows of the refused person').toEqual([]);
    expect(
      f.watched.received.filter((e) => e.type === 'presence' && e.member.memberId === memberId),
      'presence events of the refused person',
    ).toEqual([]);
    expect(serverSocketsOf(f.person.accountId), 'server-side sockets of the refused person').toEqual([]);
  }

  /** REST with the same cookie: 401 `unauthenticated`. */
  async function expectRestRefuses(headers: Record<string, string>, what: string) {
    for (const n of new Set([node, other])) {
      const res = await fetch(`${n.url}/api/me`, { headers });
      expect(res.status, `GET /api/me with ${what}`).toBe(401);
      expect((await res.json()).code, `GET /api/me with ${what}`).toBe('unauthenticated');
    }
  }

  /** A login of its own for the person, made and checked working before it is spoiled. */
  async function freshLogin(f: Fixture) {
    const client = await logIn(node.url, f.person.username);
    remember(client.cookie);
    expect((await client.at(other.url).get('/api/me')).status).toBe(200);
    return client;
  }

  /** Both transports, the websocket on `node` and long-polling on `other`, all at once. */
  async function bothTransports(f: Fixture, headers: Record<string, string>, options: { auth?: Record<string, string> } = {}) {
    const [websocket, polling] = await Promise.all([
      attempt(node, f.sessionId, headers, 'websocket', options),
      attempt(other, f.sessionId, headers, 'polling', options),
    ]);
    return { websocket, polling };
  }

  it('lets a valid login in, with no Origin or its own, on both transports (the refusals below use this path)', async () => {
    const f = await fixture();
    const memberId = await memberIdOf(f);
    const cookie = f.person.client.cookie;
    const tries = await Promise.all([
      attempt(node, f.sessionId, { cookie }, 'websocket'),
      attempt(other, f.sessionId, { cookie }, 'polling'),
      attempt(node, f.sessionId, { cookie, origin: node.url }, 'websocket'),
      attempt(other, f.sessionId, { cookie, origin: other.url }, 'polling'),
    ]);
    for (const [i, t] of tries.entries()) {
      expect(t.error, `attempt ${i}`).toBeNull();
      expect(t.connected, `attempt ${i}`).toBe(true);
      expect(t.ack.error, `attempt ${i}`).toBeNull();
      expect(t.ack.response, `attempt ${i}`).toMatchObject({ ok: true, data: { sessionId: f.sessionId, me: { memberId } } });
    }
    // The handlers ran: connection rows, a presence event, and server-side sockets.
    expect(await connectionRows(f, memberId)).toHaveLength(4);
    await expect
      .poll(() => f.watched.received.some((e) => e.type === 'presence' && e.member.memberId === memberId && e.state === 'present'))
      .toBe(true);
    expect(serverSocketsOf(f.person.accountId)).toHaveLength(4);
    tries.forEach((t) => t.socket.close());
  });

  describe('sessions', () => {
    /** Cookies (and other ways of offering a token) that are no login, built from a real token. */
    function badCredentials(validCookie: string) {
      const token = tokenOf(validCookie);
      const flipped = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
      const junk = Array.from({ length: 150 }, (_, i) => `pref_${i}=${randomBytes(6).toString('hex')}`);
      const cases: Array<{ what: string; headers: Record<string, string>; auth?: Record<string, string> }> = [
        { what: 'no cookie', headers: {} },
        { what: 'an empty session cookie', headers: { cookie: 'hearth_session=' } },
        { what: 'a well-formed but unknown token', headers: { cookie: `hearth_session=${randomBytes(32).toString('base64url')}` } },
        { what: 'a real token with one character changed', headers: { cookie: `hearth_session=${flipped}` } },
        { what: 'a truncated real token', headers: { cookie: `hearth_session=${token.slice(0, 20)}` } },
        { what: 'a token of characters no token has', headers: { cookie: `hearth_session=${'!*$@'.repeat(11)}` } },
        { what: 'broken percent-encoding before a real token', headers: { cookie: `hearth_session=%E0%A4%A${token}` } },
        { what: 'a very long token', headers: { cookie: `hearth_session=${'A'.repeat(6000)}` } },
        {
          what: 'many cookies, the session among them forged',
          headers: { cookie: [...junk.slice(0, 75), `hearth_session=${flipped}`, ...junk.slice(75)].join('; ') },
        },
        { what: 'the real token under a differently cased name', headers: { cookie: `Hearth_Session=${token}` } },
        { what: 'the real token as a bearer header', headers: { authorization: `Bearer ${token}` } },
        { what: 'the real token in the socket.io auth payload', headers: {}, auth: { token } },
      ];
      for (const c of cases) if (c.headers.cookie) remember(c.headers.cookie);
      remember(`hearth_session=${flipped}`);
      return cases;
    }

    it('refuses missing, forged and malformed sessions at the handshake, and REST answers 401', async () => {
      const f = await fixture();
      // The real token belongs to a login this file keeps: each case is derived from it.
      const spoiled = await freshLogin(f);
      const cases = badCredentials(spoiled.cookie);
      const results = await Promise.all(cases.map((c) => bothTransports(f, c.headers, c.auth ? { auth: c.auth } : {})));
      for (const [i, c] of cases.entries()) {
        expectUnauthenticated(results[i]!.websocket, `${c.what} (websocket)`);
        expectUnauthenticated(results[i]!.polling, `${c.what} (polling)`);
        await expectRestRefuses(c.headers, c.what);
      }
      await expectNothingReached(f);
    });

    it('refuses a real login hash replayed as a token (a database dump cannot log in)', async () => {
      const f = await fixture();
      const login = await freshLogin(f);
      const [row] = await node.database.db
        .select({ tokenHash: authSessions.tokenHash })
        .from(authSessions)
        .where(eq(authSessions.tokenHash, sha256(tokenOf(login.cookie))));
      expect(row, 'the login as the database stores it').toBeDefined();
      const cookie = remember(`hearth_session=${row!.tokenHash}`);
      const { websocket, polling } = await bothTransports(f, { cookie });
      expectUnauthenticated(websocket, 'the stored hash (websocket)');
      expectUnauthenticated(polling, 'the stored hash (polling)');
      await expectRestRefuses({ cookie }, 'the stored hash');
      await expectNothingReached(f);
    });

    it('refuses an expired session', async () => {
      const f = await fixture();
      const login = await freshLogin(f);
      const updated = await node.database.db
        .update(authSessions)
        .set({ expiresAt: new Date(Date.now() - 60_000) })
        .where(eq(authSessions.tokenHash, sha256(tokenOf(login.cookie))))
        .returning({ id: authSessions.id });
      expect(updated).toHaveLength(1);
      const { websocket, polling } = await bothTransports(f, { cookie: login.cookie });
      expectUnauthenticated(websocket, 'an expired session (websocket)');
      expectUnauthenticated(polling, 'an expired session (polling)');
      await expectRestRefuses({ cookie: login.cookie }, 'an expired session');
      await expectNothingReached(f);
    });

    it('ends a quiet socket when its login expires, without waiting for its next command', async () => {
      const f = await fixture();
      const login = await freshLogin(f);
      await node.database.db
        .update(authSessions)
        .set({ expiresAt: new Date(Date.now() + 1500) })
        .where(eq(authSessions.tokenHash, sha256(tokenOf(login.cookie))));
      const socket = await connect(other.url, login.cookie);
      expect(socket.connected).toBe(true);
      const ended = await new Promise<string>((resolve) => socket.once('disconnect', resolve));
      expect(ended).toBe('io server disconnect');
      expect(serverSocketsOf(f.person.accountId)).toEqual([]);
    });

    it('refuses a session ended by logging out', async () => {
      const f = await fixture();
      const login = await freshLogin(f);
      const cookie = login.cookie;
      expect((await login.post('/api/auth/logout', {})).status).toBe(204);
      const { websocket, polling } = await bothTransports(f, { cookie });
      expectUnauthenticated(websocket, 'a logged-out session (websocket)');
      expectUnauthenticated(polling, 'a logged-out session (polling)');
      await expectRestRefuses({ cookie }, 'a logged-out session');
      await expectNothingReached(f);
    });

    it('refuses a session ended by a password change made from another login', async () => {
      const f = await fixture();
      const ended = await freshLogin(f);
      const changed = await f.person.client.post('/api/me/password', {
        currentPassword: password,
        newPassword: 'a brand new long passphrase',
      });
      expect(changed.status).toBe(204);
      const { websocket, polling } = await bothTransports(f, { cookie: ended.cookie });
      expectUnauthenticated(websocket, 'a session ended by a password change (websocket)');
      expectUnauthenticated(polling, 'a session ended by a password change (polling)');
      await expectRestRefuses({ cookie: ended.cookie }, 'a session ended by a password change');
      await expectNothingReached(f);
      // The login that made the change still gets in: the refusal is about the ended one.
      const kept = await attempt(node, f.sessionId, { cookie: f.person.client.cookie }, 'websocket');
      expect(kept.connected).toBe(true);
      expect(kept.ack.response).toMatchObject({ ok: true });
      kept.socket.close();
    });

    it('answers nothing to a hand-written client that sends commands after its refusal', async () => {
      const f = await fixture();
      const memberId = await memberIdOf(f);
      const expired = await freshLogin(f);
      await node.database.db
        .update(authSessions)
        .set({ expiresAt: new Date(Date.now() - 60_000) })
        .where(eq(authSessions.tokenHash, sha256(tokenOf(expired.cookie))));
      const loggedOut = await freshLogin(f);
      const loggedOutCookie = loggedOut.cookie;
      expect((await loggedOut.post('/api/auth/logout', {})).status).toBe(204);
      const join = `420${JSON.stringify(['room:join', { sessionId: f.sessionId, afterSeq: 0, reminderAcknowledged: true }])}`;

      /** Connects to the namespace, reads the answer, then sends `room:join` with an ack id anyway. */
      async function ignoreTheAnswer(on: Node, headers: Record<string, string>) {
        const raw = await rawPolling(on, headers);
        expect(raw.openStatus, 'the engine.io handshake (no namespace yet)').toBe(200);
        expect((await raw.post!('40')).status).toBe(200);
        await raw.poll!(2000);
        const answer = raw.packets.shift();
        const sent = await raw.post!(join);
        for (let i = 0; i < 3 && !raw.packets.some((p) => p.startsWith('430')); i++) await raw.poll!(ACK_MS / 2);
        return { answer, sent, packets: raw.packets };
      }

      for (const [what, headers] of [
        ['no cookie', {}],
        ['a forged token', { cookie: remember(`hearth_session=${randomBytes(32).toString('base64url')}`) }],
        ['an expired session', { cookie: expired.cookie }],
        ['a logged-out session', { cookie: loggedOutCookie }],
      ] as Array<[string, Record<string, string>]>) {
        for (const on of new Set([node, other])) {
          const { answer, packets } = await ignoreTheAnswer(on, headers);
          expect(answer, what).toBe(
            '44{"message":"unauthenticated","data":{"code":"unauthenticated","message":"Please log in to continue."}}',
          );
          expect(packets.filter((p) => p.startsWith('43')), `${what}: acknowledgements`).toEqual([]);
          expect(packets.filter((p) => p.startsWith('42')), `${what}: events`).toEqual([]);
        }
      }
      await expectNothingReached(f);

      // The same steps with the person's own login reach the handler and are answered.
      const accepted = await ignoreTheAnswer(other, { cookie: f.person.client.cookie });
      expect(accepted.answer).toMatch(/^40\{"sid":"[^"]+"\}$/);
      const ack = accepted.packets.find((p) => p.startsWith('430'));
      expect(ack, 'the acknowledgement of room:join').toBeDefined();
      expect(JSON.parse(ack!.slice(3))[0]).toMatchObject({ ok: true, data: { me: { memberId } } });
      expect(await connectionRows(f, memberId)).toHaveLength(1);
    });
  });

  describe('origins', () => {
    const foreignOrigins = (on: Node) => {
      const port = Number(new URL(on.url).port);
      return [
        ['a foreign site', 'https://evil.example'],
        ['a look-alike host', `http://127.0.0.1:${port}.evil.example`],
        ['the node with credentials in front', `http://127.0.0.1:${port}@evil.example`],
        ['another port of the same host', `http://127.0.0.1:${port + 1}`],
        ['an opaque origin', 'null'],
      ] as const;
    };

    it('refuses foreign and look-alike Origins with a valid cookie, on websocket and polling', async () => {
      const f = await fixture();
      const cookie = f.person.client.cookie;
      const tries = await Promise.all(
        foreignOrigins(node).flatMap(([what, origin]) => [
          attempt(node, f.sessionId, { cookie, origin }, 'websocket').then((r) => ({ what, transport: 'websocket' as const, r })),
          attempt(node, f.sessionId, { cookie, origin }, 'polling').then((r) => ({ what, transport: 'polling' as const, r })),
        ]),
      );
      for (const { what, transport, r } of tries) expectOriginRefusedAtTransport(r, transport, `${what} (${transport})`);
      await expectNothingReached(f);
    });

    it('refuses them at the HTTP level, naming the reason the client library does not pass on', async () => {
      const f = await fixture();
      const cookie = f.person.client.cookie;
      for (const [what, origin] of foreignOrigins(other)) {
        const polling = await rawPolling(other, { cookie, origin });
        expect(polling.openStatus, `${what}: polling handshake`).toBe(403);
        expect(JSON.parse(polling.openBody), `${what}: polling handshake`).toEqual({ code: 4, message: 'Origin not allowed' });
        const upgrade = await rawUpgrade(other, { cookie, origin });
        expect(upgrade, `${what}: websocket upgrade`).toEqual({ status: 400, body: 'Origin not allowed' });
      }
      // Its own Origin, and none, pass the same check.
      for (const headers of [{ cookie, origin: other.url }, { cookie }] as Array<Record<string, string>>) {
        const polling = await rawPolling(other, headers);
        expect(polling.openStatus).toBe(200);
        expect(polling.openBody).toMatch(/^0\{"sid":/);
        expect(await rawUpgrade(other, headers)).toEqual({ status: 101, body: '' });
      }
    });
  });

  it('logs none of the tokens or cookie values it used', async () => {
    // Something was logged (requests at least), so the search below is of real logs.
    const nodes = [...new Set([node, other])];
    for (const n of nodes) expect(n.logs.text, 'the requests of this file, logged by path').toContain('/api/me');
    const searched = [...secrets].filter((secret) => secret.length >= 16);
    expect(searched.length).toBeGreaterThan(20);
    for (const n of nodes) {
      for (const secret of searched) expect(n.logs.text.includes(secret), `a secret of ${secret.length} characters in the logs`).toBe(false);
    }
  });
});
