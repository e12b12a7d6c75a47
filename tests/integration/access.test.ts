import { eq } from 'drizzle-orm';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accounts } from '../../server/src/db/schema.ts';
import {
  createGroup,
  inviteParticipant,
  newClientId,
  openRoomWithParticipant,
} from '../support/factories.ts';
import { startNode, type Node } from '../support/hearth.ts';
import { HttpClient } from '../support/http.ts';
import { modes, type Provisioned } from '../support/modes.ts';
import { command, connect, enter } from '../support/socket.ts';

describe.each(modes)('who may do what, $name mode', (mode) => {
  let place: Provisioned;
  let node: Node;
  let organiser: HttpClient;
  let member: HttpClient;
  let outsider: HttpClient;
  let groupId: string;
  let sessionId: string;

  beforeAll(async () => {
    place = await mode.provision();
    node = await startNode(place);
    ({ organiser, groupId, sessionId, participant: member } = await openRoomWithParticipant(node));
    const otherGroup = (await createGroup(organiser)).id;
    outsider = (await inviteParticipant(organiser, otherGroup)).client;
  });

  afterAll(async () => {
    await node?.close();
    await place?.dispose();
  });

  it('refuses a socket handshake from another site’s page', async () => {
    const foreign = io(node.url, {
      transports: ['websocket'],
      extraHeaders: { cookie: member.cookie, origin: 'https://elsewhere.example' },
      reconnection: false,
      forceNew: true,
    });
    const outcome = await new Promise<string>((resolve) => {
      foreign.once('connect', () => resolve('connected'));
      foreign.once('connect_error', () => resolve('refused'));
    });
    foreign.close();
    expect(outcome).toBe('refused');
    const same = io(node.url, {
      transports: ['websocket'],
      extraHeaders: { cookie: member.cookie, origin: node.url },
      reconnection: false,
      forceNew: true,
    });
    await new Promise<void>((resolve, reject) => {
      same.once('connect', () => resolve());
      same.once('connect_error', reject);
    });
    same.close();
  });

  it('refuses the socket handshake without a valid session', async () => {
    await expect(connect(node.url, '')).rejects.toMatchObject({
      message: 'unauthenticated',
      data: { code: 'unauthenticated' },
    });
    await expect(connect(node.url, 'hearth_session=forged-token-value')).rejects.toMatchObject({
      data: { code: 'unauthenticated' },
    });
  });

  it('refuses REST calls without a login', async () => {
    const anonymous = new HttpClient(node.url);
    for (const [method, path] of [
      ['GET', '/api/me'],
      ['GET', '/api/groups'],
      ['POST', '/api/groups'],
      ['GET', `/api/groups/${groupId}/sessions`],
      ['POST', `/api/groups/${groupId}/sessions`],
      ['POST', `/api/groups/${groupId}/invites`],
    ] as const) {
      const body = method === 'POST' ? { name: 'x', pseudonym: 'yy', title: 't', durationMinutes: 30 } : undefined;
      const res = await anonymous.request(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(res.json.code).toBe('unauthenticated');
    }
  });

  it('keeps participants out of organiser and facilitator actions', async () => {
    expect((await member.post('/api/groups', { name: 'Mine', pseudonym: 'Me me' })).status).toBe(403);
    const session = await member.post(`/api/groups/${groupId}/sessions`, { title: 'Mine', durationMinutes: 30 });
    expect(session.status).toBe(403);
    expect(session.json.code).toBe('forbidden');
    expect((await member.post(`/api/groups/${groupId}/invites`, {})).status).toBe(403);
  });

  it('hides a group from people outside it, with the same answer as for no group', async () => {
    const res = await outsider.get(`/api/groups/${groupId}/sessions`);
    expect(res.status).toBe(404);
    expect(res.json.code).toBe('not_found');
    expect((await outsider.get('/api/groups')).json.groups.map((g: { id: string }) => g.id)).not.toContain(groupId);
  });

  it('lets only the group’s members into its room', async () => {
    const outsiderSocket = await connect(node.url, outsider.cookie);
    const refused = await command(outsiderSocket, 'room:join', { sessionId, afterSeq: 0, reminderAcknowledged: true });
    expect(refused).toEqual({ ok: false, error: expect.objectContaining({ code: 'not_found' }) });
    const send = await command(outsiderSocket, 'message:send', { sessionId, clientId: newClientId(), text: 'hi' });
    expect(send).toEqual({ ok: false, error: expect.objectContaining({ code: 'forbidden' }) });
    outsiderSocket.close();

    const memberSocket = await connect(node.url, member.cookie);
    expect((await enter(memberSocket, sessionId)).me.role).toBe('participant');
    memberSocket.close();
  });

  it('keeps an organiser who does not facilitate the group out of its room', async () => {
    // A second organiser, made by promoting an account directly: the API to appoint organisers
    // belongs to the organising capability.
    const second = (await inviteParticipant(organiser, (await createGroup(organiser)).id)).client;
    const me = (await second.get('/api/me')).json;
    await node.database.db.update(accounts).set({ isOrganiser: true }).where(eq(accounts.id, me.id));

    const sessions = await second.get(`/api/groups/${groupId}/sessions`);
    expect(sessions.status).toBe(200);
    const socket = await connect(node.url, second.cookie);
    const refused = await command(socket, 'room:join', { sessionId, afterSeq: 0, reminderAcknowledged: true });
    expect(refused).toEqual({ ok: false, error: expect.objectContaining({ code: 'forbidden' }) });
    socket.close();
  });

  it('refuses an unknown invite, a redeem without an account, and a second membership', async () => {
    const invite = (await organiser.post(`/api/groups/${groupId}/invites`, {})).json;
    const preview = await new HttpClient(node.url).post('/api/invites/preview', { code: invite.code });
    expect(preview.json).toMatchObject({ groupName: expect.any(String) });
    const unknown = await new HttpClient(node.url).post('/api/invites/preview', { code: 'u'.repeat(43) });
    expect(unknown.status).toBe(404);
    expect(unknown.json.code).toBe('not_found');
    const noAccount = await new HttpClient(node.url).post('/api/invites/redeem', { code: invite.code, pseudonym: 'Someone' });
    expect(noAccount.status).toBe(400);
    const twice = await member.post('/api/invites/redeem', { code: invite.code, pseudonym: 'Another name' });
    expect(twice.status).toBe(409);
    expect(twice.json.code).toBe('conflict');
  });

  it('keeps pseudonyms unique in a group and apart from usernames', async () => {
    const invite = (await organiser.post(`/api/groups/${groupId}/invites`, {})).json;
    const first = new HttpClient(node.url);
    const res = await first.post('/api/invites/redeem', {
      code: invite.code,
      pseudonym: 'Willow',
      account: { username: 'willow', password: 'a long enough passphrase' },
    });
    expect(res.status).toBe(400);
    const ok = await first.post('/api/invites/redeem', {
      code: invite.code,
      pseudonym: 'Willow',
      account: { username: 'tree_person', password: 'a long enough passphrase' },
    });
    expect(ok.status).toBe(201);
    const clash = await new HttpClient(node.url).post('/api/invites/redeem', {
      code: invite.code,
      pseudonym: 'WILLOW',
      account: { username: 'someone_else', password: 'a long enough passphrase' },
    });
    expect(clash.status).toBe(409);
    // The failed registration left no account behind.
    const login = await new HttpClient(node.url).post('/api/auth/login', {
      username: 'someone_else',
      password: 'a long enough passphrase',
    });
    expect(login.status).toBe(401);
  });

  it('ends the sockets of a login when it logs out, and refuses them afterwards', async () => {
    const person = (await inviteParticipant(organiser, groupId)).client;
    const cookie = person.cookie;
    const socket = await connect(node.url, cookie);
    await enter(socket, sessionId);
    const disconnected = new Promise((resolve) => socket.once('disconnect', resolve));
    expect((await person.post('/api/auth/logout', {})).status).toBe(204);
    await disconnected;
    await expect(connect(node.url, cookie)).rejects.toMatchObject({ data: { code: 'unauthenticated' } });
    const stale = new HttpClient(node.url);
    stale.cookie = cookie;
    expect((await stale.get('/api/me')).status).toBe(401);
  });
});
