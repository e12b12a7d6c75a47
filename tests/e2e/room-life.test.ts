import { eq } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessions } from '../../server/src/db/schema.ts';
import { browserAvailable, launchBrowser } from '../support/browser.ts';
import { createGroup, createOrganiser, inviteParticipant, startSession } from '../support/factories.ts';
import { startNode, type Node } from '../support/hearth.ts';
import type { HttpClient } from '../support/http.ts';
import { modes, type Provisioned } from '../support/modes.ts';
import { collectPageErrors, desktop, enterRoom, pageAs, phone } from './roomPages.ts';

describe.runIf(browserAvailable)('a room through its life', () => {
  let place: Provisioned | undefined;
  let node: Node | undefined;
  let browser: Browser | undefined;
  /** The one organiser a node may have; each test makes its own group. */
  let organiser: HttpClient;

  beforeAll(async () => {
    place = await modes.find((mode) => mode.name === 'embedded')!.provision();
    // A quick room clock, so a room opens within moments of its start.
    node = await startNode(place, { roomClockMs: 200 });
    browser = await launchBrowser();
    organiser = await createOrganiser(node);
  });

  afterAll(async () => {
    await browser?.close();
    await node?.close();
    await place?.dispose();
  });

  it('opens on schedule: the group page offers the way in, and someone who came early is let in by themselves', async () => {
    const group = await createGroup(organiser, undefined, { waitingRoom: false });
    const tomorrow = new Date(Date.now() + 24 * 3600_000).toISOString().slice(0, 10);
    const scheduled = await organiser.post(`/api/groups/${group.id}/schedule`, {
      title: 'Evening circle',
      repeat: 'once',
      timeZone: 'UTC',
      date: tomorrow,
      time: '19:00',
      durationMinutes: 60,
    });
    expect(scheduled.status, JSON.stringify(scheduled.json)).toBe(201);
    const sessionId: string = scheduled.json.sessions[0].id;
    // Brought forward to a few seconds from now, as if that time had come.
    const startsAt = new Date(Date.now() + 8_000);
    await node!.database.db
      .update(sessions)
      .set({ startsAt, endsAt: new Date(startsAt.getTime() + 3600_000) })
      .where(eq(sessions.id, sessionId));

    const { client: participant } = await inviteParticipant(organiser, group.id);
    const groupPage = await pageAs(browser!, node!, participant, desktop);
    const early = await pageAs(browser!, node!, participant, phone);
    const pageErrors = collectPageErrors([groupPage, early]);

    await groupPage.goto(`${node!.url}/groups/${group.id}`);
    await groupPage.getByText('Evening circle').waitFor();
    expect(await groupPage.getByRole('link', { name: 'Enter room' }).count()).toBe(0);

    await early.goto(`${node!.url}/rooms/${sessionId}`);
    await early.getByRole('button', { name: 'I understand — enter the room' }).click();
    await early.getByText('This room opens at').waitFor();
    await early.getByText('this page will let you in by itself').waitFor();

    // No reload on either page.
    await groupPage.getByRole('link', { name: 'Enter room' }).waitFor({ timeout: 20_000 });
    await early.getByLabel('Message', { exact: true }).waitFor({ timeout: 20_000 });
    expect(await early.getByText('This room opens at').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  it('waits for a facilitator without losing words, keeps a request for support for them, and keeps a draft when it ends', async () => {
    const group = await createGroup(organiser, undefined, { waitingRoom: false });
    const session = await startSession(organiser, group.id);
    const { client: participant, pseudonym } = await inviteParticipant(organiser, group.id);
    const reader = await pageAs(browser!, node!, participant, phone);
    const facilitator = await pageAs(browser!, node!, organiser, desktop);
    const pageErrors = collectPageErrors([reader, facilitator]);

    // Nobody facilitates yet: the words can be written, only Send waits, and says why.
    await reader.goto(`${node!.url}/rooms/${session.id}`);
    await enterRoom(reader);
    const composer = reader.getByLabel('Message', { exact: true });
    const send = reader.getByRole('button', { name: 'Send', exact: true });
    await reader.getByText('The room is waiting for a facilitator. You can send as soon as one is here.').waitFor();
    await composer.fill('I am glad to be here');
    expect(await composer.isEditable()).toBe(true);
    expect(await send.isDisabled()).toBe(true);

    // Asking for support with nobody there says so, and points to the crisis resources.
    await reader.getByRole('button', { name: 'I need support' }).click();
    await reader.getByText('No facilitator is in the room right now. Your request is kept').waitFor();
    await reader.getByRole('button', { name: 'Open the crisis resources' }).click();
    await reader.getByRole('region', { name: 'Crisis resources' }).waitFor();
    await reader.getByRole('button', { name: 'Close Crisis resources' }).click();

    // The facilitator arrives and finds the request waiting.
    await facilitator.goto(`${node!.url}/rooms/${session.id}`);
    await enterRoom(facilitator);
    const supportAsked = facilitator.getByRole('region', { name: 'Support asked for' });
    await supportAsked.getByText(pseudonym, { exact: true }).waitFor();
    await reader.getByText('A facilitator is here now and can see your request.').waitFor();
    await expect.poll(() => send.isEnabled()).toBe(true);
    expect(await composer.inputValue()).toBe('I am glad to be here');
    await send.click();
    await facilitator.getByText('I am glad to be here', { exact: true }).waitFor();

    // Editing offers the composer's warning picker and its suggestion.
    const own = reader.locator('ol.msgs > li').filter({ hasText: 'I am glad to be here' });
    await own.getByRole('button', { name: 'More' }).click();
    await own.getByRole('button', { name: 'Edit' }).click();
    await own.getByLabel('Edit what you wrote').fill('I am glad to be here. Last year I hurt myself; I am safer now.');
    await own.getByRole('button', { name: 'Save', exact: true }).click();
    await own.getByText('This message may touch on Self-harm. Add a content warning?').waitFor();
    // Focus is on the question, not on a button that a Space still being typed would press.
    expect(await reader.evaluate(() => document.activeElement?.textContent)).toContain('may touch on Self-harm');
    await own.getByRole('button', { name: 'Save without a warning' }).waitFor();
    await own.getByRole('button', { name: 'Add warning and save' }).click();
    const edited = facilitator.locator('ol.msgs > li').filter({ hasText: 'Content warning: Self-harm' });
    await edited.waitFor();
    expect(await facilitator.getByText('Last year I hurt myself').count()).toBe(0);

    // The session ends with words still unsent: they stay, to read and copy.
    await composer.fill('Thank you all, see you next week');
    await facilitator.getByRole('button', { name: 'End session' }).click();
    await facilitator.getByRole('button', { name: 'Yes, end the session' }).click();
    await reader.getByText('This session has ended.').waitFor();
    const kept = reader.getByLabel('What you were writing');
    expect(await kept.inputValue()).toBe('Thank you all, see you next week');
    expect(await kept.isEditable()).toBe(false);
    await reader.getByRole('button', { name: 'Copy' }).click();
    await reader.getByText(/^(Copied\.|Copying did not work here)/).waitFor();
    expect(pageErrors).toEqual([]);
  });
});
