import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, browserWithHearth, neutralSite, shoot } from '../support/browser.ts';
import {
  createGroup,
  createOrganiser,
  inviteParticipant,
  newClientId,
  startSession,
} from '../support/factories.ts';
import type { HttpClient } from '../support/http.ts';
import { command, connect, unwrap, type TestSocket } from '../support/socket.ts';
import { collectPageErrors, desktop, enterRoom, pageAs, phone } from './roomPages.ts';

describe.runIf(browserAvailable)('content warnings in the room', () => {
  const world = browserWithHearth();

  it('a warned message is hidden until revealed; "always hide" folds a category away, and stays after a reload', async () => {
    const organiser = await createOrganiser(world.node);
    // This test is about warnings; the waiting room has its own test in thin-path.
    const group = await createGroup(organiser, undefined, { waitingRoom: false });
    const session = await startSession(organiser, group.id);
    const { client: participant } = await inviteParticipant(organiser, group.id);

    const facilitator = await pageAs(world.browser, world.node, organiser, desktop);
    const reader = await pageAs(world.browser, world.node, participant, phone);
    const pageErrors = collectPageErrors([facilitator, reader]);

    await facilitator.goto(`${world.node.url}/rooms/${session.id}`);
    await enterRoom(facilitator);
    await reader.goto(`${world.node.url}/rooms/${session.id}`);
    await enterRoom(reader);

    // The author is asked, before sending, whether to add the warning the text suggests.
    const first = 'Last winter I hurt myself again. I am safer now, and I wanted to say it here.';
    const composer = facilitator.getByLabel('Message', { exact: true });
    await composer.fill(first);
    await composer.press('Enter');
    await facilitator.getByText('This message may touch on Self-harm. Add a content warning?').waitFor();
    await facilitator.getByRole('button', { name: 'Add warning and send' }).click();
    // The author always sees their own words, under the warning.
    await facilitator.getByText(first, { exact: true }).waitFor();
    await facilitator.getByText('Content warning: Self-harm').first().waitFor();

    // The reader meets the warning first, and the words only by choice.
    const warned = reader.locator('ol.msgs > li').filter({ hasText: 'Content warning: Self-harm' });
    await warned.waitFor();
    expect(await reader.getByText(first, { exact: true }).count()).toBe(0);
    await warned.getByRole('button', { name: 'Show message' }).click();
    await reader.getByText(first, { exact: true }).waitFor();
    await warned.getByRole('button', { name: 'Hide again' }).click();
    await expect.poll(() => reader.getByText(first, { exact: true }).count()).toBe(0);

    // A facilitator adds a warning to a message after it was sent: it applies live.
    const plain = 'I spent most of last week at court.';
    await composer.fill(plain);
    await composer.press('Enter');
    await reader.getByText(plain, { exact: true }).waitFor();
    const plainOnFacilitator = facilitator.locator('ol.msgs > li').filter({ hasText: plain });
    await plainOnFacilitator.getByRole('button', { name: 'More' }).click();
    await plainOnFacilitator.getByRole('button', { name: 'Add a content warning' }).click();
    await plainOnFacilitator.getByLabel('Police and courts').check();
    await plainOnFacilitator.getByRole('button', { name: 'Save warning' }).click();
    await reader.getByText('Content warning: Police and courts (added by a facilitator)').waitFor();
    await expect.poll(() => reader.getByText(plain, { exact: true }).count()).toBe(0);
    await shoot(reader, 'room-content-warnings');

    // The reader chooses to always hide one category.
    await reader.getByRole('button', { name: 'Room settings' }).click();
    const settings = reader.getByRole('region', { name: 'Room settings' });
    await settings.getByRole('group', { name: 'Self-harm' }).getByLabel('Always hide').check();
    // Nothing changes until the choice is saved.
    await settings.getByText('Not saved yet.').waitFor();
    await settings.getByRole('button', { name: 'Save content-warning choices' }).click();
    await settings.getByText('Saved.').waitFor();
    await settings.getByRole('button', { name: 'Close' }).click();

    const second = 'Some days self-harm still feels close. Talking helps.';
    await composer.fill(second);
    await composer.press('Enter');
    await facilitator.getByRole('button', { name: 'Add warning and send' }).click();
    await facilitator.getByText(second, { exact: true }).waitFor();

    const hidden = reader.locator('ol.msgs > li').filter({ hasText: 'Hidden by your settings: Self-harm' });
    await hidden.first().waitFor();
    expect(await reader.getByText(second, { exact: true }).count()).toBe(0);
    await hidden.last().getByRole('button', { name: 'Show anyway' }).click();
    await reader.getByText(second, { exact: true }).waitFor();

    // After a reload the choice is still there (it lives on the server), and reveals are not.
    await reader.reload();
    await enterRoom(reader);
    await expect
      .poll(() => reader.getByText('Hidden by your settings: Self-harm').count())
      .toBe(2);
    expect(await reader.getByText(first, { exact: true }).count()).toBe(0);
    expect(await reader.getByText(second, { exact: true }).count()).toBe(0);
    await reader.getByRole('button', { name: 'Room settings' }).click();
    const settingsAgain = reader.getByRole('region', { name: 'Room settings' });
    const selfHarm = settingsAgain.getByRole('group', { name: 'Self-harm' });
    await expect.poll(() => selfHarm.getByLabel('Always hide').isChecked()).toBe(true);
    expect(await settingsAgain.getByRole('group', { name: 'Suicide' }).getByLabel('Ask').isChecked()).toBe(true);

    const saved = await participant.get(`/api/groups/${group.id}/room-preferences`);
    expect(saved.status).toBe(200);
    expect(saved.json.contentWarnings).toEqual({ 'self-harm': 'hide' });
    expect(pageErrors).toEqual([]);
  });
});

