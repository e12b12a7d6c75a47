import type { Locator, Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { browserAvailable, browserWithHearth, neutralSite } from '../support/browser.ts';
import { createGroup, createOrganiser, joinWithNewAccount, newClientId, startSession } from '../support/factories.ts';
import { command, connect, unwrap, type TestSocket } from '../support/socket.ts';
import { collectPageErrors, desktop, pageAs } from './roomPages.ts';

/** The most Tab presses a control may be away from where focus is; more means it is lost. */
const MOST_PRESSES = 60;

/** Whether the element with focus shows it (an outline, or a ring drawn with a shadow) and is not covered. */
type FocusLook = { what: string; visible: boolean };

async function focusLook(page: Page): Promise<FocusLook> {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    if (!element || element === document.body) return { what: 'body', visible: false };
    const style = getComputedStyle(element);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
    const ring = style.boxShadow !== 'none';
    const name = (element.getAttribute('aria-label') ?? element.textContent ?? '').trim().slice(0, 40);
    // Not hidden under the quick-exit button, which stays fixed above everything.
    const box = element.getBoundingClientRect();
    const exit = document.querySelector('.quick-exit');
    const over = exit && exit !== element ? exit.getBoundingClientRect() : null;
    const underExit =
      over !== null &&
      box.left >= over.left &&
      box.right <= over.right &&
      box.top >= over.top &&
      box.bottom <= over.bottom;
    return { what: `${element.tagName.toLowerCase()} "${name}"`, visible: (outline || ring) && !underExit };
  });
}

/**
 * Presses Tab (or Shift+Tab) until `target` has focus, as someone without a mouse would, and
 * notes how each control on the way showed its focus.
 */
async function tabTo(page: Page, target: Locator, looks: FocusLook[], backwards = false) {
  for (let presses = 0; presses <= MOST_PRESSES; presses++) {
    if (await target.evaluate((element) => element === document.activeElement)) return;
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
    looks.push(await focusLook(page));
  }
  throw new Error(`${String(target)} could not be reached with ${MOST_PRESSES} presses of Tab`);
}

