import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptAgreement, createGroup, newClientId, password, startSession } from '../support/factories.ts';
import { startNode, type Node } from '../support/hearth.ts';
import { HttpClient } from '../support/http.ts';
import { modes, type Provisioned } from '../support/modes.ts';
import { command, connect, enter, raw, unwrap } from '../support/socket.ts';

describe.each(modes)('nothing confidential in the logs, $name mode', (mode) => {
  let place: Provisioned;
  let node: Node;

  beforeAll(async () => {
    place = await mode.provision();
    node = await startNode(place, { logLevel: 'trace' });
  });

  afterAll(async () => {
    await node?.close();
    await place?.dispose();
  });

  it('logs no message text, pseudonym, username, password, cookie or token', async () => {
    const setupToken = (await node.services.accounts.issueSetupToken())!;
    const organiser = new HttpClient(node.url);
    expect((await organiser.post('/api/setup', { token: setupToken, username: 'lead_person', password })).status).toBe(201);
    const group = await createGroup(organiser);
    const session = await startSession(organiser, group.id);
    const invite = (await organiser.post(`/api/groups/${group.id}/invites`, {})).json;
    const participant = new HttpClient(node.url);
    const secrets = {
      username: 'quiet_heron_4711',
      pseudonym: 'Juniper Moss',
      message: 'The thing I have never said out loud before',
      badPassword: 'wrong password 55519',
    };
    await participant.post(`/api/invites/redeem?code=${invite.code}`, {
      code: invite.code,
      pseudonym: secrets.pseudonym,
      account: { username: secrets.username, password },
    });
    await new HttpClient(node.url).post('/api/auth/login', { username: secrets.username, password: secrets.badPassword });
    await participant.post('/api/auth/login', { username: secrets.username, password });
    await acceptAgreement(participant, group.id);

    // The facilitator is in the room, so that the participant may write.
    const facilitatorSocket = await connect(node.url, organiser.cookie);
    await enter(facilitatorSocket, session.id);
    const socket = await connect(node.url, participant.cookie);
    await enter(socket, session.id);
    unwrap(await command(socket, 'message:send', { sessionId: session.id, clientId: newClientId(), text: secrets.message }));
    await raw(socket, 'message:send', { sessionId: session.id, clientId: 'bad', text: secrets.message });
    await raw(socket, 'message:send', { sessionId: session.id, clientId: newClientId(), text: secrets.message.repeat(200) });
    socket.close();
    facilitatorSocket.close();

    const logs = node.logs.text;
    expect(node.logs.lines.length).toBeGreaterThan(10);
    const forbidden = [
      ...Object.values(secrets),
      password,
      setupToken,
      invite.code,
      participant.cookie.split('=')[1]!,
      organiser.cookie.split('=')[1]!,
    ];
    for (const secret of forbidden) expect(logs, secret).not.toContain(secret);
  });

  it('answers an unexpected failure with a generic error, and logs its type and code only', async () => {
    const organiser = new HttpClient(node.url);
    const login = await organiser.post('/api/auth/login', { username: 'lead_person', password });
    expect(login.status).toBe(200);
    // The database going away mid-flight is the most likely unexpected failure.
    await node.database.close();
    const before = node.logs.lines.length;
    const res = await organiser.post('/api/groups', { name: 'Sunday group', pseudonym: 'Lead Sunday' });
    expect(res.status).toBe(500);
    expect(res.json).toEqual({ code: 'internal', message: 'Something went wrong on our side. Please try again.' });
    const logged = node.logs.lines.slice(before).map((line) => JSON.parse(line));
    const failure = logged.find((entry) => entry.msg === 'request failed');
    expect(failure.err).toEqual({ type: expect.any(String) });
    expect(node.logs.text).not.toMatch(/Sunday|select |insert /i);
  });
});
