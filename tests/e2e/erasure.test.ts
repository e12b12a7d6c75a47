import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserAvailable, browserWithHearth, shoot } from '../support/browser.ts';
import { createGroup, createOrganiser, joinWithNewAccount, password, startSession } from '../support/factories.ts';
import { HttpClient } from '../support/http.ts';
import { collectPageErrors, desktop, enterRoom, pageAs, phone } from './roomPages.ts';

/** The narrowest screen Hearth is made for. */
const narrow = { width: 320, height: 640 };

/** A message in the conversation, found by its words. */
const messageIn = (page: Page, words: string) => page.locator('ol.msgs > li').filter({ hasText: words });

/** True when nothing on the page is wider than the screen, so nothing needs sideways scrolling. */
const fitsTheScreen = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);

describe.runIf(browserAvailable)('erasing an account', () => {
  const world = browserWithHearth();

  it('takes the person’s words out of the room, their name out of the audit log, and their login away', async () => {
    const organiser = await createOrganiser(world.node);
    const group = await createGroup(organiser, undefined, { waitingRoom: true });
    const session = await startSession(organiser, group.id);
    const leaving = await joinWithNewAccount(organiser, group.id);
    const staying = await joinWithNewAccount(organiser, group.id);

    const facilitator = await pageAs(world.browser, world.node, organiser, desktop);
    const writer = await pageAs(world.browser, world.node, leaving.client, narrow);
    const reader = await pageAs(world.browser, world.node, staying.client, phone);
    const pageErrors = collectPageErrors([facilitator, writer, reader]);
    const roomUrl = `${world.node.url}/rooms/${session.id}`;

    // The facilitator lets both in from the waiting room (which the audit log records).
    await facilitator.goto(roomUrl);
    await enterRoom(facilitator);
    const waitingRoom = facilitator.getByRole('region', { name: 'Waiting room' });
    for (const [page, person] of [
      [writer, leaving],
      [reader, staying],
    ] as const) {
      await page.goto(roomUrl);
      await page.getByRole('button', { name: 'I understand — enter the room' }).click();
      await page.getByText('A facilitator will let you in soon').waitFor();
      await waitingRoom.getByRole('button', { name: `Let in ${person.pseudonym}` }).click();
      await page.getByLabel('Message', { exact: true }).waitFor();
    }

    // The first participant writes; the second reads it, under their name.
    const words = 'Something I have never said out loud before';
    const composer = writer.getByLabel('Message', { exact: true });
    await expect.poll(() => composer.isEnabled()).toBe(true);
    await composer.fill(words);
    const send = writer.getByRole('button', { name: 'Send', exact: true });
    await expect.poll(() => send.isEnabled()).toBe(true);
    await send.click();
    await messageIn(reader, words).getByText(leaving.pseudonym).waitFor();
    await messageIn(facilitator, words).waitFor();

    // The account page: the button waits until the person says they understand.
    await writer.goto(`${world.node.url}/account`);
    const section = writer.getByRole('region', { name: 'Erase my account' });
    await section.getByText('it cannot be undone', { exact: false }).first().waitFor();
    const erase = section.getByRole('button', { name: 'Erase my account' });
    expect(await erase.isDisabled()).toBe(true);
    await section.getByLabel('I understand this cannot be undone').check();
    expect(await erase.isEnabled()).toBe(true);
    expect(await fitsTheScreen(writer)).toBe(true);

    // A wrong password erases nothing, and says so in an alert.
    await section.getByLabel('Your password').fill('not the right passphrase');
    await erase.click();
    await section.getByRole('alert').getByText('Your current password is not right.').waitFor();
    expect((await leaving.client.get('/api/me')).status).toBe(200);
    await shoot(writer, 'erase-account-phone', { fullPage: true });

    await section.getByLabel('Your password').fill(password);
    await erase.click();
    const done = writer.getByRole('heading', { level: 1, name: 'Your account is erased' });
    await done.waitFor();
    expect(new URL(writer.url()).pathname).toBe('/account/erased');
    // Focus is on the result, so a screen reader starts there.
    expect(await writer.evaluate(() => document.activeElement?.textContent)).toBe('Your account is erased');
    await writer.getByText('You are logged out.', { exact: false }).waitFor();
    expect(await writer.getByRole('link', { name: 'Account' }).count()).toBe(0);
    expect(await fitsTheScreen(writer)).toBe(true);

    // In the room, without a reload: only the message's place is left, with nothing to act on.
    const removed = messageIn(reader, 'A message that was removed');
    await removed.waitFor();
    await expect.poll(() => reader.content()).not.toContain(words);
    expect(await reader.content()).not.toContain(leaving.pseudonym);
    expect(await removed.getByRole('button').count()).toBe(0);
    expect(await removed.textContent()).not.toMatch(/former member|\(you\)/);
    // After a reload too, from the server's history.
    await reader.reload();
    await enterRoom(reader);
    await messageIn(reader, 'A message that was removed').waitFor();
    expect(await reader.content()).not.toContain(words);
    expect(await reader.content()).not.toContain(leaving.pseudonym);
    await messageIn(facilitator, 'A message that was removed').waitFor();
    expect(await facilitator.content()).not.toContain(words);

    // The audit log keeps that someone was let in, with the name taken out.
    await facilitator.goto(`${world.node.url}/groups/${group.id}/manage`);
    await facilitator.getByRole('tab', { name: 'Audit log' }).click();
    const log = facilitator.getByRole('region', { name: 'Audit log entries' });
    const admitted = log
      .locator('li')
      .filter({ has: facilitator.getByText('Let in from the waiting room', { exact: true }) });
    await admitted.first().waitFor();
    expect(await admitted.count()).toBe(2);
    await admitted.filter({ hasText: staying.pseudonym }).waitFor();
    await admitted.getByText('an erased account', { exact: true }).waitFor();
    expect(await log.textContent()).not.toContain(leaving.pseudonym);

    // The old login is gone: the session it had, and the username and password.
    expect((await leaving.client.get('/api/me')).status).toBe(401);
    await writer.getByRole('link', { name: 'Go to the start page' }).click();
    await writer.getByRole('heading', { level: 1, name: 'Log in' }).waitFor();
    await writer.getByLabel('Username').fill(leaving.username);
    await writer.getByLabel('Password', { exact: true }).fill(password);
    await writer.getByRole('button', { name: 'Log in' }).click();
    await writer.getByRole('alert').getByText('That username and password do not match.').waitFor();
    const again = await new HttpClient(world.node.url).post('/api/auth/login', { username: leaving.username, password });
    expect(again.status).toBe(401);

    expect(pageErrors).toEqual([]);
  });
});
