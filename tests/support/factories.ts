import { randomBytes, randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { invites } from '../../server/src/db/schema.ts';
import { HttpClient } from './http.ts';
import type { Node } from './hearth.ts';

const suffix = () => randomBytes(3).toString('hex');

export const password = 'a long enough passphrase';

/** An agreement text long enough to publish. */
export const agreementText = 'We listen to each other, and what is said here stays here.';

/** A one-off session far enough ahead that no test's clock reaches it. */
export const scheduleBody = {
  title: 'Thursday check-in',
  repeat: 'once',
  timeZone: 'Europe/London',
  date: '2031-03-13',
  time: '19:00',
  durationMinutes: 60,
};

/** The first organiser, created through the one-time setup link as a newcomer would. */
export async function createOrganiser(node: Node): Promise<HttpClient> {
  const token = await node.services.accounts.issueSetupToken();
  expect(token, 'setup token (no account may exist yet)').toBeTruthy();
  const client = new HttpClient(node.url);
  const res = await client.post('/api/setup', { token, username: `organiser_${suffix()}`, password });
  expect(res.status).toBe(201);
  return client;
}

/**
 * A group whose creator is its lead facilitator and has accepted its agreements. Its waiting
 * room is off unless asked for, so that people enter as soon as they join.
 */
export async function createGroup(
  organiser: HttpClient,
  name = `Group ${suffix()}`,
  options: { waitingRoom?: boolean } = {},
) {
  const res = await organiser.post('/api/groups', {
    name,
    description: 'A weekly peer-support group.',
    pseudonym: `Facilitator ${suffix()}`,
  });
  expect(res.status).toBe(201);
  await acceptAgreement(organiser, res.json.id);
  await updateGroup(organiser, res.json.id, { waitingRoom: options.waitingRoom ?? false });
  return res.json as { id: string; name: string; myPseudonym: string };
}

/** Accepts the group's current agreements, as everyone must before entering a room. */
export async function acceptAgreement(client: HttpClient, groupId: string) {
  const agreement = await client.get(`/api/groups/${groupId}/agreement`);
  expect(agreement.status).toBe(200);
  const accepted = await client.post(`/api/groups/${groupId}/agreement/accept`, {
    version: agreement.json.version,
  });
  expect(accepted.status).toBe(200);
  return accepted.json as { version: number; acceptedVersion: number };
}

export async function startSession(client: HttpClient, groupId: string) {
  const res = await client.post(`/api/groups/${groupId}/sessions`, {
    title: 'Evening session',
    durationMinutes: 90,
  });
  expect(res.status).toBe(201);
  return res.json as { id: string; status: string };
}

/** A new participant who joined the group through an invite link. */
export async function inviteParticipant(inviter: HttpClient, groupId: string, baseUrl = inviter.baseUrl) {
  const invite = await inviter.post(`/api/groups/${groupId}/invites`, {});
  expect(invite.status).toBe(201);
  const participant = new HttpClient(baseUrl);
  const pseudonym = `River ${suffix()}`;
  const res = await participant.post('/api/invites/redeem', {
    code: invite.json.code,
    pseudonym,
    account: { username: `participant_${suffix()}`, password },
  });
  expect(res.status).toBe(201);
  await acceptAgreement(participant, groupId);
  return { client: participant, pseudonym };
}

/** An organiser who leads a group with an open session, and a participant invited to it. */
export async function openRoomWithParticipant(node: Node) {
  const organiser = await createOrganiser(node);
  const groupId = (await createGroup(organiser)).id;
  const sessionId = (await startSession(organiser, groupId)).id;
  const participant = (await inviteParticipant(organiser, groupId)).client;
  return { organiser, groupId, sessionId, participant };
}

export const newClientId = () => randomUUID();

// Accounts, invites and memberships, one person at a time.

/** A name no other test uses, such as `maple_3fa2c1`. */
export const uniqueName = (prefix: string) => `${prefix}_${suffix()}`;

export type InviteOptions = { role?: 'participant' | 'facilitator'; expiresInDays?: number; maxUses?: number };
export type CreatedInvite = {
  id: string;
  code: string;
  role: 'participant' | 'facilitator';
  state: 'active' | 'expired' | 'revoked' | 'used_up';
  maxUses: number | null;
  uses: number;
};

/** An invite to the group made by `inviter`, who must be allowed to make it. */
export async function createInvite(
  inviter: HttpClient,
  groupId: string,
  options: InviteOptions = {},
): Promise<CreatedInvite> {
  const res = await inviter.post(`/api/groups/${groupId}/invites`, options);
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return res.json;
}

/** Makes an invite out of date, as the passing of its expiry time would. */
export async function expireInvite(node: Node, inviteId: string): Promise<void> {
  await node.database.db
    .update(invites)
    .set({ expiresAt: new Date(Date.now() - 60_000) })
    .where(eq(invites.id, inviteId));
}

/** A newcomer redeeming a code with a new account. The answer is returned, not checked. */
export async function redeemAsNewcomer(
  baseUrl: string,
  code: string,
  names: { username?: string; pseudonym?: string; email?: string } = {},
) {
  const client = new HttpClient(baseUrl);
  const username = names.username ?? uniqueName('person');
  const pseudonym = names.pseudonym ?? `Fern ${suffix()}`;
  const res = await client.post('/api/invites/redeem', {
    code,
    pseudonym,
    account: { username, password, ...(names.email === undefined ? {} : { email: names.email }) },
  });
  return { client, username, pseudonym, res };
}

export type Joined = {
  client: HttpClient;
  username: string;
  pseudonym: string;
  accountId: string;
  /** Where the newcomer stands in the group right after joining. */
  status: 'active' | 'pending' | 'waitlisted';
};

/**
 * A newcomer with a new account who joined through a fresh invite of `role`, and (unless told
 * not to) accepted the group's agreement.
 */
export async function joinWithNewAccount(
  inviter: HttpClient,
  groupId: string,
  options: { role?: 'participant' | 'facilitator'; baseUrl?: string; acceptAgreement?: boolean; email?: string } = {},
): Promise<Joined> {
  const invite = await createInvite(inviter, groupId, { role: options.role ?? 'participant' });
  const joined = await redeemAsNewcomer(options.baseUrl ?? inviter.baseUrl, invite.code, {
    ...(options.email === undefined ? {} : { email: options.email }),
  });
  expect(joined.res.status, JSON.stringify(joined.res.json)).toBe(201);
  if (options.acceptAgreement ?? true) await acceptAgreement(joined.client, groupId);
  return {
    client: joined.client,
    username: joined.username,
    pseudonym: joined.pseudonym,
    accountId: joined.res.json.me.id,
    status: joined.res.json.group.myStatus,
  };
}

/** A member's id, found by pseudonym in the member list `viewer` (organiser or facilitator) sees. */
export async function memberIdOf(viewer: HttpClient, groupId: string, pseudonym: string): Promise<string> {
  const res = await viewer.get(`/api/groups/${groupId}/members`);
  expect(res.status).toBe(200);
  const member = (res.json.members as Array<{ memberId: string; pseudonym: string }>).find(
    (m) => m.pseudonym === pseudonym,
  );
  expect(member, `member ${pseudonym}`).toBeDefined();
  return member!.memberId;
}

/** Changes a group's settings as an organiser; returns the group as it is afterwards. */
export async function updateGroup(organiser: HttpClient, groupId: string, changes: Record<string, unknown>) {
  const res = await organiser.request('PATCH', `/api/groups/${groupId}`, changes);
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  return res.json;
}

/** A further login of an existing account, as a second browser would make. */
export async function logIn(baseUrl: string, username: string, secret = password): Promise<HttpClient> {
  const client = new HttpClient(baseUrl);
  const res = await client.post('/api/auth/login', { username, password: secret });
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  return client;
}
