import { randomBytes } from 'node:crypto';
import { count, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accounts, memberships } from '../../server/src/db/schema.ts';
import {
  createGroup,
  createInvite,
  createOrganiser,
  expireInvite,
  joinWithNewAccount,
  memberIdOf,
  redeemAsNewcomer,
  startSession,
  uniqueName,
  updateGroup,
  type Joined,
} from '../support/factories.ts';
import { startNode, type Node } from '../support/hearth.ts';
import { HttpClient } from '../support/http.ts';
import { modes, type Provisioned } from '../support/modes.ts';
import { command, connect } from '../support/socket.ts';

describe.each(modes)('registration, invites and places in a group, $name mode', (mode) => {
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

  const newGroup = async () => (await createGroup(organiser)).id;

  const preview = (code: string) => new HttpClient(node.url).post('/api/invites/preview', { code });

  /** Tries to enter a session's room over a socket of the client's login. */
  async function tryRoom(client: HttpClient, sessionId: string) {
    const socket = await connect(node.url, client.cookie);
    try {
      return await command(socket, 'room:join', { sessionId, afterSeq: 0, reminderAcknowledged: true });
    } finally {
      socket.close();
    }
  }

  const detailOf = async (client: HttpClient, groupId: string) => {
    const res = await client.get(`/api/groups/${groupId}`);
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    return res.json;
  };

  /** Where each person stands, as each of them sees it in the group's detail. */
  const standings = async (people: Joined[], groupId: string) =>
    Promise.all(
      people.map(async (person) => {
        const detail = await detailOf(person.client, groupId);
        return [detail.myStatus, detail.myWaitlistPosition];
      }),
    );

  const accountsNamed = async (usernames: string[]) =>
    node.database.db
      .select({ id: accounts.id })
      .from(accounts)
      .where(inArray(sql`lower(${accounts.username})`, usernames.map((u) => u.toLowerCase())));

  const membershipCount = async (groupId: string) =>
    (await node.database.db.select({ n: count() }).from(memberships).where(eq(memberships.groupId, groupId)))[0]!.n;

  const accountCount = async () => (await node.database.db.select({ n: count() }).from(accounts))[0]!.n;

  it('refuses an expired, a revoked, a used-up and an unknown invite alike, creating nothing', async () => {
    const groupId = await newGroup();
    const expired = await createInvite(organiser, groupId);
    await expireInvite(node, expired.id);
    const revoked = await createInvite(organiser, groupId);
    expect((await organiser.post(`/api/groups/${groupId}/invites/${revoked.id}/revoke`, {})).status).toBe(204);
    const usedUp = await createInvite(organiser, groupId, { maxUses: 1 });
    expect((await redeemAsNewcomer(node.url, usedUp.code)).res.status).toBe(201);
    const unknown = randomBytes(32).toString('base64url');
    // Someone already logged in, a member of another group, tries the same codes.
    const existing = await joinWithNewAccount(organiser, await newGroup());
    const membersBefore = await membershipCount(groupId);
    expect(membersBefore).toBe(2);

    const attempted: string[] = [];
    const answers: unknown[] = [];
    for (const [what, code] of [
      ['expired', expired.code],
      ['revoked', revoked.code],
      ['used up', usedUp.code],
      ['unknown', unknown],
    ] as const) {
      const previewed = await preview(code);
      expect(previewed.status, `preview of the ${what} invite`).toBe(404);
      const newcomer = await redeemAsNewcomer(node.url, code);
      attempted.push(newcomer.username);
      expect(newcomer.res.status, `redeeming the ${what} invite`).toBe(404);
      expect(newcomer.res.headers.get('set-cookie'), `no login from the ${what} invite`).toBeNull();
      const member = await existing.client.post('/api/invites/redeem', { code, pseudonym: `Drifter ${what}` });
      expect(member.status, `redeeming the ${what} invite while logged in`).toBe(404);
      answers.push(previewed.json, newcomer.res.json, member.json);
    }
    expect(answers[0]).toEqual({ code: 'not_found', message: expect.stringMatching(/\S/) });
    for (const answer of answers) expect(answer).toEqual(answers[0]);

    expect(await accountsNamed(attempted)).toEqual([]);
    expect(await membershipCount(groupId)).toBe(membersBefore);
    expect((await existing.client.get(`/api/groups/${groupId}`)).status).toBe(404);

    const listed = (await organiser.get(`/api/groups/${groupId}/invites`)).json.invites as Array<{
      id: string;
      state: string;
      uses: number;
    }>;
    const stateOf = (id: string) => listed.find((invite) => invite.id === id);
    expect(stateOf(expired.id)).toMatchObject({ state: 'expired', uses: 0 });
    expect(stateOf(revoked.id)).toMatchObject({ state: 'revoked', uses: 0 });
    expect(stateOf(usedUp.id)).toMatchObject({ state: 'used_up', uses: 1, maxUses: 1 });
  });

  it('lets an invite be used as many times as its maxUses, counting only uses that succeeded', async () => {
    const groupId = await newGroup();
    const invite = await createInvite(organiser, groupId, { maxUses: 2 });
    expect(invite).toMatchObject({ state: 'active', maxUses: 2, uses: 0 });
    const first = await redeemAsNewcomer(node.url, invite.code);
    expect(first.res.status).toBe(201);
    // A registration refused for another reason does not use the invite up.
    const clash = await redeemAsNewcomer(node.url, invite.code, { pseudonym: first.pseudonym.toUpperCase() });
    expect(clash.res.status).toBe(409);
    const second = await redeemAsNewcomer(node.url, invite.code);
    expect(second.res.status).toBe(201);

    const third = await redeemAsNewcomer(node.url, invite.code);
    expect(third.res.status).toBe(404);
    expect(third.res.json.code).toBe('not_found');
    expect(await accountsNamed([clash.username, third.username])).toEqual([]);
    expect(await membershipCount(groupId)).toBe(3);
    const [listed] = (await organiser.get(`/api/groups/${groupId}/invites`)).json.invites;
    expect(listed).toMatchObject({ id: invite.id, state: 'used_up', uses: 2 });
  });

  it('previews the role, whether approval is needed and whether the group is full', async () => {
    const name = `Previewed ${uniqueName('group')}`;
    const groupId = (await createGroup(organiser, name)).id;
    const forParticipant = await createInvite(organiser, groupId, { maxUses: 1 });
    const forFacilitator = await createInvite(organiser, groupId, { role: 'facilitator' });
    const expected = { groupName: name, groupDescription: 'A weekly peer-support group.' };

    const plain = await preview(forParticipant.code);
    expect(plain.status).toBe(200);
    expect(plain.json).toEqual({ ...expected, role: 'participant', approvalRequired: false, full: false });
    expect((await preview(forFacilitator.code)).json).toEqual({
      ...expected,
      role: 'facilitator',
      approvalRequired: false,
      full: false,
    });

    await updateGroup(organiser, groupId, { approvalRequired: true });
    expect((await preview(forParticipant.code)).json).toMatchObject({ role: 'participant', approvalRequired: true });
    // Facilitators are never held for approval.
    expect((await preview(forFacilitator.code)).json).toMatchObject({ role: 'facilitator', approvalRequired: false });

    await updateGroup(organiser, groupId, { approvalRequired: false, capacity: 2 });
    await joinWithNewAccount(organiser, groupId);
    await joinWithNewAccount(organiser, groupId);
    expect((await preview(forParticipant.code)).json).toMatchObject({ approvalRequired: false, full: true });
    // A facilitator takes no participant's place, so a full group is no obstacle.
    expect((await preview(forFacilitator.code)).json).toMatchObject({ full: false });

    // Previewing used nothing up: the single-use invite still works, and puts its user where the preview said.
    const redeemed = await redeemAsNewcomer(node.url, forParticipant.code);
    expect(redeemed.res.status).toBe(201);
    expect(redeemed.res.json.group.myStatus).toBe('waitlisted');
  });

  it('keeps pseudonyms unique in a group, whatever their case, and apart from the username', async () => {
    const group = await createGroup(organiser);
    const groupId = group.id;
    const invite = await createInvite(organiser, groupId);
    const first = await redeemAsNewcomer(node.url, invite.code, { pseudonym: 'Quiet Harbour' });
    expect(first.res.status).toBe(201);
    expect(first.res.json.group.myPseudonym).toBe('Quiet Harbour');

    const refused: string[] = [];
    for (const pseudonym of ['Quiet Harbour', 'QUIET HARBOUR', 'quiet harbour', '  Quiet Harbour  ', group.myPseudonym.toLowerCase()]) {
      const clash = await redeemAsNewcomer(node.url, invite.code, { pseudonym });
      expect(clash.res.status, pseudonym).toBe(409);
      expect(clash.res.json.code).toBe('conflict');
      expect(clash.res.headers.get('set-cookie')).toBeNull();
      refused.push(clash.username);
    }

    const username = uniqueName('harbour_keeper');
    for (const pseudonym of [username, username.toUpperCase(), ` ${username} `]) {
      const same = await redeemAsNewcomer(node.url, invite.code, { username, pseudonym });
      expect(same.res.status, pseudonym).toBe(400);
      expect(same.res.json.code).toBe('invalid_input');
    }
    refused.push(username);

    // An account already logged in cannot use its username in a new group either.
    const existing = await joinWithNewAccount(organiser, await newGroup());
    const own = await existing.client.post('/api/invites/redeem', {
      code: invite.code,
      pseudonym: existing.username.toUpperCase(),
    });
    expect(own.status).toBe(400);
    expect(own.json.code).toBe('invalid_input');

    expect(await accountsNamed(refused)).toEqual([]);
    expect(await membershipCount(groupId)).toBe(2);
    // The name was free once it is spelled differently.
    const other = await redeemAsNewcomer(node.url, invite.code, { username, pseudonym: 'Quiet Harbour 2' });
    expect(other.res.status).toBe(201);
  });

  it('lets a logged-in account join a second group with the account it has', async () => {
    const firstGroup = await newGroup();
    const secondGroup = await newGroup();
    const person = await joinWithNewAccount(organiser, firstGroup);
    const cookie = person.client.cookie;
    const accountsBefore = await accountCount();
    const invite = await createInvite(organiser, secondGroup);

    const pseudonym = `Second ${uniqueName('name')}`;
    const res = await person.client.post('/api/invites/redeem', { code: invite.code, pseudonym });
    expect(res.status).toBe(201);
    expect(res.json.me).toMatchObject({ id: person.accountId, username: person.username });
    expect(res.json.group).toMatchObject({
      id: secondGroup,
      myRole: 'participant',
      myStatus: 'active',
      myPseudonym: pseudonym,
    });
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(person.client.cookie).toBe(cookie);
    expect(await accountCount()).toBe(accountsBefore);

    const groups = (await person.client.get('/api/groups')).json.groups as Array<{ id: string; myPseudonym: string }>;
    expect(groups.map((g) => [g.id, g.myPseudonym]).sort()).toEqual(
      [
        [firstGroup, person.pseudonym],
        [secondGroup, pseudonym],
      ].sort(),
    );

    const again = await person.client.post('/api/invites/redeem', { code: invite.code, pseudonym: 'Yet Another' });
    expect(again.status).toBe(409);
    expect(again.json.code).toBe('conflict');
  });

  it('holds registrations for approval: pending people stay outside the room until approved', async () => {
    const groupId = await newGroup();
    await updateGroup(organiser, groupId, { approvalRequired: true });
    const sessionId = (await startSession(organiser, groupId)).id;
    const facilitator = await joinWithNewAccount(organiser, groupId, { role: 'facilitator' });
    expect(facilitator.status).toBe('active');

    const waiting = await joinWithNewAccount(organiser, groupId);
    expect(waiting.status).toBe('pending');
    expect(await detailOf(waiting.client, groupId)).toMatchObject({
      myRole: 'participant',
      myStatus: 'pending',
      myWaitlistPosition: null,
    });
    expect((await detailOf(organiser, groupId)).participantCount).toBe(0);
    const listed = (await facilitator.client.get(`/api/groups/${groupId}/members`)).json.members;
    expect(listed).toContainEqual(expect.objectContaining({ pseudonym: waiting.pseudonym, status: 'pending' }));
    expect(await tryRoom(waiting.client, sessionId)).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'forbidden' }),
    });

    const waitingId = await memberIdOf(facilitator.client, groupId, waiting.pseudonym);
    const approved = await facilitator.client.post(`/api/groups/${groupId}/members/${waitingId}/approve`, {});
    expect(approved.status).toBe(200);
    expect(approved.json).toMatchObject({ memberId: waitingId, status: 'active', role: 'participant' });
    expect((await detailOf(waiting.client, groupId)).myStatus).toBe('active');
    expect((await detailOf(organiser, groupId)).participantCount).toBe(1);
    const entered = await tryRoom(waiting.client, sessionId);
    expect(entered).toMatchObject({ ok: true, data: { me: { pseudonym: waiting.pseudonym, role: 'participant' } } });
    const twice = await organiser.post(`/api/groups/${groupId}/members/${waitingId}/approve`, {});
    expect(twice.status).toBe(409);
    expect(twice.json.code).toBe('conflict');
    // Only pending registrations can be declined.
    expect((await organiser.post(`/api/groups/${groupId}/members/${waitingId}/decline`, {})).status).toBe(409);

    const declined = await joinWithNewAccount(organiser, groupId);
    expect(declined.status).toBe('pending');
    const declinedId = await memberIdOf(organiser, groupId, declined.pseudonym);
    expect((await organiser.post(`/api/groups/${groupId}/members/${declinedId}/decline`, {})).status).toBe(204);
    const after = (await organiser.get(`/api/groups/${groupId}/members`)).json.members;
    expect(after.map((m: { pseudonym: string }) => m.pseudonym)).not.toContain(declined.pseudonym);
    const gone = await declined.client.get(`/api/groups/${groupId}`);
    expect(gone.status).toBe(404);
    expect(gone.json.code).toBe('not_found');
    expect((await declined.client.get('/api/groups')).json.groups).toEqual([]);
    expect(await tryRoom(declined.client, sessionId)).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'not_found' }),
    });
    expect((await organiser.post(`/api/groups/${groupId}/members/${declinedId}/decline`, {})).status).toBe(404);
  });

  it('puts registrations approved into a full group on the waitlist, in the order they were approved', async () => {
    const groupId = await newGroup();
    await updateGroup(organiser, groupId, { capacity: 2 });
    const first = await joinWithNewAccount(organiser, groupId);
    await joinWithNewAccount(organiser, groupId);
    await updateGroup(organiser, groupId, { approvalRequired: true });
    const earlier = await joinWithNewAccount(organiser, groupId);
    const later = await joinWithNewAccount(organiser, groupId);
    expect([earlier.status, later.status]).toEqual(['pending', 'pending']);
    const approve = async (person: Joined) => {
      const memberId = await memberIdOf(organiser, groupId, person.pseudonym);
      const approved = await organiser.post(`/api/groups/${groupId}/members/${memberId}/approve`, {});
      expect(approved.status).toBe(200);
      return approved.json;
    };
    // The one who registered later is approved first, and so waits first.
    expect(await approve(later)).toMatchObject({ status: 'waitlisted' });
    expect(await approve(earlier)).toMatchObject({ status: 'waitlisted' });
    expect(await standings([later, earlier], groupId)).toEqual([
      ['waitlisted', 1],
      ['waitlisted', 2],
    ]);

    expect((await first.client.post(`/api/groups/${groupId}/leave`, {})).status).toBe(204);
    expect(await standings([later, earlier], groupId)).toEqual([
      ['active', null],
      ['waitlisted', 1],
    ]);
  });

  it('waitlists participants beyond the capacity in order, and gives a freed place to the first waiting', async () => {
    const groupId = await newGroup();
    expect((await updateGroup(organiser, groupId, { capacity: 2 })).capacity).toBe(2);
    const sessionId = (await startSession(organiser, groupId)).id;
    const people: Joined[] = [];
    for (let i = 0; i < 4; i++) people.push(await joinWithNewAccount(organiser, groupId));
    const [first, second, third, fourth] = people as [Joined, Joined, Joined, Joined];
    expect(people.map((p) => p.status)).toEqual(['active', 'active', 'waitlisted', 'waitlisted']);
    expect(await standings(people, groupId)).toEqual([
      ['active', null],
      ['active', null],
      ['waitlisted', 1],
      ['waitlisted', 2],
    ]);
    expect((await detailOf(organiser, groupId)).participantCount).toBe(2);
    const listed = (await organiser.get(`/api/groups/${groupId}/members`)).json.members as Array<{
      pseudonym: string;
      waitlistPosition: number | null;
    }>;
    expect(listed.filter((m) => m.waitlistPosition !== null).map((m) => [m.pseudonym, m.waitlistPosition])).toEqual([
      [third.pseudonym, 1],
      [fourth.pseudonym, 2],
    ]);

    // Waiting for a place is not being in the group: the room stays closed to them.
    expect(await tryRoom(third.client, sessionId)).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'forbidden' }),
    });
    expect(await tryRoom(first.client, sessionId)).toMatchObject({ ok: true });

    expect((await first.client.post(`/api/groups/${groupId}/leave`, {})).status).toBe(204);
    expect((await first.client.get(`/api/groups/${groupId}`)).status).toBe(404);
    expect(await standings([second, third, fourth], groupId)).toEqual([
      ['active', null],
      ['active', null],
      ['waitlisted', 1],
    ]);
    expect(await tryRoom(third.client, sessionId)).toMatchObject({ ok: true, data: { me: { pseudonym: third.pseudonym } } });
    expect(await tryRoom(fourth.client, sessionId)).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    // An organiser removing someone frees a place the same way.
    const secondId = await memberIdOf(organiser, groupId, second.pseudonym);
    expect((await organiser.request('DELETE', `/api/groups/${groupId}/members/${secondId}`)).status).toBe(204);
    expect((await second.client.get(`/api/groups/${groupId}`)).status).toBe(404);
    expect(await standings([third, fourth], groupId)).toEqual([
      ['active', null],
      ['active', null],
    ]);
    expect((await detailOf(organiser, groupId)).participantCount).toBe(2);
    expect(await tryRoom(fourth.client, sessionId)).toMatchObject({ ok: true });
  });

  it('lets the people waiting in, first come first served, when the capacity is raised', async () => {
    const groupId = await newGroup();
    await updateGroup(organiser, groupId, { capacity: 2 });
    const people: Joined[] = [];
    for (let i = 0; i < 5; i++) people.push(await joinWithNewAccount(organiser, groupId));
    expect(await standings(people, groupId)).toEqual([
      ['active', null],
      ['active', null],
      ['waitlisted', 1],
      ['waitlisted', 2],
      ['waitlisted', 3],
    ]);

    const raised = await updateGroup(organiser, groupId, { capacity: 4 });
    expect(raised).toMatchObject({ capacity: 4, participantCount: 4 });
    expect(await standings(people, groupId)).toEqual([
      ['active', null],
      ['active', null],
      ['active', null],
      ['active', null],
      ['waitlisted', 1],
    ]);
    const listed = (await organiser.get(`/api/groups/${groupId}/members`)).json.members as Array<{
      pseudonym: string;
      status: string;
      waitlistPosition: number | null;
    }>;
    expect(listed.filter((m) => m.status === 'waitlisted').map((m) => [m.pseudonym, m.waitlistPosition])).toEqual([
      [people[4]!.pseudonym, 1],
    ]);

    expect(await updateGroup(organiser, groupId, { capacity: 10 })).toMatchObject({ participantCount: 5 });
    expect((await detailOf(people[4]!.client, groupId)).myStatus).toBe('active');
  });

  it('makes facilitator invites give active facilitators, who take no participant’s place', async () => {
    const groupId = await newGroup();
    await updateGroup(organiser, groupId, { capacity: 2 });
    const sessionId = (await startSession(organiser, groupId)).id;
    const firstParticipant = await joinWithNewAccount(organiser, groupId);
    const firstFacilitator = await joinWithNewAccount(organiser, groupId, { role: 'facilitator' });
    const secondParticipant = await joinWithNewAccount(organiser, groupId);
    // The group is full of participants now; a facilitator still joins at once.
    const secondFacilitator = await joinWithNewAccount(organiser, groupId, { role: 'facilitator' });
    const thirdParticipant = await joinWithNewAccount(organiser, groupId);
    expect(
      [firstParticipant, firstFacilitator, secondParticipant, secondFacilitator, thirdParticipant].map((p) => p.status),
    ).toEqual(['active', 'active', 'active', 'active', 'waitlisted']);
    expect(await detailOf(firstFacilitator.client, groupId)).toMatchObject({
      myRole: 'facilitator',
      myStatus: 'active',
      myWaitlistPosition: null,
    });
    expect(await detailOf(thirdParticipant.client, groupId)).toMatchObject({ myWaitlistPosition: 1 });

    const detail = await detailOf(organiser, groupId);
    expect(detail.participantCount).toBe(2);
    expect(detail.facilitators).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ pseudonym: firstFacilitator.pseudonym, role: 'facilitator' }),
        expect.objectContaining({ pseudonym: secondFacilitator.pseudonym, role: 'facilitator' }),
      ]),
    );

    // Nor are facilitators held for approval.
    await updateGroup(organiser, groupId, { approvalRequired: true });
    const thirdFacilitator = await joinWithNewAccount(organiser, groupId, { role: 'facilitator' });
    expect(thirdFacilitator.status).toBe('active');
    expect(await tryRoom(secondFacilitator.client, sessionId)).toMatchObject({
      ok: true,
      data: { me: { role: 'facilitator' } },
    });
    expect(await tryRoom(thirdFacilitator.client, sessionId)).toMatchObject({ ok: true });
    expect((await firstFacilitator.client.get(`/api/groups/${groupId}/members`)).status).toBe(200);
  });
});
