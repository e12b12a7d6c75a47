import type { AuditEntry, RoomEvent } from '@hearth/shared';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import {
  createGroup,
  createOrganiser,
  memberIdOf,
  newClientId,
  password,
  startSession,
  updateGroup,
} from '../support/factories.ts';
import { HttpClient } from '../support/http.ts';
import { startNode, type Node } from '../support/hearth.ts';
import { modes } from '../support/modes.ts';
import { collectEvents, command, connect, enter, unwrap } from '../support/socket.ts';
import { roomWorld } from '../support/world.ts';

const countOf = async (node: Node, query: ReturnType<typeof sql>) =>
  Number(((await node.database.db.execute(query)) as unknown as { rows: Array<{ n: number }> }).rows[0]!.n);

describe.each(modes)('erasure and retention, $name mode', (mode) => {
  const { world, openRoom, seat, socketOf } = roomWorld(mode);

  it('erases an account and all it wrote; others see where its messages were, and nothing of them', async () => {
    const { groupId, sessionId, facilitator, people } = await openRoom(2);
    const [leaving, staying] = people as [(typeof people)[0], (typeof people)[0]];
    const leavingId = await memberIdOf(world.organiser, groupId, leaving.pseudonym);
    const stayingId = await memberIdOf(world.organiser, groupId, staying.pseudonym);
    const { socket: leavingSocket } = await seat(leaving, sessionId, world.other);
    const { socket: stayingSocket } = await seat(staying, sessionId);
    const send = (socket: typeof stayingSocket, text: string) =>
      command(socket, 'message:send', { sessionId, clientId: newClientId(), text, replyToId: null, warning: null }).then(unwrap);
    const theirs = [await send(leavingSocket, 'Something only I should have said.'), await send(leavingSocket, 'And more.')];
    const kept = await send(stayingSocket, 'Thank you for telling us.');
    unwrap(await command(leavingSocket, 'message:react', { sessionId, messageId: kept.id, reaction: 'heart', on: true }));
    unwrap(await command(leavingSocket, 'message:report', { sessionId, messageId: kept.id, reason: 'other', note: 'a note' }));
    unwrap(await command(leavingSocket, 'side:send', { sessionId, participantId: null, clientId: newClientId(), text: 'Just to you.' }));
    unwrap(await command(facilitator, 'member:mute', { sessionId, memberId: leavingId, minutes: 5, reason: '' }));
    unwrap(await command(facilitator, 'message:hide', { sessionId, messageId: theirs[1]!.id, hidden: true, reason: '' }));
    const account = (await leaving.client.get('/api/me')).json as { id: string; username: string };
    const news = collectEvents(stayingSocket);
    const disconnected = new Promise<string>((resolve) => leavingSocket.once('disconnect', resolve));

    const wrong = await leaving.client.post('/api/me/erase', { password: 'not the password' });
    expect(wrong.status).toBe(401);
    expect(wrong.json.code).toBe('invalid_credentials');
    const erased = await leaving.client.post('/api/me/erase', { password });
    expect(erased.status, erased.text).toBe(204);
    expect(erased.headers.get('set-cookie')).toMatch(/hearth_session=;/);

    // Those in the room are told, on every node: each message reads as removed, without a word.
    const events = await news.waitFor(4);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const messageEvents = events.filter((event): event is Extract<RoomEvent, { type: 'message' }> => event.type === 'message');
    // Their reaction to someone else's message is gone from it, for those watching too.
    const reshown = messageEvents.filter((event) => event.change === 'reacted');
    expect(reshown.map((event) => [event.message.id, event.message.reactions])).toEqual([[kept.id, {}]]);
    const removed = messageEvents.filter((event) => event.change === 'deleted');
    expect(removed.map((event) => event.message.id).sort()).toEqual(theirs.map((message) => message.id).sort());
    for (const { message } of removed) {
      expect(message).toMatchObject({ removed: true, deleted: true, text: '', warning: null, reactions: {} });
      expect(message.author.pseudonym).toBe('');
    }
    expect(events.some((event) => event.type === 'presence' && event.member.memberId === leavingId)).toBe(true);
    await disconnected;

    // Someone entering afterwards sees the same places, in order, and nothing more.
    const later = await socketOf(staying.client, world.other);
    const history = (await enter(later, sessionId)).events.filter((event) => event.type === 'message');
    const posted = history.filter((event) => event.type === 'message' && event.change === 'posted');
    expect(posted.map((event) => event.type === 'message' && [event.message.seq, event.message.removed])).toEqual([
      [theirs[0]!.seq, true],
      [theirs[1]!.seq, true],
      [kept.seq, false],
    ]);
    expect(JSON.stringify(history)).not.toContain('Something only I');

    // The rows are gone, not flagged; the login is gone everywhere.
    const db = world.node;
    expect(await countOf(db, sql`select count(*)::int as n from messages where author_id = ${leavingId}`)).toBe(0);
    expect(await countOf(db, sql`select count(*)::int as n from memberships where id = ${leavingId}`)).toBe(0);
    expect(await countOf(db, sql`select count(*)::int as n from reports where reporter_id = ${leavingId}`)).toBe(0);
    expect(await countOf(db, sql`select count(*)::int as n from side_messages where participant_id = ${leavingId}`)).toBe(0);
    expect(await countOf(db, sql`select count(*)::int as n from accounts where id = ${account.id}`)).toBe(0);
    expect(await countOf(db, sql`select count(*)::int as n from auth_sessions where account_id = ${account.id}`)).toBe(0);
    const login = await new HttpClient(world.node.url).post('/api/auth/login', { username: account.username, password });
    expect(login.status).toBe(401);
    expect((await leaving.client.get('/api/me')).status).toBe(401);
    expect((await connect(world.other.url, leaving.client.cookie).catch((error: { data?: { code?: string } }) => error.data?.code))).toBe(
      'unauthenticated',
    );
    const me = await staying.client.get('/api/me');
    expect(me.status).toBe(200);

    // The audit log keeps the mute, without the name it was given under.
    const audit = await world.organiser.get(`/api/groups/${groupId}/audit?action=person.mute`);
    expect(audit.status, audit.text).toBe(200);
    const mutes = audit.json.entries as AuditEntry[];
    expect(mutes).toHaveLength(1);
    expect(mutes[0]!.target).toBe('');
    expect(JSON.stringify(audit.json)).not.toContain(leaving.pseudonym);
    const everything = await world.organiser.get(`/api/groups/${groupId}/audit?limit=200`);
    const hides = (everything.json.entries as AuditEntry[]).filter((entry) => entry.action === 'message.hide');
    expect(hides.map((entry) => entry.target)).toEqual(['']);
    expect(JSON.stringify(everything.json)).not.toContain(leaving.pseudonym);
    // The one who stays keeps everything of theirs.
    expect(await countOf(db, sql`select count(*)::int as n from messages where author_id = ${stayingId}`)).toBe(1);
  });

  it('refuses to erase the only organiser, and changes nothing', async () => {
    const refused = await world.organiser.post('/api/me/erase', { password });
    expect(refused.status).toBe(409);
    expect(refused.json.code).toBe('conflict');
    expect((await world.organiser.get('/api/me')).status).toBe(200);
  });

  it('throttles password guesses at erasure like any other', async () => {
    const { people } = await openRoom(1);
    const person = people[0]!;
    const codes = [];
    for (let i = 0; i < 7; i++) codes.push((await person.client.post('/api/me/erase', { password: `guess ${i}` })).json.code);
    expect(codes.slice(0, 5)).toEqual(Array(5).fill('invalid_credentials'));
    expect(codes.at(-1)).toBe('rate_limited');
    // Still there: nothing was erased by a wrong guess.
    expect((await person.client.get('/api/me')).status).toBe(200);
  });

});