describe.runIf(browserAvailable)('the room with a keyboard only', () => {
  const neutral = neutralSite('Recipes', 'A simple soup for a cold evening.');
  const world = browserWithHearth(() => ({ quickExitUrl: neutral.url }));
  const warnedWords = 'Some nights the memories of that year come back and I do not sleep.';
  let facilitator: TestSocket | undefined;

  afterAll(() => {
    facilitator?.close();
  });

  it('accepts the agreements, enters, reads them, reveals a warned message, sends one with a warning, steps out and leaves by quick exit', async () => {
    const organiser = await createOrganiser(world.node);
    const group = await createGroup(organiser, undefined, { waitingRoom: false });
    const session = await startSession(organiser, group.id);
    // The facilitator is in the room and has written something behind a warning.
    facilitator = await connect(world.node.url, organiser.cookie);
    unwrap(await command(facilitator, 'room:join', { sessionId: session.id, afterSeq: 0, reminderAcknowledged: true }));
    unwrap(
      await command(facilitator, 'message:send', {
        sessionId: session.id,
        clientId: newClientId(),
        text: warnedWords,
        warning: { categories: ['sexual-violence'], note: '' },
      }),
    );
    const person = await joinWithNewAccount(organiser, group.id, { acceptAgreement: false });
    const page = await pageAs(world.browser, world.node, person.client, desktop);
    const pageErrors = collectPageErrors([page]);
    const looks: FocusLook[] = [];

    // The group page: quick exit is the first stop, then the agreements, read and accepted.
    await page.goto(`${world.node.url}/groups/${group.id}`);
    const accept = page.getByRole('button', { name: 'I accept these agreements' });
    await accept.waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toMatch(/^Quick exit/);
    await tabTo(page, accept, looks);
    // The button is described by the agreements themselves, so a screen reader reads them here.
    const describedBy = (await accept.getAttribute('aria-describedby')) ?? '';
    expect(await page.locator(`[id="${describedBy}"]`).textContent()).toContain('stays here');
    await page.keyboard.press('Enter');
    const thanks = page.getByText('Thank you. You have accepted the group agreements.');
    await thanks.waitFor();
    await expect.poll(() => thanks.evaluate((element) => element === document.activeElement)).toBe(true);

    // Into the room, past the confidentiality reminder.
    await tabTo(page, page.getByRole('link', { name: 'Enter room' }), looks);
    await page.keyboard.press('Enter');
    const enter = page.getByRole('button', { name: 'I understand — enter the room' });
    await enter.waitFor();
    await tabTo(page, enter, looks);
    await page.keyboard.press('Enter');
    const composer = page.getByLabel('Message', { exact: true });
    await composer.waitFor();
    // Focus lands at the top of the room, as on a new page.
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('H1');

    // The agreements are pinned in the room, and open with Enter.
    const agreements = page.locator('details.room-agreement');
    await tabTo(page, agreements.locator('summary'), looks);
    await page.keyboard.press('Enter');
    await agreements.getByText('stays here').waitFor();
    expect(await agreements.evaluate((element) => (element as HTMLDetailsElement).open)).toBe(true);

    // The facilitator's warned message: the warning shows, the words only when chosen.
    const warned = page.locator('ol.msgs > li').filter({ hasText: 'Content warning: Sexual violence' });
    await warned.waitFor();
    expect(await page.getByText(warnedWords, { exact: true }).count()).toBe(0);
    const show = warned.getByRole('button', { name: 'Show message' });
    await tabTo(page, show, looks);
    await page.keyboard.press('Enter');
    await page.getByText(warnedWords, { exact: true }).waitFor();
    expect(await warned.getByRole('button', { name: 'Hide again' }).getAttribute('aria-expanded')).toBe('true');

    // A message of one's own, with a warning chosen before sending.
    await tabTo(page, composer, looks);
    await page.keyboard.type('I have been thinking about the court case a lot this week.');
    const addWarning = page.getByRole('button', { name: 'Add a content warning' });
    await tabTo(page, addWarning, looks);
    await page.keyboard.press('Enter');
    const courts = page.getByRole('checkbox', { name: 'Police and courts' });
    await tabTo(page, courts, looks, true);
    await page.keyboard.press('Space');
    expect(await courts.isChecked()).toBe(true);
    await tabTo(page, composer, looks);
    await page.keyboard.press('Enter');
    const mine = page.locator('ol.msgs > li').filter({ hasText: 'court case' });
    await mine.getByText('Content warning: Police and courts').waitFor();
    await expect.poll(() => composer.inputValue()).toBe('');
    // It reached the room: the facilitator's side heard it, with its warning.
    await expect
      .poll(async () => {
        const page = unwrap(await command(facilitator!, 'room:catch-up', { sessionId: session.id, afterSeq: 0 }));
        const posted = page.events.flatMap((event) => ('message' in event ? [event.message] : []));
        return posted.find((message) => message.text.includes('court case'))?.warning?.categories;
      })
      .toEqual(['police-courts']);

    // Stepping out and back: focus goes to "Come back", then returns to "Step out".
    const stepOut = page.getByRole('button', { name: 'Step out' });
    await tabTo(page, stepOut, looks);
    await page.keyboard.press('Enter');
    const comeBack = page.getByRole('button', { name: 'Come back' });
    await comeBack.waitFor();
    await expect.poll(() => comeBack.evaluate((element) => element === document.activeElement)).toBe(true);
    looks.push(await focusLook(page));
    await page.keyboard.press('Enter');
    await expect.poll(() => stepOut.evaluate((element) => element === document.activeElement)).toBe(true);

    // Quick exit, reached with Shift+Tab from wherever focus is.
    await tabTo(page, page.getByRole('button', { name: 'Quick exit' }), looks, true);
    await page.keyboard.press('Enter');
    await page.waitForURL(neutral.url);
    await expect.poll(async () => (await person.client.get('/api/me')).status).toBe(401);

    // Tab past the last control leaves the page for the browser's own controls (body here).
    const unseen = looks.filter((look) => !look.visible && look.what !== 'body');
    expect(unseen, 'controls whose focus could not be seen').toEqual([]);
    expect(looks.length).toBeGreaterThan(10);
    expect(pageErrors).toEqual([]);
  });
});
