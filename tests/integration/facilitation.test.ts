import { randomUUID } from 'node:crypto';
import { and, asc, count, eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  clientCommands,
  type AuditEntry,
  type ClientCommandName,
  type CommandPayload,
  type ConsoleState,
  type Member,
  type RoomEvent,
} from '@hearth/shared';
import { openDatabase } from '../../server/src/db/database.ts';
import {
  alerts,
  auditLog,
  checkIns,
  memberships,
  messages,
  reports,
  roomEvents,
  roomMembers,
  sessions,
  sideMessages,
  supportSignals,
} from '../../server/src/db/schema.ts';
import { policy } from '../../server/src/policy.ts';
import {
  createGroup,
  createInvite,
  createOrganiser,
  inviteParticipant,
  joinWithNewAccount,
  memberIdOf,
  newClientId,
  startSession,
} from '../support/factories.ts';
import { startNode, storedText, type Node } from '../support/hearth.ts';
import { roomWorld } from '../support/world.ts';
import type { HttpClient } from '../support/http.ts';
import { modes } from '../support/modes.ts';
import {
  collect,
  collectEvents,
  command,
  connect,
  enter,
  postedMessages,
  raw,
  unwrap,
  type TestSocket,
} from '../support/socket.ts';

/** Everything people wrote or noted in this file's rooms, to look for in logs and the audit log. */
const said: string[] = [];

const send = (socket: TestSocket, sessionId: string, text: string) => {
  said.push(text);
  return command(socket, 'message:send', { sessionId, clientId: newClientId(), text });
};

/** Long enough for a broadcast to cross nodes through Redis, had one been sent. */
const settle = (ms = 300) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until an item matching `match` arrived in a collected list, and returns it. */
async function arrival<T>(list: readonly T[], match: (item: T) => boolean, what: string): Promise<T> {
  await expect.poll(() => list.some(match), { timeout: 5000, message: `waiting for ${what}` }).toBe(true);
  return list.find(match)!;
}

const isControls = (event: RoomEvent): event is Extract<RoomEvent, { type: 'controls' }> => event.type === 'controls';

/** Commands anyone let into a room may send (a few only participants); every other one is a facilitator's. */
const participantCommands = [
  'room:join',
  'room:catch-up',
  'room:leave',
  'room:presence',
  'room:typing',
  'message:send',
  'message:edit',
  'message:delete',
  'message:react',
  'message:report',
  'checkin:answer',
  'side:send',
  'support:request',
] as const satisfies readonly ClientCommandName[];

/** Hard-coded on purpose: a new facilitator command must be added here and to the walk below. */
const facilitatorCommands = [
  'staff:state',
  'room:admit',
  'room:admit-all',
  'room:announce',
  'room:pause',
  'room:resume',
  'room:slow-mode',
  'room:lock',
  'checkin:open',
  'checkin:close',
  'member:mute',
  'member:unmute',
  'member:remove',
  'member:ban',
  'message:warn',
  'message:hide',
  'message:remove',
  'member:clear-messages',
  'report:resolve',
  'support:acknowledge',
  'alert:acknowledge',
] as const satisfies readonly ClientCommandName[];
type FacilitatorCommand = (typeof facilitatorCommands)[number];

