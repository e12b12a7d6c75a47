import { performance } from 'node:perf_hooks';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RoomEvent, RoomNotice } from '@hearth/shared';
import { roomConnections } from '../../server/src/db/schema.ts';
import { joinWithNewAccount, logIn, newClientId, password, type Joined } from '../support/factories.ts';
import type { Node } from '../support/hearth.ts';
import type { HttpClient } from '../support/http.ts';
import { modes } from '../support/modes.ts';
import { collectEvents, command, connect, enter, postedMessages, unwrap, type TestSocket } from '../support/socket.ts';
import { roomWorld } from '../support/world.ts';
import { printFigures } from '../support/figures.ts';

/**
 * Removal, ban, the end of a place in the group, logout and a password change must take effect
 * on every node within a second: the person's sockets leave the room (disconnected, or told
 * they are out and taken out of its channels), none of the next messages reach them, and a
 * quick reconnect with the same cookie does not bring them back.
 */
const REQUIRED_MS = 1000;
/** How long we keep listening for a message that must not arrive, once others have it. */
const SILENCE_MS = 300;
/** Sockets of the person re-entering the room while an action is taken. */
const RACERS = 20;
/** How long we wait for a revocation that is late, so a miss is measured rather than hung on. */
const GIVE_UP_MS = 3000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The measured figures, one line per case, so that a run shows them. */
const print = printFigures;

/** One of the person's sockets, with everything it heard and when it was cut off. */
type Watched = {
  label: string;
  socket: TestSocket;
  events: RoomEvent[];
  notices: Array<{ notice: RoomNotice; at: number }>;
  disconnected: { at: number; reason: string } | null;
};

function watch(label: string, socket: TestSocket): Watched {
  const watched: Watched = { label, socket, events: [], notices: [], disconnected: null };
  socket.on('room:event', (event) => watched.events.push(event));
  socket.on('room:notice', (notice) => watched.notices.push({ notice, at: performance.now() }));
  socket.on('disconnect', (reason) => {
    watched.disconnected ??= { at: performance.now(), reason };
  });
  return watched;
}

/**
 * Waits (up to GIVE_UP_MS) until `outAt` gives a time for every socket, then returns the time
 * from the action's reply to each socket being out (Infinity when it never was). Arrivals are
 * stamped by the socket's own listeners, so this loop's polling does not blur them.
 */
async function outTimes(watched: readonly Watched[], outAt: (w: Watched) => number | null, repliedAt: number) {
  const deadline = performance.now() + GIVE_UP_MS;
  while (watched.some((w) => outAt(w) === null) && performance.now() < deadline) await sleep(5);
  return watched.map((w) => {
    const at = outAt(w);
    return { label: w.label, ms: at === null ? Infinity : at - repliedAt };
  });
}

/** Prints one line per case and asserts the requirement for every socket. */
function reportTimes(what: string, mode: string, times: Array<{ label: string; ms: number }>, sentToReplyMs: number) {
  const worst = Math.max(...times.map((t) => t.ms));
  const shown = (ms: number) => (Number.isFinite(ms) ? `${Math.max(0, Math.round(ms))} ms` : 'never');
  print(
    `revocation ${what}: ${shown(worst)} (${mode}) [${times.map((t) => `${t.label} ${shown(t.ms)}`).join(', ')}; ` +
      `action took ${Math.round(sentToReplyMs)} ms]`,
  );
  for (const { label, ms } of times) {
    expect(ms, `${what}: the socket ${label} must be out within ${REQUIRED_MS} ms of the reply`).toBeLessThanOrEqual(
      REQUIRED_MS,
    );
  }
}

const noticeOf = (kind: RoomNotice['kind'], sessionId: string) => (w: Watched) =>
  w.notices.find((n) => n.notice.kind === kind && n.notice.sessionId === sessionId)?.at ?? null;
const disconnection = (w: Watched) => w.disconnected?.at ?? null;