describe.runIf(browserAvailable)('quick exit', () => {
  const neutral = neutralSite('Weather', 'Light rain this afternoon, clearing later.');
  const world = browserWithHearth(() => ({ quickExitUrl: neutral.url }));
  const roomWords = 'The kettle is on; take a seat whenever you are ready.';
  let organiser: HttpClient;
  let facilitatorSocket: TestSocket | undefined;
  let groupId = '';
  let sessionId = '';

  beforeAll(async () => {
    organiser = await createOrganiser(world.node);
    groupId = (await createGroup(organiser, undefined, { waitingRoom: false })).id;
    sessionId = (await startSession(organiser, groupId)).id;
    // The facilitator is in the room and has said something, so there is room content to hide.
    facilitatorSocket = await connect(world.node.url, organiser.cookie);
    unwrap(await command(facilitatorSocket, 'room:join', { sessionId, afterSeq: 0, reminderAcknowledged: true }));
    unwrap(await command(facilitatorSocket, 'message:send', { sessionId, clientId: newClientId(), text: roomWords }));
  });

  afterAll(() => {
    facilitatorSocket?.close();
  });

  /** A participant who came to the room from the group page, with things kept in storage. */
  async function participantInRoom() {
    const { client } = await inviteParticipant(organiser, groupId);
    const page = await pageAs(world.browser, world.node, client, phone);
    const config = page.waitForResponse((response) => response.url().endsWith('/api/config'));
    await page.goto(`${world.node.url}/groups/${groupId}`);
    expect((await (await config).json()).quickExitUrl).toBe(neutral.url);
    await page.getByRole('link', { name: 'Enter room' }).click();
    await enterRoom(page);
    await page.getByText(roomWords, { exact: true }).waitFor();
    await page.evaluate(() => {
      localStorage.setItem('hearth.probe', 'kept');
      sessionStorage.setItem('hearth.probe', 'kept');
    });
    return { client, page };
  }

  async function expectLeftForGood(page: Page, client: HttpClient) {
    await page.waitForURL(neutral.url);
    expect(await page.title()).toBe('Weather');
    // The login has ended on the server: the old cookie no longer works.
    await expect.poll(async () => (await client.get('/api/me')).status).toBe(401);
    // Back does not return to the room: its history entry was replaced.
    await page.goBack();
    await page.waitForLoadState('load');
    // The entry before the room was the group page: Hearth again, but no longer logged in, so
    // it sends the person to log in (with the group page as where to return).
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    const back = new URL(page.url());
    expect(back.origin + back.pathname).toBe(`${world.node.url}/login`);
    expect(back.searchParams.get('next')).toBe(`/groups/${groupId}`);
    expect(await page.content()).not.toContain(roomWords);
    // What Hearth kept in this tab and this browser is gone.
    const kept = await page.evaluate(() => ({ local: localStorage.length, session: sessionStorage.length }));
    expect(kept).toEqual({ local: 0, session: 0 });
  }

  it('the Quick exit button leaves for the neutral page, logs out and clears storage', async () => {
    const { client, page } = await participantInRoom();
    const pageErrors = collectPageErrors([page]);
    await page.getByRole('button', { name: 'Quick exit' }).click();
    await expectLeftForGood(page, client);
    expect(pageErrors).toEqual([]);
  });

  it('Shift pressed three times does the same', async () => {
    const { client, page } = await participantInRoom();
    const pageErrors = collectPageErrors([page]);
    await page.keyboard.press('Shift');
    await page.keyboard.press('Shift');
    await page.keyboard.press('Shift');
    await expectLeftForGood(page, client);
    expect(pageErrors).toEqual([]);
  });

  it('Shift used for a capital letter in between starts the count again, as GOV.UK counts it', async () => {
    const { client, page } = await participantInRoom();
    const pageErrors = collectPageErrors([page]);
    const progress = page.locator('.quick-exit-wrap [role="status"]');
    const lit = page.getByRole('button', { name: 'Quick exit' }).locator('.quick-exit-press-on');
    const composer = page.getByLabel('Message', { exact: true });
    await composer.focus();

    await page.keyboard.press('Shift');
    await expect.poll(() => progress.textContent()).toBe('Shift, press 2 more times to exit.');
    await page.keyboard.press('Shift');
    await expect.poll(() => progress.textContent()).toBe('Shift, press 1 more time to exit.');
    expect(await lit.count()).toBe(2);
    // A capital letter: Shift as a modifier. The letter resets the count, and the Shift released
    // after it does not count either.
    await page.keyboard.press('Shift+A');
    await expect.poll(() => progress.textContent()).toBe('Quick exit expired.');
    await page.keyboard.press('Shift');
    await expect.poll(() => progress.textContent()).toBe('Shift, press 2 more times to exit.');
    expect(await lit.count()).toBe(1);
    expect(new URL(page.url()).pathname).toBe(`/rooms/${sessionId}`);
    expect(await composer.inputValue()).toBe('A');

    // Two more presses make three in a row: now it leaves.
    await page.keyboard.press('Shift');
    await page.keyboard.press('Shift');
    await expectLeftForGood(page, client);
    expect(pageErrors).toEqual([]);
  });

  it('is on every page, and says what it does and cannot do', async () => {
    const page = await (await world.browser.newContext({ viewport: phone })).newPage();
    await page.goto(`${world.node.url}/login`);
    await page.getByRole('button', { name: 'Quick exit' }).waitFor();
    await page.getByRole('link', { name: 'About quick exit' }).click();
    await page.getByRole('heading', { name: 'About quick exit' }).waitFor();
    await page.getByText('pressing Back does not bring you back to the room').waitFor();
    await page.getByText('Your browser still keeps a history').waitFor();
  });
});
