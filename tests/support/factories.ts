import { randomBytes, randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { HttpClient } from './http.ts';
import type { Node } from './hearth.ts';

const suffix = () => randomBytes(3).toString('hex');

export const password = 'a long enough passphrase';

/** The first organiser, created through the one-time setup link as a newcomer would. */
export async function createOrganiser(node: Node): Promise<HttpClient> {
  const token = await node.services.accounts.issueSetupToken();
  expect(token, 'setup token (no account may exist yet)').toBeTruthy();
  const client = new HttpClient(node.url);
  const res = await client.post('/api/setup', { token, username: `organiser_${suffix()}`, password });
  expect(res.status).toBe(201);
  return client;
}

export async function createGroup(organiser: HttpClient, name = `Group ${suffix()}`) {
  const res = await organiser.post('/api/groups', {
    name,
    description: 'A weekly peer-support group.',
    pseudonym: `Facilitator ${suffix()}`,
  });
  expect(res.status).toBe(201);
  await acceptAgreement(organiser, res.json.id);
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
