import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  agreementText,
  scheduleBody,
  createGroup,
  createInvite,
  createOrganiser,
  joinWithNewAccount,
  memberIdOf,
  startSession,
  updateGroup,
  type Joined,
} from '../support/factories.ts';
import { startNode, type Node } from '../support/hearth.ts';
import type { HttpClient } from '../support/http.ts';
import { modes, type Provisioned } from '../support/modes.ts';

type Route = readonly [method: string, path: string, body?: unknown];

describe.each(modes)('roles in a group, $name mode', (mode) => {
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

  const call = (client: HttpClient, [method, path, body]: Route) => client.request(method, path, body);

  const detailOf = async (client: HttpClient, groupId: string) => {
    const res = await client.get(`/api/groups/${groupId}`);
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    return res.json;
  };

  /** Someone with an account who has no place in any group the test uses. */
  const stranger = async () => joinWithNewAccount(organiser, (await createGroup(organiser)).id);

  const facilitatorsOf = async (groupId: string) =>
    ((await detailOf(organiser, groupId)).facilitators as Array<{ pseudonym: string; role: string }>)
      .map((f) => [f.pseudonym, f.role])
      .sort();

  it('assigns a facilitator by username, asking for a pseudonym only of someone not yet a member', async () => {
    const group = await createGroup(organiser);
    const groupId = group.id;
    const newcomer = await stranger();
    const participant = await joinWithNewAccount(organiser, groupId);
    const assign = (body: Record<string, unknown>) => organiser.post(`/api/groups/${groupId}/facilitators`, body);

    const noName = await assign({ username: newcomer.username, role: 'facilitator' });
    expect(noName.status).toBe(400);
    expect(noName.json.code).toBe('invalid_input');
    const unknown = await assign({ username: 'no_such_account', pseudonym: 'Nobody Here', role: 'facilitator' });
    expect(unknown.status).toBe(404);
    expect(unknown.json.code).toBe('not_found');
    const ownName = await assign({
      username: newcomer.username,
      pseudonym: newcomer.username.toUpperCase(),
      role: 'facilitator',
    });
    expect(ownName.status).toBe(400);
    expect(ownName.json.code).toBe('invalid_input');
    const taken = await assign({
      username: newcomer.username,
      pseudonym: participant.pseudonym.toLowerCase(),
      role: 'facilitator',
    });
    expect(taken.status).toBe(409);
    expect(taken.json.code).toBe('conflict');
    expect((await newcomer.client.get(`/api/groups/${groupId}`)).status).toBe(404);

    const added = await assign({ username: newcomer.username.toUpperCase(), pseudonym: 'Steady Oak', role: 'facilitator' });
    expect(added.status).toBe(201);
    expect(added.json).toMatchObject({ pseudonym: 'Steady Oak', role: 'facilitator', status: 'active', waitlistPosition: null });
    expect(await detailOf(newcomer.client, groupId)).toMatchObject({
      myRole: 'facilitator',
      myStatus: 'active',
      myPseudonym: 'Steady Oak',
    });
    // Now a facilitator, they see the member list.
    expect((await newcomer.client.get(`/api/groups/${groupId}/members`)).status).toBe(200);

    // An existing member is promoted from the member list, by member id: naming their
    // username here would tie it to their pseudonym.
    const byUsername = await assign({ username: participant.username, role: 'facilitator' });
    expect(byUsername.status).toBe(409);
    expect(JSON.stringify(byUsername.json)).not.toContain(participant.pseudonym);
    const participantId = await memberIdOf(organiser, groupId, participant.pseudonym);
    const promoted = await organiser.request('PATCH', `/api/groups/${groupId}/members/${participantId}`, {
      role: 'facilitator',
    });
    expect(promoted.status).toBe(200);
    expect(promoted.json).toMatchObject({ memberId: participantId, pseudonym: participant.pseudonym, role: 'facilitator' });
    expect((await detailOf(participant.client, groupId)).myRole).toBe('facilitator');

    expect(await facilitatorsOf(groupId)).toEqual(
      [
        [group.myPseudonym, 'lead_facilitator'],
        ['Steady Oak', 'facilitator'],
        [participant.pseudonym, 'facilitator'],
      ].sort(),
    );
  });

  it('keeps one lead facilitator: a new lead demotes the previous one to facilitator', async () => {
    const group = await createGroup(organiser);
    const groupId = group.id;
    const participant = await joinWithNewAccount(organiser, groupId);
    const participantId = await memberIdOf(organiser, groupId, participant.pseudonym);

    const made = await organiser.request('PATCH', `/api/groups/${groupId}/members/${participantId}`, {
      role: 'lead_facilitator',
    });
    expect(made.status).toBe(200);
    expect(made.json).toMatchObject({ memberId: participantId, role: 'lead_facilitator', status: 'active' });
    expect(await facilitatorsOf(groupId)).toEqual(
      [
        [group.myPseudonym, 'facilitator'],
        [participant.pseudonym, 'lead_facilitator'],
      ].sort(),
    );
    expect((await detailOf(organiser, groupId)).myRole).toBe('facilitator');
    expect((await detailOf(participant.client, groupId)).myRole).toBe('lead_facilitator');

    // Appointing someone from outside as lead works the same way.
    const outsider = await stranger();
    const appointed = await organiser.post(`/api/groups/${groupId}/facilitators`, {
      username: outsider.username,
      pseudonym: 'New Lead',
      role: 'lead_facilitator',
    });
    expect(appointed.status).toBe(201);
    expect(appointed.json).toMatchObject({ pseudonym: 'New Lead', role: 'lead_facilitator', status: 'active' });
    expect(await facilitatorsOf(groupId)).toEqual(
      [
        [group.myPseudonym, 'facilitator'],
        [participant.pseudonym, 'facilitator'],
        ['New Lead', 'lead_facilitator'],
      ].sort(),
    );
    const members = (await organiser.get(`/api/groups/${groupId}/members`)).json.members as Array<{ role: string }>;
    expect(members.filter((m) => m.role === 'lead_facilitator')).toHaveLength(1);
  });

  it('refuses every organiser-only route to the lead facilitator, facilitators and participants', async () => {
    const groupId = (await createGroup(organiser)).id;
    const lead = await joinWithNewAccount(organiser, groupId);
    const leadId = await memberIdOf(organiser, groupId, lead.pseudonym);
    expect(
      (await organiser.request('PATCH', `/api/groups/${groupId}/members/${leadId}`, { role: 'lead_facilitator' })).status,
    ).toBe(200);
    const facilitator = await joinWithNewAccount(organiser, groupId, { role: 'facilitator' });
    const participant = await joinWithNewAccount(organiser, groupId);
    const target = await joinWithNewAccount(organiser, groupId);
    const targetId = await memberIdOf(organiser, groupId, target.pseudonym);
    const outsider = await stranger();

    const routes: Route[] = [
      ['PATCH', `/api/groups/${groupId}`, { capacity: 20 }],
      ['PATCH', `/api/groups/${groupId}`, { approvalRequired: true, name: 'Taken over' }],
      ['POST', `/api/groups/${groupId}/agreement`, { text: agreementText }],
      ['PATCH', `/api/groups/${groupId}/members/${targetId}`, { role: 'facilitator' }],
      ['PATCH', `/api/groups/${groupId}/members/${targetId}`, { role: 'lead_facilitator' }],
      ['PATCH', `/api/groups/${groupId}/members/${leadId}`, { role: 'participant' }],
      ['DELETE', `/api/groups/${groupId}/members/${targetId}`],
      ['POST', `/api/groups/${groupId}/facilitators`, { username: outsider.username, pseudonym: 'Would Be', role: 'facilitator' }],
      ['POST', `/api/groups/${groupId}/facilitators`, { username: target.username, role: 'lead_facilitator' }],
      ['POST', `/api/groups/${groupId}/invites`, { role: 'facilitator' }],
    ];
    for (const [who, person] of [
      ['lead facilitator', lead],
      ['facilitator', facilitator],
      ['participant', participant],
    ] as const) {
      for (const route of routes) {
        const res = await call(person.client, route);
        expect(res.status, `${who}: ${route[0]} ${route[1]}`).toBe(403);
        expect(res.json, `${who}: ${route[0]} ${route[1]}`).toEqual({
          code: 'forbidden',
          message: expect.stringMatching(/\S/),
        });
      }
    }

    // Nothing was changed by the refused requests.
    const detail = await detailOf(organiser, groupId);
    expect(detail).toMatchObject({ capacity: 12, approvalRequired: false, participantCount: 2 });
    expect(detail.name).not.toBe('Taken over');
    expect(detail.agreement.version).toBe(1);
    const members = (await organiser.get(`/api/groups/${groupId}/members`)).json.members as Array<{
      memberId: string;
      role: string;
    }>;
    expect(members.find((m) => m.memberId === targetId)?.role).toBe('participant');
    expect(members.find((m) => m.memberId === leadId)?.role).toBe('lead_facilitator');
    expect(members).toHaveLength(5);
    expect((await outsider.client.get(`/api/groups/${groupId}`)).status).toBe(404);
    const invites = (await organiser.get(`/api/groups/${groupId}/invites`)).json.invites as Array<{ role: string }>;
    expect(invites.filter((invite) => invite.role === 'facilitator')).toHaveLength(1); // the facilitator's own
  });

  it('refuses facilitator-level routes to participants, and allows them to facilitators', async () => {
    const groupId = (await createGroup(organiser)).id;
    const participant = await joinWithNewAccount(organiser, groupId);
    const facilitator = await joinWithNewAccount(organiser, groupId, { role: 'facilitator' });
    await updateGroup(organiser, groupId, { approvalRequired: true });
    const waiting = await joinWithNewAccount(organiser, groupId);
    expect(waiting.status).toBe('pending');
    const waitingId = await memberIdOf(organiser, groupId, waiting.pseudonym);
    const invite = await createInvite(organiser, groupId);
    const sessionId = (await startSession(organiser, groupId)).id;
    const scheduled = await organiser.post(`/api/groups/${groupId}/schedule`, scheduleBody);
    expect(scheduled.status).toBe(201);
    const scheduledId = scheduled.json.sessions[0].id as string;

    const routes: Route[] = [
      ['GET', `/api/groups/${groupId}/members`],
      ['POST', `/api/groups/${groupId}/members/${waitingId}/approve`, {}],
      ['POST', `/api/groups/${groupId}/members/${waitingId}/decline`, {}],
      ['POST', `/api/groups/${groupId}/invites`, {}],
      ['POST', `/api/groups/${groupId}/invites`, { role: 'participant', maxUses: 1 }],
      ['GET', `/api/groups/${groupId}/invites`],
      ['POST', `/api/groups/${groupId}/invites/${invite.id}/revoke`, {}],
      ['GET', `/api/groups/${groupId}/agreement/acceptances`],
      ['POST', `/api/groups/${groupId}/sessions`, { title: 'My own session', durationMinutes: 30 }],
      ['POST', `/api/groups/${groupId}/schedule`, scheduleBody],
      ['PATCH', `/api/sessions/${scheduledId}`, { title: 'Moved by a participant' }],
      ['POST', `/api/sessions/${scheduledId}/cancel`, {}],
      ['POST', `/api/sessions/${sessionId}/cancel`, {}],
      ['POST', `/api/sessions/${scheduledId}/open`, {}],
      ['POST', `/api/sessions/${sessionId}/end`, {}],
    ];
    for (const route of routes) {
      const res = await call(participant.client, route);
      expect(res.status, `${route[0]} ${route[1]}`).toBe(403);
      expect(res.json.code, `${route[0]} ${route[1]}`).toBe('forbidden');
    }

    // Nothing changed.
    const invites = (await organiser.get(`/api/groups/${groupId}/invites`)).json.invites as Array<{ id: string; state: string }>;
    expect(invites.map((i) => [i.id, i.state])).toContainEqual([invite.id, 'active']);
    expect(invites).toHaveLength(4); // the three joins' invites and this one
    const sessions = (await organiser.get(`/api/groups/${groupId}/sessions?to=2031-12-31T00:00:00Z`)).json.sessions as Array<{
      id: string;
      title: string;
      status: string;
    }>;
    expect(sessions.map((s) => [s.id, s.status]).sort()).toEqual(
      [
        [sessionId, 'open'],
        [scheduledId, 'scheduled'],
      ].sort(),
    );
    expect(sessions.find((s) => s.id === scheduledId)?.title).toBe(scheduleBody.title);

    // A facilitator may do them.
    const members = await facilitator.client.get(`/api/groups/${groupId}/members`);
    expect(members.status).toBe(200);
    expect(members.json.members).toContainEqual(expect.objectContaining({ memberId: waitingId, status: 'pending' }));
    expect((await facilitator.client.get(`/api/groups/${groupId}/invites`)).status).toBe(200);
    expect((await facilitator.client.get(`/api/groups/${groupId}/agreement/acceptances`)).status).toBe(200);
    expect((await facilitator.client.post(`/api/groups/${groupId}/invites`, {})).status).toBe(201);
    expect((await facilitator.client.post(`/api/groups/${groupId}/invites/${invite.id}/revoke`, {})).status).toBe(204);
    expect((await facilitator.client.post(`/api/groups/${groupId}/members/${waitingId}/approve`, {})).status).toBe(200);
    const opened = await facilitator.client.post(`/api/sessions/${scheduledId}/open`, {});
    expect(opened.status).toBe(200);
    expect(opened.json).toMatchObject({ id: scheduledId, status: 'open' });
    const ended = await facilitator.client.post(`/api/sessions/${sessionId}/end`, {});
    expect(ended.status).toBe(200);
    expect(ended.json).toMatchObject({ id: sessionId, status: 'closed' });
  });

  it('answers every group route with 404 for an account with no role in the group, as for no group', async () => {
    const groupId = (await createGroup(organiser)).id;
    const member = await joinWithNewAccount(organiser, groupId);
    const memberId = await memberIdOf(organiser, groupId, member.pseudonym);
    const invite = await createInvite(organiser, groupId);
    const sessionId = (await startSession(organiser, groupId)).id;
    const outsider = await stranger();

    const groupRoutes = (group: string): Route[] => [
      ['GET', `/api/groups/${group}`],
      ['PATCH', `/api/groups/${group}`, { capacity: 20 }],
      ['GET', `/api/groups/${group}/members`],
      ['POST', `/api/groups/${group}/members/${memberId}/approve`, {}],
      ['POST', `/api/groups/${group}/members/${memberId}/decline`, {}],
      ['PATCH', `/api/groups/${group}/members/${memberId}`, { role: 'facilitator' }],
      ['DELETE', `/api/groups/${group}/members/${memberId}`],
      ['POST', `/api/groups/${group}/facilitators`, { username: outsider.username, pseudonym: 'Let Me In', role: 'facilitator' }],
      ['POST', `/api/groups/${group}/leave`, {}],
      ['POST', `/api/groups/${group}/invites`, {}],
      ['POST', `/api/groups/${group}/invites`, { role: 'facilitator' }],
      ['GET', `/api/groups/${group}/invites`],
      ['POST', `/api/groups/${group}/invites/${invite.id}/revoke`, {}],
      ['GET', `/api/groups/${group}/agreement`],
      ['POST', `/api/groups/${group}/agreement`, { text: agreementText }],
      ['POST', `/api/groups/${group}/agreement/accept`, { version: 1 }],
      ['GET', `/api/groups/${group}/agreement/acceptances`],
      ['GET', `/api/groups/${group}/sessions`],
      ['POST', `/api/groups/${group}/sessions`, { title: 'Not mine', durationMinutes: 30 }],
      ['POST', `/api/groups/${group}/schedule`, scheduleBody],
      ['GET', `/api/groups/${group}/room-preferences`],
      ['PUT', `/api/groups/${group}/room-preferences`, { contentWarnings: {}, typingIndicators: false }],
    ];
    const sessionRoutes = (session: string): Route[] => [
      ['PATCH', `/api/sessions/${session}`, { title: 'Not mine' }],
      ['POST', `/api/sessions/${session}/cancel`, {}],
      ['POST', `/api/sessions/${session}/open`, {}],
      ['POST', `/api/sessions/${session}/end`, {}],
    ];

    const real = [...groupRoutes(groupId), ...sessionRoutes(sessionId)];
    const none = [...groupRoutes(randomUUID()), ...sessionRoutes(randomUUID())];
    for (const [index, route] of real.entries()) {
      const hidden = await call(outsider.client, route);
      const missing = await call(outsider.client, none[index]!);
      expect(hidden.status, `${route[0]} ${route[1]}`).toBe(404);
      expect(hidden.json.code, `${route[0]} ${route[1]}`).toBe('not_found');
      expect(hidden.json, `${route[0]} ${route[1]} as for a group that does not exist`).toEqual(missing.json);
    }

    // And nothing happened to the group.
    const detail = await detailOf(organiser, groupId);
    expect(detail).toMatchObject({ capacity: 12, participantCount: 1 });
    expect(detail.agreement.version).toBe(1);
    expect(detail.facilitators).toHaveLength(1);
    expect((await detailOf(member.client, groupId)).myStatus).toBe('active');
    const invites = (await organiser.get(`/api/groups/${groupId}/invites`)).json.invites as Array<{ id: string; state: string }>;
    expect(invites.find((i) => i.id === invite.id)?.state).toBe('active');
    expect(invites).toHaveLength(2);
    const sessions = (await organiser.get(`/api/groups/${groupId}/sessions?to=2031-12-31T00:00:00Z`)).json.sessions;
    expect(sessions).toEqual([expect.objectContaining({ id: sessionId, status: 'open', title: 'Evening session' })]);
    expect((await outsider.client.get('/api/groups')).json.groups.map((g: { id: string }) => g.id)).not.toContain(groupId);
  });

  it('shows member lists with pseudonyms only, never usernames', async () => {
    const group = await createGroup(organiser);
    const groupId = group.id;
    const people: Joined[] = [
      await joinWithNewAccount(organiser, groupId, { email: 'someone@example.org' }),
      await joinWithNewAccount(organiser, groupId),
      await joinWithNewAccount(organiser, groupId, { role: 'facilitator' }),
    ];
    await updateGroup(organiser, groupId, { approvalRequired: true });
    people.push(await joinWithNewAccount(organiser, groupId));
    const organiserMe = (await organiser.get('/api/me')).json;
    const usernames = [organiserMe.username, ...people.map((p) => p.username)];
    const accountIds = [organiserMe.id, ...people.map((p) => p.accountId)];

    for (const [who, viewer] of [
      ['organiser', organiser],
      ['facilitator', people[2]!.client],
    ] as const) {
      const res = await viewer.get(`/api/groups/${groupId}/members`);
      expect(res.status, who).toBe(200);
      const members = res.json.members as Array<Record<string, unknown>>;
      expect(members.map((m) => m.pseudonym).sort(), who).toEqual(
        [group.myPseudonym, ...people.map((p) => p.pseudonym)].sort(),
      );
      for (const entry of members) {
        expect(Object.keys(entry).sort(), who).toEqual(
          ['joinedAt', 'memberId', 'pseudonym', 'role', 'status', 'waitlistPosition'],
        );
      }
      const text = res.text.toLowerCase();
      for (const secret of [...usernames, ...accountIds, 'someone@example.org']) {
        expect(text, `${who} sees ${secret}`).not.toContain(secret.toLowerCase());
      }
    }

    // Nor does the group's page show a member's account.
    const page = (await people[1]!.client.get(`/api/groups/${groupId}`)).text.toLowerCase();
    for (const username of usernames) expect(page).not.toContain(username.toLowerCase());
  });
});