describe.each(modes)('revocation on every node, $name mode', (mode) => {
  const { world, socketOf, openRoom, seat } = roomWorld(mode);
  /** Where actions are taken. */
  let node: Node;
  /** In services mode a second node on the same PostgreSQL and Redis, holding the person's seat. */
  let other: Node;
  let organiser: HttpClient;
  beforeAll(() => ({ node, other, organiser } = world));

  /**
   * A room led by the organiser on `node`; a bystander seated on `other`; and the person, in the
   * room on `other` and on a second socket on `node`, with `login` (their first login unless
   * given). Everything the person's sockets hear is recorded from the start.
   */
  async function scene(login?: (person: Joined) => Promise<HttpClient>) {
    const { groupId, sessionId, facilitator } = await openRoom(0);
    const person = await joinWithNewAccount(organiser, groupId, { baseUrl: other.url });
    const bystander = await joinWithNewAccount(organiser, groupId, { baseUrl: other.url });
    const client = login ? await login(person) : person.client;
    const there = await seat({ client }, sessionId, other);
    const hereSocket = await socketOf(client, node);
    const here = await enter(hereSocket, sessionId);
    expect(here.me.memberId).toBe(there.me.memberId);
    const watchedBystander = await seat(bystander, sessionId, other);
    const bystanderEvents = collectEvents(watchedBystander.socket);
    const sockets = [watch('on the other node', there.socket), watch('on the acting node', hereSocket)];
    return { groupId, sessionId, facilitator, person, client, me: there.me, sockets, bystanderEvents };
  }

  type Scene = Awaited<ReturnType<typeof scene>>;

  /** The others in the room are told the person left (the roster shows it to everyone). */
  async function expectLeftFor(s: Scene) {
    await expect
      .poll(
        () =>
          s.bystanderEvents.received.some(
            (e) => e.type === 'presence' && e.member.memberId === s.me.memberId && e.state === 'left',
          ),
        { timeout: 5000, message: 'a "left" presence event for the person, seen by the bystander' },
      )
      .toBe(true);
  }

  /**
   * The facilitator speaks; once a bystander on the person's node has it, and a little more,
   * none of the person's sockets (old or reconnected) heard it or anything after it.
   */
  async function expectNothingMoreReaches(s: Scene, also: readonly Watched[] = []) {
    const text = `Said after the revocation ${newClientId()}.`;
    const after = unwrap(await command(s.facilitator, 'message:send', { sessionId: s.sessionId, clientId: newClientId(), text }));
    await expect
      .poll(() => postedMessages(s.bystanderEvents.received).some((m) => m.id === after.id), {
        timeout: 5000,
        message: 'the message after the revocation, at the bystander on the other node',
      })
      .toBe(true);
    await sleep(SILENCE_MS);
    for (const w of [...s.sockets, ...also]) {
      expect(
        w.events.filter((e) => e.seq >= after.seq).map((e) => e.seq),
        `room events after the revocation on the socket ${w.label}`,
      ).toEqual([]);
      expect(postedMessages(w.events).map((m) => m.text)).not.toContain(text);
    }
  }

  /** A quick reconnect with the same cookie connects, but entering the room is refused with `code`. */
  async function reconnectRefusedAtJoin(s: Scene, code: string, message: RegExp) {
    const again: Watched[] = [];
    for (const [label, on] of [
      ['reconnected to the other node', other],
      ['reconnected to the acting node', node],
    ] as const) {
      const socket = await socketOf(s.client, on);
      const watched = watch(label, socket);
      again.push(watched);
      const refused = await command(socket, 'room:join', {
        sessionId: s.sessionId,
        afterSeq: 0,
        reminderAcknowledged: true,
      });
      expect(refused, `room:join ${label}`).toEqual({ ok: false, error: { code, message: expect.stringMatching(message) } });
      // Not let in by the back door either.
      expect(await command(socket, 'room:catch-up', { sessionId: s.sessionId, afterSeq: 0 })).toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      });
    }
    return again;
  }

  /** A quick reconnect with the same cookie is refused at the handshake, on both nodes. */
  async function reconnectRefusedAtHandshake(cookie: string) {
    expect(cookie).toMatch(/^hearth_session=.+/);
    for (const on of [other, node]) {
      await expect(connect(on.url, cookie), `reconnecting to ${on.url}`).rejects.toMatchObject({
        message: 'unauthenticated',
        data: { code: 'unauthenticated', message: expect.any(String) },
      });
      const me = await sameCookie(on, cookie).get('/api/me');
      expect(me.status).toBe(401);
      expect(me.json.code).toBe('unauthenticated');
    }
  }

  const sameCookie = (on: Node, cookie: string) => {
    const client = organiser.at(on.url);
    client.cookie = cookie;
    return client;
  };

  /** Removal and ban keep the sockets (the notice, side thread and crisis resources stay reachable). */
  const expectStillConnected = (s: Scene) => {
    for (const w of s.sockets) {
      expect(w.disconnected, `the socket ${w.label} after being told`).toBeNull();
      expect(w.socket.connected).toBe(true);
    }
  };

  const expectDisconnectedByServer = (s: Scene) => {
    for (const w of s.sockets) {
      expect(w.disconnected?.reason, `why the socket ${w.label} was disconnected`).toBe('io server disconnect');
      expect(w.socket.connected).toBe(false);
    }
  };

  it('(a) a facilitator removes them from the session', async () => {
    const s = await scene();
    const sentAt = performance.now();
    const ack = await command(s.facilitator, 'member:remove', {
      sessionId: s.sessionId,
      memberId: s.me.memberId,
      reason: 'Kept interrupting.',
    });
    const repliedAt = performance.now();
    expect(ack).toEqual({ ok: true, data: {} });

    // They stay connected and are told, on every socket, that they are out of this room.
    const times = await outTimes(s.sockets, noticeOf('removed', s.sessionId), repliedAt);
    reportTimes('remove', mode.name, times, repliedAt - sentAt);
    expectStillConnected(s);
    for (const w of s.sockets) {
      expect(w.notices.map((n) => n.notice)).toContainEqual({
        sessionId: s.sessionId,
        kind: 'removed',
        message: expect.any(String),
        until: null,
      });
    }
    await expectLeftFor(s);

    const again = await reconnectRefusedAtJoin(s, 'forbidden', /asked you to leave this session/);
    await expectNothingMoreReaches(s, again);
  });

  it('(b) a facilitator bans them from the group', async () => {
    const s = await scene();
    const sentAt = performance.now();
    const ack = await command(s.facilitator, 'member:ban', {
      sessionId: s.sessionId,
      memberId: s.me.memberId,
      reason: 'Threatened another member.',
    });
    const repliedAt = performance.now();
    expect(ack).toEqual({ ok: true, data: {} });

    const times = await outTimes(s.sockets, noticeOf('banned', s.sessionId), repliedAt);
    reportTimes('ban', mode.name, times, repliedAt - sentAt);
    expectStillConnected(s);
    await expectLeftFor(s);

    // A banned member holds no role in the group: the room does not exist for them.
    const again = await reconnectRefusedAtJoin(s, 'not_found', /does not exist, or you do not have access/);
    await expectNothingMoreReaches(s, again);
  });

  /**
   * A person re-entering the room (a second tab, a reload) while the facilitator acts: several
   * sockets of theirs, already connected to both nodes, send `room:join` a few milliseconds
   * apart around the action. Each join may be refused or may get in before the action took
   * effect, but afterwards none of those sockets may still be in the room.
   */
  async function racingJoins(what: string, act: (s: Scene) => Promise<void>, refusals: readonly string[]) {
    const s = await scene();
    const racers: Watched[] = [];
    for (let i = 0; i < RACERS; i++) {
      const on = i % 2 === 0 ? other : node;
      racers.push(watch(`racing join #${i} on the ${on === node ? 'acting' : 'other'} node`, await socketOf(s.client, on)));
    }
    // A join every millisecond or so; the action is sent a few milliseconds into them.
    const joins = racers.map((w, i) =>
      sleep(i).then(() =>
        command(w.socket, 'room:join', { sessionId: s.sessionId, afterSeq: 0, reminderAcknowledged: true }).then(
          (answer) => (answer.ok ? 'let in' : answer.error.code),
          // Disconnected before the answer came: the action cut the socket off.
          () => (w.socket.connected ? 'no answer' : 'disconnected'),
        ),
      ),
    );
    await sleep(3);
    await act(s);
    const answers = await Promise.all(joins);
    await sleep(REQUIRED_MS);
    const connectionRows = (
      await node.database.db
        .select({ socketId: roomConnections.socketId })
        .from(roomConnections)
        .where(and(eq(roomConnections.sessionId, s.sessionId), eq(roomConnections.memberId, s.me.memberId)))
    ).length;
    const roster = (await enter(s.facilitator, s.sessionId)).roster.map((r) => r.member.memberId);
    const text = `Said after the racing ${what} ${newClientId()}.`;
    const after = unwrap(await command(s.facilitator, 'message:send', { sessionId: s.sessionId, clientId: newClientId(), text }));
    await expect
      .poll(() => postedMessages(s.bystanderEvents.received).some((m) => m.id === after.id), { timeout: 5000 })
      .toBe(true);
    await sleep(SILENCE_MS);
    const heard = [...s.sockets, ...racers].filter((w) => postedMessages(w.events).some((m) => m.id === after.id));
    const tally = [...new Set(answers)].map((a) => `${answers.filter((b) => b === a).length} ${a}`).join(', ');
    const heardAnswers = heard.map((w) => answers[racers.indexOf(w)] ?? 'seated before');
    print(
      `revocation ${what} with racing joins (${mode.name}): joins answered ${tally}; ` +
        `${heard.length} socket(s) still hear the room ${REQUIRED_MS} ms later` +
        `${heard.length ? ` (their joins: ${heardAnswers.join(', ')})` : ''}, ` +
        `${connectionRows} room_connections row(s) left, ${roster.includes(s.me.memberId) ? 'still' : 'not'} on the roster`,
    );
    expect(heard.map((w) => w.label), 'sockets that still hear the room after the action').toEqual([]);
    expect(connectionRows, 'room_connections rows of the person after the action').toBe(0);
    expect(roster, 'the roster after the action').not.toContain(s.me.memberId);
    for (const answer of answers) expect(['let in', ...refusals], 'how a racing join was answered').toContain(answer);
  }

  const facilitatorActs = (action: 'member:remove' | 'member:ban') => async (s: Scene) => {
    const acted = await command(s.facilitator, action, { sessionId: s.sessionId, memberId: s.me.memberId, reason: 'Racing.' });
    expect(acted).toEqual({ ok: true, data: {} });
  };

  it('(a) a re-entry racing the removal does not bring them back', async () => {
    await racingJoins('remove', facilitatorActs('member:remove'), ['forbidden']);
  });

  it('(b) a re-entry racing the ban does not bring them back', async () => {
    await racingJoins('ban', facilitatorActs('member:ban'), ['not_found']);
  });

  it('(c) a re-entry racing the end of their place does not bring them back', async () => {
    await racingJoins(
      'membership removal',
      async (s) => {
        const res = await organiser.request('DELETE', `/api/groups/${s.groupId}/members/${s.me.memberId}`);
        expect(res.status).toBe(204);
      },
      ['not_found', 'disconnected'],
    );
  });

  it('(c) the organiser ends their place in the group', async () => {
    const s = await scene();
    const listed = await organiser.get(`/api/groups/${s.groupId}/members`);
    expect(listed.status).toBe(200);
    expect(listed.json.members.map((m: { memberId: string }) => m.memberId)).toContain(s.me.memberId);
    const sentAt = performance.now();
    const res = await organiser.request('DELETE', `/api/groups/${s.groupId}/members/${s.me.memberId}`);
    const repliedAt = performance.now();
    expect(res.status).toBe(204);

    const times = await outTimes(s.sockets, disconnection, repliedAt);
    reportTimes('membership removal', mode.name, times, repliedAt - sentAt);
    expectDisconnectedByServer(s);
    await expectLeftFor(s);

    // The login still works; the room is simply not theirs any more.
    const again = await reconnectRefusedAtJoin(s, 'not_found', /does not exist, or you do not have access/);
    await expectNothingMoreReaches(s, again);
  });

  it('(d) they log out from another copy of the same browser profile', async () => {
    const s = await scene();
    const cookie = s.client.cookie;
    // The same cookie, sent to the acting node by another tab or copy of the profile.
    const copy = s.client.at(node.url);
    const sentAt = performance.now();
    const out = await copy.post('/api/auth/logout', {});
    const repliedAt = performance.now();
    expect(out.status).toBe(204);

    const times = await outTimes(s.sockets, disconnection, repliedAt);
    reportTimes('logout', mode.name, times, repliedAt - sentAt);
    expectDisconnectedByServer(s);
    await expectLeftFor(s);

    await reconnectRefusedAtHandshake(cookie);
    await expectNothingMoreReaches(s);
  });

  it('(d) a connection racing the logout does not outlive it', async () => {
    const s = await scene();
    const cookie = s.client.cookie;
    // Handshakes every millisecond from 0 to 7 ms; the logout is sent at 3 ms.
    const attempts = Array.from({ length: 8 }, (_, i) =>
      sleep(i).then(() => connect((i % 2 === 0 ? other : node).url, cookie).catch((error: Error & { data?: { code?: string } }) => error)),
    );
    await sleep(3);
    const out = await s.client.at(node.url).post('/api/auth/logout', {});
    expect(out.status).toBe(204);
    const outcomes = await Promise.all(attempts);
    await sleep(REQUIRED_MS);
    const connected = outcomes.filter((o): o is TestSocket => !(o instanceof Error));
    for (const refused of outcomes.filter((o): o is Error & { data?: { code?: string } } => o instanceof Error)) {
      expect(refused.data?.code).toBe('unauthenticated');
    }
    const alive = connected.filter((socket) => socket.connected);
    print(
      `revocation logout with racing connections (${mode.name}): ${connected.length} of ${outcomes.length} connected, ` +
        `${alive.length} still connected ${REQUIRED_MS} ms later`,
    );
    connected.forEach((socket) => socket.close());
    expect(alive.length, 'connections made with the ended login that are still open').toBe(0);
    expectDisconnectedByServer(s);
  });

  it('(d) they log out everywhere, ending logins on both nodes', async () => {
    // The room sockets belong to a first login; the logout comes from a second one.
    const s = await scene();
    const second = await logIn(node.url, s.person.username);
    expect(second.cookie).not.toBe(s.client.cookie);
    const cookies = [s.client.cookie, second.cookie];
    const sentAt = performance.now();
    const out = await second.post('/api/auth/logout-everywhere', {});
    const repliedAt = performance.now();
    expect(out.status).toBe(204);

    const times = await outTimes(s.sockets, disconnection, repliedAt);
    reportTimes('logout everywhere', mode.name, times, repliedAt - sentAt);
    expectDisconnectedByServer(s);
    await expectLeftFor(s);

    for (const cookie of cookies) await reconnectRefusedAtHandshake(cookie);
    await expectNothingMoreReaches(s);
  });

  it('(e) they change their password: their other logins end', async () => {
    let changer: HttpClient | undefined;
    // The room sockets use a second login; the change is made with the first, which stays.
    const s = await scene(async (person) => {
      changer = person.client.at(node.url);
      return logIn(other.url, person.username);
    });
    const keeps = await socketOf(changer!, node);
    const cookie = s.client.cookie;
    expect(cookie).not.toBe(changer!.cookie);
    const sentAt = performance.now();
    const res = await changer!.post('/api/me/password', {
      currentPassword: password,
      newPassword: 'another long enough passphrase',
    });
    const repliedAt = performance.now();
    expect(res.status).toBe(204);

    const times = await outTimes(s.sockets, disconnection, repliedAt);
    reportTimes('password change', mode.name, times, repliedAt - sentAt);
    expectDisconnectedByServer(s);
    await expectLeftFor(s);

    await reconnectRefusedAtHandshake(cookie);
    await expectNothingMoreReaches(s);
    // The login that changed the password is kept, with its socket.
    expect(keeps.connected).toBe(true);
    unwrap(await command(keeps, 'room:leave', { sessionId: s.sessionId }));
    expect((await changer!.get('/api/me')).status).toBe(200);
  });
});