describe.each(modes)('retention across a restart, $name mode', (mode) => {
  it('purges a room with zero retention on the first sweep of a node started after its close', async () => {
    const place = await mode.provision();
    const first = await startNode(place, { roomClockMs: 100 });
    let second: Node | null = null;
    try {
      const organiser = await createOrganiser(first);
      const groupId = (await createGroup(organiser)).id;
      await updateGroup(organiser, groupId, { retentionHours: 0 });
      const sessionId = (await startSession(organiser, groupId)).id;
      const socket = await connect(first.url, organiser.cookie);
      await enter(socket, sessionId);
      unwrap(await command(socket, 'message:send', { sessionId, clientId: newClientId(), text: 'Gone at the close.', replyToId: null, warning: null }));
      socket.close();
      // The room closes; this node's sweeps ran at its start and come again only in a while.
      await first.services.lifecycle.close(sessionId);
      const left = (node: Node) => countOf(node, sql`select count(*)::int as n from messages where session_id = ${sessionId}`);
      expect(await left(first)).toBe(1);
      await first.close();

      second = await startNode(place, { roomClockMs: 100 });
      const deadline = Date.now() + 5000;
      while ((await left(second)) > 0) {
        if (Date.now() > deadline) throw new Error('the first sweep after a start did not purge the room');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(await countOf(second, sql`select count(*)::int as n from sessions where id = ${sessionId} and purged_at is not null`)).toBe(1);
      expect(await countOf(second, sql`select count(*)::int as n from room_events where session_id = ${sessionId}`)).toBe(0);
    } finally {
      await first.close().catch(() => undefined);
      await second?.close();
      await place.dispose();
    }
  });
});
