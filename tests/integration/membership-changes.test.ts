import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createGroup,
  createOrganiser,
  joinWithNewAccount,
  memberIdOf,
  newClientId,
  startSession,
  updateGroup,
  uniqueName,
} from '../support/factories.ts';
import { startNode, type Node } from '../support/hearth.ts';
import { HttpClient } from '../support/http.ts';
import { modes, type Provisioned } from '../support/modes.ts';
import { collect, command, connect, unwrap } from '../support/socket.ts';

describe.each(modes)('when a place in a group ends or changes, $name mode', (mode) => {
  let place: Provisioned;
  let node: Node;
  let organiser: HttpClient;

  beforeAll(async () => {
    place = await mode.provision();
    node = await startNode(place);
    organiser = await createOrganiser(node);
  });

  afterAll(async () => {
    await node?.close();
    await place?.dispose();
  });

  it('takes a removed member out of the open room at once', async () => {
    const { id: groupId } = await createGroup(organiser);
    const sessionId = (await startSession(organiser, groupId)).id;
    const leaving = await joinWithNewAccount(organiser, groupId);
    const staying = await joinWithNewAccount(organiser, groupId);
    const removedSocket = await connect(node.url, leaving.client.cookie);
    const stayingSocket = await connect(node.url, staying.client.cookie);
    unwrap(await command(removedSocket, 'room:join', { sessionId, afterSeq: 0 }));
    unwrap(await command(stayingSocket, 'room:join', { sessionId, afterSeq: 0 }));
    const heardByRemoved = collect(removedSocket, 'message:created');
    const disconnected = new Promise((resolve) => removedSocket.once('disconnect', resolve));

    const memberId = await memberIdOf(organiser, groupId, leaving.pseudonym);
    expect((await organiser.request('DELETE', `/api/groups/${groupId}/members/${memberId}`)).status).toBe(204);
    await disconnected;
    unwrap(await command(stayingSocket, 'message:send', { sessionId, clientId: newClientId(), text: 'After they left.' }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(heardByRemoved.received).toEqual([]);

    // Reconnecting does not bring them back.
    const again = await connect(node.url, leaving.client.cookie);
    const refused = await command(again, 'room:join', { sessionId, afterSeq: 0 });
    expect(refused.ok).toBe(false);
    again.close();
    stayingSocket.close();
  });

  it('takes someone who leaves out of the room too', async () => {
    const { id: groupId } = await createGroup(organiser);
    const sessionId = (await startSession(organiser, groupId)).id;
    const person = await joinWithNewAccount(organiser, groupId);
    const socket = await connect(node.url, person.client.cookie);
    unwrap(await command(socket, 'room:join', { sessionId, afterSeq: 0 }));
    const disconnected = new Promise((resolve) => socket.once('disconnect', resolve));
    expect((await person.client.post(`/api/groups/${groupId}/leave`, {})).status).toBe(204);
    await disconnected;
  });

  it('shows people waiting for a place the group, but not its sessions or room', async () => {
    const { id: groupId } = await createGroup(organiser);
    await updateGroup(organiser, groupId, { capacity: 2 });
    await joinWithNewAccount(organiser, groupId);
    await joinWithNewAccount(organiser, groupId);
    const waiting = await joinWithNewAccount(organiser, groupId);
    expect(waiting.status).toBe('waitlisted');
    expect((await waiting.client.get(`/api/groups/${groupId}`)).json.myWaitlistPosition).toBe(1);
    expect((await waiting.client.get(`/api/groups/${groupId}/agreement`)).status).toBe(200);
    const sessions = await waiting.client.get(`/api/groups/${groupId}/sessions`);
    expect(sessions.status).toBe(403);
    expect(sessions.json.code).toBe('forbidden');
    expect((await waiting.client.get('/api/sessions/upcoming')).json.sessions).toEqual([]);
  });

  it('refuses to turn a facilitator into a participant when the group is full', async () => {
    const { id: groupId } = await createGroup(organiser);
    await updateGroup(organiser, groupId, { capacity: 2 });
    await joinWithNewAccount(organiser, groupId);
    await joinWithNewAccount(organiser, groupId);
    const helper = await joinWithNewAccount(organiser, groupId, { role: 'facilitator' });
    const memberId = await memberIdOf(organiser, groupId, helper.pseudonym);
    const res = await organiser.request('PATCH', `/api/groups/${groupId}/members/${memberId}`, { role: 'participant' });
    expect(res.status).toBe(409);
    expect((await organiser.get(`/api/groups/${groupId}`)).json.participantCount).toBe(2);
  });

  it('does not tie a username to a pseudonym when appointing a facilitator', async () => {
    const { id: groupId } = await createGroup(organiser);
    const member = await joinWithNewAccount(organiser, groupId);
    const res = await organiser.post(`/api/groups/${groupId}/facilitators`, {
      username: member.username,
      role: 'facilitator',
    });
    expect(res.status).toBe(409);
    expect(JSON.stringify(res.json)).not.toContain(member.pseudonym);
  });

  it('counts parallel wrong passwords before checking them', async () => {
    const target = await joinWithNewAccount(organiser, (await createGroup(organiser)).id);
    const guesses = await Promise.all(
      Array.from({ length: 12 }, () =>
        new HttpClient(node.url).request(
          'POST',
          '/api/auth/login',
          { username: target.username, password: uniqueName('guess') },
          { 'x-forwarded-for': '198.51.100.9' },
        ),
      ),
    );
    const statuses = guesses.map((g) => g.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(7);
  });
});