describe.each(modes)('facilitation, $name mode', (mode) => {
  const { world, socketOf, openRoom, seat } = roomWorld(mode);
  let node: Node;
  /** In services mode a second node on the same PostgreSQL and Redis; else the same node. */
  let other: Node;
  let organiser: HttpClient;
  beforeAll(() => ({ node, other, organiser } = world));

  /** A second facilitator of the group, with an account of their own, seated on `on`. */
  async function coFacilitator(groupId: string, sessionId: string, on: Node = other) {
    const joined = await joinWithNewAccount(organiser, groupId, { role: 'facilitator', baseUrl: on.url });
    return { ...joined, ...(await seat(joined, sessionId, on)) };
  }

  const staffState = async (socket: TestSocket, sessionId: string): Promise<ConsoleState> =>
    unwrap(await command(socket, 'staff:state', { sessionId }));

  const eventCount = async (sessionId: string) =>
    (await node.database.db.select({ n: count() }).from(roomEvents).where(eq(roomEvents.sessionId, sessionId)))[0]!.n;

  const auditCount = async (groupId: string) =>
    (await node.database.db.select({ n: count() }).from(auditLog).where(eq(auditLog.groupId, groupId)))[0]!.n;

  describe('room controls, enforced on the server', () => {
    it('holds a grounding pause: nobody posts, announcements go on, and it ends early on resume', async () => {
      const { sessionId, facilitator, people } = await openRoom(1);
      const { socket: person } = await seat(people[0]!, sessionId, other);
      const heard = collectEvents(person);
      const heardByFacilitator = collectEvents(facilitator);

      const paused = unwrap(await command(facilitator, 'room:pause', { sessionId, seconds: 60 }));
      const controls = await arrival(heard.received, (e) => e.seq === paused.seq, 'the pause');
      expect(controls).toMatchObject({ type: 'controls', controls: { pausedUntil: expect.any(String) } });
      const until = Date.parse((controls as Extract<RoomEvent, { type: 'controls' }>).controls.pausedUntil!);
      expect(until - Date.now()).toBeGreaterThan(55_000);
      expect(until - Date.now()).toBeLessThanOrEqual(60_000);
      await arrival(heardByFacilitator.received, (e) => e.seq === paused.seq, 'the pause, for the facilitator');

      const before = await eventCount(sessionId);
      // From a hand-written client as much as from the app: the server refuses.
      for (const attempt of [
        send(person, sessionId, 'Written during the pause.'),
        raw(person, 'message:send', { sessionId, clientId: newClientId(), text: 'Raw, during the pause.' }),
        send(facilitator, sessionId, 'A facilitator during the pause.'),
      ]) {
        expect(await attempt).toMatchObject({ ok: false, error: { code: 'paused' } });
      }
      expect(await eventCount(sessionId)).toBe(before);
      // Someone arriving now sees the pause and when it ends.
      const again = await seat(people[0]!, sessionId);
      expect(again.joined.controls.pausedUntil).toBe(new Date(until).toISOString());

      const text = 'Let us take a slow breath together.';
      said.push(text);
      const announced = unwrap(await command(facilitator, 'room:announce', { sessionId, clientId: newClientId(), text }));
      const posted = await arrival(heard.received, (e) => e.seq === announced.seq, 'the announcement');
      expect(posted).toMatchObject({ type: 'message', change: 'posted', message: { kind: 'announcement', text } });

      const resumed = unwrap(await command(facilitator, 'room:resume', { sessionId }));
      const ended = await arrival(heard.received, (e) => e.seq === resumed.seq, 'the resume');
      expect(ended).toMatchObject({ type: 'controls', controls: { pausedUntil: null } });
      unwrap(await send(person, sessionId, 'After the pause.'));
      unwrap(await send(facilitator, sessionId, 'Welcome back.'));
    });

    it('spaces a participant’s messages in slow mode; facilitators are exempt', async () => {
      const { sessionId, facilitator, people } = await openRoom(2);
      const { socket: person } = await seat(people[0]!, sessionId, other);
      const { socket: another } = await seat(people[1]!, sessionId);
      const heard = collectEvents(person);
      const slow = unwrap(await command(facilitator, 'room:slow-mode', { sessionId, seconds: 30 }));
      expect(await arrival(heard.received, (e) => e.seq === slow.seq, 'slow mode')).toMatchObject({
        type: 'controls',
        controls: { slowModeSeconds: 30, pausedUntil: null },
      });

      unwrap(await send(person, sessionId, 'My first message in slow mode.'));
      const before = await eventCount(sessionId);
      const second = await raw(person, 'message:send', { sessionId, clientId: newClientId(), text: 'Too soon.' });
      expect(second).toMatchObject({ ok: false, error: { code: 'slow_mode' } });
      expect(second.error.message).toMatch(/\d+ seconds?/);
      expect(await eventCount(sessionId)).toBe(before);
      // Per participant: someone else may still write; facilitators write as they need to.
      unwrap(await send(another, sessionId, 'My own first message.'));
      unwrap(await send(facilitator, sessionId, 'One.'));
      unwrap(await send(facilitator, sessionId, 'Two.'));

      unwrap(await command(facilitator, 'room:slow-mode', { sessionId, seconds: 0 }));
      unwrap(await send(person, sessionId, 'Slow mode is off.'));
    });

    it('locks the room to newcomers; those already let in come back', async () => {
      const { groupId, sessionId, facilitator, people } = await openRoom(2);
      const inside = await seat(people[0]!, sessionId, other);
      const heard = collectEvents(inside.socket);
      const locked = unwrap(await command(facilitator, 'room:lock', { sessionId, locked: true }));
      expect(await arrival(heard.received, (e) => e.seq === locked.seq, 'the lock')).toMatchObject({
        type: 'controls',
        controls: { locked: true },
      });

      const before = await eventCount(sessionId);
      const newcomer = await socketOf(people[1]!.client, other);
      const refused = await raw(newcomer, 'room:join', { sessionId, afterSeq: 0, reminderAcknowledged: true });
      expect(refused).toMatchObject({ ok: false, error: { code: 'room_locked' } });
      expect(await command(newcomer, 'message:send', { sessionId, clientId: newClientId(), text: 'Hello?' })).toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      });
      expect(await eventCount(sessionId)).toBe(before);

      inside.socket.close();
      const back = await seat(people[0]!, sessionId);
      expect(back.joined).toMatchObject({ admitted: true, controls: { locked: true } });

      // Facilitators are never locked out.
      const co = await coFacilitator(groupId, sessionId, other);
      expect(co.joined.admitted).toBe(true);

      unwrap(await command(facilitator, 'room:lock', { sessionId, locked: false }));
      expect((await enter(newcomer, sessionId)).admitted).toBe(true);
    });

    it('runs a check-in round whose answers only facilitators and the person answering see', async () => {
      const { sessionId, facilitator, people } = await openRoom(2);
      const answering = await seat(people[0]!, sessionId, other);
      const bystander = await seat(people[1]!, sessionId);
      const bystanderEvents = collectEvents(bystander.socket);
      const bystanderStaff = collect(bystander.socket, 'staff:changed');
      const bystanderNotices = collect(bystander.socket, 'room:notice');
      const staffNews = collect(facilitator, 'staff:changed');

      const opened = unwrap(await command(facilitator, 'checkin:open', { sessionId }));
      const event = await arrival(bystanderEvents.received, (e) => e.seq === opened.seq, 'the round opening');
      expect(event).toMatchObject({ type: 'controls', controls: { checkIn: { id: expect.any(String), openedAt: expect.any(String) } } });
      const checkInId = (event as Extract<RoomEvent, { type: 'controls' }>).controls.checkIn!.id;
      expect((await staffState(facilitator, sessionId)).checkIn).toEqual({ id: checkInId, answers: [] });

      const heardBefore = staffNews.received.length;
      const word = 'heavy-hearted';
      said.push(word);
      unwrap(await command(answering.socket, 'checkin:answer', { sessionId, checkInId, colour: 'amber', word }));
      await staffNews.waitFor(heardBefore + 1);
      expect((await staffState(facilitator, sessionId)).checkIn).toEqual({
        id: checkInId,
        answers: [{ member: answering.me, colour: 'amber', word }],
      });
      // The person sees their own answer when they come back; nobody else sees anyone's.
      const back = await seat(people[0]!, sessionId);
      expect(back.joined.checkInAnswer).toEqual({ checkInId, colour: 'amber', word });
      expect(back.joined.controls.checkIn).toMatchObject({ id: checkInId });
      const theirs = await seat(people[1]!, sessionId, other);
      expect(theirs.joined.checkInAnswer).toBeNull();
      expect(JSON.stringify(theirs.joined)).not.toContain(word);
      await settle();
      expect(JSON.stringify(bystanderEvents.received)).not.toContain(word);
      expect(JSON.stringify(bystanderEvents.received)).not.toContain('amber');
      expect(bystanderEvents.received.filter((e) => e.type !== 'controls' && e.type !== 'presence')).toEqual([]);
      expect(bystanderStaff.received).toEqual([]);
      expect(bystanderNotices.received).toEqual([]);
      expect(await command(bystander.socket, 'staff:state', { sessionId })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      // Facilitators do not answer; answers are for participants.
      expect(
        await command(facilitator, 'checkin:answer', { sessionId, checkInId, colour: 'green', word: '' }),
      ).toMatchObject({ ok: false, error: { code: 'forbidden' } });

      const closed = unwrap(await command(facilitator, 'checkin:close', { sessionId }));
      expect(await arrival(bystanderEvents.received, (e) => e.seq === closed.seq, 'the round closing')).toMatchObject({
        type: 'controls',
        controls: { checkIn: null },
      });
      expect(await command(answering.socket, 'checkin:answer', { sessionId, checkInId, colour: 'red', word: '' })).toMatchObject({
        ok: false,
        error: { code: 'conflict' },
      });
      expect(await command(facilitator, 'checkin:close', { sessionId })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    });

    it('posts an announcement, shown apart as its own kind', async () => {
      const { sessionId, facilitator, facilitatorJoin, people } = await openRoom(1);
      const { socket } = await seat(people[0]!, sessionId, other);
      const heard = collectEvents(socket);
      const text = 'We will close in ten minutes.';
      said.push(text);
      const announced = unwrap(await command(facilitator, 'room:announce', { sessionId, clientId: newClientId(), text }));
      expect(await arrival(heard.received, (e) => e.seq === announced.seq, 'the announcement')).toMatchObject({
        type: 'message',
        change: 'posted',
        message: { id: announced.id, kind: 'announcement', text, author: facilitatorJoin.me },
      });
      const [row] = await node.database.db.select().from(messages).where(eq(messages.id, announced.id));
      expect(row).toMatchObject({ kind: 'announcement' });
      expect(storedText(node, 'messages', 'body', row!, 'body')).toBe(text);
      // An ordinary message stays an ordinary message.
      const plain = unwrap(await send(facilitator, sessionId, 'And a plain one.'));
      expect(await arrival(heard.received, (e) => e.seq === plain.seq, 'the plain message')).toMatchObject({
        message: { kind: 'message' },
      });
    });
  });

  describe('people', () => {
    it('mutes for a time, telling only the person, and unmutes', async () => {
      const { sessionId, facilitator, people } = await openRoom(2);
      const muted = await seat(people[0]!, sessionId, other);
      const bystander = await seat(people[1]!, sessionId);
      const notices = collect(muted.socket, 'room:notice');
      const bystanderNotices = collect(bystander.socket, 'room:notice');
      const target = unwrap(await send(bystander.socket, sessionId, 'Something to react to.'));

      const { until } = unwrap(
        await command(facilitator, 'member:mute', { sessionId, memberId: muted.me.memberId, minutes: 5, reason: 'A breather.' }),
      );
      expect(Date.parse(until) - Date.now()).toBeGreaterThan(4.5 * 60_000);
      expect(Date.parse(until) - Date.now()).toBeLessThanOrEqual(5 * 60_000);
      const notice = await arrival(notices.received, (n) => n.kind === 'muted', 'the mute notice');
      expect(notice).toEqual({ sessionId, kind: 'muted', message: expect.stringContaining('5 minutes'), until });

      const before = await eventCount(sessionId);
      const refused = await raw(muted.socket, 'message:send', { sessionId, clientId: newClientId(), text: 'Can I speak?' });
      expect(refused).toMatchObject({ ok: false, error: { code: 'muted' } });
      expect(
        await command(muted.socket, 'message:react', { sessionId, messageId: target.id, reaction: 'heart', on: true }),
      ).toMatchObject({ ok: false, error: { code: 'muted' } });
      expect(await eventCount(sessionId)).toBe(before);
      // The private thread with the facilitators stays open to them.
      unwrap(await command(muted.socket, 'side:send', { sessionId, participantId: null, clientId: newClientId(), text: 'Okay.' }));

      const rejoined = await seat(people[0]!, sessionId);
      expect(rejoined.joined.mutedUntil).toBe(until);
      expect((await staffState(facilitator, sessionId)).mutes).toEqual([{ member: muted.me, until }]);
      unwrap(await send(bystander.socket, sessionId, 'I can still write.'));
      await settle();
      expect(bystanderNotices.received).toEqual([]);

      unwrap(await command(facilitator, 'member:unmute', { sessionId, memberId: muted.me.memberId }));
      expect(await arrival(notices.received, (n) => n.kind === 'unmuted', 'the unmute notice')).toEqual({
        sessionId,
        kind: 'unmuted',
        message: expect.any(String),
        until: null,
      });
      unwrap(await send(muted.socket, sessionId, 'Thank you, I am calmer now.'));
      expect((await seat(people[0]!, sessionId)).joined.mutedUntil).toBeNull();
      expect((await staffState(facilitator, sessionId)).mutes).toEqual([]);
    });

    it('removes someone from this session: told plainly, gone from the room, no way back in', async () => {
      const { groupId, sessionId, facilitator, people } = await openRoom(2);
      const removed = await seat(people[0]!, sessionId, other);
      const bystander = await seat(people[1]!, sessionId);
      const notices = collect(removed.socket, 'room:notice');
      const removedEvents = collectEvents(removed.socket);
      const bystanderEvents = collectEvents(bystander.socket);

      unwrap(
        await command(facilitator, 'member:remove', { sessionId, memberId: removed.me.memberId, reason: 'Kept interrupting.' }),
      );
      expect(await arrival(notices.received, (n) => n.kind === 'removed', 'the removal notice')).toEqual({
        sessionId,
        kind: 'removed',
        message: expect.any(String),
        until: null,
      });
      expect(
        await arrival(
          bystanderEvents.received,
          (e) => e.type === 'presence' && e.member.memberId === removed.me.memberId,
          'the removed person leaving',
        ),
      ).toMatchObject({ type: 'presence', state: 'left', member: removed.me });

      const heardBefore = removedEvents.received.length;
      unwrap(await send(facilitator, sessionId, 'Said after the removal.'));
      for (const attempt of [
        send(removed.socket, sessionId, 'Still here?'),
        command(removed.socket, 'room:catch-up', { sessionId, afterSeq: 0 }),
        command(removed.socket, 'support:request', { sessionId }),
      ]) {
        expect(await attempt).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      }
      const again = await socketOf(people[0]!.client);
      expect(await command(again, 'room:join', { sessionId, afterSeq: 0, reminderAcknowledged: true })).toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      });
      await settle();
      expect(removedEvents.received.slice(heardBefore)).toEqual([]);
      const roster = (await enter(facilitator, sessionId)).roster.map((r) => r.member.memberId);
      expect(roster).not.toContain(removed.me.memberId);
      // Only this session: they are still a member of the group.
      expect((await people[0]!.client.get(`/api/groups/${groupId}`)).status).toBe(200);
    });

    it('bans someone from the group until the organiser lifts it', async () => {
      const { groupId, sessionId, facilitator, people } = await openRoom(2);
      const banned = await seat(people[0]!, sessionId, other);
      const bystander = await seat(people[1]!, sessionId);
      const notices = collect(banned.socket, 'room:notice');
      const bystanderEvents = collectEvents(bystander.socket);
      const reason = 'Threatened another member.';

      expect(await command(facilitator, 'member:ban', { sessionId, memberId: banned.me.memberId, reason: ' ' })).toMatchObject({
        ok: false,
        error: { code: 'invalid_input' },
      });
      unwrap(await command(facilitator, 'member:ban', { sessionId, memberId: banned.me.memberId, reason }));
      expect(await arrival(notices.received, (n) => n.kind === 'banned', 'the ban notice')).toEqual({
        sessionId,
        kind: 'banned',
        message: expect.any(String),
        until: null,
      });
      expect(notices.received.find((n) => n.kind === 'banned')!.message).not.toContain(reason);
      expect(
        await arrival(
          bystanderEvents.received,
          (e) => e.type === 'presence' && e.member.memberId === banned.me.memberId,
          'the banned person leaving',
        ),
      ).toMatchObject({ state: 'left' });
      expect(await send(banned.socket, sessionId, 'Why?')).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(
        await command(await socketOf(people[0]!.client), 'room:join', { sessionId, afterSeq: 0, reminderAcknowledged: true }),
      ).toMatchObject({ ok: false, error: { code: expect.stringMatching(/^(not_found|forbidden)$/) } });

      // The group is closed to them: not viewable, and not among their groups as a member.
      expect((await people[0]!.client.get(`/api/groups/${groupId}`)).status).toBe(404);
      const theirGroups = (await people[0]!.client.get('/api/groups')).json.groups as Array<{ id: string }>;
      expect(theirGroups.map((g) => g.id)).not.toContain(groupId);
      expect((await people[1]!.client.get('/api/groups')).json.groups.map((g: { id: string }) => g.id)).toContain(groupId);

      const bans = await organiser.get(`/api/groups/${groupId}/bans`);
      expect(bans.status).toBe(200);
      expect(bans.json.bans).toEqual([
        { memberId: banned.me.memberId, pseudonym: banned.me.pseudonym, reason, bannedAt: expect.any(String) },
      ]);
      expect((await people[1]!.client.get(`/api/groups/${groupId}/bans`)).status).toBe(403);
      expect(
        await command(facilitator, 'member:ban', { sessionId, memberId: banned.me.memberId, reason }),
      ).toMatchObject({ ok: false, error: { code: 'conflict' } });
      // Banned, they cannot come back through a new invite.
      const refusedInvite = await createInvite(organiser, groupId);
      const tooEarly = await people[0]!.client.post('/api/invites/redeem', { code: refusedInvite.code, pseudonym: 'Back Again' });
      expect(tooEarly.status, JSON.stringify(tooEarly.json)).toBe(403);
      expect(tooEarly.json.code).toBe('forbidden');

      expect((await people[1]!.client.post(`/api/groups/${groupId}/bans/${banned.me.memberId}/lift`, {})).status).toBe(403);
      const lifted = await organiser.post(`/api/groups/${groupId}/bans/${banned.me.memberId}/lift`, {});
      expect(lifted.status).toBe(204);
      expect((await organiser.get(`/api/groups/${groupId}/bans`)).json.bans).toEqual([]);
      expect((await organiser.post(`/api/groups/${groupId}/bans/${banned.me.memberId}/lift`, {})).status).toBe(404);

      // Lifted, they wait for approval under their own name, their history intact.
      const members = (await organiser.get(`/api/groups/${groupId}/members`)).json.members as Array<{ memberId: string; status: string }>;
      expect(members.find((m) => m.memberId === banned.me.memberId)?.status).toBe('pending');
      expect((await people[0]!.client.get(`/api/groups/${groupId}`)).status).toBe(200);
      const approved = await organiser.post(`/api/groups/${groupId}/members/${banned.me.memberId}/approve`, {});
      expect(approved.status, JSON.stringify(approved.json)).toBe(200);
      const returned = await seat(people[0]!, sessionId);
      expect(returned.joined.admitted).toBe(true);
      unwrap(await send(returned.socket, sessionId, 'Thank you for having me back.'));
    });

    it('takes a banned person out of every open room of the group at once, on every socket', async () => {
      const { groupId, sessionId, facilitator, people } = await openRoom(2);
      const secondSession = (await startSession(organiser, groupId)).id;
      await enter(facilitator, secondSession);
      // One socket in both rooms, on the other node, and a second socket in the second room only.
      const banned = await seat(people[0]!, sessionId, other);
      await enter(banned.socket, secondSession);
      const secondSocket = (await seat(people[0]!, secondSession)).socket;
      const bystander = await seat(people[1]!, secondSession);
      const bystanderEvents = collectEvents(bystander.socket);
      const heardOnBoth = collectEvents(banned.socket);
      const heardOnSecond = collectEvents(secondSocket);

      unwrap(await command(facilitator, 'member:ban', { sessionId, memberId: banned.me.memberId, reason: 'Threats.' }));
      expect(
        await arrival(
          bystanderEvents.received,
          (e) => e.type === 'presence' && e.member.memberId === banned.me.memberId,
          'the banned person leaving the second room',
        ),
      ).toMatchObject({ sessionId: secondSession, state: 'left' });
      const roster = (await enter(facilitator, secondSession)).roster.map((r) => r.member.memberId);
      expect(roster).not.toContain(banned.me.memberId);

      const before = { both: heardOnBoth.received.length, second: heardOnSecond.received.length };
      const words = 'Said in the second room after the ban.';
      const after = unwrap(await send(facilitator, secondSession, words));
      await arrival(bystanderEvents.received, (e) => e.seq === after.seq, 'the message after the ban');
      await settle();
      // What the second room says after the ban reaches none of the banned person's sockets.
      expect({
        onBoth: heardOnBoth.received.slice(before.both).map((e) => e.seq),
        onSecond: heardOnSecond.received.slice(before.second).map((e) => e.seq),
      }).toEqual({ onBoth: [], onSecond: [] });
      for (const socket of [banned.socket, secondSocket]) {
        expect(await command(socket, 'room:catch-up', { sessionId: secondSession, afterSeq: 0 })).toMatchObject({
          ok: false,
          error: { code: 'forbidden' },
        });
      }
    });

    it('bans someone straight from the waiting room: out of the waiting list, and admit-all still works', async () => {
      const { sessionId, facilitator, people } = await openRoom(2, { waitingRoom: true });
      const banned = await seat(people[0]!, sessionId, other);
      const waiting = await seat(people[1]!, sessionId);
      expect([banned.joined.admitted, waiting.joined.admitted]).toEqual([false, false]);
      const admitted = collect(waiting.socket, 'room:admitted');
      expect((await staffState(facilitator, sessionId)).waiting.map((m) => m.memberId).sort()).toEqual(
        [banned.me.memberId, waiting.me.memberId].sort(),
      );

      unwrap(await command(facilitator, 'member:ban', { sessionId, memberId: banned.me.memberId, reason: 'Known to the group.' }));
      // Soft, so that a failure here still shows what admit-all makes of it below.
      expect.soft((await staffState(facilitator, sessionId)).waiting.map((m) => m.memberId)).toEqual([waiting.me.memberId]);
      expect(await command(facilitator, 'room:admit-all', { sessionId })).toEqual({ ok: true, data: { admitted: 1 } });
      await admitted.waitFor(1);
      expect((await enter(waiting.socket, sessionId)).admitted).toBe(true);
      expect(
        await command(banned.socket, 'room:join', { sessionId, afterSeq: 0, reminderAcknowledged: true }),
      ).toMatchObject({ ok: false });
    });

    it('does not let facilitators mute, remove or ban each other', async () => {
      const { groupId, sessionId, facilitator, facilitatorJoin } = await openRoom(0);
      const co = await coFacilitator(groupId, sessionId);
      const before = { events: await eventCount(sessionId), audit: await auditCount(groupId) };
      for (const [actor, target] of [
        [facilitator, co.me],
        [co.socket, facilitatorJoin.me],
      ] as const) {
        for (const attempt of [
          command(actor, 'member:mute', { sessionId, memberId: target.memberId, minutes: 5, reason: '' }),
          command(actor, 'member:remove', { sessionId, memberId: target.memberId, reason: '' }),
          command(actor, 'member:ban', { sessionId, memberId: target.memberId, reason: 'No.' }),
        ]) {
          expect(await attempt).toMatchObject({ ok: false, error: { code: 'forbidden' } });
        }
      }
      // Nor themselves.
      expect(
        await command(facilitator, 'member:mute', { sessionId, memberId: facilitatorJoin.me.memberId, minutes: 5, reason: '' }),
      ).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect({ events: await eventCount(sessionId), audit: await auditCount(groupId) }).toEqual(before);
      const [row] = await node.database.db.select().from(memberships).where(eq(memberships.id, co.me.memberId));
      expect(row).toMatchObject({ status: 'active', role: 'facilitator' });
      unwrap(await send(co.socket, sessionId, 'Still facilitating.'));
    });

    it('does not let facilitators hide, delete or clear each other’s messages', async () => {
      const { groupId, sessionId, facilitator } = await openRoom(0);
      const co = await coFacilitator(groupId, sessionId);
      const said = unwrap(await send(co.socket, sessionId, 'A co-facilitator’s words.'));
      for (const attempt of [
        command(facilitator, 'message:hide', { sessionId, messageId: said.id, hidden: true, reason: '' }),
        command(facilitator, 'message:remove', { sessionId, messageId: said.id, reason: '' }),
        command(facilitator, 'member:clear-messages', { sessionId, memberId: co.me.memberId, reason: '' }),
      ]) {
        expect(await attempt).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      }
      const [row] = await node.database.db.select().from(messages).where(eq(messages.id, said.id));
      expect(row).toMatchObject({ hiddenAt: null, deletedAt: null });
      expect(storedText(node, 'messages', 'body', row!, 'body')).toBe('A co-facilitator’s words.');
    });
  });

  describe('timed endings', () => {
    it('ends a mute and a pause on time by themselves, exactly once, whichever node ticks', async () => {
      const { sessionId, facilitator, people } = await openRoom(1);
      const person = await seat(people[0]!, sessionId, other);
      const arrivals: Array<{ kind: string; at: number }> = [];
      person.socket.on('room:notice', (notice) => arrivals.push({ kind: notice.kind, at: Date.now() }));
      const heard = collectEvents(person.socket);
      const heardByFacilitator = collectEvents(facilitator);

      unwrap(await command(facilitator, 'member:mute', { sessionId, memberId: person.me.memberId, minutes: 10, reason: '' }));
      const paused = unwrap(await command(facilitator, 'room:pause', { sessionId, seconds: 300 }));
      await arrival(arrivals, (a) => a.kind === 'muted', 'the mute notice');
      // Rather than wait minutes: both end a second from now.
      const endsAt = new Date(Date.now() + 1000);
      await node.database.db
        .update(roomMembers)
        .set({ mutedUntil: endsAt })
        .where(and(eq(roomMembers.sessionId, sessionId), eq(roomMembers.memberId, person.me.memberId)));
      await node.database.db.update(sessions).set({ pausedUntil: endsAt }).where(eq(sessions.id, sessionId));
      // Not before time.
      expect(await send(person.socket, sessionId, 'Too early.')).toMatchObject({ ok: false, error: { code: 'paused' } });

      const pauseEnded = (e: RoomEvent) => isControls(e) && e.seq > paused.seq && e.controls.pausedUntil === null;
      await expect.poll(() => arrivals.filter((a) => a.kind === 'unmuted').length, { timeout: 5000 }).toBe(1);
      await expect.poll(() => heard.received.filter(pauseEnded).length, { timeout: 5000 }).toBe(1);
      await expect.poll(() => heardByFacilitator.received.filter(pauseEnded).length, { timeout: 5000 }).toBe(1);
      const unmutedAt = arrivals.find((a) => a.kind === 'unmuted')!.at;
      expect(unmutedAt).toBeGreaterThanOrEqual(endsAt.getTime() - 20);
      expect(unmutedAt).toBeLessThan(endsAt.getTime() + 3000);
      const endEvent = heard.received.find(pauseEnded)!;
      expect(Date.parse(endEvent.at)).toBeGreaterThanOrEqual(endsAt.getTime() - 20);

      // Several more ticks of both clocks change nothing.
      await settle(1000);
      expect(arrivals.filter((a) => a.kind === 'unmuted')).toHaveLength(1);
      expect(heard.received.filter(pauseEnded)).toHaveLength(1);
      expect(heardByFacilitator.received.filter(pauseEnded)).toHaveLength(1);
      const controlRows = await node.database.db
        .select({ n: count() })
        .from(roomEvents)
        .where(and(eq(roomEvents.sessionId, sessionId), eq(roomEvents.type, 'controls')));
      expect(controlRows[0]!.n).toBe(2);
      const [seatRow] = await node.database.db
        .select()
        .from(roomMembers)
        .where(and(eq(roomMembers.sessionId, sessionId), eq(roomMembers.memberId, person.me.memberId)));
      expect(seatRow!.mutedUntil).toBeNull();
      expect((await staffState(facilitator, sessionId)).mutes).toEqual([]);
      expect((await seat(people[0]!, sessionId)).joined).toMatchObject({ mutedUntil: null, controls: { pausedUntil: null } });
      unwrap(await send(person.socket, sessionId, 'I can write again.'));
      for (const logs of new Set([node.logs, other.logs])) expect(logs.text).not.toContain('room clock tick failed');
    });
  });

  describe('messages', () => {
    it('hides a message from participants, facilitators still see it marked, and unhides it', async () => {
      const { sessionId, facilitator, people } = await openRoom(2);
      const author = await seat(people[0]!, sessionId, other);
      const reader = await seat(people[1]!, sessionId);
      const text = 'The street where it happened was Elm Road.';
      const sent = unwrap(await send(author.socket, sessionId, text));
      const authorNotices = collect(author.socket, 'room:notice');
      const readerNotices = collect(reader.socket, 'room:notice');
      const readerEvents = collectEvents(reader.socket);
      const authorEvents = collectEvents(author.socket);
      const facilitatorEvents = collectEvents(facilitator);

      const hidden = unwrap(
        await command(facilitator, 'message:hide', { sessionId, messageId: sent.id, hidden: true, reason: 'Identifying.' }),
      );
      for (const events of [readerEvents, authorEvents]) {
        expect(await arrival(events.received, (e) => e.seq === hidden.seq, 'the hide')).toMatchObject({
          type: 'message',
          change: 'hidden',
          message: { id: sent.id, text: '', hidden: true },
        });
      }
      expect(await arrival(facilitatorEvents.received, (e) => e.seq === hidden.seq, 'the hide')).toMatchObject({
        type: 'message',
        change: 'hidden',
        message: { id: sent.id, text, hidden: true },
      });
      expect(await arrival(authorNotices.received, (n) => n.kind === 'message_hidden', 'the hide notice')).toEqual({
        sessionId,
        kind: 'message_hidden',
        message: expect.any(String),
        until: null,
      });

      // Catching up, and joining afresh, tell the same.
      const readerPage = unwrap(await command(reader.socket, 'room:catch-up', { sessionId, afterSeq: 0 }));
      expect(JSON.stringify(readerPage)).not.toContain('Elm Road');
      expect(postedMessages(readerPage.events).find((m) => m.id === sent.id)).toMatchObject({ text: '', hidden: true });
      const fresh = await seat(people[1]!, sessionId, other);
      expect(JSON.stringify(fresh.joined)).not.toContain('Elm Road');
      const facilitatorPage = unwrap(await command(facilitator, 'room:catch-up', { sessionId, afterSeq: 0 }));
      expect(postedMessages(facilitatorPage.events).find((m) => m.id === sent.id)).toMatchObject({ text, hidden: true });
      expect(
        await command(facilitator, 'message:hide', { sessionId, messageId: sent.id, hidden: true, reason: '' }),
      ).toMatchObject({ ok: false, error: { code: 'conflict' } });
      await settle();
      expect(readerNotices.received).toEqual([]);

      const shown = unwrap(await command(facilitator, 'message:hide', { sessionId, messageId: sent.id, hidden: false, reason: '' }));
      expect(await arrival(readerEvents.received, (e) => e.seq === shown.seq, 'the unhide')).toMatchObject({
        type: 'message',
        change: 'unhidden',
        message: { id: sent.id, text, hidden: false },
      });
      const restored = unwrap(await command(reader.socket, 'room:catch-up', { sessionId, afterSeq: 0 }));
      expect(postedMessages(restored.events).find((m) => m.id === sent.id)).toMatchObject({ text, hidden: false });
    });

    it('removes a message for everyone, and all of one person’s messages at once', async () => {
      const { sessionId, facilitator, people } = await openRoom(2);
      const author = await seat(people[0]!, sessionId, other);
      const reader = await seat(people[1]!, sessionId);
      const authorNotices = collect(author.socket, 'room:notice');
      const readerEvents = collectEvents(reader.socket);

      const text = 'Something cruel about another member.';
      const sent = unwrap(await send(author.socket, sessionId, text));
      const removed = unwrap(await command(facilitator, 'message:remove', { sessionId, messageId: sent.id, reason: 'Hurtful.' }));
      expect(await arrival(readerEvents.received, (e) => e.seq === removed.seq, 'the removal')).toMatchObject({
        type: 'message',
        change: 'deleted',
        message: { id: sent.id, text: '', deleted: true },
      });
      expect(await arrival(authorNotices.received, (n) => n.kind === 'message_removed', 'the removal notice')).toMatchObject({
        kind: 'message_removed',
        until: null,
      });
      const [row] = await node.database.db.select().from(messages).where(eq(messages.id, sent.id));
      expect(row!.body).toBe('');
      for (const socket of [reader.socket, facilitator]) {
        const page = unwrap(await command(socket, 'room:catch-up', { sessionId, afterSeq: 0 }));
        expect(JSON.stringify(page)).not.toContain('cruel');
      }
      expect(await command(facilitator, 'message:remove', { sessionId, messageId: sent.id, reason: '' })).toMatchObject({
        ok: false,
        error: { code: 'conflict' },
      });

      const theirs = [];
      for (const words of ['One unkind thing.', 'Another unkind thing.', 'A third unkind thing.']) {
        theirs.push(unwrap(await send(author.socket, sessionId, words)).id);
      }
      unwrap(await command(author.socket, 'message:delete', { sessionId, messageId: theirs[2]! }));
      const kept = unwrap(await send(reader.socket, sessionId, 'My own words stay.'));
      const noticesBefore = authorNotices.received.length;
      const cleared = unwrap(
        await command(facilitator, 'member:clear-messages', { sessionId, memberId: author.me.memberId, reason: 'Pattern.' }),
      );
      expect(cleared).toEqual({ removed: 2 });
      const rows = await node.database.db
        .select()
        .from(messages)
        .where(and(eq(messages.sessionId, sessionId), eq(messages.authorId, author.me.memberId)));
      expect(rows).toHaveLength(4);
      expect(rows.map((r) => [r.body, r.deletedAt !== null])).toEqual(rows.map(() => ['', true]));
      const deletedIds = () =>
        readerEvents.received.flatMap((e) => (e.type === 'message' && e.change === 'deleted' ? [e.message.id] : [])).sort();
      await expect.poll(deletedIds, { timeout: 5000 }).toEqual([sent.id, ...theirs].sort());
      await expect.poll(() => authorNotices.received.length, { timeout: 5000 }).toBe(noticesBefore + 1);
      expect(authorNotices.received.at(-1)).toMatchObject({ kind: 'message_removed' });
      const [keptRow] = await node.database.db.select().from(messages).where(eq(messages.id, kept.id));
      expect(storedText(node, 'messages', 'body', keptRow!, 'body')).toBe('My own words stay.');
    });

    it('records a facilitator’s warning in the audit log', async () => {
      const { groupId, sessionId, facilitator, people } = await openRoom(1);
      const { socket } = await seat(people[0]!, sessionId);
      const sent = unwrap(await send(socket, sessionId, 'It was the anniversary of it today.'));
      unwrap(
        await command(facilitator, 'message:warn', {
          sessionId,
          messageId: sent.id,
          warning: { categories: ['sexual-violence'], note: '' },
        }),
      );
      const log = await organiser.get(`/api/groups/${groupId}/audit?action=message.warn`);
      expect(log.status).toBe(200);
      expect(log.json.entries).toEqual([
        expect.objectContaining({ action: 'message.warn', sessionId, target: 'sexual-violence' }),
      ]);
      expect(JSON.stringify(log.json)).not.toContain('anniversary');
    });
  });

  describe('reports', () => {
    it('queues a report with the reported words until resolved, then discards them', async () => {
      const { sessionId, facilitator, people } = await openRoom(2);
      const author = await seat(people[0]!, sessionId, other);
      const reporter = await seat(people[1]!, sessionId);
      const staffNews = collect(facilitator, 'staff:changed');
      const text = 'Words someone found hurtful.';
      const sent = unwrap(await send(author.socket, sessionId, text));
      const note = 'This made me feel unsafe.';
      said.push(note);
      unwrap(await command(reporter.socket, 'message:report', { sessionId, messageId: sent.id, reason: 'hurtful', note }));
      await staffNews.waitFor(1);
      const queued = (await staffState(facilitator, sessionId)).reports;
      expect(queued).toEqual([
        { id: expect.any(String), messageId: sent.id, author: author.me, reportedText: text, warning: null, reason: 'hurtful', note, at: expect.any(String) },
      ]);

      // The author deleting it does not hide it from the facilitators deciding.
      unwrap(await command(author.socket, 'message:delete', { sessionId, messageId: sent.id }));
      expect((await staffState(facilitator, sessionId)).reports).toEqual(queued);

      unwrap(
        await command(facilitator, 'report:resolve', { sessionId, reportId: queued[0]!.id, outcome: 'action_taken', note: 'Spoke with them.' }),
      );
      expect((await staffState(facilitator, sessionId)).reports).toEqual([]);
      const [row] = await node.database.db.select().from(reports).where(eq(reports.id, queued[0]!.id));
      expect(row).toMatchObject({ reportedText: '', outcome: 'action_taken', resolvedAt: expect.any(Date) });
      expect(
        await command(facilitator, 'report:resolve', { sessionId, reportId: queued[0]!.id, outcome: 'dismissed', note: '' }),
      ).toMatchObject({ ok: false, error: { code: 'conflict' } });
    });
  });

  describe('reports left open', () => {
    it('discards the reported words when the session ends unresolved', async () => {
      const { sessionId, facilitator, people } = await openRoom(1);
      const reporter = await seat(people[0]!, sessionId);
      const said = unwrap(await send(facilitator, sessionId, 'Words someone found hard.'));
      unwrap(await command(reporter.socket, 'message:report', { sessionId, messageId: said.id, reason: 'hurtful', note: '' }));
      expect((await organiser.post(`/api/sessions/${sessionId}/end`, {})).status).toBe(200);
      const stored = await node.database.db.select().from(reports).where(eq(reports.messageId, said.id));
      expect(stored.map((r) => r.reportedText)).toEqual(['']);
    });
  });

  describe('safety signals', () => {
    it('brings “I need support” to every facilitator until one acknowledges it', async () => {
      const { groupId, sessionId, facilitator, people } = await openRoom(1);
      const co = await coFacilitator(groupId, sessionId, other);
      const asking = await seat(people[0]!, sessionId);
      const leadNews = collect(facilitator, 'staff:changed');
      const coNews = collect(co.socket, 'staff:changed');
      const askingNews = collect(asking.socket, 'staff:changed');
      const askingEvents = collectEvents(asking.socket);

      expect(unwrap(await command(asking.socket, 'support:request', { sessionId }))).toEqual({ facilitatorsPresent: true });
      await leadNews.waitFor(1);
      await coNews.waitFor(1);
      const request = { id: expect.any(String), sessionId, member: asking.me, at: expect.any(String) };
      const seenByLead = (await staffState(facilitator, sessionId)).supportRequests;
      expect(seenByLead).toEqual([request]);
      expect((await staffState(co.socket, sessionId)).supportRequests).toEqual([request]);

      unwrap(await command(co.socket, 'support:acknowledge', { sessionId, requestId: seenByLead[0]!.id }));
      await leadNews.waitFor(2);
      await coNews.waitFor(2);
      expect((await staffState(facilitator, sessionId)).supportRequests).toEqual([]);
      expect((await staffState(co.socket, sessionId)).supportRequests).toEqual([]);
      expect(
        await command(facilitator, 'support:acknowledge', { sessionId, requestId: seenByLead[0]!.id }),
      ).toMatchObject({ ok: false, error: { code: 'conflict' } });
      await settle();
      expect(askingNews.received).toEqual([]);
      expect(askingEvents.received).toEqual([]);
    });

    it('alerts facilitators to crisis language without blocking the message, and offers the writer support', async () => {
      const { sessionId, facilitator, people } = await openRoom(2);
      const writer = await seat(people[0]!, sessionId, other);
      const bystander = await seat(people[1]!, sessionId);
      const writerNotices = collect(writer.socket, 'room:notice');
      const bystanderNotices = collect(bystander.socket, 'room:notice');
      const bystanderStaff = collect(bystander.socket, 'staff:changed');
      const bystanderEvents = collectEvents(bystander.socket);
      const staffNews = collect(facilitator, 'staff:changed');

      const text = 'I want to die.';
      const sent = unwrap(await send(writer.socket, sessionId, text));
      const [row] = await node.database.db.select().from(messages).where(eq(messages.id, sent.id));
      expect(storedText(node, 'messages', 'body', row!, 'body')).toBe(text);
      expect(await arrival(bystanderEvents.received, (e) => e.seq === sent.seq, 'the message')).toMatchObject({
        type: 'message',
        change: 'posted',
        message: { id: sent.id, text },
      });
      expect(await arrival(writerNotices.received, (n) => n.kind === 'support_offered', 'the support card')).toEqual({
        sessionId,
        kind: 'support_offered',
        message: expect.any(String),
        until: null,
      });
      await staffNews.waitFor(1);
      const raised = (await staffState(facilitator, sessionId)).alerts;
      expect(raised).toEqual([
        { id: expect.any(String), kind: 'crisis_language', member: writer.me, messageId: sent.id, at: expect.any(String) },
      ]);

      // Negated, or someone else's words in quotes: no alert, no card.
      unwrap(await send(writer.socket, sessionId, 'I would never hurt myself.'));
      unwrap(await send(writer.socket, sessionId, 'My sister once said "I want to die" and it scared me.'));
      // Facilitators quoting the list are not flagged either.
      unwrap(await send(facilitator, sessionId, 'If you ever feel you want to die, tell us.'));
      await settle();
      expect((await staffState(facilitator, sessionId)).alerts).toEqual(raised);
      expect(writerNotices.received.filter((n) => n.kind === 'support_offered')).toHaveLength(1);

      expect(bystanderNotices.received).toEqual([]);
      expect(bystanderStaff.received).toEqual([]);
      expect(bystanderEvents.received.every((e) => e.type === 'message' && e.change === 'posted')).toBe(true);

      // Editing a message into crisis language counts as writing it.
      const edited = unwrap(await send(writer.socket, sessionId, 'Today was long.'));
      unwrap(await command(writer.socket, 'message:edit', { sessionId, messageId: edited.id, text: 'I can’t go on like this.' }));
      said.push('I can’t go on like this.');
      await expect.poll(async () => (await staffState(facilitator, sessionId)).alerts.map((a) => a.messageId), { timeout: 5000 }).toEqual([
        sent.id,
        edited.id,
      ]);
      await expect.poll(() => writerNotices.received.filter((n) => n.kind === 'support_offered').length, { timeout: 5000 }).toBe(2);

      for (const alert of (await staffState(facilitator, sessionId)).alerts) {
        unwrap(await command(facilitator, 'alert:acknowledge', { sessionId, alertId: alert.id }));
      }
      expect((await staffState(facilitator, sessionId)).alerts).toEqual([]);
      expect(await command(facilitator, 'alert:acknowledge', { sessionId, alertId: raised[0]!.id })).toMatchObject({
        ok: false,
        error: { code: 'conflict' },
      });
    });
  });

  describe('side conversation', () => {
    it('keeps a private thread between one participant and all the facilitators', async () => {
      const { groupId, sessionId, facilitator, people } = await openRoom(2);
      const co = await coFacilitator(groupId, sessionId, other);
      const writer = await seat(people[0]!, sessionId, other);
      const bystander = await seat(people[1]!, sessionId);
      const leadSide = collect(facilitator, 'side:message');
      const coSide = collect(co.socket, 'side:message');
      const writerSide = collect(writer.socket, 'side:message');
      const bystanderSide = collect(bystander.socket, 'side:message');
      const bystanderEvents = collectEvents(bystander.socket);

      const question = 'Could I have a quiet word, just us?';
      said.push(question);
      const asked = unwrap(
        await command(writer.socket, 'side:send', { sessionId, participantId: null, clientId: newClientId(), text: question }),
      );
      const expected = { id: asked.id, sessionId, participantId: writer.me.memberId, author: writer.me, text: question, createdAt: expect.any(String) };
      expect((await leadSide.waitFor(1))[0]).toEqual(expected);
      expect((await coSide.waitFor(1))[0]).toEqual(expected);

      const answer = 'Of course. I am here.';
      said.push(answer);
      const answered = unwrap(
        await command(co.socket, 'side:send', { sessionId, participantId: writer.me.memberId, clientId: newClientId(), text: answer }),
      );
      const reply = await arrival(writerSide.received, (m) => m.id === answered.id, 'the reply');
      expect(reply).toMatchObject({ participantId: writer.me.memberId, author: co.me, text: answer });
      await leadSide.waitFor(2);

      // Nobody else's thread can be named.
      expect(
        await command(bystander.socket, 'side:send', {
          sessionId,
          participantId: writer.me.memberId,
          clientId: newClientId(),
          text: 'Let me read along.',
        }),
      ).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(
        await command(facilitator, 'side:send', { sessionId, participantId: null, clientId: newClientId(), text: 'To whom?' }),
      ).toMatchObject({ ok: false, error: { code: 'invalid_input' } });

      const back = await seat(people[0]!, sessionId);
      expect(back.joined.sideMessages.map((m) => m.text)).toEqual([question, answer]);
      const theirs = await seat(people[1]!, sessionId, other);
      expect(theirs.joined.sideMessages).toEqual([]);
      expect(JSON.stringify(theirs.joined)).not.toContain('quiet word');
      const thread = (await staffState(facilitator, sessionId)).sideMessages;
      expect(thread.map((m) => [m.participantId, m.text])).toEqual([
        [writer.me.memberId, question],
        [writer.me.memberId, answer],
      ]);
      await settle();
      expect(bystanderSide.received).toEqual([]);
      expect(JSON.stringify(bystanderEvents.received)).not.toContain('quiet word');
    });
  });

  describe('check-out', () => {
    it('takes one anonymous check-out from each person who was in the room, and shows only totals', async () => {
      const { groupId, sessionId, people } = await openRoom(3);
      const co = await coFacilitator(groupId, sessionId, node);
      for (const person of people.slice(0, 2)) await seat(person, sessionId, other);
      expect((await organiser.post(`/api/sessions/${sessionId}/end`, {})).status).toBe(200);

      const [first, second, absent] = people;
      expect((await first!.client.post(`/api/sessions/${sessionId}/check-out`, { colour: 'green', word: 'Lighter' })).status).toBe(204);
      const twice = await first!.client.post(`/api/sessions/${sessionId}/check-out`, { colour: 'red', word: 'again' });
      expect(twice.status).toBe(409);
      expect(twice.json.code).toBe('conflict');
      expect((await second!.client.post(`/api/sessions/${sessionId}/check-out`, { colour: 'amber', word: 'lighter' })).status).toBe(204);
      // Someone who never came into the room, and a facilitator, have no check-out to give.
      const notThere = await absent!.client.post(`/api/sessions/${sessionId}/check-out`, { colour: 'green', word: '' });
      expect(notThere.status).toBe(403);
      expect(notThere.json.code).toBe('forbidden');
      expect((await co.client.post(`/api/sessions/${sessionId}/check-out`, { colour: 'green', word: '' })).status).toBe(403);
      expect((await second!.client.post(`/api/sessions/${sessionId}/check-out`, { colour: 'purple', word: '' })).status).toBe(400);

      const expected = {
        sessionId,
        total: 2,
        colours: { green: 1, amber: 1, red: 0 },
        words: [{ word: 'lighter', count: 2 }],
      };
      for (const viewer of [organiser, co.client]) {
        const summary = await viewer.get(`/api/sessions/${sessionId}/check-out`);
        expect(summary.status).toBe(200);
        expect(summary.json).toEqual(expected);
      }
      for (const person of people) {
        const refused = await person.client.get(`/api/sessions/${sessionId}/check-out`);
        expect(refused.status).toBe(403);
      }

      // Nothing ties an answer to a person: only totals are stored, with no member column.
      const rowsOf = async (table: string) =>
        ((await node.database.db.execute(sql.raw(`select * from ${table} where session_id = '${sessionId}'`))) as unknown as {
          rows: Array<Record<string, unknown>>;
        }).rows;
      const colours = await rowsOf('check_out_colours');
      expect(colours.map((row) => [row.colour, row.count]).sort()).toEqual([['amber', 1], ['green', 1]]);
      for (const row of colours) expect(Object.keys(row).sort()).toEqual(['colour', 'count', 'session_id']);
      const words = await rowsOf('check_out_words');
      // Each word is sealed; a keyed hash of it, not the word, is what adds answers up.
      expect(words.map((row) => [storedText(node, 'check_out_words', 'word', row as { id: string }, 'word'), row.count])).toEqual([['lighter', 2]]);
      expect(JSON.stringify(words)).not.toContain('lighter');
      for (const row of words) expect(Object.keys(row).sort()).toEqual(['count', 'id', 'session_id', 'word', 'word_key']);
    });

    it('shows the totals only once the session has ended', async () => {
      const { sessionId, people } = await openRoom(1);
      await seat(people[0]!, sessionId);
      expect((await people[0]!.client.post(`/api/sessions/${sessionId}/check-out`, { colour: 'amber', word: '' })).status).toBe(204);
      const early = await organiser.get(`/api/sessions/${sessionId}/check-out`);
      expect(early.status).toBe(409);
      expect(early.json.code).toBe('conflict');
      expect((await organiser.post(`/api/sessions/${sessionId}/end`, {})).status).toBe(200);
      expect((await organiser.get(`/api/sessions/${sessionId}/check-out`)).json.colours).toEqual({ green: 0, amber: 1, red: 0 });
    });
  });

  describe('the audit log', () => {
    it('records every facilitator and organiser action, never the content, and cannot be changed', async () => {
      const group = await createGroup(organiser, undefined, { waitingRoom: true });
      const groupId = group.id;
      const sessionId = (await startSession(organiser, groupId)).id;
      const facilitator = await socketOf(organiser);
      await enter(facilitator, sessionId);
      const [writer, reporter, removed, banned, promoted] = [
        await inviteParticipant(organiser, groupId),
        await inviteParticipant(organiser, groupId),
        await inviteParticipant(organiser, groupId),
        await inviteParticipant(organiser, groupId),
        await inviteParticipant(organiser, groupId),
      ];
      const content = {
        hidden: 'A detail that names where I live.',
        removed: 'A remark that hurt someone.',
        warned: 'Something about the night it happened.',
        cleared: 'One more thing I said.',
        crisis: 'I want to die.',
        reportNote: 'This one upset me a lot.',
        side: 'Can we talk in private for a moment?',
        sideReply: 'Yes, we are here with you.',
        announcement: 'Let us pause and breathe.',
      };
      said.push(...Object.values(content));

      // The waiting room: one let in by name, the others all at once.
      const seats: Record<string, { socket: TestSocket; me: Member }> = {};
      for (const [name, person] of Object.entries({ writer, reporter, removed, banned })) {
        const socket = await socketOf(person!.client, name === 'writer' ? other : node);
        const waiting = await enter(socket, sessionId);
        expect(waiting.admitted).toBe(false);
        seats[name] = { socket, me: waiting.me };
      }
      unwrap(await command(facilitator, 'room:admit', { sessionId, memberId: seats.writer!.me.memberId }));
      expect(unwrap(await command(facilitator, 'room:admit-all', { sessionId }))).toEqual({ admitted: 3 });
      for (const { socket } of Object.values(seats)) expect((await enter(socket, sessionId)).admitted).toBe(true);
      const w = seats.writer!.socket;

      // Messages.
      const hideMe = unwrap(await send(w, sessionId, content.hidden));
      const removeMe = unwrap(await send(w, sessionId, content.removed));
      const warnMe = unwrap(await send(w, sessionId, content.warned));
      unwrap(await send(w, sessionId, content.cleared));
      unwrap(await command(facilitator, 'message:hide', { sessionId, messageId: hideMe.id, hidden: true, reason: 'Identifying.' }));
      unwrap(await command(facilitator, 'message:remove', { sessionId, messageId: removeMe.id, reason: 'Hurtful.' }));
      unwrap(
        await command(facilitator, 'message:warn', { sessionId, messageId: warnMe.id, warning: { categories: ['self-harm'], note: '' } }),
      );
      unwrap(
        await command(seats.reporter!.socket, 'message:report', {
          sessionId,
          messageId: warnMe.id,
          reason: 'unsafe',
          note: content.reportNote,
        }),
      );
      const reportId = (await staffState(facilitator, sessionId)).reports[0]!.id;
      unwrap(await command(facilitator, 'report:resolve', { sessionId, reportId, outcome: 'dismissed', note: 'Talked it through.' }));
      expect(
        unwrap(await command(facilitator, 'member:clear-messages', { sessionId, memberId: seats.writer!.me.memberId, reason: '' })),
      ).toEqual({ removed: 3 });

      // Safety signals and the side conversation.
      unwrap(await command(seats.reporter!.socket, 'support:request', { sessionId }));
      const requestId = (await staffState(facilitator, sessionId)).supportRequests[0]!.id;
      unwrap(await command(facilitator, 'support:acknowledge', { sessionId, requestId }));
      unwrap(await send(w, sessionId, content.crisis));
      const alertId = (await staffState(facilitator, sessionId)).alerts[0]!.id;
      unwrap(await command(facilitator, 'alert:acknowledge', { sessionId, alertId }));
      unwrap(await command(w, 'side:send', { sessionId, participantId: null, clientId: newClientId(), text: content.side }));
      unwrap(
        await command(facilitator, 'side:send', {
          sessionId,
          participantId: seats.writer!.me.memberId,
          clientId: newClientId(),
          text: content.sideReply,
        }),
      );

      // Room controls.
      unwrap(await command(facilitator, 'room:announce', { sessionId, clientId: newClientId(), text: content.announcement }));
      unwrap(await command(facilitator, 'room:pause', { sessionId, seconds: 60 }));
      unwrap(await command(facilitator, 'room:resume', { sessionId }));
      unwrap(await command(facilitator, 'room:slow-mode', { sessionId, seconds: 10 }));
      unwrap(await command(facilitator, 'room:lock', { sessionId, locked: true }));
      unwrap(await command(facilitator, 'checkin:open', { sessionId }));

      // People.
      unwrap(
        await command(facilitator, 'member:mute', { sessionId, memberId: seats.writer!.me.memberId, minutes: 5, reason: 'A breather.' }),
      );
      unwrap(await command(facilitator, 'member:unmute', { sessionId, memberId: seats.writer!.me.memberId }));
      unwrap(await command(facilitator, 'member:remove', { sessionId, memberId: seats.removed!.me.memberId, reason: 'Interrupting.' }));
      unwrap(await command(facilitator, 'member:ban', { sessionId, memberId: seats.banned!.me.memberId, reason: 'Threats.' }));

      // Organiser actions.
      const promotedId = await memberIdOf(organiser, groupId, promoted!.pseudonym);
      const changed = await organiser.request('PATCH', `/api/groups/${groupId}/members/${promotedId}`, { role: 'facilitator' });
      expect(changed.status, JSON.stringify(changed.json)).toBe(200);
      expect((await organiser.post(`/api/sessions/${sessionId}/end`, {})).status).toBe(200);

      const all = await organiser.get(`/api/groups/${groupId}/audit?limit=200`);
      expect(all.status).toBe(200);
      expect(all.json.hasMore).toBe(false);
      const entries = all.json.entries as AuditEntry[];
      const actions = new Set(entries.map((e) => e.action));
      const expectedActions = [
        'group.create',
        'group.update',
        'invite.create',
        'session.start',
        'session.end',
        'member.change_role',
        'room.admit',
        'room.announce',
        'room.pause',
        'room.resume',
        'room.slow_mode',
        'room.lock',
        'checkin.open',
        'person.mute',
        'person.unmute',
        'person.remove',
        'person.ban',
        'message.hide',
        'message.remove',
        'messages.clear',
        'message.warn',
        'report.resolve',
        'support.acknowledge',
        'alert.acknowledge',
        'side.message',
      ];
      for (const action of expectedActions) expect(actions, action).toContain(action);
      // Newest first.
      const times = entries.map((e) => Date.parse(e.at));
      expect([...times].sort((a, b) => b - a)).toEqual(times);
      const byAction = (action: string) => entries.filter((e) => e.action === action);
      expect(byAction('room.admit').map((e) => e.target).sort()).toEqual(
        [writer, reporter, removed, banned].map((p) => p!.pseudonym).sort(),
      );
      expect(byAction('invite.create')).toHaveLength(5);
      for (const entry of entries.filter((e) => e.action.startsWith('room.') || e.action.startsWith('person.') || e.action.startsWith('message'))) {
        expect(entry, entry.action).toMatchObject({ sessionId, actor: group.myPseudonym });
      }
      expect(byAction('person.mute')).toEqual([
        expect.objectContaining({ target: writer!.pseudonym, reason: expect.stringContaining('5 min') }),
      ]);
      expect(byAction('person.remove')).toEqual([expect.objectContaining({ target: removed!.pseudonym, reason: 'Interrupting.' })]);
      expect(byAction('person.ban')).toEqual([expect.objectContaining({ target: banned!.pseudonym, reason: 'Threats.' })]);
      expect(byAction('member.change_role')).toEqual([
        expect.objectContaining({ target: promoted!.pseudonym, reason: expect.stringContaining('facilitator') }),
      ]);
      expect(byAction('report.resolve')).toEqual([expect.objectContaining({ reason: 'Talked it through.' })]);
      expect(byAction('messages.clear')).toEqual([expect.objectContaining({ target: writer!.pseudonym, reason: expect.stringContaining('3') })]);
      expect(byAction('session.end')).toEqual([expect.objectContaining({ sessionId })]);

      // Never the content acted on.
      const everything = JSON.stringify(all.json);
      for (const text of Object.values(content)) expect(everything, text).not.toContain(text);
      const rows = await node.database.db.select().from(auditLog).where(eq(auditLog.groupId, groupId));
      expect(rows).toHaveLength(entries.length);
      const stored = JSON.stringify(rows);
      for (const text of Object.values(content)) expect(stored, text).not.toContain(text);

      // Filtering.
      const admits = await organiser.get(`/api/groups/${groupId}/audit?action=room.admit`);
      expect(admits.json.entries).toHaveLength(4);
      expect(admits.json.entries.every((e: AuditEntry) => e.action === 'room.admit')).toBe(true);
      const mutes = await organiser.get(`/api/groups/${groupId}/audit?action=person.mute`);
      expect(mutes.json.entries.map((e: AuditEntry) => e.id)).toEqual(byAction('person.mute').map((e) => e.id));
      const ofSession = await organiser.get(`/api/groups/${groupId}/audit?sessionId=${sessionId}&limit=200`);
      expect(ofSession.json.entries.length).toBeGreaterThan(20);
      expect(ofSession.json.entries.every((e: AuditEntry) => e.sessionId === sessionId)).toBe(true);
      expect(ofSession.json.entries.map((e: AuditEntry) => e.action)).not.toContain('group.create');
      expect((await organiser.get(`/api/groups/${groupId}/audit?action=not.an.action`)).status).toBe(400);

      // Paging: every entry once, in the same order.
      const paged: AuditEntry[] = [];
      let cursor = '';
      for (let page = 0; page < 50; page++) {
        const res = await organiser.get(`/api/groups/${groupId}/audit?limit=4${cursor}`);
        expect(res.status).toBe(200);
        paged.push(...res.json.entries);
        if (!res.json.hasMore) break;
        expect(res.json.entries).toHaveLength(4);
        const last = res.json.entries.at(-1) as AuditEntry;
        cursor = `&before=${encodeURIComponent(last.at)}&beforeId=${last.id}`;
      }
      expect(paged.map((e) => e.id)).toEqual(entries.map((e) => e.id));

      // Organisers only.
      const promotedNow = await organiser.get(`/api/groups/${groupId}/members`);
      expect(promotedNow.json.members.find((m: { memberId: string }) => m.memberId === promotedId).role).toBe('facilitator');
      const asFacilitator = await promoted!.client.get(`/api/groups/${groupId}/audit`);
      expect(asFacilitator.status).toBe(403);
      expect(asFacilitator.json.code).toBe('forbidden');
      expect((await reporter!.client.get(`/api/groups/${groupId}/audit`)).status).toBe(403);
      const stranger = await inviteParticipant(organiser, (await createGroup(organiser)).id);
      expect((await stranger.client.get(`/api/groups/${groupId}/audit`)).status).toBe(404);

      // Nothing edits it, even straight in the database.
      const db = node.database.db;
      await expect(db.execute(sql`update audit_log set reason = 'x' where group_id = ${groupId}`)).rejects.toThrow();
      await expect(db.execute(sql`delete from audit_log where group_id = ${groupId}`)).rejects.toThrow();
      const after = await db.select().from(auditLog).where(eq(auditLog.groupId, groupId));
      expect(after).toHaveLength(rows.length);
      expect(after.some((row) => row.reason === 'x')).toBe(false);
    });

    it('pages through entries that fall in the same millisecond without losing any', async () => {
      const group = await createGroup(organiser);
      const actorAccountId = randomUUID();
      // Two entries 400 microseconds apart, within one millisecond, an hour ago.
      const ms = new Date(Math.floor(Date.now() / 1000) * 1000 - 3600_000).toISOString();
      for (const micro of [100, 500]) {
        await node.database.db.execute(
          sql`insert into audit_log (group_id, actor_account_id, actor_name, action, at)
              values (${group.id}, ${actorAccountId}, 'someone', 'room.lock', ${ms}::timestamptz + ${micro}::int * interval '1 microsecond')`,
        );
      }
      const all = (await organiser.get(`/api/groups/${group.id}/audit?limit=200`)).json.entries as AuditEntry[];
      expect(all.filter((e) => e.action === 'room.lock')).toHaveLength(2);
      const paged: AuditEntry[] = [];
      let cursor = '';
      for (let page = 0; page < 20; page++) {
        const res = await organiser.get(`/api/groups/${group.id}/audit?limit=1${cursor}`);
        paged.push(...res.json.entries);
        if (!res.json.hasMore) break;
        const last = res.json.entries.at(-1) as AuditEntry;
        cursor = `&before=${encodeURIComponent(last.at)}&beforeId=${last.id}`;
      }
      expect(paged.map((e) => e.id)).toEqual(all.map((e) => e.id));
    });
  });

  describe('authorization: every facilitator command', () => {
    it('covers every facilitator command of the protocol, each held to facilitators by the policy table', () => {
      const others = Object.keys(clientCommands).filter((name) => !(participantCommands as readonly string[]).includes(name));
      expect([...facilitatorCommands].sort()).toEqual(others.sort());
      for (const action of ['room.admit', 'room.control', 'person.moderate', 'message.moderate', 'message.warn', 'room.console'] as const) {
        expect([...policy[action]].sort(), action).toEqual(['facilitator', 'lead_facilitator']);
      }
    });

    it('refuses each to an admitted participant and to a facilitator of another group; nothing changes', async () => {
      const { groupId, sessionId, facilitator, people } = await openRoom(2);
      const actor = await seat(people[0]!, sessionId, other);
      const target = await seat(people[1]!, sessionId);
      // Real things to act on, so that a missing check would show as a change.
      const theirs = unwrap(await send(target.socket, sessionId, 'A message to act on.'));
      const mine = unwrap(await send(facilitator, sessionId, 'A facilitator’s message.'));
      unwrap(await command(target.socket, 'message:report', { sessionId, messageId: mine.id, reason: 'other', note: '' }));
      unwrap(await command(target.socket, 'support:request', { sessionId }));
      unwrap(await send(target.socket, sessionId, 'Some days I want to die.'));
      unwrap(await command(facilitator, 'checkin:open', { sessionId }));
      const console = await staffState(facilitator, sessionId);
      const [reportId, requestId, alertId] = [console.reports[0]!.id, console.supportRequests[0]!.id, console.alerts[0]!.id];
      const memberId = target.me.memberId;

      const attempts: { [K in FacilitatorCommand]: CommandPayload<K> } = {
        'staff:state': { sessionId },
        'room:admit': { sessionId, memberId },
        'room:admit-all': { sessionId },
        'room:announce': { sessionId, clientId: newClientId(), text: 'An announcement nobody may make.' },
        'room:pause': { sessionId, seconds: 60 },
        'room:resume': { sessionId },
        'room:slow-mode': { sessionId, seconds: 30 },
        'room:lock': { sessionId, locked: true },
        'checkin:open': { sessionId },
        'checkin:close': { sessionId },
        'member:mute': { sessionId, memberId, minutes: 5, reason: '' },
        'member:unmute': { sessionId, memberId },
        'member:remove': { sessionId, memberId, reason: '' },
        'member:ban': { sessionId, memberId, reason: 'No reason.' },
        'message:warn': { sessionId, messageId: theirs.id, warning: { categories: ['self-harm'], note: '' } },
        'message:hide': { sessionId, messageId: theirs.id, hidden: true, reason: '' },
        'message:remove': { sessionId, messageId: theirs.id, reason: '' },
        'member:clear-messages': { sessionId, memberId, reason: '' },
        'report:resolve': { sessionId, reportId, outcome: 'dismissed', note: '' },
        'support:acknowledge': { sessionId, requestId },
        'alert:acknowledge': { sessionId, alertId },
      };
      expect(Object.keys(attempts).sort()).toEqual([...facilitatorCommands].sort());
      for (const [name, payload] of Object.entries(attempts)) {
        const schema = clientCommands[name as FacilitatorCommand].payload as { safeParse(value: unknown): { success: boolean } };
        expect(schema.safeParse(payload).success, `${name} payload is valid`).toBe(true);
      }

      // A facilitator of another group, in their own room.
      const elsewhere = await createGroup(organiser);
      const elsewhereSession = (await startSession(organiser, elsewhere.id)).id;
      const outsider = await joinWithNewAccount(organiser, elsewhere.id, { role: 'facilitator', baseUrl: other.url });
      const outsiderSeat = await seat(outsider, elsewhereSession, other);
      expect(outsiderSeat.me.role).toBe('facilitator');
      expect(
        await command(outsiderSeat.socket, 'room:join', { sessionId, afterSeq: 0, reminderAcknowledged: true }),
      ).toMatchObject({ ok: false, error: { code: 'not_found' } });

      const db = node.database.db;
      const snapshot = async () =>
        JSON.stringify({
          session: (await db.select().from(sessions).where(eq(sessions.id, sessionId)))[0],
          events: await eventCount(sessionId),
          audit: await auditCount(groupId),
          messages: await db.select().from(messages).where(eq(messages.sessionId, sessionId)).orderBy(asc(messages.seq)),
          seats: await db.select().from(roomMembers).where(eq(roomMembers.sessionId, sessionId)).orderBy(asc(roomMembers.memberId)),
          members: await db.select().from(memberships).where(eq(memberships.groupId, groupId)).orderBy(asc(memberships.id)),
          reports: await db.select().from(reports).where(eq(reports.sessionId, sessionId)),
          support: await db.select().from(supportSignals).where(eq(supportSignals.sessionId, sessionId)),
          alerts: await db.select().from(alerts).where(eq(alerts.sessionId, sessionId)),
          checkIns: await db.select().from(checkIns).where(eq(checkIns.sessionId, sessionId)),
          side: await db.select().from(sideMessages).where(eq(sideMessages.sessionId, sessionId)),
        });
      const targetNotices = collect(target.socket, 'room:notice');
      const targetEvents = collectEvents(target.socket);
      const before = await snapshot();

      for (const [who, socket] of [
        ['an admitted participant', actor.socket],
        ['a facilitator of another group', outsiderSeat.socket],
      ] as const) {
        for (const [name, payload] of Object.entries(attempts)) {
          const answer = await raw(socket, name, payload);
          expect(answer, `${name} by ${who}`).toMatchObject({ ok: false, error: { code: 'forbidden' } });
        }
      }
      expect(await snapshot()).toBe(before);
      await settle();
      expect(targetNotices.received).toEqual([]);
      expect(targetEvents.received).toEqual([]);

      // Through their own room, naming this room's people and things: nothing here changes either.
      const own = elsewhereSession;
      for (const [name, payload] of [
        ['member:mute', { sessionId: own, memberId, minutes: 5, reason: '' }],
        ['member:remove', { sessionId: own, memberId, reason: '' }],
        ['member:ban', { sessionId: own, memberId, reason: 'No.' }],
        ['member:unmute', { sessionId: own, memberId }],
        ['member:clear-messages', { sessionId: own, memberId, reason: '' }],
        ['room:admit', { sessionId: own, memberId }],
        ['message:hide', { sessionId: own, messageId: theirs.id, hidden: true, reason: '' }],
        ['message:remove', { sessionId: own, messageId: theirs.id, reason: '' }],
        ['message:warn', { sessionId: own, messageId: theirs.id, warning: { categories: ['self-harm'], note: '' } }],
        ['report:resolve', { sessionId: own, reportId, outcome: 'dismissed', note: '' }],
        ['support:acknowledge', { sessionId: own, requestId }],
        ['alert:acknowledge', { sessionId: own, alertId }],
        ['side:send', { sessionId: own, participantId: memberId, clientId: newClientId(), text: 'Hello from elsewhere.' }],
      ] as const) {
        const answer = await raw(outsiderSeat.socket, name, payload);
        expect(answer, `${name} through another room`).toMatchObject({ ok: false });
        expect(['not_found', 'conflict', 'forbidden'], `${name} through another room`).toContain(answer.error.code);
      }
      expect(await snapshot()).toBe(before);

      // The room keeps working, and the things named were real: the facilitator acts on them.
      unwrap(await send(actor.socket, sessionId, 'I am still here and can write.'));
      unwrap(await command(facilitator, 'report:resolve', { sessionId, reportId, outcome: 'dismissed', note: '' }));
      unwrap(await command(facilitator, 'support:acknowledge', { sessionId, requestId }));
      unwrap(await command(facilitator, 'alert:acknowledge', { sessionId, alertId }));
      unwrap(await command(facilitator, 'message:hide', { sessionId, messageId: theirs.id, hidden: true, reason: '' }));
      unwrap(await command(facilitator, 'member:mute', { sessionId, memberId, minutes: 1, reason: '' }));
      unwrap(await send(outsiderSeat.socket, elsewhereSession, 'My own room works too.'));
    });
  });

  it('logged none of what was said, noted or answered', async () => {
    expect(said.length).toBeGreaterThan(20);
    for (const logs of new Set([node.logs, other.logs])) {
      expect(logs.lines.length).toBeGreaterThan(0);
      for (const text of said) expect(logs.text).not.toContain(text);
    }
  });
});

