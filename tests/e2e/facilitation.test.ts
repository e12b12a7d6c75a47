import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserAvailable, browserWithHearth, shoot } from '../support/browser.ts';
import { createGroup, createOrganiser, inviteParticipant, startSession } from '../support/factories.ts';
import { collectPageErrors, desktop, enterRoom, pageAs, phone } from './roomPages.ts';

/** A message in the conversation, found by its words. */
const messageIn = (page: Page, words: string) => page.locator('ol.msgs > li').filter({ hasText: words });

describe.runIf(browserAvailable)('facilitating a session', () => {
  const world = browserWithHearth();

  it('admit, check in, pause, support, a report, a warning and a mute; the audit log shows each', async () => {
    const organiser = await createOrganiser(world.node);
    const group = await createGroup(organiser, undefined, { waitingRoom: true });
    const session = await startSession(organiser, group.id);
    const ash = await inviteParticipant(organiser, group.id);
    const bay = await inviteParticipant(organiser, group.id);

    const facilitator = await pageAs(world.browser, world.node, organiser, desktop);
    const first = await pageAs(world.browser, world.node, ash.client, phone);
    const second = await pageAs(world.browser, world.node, bay.client, phone);
    const pageErrors = collectPageErrors([facilitator, first, second]);
    const roomUrl = `${world.node.url}/rooms/${session.id}`;

    // The facilitator opens the console; both participants wait to be let in.
    await facilitator.goto(roomUrl);
    await enterRoom(facilitator);
    const consolePanel = facilitator.getByRole('complementary', { name: 'Facilitator console' });
    await consolePanel.waitFor();
    for (const page of [first, second]) {
      await page.goto(roomUrl);
      await page.getByRole('button', { name: 'I understand — enter the room' }).click();
      await page.getByText('A facilitator will let you in soon').waitFor();
    }
    const waitingRoom = consolePanel.getByRole('region', { name: 'Waiting room' });
    await waitingRoom.getByRole('button', { name: `Let in ${bay.pseudonym}` }).waitFor();
    await waitingRoom.getByRole('button', { name: `Let in ${ash.pseudonym}` }).click();
    await first.getByLabel('Message', { exact: true }).waitFor();
    await waitingRoom.getByRole('button', { name: `Let in ${bay.pseudonym}` }).click();
    await second.getByLabel('Message', { exact: true }).waitFor();
    await waitingRoom.getByText('Nobody is waiting.').waitFor();

    // An announcement is set apart, and pinned until put away.
    const controls = consolePanel.getByRole('region', { name: 'Session controls' });
    await controls.getByLabel('Announcement').fill('Welcome, both of you. We will start with a check-in.');
    await controls.getByRole('button', { name: 'Send announcement' }).click();
    const pinned = first.getByRole('complementary', { name: 'Announcement' });
    await pinned.getByText('Welcome, both of you. We will start with a check-in.').waitFor();
    await pinned.getByText(/^Announcement from /).waitFor();
    await pinned.getByRole('button', { name: 'Dismiss the announcement' }).click();
    await expect.poll(() => pinned.count()).toBe(0);

    // A check-in round: the participant answers; only the facilitator sees the answer.
    const round = consolePanel.getByRole('region', { name: 'Check-in round' });
    await round.getByRole('button', { name: 'Open a check-in round' }).click();
    const card = first.getByRole('region', { name: 'The facilitator has opened a check-in. How are you arriving?' });
    await card.getByLabel('Amber: I’m finding it hard').check();
    await card.getByLabel('One word, if you like (optional)').fill('tired');
    await card.getByRole('button', { name: 'Send my check-in' }).click();
    await first.getByText('You checked in:').waitFor();
    await first.getByText('Amber — tired').waitFor();
    await round.getByText(ash.pseudonym, { exact: true }).waitFor();
    await round.getByText('Amber — tired').waitFor();
    // The other participant sees the round open, and chooses not to answer.
    await second.getByRole('region', { name: 'The facilitator has opened a check-in. How are you arriving?' }).waitFor();
    await second.getByRole('button', { name: 'Not now' }).click();
    expect(await second.getByText('Amber — tired').count()).toBe(0);
    await round.getByRole('button', { name: 'Close the check-in round' }).click();
    await round.getByRole('button', { name: 'Open a check-in round' }).waitFor();

    // A grounding pause: everyone sees the prompt and nobody can send, until it ends early.
    await controls.getByLabel('Length of a grounding pause').selectOption({ label: '1 minute' });
    await controls.getByRole('button', { name: 'Start a grounding pause' }).click();
    for (const page of [first, second]) {
      const prompt = page.getByRole('region', { name: 'A moment of grounding' });
      await prompt.getByText('Breathe in… and out').waitFor();
      await prompt.getByText(/Time left: 0[01]:\d\d/).waitFor();
      await page.getByText('The room is paused for a moment of grounding.').waitFor();
      await page.getByLabel('Message', { exact: true }).fill('Still here');
      expect(await page.getByRole('button', { name: 'Send', exact: true }).isDisabled()).toBe(true);
    }
    await shoot(first, 'grounding-pause');
    await controls.getByRole('button', { name: 'End pause' }).click();
    for (const page of [first, second]) {
      await expect.poll(() => page.getByRole('region', { name: 'A moment of grounding' }).count()).toBe(0);
      await page.getByText('The grounding pause has ended.').waitFor();
      await expect.poll(() => page.getByRole('button', { name: 'Send', exact: true }).isEnabled()).toBe(true);
      // What was written during the pause is still there.
      expect(await page.getByLabel('Message', { exact: true }).inputValue()).toBe('Still here');
      await page.getByLabel('Message', { exact: true }).fill('');
    }

    // A request for support reaches the facilitator and stays until acknowledged.
    await second.getByRole('button', { name: 'I need support' }).click();
    await second.getByText('The facilitators have been told').waitFor();
    const support = consolePanel.getByRole('region', { name: 'Support asked for' });
    await support.getByText(bay.pseudonym, { exact: true }).waitFor();
    await support.getByRole('button', { name: `Acknowledge ${bay.pseudonym}’s request` }).click();
    await support.getByText('Nobody has asked for support.').waitFor();

    // A report: the reported words reach the queue; the facilitator resolves it with a note.
    const reported = 'Honestly some of you should just stop talking and listen for once.';
    await first.getByLabel('Message', { exact: true }).fill(reported);
    await first.getByRole('button', { name: 'Send', exact: true }).click();
    const onSecond = messageIn(second, reported);
    await onSecond.getByRole('button', { name: 'More' }).click();
    await onSecond.getByRole('button', { name: 'Report' }).click();
    await onSecond.getByRole('button', { name: 'Send report' }).click();
    await onSecond.getByText('Your report has reached the facilitators').waitFor();
    const reports = consolePanel.getByRole('region', { name: 'Reports' });
    await reports.getByText(reported).waitFor();
    await reports.getByText(`Message by ${ash.pseudonym}:`).waitFor();
    await reports.getByLabel('Note for the audit log (optional; please don’t quote the message)').fill('Talked it through privately.');
    await reports.getByRole('button', { name: 'Action taken' }).click();
    await reports.getByText('No reports to look at.').waitFor();

    // A warning added by the facilitator reaches the others at once.
    const courts = 'The hearing at court is next month and I keep going over it.';
    await first.getByLabel('Message', { exact: true }).fill(courts);
    await first.getByRole('button', { name: 'Send', exact: true }).click();
    const onFacilitator = messageIn(facilitator, courts);
    await onFacilitator.getByRole('button', { name: 'More' }).click();
    await onFacilitator.getByRole('button', { name: 'Add a content warning' }).click();
    await onFacilitator.getByLabel('Police and courts').check();
    await onFacilitator.getByRole('button', { name: 'Save warning' }).click();
    await second.getByText('Content warning: Police and courts (added by a facilitator)').waitFor();
    await expect.poll(() => second.getByText(courts).count()).toBe(0);

    // A mute: the person is told privately, can keep writing, and cannot send.
    const people = consolePanel.getByRole('region', { name: 'People in the room' });
    await people.getByRole('button', { name: `Actions for ${ash.pseudonym}` }).click();
    await people.getByRole('button', { name: 'Mute', exact: true }).click();
    await people.getByLabel('Mute for').selectOption({ label: '5 minutes' });
    await people.getByLabel('Reason (optional; kept in the audit log)').fill('A short breather');
    await people.getByRole('button', { name: 'Mute', exact: true }).click();
    await people.locator('.console-flag', { hasText: 'muted until' }).waitFor();
    await first.getByText('You can write again at').waitFor();
    const composer = first.getByLabel('Message', { exact: true });
    await composer.fill('I wanted to add something');
    expect(await composer.isEditable()).toBe(true);
    expect(await first.getByRole('button', { name: 'Send', exact: true }).isDisabled()).toBe(true);
    await composer.press('Enter');
    expect(await composer.inputValue()).toBe('I wanted to add something');
    await shoot(facilitator, 'facilitator-console');

    // The audit log shows each of these, with who did it and to whom, never what was said.
    await facilitator.goto(`${world.node.url}/groups/${group.id}/manage`);
    await facilitator.getByRole('tab', { name: 'Audit log' }).click();
    const log = facilitator.getByRole('region', { name: 'Audit log entries' });
    const entry = (label: string) => log.locator('li').filter({ has: facilitator.getByText(label, { exact: true }) });
    for (const label of [
      'Let in from the waiting room',
      'Announcement',
      'Check-in round opened',
      'Check-in round closed',
      'Grounding pause',
      'Grounding pause ended early',
      'Request for support acknowledged',
      'Report resolved',
      'Content warning added to a message',
      'Muted',
    ]) {
      await entry(label).first().waitFor();
    }
    expect(await entry('Let in from the waiting room').count()).toBe(2);
    await entry('Muted').getByText(ash.pseudonym).waitFor();
    await entry('Muted').getByText(/^Reason: .*A short breather/).waitFor();
    expect(await log.textContent()).not.toContain(reported);
    expect(await log.textContent()).not.toContain(courts);

    // The filter shows one kind of action.
    await facilitator.getByLabel('Kind of action').selectOption({ label: 'Muted' });
    await expect.poll(() => log.locator('li').count()).toBe(1);
    await shoot(facilitator, 'audit-log', { fullPage: true });
    expect(pageErrors).toEqual([]);
  });
});
