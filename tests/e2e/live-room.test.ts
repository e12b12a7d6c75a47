import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserAvailable, browserWithHearth } from '../support/browser.ts';
import { newClientId } from '../support/factories.ts';
import { command, connect, unwrap } from '../support/socket.ts';
import { collectPageErrors, enterRoom, pageAs, roomsWithFacilitator } from './roomPages.ts';

const smallPhone = { width: 360, height: 740 };

/** The polite live region that says new messages (the log itself is not a live region). */
const announcer = (page: Page) => page.locator('.log-wrap > div[aria-live="polite"][aria-relevant="additions"]');
const messageIn = (page: Page, words: string) => page.locator('ol.msgs > li').filter({ hasText: words });

describe.runIf(browserAvailable)('a room people can rely on', () => {
  const world = browserWithHearth();
  const roomOfItsOwn = roomsWithFacilitator(world);

  /** A room of its own, and its participant's page on a small phone. */
  async function room() {
    const made = await roomOfItsOwn();
    const page = await pageAs(world.browser, world.node, made.participant.client, smallPhone);
    return { ...made, page };
  }

  it('says new messages from others, once each: not the history, not typing, not one’s own, and no words behind a warning', async () => {
    const { group, session, facilitator, page, say, posted, url } = await room();
    const pageErrors = collectPageErrors([page]);
    await say('Earlier words, already here before anyone arrived.');
    await say('More earlier words.');

    await page.goto(url);
    await enterRoom(page);
    await messageIn(page, 'More earlier words.').waitFor();
    const region = announcer(page);
    expect(await region.count()).toBe(1);
    // The log is not read out as a whole: it is not a live region itself.
    expect(await page.getByRole('log').getAttribute('aria-live')).toBe('off');

    await say('Welcome, everyone. Take your time.');
    const name = `${group.myPseudonym} (facilitator)`;
    await expect.poll(() => region.innerText()).toBe(`${name}: Welcome, everyone. Take your time.`);

    await say('That winter I hurt myself. I am safer now.', { categories: ['self-harm'], note: '' });
    await expect
      .poll(() => region.innerText())
      .toContain(`${name} wrote a message with a content warning: Self-harm. It stays hidden until you choose to show it.`);
    expect(await region.innerText()).not.toContain('hurt myself');

    // One's own message is not read back.
    const composer = page.getByLabel('Message', { exact: true });
    await composer.fill('Thank you for having me.');
    await composer.press('Enter');
    await expect.poll(async () => (await posted()).includes('Thank you for having me.')).toBe(true);
    await messageIn(page, 'Thank you for having me.').locator('.msg-time, time').first().waitFor();

    // Typing shows, but nothing is said for it.
    unwrap(await command(facilitator, 'room:typing', { sessionId: session.id }));
    const typing = page.locator('p.typing');
    await expect.poll(() => typing.innerText()).toContain('is typing');
    expect(await typing.evaluate((element) => element.closest('[aria-live]'))).toBeNull();

    await say('Shall we begin?');
    await expect.poll(() => region.innerText()).toContain(`${name}: Shall we begin?`);
    const said = (await region.innerText()).split('\n').filter((line) => line.trim() !== '');
    expect(said).toEqual([
      `${name}: Welcome, everyone. Take your time.`,
      `${name} wrote a message with a content warning: Self-harm. It stays hidden until you choose to show it.`,
      `${name}: Shall we begin?`,
    ]);
    expect(pageErrors).toEqual([]);
  });

  it('says when the device is offline, keeps what was written and sends it once on return, and catches up without moving the view', async () => {
    const { page, say, posted, url } = await room();
    const pageErrors = collectPageErrors([page]);
    for (let i = 1; i <= 24; i++) await say(`Earlier message number ${String(i)}, to fill the screen.`);

    await page.goto(url);
    await enterRoom(page);
    await messageIn(page, 'Earlier message number 24,').waitFor();
    const status = page.locator('.room-status [role="status"]');
    await expect.poll(() => status.innerText()).toBe('Connected');

    await page.context().setOffline(true);
    await expect.poll(() => status.innerText()).toContain('Reconnecting… your messages are kept');
    expect(await status.innerText()).toContain('This device is offline just now.');

    // Written while offline: kept on the page and said to be waiting.
    const composer = page.getByLabel('Message', { exact: true });
    await composer.fill('Still here, my connection is patchy tonight.');
    await composer.press('Enter');
    const waiting = messageIn(page, 'Still here, my connection is patchy tonight.');
    await waiting.getByText('Waiting for the connection…').waitFor();

    // The reader scrolls back to reread, while others carry on.
    const log = page.getByRole('log');
    await log.evaluate((element) => {
      element.scrollTop = 200;
    });
    // The first message wholly in view: where the reader's eyes are.
    const firstInView = () =>
      log.evaluate((element) => {
        const edge = element.getBoundingClientRect().top;
        const item = Array.from(element.querySelectorAll("ol.msgs > li")).find(
          (li) => li.getBoundingClientRect().top >= edge,
        );
        return { text: item?.querySelector('.msg-text')?.textContent ?? '', top: item?.getBoundingClientRect().top ?? 0 };
      });
    const before = await firstInView();
    expect(before.text).toMatch(/^Earlier message number/);
    for (let i = 1; i <= 5; i++) await say(`While you were away, part ${String(i)}.`);
    // Nothing got out while the device was offline.
    expect(await posted()).not.toContain('Still here, my connection is patchy tonight.');

    await page.context().setOffline(false);
    await expect.poll(() => status.innerText(), { timeout: 20_000 }).toBe('Connected');
    for (let i = 1; i <= 5; i++) await messageIn(page, `While you were away, part ${String(i)}.`).waitFor();
    await expect.poll(async () => (await posted()).filter((text) => text.startsWith('Still here')).length).toBe(1);
    await expect.poll(() => waiting.getByText('Waiting for the connection…').count()).toBe(0);

    // Caught up in order, once each, and the view stayed where the reader was.
    const texts = await page.locator('ol.msgs > li .msg-text').allInnerTexts();
    const away = texts.filter((text) => text.startsWith('While you were away'));
    expect(away).toEqual([1, 2, 3, 4, 5].map((i) => `While you were away, part ${String(i)}.`));
    expect(texts.filter((text) => text.startsWith('Still here'))).toHaveLength(1);
    const after = await messageIn(page, before.text)
      .locator('.msg-text')
      .evaluate((element) => element.closest('li')!.getBoundingClientRect().top);
    expect(Math.abs(after - before.top)).toBeLessThanOrEqual(1);
    await page.getByRole('button', { name: 'New messages below' }).waitFor();
    // The catch-up is said as a count, not read out message by message.
    await expect.poll(() => announcer(page).innerText()).toContain('5 new messages.');
    expect(pageErrors).toEqual([]);
  });

  it('keeps the message box, Send and quick exit in view when an on-screen keyboard takes half the screen', async () => {
    const { page, say, url } = await room();
    for (let i = 1; i <= 12; i++) await say(`A message to fill the room, number ${String(i)}.`);
    await page.goto(url);
    await enterRoom(page);
    await messageIn(page, 'number 12.').waitFor();
    // Chrome on Android resizes the page for its keyboard when asked to; this page asks.
    expect(await page.locator('meta[name="viewport"]').getAttribute('content')).toContain(
      'interactive-widget=resizes-content',
    );

    const composer = page.getByLabel('Message', { exact: true });
    await composer.focus();
    await page.setViewportSize({ width: 360, height: 380 });
    const inView = (name: string, box: { y: number; height: number } | null) => {
      expect(box, name).not.toBeNull();
      expect(box!.y, `${name} top`).toBeGreaterThanOrEqual(0);
      expect(box!.y + box!.height, `${name} bottom`).toBeLessThanOrEqual(380);
    };
    await expect
      .poll(async () => {
        const box = await page.getByRole('button', { name: 'Send', exact: true }).boundingBox();
        return box ? box.y + box.height : Infinity;
      })
      .toBeLessThanOrEqual(380);
    inView('message box', await composer.boundingBox());
    inView('Send', await page.getByRole('button', { name: 'Send', exact: true }).boundingBox());
    inView('Quick exit', await page.getByRole('button', { name: 'Quick exit' }).boundingBox());
    // The page itself does not scroll: the conversation gives up the room, and still scrolls.
    expect(await page.evaluate(() => document.scrollingElement!.scrollHeight <= innerHeight + 1)).toBe(true);
    expect(await page.getByRole('log').evaluate((element) => element.scrollHeight > element.clientHeight)).toBe(true);
    await composer.pressSequentially('Typing with the keyboard open');
    expect(await composer.inputValue()).toBe('Typing with the keyboard open');
  });

  it('breathes with a moving circle only when motion is welcome, and in words otherwise', async () => {
    const { session, facilitator, page, url } = await room();
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.goto(url);
    await enterRoom(page);
    unwrap(await command(facilitator, 'room:pause', { sessionId: session.id, seconds: 60 }));
    const prompt = page.getByRole('region', { name: 'A moment of grounding' });
    await prompt.waitFor();
    await prompt.getByText('Breathe in slowly, counting to four.').waitFor();
    expect(await prompt.locator('.breath').isVisible()).toBe(false);

    await page.emulateMedia({ reducedMotion: 'no-preference' });
    await prompt.locator('.breath').waitFor();
    expect(await prompt.getByText('Breathe in slowly, counting to four.').isVisible()).toBe(false);
    expect(await prompt.locator('.breath-circle').evaluate((element) => getComputedStyle(element).animationName)).toBe(
      'breathe',
    );
    unwrap(await command(facilitator, 'room:resume', { sessionId: session.id }));
    await prompt.waitFor({ state: 'detached' });
  });


  it('keeps words written to the facilitators when the panel closes, holds a request for support until back online, and says a check-in and a private reply', async () => {
    const { session, facilitator, page, writePrivately, url } = await room();
    const pageErrors = collectPageErrors([page]);
    await page.goto(url);
    await enterRoom(page);

    const side = page.getByRole('button', { name: /^Message the facilitators/ });
    await side.click();
    const privately = page.getByLabel('Your message to the facilitators');
    await privately.fill('I am not okay tonight, and I am not sure why.');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Crisis resources' }).click();
    await page.getByRole('button', { name: 'Close Crisis resources' }).click();
    await side.click();
    expect(await privately.inputValue()).toBe('I am not okay tonight, and I am not sure why.');
    await page.keyboard.press('Escape');

    // Asked while offline: said to be held, and sent once the connection is back.
    await page.context().setOffline(true);
    const status = page.locator('.room-status [role="status"]');
    await expect.poll(() => status.innerText()).toContain('Reconnecting');
    const support = page.getByRole('button', { name: 'I need support' });
    expect(await support.isEnabled()).toBe(true);
    await support.click();
    await page.getByText('The room is reconnecting; your request will reach the facilitators').waitFor();
    const requests = async () =>
      unwrap(await command(facilitator, 'staff:state', { sessionId: session.id })).supportRequests.length;
    expect(await requests()).toBe(0);
    await page.context().setOffline(false);
    await page.getByText(/^You asked for support at .+\. The facilitators have been told/).waitFor({ timeout: 20_000 });
    expect(await requests()).toBe(1);

    // What sighted people notice at a glance is said too.
    const happenings = page.locator('.room > div[aria-live="polite"][aria-relevant="additions"]');
    unwrap(await command(facilitator, 'checkin:open', { sessionId: session.id }));
    await expect.poll(() => happenings.innerText()).toContain('A facilitator opened a check-in round');
    await writePrivately('I saw your message. I am here; take your time.');
    await expect.poll(() => happenings.innerText()).toContain('A facilitator has written to you privately.');
    // Private words are not spoken until the thread is open.
    expect(await happenings.innerText()).not.toContain('I am here; take your time');
    expect(pageErrors).toEqual([]);
  });

  it('lets arrow keys pass over "Always show" without revealing anything until the choice is saved', async () => {
    const { page, say, url } = await room();
    await say('Last year I hurt myself. I am safer now.', { categories: ['self-harm'], note: '' });
    await page.goto(url);
    await enterRoom(page);
    const warned = messageIn(page, 'Content warning: Self-harm');
    await warned.waitFor();
    await page.getByRole('button', { name: 'Room settings' }).click();
    const selfHarm = page.getByRole('region', { name: 'Room settings' }).getByRole('group', { name: 'Self-harm' });
    await selfHarm.getByLabel('Ask').focus();
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => selfHarm.getByLabel('Always show').isChecked()).toBe(true);
    await page.getByText('Not saved yet.').waitFor();
    expect(await page.getByText('Last year I hurt myself. I am safer now.', { exact: true }).count()).toBe(0);
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => selfHarm.getByLabel('Ask').isChecked()).toBe(true);
    expect(await page.getByText('Last year I hurt myself. I am safer now.', { exact: true }).count()).toBe(0);
  });

  it('counts, on a phone facilitator’s closed console, a private message waiting for an answer', async () => {
    const { organiser, session, participant, writePrivately, url } = await roomOfItsOwn();
    const page = await pageAs(world.browser, world.node, organiser, smallPhone);
    await page.goto(url);
    await enterRoom(page);
    const consoleButton = page.getByRole('button', { name: /^Facilitator console/ });
    await expect.poll(() => consoleButton.innerText()).toBe('Facilitator console');

    const writer = await connect(world.node.url, participant.client.cookie);
    try {
      unwrap(await command(writer, 'room:join', { sessionId: session.id, afterSeq: 0, reminderAcknowledged: true }));
      unwrap(
        await command(writer, 'side:send', {
          sessionId: session.id,
          participantId: null,
          clientId: newClientId(),
          text: 'Could someone check in with me after?',
        }),
      );
      await expect.poll(() => consoleButton.innerText()).toBe('Facilitator console (1 open)');
      // Answered (here by another facilitator's socket): nothing waits any more.
      await writePrivately('Of course. I will write to you at the end.');
      await expect.poll(() => consoleButton.innerText()).toBe('Facilitator console');
    } finally {
      writer.close();
    }
  });
});
