import { defaultAgreementText, defaultCwCategories } from '@hearth/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptAgreement, createGroup, createOrganiser, inviteParticipant, startSession } from '../support/factories.ts';
import { startNode, type Node } from '../support/hearth.ts';
import { HttpClient } from '../support/http.ts';
import { modes, type Provisioned } from '../support/modes.ts';
import { command, connect } from '../support/socket.ts';

describe.each(modes)('groups and their agreements, $name mode', (mode) => {
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

  async function tryToEnter(client: HttpClient, sessionId: string) {
    const socket = await connect(node.url, client.cookie);
    const reply = await command(socket, 'room:join', { sessionId, afterSeq: 0, reminderAcknowledged: true });
    socket.close();
    return reply;
  }

  it('starts a group with sensible defaults, and its first agreement', async () => {
    const res = await organiser.post('/api/groups', { name: 'Defaults', pseudonym: 'Lead One' });
    expect(res.status).toBe(201);
    const detail = (await organiser.get(`/api/groups/${res.json.id}`)).json;
    expect(detail).toMatchObject({
      name: 'Defaults',
      capacity: 12,
      waitingRoom: true,
      approvalRequired: false,
      retentionHours: 24,
      contentWarnings: defaultCwCategories,
      crisisResources: [],
      agreement: { version: 1, text: defaultAgreementText, acceptedVersion: null },
      facilitators: [expect.objectContaining({ pseudonym: 'Lead One', role: 'lead_facilitator' })],
      participantCount: 0,
      myRole: 'lead_facilitator',
      myStatus: 'active',
    });
  });

  it('lets organisers set every setting, and refuses bad ones without changing anything', async () => {
    const { id } = await createGroup(organiser);
    const settings = {
      name: 'Renamed',
      description: 'For survivors, on Thursdays.',
      capacity: 8,
      waitingRoom: false,
      approvalRequired: true,
      retentionHours: 0,
      contentWarnings: [
        { key: 'sexual-violence', label: 'Sexual violence', requiresWarning: true },
        { key: 'family', label: 'Family', requiresWarning: false },
      ],
      crisisResources: [
        { name: 'Rape Crisis helpline', phone: '0808 500 2222', hours: 'Every day, all day' },
        { name: 'Shout', text: 'Text SHOUT to 85258' },
        { name: 'Samaritans', link: 'https://www.samaritans.org' },
      ],
    };
    const updated = await organiser.request('PATCH', `/api/groups/${id}`, settings);
    expect(updated.status).toBe(200);
    expect(updated.json).toMatchObject(settings);

    const bad: Array<Record<string, unknown>> = [
      { capacity: 1 },
      { capacity: 'twelve' },
      { retentionHours: -1 },
      { retentionHours: 100_000 },
      { contentWarnings: [{ key: 'Not A Key', label: 'x', requiresWarning: true }] },
      { contentWarnings: [settings.contentWarnings[0], settings.contentWarnings[0]] },
      { crisisResources: [{ name: 'Nothing to call' }] },
      { crisisResources: [{ name: 'Bad link', link: 'javascript:alert(1)' }] },
      {},
    ];
    for (const body of bad) {
      const res = await organiser.request('PATCH', `/api/groups/${id}`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.code).toBe('invalid_input');
    }
    expect((await organiser.get(`/api/groups/${id}`)).json).toMatchObject(settings);
  });

  it('asks for the agreements before entering a room, and again after a new version', async () => {
    const { id: groupId } = await createGroup(organiser);
    const sessionId = (await startSession(organiser, groupId)).id;
    const invite = (await organiser.post(`/api/groups/${groupId}/invites`, {})).json;
    const participant = new HttpClient(node.url);
    await participant.post('/api/invites/redeem', {
      code: invite.code,
      pseudonym: 'Hazel',
      account: { username: 'hazel_account', password: 'a long enough passphrase' },
    });

    const before = await tryToEnter(participant, sessionId);
    expect(before).toEqual({ ok: false, error: expect.objectContaining({ code: 'agreement_required' }) });
    expect((await acceptAgreement(participant, groupId)).acceptedVersion).toBe(1);
    expect((await tryToEnter(participant, sessionId)).ok).toBe(true);

    const published = await organiser.post(`/api/groups/${groupId}/agreement`, {
      text: 'We keep what is said here in this room, and we are gentle with each other.',
    });
    expect(published.status).toBe(201);
    expect(published.json).toMatchObject({ version: 2 });

    const seen = (await participant.get(`/api/groups/${groupId}/agreement`)).json;
    expect(seen).toMatchObject({ version: 2, acceptedVersion: 1 });
    expect((await tryToEnter(participant, sessionId)).ok).toBe(false);

    // Accepting the version one read before, after a newer one appeared, is refused.
    const stale = await participant.post(`/api/groups/${groupId}/agreement/accept`, { version: 1 });
    expect(stale.status).toBe(409);
    expect(stale.json.code).toBe('conflict');

    await acceptAgreement(participant, groupId);
    expect((await tryToEnter(participant, sessionId)).ok).toBe(true);

    const record = (await organiser.get(`/api/groups/${groupId}/agreement/acceptances`)).json;
    expect(record.currentVersion).toBe(2);
    const hazel = record.acceptances.filter((a: { pseudonym: string }) => a.pseudonym === 'Hazel');
    expect(hazel.map((a: { version: number }) => a.version).sort()).toEqual([1, 2]);
    expect(hazel.every((a: { acceptedAt: string }) => !Number.isNaN(Date.parse(a.acceptedAt)))).toBe(true);
    expect(JSON.stringify(record)).not.toContain('hazel_account');
  });

  it('keeps publishing to organisers, and the record of acceptances from participants', async () => {
    const { id: groupId } = await createGroup(organiser);
    const participant = (await inviteParticipant(organiser, groupId)).client;
    const text = { text: 'A new agreement written by someone who may not write it.' };
    expect((await participant.post(`/api/groups/${groupId}/agreement`, text)).status).toBe(403);
    expect((await participant.get(`/api/groups/${groupId}/agreement/acceptances`)).status).toBe(403);
    expect((await participant.request('PATCH', `/api/groups/${groupId}`, { capacity: 20 })).status).toBe(403);
    const tooShort = await organiser.post(`/api/groups/${groupId}/agreement`, { text: 'Be kind.' });
    expect(tooShort.status).toBe(400);
    expect((await organiser.get(`/api/groups/${groupId}/agreement`)).json.version).toBe(1);
  });

  it('numbers versions one by one when two organisers publish at once', async () => {
    const { id: groupId } = await createGroup(organiser);
    const texts = ['First rewrite of the agreement text.', 'Second rewrite of the agreement text.'];
    const results = await Promise.all(
      texts.map((text) => organiser.post(`/api/groups/${groupId}/agreement`, { text })),
    );
    expect(results.map((r) => r.status)).toEqual([201, 201]);
    expect((await organiser.get(`/api/groups/${groupId}/agreement`)).json.version).toBe(3);
  });
});
