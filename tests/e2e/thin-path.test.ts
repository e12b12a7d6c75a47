import { describe, expect, it } from 'vitest';
import { browserAvailable, browserWithHearth, shoot } from '../support/browser.ts';

describe.runIf(browserAvailable)('two people in two browsers', () => {
  const world = browserWithHearth();

  it('set up, create a group and a session, invite, and talk in the room', async () => {
    const organiser = await (await world.browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    const participant = await (await world.browser.newContext({ viewport: { width: 390, height: 760 } })).newPage();
    const pageErrors: string[] = [];
    for (const page of [organiser, participant]) page.on('pageerror', (error) => pageErrors.push(error.message));

    const token = await world.node.services.accounts.issueSetupToken();
    await organiser.goto(`${world.node.url}/setup#${token}`);
    await organiser.getByLabel('Username').fill('ada_organiser');
    await organiser.getByLabel('Password').fill('a long enough passphrase');
    await organiser.getByRole('button', { name: 'Create organiser account' }).click();

    await organiser.getByLabel('Group name').fill('Tuesday evening circle');
    await organiser.getByLabel('Description').fill('A facilitated peer-support group that meets on Tuesdays.');
    await organiser.getByLabel('Your name in this group').fill('Facilitator Sam');
    await organiser.getByRole('button', { name: 'Create group' }).click();
    await organiser.getByRole('link', { name: 'Tuesday evening circle' }).click();

    await organiser.getByLabel('Session title').fill('Finding steady ground');
    await organiser.getByRole('button', { name: 'Start a session now' }).click();
    await organiser.getByRole('button', { name: 'Invite someone' }).click();
    const inviteLink = await organiser.getByLabel('Invite link').inputValue();
    expect(inviteLink).toMatch(/\/invite#[A-Za-z0-9_-]{40,}$/);

    await participant.goto(inviteLink);
    await participant.getByText('Tuesday evening circle').first().waitFor();
    await participant.getByLabel('Your name in this group').fill('River');
    await participant.getByLabel('Username').fill('quiet_heron');
    await participant.getByLabel('Password').fill('another long passphrase');
    await participant.getByRole('button', { name: 'Join the group' }).click();
    await participant.getByRole('button', { name: 'I accept these agreements' }).click();
    await participant.getByRole('link', { name: 'Enter room' }).click();

    // Every entry starts with the confidentiality reminder; the group uses a waiting room.
    await participant.getByText('What people share here stays here.').waitFor();
    await participant.getByRole('button', { name: 'I understand — enter the room' }).click();
    await participant.getByText('A facilitator will let you in soon').waitFor();

    await organiser.getByRole('button', { name: 'I accept these agreements' }).click();
    await organiser.getByRole('link', { name: 'Enter room' }).click();
    await organiser.getByRole('button', { name: 'I understand — enter the room' }).click();
    const waitingRoom = organiser.getByRole('region', { name: 'Waiting room' });
    await waitingRoom.getByRole('button', { name: 'Let in River' }).click();

    const participantMessage = participant.getByLabel('Message', { exact: true });
    await participantMessage.waitFor();
    await expect.poll(() => participantMessage.isEnabled()).toBe(true);
    await participantMessage.fill('Hello. It is my first time here.');
    await participant.getByRole('button', { name: 'Send', exact: true }).click();
    await organiser.getByText('Hello. It is my first time here.', { exact: true }).waitFor();

    await organiser.getByLabel('Message', { exact: true }).fill('Welcome, River. Take all the time you need.');
    await organiser.getByLabel('Message', { exact: true }).press('Enter');
    await participant.getByText('Welcome, River. Take all the time you need.', { exact: true }).waitFor();
    await expect(participant.getByText('Facilitator Sam').first().isVisible()).resolves.toBe(true);
    await shoot(organiser, 'room-desktop');
    await shoot(participant, 'room-phone');

    // A reload brings the conversation back from the server, after the reminder once more.
    await participant.reload();
    await participant.getByRole('button', { name: 'I understand — enter the room' }).click();
    await participant.getByText('Hello. It is my first time here.', { exact: true }).waitFor();
    await participant.getByText('Welcome, River. Take all the time you need.', { exact: true }).waitFor();
    // Room pages must not be kept in the browser's cache.
    const response = await participant.request.get(participant.url());
    expect(response.headers()['cache-control']).toBe('no-store');
    // Nobody else's account name appears on the participant's screen.
    expect(await participant.content()).not.toContain('ada_organiser');
    expect(pageErrors).toEqual([]);
  });
});