describe.each(modes)('timed endings across a restart, $name mode', (mode) => {
  it('ends a pause and a mute whose time passed while no node was running, on the new node’s first ticks', async () => {
    const place = await mode.provision();
    const quiet = { warn() {}, info() {}, error() {}, debug() {} } as unknown as Parameters<typeof openDatabase>[1];
    try {
      let node = await startNode(place, { roomClockMs: 200 });
      const organiser = await createOrganiser(node);
      const groupId = (await createGroup(organiser)).id;
      const sessionId = (await startSession(organiser, groupId)).id;
      const person = await inviteParticipant(organiser, groupId);
      const facilitator = await connect(node.url, organiser.cookie);
      const socket = await connect(node.url, person.client.cookie);
      let memberId: string;
      let pauseSeq: number;
      try {
        await enter(facilitator, sessionId);
        memberId = (await enter(socket, sessionId)).me.memberId;
        unwrap(await command(facilitator, 'member:mute', { sessionId, memberId, minutes: 30, reason: '' }));
        pauseSeq = unwrap(await command(facilitator, 'room:pause', { sessionId, seconds: 600 })).seq;
      } finally {
        socket.close();
        facilitator.close();
      }
      await node.close();

      // While no node runs, both come due.
      const offline = await openDatabase({ databaseUrl: place.databaseUrl, dataDir: place.dataDir }, quiet);
      try {
        const past = new Date(Date.now() - 5000);
        await offline.db
          .update(roomMembers)
          .set({ mutedUntil: past })
          .where(and(eq(roomMembers.sessionId, sessionId), eq(roomMembers.memberId, memberId)));
        await offline.db.update(sessions).set({ pausedUntil: past }).where(eq(sessions.id, sessionId));
      } finally {
        await offline.close();
      }

      const restartedAt = Date.now();
      node = await startNode(place, { roomClockMs: 200 });
      try {
        await expect
          .poll(async () => {
            const [session] = await node.database.db.select().from(sessions).where(eq(sessions.id, sessionId));
            const [seat] = await node.database.db
              .select()
              .from(roomMembers)
              .where(and(eq(roomMembers.sessionId, sessionId), eq(roomMembers.memberId, memberId)));
            return { pausedUntil: session!.pausedUntil, mutedUntil: seat!.mutedUntil };
          }, { timeout: 5000 })
          .toEqual({ pausedUntil: null, mutedUntil: null });
        const controls = await node.database.db
          .select()
          .from(roomEvents)
          .where(and(eq(roomEvents.sessionId, sessionId), eq(roomEvents.type, 'controls')))
          .orderBy(asc(roomEvents.seq));
        expect(controls).toHaveLength(2);
        expect(controls[0]!.seq).toBe(pauseSeq);
        expect(controls[1]!.createdAt.getTime()).toBeGreaterThanOrEqual(restartedAt - 50);

        // Coming back, the room says so, with the end of the pause among what they missed.
        const back = await connect(node.url, organiser.cookie);
        const again = await connect(node.url, person.client.cookie);
        try {
          await enter(back, sessionId);
          const joined = await enter(again, sessionId, pauseSeq);
          expect(joined.controls.pausedUntil).toBeNull();
          expect(joined.mutedUntil).toBeNull();
          expect(joined.events.filter(isControls)).toEqual([
            expect.objectContaining({ seq: controls[1]!.seq, controls: expect.objectContaining({ pausedUntil: null }) }),
          ]);
          unwrap(await command(again, 'message:send', { sessionId, clientId: newClientId(), text: 'Back after the restart.' }));
        } finally {
          back.close();
          again.close();
        }
      } finally {
        await node.close();
      }
    } finally {
      await place.dispose();
    }
  });
});
