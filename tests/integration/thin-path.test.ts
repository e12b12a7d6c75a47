import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { messages, sessions } from '../../server/src/db/schema.ts';
import { createGroup, inviteParticipant, newClientId, startSession } from '../support/factories.ts';
import { startNode, type Node } from '../support/hearth.ts';
import { HttpClient } from '../support/http.ts';
import { modes, type Provisioned } from '../support/modes.ts';
import { collect, command, connect, unwrap, type TestSocket } from '../support/socket.ts';

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

  it('exchanges messages across nodes, sequenced per room and acknowledged after commit', async () => {
    const organiserSocket = await socketOf(nodeA, organiser);
    const participantSocket = await socketOf(nodeB, participant);
    const atOrganiser = collect(organiserSocket, 'message:created');
    const atParticipant = collect(participantSocket, 'message:created');

    const joinedA = unwrap(await command(organiserSocket, 'room:join', { sessionId, afterSeq: 0 }));
    const joinedB = unwrap(await command(participantSocket, 'room:join', { sessionId, afterSeq: 0 }));
    expect(joinedA.messages).toEqual([]);
    expect(joinedB.me).toMatchObject({ pseudonym: participantName, role: 'participant' });

    const hello = unwrap(
      await command(organiserSocket, 'message:send', {
        sessionId,
        clientId: newClientId(),
        text: 'Welcome, everyone. Take your time.',
      }),
    );
    // Acknowledged only after commit: the row is there, with its number, when the ack arrives.
    const [stored] = await nodeB.database.db.select().from(messages).where(eq(messages.id, hello.id));
    expect(stored?.seq).toBe(hello.seq);
    expect(hello.seq).toBe(1);

    const reply = unwrap(
      await command(participantSocket, 'message:send', {
        sessionId,
        clientId: newClientId(),
        text: 'Thank you for having me.',
      }),
    );
    expect(reply.seq).toBe(2);

    const seenByParticipant = await atParticipant.waitFor(2);
    const seenByOrganiser = await atOrganiser.waitFor(2);
    expect(seenByParticipant.map((m) => [m.seq, m.text])).toEqual([
      [1, 'Welcome, everyone. Take your time.'],
      [2, 'Thank you for having me.'],
    ]);
    expect(seenByOrganiser.map((m) => m.seq)).toEqual([1, 2]);
    expect(seenByParticipant[1]!.author).toMatchObject({ pseudonym: participantName, role: 'participant' });
    // Other members see the pseudonym, never the account.
    expect(JSON.stringify(seenByOrganiser)).not.toContain('participant_');
  });

  it('stores a resent message once', async () => {
    const socket = await socketOf(nodeB, participant);
    unwrap(await command(socket, 'room:join', { sessionId, afterSeq: 2 }));
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
  });

  // Holding a row lock from a second connection needs PostgreSQL: PGlite has one connection.
  if (mode.name === 'services') it('does not acknowledge a send before it can commit', async () => {
    const socket = await socketOf(nodeA, participant);
    unwrap(await command(socket, 'room:join', { sessionId, afterSeq: 3 }));
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
    // Leave the conversation as the next tests expect it.
    await nodeA.database.db.delete(messages).where(eq(messages.id, stored.id));
    await nodeA.database.db.update(sessions).set({ lastSeq: 3 }).where(eq(sessions.id, sessionId));
  });

  it('gives a reloading client everything after its last sequence number', async () => {
    const socket = await socketOf(nodeA, participant);
    const fromStart = unwrap(await command(socket, 'room:join', { sessionId, afterSeq: 0 }));
    expect(fromStart.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(fromStart.lastSeq).toBe(3);
    const fromTwo = unwrap(await command(socket, 'room:join', { sessionId, afterSeq: 2 }));
    expect(fromTwo.messages.map((m) => m.text)).toEqual(['Sent twice by a flaky connection.']);
  });

  it('keeps everything across a server restart', async () => {
    await nodeA.close();
    if (nodeB !== nodeA) await nodeB.close();
    nodeA = await startNode(place);
    nodeB = nodeA;
    const client = participant.at(nodeA.url);
    expect((await client.get('/api/me')).status).toBe(200);
    const socket = await socketOf(nodeA, client);
    const joined = unwrap(await command(socket, 'room:join', { sessionId, afterSeq: 0 }));
    expect(joined.messages.map((m) => [m.seq, m.text])).toEqual([
      [1, 'Welcome, everyone. Take your time.'],
      [2, 'Thank you for having me.'],
      [3, 'Sent twice by a flaky connection.'],
    ]);
    const next = unwrap(
      await command(socket, 'message:send', { sessionId, clientId: newClientId(), text: 'Still here.' }),
    );
    expect(next.seq).toBe(4);
  });
});
