import type { Locator, Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { browserAvailable, browserWithHearth } from '../support/browser.ts';
import { memberIdOf, newClientId } from '../support/factories.ts';
import type { HttpClient } from '../support/http.ts';
import { command, connect, unwrap, type TestSocket } from '../support/socket.ts';
import { collectPageErrors, desktop, enterRoom, pageAs, roomsWithFacilitator } from './roomPages.ts';

/** A message in the conversation, found by its words (the announcer repeats them elsewhere). */
const messageIn = (page: Page, words: string) => page.locator('ol.msgs > li').filter({ hasText: words });

/** The element with focus, in words, so a failure says where focus went instead. */
function focusWords(page: Page): Promise<string> {
  return page.evaluate(() => {
    const element = document.activeElement;
    if (!element || element === document.body) return 'body';
    const name = (element.getAttribute('aria-label') ?? element.textContent ?? '').trim().slice(0, 50);
    return `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''} "${name}"`;
  });
}

/** Waits until `target` has focus; otherwise fails saying what has it. */
async function expectFocusOn(target: Locator) {
  const page = target.page();
  await expect
    .poll(async () => ((await target.evaluate((element) => element === document.activeElement)) ? 'target' : focusWords(page)))
    .toBe('target');
}

describe.runIf(browserAvailable)('keeping one’s place in the room with a keyboard', () => {
  const world = browserWithHearth();
  const room = roomsWithFacilitator(world);
  /** Participants' own sockets, where a test needs one. */
  const sockets: TestSocket[] = [];
  afterAll(() => {
    for (const socket of sockets) socket.close();
  });

  /** A participant's tab, already in the room. */
  async function participantIn(participant: { client: HttpClient }, url: string) {
    const page = await pageAs(world.browser, world.node, participant.client, desktop);
    const pageErrors = collectPageErrors([page]);
    await page.goto(url);
    await enterRoom(page);
    return { page, pageErrors };
  }

  it('picking a reaction, and Escape in the React and More menus and the report form, come back to the button', async () => {
    const { participant, say, url } = await room();
    await say('Thank you all for coming tonight.');
    const { page, pageErrors } = await participantIn(participant, url);
    const item = messageIn(page, 'Thank you all for coming tonight.');
    const react = item.getByRole('button', { name: 'React', exact: true });
    const more = item.getByRole('button', { name: 'More', exact: true });
    const hearYou = item.getByRole('button', { name: 'I hear you' });

    // Picked with Enter from the open picker: the picker closes and focus is back on React.
    await react.focus();
    await page.keyboard.press('Enter');
    await hearYou.waitFor();
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    await expectFocusOn(hearYou);
    await page.keyboard.press('Enter');
    await expectFocusOn(react);
    expect(await react.getAttribute('aria-expanded')).toBe('false');
    await expect.poll(() => hearYou.getAttribute('aria-pressed')).toBe('true');

    // Escape closes the picker from any of its buttons.
    await page.keyboard.press('Enter');
    await expect.poll(() => react.getAttribute('aria-expanded')).toBe('true');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    await expectFocusOn(hearYou);
    await page.keyboard.press('Escape');
    await expectFocusOn(react);
    expect(await react.getAttribute('aria-expanded')).toBe('false');

    // The More menu, from inside it.
    const report = item.getByRole('button', { name: 'Report', exact: true });
    await page.keyboard.press('Tab');
    await expectFocusOn(more);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    await expectFocusOn(report);
    await page.keyboard.press('Escape');
    await expectFocusOn(more);
    expect(await report.count()).toBe(0);

    // The report form: Escape puts it away unsent.
    const firstReason = item.getByRole('radio', { name: 'It is hurtful or unkind' });
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expectFocusOn(firstReason);
    await page.keyboard.press('Escape');
    await expectFocusOn(more);
    expect(await firstReason.count()).toBe(0);

    // Sent: the thanks is said, and focus is back on More.
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expectFocusOn(firstReason);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await expectFocusOn(item.getByRole('button', { name: 'Send report' }));
    await page.keyboard.press('Enter');
    await item
      .getByRole('status')
      .getByText('Thank you. Your report has reached the facilitators; only they can see it.')
      .waitFor();
    await expectFocusOn(more);
    expect(pageErrors).toEqual([]);
    await page.context().close();
  });

  it('Escape backs out of editing and of a confirmation one step at a time; deleting leaves focus on the message', async () => {
    const { participant, url } = await room();
    const { page, pageErrors } = await participantIn(participant, url);
    const words = 'I was not sure I would come tonight.';
    const composer = page.getByLabel('Message', { exact: true });
    await composer.focus();
    await page.keyboard.type(words);
    await page.keyboard.press('Enter');
    const item = page.locator('ol.msgs > li[id^="msg-"]').filter({ hasText: words });
    const more = item.getByRole('button', { name: 'More', exact: true });
    await more.waitFor();

    // Editing, put away with Escape from the text.
    const editBox = item.getByLabel('Edit what you wrote');
    await more.focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    await expectFocusOn(item.getByRole('button', { name: 'Edit', exact: true }));
    await page.keyboard.press('Enter');
    await expectFocusOn(editBox);
    await page.keyboard.type(' Last year I hurt myself.');
    // Escape in the content-warning question puts away only the question, back to the text.
    await item.getByRole('button', { name: 'Save', exact: true }).focus();
    await page.keyboard.press('Enter');
    const question = item.getByText('This message may touch on Self-harm. Add a content warning?');
    await expectFocusOn(question);
    await page.keyboard.press('Escape');
    await expectFocusOn(editBox);
    expect(await question.count()).toBe(0);
    // An input method's Escape cancels what it is composing, not the form.
    await editBox.dispatchEvent('keydown', { key: 'Escape', isComposing: true, bubbles: true });
    expect(await editBox.count()).toBe(1);
    await page.keyboard.press('Escape');
    await expectFocusOn(more);
    expect(await editBox.count()).toBe(0);
    expect(await item.locator('.msg-text').innerText()).toBe(words);

    // The confirmation closes first, back to Delete; the menu next, back to More.
    const deleteButton = item.getByRole('button', { name: 'Delete', exact: true });
    const keep = item.getByRole('button', { name: 'Keep it' });
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await expectFocusOn(deleteButton);
    await page.keyboard.press('Enter');
    await expectFocusOn(keep);
    await page.keyboard.press('Escape');
    await expectFocusOn(deleteButton);
    expect(await keep.count()).toBe(0);
    await page.keyboard.press('Escape');
    await expectFocusOn(more);
    expect(await deleteButton.count()).toBe(0);

    // Deleted: its controls are gone, and the message itself holds the place.
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expectFocusOn(keep);
    await page.keyboard.press('Shift+Tab');
    await expectFocusOn(item.getByRole('button', { name: 'Yes, delete it' }));
    await page.keyboard.press('Enter');
    const deleted = page.locator('ol.msgs > li').filter({ hasText: 'This message was deleted' });
    await deleted.waitFor();
    await expectFocusOn(deleted);
    expect(pageErrors).toEqual([]);
    await page.context().close();
  });

  it('a facilitator backs out of the warning form with Escape, and hiding a message leaves focus on it', async () => {
    const { organiser, session, participant, url } = await room();
    const participantSocket = await connect(world.node.url, participant.client.cookie);
    sockets.push(participantSocket);
    unwrap(await command(participantSocket, 'room:join', { sessionId: session.id, afterSeq: 0, reminderAcknowledged: true }));
    const words = 'Something I would rather the room did not keep.';
    unwrap(
      await command(participantSocket, 'message:send', { sessionId: session.id, clientId: newClientId(), text: words, warning: null }),
    );
    const page = await pageAs(world.browser, world.node, organiser, desktop);
    const pageErrors = collectPageErrors([page]);
    await page.goto(url);
    await enterRoom(page);
    const item = messageIn(page, words);
    const more = item.getByRole('button', { name: 'More', exact: true });
    await more.waitFor();

    // More, then "Add a content warning": its first category takes focus; Escape goes back.
    const addWarning = item.getByRole('button', { name: 'Add a content warning' });
    const save = item.getByRole('button', { name: 'Save warning' });
    await more.focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await expectFocusOn(addWarning);
    await page.keyboard.press('Enter');
    await save.waitFor();
    await page.keyboard.press('Escape');
    await expectFocusOn(more);
    expect(await save.count()).toBe(0);

    // Hidden from the room: the button that had focus is gone; the message has it.
    const hide = item.getByRole('button', { name: 'Hide from the room' });
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await expectFocusOn(hide);
    await page.keyboard.press('Enter');
    await item.getByRole('button', { name: 'Show to the room again' }).waitFor();
    await expectFocusOn(item);
    await item.getByText('Hidden from the room. Facilitators still see it, marked.').waitFor();
    expect(pageErrors).toEqual([]);
    await page.context().close();
  });

  it('putting away the pinned announcement or a notice goes on to the message box, or to the room’s heading without one', async () => {
    const { organiser, group, session, facilitator, participant, url } = await room();
    const { page, pageErrors } = await participantIn(participant, url);
    const composer = page.getByLabel('Message', { exact: true });

    unwrap(
      await command(facilitator, 'room:announce', {
        sessionId: session.id,
        clientId: newClientId(),
        text: 'We will take a short break at half past.',
      }),
    );
    const dismissAnnouncement = page.getByRole('button', { name: 'Dismiss the announcement' });
    await dismissAnnouncement.focus();
    await page.keyboard.press('Enter');
    await expectFocusOn(composer);
    expect(await dismissAnnouncement.count()).toBe(0);

    const memberId = await memberIdOf(organiser, group.id, participant.pseudonym);
    unwrap(await command(facilitator, 'member:mute', { sessionId: session.id, memberId, minutes: 5, reason: '' }));
    const dismissNote = page.getByRole('button', { name: 'Dismiss this note' });
    await dismissNote.focus();
    await page.keyboard.press('Enter');
    await expectFocusOn(composer);
    expect(await dismissNote.count()).toBe(0);

    // Once the session has ended there is no message box: the room's heading takes focus.
    unwrap(await command(facilitator, 'member:unmute', { sessionId: session.id, memberId }));
    await dismissNote.waitFor();
    expect((await organiser.post(`/api/sessions/${session.id}/end`, {})).status).toBe(200);
    await page.getByText('This session has ended.').waitFor();
    expect(await composer.count()).toBe(0);
    await dismissNote.focus();
    await page.keyboard.press('Enter');
    await expectFocusOn(page.getByRole('heading', { level: 1 }));
    expect(pageErrors).toEqual([]);
    await page.context().close();
  });

  it('a grounding pause takes focus out of the conversation it covers, and gives it back when it ends', async () => {
    const { session, facilitator, participant, say, url } = await room();
    await say('Let us begin whenever you are ready.');
    const { page, pageErrors } = await participantIn(participant, url);
    const react = messageIn(page, 'Let us begin whenever you are ready.').getByRole('button', { name: 'React', exact: true });
    await react.focus();
    await page.keyboard.press('Shift+Tab');
    const reply = messageIn(page, 'Let us begin whenever you are ready.').getByRole('button', { name: 'Reply' });
    await expectFocusOn(reply);

    unwrap(await command(facilitator, 'room:pause', { sessionId: session.id, seconds: 60 }));
    await expectFocusOn(page.getByRole('heading', { name: 'A moment of grounding' }));
    expect(await page.getByRole('log').evaluate((element) => (element as HTMLElement).inert)).toBe(true);

    unwrap(await command(facilitator, 'room:resume', { sessionId: session.id }));
    await page.getByText('The grounding pause has ended. The room is open again.').waitFor();
    await expectFocusOn(reply);
    expect(pageErrors).toEqual([]);
    await page.context().close();
  });

  it('back and forward move focus to the heading of the page they lead to', async () => {
    const { group, participant } = await room();
    const page = await pageAs(world.browser, world.node, participant.client, desktop);
    const pageErrors = collectPageErrors([page]);
    await page.goto(`${world.node.url}/`);
    const home = page.getByRole('heading', { level: 1, name: 'Welcome to Hearth' });
    await home.waitFor();
    const link = page.getByRole('link', { name: group.name, exact: true });
    await link.focus();
    await page.keyboard.press('Enter');
    const groupHeading = page.getByRole('heading', { level: 1, name: group.name });
    await expectFocusOn(groupHeading);

    await page.goBack();
    await expectFocusOn(home);
    await page.goForward();
    await expectFocusOn(groupHeading);
    expect(pageErrors).toEqual([]);
    await page.context().close();
  });
});
