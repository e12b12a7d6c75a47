import { and, count, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Message, RoomEvent } from '@hearth/shared';
import { memberships, messages, roomConnections, roomEvents, sessions } from '../../server/src/db/schema.ts';
import { STALE_CONNECTION_MS } from '../../server/src/jobs/roomClock.ts';
import {
  createGroup,
  createOrganiser,
  inviteParticipant,
  joinWithNewAccount,
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
  enter,
  followRoom,
  postedMessages,
  raw,
  unwrap,
  type TestSocket,
} from '../support/socket.ts';

/** Sequence numbers of a stream of events must run on without a gap or a repeat. */
function expectContiguous(events: readonly RoomEvent[], after: number) {
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => after + 1 + i));
}

/** Everything people wrote in this file's rooms, to look for in the logs afterwards. */
const said: string[] = ['Describes an assault.', 'Mentions old scars.', 'Better words.'];

const send = (socket: TestSocket, sessionId: string, text: string, extra: Record<string, unknown> = {}) => {
  said.push(text);
  return command(socket, 'message:send', { sessionId, clientId: newClientId(), text, ...extra });
};

describe.each(modes)('live rooms, $name mode', (mode) => {
  const { world, socketOf, openRoom } = roomWorld(mode);
  let node: Node;
  /** In services mode a second node on the same PostgreSQL and Redis; else the same node. */
  let other: Node;
  let organiser: HttpClient;
  beforeAll(() => ({ node, other, organiser } = world));

  const eventCount = async (sessionId: string) =>
    (await node.database.db.select({ n: count() }).from(roomEvents).where(eq(roomEvents.sessionId, sessionId)))[0]!.n;

  describe('delivery', () => {
    it('stores a resent message once and answers both sends with the same id and sequence', async () => {
      const { sessionId, people } = await openRoom();
      const socket = await socketOf(people[0]!.client);
      await enter(socket, sessionId);
      const clientId = newClientId();
      const payload = { sessionId, clientId, text: 'Sent twice by a flaky connection.' };
      const [first, second] = await Promise.all([
        command(socket, 'message:send', payload),
        command(socket, 'message:send', payload),
      ]);
      expect(unwrap(second)).toEqual(unwrap(first));
      const third = unwrap(await command(socket, 'message:send', payload));
      expect(third).toEqual(unwrap(first));
      const rows = await node.database.db.select().from(messages).where(eq(messages.clientId, clientId));
      expect(rows).toHaveLength(1);
    });

    it('acknowledges a send only once the message is committed', async () => {
      const { sessionId, facilitator } = await openRoom(0);
      const ack = unwrap(await send(facilitator, sessionId, 'Stored before it is confirmed.'));
      // Read through the other node's own connection pool: visible to everyone at once.
      const [row] = await other.database.db.select().from(messages).where(eq(messages.id, ack.id));
      expect(row).toMatchObject({ seq: ack.seq });
      expect(storedText(other, 'messages', 'body', row!, 'body')).toBe('Stored before it is confirmed.');
      const [event] = await other.database.db
        .select()
        .from(roomEvents)
        .where(and(eq(roomEvents.sessionId, sessionId), eq(roomEvents.seq, ack.seq)));
      expect(event).toMatchObject({ type: 'message', change: 'posted', messageId: ack.id });
    });

    it('catches up after a disconnect with what was said meanwhile: no gap, no duplicate', async () => {
      const { sessionId, facilitator, people } = await openRoom();
      const reader = await socketOf(people[0]!.client, other);
      const joined = await enter(reader, sessionId);
      const heard = collectEvents(reader);
      unwrap(await send(facilitator, sessionId, 'Before the drop.'));
      await heard.waitFor(1);
      const lastApplied = heard.received.at(-1)!.seq;
      reader.close();

      for (const text of ['While away, one.', 'While away, two.', 'While away, three.']) {
        unwrap(await send(facilitator, sessionId, text));
      }
      const back = await socketOf(people[0]!.client, other);
      const caughtUp = await enter(back, sessionId, lastApplied);
      expectContiguous(caughtUp.events, lastApplied);
      expect(postedMessages(caughtUp.events).map((m) => m.text)).toEqual([
        'While away, one.',
        'While away, two.',
        'While away, three.',
      ]);
      expect(caughtUp.lastSeq).toBe(caughtUp.events.at(-1)!.seq);
      expect(joined.lastSeq).toBeLessThan(lastApplied);
    });

    it('fills a gap a client noticed, in order, from where it asks', async () => {
      const { sessionId, facilitator, people } = await openRoom();
      const reader = await socketOf(people[0]!.client);
      const joined = await enter(reader, sessionId);
      for (const text of ['One.', 'Two.', 'Three.', 'Four.']) unwrap(await send(facilitator, sessionId, text));
      // The client applied up to its join and missed everything since: it asks for the rest.
      const page = unwrap(await command(reader, 'room:catch-up', { sessionId, afterSeq: joined.lastSeq }));
      expectContiguous(page.events, joined.lastSeq);
      expect(postedMessages(page.events).map((m) => m.text)).toEqual(['One.', 'Two.', 'Three.', 'Four.']);
      expect(page.hasMore).toBe(false);
      // Asking again from the middle gives exactly the tail.
      const tail = unwrap(await command(reader, 'room:catch-up', { sessionId, afterSeq: page.events[1]!.seq }));
      expect(tail.events.map((e) => e.seq)).toEqual(page.events.slice(2).map((e) => e.seq));
    });

    it('orders concurrent senders by commit, the same for every reader on every node', async () => {
      const { sessionId, facilitator, people } = await openRoom(3);
      const senders = await Promise.all(
        people.map(async (person, i) => {
          const socket = await socketOf(person.client, i % 2 === 0 ? node : other);
          await enter(socket, sessionId);
          return socket;
        }),
      );
      const start = unwrap(await command(facilitator, 'room:catch-up', { sessionId, afterSeq: 0 })).lastSeq;
      const readerHere = followRoom(facilitator, sessionId, start);
      const readerThere = followRoom(senders[1]!, sessionId, start);
      const perSender = 8;
      const acks = await Promise.all(
        senders.flatMap((socket, s) =>
          Array.from({ length: perSender }, (_, i) => send(socket, sessionId, `sender ${s} message ${i}`)),
        ),
      );
      const total = senders.length * perSender;
      const seqs = acks.map((ack) => unwrap(ack).seq).sort((a, b) => a - b);
      expect(seqs).toEqual(Array.from({ length: total }, (_, i) => start + 1 + i));

      for (const reader of [readerHere, readerThere]) {
        await reader.reach(start + total);
        expectContiguous(reader.applied, start);
        for (let s = 0; s < senders.length; s++) {
          expect(postedMessages(reader.applied).filter((m) => m.text.startsWith(`sender ${s} `))).toHaveLength(perSender);
        }
      }
      // Every reader sees one order: the order of commit, whichever node each is on.
      expect(readerHere.applied.map((e) => e.seq)).toEqual(readerThere.applied.map((e) => e.seq));
      expect(postedMessages(readerHere.applied).map((m) => m.id)).toEqual(postedMessages(readerThere.applied).map((m) => m.id));
    });

    it('reaches a client that was offline with a warning a facilitator added meanwhile', async () => {
      const { sessionId, facilitator, people } = await openRoom(2);
      const [writer, reader] = people;
      const writerSocket = await socketOf(writer!.client);
      await enter(writerSocket, sessionId);
      const readerSocket = await socketOf(reader!.client, other);
      await enter(readerSocket, sessionId);
      const heard = collectEvents(readerSocket);
      const sent = unwrap(await send(writerSocket, sessionId, 'Something that happened to me years ago.'));
      await heard.waitFor(1);
      const applied = heard.received.at(-1)!.seq;
      expect(postedMessages(heard.received)[0]!.warning).toBeNull();
      readerSocket.close();

      const warned = unwrap(
        await command(facilitator, 'message:warn', {
          sessionId,
          messageId: sent.id,
          warning: { categories: ['sexual-violence'], note: 'Describes an assault.' },
        }),
      );
      expect(warned.seq).toBeGreaterThan(applied);

      const back = await socketOf(reader!.client, other);
      const caughtUp = await enter(back, sessionId, applied);
      const change = caughtUp.events.find((e) => e.type === 'message' && e.change === 'warned');
      expect(change).toMatchObject({
        seq: warned.seq,
        message: {
          id: sent.id,
          warning: { categories: ['sexual-violence'], note: 'Describes an assault.', byFacilitator: true },
        },
      });
      // Someone arriving later sees the message with its warning from the start.
      const newcomer = await inviteParticipant(organiser, (await groupOf(sessionId)));
      const fromStart = await enter(await socketOf(newcomer.client), sessionId);
      const posted = postedMessages(fromStart.events).find((m) => m.id === sent.id)!;
      expect(posted.warning).toMatchObject({ categories: ['sexual-violence'] });
    });
  });

  async function groupOf(sessionId: string) {
    const [row] = await node.database.db.select({ groupId: sessions.groupId }).from(sessions).where(eq(sessions.id, sessionId));
    return row!.groupId;
  }

  describe('messages', () => {
    it('edits and deletes one’s own messages; others see that, never the old text', async () => {
      const { sessionId, facilitator, people } = await openRoom();
      const socket = await socketOf(people[0]!.client);
      const joined = await enter(socket, sessionId);
      const watching = collectEvents(facilitator);
      const sent = unwrap(await send(socket, sessionId, 'First words, soon changed.'));
      unwrap(await command(socket, 'message:edit', { sessionId, messageId: sent.id, text: 'Better words.' }));
      const other = unwrap(await send(socket, sessionId, 'Something I regret saying.'));
      unwrap(await command(socket, 'message:delete', { sessionId, messageId: other.id }));
      await watching.waitFor(4);
      const edited = watching.received.find((e) => e.type === 'message' && e.change === 'edited');
      expect(edited).toMatchObject({ message: { text: 'Better words.', editedAt: expect.any(String) } });
      const deleted = watching.received.find((e) => e.type === 'message' && e.change === 'deleted');
      expect(deleted).toMatchObject({ message: { id: other.id, deleted: true, text: '' } });

      const replay = unwrap(await command(socket, 'room:catch-up', { sessionId, afterSeq: joined.lastSeq }));
      const text = JSON.stringify(replay.events);
      expect(text).not.toContain('First words');
      expect(text).not.toContain('regret');
      const [row] = await node.database.db.select().from(messages).where(eq(messages.id, other.id));
      expect(row!.body).toBe('');
    });

    it('refuses changing someone else’s message, and nothing changes', async () => {
      const { sessionId, facilitator, people } = await openRoom();
      const socket = await socketOf(people[0]!.client);
      await enter(socket, sessionId);
      const theirs = unwrap(await send(facilitator, sessionId, 'The facilitator’s words.'));
      const before = await eventCount(sessionId);
      const edit = await command(socket, 'message:edit', { sessionId, messageId: theirs.id, text: 'Changed.' });
      expect(edit).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      const del = await command(socket, 'message:delete', { sessionId, messageId: theirs.id });
      expect(del).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      const warn = await command(socket, 'message:warn', {
        sessionId,
        messageId: theirs.id,
        warning: { categories: ['self-harm'] },
      });
      expect(warn).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(await eventCount(sessionId)).toBe(before);
      const [row] = await node.database.db.select().from(messages).where(eq(messages.id, theirs.id));
      expect(row).toMatchObject({ deletedAt: null, warningCategories: null });
      expect(storedText(node, 'messages', 'body', row!, 'body')).toBe('The facilitator’s words.');
      // The room keeps working for the person refused.
      unwrap(await send(socket, sessionId, 'Still here.'));
    });

    it('replies, reacts with the supportive set, and carries an author’s warning', async () => {
      const { sessionId, facilitator, people } = await openRoom();
      const socket = await socketOf(people[0]!.client);
      const me = (await enter(socket, sessionId)).me;
      const first = unwrap(await send(facilitator, sessionId, 'How is everyone arriving today?'));
      const reply = unwrap(
        await send(socket, sessionId, 'Tired, but here.', {
          replyToId: first.id,
          warning: { categories: ['self-harm'], note: 'Mentions old scars.' },
        }),
      );
      unwrap(await command(socket, 'message:react', { sessionId, messageId: first.id, reaction: 'hug', on: true }));
      const page = unwrap(await command(socket, 'room:catch-up', { sessionId, afterSeq: 0 }));
      const byId = new Map<string, Message>(postedMessages(page.events).map((m) => [m.id, m]));
      expect(byId.get(reply.id)).toMatchObject({
        replyToId: first.id,
        warning: { categories: ['self-harm'], note: 'Mentions old scars.', byFacilitator: false },
      });
      expect(byId.get(first.id)!.reactions).toEqual({ hug: [me.memberId] });
      unwrap(await command(socket, 'message:react', { sessionId, messageId: first.id, reaction: 'hug', on: false }));
      const after = unwrap(await command(socket, 'room:catch-up', { sessionId, afterSeq: 0 }));
      expect(postedMessages(after.events).find((m) => m.id === first.id)!.reactions).toEqual({});

      const unknownCategory = await send(socket, sessionId, 'Hm.', { warning: { categories: ['not-a-category'] } });
      expect(unknownCategory).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
      const badReaction = await raw(socket, 'message:react', { sessionId, messageId: first.id, reaction: 'thumbs-down', on: true });
      expect(badReaction).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    });

    it('passes typing signals to the others in the room only', async () => {
      const { sessionId, facilitator, people } = await openRoom();
      const socket = await socketOf(people[0]!.client, other);
      const me = (await enter(socket, sessionId)).me;
      const seenByFacilitator = collect(facilitator, 'room:typing');
      const seenBySelf = collect(socket, 'room:typing');
      unwrap(await command(socket, 'room:typing', { sessionId }));
      unwrap(await command(socket, 'room:typing', { sessionId }));
      await seenByFacilitator.waitFor(1);
      expect(seenByFacilitator.received[0]).toEqual({ sessionId, memberId: me.memberId });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(seenByFacilitator.received).toHaveLength(1);
      expect(seenBySelf.received).toHaveLength(0);
    });
  });

  describe('who may be in a room, and when', () => {
    it('keeps participants from posting while no facilitator is present', async () => {
      const groupId = (await createGroup(organiser)).id;
      const sessionId = (await startSession(organiser, groupId)).id;
      const person = await inviteParticipant(organiser, groupId);
      const socket = await socketOf(person.client);
      const joined = await enter(socket, sessionId);
      expect(joined.roster.map((r) => r.member.role)).toEqual(['participant']);
      const before = await eventCount(sessionId);
      const refused = await send(socket, sessionId, 'Is anyone here?');
      expect(refused).toMatchObject({ ok: false, error: { code: 'waiting_for_facilitator' } });
      expect(await eventCount(sessionId)).toBe(before);

      const facilitator = await socketOf(organiser, other);
      await enter(facilitator, sessionId);
      unwrap(await send(socket, sessionId, 'Hello.'));
      // Stepping out counts as not present: the room waits again.
      unwrap(await command(facilitator, 'room:presence', { sessionId, state: 'stepped_out' }));
      expect(await send(socket, sessionId, 'Hello?')).toMatchObject({ ok: false, error: { code: 'waiting_for_facilitator' } });
      unwrap(await command(facilitator, 'room:presence', { sessionId, state: 'present' }));
      unwrap(await command(facilitator, 'room:leave', { sessionId }));
      expect(await send(socket, sessionId, 'Gone?')).toMatchObject({ ok: false, error: { code: 'waiting_for_facilitator' } });
    });

    it('shows presence as events: present, stepped out, left; nothing in the conversation', async () => {
      const { sessionId, facilitator, people } = await openRoom();
      const watching = collectEvents(facilitator);
      const socket = await socketOf(people[0]!.client, other);
      const joined = await enter(socket, sessionId);
      expect(joined.roster.map((r) => [r.member.pseudonym, r.state])).toContainEqual([people[0]!.pseudonym, 'present']);
      expect(joined.roster.find((r) => r.member.role === 'lead_facilitator')?.state).toBe('present');
      unwrap(await command(socket, 'room:presence', { sessionId, state: 'stepped_out' }));
      socket.close();
      await watching.waitFor(3);
      expect(watching.received.map((e) => (e.type === 'presence' ? [e.member.pseudonym, e.state] : e.type))).toEqual([
        [people[0]!.pseudonym, 'present'],
        [people[0]!.pseudonym, 'stepped_out'],
        [people[0]!.pseudonym, 'left'],
      ]);
    });

    it('holds participants in the waiting room until a facilitator lets them in', async () => {
      const { groupId, sessionId, facilitator, people } = await openRoom(1, { waitingRoom: true });
      const socket = await socketOf(people[0]!.client, other);
      const staffNews = collect(facilitator, 'staff:changed');
      const admitted = collect(socket, 'room:admitted');
      const heard = collectEvents(socket);
      const waiting = await enter(socket, sessionId);
      expect(waiting).toMatchObject({ admitted: false, events: [], roster: [] });
      expect(waiting.agreement.text.length).toBeGreaterThan(0);
      unwrap(await send(facilitator, sessionId, 'Only for those inside.'));
      const before = await eventCount(sessionId);
      const early = await send(socket, sessionId, 'Can I come in?');
      expect(early).toMatchObject({ ok: false, error: { code: 'not_admitted' } });
      expect(await command(socket, 'room:presence', { sessionId, state: 'stepped_out' })).toMatchObject({
        ok: false,
        error: { code: 'not_admitted' },
      });
      expect(await eventCount(sessionId)).toBe(before);
      expect(await command(socket, 'room:catch-up', { sessionId, afterSeq: 0 })).toMatchObject({
        ok: false,
        error: { code: 'not_admitted' },
      });
      await staffNews.waitFor(1);
      const memberId = waiting.me.memberId;
      const console = unwrap(await command(facilitator, 'staff:state', { sessionId }));
      expect(console.waiting.map((m) => m.memberId)).toEqual([memberId]);

      // Participants cannot let anyone in.
      const someone = await inviteParticipant(organiser, groupId);
      const theirSocket = await socketOf(someone.client);
      const theirs = await enter(theirSocket, sessionId);
      expect(theirs.admitted).toBe(false);
      expect(await command(theirSocket, 'room:admit', { sessionId, memberId })).toMatchObject({
        ok: false,
        error: { code: 'not_admitted' },
      });

      unwrap(await command(facilitator, 'room:admit', { sessionId, memberId }));
      await admitted.waitFor(1);
      const inside = await enter(socket, sessionId);
      expect(inside.admitted).toBe(true);
      expect(postedMessages(inside.events).map((m) => m.text)).toEqual(['Only for those inside.']);
      expect(heard.received.filter((e) => e.type === 'message')).toEqual([]);
      // Once inside, a participant still cannot let others in.
      expect(await command(socket, 'room:admit', { sessionId, memberId: theirs.me.memberId })).toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      });
      // Admission lasts for the session: a reconnect does not wait again.
      socket.close();
      const again = await enter(await socketOf(people[0]!.client), sessionId);
      expect(again.admitted).toBe(true);
    });

    it('refuses people who are not members, and rooms that are closed, with nothing stored', async () => {
      const { sessionId, groupId, facilitator } = await openRoom();
      const stranger = await createGroup(organiser);
      const outsider = await inviteParticipant(organiser, stranger.id);
      const outsiderSocket = await socketOf(outsider.client);
      const refused = await command(outsiderSocket, 'room:join', { sessionId, afterSeq: 0, reminderAcknowledged: true });
      expect(refused).toMatchObject({ ok: false, error: { code: 'not_found' } });
      expect(await send(outsiderSocket, sessionId, 'Let me in.')).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      const noReminder = await raw(outsiderSocket, 'room:join', { sessionId, afterSeq: 0 });
      expect(noReminder).toMatchObject({ ok: false, error: { code: 'invalid_input' } });

      const ended = await organiser.post(`/api/sessions/${sessionId}/end`, {});
      expect(ended.status).toBe(200);
      expect(ended.json.status).toBe('closed');
      const member = await joinWithNewAccount(organiser, groupId);
      const late = await command(await socketOf(member.client), 'room:join', {
        sessionId,
        afterSeq: 0,
        reminderAcknowledged: true,
      });
      expect(late).toMatchObject({ ok: false, error: { code: 'room_closed' } });
      const before = await eventCount(sessionId);
      expect(await send(facilitator, sessionId, 'After the end.')).toMatchObject({
        ok: false,
        error: { code: 'room_closed' },
      });
      expect(await eventCount(sessionId)).toBe(before);
      expect((await organiser.post(`/api/sessions/${sessionId}/end`, {})).json.code).toBe('conflict');
    });

    it('lets participants ask for support, which only facilitators hear', async () => {
      const { sessionId, facilitator, people } = await openRoom(2);
      const asking = await socketOf(people[0]!.client, other);
      const me = (await enter(asking, sessionId)).me;
      const bystander = await socketOf(people[1]!.client);
      await enter(bystander, sessionId);
      const heardByFacilitator = collect(facilitator, 'staff:changed');
      const heardByBystander = collect(bystander, 'staff:changed');
      const bystanderEvents = collectEvents(bystander);
      unwrap(await command(asking, 'support:request', { sessionId }));
      await heardByFacilitator.waitFor(1);
      const console = unwrap(await command(facilitator, 'staff:state', { sessionId }));
      expect(console.supportRequests).toEqual([
        { id: expect.any(String), sessionId, member: me, at: expect.any(String) },
      ]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(heardByBystander.received).toEqual([]);
      expect(bystanderEvents.received).toEqual([]);
      expect(await command(bystander, 'staff:state', { sessionId })).toMatchObject({ ok: false, error: { code: 'forbidden' } });

      const reported = unwrap(await send(facilitator, sessionId, 'Something to report.'));
      const note = 'This reminded me of something painful.';
      said.push(note);
      unwrap(await command(bystander, 'message:report', { sessionId, messageId: reported.id, reason: 'hurtful', note }));
    });
  });

  describe('after the review of the first version', () => {
    it('lets an author change or remove their warning when editing; a facilitator’s warning stays', async () => {
      const { sessionId, facilitator, people } = await openRoom();
      const socket = await socketOf(people[0]!.client);
      await enter(socket, sessionId);
      const mine = unwrap(await send(socket, sessionId, 'Plain words at first.'));
      unwrap(
        await command(socket, 'message:edit', {
          sessionId,
          messageId: mine.id,
          text: 'Words that need care now.',
          warning: { categories: ['self-harm'], note: '' },
        }),
      );
      const current = async (id: string) => {
        const page = unwrap(await command(socket, 'room:catch-up', { sessionId, afterSeq: 0 }));
        return postedMessages(page.events).find((m) => m.id === id)!;
      };
      expect((await current(mine.id)).warning).toMatchObject({ categories: ['self-harm'], byFacilitator: false });
      unwrap(await command(socket, 'message:edit', { sessionId, messageId: mine.id, text: 'Kept warning.' }));
      expect((await current(mine.id)).warning).toMatchObject({ categories: ['self-harm'] });
      unwrap(await command(socket, 'message:edit', { sessionId, messageId: mine.id, text: 'No warning.', warning: null }));
      expect((await current(mine.id)).warning).toBeNull();

      unwrap(
        await command(facilitator, 'message:warn', {
          sessionId,
          messageId: mine.id,
          warning: { categories: ['suicide'], note: '' },
        }),
      );
      unwrap(await command(socket, 'message:edit', { sessionId, messageId: mine.id, text: 'Again.', warning: null }));
      expect((await current(mine.id)).warning).toMatchObject({ categories: ['suicide'], byFacilitator: true });
    });

    it('says when no facilitator is there to see a support request, and shows it to one who arrives', async () => {
      const groupId = (await createGroup(organiser)).id;
      const sessionId = (await startSession(organiser, groupId)).id;
      const person = await inviteParticipant(organiser, groupId);
      const socket = await socketOf(person.client);
      const me = (await enter(socket, sessionId)).me;
      expect(unwrap(await command(socket, 'support:request', { sessionId }))).toEqual({ facilitatorsPresent: false });
      const facilitator = await socketOf(organiser, other);
      await enter(facilitator, sessionId);
      const console = unwrap(await command(facilitator, 'staff:state', { sessionId }));
      expect(console.supportRequests).toEqual([{ id: expect.any(String), sessionId, member: me, at: expect.any(String) }]);
      expect(unwrap(await command(socket, 'support:request', { sessionId }))).toEqual({ facilitatorsPresent: true });
    });

    it('refuses reports of deleted messages, and support and reports once the room is closed', async () => {
      const { sessionId, facilitator, people } = await openRoom();
      const socket = await socketOf(people[0]!.client);
      await enter(socket, sessionId);
      const gone = unwrap(await send(facilitator, sessionId, 'Soon deleted.'));
      unwrap(await command(facilitator, 'message:delete', { sessionId, messageId: gone.id }));
      expect(
        await command(socket, 'message:report', { sessionId, messageId: gone.id, reason: 'hurtful', note: '' }),
      ).toMatchObject({ ok: false, error: { code: 'conflict' } });
      const kept = unwrap(await send(facilitator, sessionId, 'Still here.'));
      expect((await organiser.post(`/api/sessions/${sessionId}/end`, {})).status).toBe(200);
      expect(await command(socket, 'support:request', { sessionId })).toMatchObject({
        ok: false,
        error: { code: 'room_closed' },
      });
      expect(
        await command(socket, 'message:report', { sessionId, messageId: kept.id, reason: 'hurtful', note: '' }),
      ).toMatchObject({ ok: false, error: { code: 'room_closed' } });
    });

    it('checks every command against the membership as it is now, not as the socket remembers it', async () => {
      const { sessionId, people } = await openRoom();
      const socket = await socketOf(people[0]!.client);
      const joined = await enter(socket, sessionId);
      // As if the news of the removal never reached this node: the socket stays connected.
      await node.database.db
        .update(memberships)
        .set({ status: 'pending' })
        .where(eq(memberships.id, joined.me.memberId));
      for (const attempt of [
        command(socket, 'room:catch-up', { sessionId, afterSeq: 0 }),
        send(socket, sessionId, 'Am I still here?'),
      ]) {
        expect(await attempt).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      }
    });

    it('sweeps connections this node no longer holds, and the people on them leave', async () => {
      const { sessionId, facilitator, people } = await openRoom();
      const socket = await socketOf(people[0]!.client);
      const joined = await enter(socket, sessionId);
      // As after a lost disconnect: the node no longer counts this socket among its own. Every
      // row of the room was last refreshed long ago: the heartbeat must refresh the live ones.
      const live = [node, other].flatMap((n) => [...n.io.of('/').sockets.keys()]).filter((id) => id !== socket.id);
      await node.database.db
        .update(roomConnections)
        .set({ seenAt: new Date(Date.now() - 60 * 60_000) })
        .where(eq(roomConnections.sessionId, sessionId));
      const outcome = await node.services.rooms.heartbeat(STALE_CONNECTION_MS, live);
      expect(outcome.events).toEqual([
        expect.objectContaining({ type: 'presence', state: 'left', member: joined.me }),
      ]);
      const roster = (await enter(facilitator, sessionId)).roster.map((r) => r.member.memberId);
      expect(roster).not.toContain(joined.me.memberId);
    });

    it('removes members while they write, without a deadlock', async () => {
      const { groupId, sessionId } = await openRoom(0);
      for (let round = 0; round < 4; round++) {
        const person = await inviteParticipant(organiser, groupId);
        const socket = await socketOf(person.client);
        const me = (await enter(socket, sessionId)).me;
        const [removed, ...sends] = await Promise.all([
          organiser.request('DELETE', `/api/groups/${groupId}/members/${me.memberId}`),
          // A send still waiting when the removal disconnects the socket gets no answer at all.
          ...Array.from({ length: 4 }, (_, i) => send(socket, sessionId, `round ${round} message ${i}`).catch(() => null)),
        ]);
        expect(removed.status, JSON.stringify(removed.json)).toBe(204);
        for (const ack of sends) {
          if (ack && !ack.ok) expect(['forbidden', 'not_found']).toContain(ack.error.code);
        }
      }
    });
  });

  describe('room preferences', () => {
    it('keeps each person’s content-warning and typing choices, on the server', async () => {
      const { groupId, people } = await openRoom();
      const person = people[0]!.client;
      expect((await person.get(`/api/groups/${groupId}/room-preferences`)).json).toEqual({
        contentWarnings: {},
        typingIndicators: true,
      });
      const chosen = { contentWarnings: { 'self-harm': 'hide', medical: 'show' }, typingIndicators: false };
      const saved = await person.request('PUT', `/api/groups/${groupId}/room-preferences`, chosen);
      expect(saved.status).toBe(200);
      expect((await person.get(`/api/groups/${groupId}/room-preferences`)).json).toEqual(chosen);
      // Someone else's choices are their own.
      expect((await organiser.get(`/api/groups/${groupId}/room-preferences`)).json.contentWarnings).toEqual({});

      const bad = await person.request('PUT', `/api/groups/${groupId}/room-preferences`, {
        contentWarnings: { 'self-harm': 'sometimes' },
        typingIndicators: false,
      });
      expect(bad.status).toBe(400);
      expect(bad.json.code).toBe('invalid_input');
      const stranger = await inviteParticipant(organiser, (await createGroup(organiser)).id);
      expect((await stranger.client.get(`/api/groups/${groupId}/room-preferences`)).status).toBe(404);
    });

    it('tells the client where quick exit goes, without a login', async () => {
      const res = await fetch(`${node.url}/api/config`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ quickExitUrl: 'https://www.bbc.co.uk/weather' });
    });
  });

  describe('the room clock', () => {
    /** A scheduled session starting and ending this many milliseconds from now, to the millisecond. */
    async function scheduleAt(groupId: string, startsIn: number, endsIn: number) {
      const [row] = await node.database.db
        .insert(sessions)
        .values({
          groupId,
          title: 'Scheduled',
          status: 'scheduled',
          startsAt: new Date(Date.now() + startsIn),
          endsAt: new Date(Date.now() + endsIn),
        })
        .returning();
      return row!;
    }

    it('opens a scheduled room at its start time', async () => {
      const groupId = (await createGroup(organiser)).id;
      const row = await scheduleAt(groupId, 300, 60 * 60_000);
      await expect.poll(async () => (await organiser.get(`/api/groups/${groupId}/sessions`)).json.sessions[0].status, {
        timeout: 5000,
      }).toBe('open');
      const socket = await socketOf(organiser);
      expect((await enter(socket, row.id)).admitted).toBe(true);
    });

    it('lets a facilitator open a room early', async () => {
      const groupId = (await createGroup(organiser)).id;
      const row = await scheduleAt(groupId, 3 * 60 * 60_000, 4 * 60 * 60_000);
      const person = await inviteParticipant(organiser, groupId);
      expect((await person.client.post(`/api/sessions/${row.id}/open`, {})).json.code).toBe('forbidden');
      const opened = await organiser.post(`/api/sessions/${row.id}/open`, {});
      expect(opened.json.status).toBe('open');
    });

    it('closes a room at its end exactly once, on every node', async () => {
      const { sessionId, facilitator, people } = await openRoom();
      const there = await socketOf(people[0]!.client, other);
      await enter(there, sessionId);
      const closedHere = collectEvents(facilitator);
      const closedThere = collectEvents(there);
      await node.database.db
        .update(sessions)
        .set({ endsAt: new Date(Date.now() + 500) })
        .where(eq(sessions.id, sessionId));
      const isClosed = (e: RoomEvent) => e.type === 'closed';
      await expect.poll(() => closedHere.received.filter(isClosed).length, { timeout: 5000 }).toBe(1);
      await expect.poll(() => closedThere.received.filter(isClosed).length, { timeout: 5000 }).toBe(1);
      // Several more ticks of both clocks change nothing.
      await new Promise((resolve) => setTimeout(resolve, 800));
      expect(closedHere.received.filter(isClosed)).toHaveLength(1);
      expect(closedThere.received.filter(isClosed)).toHaveLength(1);
      const closedRows = await node.database.db
        .select({ n: count() })
        .from(roomEvents)
        .where(and(eq(roomEvents.sessionId, sessionId), eq(roomEvents.type, 'closed')));
      expect(closedRows[0]!.n).toBe(1);
      expect(await send(facilitator, sessionId, 'Too late.')).toMatchObject({ ok: false, error: { code: 'room_closed' } });
    });
  });

  it('logged none of what was said, warned or reported, nor who said it', async () => {
    expect(said.length).toBeGreaterThan(20);
    for (const logs of new Set([node.logs, other.logs])) {
      expect(logs.lines.length).toBeGreaterThan(0);
      for (const text of said) expect(logs.text).not.toContain(text);
      expect(logs.text).not.toMatch(/River [0-9a-f]{6}/);
    }
  });
});

describe.each(modes)('the room clock across a restart, $name mode', (mode) => {
  it('closes a room whose end passed while no node was running', async () => {
    const place = await mode.provision();
    try {
      let node = await startNode(place, { roomClockMs: 200 });
      const organiser = await createOrganiser(node);
      const groupId = (await createGroup(organiser)).id;
      const sessionId = (await startSession(organiser, groupId)).id;
      await node.database.db
        .update(sessions)
        .set({ endsAt: new Date(Date.now() + 1500) })
        .where(eq(sessions.id, sessionId));
      await node.close();
      await new Promise((resolve) => setTimeout(resolve, 1600));
      node = await startNode(place, { roomClockMs: 200 });
      try {
        await expect
          .poll(async () => {
            const [row] = await node.database.db.select().from(sessions).where(eq(sessions.id, sessionId));
            return row!.status;
          }, { timeout: 5000 })
          .toBe('closed');
        const events = await node.database.db.select().from(roomEvents).where(eq(roomEvents.sessionId, sessionId));
        expect(events.map((e) => e.type)).toEqual(['closed']);
      } finally {
        await node.close();
      }
    } finally {
      await place.dispose();
    }
  });
});
