import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { messages, roomEvents } from '../../server/src/db/schema.ts';
import { createGroup, inviteParticipant, newClientId, startSession } from '../support/factories.ts';
import { startNode, type Node } from '../support/hearth.ts';
import { HttpClient } from '../support/http.ts';
import { modes, type Provisioned } from '../support/modes.ts';
import {
  collectEvents,
  command,
  connect,
  enter,
  postedMessages,
  unwrap,
  type TestSocket,
} from '../support/socket.ts';

describe.each(modes)('the thin path, $name mode', (mode) => {
  let place: Provisioned;
  let nodeA: Node;
  /** In services mode a second node on the same PostgreSQL and Redis; else the same node. */
  let nodeB: Node;
  let organiser: HttpClient;
  let participant: HttpClient;
  let participantName: string;
  let groupId: string;
  let sessionId: string;
  const sockets: TestSocket[] = [];
  /** Every message stored so far, as its sender's acknowledgement numbered it, in order. */
  const conversation: Array<[number, string]> = [];

  beforeAll(async () => {
    place = await mode.provision();
    nodeA = await startNode(place);
    nodeB = mode.name === 'services' ? await startNode(place) : nodeA;
  });

  afterAll(async () => {
    sockets.forEach((socket) => socket.close());
    await nodeA?.close();
    if (nodeB !== nodeA) await nodeB?.close();
    await place?.dispose();
  });

  async function socketOf(node: Node, client: HttpClient) {
    const socket = await connect(node.url, client.cookie);
    sockets.push(socket);
    return socket;
  }

  it('creates the first organiser through the one-time setup link, once', async () => {
    expect(await nodeA.services.accounts.setupNeeded()).toBe(true);
    const token = await nodeA.services.accounts.issueSetupToken();
    organiser = new HttpClient(nodeA.url);
    const created = await organiser.post('/api/setup', {
      token,
      username: 'first_organiser',
      password: 'a long enough passphrase',
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ username: 'first_organiser', isOrganiser: true });
    expect(created.headers.get('set-cookie')).toMatch(/HttpOnly/i);

    const again = await organiser.post('/api/setup', {
      token,
      username: 'second_organiser',
      password: 'a long enough passphrase',
    });
    expect(again.status).toBe(410);
    expect(again.json.code).toBe('setup_unavailable');
    expect(await nodeA.services.accounts.issueSetupToken()).toBeNull();
    expect((await organiser.get('/api/setup')).json).toEqual({ needed: false });
  });

  it('logs in and out with the session cookie', async () => {
    const wrong = await organiser.post('/api/auth/login', {
      username: 'first_organiser',
      password: 'not the passphrase',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.json.code).toBe('invalid_credentials');
    const unknown = await organiser.post('/api/auth/login', {
      username: 'nobody_here',
      password: 'not the passphrase',
    });
    expect(unknown.json).toEqual(wrong.json);

    const login = await organiser.post('/api/auth/login', {
      username: 'FIRST_organiser',
      password: 'a long enough passphrase',
    });
    expect(login.status).toBe(200);
    expect((await organiser.get('/api/me')).json.username).toBe('first_organiser');
  });

  it('creates a group and an open session, and a participant joins by invite', async () => {
    const group = await createGroup(organiser, 'Tuesday evening group');
    groupId = group.id;
    sessionId = (await startSession(organiser, groupId)).id;
    const joined = await inviteParticipant(organiser, groupId, nodeB.url);
    participant = joined.client;
    participantName = joined.pseudonym;

    const groups = (await participant.get('/api/groups')).json.groups;
    expect(groups).toEqual([
      expect.objectContaining({ id: groupId, myRole: 'participant', myPseudonym: participantName }),
    ]);
    const sessions = (await participant.get(`/api/groups/${groupId}/sessions`)).json.sessions;
    expect(sessions).toEqual([expect.objectContaining({ id: sessionId, status: 'open' })]);
  });

  /** Waits until the messages a socket was sent number at least `count`. */
  async function postedTo(events: ReturnType<typeof collectEvents>, count: number) {
    await expect.poll(() => postedMessages(events.received).length, { timeout: 5000 }).toBeGreaterThanOrEqual(count);
    return postedMessages(events.received);
  }

  it('exchanges messages across nodes, sequenced per room and acknowledged after commit', async () => {
    const organiserSocket = await socketOf(nodeA, organiser);
    const participantSocket = await socketOf(nodeB, participant);
    const atOrganiser = collectEvents(organiserSocket);
    const atParticipant = collectEvents(participantSocket);

    const joinedA = await enter(organiserSocket, sessionId);
    // Entering is itself an event: the organiser's arrival is the first thing in the room.
    expect(postedMessages(joinedA.events)).toEqual([]);
    expect(joinedA.events).toEqual([
      expect.objectContaining({ type: 'presence', state: 'present', seq: joinedA.lastSeq, member: joinedA.me }),
    ]);
    expect(joinedA.me).toMatchObject({ role: 'lead_facilitator' });
    const joinedB = await enter(participantSocket, sessionId);
    expect(joinedB.me).toMatchObject({ pseudonym: participantName, role: 'participant' });
    expect(joinedB.admitted).toBe(true);
    // The participant's arrival took the next number, and their page covers everything so far.
    expect(joinedB.lastSeq).toBe(joinedA.lastSeq + 1);
    expect(joinedB.events.map((e) => [e.seq, e.type])).toEqual([
      [joinedA.lastSeq, 'presence'],
      [joinedB.lastSeq, 'presence'],
    ]);
    expect(joinedB.roster.map((entry) => [entry.member.memberId, entry.state]).sort()).toEqual(
      [
        [joinedA.me.memberId, 'present'],
        [joinedB.me.memberId, 'present'],
      ].sort(),
    );

    const hello = unwrap(
      await command(organiserSocket, 'message:send', {
        sessionId,
        clientId: newClientId(),
        text: 'Welcome, everyone. Take your time.',
      }),
    );
    // Acknowledged only after commit: the row and its event are there, with its number, when the ack arrives.
    const [stored] = await nodeB.database.db.select().from(messages).where(eq(messages.id, hello.id));
    expect(stored?.seq).toBe(hello.seq);
    const [event] = await nodeB.database.db
      .select()
      .from(roomEvents)
      .where(and(eq(roomEvents.sessionId, sessionId), eq(roomEvents.seq, hello.seq)));
    expect(event).toMatchObject({ type: 'message', change: 'posted', messageId: hello.id });
    expect(hello.seq).toBe(joinedB.lastSeq + 1);

    const reply = unwrap(
      await command(participantSocket, 'message:send', {
        sessionId,
        clientId: newClientId(),
        text: 'Thank you for having me.',
      }),
    );
    expect(reply.seq).toBe(hello.seq + 1);
    conversation.push([hello.seq, 'Welcome, everyone. Take your time.'], [reply.seq, 'Thank you for having me.']);

    const seenByParticipant = await postedTo(atParticipant, 2);
    const seenByOrganiser = await postedTo(atOrganiser, 2);
    expect(seenByParticipant.map((m) => [m.seq, m.text])).toEqual(conversation);
    expect(seenByOrganiser.map((m) => m.seq)).toEqual([hello.seq, reply.seq]);
    expect(seenByParticipant[1]!.author).toMatchObject({ pseudonym: participantName, role: 'participant' });
    expect(seenByParticipant[0]).toMatchObject({
      editedAt: null,
      deleted: false,
      replyToId: null,
      warning: null,
      reactions: {},
    });
    // A post arrives as a room event numbered like the message it posts.
    expect(atParticipant.received).toContainEqual(
      expect.objectContaining({ type: 'message', change: 'posted', seq: reply.seq, sessionId }),
    );
    // The organiser, in the room from the start, saw every change in it, with no number missing.
    expect(atOrganiser.received.map((e) => e.seq).sort((a, b) => a - b)).toEqual([
      joinedA.lastSeq,
      joinedB.lastSeq,
      hello.seq,
      reply.seq,
    ]);
    // Other members see the pseudonym, never the account.
    expect(JSON.stringify(atOrganiser.received)).not.toContain('participant_');
  });

  it('stores a resent message once', async () => {
    const socket = await socketOf(nodeB, participant);
    const joined = await enter(socket, sessionId, conversation.at(-1)![0]);
    // Already in the room on another socket: a second socket is no new arrival.
    expect(joined.events).toEqual([]);
    const clientId = newClientId();
    const payload = { sessionId, clientId, text: 'Sent twice by a flaky connection.' };
    const [first, second] = await Promise.all([
      command(socket, 'message:send', payload),
      command(socket, 'message:send', payload),
    ]);
    expect(unwrap(first)).toEqual(unwrap(second));
    const third = unwrap(await command(socket, 'message:send', payload));
    expect(third).toEqual(unwrap(first));
    const rows = await nodeA.database.db.select().from(messages).where(eq(messages.clientId, clientId));
    expect(rows).toHaveLength(1);
    const posted = await nodeA.database.db.select().from(roomEvents).where(eq(roomEvents.messageId, third.id));
    expect(posted.map((row) => row.seq)).toEqual([third.seq]);
    conversation.push([third.seq, payload.text]);
  });

  // Holding a row lock from a second connection needs PostgreSQL: PGlite has one connection.
  if (mode.name === 'services') it('does not acknowledge a send before it can commit', async () => {
    const socket = await socketOf(nodeA, participant);
    await enter(socket, sessionId, conversation.at(-1)![0]);
    // Another connection holds the room's counter row, so the send cannot commit yet.
    const blocker = new pg.Client({ connectionString: place.databaseUrl });
    await blocker.connect();
    await blocker.query('begin');
    await blocker.query('select 1 from sessions where id = $1 for update', [sessionId]);
    const clientId = newClientId();
    let acknowledged = false;
    const ack = command(socket, 'message:send', { sessionId, clientId, text: 'Held back.' }).then((reply) => {
      acknowledged = true;
      return reply;
    });
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(acknowledged).toBe(false);
    await blocker.query('rollback');
    await blocker.end();
    const stored = unwrap(await ack);
    const rows = await nodeA.database.db.select().from(messages).where(eq(messages.clientId, clientId));
    expect(rows.map((row) => row.seq)).toEqual([stored.seq]);
    expect(stored.seq).toBe(conversation.at(-1)![0] + 1);
    conversation.push([stored.seq, 'Held back.']);
  });

  it('gives a reloading client everything after its last sequence number', async () => {
    const socket = await socketOf(nodeA, participant);
    const fromStart = await enter(socket, sessionId, 0);
    expect(postedMessages(fromStart.events).map((m) => [m.seq, m.text])).toEqual(conversation);
    // Every event of the room, numbered one by one, up to the page's last number.
    expect(fromStart.hasMore).toBe(false);
    expect(fromStart.events.map((e) => e.seq)).toEqual(
      Array.from({ length: fromStart.lastSeq }, (_, index) => index + 1),
    );
    const [secondSeq] = conversation[1]!;
    const fromSecond = await enter(socket, sessionId, secondSeq);
    expect(fromSecond.events.every((e) => e.seq > secondSeq)).toBe(true);
    expect(postedMessages(fromSecond.events).map((m) => m.text)).toEqual(conversation.slice(2).map(([, text]) => text));
    expect(fromSecond.lastSeq).toBe(fromStart.lastSeq);
    const caughtUp = unwrap(await command(socket, 'room:catch-up', { sessionId, afterSeq: secondSeq }));
    expect(caughtUp).toEqual({ events: fromSecond.events, hasMore: false, lastSeq: fromSecond.lastSeq });
  });

  it('keeps everything across a server restart', async () => {
    await nodeA.close();
    if (nodeB !== nodeA) await nodeB.close();
    nodeA = await startNode(place);
    nodeB = nodeA;
    const client = participant.at(nodeA.url);
    expect((await client.get('/api/me')).status).toBe(200);
    const socket = await socketOf(nodeA, client);
    const joined = await enter(socket, sessionId, 0);
    expect(postedMessages(joined.events).map((m) => [m.seq, m.text])).toEqual(conversation);
    // Everyone's sockets went with the old nodes: nobody but the participant is in the room now.
    expect(joined.roster.map((entry) => entry.member.role)).toEqual(['participant']);
    const alone = await command(socket, 'message:send', { sessionId, clientId: newClientId(), text: 'Anyone?' });
    expect(alone).toEqual({ ok: false, error: expect.objectContaining({ code: 'waiting_for_facilitator' }) });

    const organiserSocket = await socketOf(nodeA, organiser.at(nodeA.url));
    const back = await enter(organiserSocket, sessionId, joined.lastSeq);
    expect(back.events).toEqual([
      expect.objectContaining({ type: 'presence', state: 'present', member: back.me, seq: joined.lastSeq + 1 }),
    ]);
    const next = unwrap(
      await command(socket, 'message:send', { sessionId, clientId: newClientId(), text: 'Still here.' }),
    );
    expect(next.seq).toBe(back.lastSeq + 1);
  });
});
