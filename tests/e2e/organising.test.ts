import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { browserAvailable, browserWithHearth, shoot } from '../support/browser.ts';

describe.runIf(browserAvailable)('an organiser sets up a group; a participant joins it', () => {
  const world = browserWithHearth();

  it('agreements and a weekly series in London; the participant sees it in New York time', async () => {
    const organiserContext = await world.browser.newContext({
      viewport: { width: 1280, height: 800 },
      locale: 'en-GB',
      timezoneId: 'Europe/London',
    });
    const participantContext = await world.browser.newContext({
      viewport: { width: 390, height: 760 },
      locale: 'en-US',
      timezoneId: 'America/New_York',
    });
    const organiser = await organiserContext.newPage();
    const participant = await participantContext.newPage();
    const pageErrors: string[] = [];
    for (const page of [organiser, participant]) page.on('pageerror', (error) => pageErrors.push(error.message));

    const token = await world.node.services.accounts.issueSetupToken();
    await organiser.goto(`${world.node.url}/setup#${token}`);
    await organiser.getByLabel('Username').fill('organiser_ruth');
    await organiser.getByLabel('Password').fill('a long enough passphrase');
    await organiser.getByRole('button', { name: 'Create organiser account' }).click();
    await organiser.getByLabel('Group name').fill('Wednesday evening group');
    await organiser.getByLabel('Your name in this group').fill('Facilitator Ruth');
    await organiser.getByRole('button', { name: 'Create group' }).click();
    await organiser.getByRole('link', { name: 'Wednesday evening group' }).click();
    await organiser.getByRole('link', { name: 'Manage group' }).click();

    const agreementText =
      'We keep what is shared here to ourselves. We listen without judging. Anyone may pass, step out or leave at any time.';
    await organiser.getByRole('tab', { name: 'Agreement' }).click();
    await organiser.getByLabel('Agreement text').fill(agreementText);
    await organiser.getByRole('button', { name: 'Publish new version' }).click();
    await organiser.getByText('Version 2').first().waitFor();

    // Next week's Wednesday, 19:00 in London.
    const london = DateTime.now().setZone('Europe/London').plus({ weeks: 1 }).set({ weekday: 3 });
    const date = london.toISODate()!;
    await organiser.getByRole('tab', { name: 'Schedule' }).click();
    await organiser.getByLabel('Session title').fill('Evening circle');
    await organiser.getByLabel('Repeats').selectOption({ label: 'Every week' });
    await organiser.getByLabel('Date').first().fill(date);
    await organiser.getByLabel('Start time').first().fill('19:00');
    await organiser.getByLabel('Time zone').fill('Europe/London');
    await organiser.getByLabel('Duration (minutes)').first().fill('90');
    await organiser.getByRole('button', { name: 'Schedule', exact: true }).click();
    await organiser.getByRole('button', { name: 'Cancel this session' }).first().waitFor();
    await shoot(organiser, 'organiser-schedule', { fullPage: true });

    await organiser.getByRole('tab', { name: 'Invites' }).click();
    await organiser.getByRole('button', { name: 'Create invite' }).click();
    const inviteLink = await organiser.getByLabel('Invite link').inputValue();
    expect(inviteLink).toMatch(/\/invite#[A-Za-z0-9_-]{40,}$/);

    await participant.goto(inviteLink);
    await participant.getByText('Wednesday evening group').first().waitFor();
    await participant.getByLabel('Your name in this group').fill('Wren');
    await participant.getByLabel('Username').fill('wren_account');
    await participant.getByLabel('Password').fill('another long passphrase');
    await participant.getByRole('button', { name: 'Join the group' }).click();
    await participant.getByText(agreementText).waitFor();
    await participant.getByRole('button', { name: 'I accept these agreements' }).click();
    await participant.getByRole('button', { name: 'I accept these agreements' }).waitFor({ state: 'detached' });

    // The first session is shown at its local time for someone in New York.
    const firstStart = DateTime.fromISO(`${date}T19:00`, { zone: 'Europe/London' });
    const expected = new Intl.DateTimeFormat('en-US', {
      timeZone: 'America/New_York',
      hour: 'numeric',
      minute: '2-digit',
    }).format(firstStart.toJSDate());
    const first = participant.locator(`time[datetime="${firstStart.toUTC().toISO({ suppressMilliseconds: false })}"]`).first();
    await first.waitFor();
    expect(await first.textContent()).toContain(expected);
    await shoot(participant, 'participant-group', { fullPage: true });

    await participant.goto(world.node.url);
    await participant.getByRole('heading', { name: 'Upcoming sessions' }).waitFor();
    expect(await participant.getByText('Evening circle').count()).toBeGreaterThan(0);

    // What the organiser sees of the participant: the pseudonym and the version accepted.
    await organiser.reload();
    await organiser.getByRole('tab', { name: 'Agreement' }).click();
    await organiser.getByText('Wren').first().waitFor();
    expect(await organiser.content()).not.toContain('wren_account');
    await organiser.getByRole('tab', { name: 'People' }).click();
    await organiser.getByText('Wren').first().waitFor();
    expect(await organiser.content()).not.toContain('wren_account');

    // Settings saved in the page reach the group.
    await organiser.getByRole('tab', { name: 'Settings' }).click();
    await organiser.getByLabel('Capacity').fill('10');
    await organiser.getByLabel('New members need approval').check();
    await organiser.getByRole('button', { name: 'Save settings' }).click();
    const groupId = new URL(organiser.url()).pathname.split('/')[2]!;
    await expect
      .poll(async () => (await (await organiser.request.get(`${world.node.url}/api/groups/${groupId}`)).json()).capacity)
      .toBe(10);
    expect((await (await organiser.request.get(`${world.node.url}/api/groups/${groupId}`)).json()).approvalRequired).toBe(true);
    expect(pageErrors).toEqual([]);
  });
});
