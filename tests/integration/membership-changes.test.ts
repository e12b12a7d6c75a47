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
import { collectEvents, command, connect, enter, postedMessages, unwrap } from '../support/socket.ts';

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
    // The facilitator is in the room, so that participants may write.
    const facilitatorSocket = await connect(node.url, organiser.cookie);
    await enter(facilitatorSocket, sessionId);
    const removedSocket = await connect(node.url, leaving.client.cookie);
    const stayingSocket = await connect(node.url, staying.client.cookie);
    const removedMember = (await enter(removedSocket, sessionId)).me;
    await enter(stayingSocket, sessionId);
    const heardByRemoved = collectEvents(removedSocket);
    const heardByStaying = collectEvents(stayingSocket);
    const disconnected = new Promise((resolve) => removedSocket.once('disconnect', resolve));

    const memberId = await memberIdOf(organiser, groupId, leaving.pseudonym);
    expect((await organiser.request('DELETE', `/api/groups/${groupId}/members/${memberId}`)).status).toBe(204);
    await disconnected;
    const after = unwrap(
      await command(stayingSocket, 'message:send', { sessionId, clientId: newClientId(), text: 'After they left.' }),
    );
    await expect.poll(() => postedMessages(heardByStaying.received).map((m) => m.id), { timeout: 5000 }).toContain(after.id);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(postedMessages(heardByRemoved.received)).toEqual([]);

    // Reconnecting does not bring them back.
    const again = await connect(node.url, leaving.client.cookie);
    const refused = await command(again, 'room:join', { sessionId, afterSeq: 0, reminderAcknowledged: true });
    expect(refused.ok).toBe(false);
    again.close();
    const rejoined = await enter(stayingSocket, sessionId);
    expect(rejoined.roster.map((entry) => entry.member.memberId)).not.toContain(removedMember.memberId);

    // Those still in the room are told that the person left, as for anyone whose last socket goes.
    const presence = () =>
      heardByStaying.received.flatMap((e) => (e.type === 'presence' ? [[e.member.memberId, e.state]] : []));
    await expect
      .poll(presence, { timeout: 5000, message: 'a "left" presence event for the removed member' })
      .toContainEqual([removedMember.memberId, 'left']);
    stayingSocket.close();
    facilitatorSocket.close();
  });

  it('takes someone who leaves out of the room too', async () => {
    const { id: groupId } = await createGroup(organiser);
    const sessionId = (await startSession(organiser, groupId)).id;
    const person = await joinWithNewAccount(organiser, groupId);
    const facilitatorSocket = await connect(node.url, organiser.cookie);
    await enter(facilitatorSocket, sessionId);
    const socket = await connect(node.url, person.client.cookie);
    const leaver = (await enter(socket, sessionId)).me;
    const heardByFacilitator = collectEvents(facilitatorSocket);
    const disconnected = new Promise((resolve) => socket.once('disconnect', resolve));
    expect((await person.client.post(`/api/groups/${groupId}/leave`, {})).status).toBe(204);
    await disconnected;
    // The facilitator is told they left, as for anyone whose last socket goes.
    const presence = () =>
      heardByFacilitator.received.flatMap((e) => (e.type === 'presence' ? [[e.member.memberId, e.state]] : []));
    await expect
      .poll(presence, { timeout: 5000, message: 'a "left" presence event for the member who left the group' })
      .toContainEqual([leaver.memberId, 'left']);
    facilitatorSocket.close();
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
