import { DateTime, type WeekdayNumbers } from 'luxon';
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { RoomEvent, WarningInput } from '@hearth/shared';
import { browserAvailable, browserWithHearth, shoot } from '../support/browser.ts';
import {
  acceptAgreement,
  createInvite,
  createOrganiser,
  newClientId,
  password,
  redeemAsNewcomer,
  uniqueName,
  updateGroup,
} from '../support/factories.ts';
import type { HttpClient } from '../support/http.ts';
import { collect, collectEvents, command, connect, enter, unwrap, type TestSocket } from '../support/socket.ts';
import { collectPageErrors, desktop, enterRoom, pageAs, phoneSmall, type Viewport } from './roomPages.ts';

/**
 * The three journeys the guides in docs/ walk through, each on a small phone and on a desktop.
 * The pictures the guides show are taken here (with SCREENSHOT_DIR set), so every picture is of
 * a state these tests reached and checked.
 */

type Screen = 'phone' | 'desktop';
const screens: ReadonlyArray<{ screen: Screen; viewport: Viewport }> = [
  { screen: 'phone', viewport: phoneSmall },
  { screen: 'desktop', viewport: desktop },
];

/** Waits for a value to settle, as long as a busy machine may need; nothing here is timed. */
const poll = <T>(value: () => T | Promise<T>) => expect.poll(value, { timeout: 15_000 });

/** Brings an element to the top of the screen, where a picture of the step starts. */
const toTop = (locator: Locator) => locator.evaluate((element) => element.scrollIntoView({ block: 'start' }));

/** Messages in the conversation, found by their words. */
const messageIn = (page: Page, words: string) => page.locator('ol.msgs > li').filter({ hasText: words });

/** The latest presence of someone, as another person's socket saw it. */
function presenceOf(events: readonly RoomEvent[], pseudonym: string) {
  const seen = events.filter(
    (e): e is Extract<RoomEvent, { type: 'presence' }> => e.type === 'presence' && e.member.pseudonym === pseudonym,
  );
  return seen.at(-1)?.state ?? null;
}

describe.runIf(browserAvailable)('three journeys, on a phone and on a desktop', () => {
  const world = browserWithHearth();
  /** A node has one organiser; every test sets up its own group through them. */
  let organiser: HttpClient;
  let organiserUsername = '';

  beforeAll(async () => {
    organiser = await createOrganiser(world.node);
    organiserUsername = (await organiser.get('/api/me')).json.username;
  });

  /**
   * A group the organiser leads as Ruth, as in the organiser's own journey (the factory's group
   * gets a made-up name, which the pictures would show).
   */
  async function groupLedByRuth(name: string, description: string, options: { waitingRoom: boolean }) {
    const res = await organiser.post('/api/groups', { name, description, pseudonym: 'Ruth' });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    const groupId: string = res.json.id;
    await acceptAgreement(organiser, groupId);
    await updateGroup(organiser, groupId, { waitingRoom: options.waitingRoom });
    return groupId;
  }

  /** Someone with a new account who joined the group under `pseudonym` and accepted its agreements. */
  async function member(groupId: string, pseudonym: string, role: 'participant' | 'facilitator' = 'participant') {
    const invite = await createInvite(organiser, groupId, { role });
    const username = uniqueName(pseudonym.toLowerCase());
    const joined = await redeemAsNewcomer(world.node.url, invite.code, { pseudonym, username });
    expect(joined.res.status, JSON.stringify(joined.res.json)).toBe(201);
    await acceptAgreement(joined.client, groupId);
    return { client: joined.client, username };
  }

  /** A weekly series in London whose first session starts within the next two hours. */
  async function scheduleSoon(groupId: string, title: string, brief: string) {
    const start = DateTime.now().setZone('Europe/London').plus({ hours: 1 }).startOf('hour');
    const res = await organiser.post(`/api/groups/${groupId}/schedule`, {
      title,
      brief,
      repeat: 'weekly',
      timeZone: 'Europe/London',
      date: start.toISODate(),
      time: start.toFormat('HH:mm'),
      durationMinutes: 90,
    });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    return res.json.sessions as Array<{ id: string; startsAt: string; status: string }>;
  }

  /** Someone the journey needs in the room, there through a socket rather than a browser. */
  async function inRoom(client: HttpClient, sessionId: string) {
    const socket: TestSocket = await connect(world.node.url, client.cookie);
    onTestFinished(() => {
      socket.close();
    });
    const events = collectEvents(socket);
    const admitted = collect(socket, 'room:admitted');
    const notices = collect(socket, 'room:notice');
    const side = collect(socket, 'side:message');
    const joined = await enter(socket, sessionId);
    const say = async (text: string, warning: WarningInput | null = null) =>
      unwrap(await command(socket, 'message:send', { sessionId, clientId: newClientId(), text, warning }));
    return { socket, events, admitted, notices, side, joined, me: joined.me, say };
  }

  async function browserPage(viewport: Viewport, options: { locale: string; timezoneId: string }) {
    const context = await world.browser.newContext({ viewport, ...options });
    onTestFinished(() => context.close());
    return context.newPage();
  }

  describe('an organiser', () => {
    const groups: Record<Screen, { group: string; session: string; weekday: WeekdayNumbers; time: string; other: string }> = {
      phone: {
        group: 'Thursday evening circle',
        session: 'Thursday circle',
        weekday: 4,
        time: '19:00',
        other: 'Monday lunchtime group',
      },
      desktop: {
        group: 'Sunday afternoon circle',
        session: 'Sunday circle',
        weekday: 7,
        time: '15:00',
        other: 'Tuesday lunchtime group',
      },
    };

    for (const { screen, viewport } of screens) {
      it(`on a ${screen}: logs in, creates and sets up a group, schedules, invites, approves, adds a facilitator, reads the audit log`, async () => {
        const names = groups[screen];
        // Someone who already facilitates another of the organiser's groups, to be added to this one.
        const otherGroup = await groupLedByRuth(names.other, 'A lunchtime group for people in work.', { waitingRoom: true });
        const rowan = await member(otherGroup, 'Rowan', 'facilitator');

        const page = await browserPage(viewport, { locale: 'en-GB', timezoneId: 'Europe/London' });
        const pageErrors = collectPageErrors([page]);

        await page.goto(world.node.url);
        await page.getByRole('heading', { name: 'Log in' }).waitFor();
        await page.getByLabel('Username').fill(organiserUsername);
        await page.getByLabel('Password').fill(password);
        await page.getByRole('button', { name: 'Log in' }).click();
        await page.getByRole('heading', { name: 'Welcome to Hearth' }).waitFor();

        const description =
          'A facilitated peer-support group for survivors. Come as you are: listening is always enough, and nobody has to share.';
        const create = page.getByRole('region', { name: 'Create a group' });
        await create.getByLabel('Group name').fill(names.group);
        await create.getByLabel('Description').fill(description);
        await create.getByLabel('Your name in this group').fill('Ruth');
        await toTop(create.getByRole('heading', { name: 'Create a group' }));
        await shoot(page, `organiser-create-group-${screen}`);
        await create.getByRole('button', { name: 'Create group' }).click();
        await create.getByText(`“${names.group}” is ready. You lead it as Ruth.`).waitFor();

        await page.getByRole('link', { name: names.group }).click();
        await page.getByRole('heading', { name: names.group }).waitFor();
        await page.getByText(description).waitFor();
        await page.getByText('You are here as lead facilitator, named Ruth.').waitFor();
        await page.getByRole('link', { name: 'Manage group' }).click();
        await page.getByRole('heading', { name: `Managing ${names.group}` }).waitFor();
        const groupId = new URL(page.url()).pathname.split('/')[2]!;

        // Agreements: the group's own words replace the default ones.
        const agreementText = [
          'What we agree to, so that this circle can be a safe one:',
          '',
          '1. What is shared here stays here. We do not copy, screenshot or repeat what anyone says.',
          '2. We use the names we chose for this group, and nobody has to share anything that could identify them.',
          '3. It is always fine to listen, to pass, to step out or to leave, without giving a reason.',
          '4. We put a content warning on messages that touch on distressing subjects, police and courts included.',
          '5. We listen without judging, and we give advice only when someone asks for it.',
          '6. If you need help during a session, press “I need support”: only the facilitators see it.',
        ].join('\n');
        await page.getByRole('tab', { name: 'Agreement' }).click();
        await page.getByLabel('Agreement text').fill(agreementText);
        await page.getByRole('button', { name: 'Publish new version' }).click();
        await page
          .getByText('Version 2 is published. Members will be asked to accept it before they next enter a room.')
          .waitFor();
        const now = page.getByRole('region', { name: 'The group agreements now' });
        await now.getByText(/^Version 2, published on /).waitFor();
        await now.getByText('5. We listen without judging', { exact: false }).waitFor();

        // Settings: waiting room, approval, retention, and a stricter content-warning list.
        await page.getByRole('tab', { name: 'Settings' }).click();
        await page.getByLabel('Use a waiting room').check();
        await page.getByLabel('New members need approval').check();
        await page.getByLabel('Keep room content for (hours)').fill('12');
        const courts = page.getByRole('group', { name: 'Category 10' });
        expect(await courts.getByLabel('Category name').inputValue()).toBe('Police and courts');
        await courts.getByLabel('Requires a warning').check();
        await page.getByRole('button', { name: 'Add a category' }).click();
        await page.getByRole('group', { name: 'Category 12' }).getByLabel('Category name').fill('Anniversaries and dates');
        await toTop(page.getByLabel('Capacity').locator('..'));
        await shoot(page, `organiser-settings-${screen}`);
        await courts.scrollIntoViewIfNeeded();
        await shoot(page, `organiser-warnings-${screen}`);
        await page.getByRole('button', { name: 'Save settings' }).click();
        await page.getByText('The settings are saved.').waitFor();
        const saved = (await organiser.get(`/api/groups/${groupId}`)).json;
        expect(saved).toMatchObject({ waitingRoom: true, approvalRequired: true, retentionHours: 12 });
        expect(saved.contentWarnings).toContainEqual({ key: 'police-courts', label: 'Police and courts', requiresWarning: true });
        expect(saved.contentWarnings).toContainEqual({
          key: 'anniversaries-and-dates',
          label: 'Anniversaries and dates',
          requiresWarning: false,
        });

        // A weekly series in London, with a brief participants read before each session.
        const brief =
          'This week: looking after ourselves around anniversaries and difficult dates. Police and courts may come up.';
        const first = DateTime.now().setZone('Europe/London').plus({ weeks: 1 }).set({ weekday: names.weekday });
        await page.getByRole('tab', { name: 'Schedule' }).click();
        const schedule = page.getByRole('region', { name: 'Schedule a session' });
        await schedule.getByLabel('Session title').fill(names.session);
        await schedule.getByLabel('Brief').fill(brief);
        await schedule.getByLabel('Repeats').selectOption({ label: 'Every week' });
        await schedule.getByLabel('Date').fill(first.toISODate()!);
        await schedule.getByLabel('Start time').fill(names.time);
        await schedule.getByLabel('Time zone').fill('Europe/London');
        await schedule.getByLabel('Duration (minutes)').fill('90');
        await toTop(schedule.getByRole('heading', { name: 'Schedule a session' }));
        await shoot(page, `organiser-schedule-${screen}`);
        await schedule.getByRole('button', { name: 'Schedule', exact: true }).click();
        await schedule.getByText(new RegExp(`^“${names.session}” is scheduled every week, starting `)).waitFor();
        const coming = page.getByRole('region', { name: 'Coming sessions' });
        await poll(() => coming.getByText(brief).count()).toBeGreaterThan(1);
        const firstCard = coming.getByRole('listitem').first();
        await firstCard.getByText('Coming up').waitFor();
        await firstCard.getByText('Part of a series. Changes here apply to this session only.').waitFor();
        const firstStart = DateTime.fromISO(`${first.toISODate()}T${names.time}`, { zone: 'Europe/London' });
        expect(await firstCard.locator('time').first().getAttribute('datetime')).toBe(
          firstStart.toUTC().toISO({ suppressMilliseconds: false }),
        );

        // An invite link, made once and shown once.
        await page.getByRole('tab', { name: 'Invites' }).click();
        await page.getByLabel('Invite for').selectOption({ label: 'A participant' });
        await page.getByLabel('Expires after (days)').fill('14');
        await page.getByRole('button', { name: 'Create invite' }).click();
        await page.getByText('The invite is ready.').waitFor();
        const link = await page.getByLabel('Invite link').inputValue();
        expect(link).toMatch(/\/invite#[A-Za-z0-9_-]{40,}$/);
        await page.getByText('This link is shown only now.', { exact: false }).waitFor();
        const invites = page.getByRole('region', { name: 'Invites' });
        await invites.getByText(/^For a participant, made /).waitFor();
        await invites.getByText('Active', { exact: true }).waitFor();
        await page.getByText('The invite is ready.').scrollIntoViewIfNeeded();
        await shoot(page, `organiser-invite-${screen}`);

        // Someone opens the link; with approval on, they wait for the organiser.
        const willow = await redeemAsNewcomer(world.node.url, new URL(link).hash.slice(1), { pseudonym: 'Willow' });
        expect(willow.res.status, JSON.stringify(willow.res.json)).toBe(201);
        expect(willow.res.json.group.myStatus).toBe('pending');
        await page.getByRole('tab', { name: 'People' }).click();
        const waiting = page.getByRole('region', { name: 'Waiting for approval' });
        await waiting.getByRole('heading', { name: 'Willow' }).waitFor();
        await waiting.getByText(/^Asked to join /).waitFor();
        await shoot(page, `organiser-approve-${screen}`);
        await waiting.getByRole('button', { name: 'Approve' }).click();
        await page.getByText('Willow is approved and can now join the sessions.').waitFor();
        await waiting.getByText('Nobody is waiting for approval.').waitFor();
        const members = page.getByRole('region', { name: 'Members' });
        await members.getByRole('heading', { name: 'Willow' }).waitFor();
        await members.getByText('1 of 12 participant places are taken.', { exact: false }).waitFor();
        // The page's own heading agrees, without a reload.
        await page.getByText('There is 1 participant of 12 places.', { exact: false }).waitFor();

        // A co-facilitator with an account already: added by username, shown by the name chosen here.
        const add = page.getByRole('region', { name: 'Add a facilitator' });
        await add.getByLabel('Username').fill(rowan.username);
        await add.getByLabel('Name in this group').fill('Rowan');
        await add.getByLabel('Role', { exact: true }).selectOption({ label: 'Facilitator' });
        await add.getByRole('button', { name: 'Add facilitator' }).click();
        await add.getByText('Rowan is now a facilitator of this group.').waitFor();
        const rowanCard = members.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Rowan' }) });
        await rowanCard.locator('.badge', { hasText: 'Facilitator' }).waitFor();

        // The audit log: who did what, to whom; never a username.
        await page.getByRole('tab', { name: 'Audit log' }).click();
        const log = page.getByRole('region', { name: 'Audit log entries' });
        const entry = (action: string) => log.locator('li').filter({ has: page.getByText(action, { exact: true }) });
        for (const action of [
          'Group created',
          'Agreements published',
          'Group settings changed',
          'Sessions scheduled',
          'Invite created',
          'Request to join approved',
          'Facilitator added',
        ]) {
          await entry(action).first().waitFor();
        }
        await entry('Request to join approved').getByText('Willow').waitFor();
        await entry('Facilitator added').getByText('Rowan').waitFor();
        await entry('Facilitator added').getByText(/^By Ruth · /).waitFor();
        const logText = await log.textContent();
        expect(logText).not.toContain(rowan.username);
        expect(logText).not.toContain(willow.username);
        expect(logText).not.toContain(organiserUsername);
        await toTop(page.getByLabel('Kind of action').locator('..'));
        await shoot(page, `organiser-audit-log-${screen}`);
        expect(pageErrors).toEqual([]);
      });
    }
  });

  describe('a facilitator', () => {
    /** The console sits beside the conversation on a desktop; on a phone it is opened in its place. */
    async function openConsole(page: Page, screen: Screen): Promise<Locator> {
      const toggle = page.getByRole('button', { name: /^Facilitator console/ });
      if (screen === 'phone' && (await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
      const panel = page.getByRole('complementary', { name: 'Facilitator console' });
      await panel.waitFor();
      return panel;
    }

    async function showConversation(page: Page, screen: Screen) {
      const toggle = page.getByRole('button', { name: /^Facilitator console/ });
      if (screen === 'phone' && (await toggle.getAttribute('aria-expanded')) === 'true') await toggle.click();
      await page.getByRole('log', { name: 'Conversation' }).waitFor();
    }

    for (const { screen, viewport } of screens) {
      it(`on a ${screen}: opens the room, lets people in, announces, checks in, warns, pauses, mutes, answers a request for support, ends`, async () => {
        const groupId = await groupLedByRuth(
          'Evening support group',
          'A facilitated peer-support group for survivors, meeting in the evening.',
          { waitingRoom: true },
        );
        const brief = 'Tonight: finding rest when sleep is hard. Police and courts may come up.';
        const [scheduled] = await scheduleSoon(groupId, 'Weekly circle', brief);
        const sessionId = scheduled!.id;
        const sam = await member(groupId, 'Sam', 'facilitator');
        const willow = await member(groupId, 'Willow');
        const juniper = await member(groupId, 'Juniper');

        const page = await pageAs(world.browser, world.node, sam.client, viewport, {
          locale: 'en-GB',
          timezoneId: 'Europe/London',
        });
        onTestFinished(() => page.context().close());
        const pageErrors = collectPageErrors([page]);

        // The session is due later today; the facilitator opens its room early.
        await page.goto(`${world.node.url}/groups/${groupId}`);
        await page.getByText('You are here as facilitator, named Sam.').waitFor();
        const sessions = page.getByRole('region', { name: 'Sessions' });
        const card = sessions.getByRole('listitem').first();
        await card.getByRole('heading', { name: 'Weekly circle' }).waitFor();
        await card.getByText('Coming up').waitFor();
        await card.getByText(brief).waitFor();
        await card.getByRole('button', { name: 'Open room now' }).click();
        await sessions.getByText('“Weekly circle” is open now.').waitFor();
        await card.getByText('Open now').waitFor();
        await card.getByRole('link', { name: 'Enter room' }).click();
        await page.getByRole('heading', { name: 'Before you go in' }).waitFor();
        await enterRoom(page);
        await page.getByRole('heading', { name: 'Weekly circle' }).waitFor();

        // Two participants arrive and wait to be let in.
        const willowIn = await inRoom(willow.client, sessionId);
        const juniperIn = await inRoom(juniper.client, sessionId);
        expect([willowIn.joined.admitted, juniperIn.joined.admitted]).toEqual([false, false]);
        if (screen === 'phone') {
          await page.getByRole('button', { name: 'Facilitator console (2 open)' }).waitFor();
        }
        const consolePanel = await openConsole(page, screen);
        const waitingRoom = consolePanel.getByRole('region', { name: 'Waiting room' });
        await waitingRoom.getByRole('button', { name: 'Let in Juniper' }).waitFor();
        await waitingRoom.getByRole('button', { name: 'Let in Willow' }).waitFor();
        await waitingRoom.getByRole('button', { name: 'Let everyone in' }).waitFor();
        await waitingRoom.scrollIntoViewIfNeeded();
        await shoot(page, `facilitator-waiting-room-${screen}`);
        await waitingRoom.getByRole('button', { name: 'Let in Willow' }).click();
        await willowIn.admitted.waitFor(1, 15_000);
        expect((await enter(willowIn.socket, sessionId)).admitted).toBe(true);
        await waitingRoom.getByRole('button', { name: 'Let in Juniper' }).click();
        await juniperIn.admitted.waitFor(1, 15_000);
        expect((await enter(juniperIn.socket, sessionId)).admitted).toBe(true);
        await waitingRoom.getByText('Nobody is waiting.').waitFor();
        const people = consolePanel.getByRole('region', { name: 'People in the room' });
        await people.getByText('Willow', { exact: true }).waitFor();
        await people.getByText('Juniper', { exact: true }).waitFor();
        await willowIn.say('Hi everyone. It’s been a long week, but I’m glad to be here.');
        await juniperIn.say('Evening, all. I nearly didn’t come tonight, so I’m proud I did.');

        // An announcement, set apart from the conversation for everyone.
        const announcement = 'Welcome, both of you. We’ll start with a short check-in; you are always welcome to pass.';
        const controls = consolePanel.getByRole('region', { name: 'Session controls' });
        await controls.getByLabel('Announcement').fill(announcement);
        await controls.getByRole('button', { name: 'Send announcement' }).click();
        await controls.getByText('Your announcement is in the room.').waitFor();
        const pinned = page.getByRole('complementary', { name: 'Announcement' });
        await pinned.getByText(announcement).waitFor();
        // Pinned for the facilitator too, until put away: on a small screen it takes room the
        // conversation needs.
        await pinned.getByRole('button', { name: 'Dismiss the announcement' }).click();
        await poll(() => pinned.count()).toBe(0);
        await poll(() =>
          willowIn.events.received.some(
            (e) => e.type === 'message' && e.message.kind === 'announcement' && e.message.text === announcement,
          ),
        ).toBe(true);

        // A check-in round: each participant answers; only facilitators see the answers.
        const round = consolePanel.getByRole('region', { name: 'Check-in round' });
        await round.getByRole('button', { name: 'Open a check-in round' }).click();
        await round.getByText('A check-in round is open. 0 of 2 participants have answered.', { exact: false }).waitFor();
        let checkInId = '';
        await poll(() => {
          const opened = willowIn.events.received.findLast((e) => e.type === 'controls');
          checkInId = opened?.type === 'controls' ? (opened.controls.checkIn?.id ?? '') : '';
          return checkInId;
        }).not.toBe('');
        for (const [someone, colour, word] of [
          [willowIn, 'amber', 'tired'],
          [juniperIn, 'green', 'hopeful'],
        ] as const) {
          unwrap(await command(someone.socket, 'checkin:answer', { sessionId, checkInId, colour, word }));
        }
        await round.getByText('2 of 2 participants have answered.', { exact: false }).waitFor();
        await round.getByRole('listitem').filter({ hasText: 'Willow' }).getByText('Amber — tired').waitFor();
        await round.getByRole('listitem').filter({ hasText: 'Juniper' }).getByText('Green — hopeful').waitFor();
        await people.getByText('Amber — tired').waitFor();
        await round.scrollIntoViewIfNeeded();
        await shoot(page, `facilitator-check-in-${screen}`);
        await round.getByRole('button', { name: 'Close the check-in round' }).click();
        await round.getByRole('button', { name: 'Open a check-in round' }).waitFor();

        // A content warning added to someone's message: it applies for everyone at once.
        const hearing = 'My hearing is next month. I keep going over what I will have to say.';
        await willowIn.say(hearing);
        await showConversation(page, screen);
        // Found by its id: once warned, its words are no longer on the page to find it by.
        const warnedId = await messageIn(page, hearing).getAttribute('id');
        const warned = page.locator(`[id="${warnedId}"]`);
        await warned.getByRole('button', { name: 'More' }).click();
        await warned.getByRole('button', { name: 'Add a content warning' }).click();
        await warned.getByLabel('Police and courts').check();
        await warned.getByLabel('Warning note (optional)').fill('a court date');
        await toTop(warned.getByRole('group', { name: 'Content warning' }));
        await shoot(page, `facilitator-content-warning-${screen}`);
        await warned.getByRole('button', { name: 'Save warning' }).click();
        await warned.getByText('Content warning: Police and courts — a court date (added by a facilitator)').waitFor();
        await poll(() => warned.getByText(hearing).count()).toBe(0);
        await poll(() =>
          juniperIn.events.received.some(
            (e) =>
              e.type === 'message' &&
              e.change === 'warned' &&
              e.message.warning?.byFacilitator === true &&
              e.message.warning.categories.includes('police-courts'),
          ),
        ).toBe(true);

        // A grounding pause: the conversation rests, and nobody can post until it ends.
        await openConsole(page, screen);
        await controls.getByLabel('Length of a grounding pause').selectOption({ label: '1 minute' });
        await controls.getByRole('button', { name: 'Start a grounding pause' }).click();
        await controls.getByText(/^The room is in a grounding pause until/).waitFor();
        const duringPause = await command(juniperIn.socket, 'message:send', {
          sessionId,
          clientId: newClientId(),
          text: 'Still here.',
        });
        expect(duringPause).toMatchObject({ ok: false, error: { code: 'paused' } });
        await showConversation(page, screen);
        const pause = page.getByRole('region', { name: 'A moment of grounding' });
        await pause.getByText('Breathe in… and out').waitFor();
        await pause.getByText(/Time left: 0[01]:\d\d/).waitFor();
        await shoot(page, `facilitator-grounding-pause-${screen}`);
        await openConsole(page, screen);
        await controls.getByRole('button', { name: 'End pause' }).click();
        await controls.getByText('The pause has ended.').waitFor();

        // Someone's actions: a short mute, told to them privately.
        const advice = 'Honestly, you should all just report it and stop worrying. That’s what I would do.';
        await juniperIn.say(advice);
        await people.getByRole('button', { name: 'Actions for Juniper' }).click();
        const menu = people.getByRole('group', { name: 'Actions for Juniper' });
        for (const action of ['Open side conversation', 'Remove all their messages', 'Remove from this session', 'Ban from the group']) {
          await menu.getByRole('button', { name: action }).waitFor();
        }
        await menu.scrollIntoViewIfNeeded();
        await shoot(page, `facilitator-actions-${screen}`);
        await menu.getByRole('button', { name: 'Mute', exact: true }).click();
        const muteForm = people.getByRole('form', { name: 'Mute Juniper' });
        await muteForm.getByLabel('Mute for').selectOption({ label: '5 minutes' });
        await muteForm
          .getByLabel('Reason (optional; kept in the audit log)')
          .fill('Advice nobody asked for; a short pause to reset.');
        await muteForm.getByRole('button', { name: 'Mute', exact: true }).click();
        await people.getByText(/^Juniper is muted until /).waitFor();
        await people.locator('.console-flag', { hasText: 'muted until' }).waitFor();
        const [muted] = await juniperIn.notices.waitFor(1, 15_000);
        expect(muted!.kind).toBe('muted');
        const whileMuted = await command(juniperIn.socket, 'message:send', {
          sessionId,
          clientId: newClientId(),
          text: 'Sorry, I didn’t mean it like that.',
        });
        expect(whileMuted).toMatchObject({ ok: false, error: { code: 'muted' } });

        // A request for support, answered in a private conversation, then acknowledged.
        expect(unwrap(await command(willowIn.socket, 'support:request', { sessionId })).facilitatorsPresent).toBe(true);
        const asked = consolePanel.getByRole('region', { name: 'Support asked for' });
        await asked.getByText('Willow', { exact: true }).waitFor();
        await people.getByRole('listitem').filter({ hasText: 'Willow' }).getByText('asked for support').waitFor();
        await people.getByRole('button', { name: 'Actions for Willow' }).click();
        await people.getByRole('group', { name: 'Actions for Willow' }).getByRole('button', { name: 'Open side conversation' }).click();
        const threads = consolePanel.getByRole('region', { name: 'Private conversations' });
        const toWillow = 'I saw your signal, Willow. I’m here. Would you like to talk here, just between us?';
        await threads.getByLabel('Reply to Willow').fill(toWillow);
        await threads.getByRole('button', { name: 'Send privately' }).click();
        const [reached] = await willowIn.side.waitFor(1, 15_000);
        expect(reached!.text).toBe(toWillow);
        const fromWillow = 'Thank you. The check-in brought a lot up. I think I just need a few quiet minutes.';
        unwrap(await command(willowIn.socket, 'side:send', { sessionId, participantId: null, clientId: newClientId(), text: fromWillow }));
        await threads.getByText(fromWillow).waitFor();
        await threads.getByRole('button', { name: 'Conversation with Willow (2)' }).waitFor();
        await asked.getByRole('button', { name: 'Acknowledge Willow’s request' }).click();
        await asked.getByText('Nobody has asked for support.').waitFor();
        await threads.scrollIntoViewIfNeeded();
        await shoot(page, `facilitator-side-conversation-${screen}`);

        // The end: the room closes for everyone.
        await showConversation(page, screen);
        await page.getByRole('button', { name: 'End session' }).click();
        await page.getByRole('button', { name: 'Yes, end the session' }).click();
        await page.getByText('This session has ended.').waitFor();
        await poll(() => page.getByRole('complementary', { name: 'Facilitator console' }).count()).toBe(0);
        expect(await page.getByRole('button', { name: /^Facilitator console/ }).count()).toBe(0);
        for (const someone of [willowIn, juniperIn]) {
          await poll(() => someone.events.received.some((e) => e.type === 'closed')).toBe(true);
        }
        await shoot(page, `facilitator-ended-${screen}`);
        expect(pageErrors).toEqual([]);
      });
    }
  });

  describe('a participant', () => {
    for (const { screen, viewport } of screens) {
      it(`on a ${screen}: joins from an invite, accepts the agreements, enters, reveals and writes behind warnings, asks for support, steps out, leaves`, async () => {
        const groupName = 'Kindred circle';
        const description =
          'A facilitated peer-support group for survivors, meeting once a week. Come as you are: listening is always enough.';
        const groupId = await groupLedByRuth(groupName, description, { waitingRoom: true });
        const brief = 'This week: small comforts that help on hard days. Police and courts may come up.';
        const sessions = await scheduleSoon(groupId, 'Weekly circle', brief);
        const sessionId = sessions[0]!.id;
        expect((await organiser.post(`/api/sessions/${sessionId}/open`, {})).status).toBe(200);

        // The facilitator, and another participant, are already in the room.
        const sam = await member(groupId, 'Sam', 'facilitator');
        const juniper = await member(groupId, 'Juniper');
        const samIn = await inRoom(sam.client, sessionId);
        const juniperIn = await inRoom(juniper.client, sessionId);
        unwrap(await command(samIn.socket, 'room:admit', { sessionId, memberId: juniperIn.me.memberId }));
        await juniperIn.admitted.waitFor(1, 15_000);
        expect((await enter(juniperIn.socket, sessionId)).admitted).toBe(true);
        const welcome = 'Good evening, and welcome. Take your time settling in; there is no need to say anything until you are ready.';
        await samIn.say(welcome);
        const hearing = 'My hearing is next month. Some days I feel ready, and some days I really don’t.';
        await juniperIn.say(hearing, { categories: ['police-courts'], note: '' });
        const invite = await createInvite(organiser, groupId);

        const page = await browserPage(viewport, { locale: 'en-US', timezoneId: 'America/New_York' });
        const pageErrors = collectPageErrors([page]);

        // The invite: a name for this group, and an account nobody in the group sees.
        await page.goto(`${world.node.url}/invite#${invite.code}`);
        await page.getByRole('heading', { name: `You have been invited to join ${groupName}` }).waitFor();
        await page.getByText(description).waitFor();
        await page.getByLabel('Your name in this group').fill('Willow');
        await page.getByLabel('Username').fill(uniqueName('willow'));
        await page.getByLabel('Password').fill('a quiet and long passphrase');
        await page.getByText('You use these only to log in. Nobody in the group sees them.').waitFor();
        await page.evaluate(() => window.scrollTo(0, 0));
        await shoot(page, `participant-invite-${screen}`);
        await page.getByRole('button', { name: 'Join the group' }).click();

        // The agreements come before any room.
        await page
          .getByText(
            'Welcome. You are now a member of this group. Before your first session, please read the group agreements below.',
          )
          .waitFor();
        const agreements = page.getByRole('region', { name: 'Group agreements', exact: true });
        await agreements.getByText('1. What is shared here stays here.', { exact: false }).waitFor();
        await page.getByText('The room is open. Once you have accepted the group agreements above, you can go in.').waitFor();
        expect(await page.getByRole('link', { name: 'Enter room' }).count()).toBe(0);
        await toTop(agreements);
        await shoot(page, `participant-agreements-${screen}`);
        await agreements.getByRole('button', { name: 'I accept these agreements' }).click();
        await agreements.getByText('Thank you. You have accepted the group agreements.').waitFor();

        // Sessions in the participant's own time zone: New York, for a series set in London.
        const list = page.getByRole('region', { name: 'Sessions' });
        await list.getByText('Times are shown in your own time zone.').waitFor();
        const [now, next] = [sessions[0]!, sessions[1]!];
        const inNewYork = (iso: string) =>
          new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', hour: 'numeric', minute: '2-digit' }).format(
            new Date(iso),
          );
        for (const session of [now, next]) {
          const shown = await list.locator(`time[datetime="${session.startsAt}"]`).first().textContent();
          expect(shown).toContain(inNewYork(session.startsAt));
          expect(shown).toMatch(/\bE[DS]T\b/);
        }
        const openCard = list.getByRole('listitem').first();
        await openCard.getByText('Open now').waitFor();
        await list.getByRole('listitem').nth(1).getByText('Coming up').waitFor();
        await toTop(list);
        await shoot(page, `participant-sessions-${screen}`);

        // Every entry begins with the confidentiality reminder.
        await openCard.getByRole('link', { name: 'Enter room' }).click();
        await page.getByRole('heading', { name: 'Before you go in' }).waitFor();
        await page.getByText('What people share here stays here. Please do not copy, screenshot or repeat what you read').waitFor();
        await shoot(page, `participant-reminder-${screen}`);
        await page.getByRole('button', { name: 'I understand — enter the room' }).click();

        // The waiting room: the session's brief and the agreements, until a facilitator lets them in.
        await page.getByText('You are in the waiting room.').waitFor();
        await page.getByText(brief).waitFor();
        await shoot(page, `participant-waiting-room-${screen}`);
        let willowId = '';
        await poll(async () => {
          const waiting = unwrap(await command(samIn.socket, 'staff:state', { sessionId })).waiting;
          willowId = waiting.find((m) => m.pseudonym === 'Willow')?.memberId ?? '';
          return waiting.map((m) => m.pseudonym);
        }).toEqual(['Willow']);
        unwrap(await command(samIn.socket, 'room:admit', { sessionId, memberId: willowId }));
        const composer = page.getByLabel('Message', { exact: true });
        await composer.waitFor();
        await page.getByText(welcome).waitFor();

        // Someone else's warned message: the warning first, the words only by choice.
        const theirs = messageIn(page, 'Content warning: Police and courts');
        await theirs.waitFor();
        expect(await page.getByText(hearing).count()).toBe(0);
        await theirs.getByRole('button', { name: 'Show message' }).click();
        await theirs.getByText(hearing).waitFor();
        await shoot(page, `participant-room-${screen}`);

        // Writing behind a warning of one's own.
        const mine = 'Last year I left a controlling relationship. Most days I feel steadier now; some evenings it still feels very close.';
        await composer.fill(mine);
        await page.getByRole('button', { name: 'Add a content warning' }).click();
        await page.getByRole('group', { name: 'Content warning' }).getByLabel('Domestic abuse').check();
        await shoot(page, `participant-write-${screen}`);
        await poll(() => page.getByRole('button', { name: 'Send', exact: true }).isEnabled()).toBe(true);
        await page.getByRole('button', { name: 'Send', exact: true }).click();
        const own = messageIn(page, mine);
        await poll(() => own.count()).toBe(1);
        await own.getByText('Content warning: Domestic abuse').waitFor();
        await own.getByText('(you)').waitFor();
        // The others receive it with the warning, to meet it first.
        const posted = () =>
          juniperIn.events.received.find(
            (e): e is Extract<RoomEvent, { type: 'message' }> =>
              e.type === 'message' && e.change === 'posted' && e.message.text === mine,
          );
        await poll(() => posted()?.message.warning).toEqual({
          categories: ['domestic-abuse'],
          note: '',
          byFacilitator: false,
        });

        // "I need support": only the facilitators see it; one writes back privately.
        await page.getByRole('button', { name: 'I need support' }).click();
        await page.getByText('The facilitators have been told, only they can see this.').waitFor();
        await poll(async () =>
          unwrap(await command(samIn.socket, 'staff:state', { sessionId })).supportRequests.map((r) => r.member.pseudonym),
        ).toEqual(['Willow']);
        const fromSam = 'Hi Willow, I saw your signal. I’m here. Would you like to tell me a little, just between us?';
        unwrap(await command(samIn.socket, 'side:send', { sessionId, participantId: willowId, clientId: newClientId(), text: fromSam }));
        await page.getByText('A facilitator has written to you privately.', { exact: true }).waitFor();
        await page.getByRole('button', { name: 'Message the facilitators (1 new)' }).click();
        const side = page.getByRole('region', { name: 'Message the facilitators privately' });
        await side.getByText(fromSam).waitFor();
        await side.getByText('Only the facilitators of this session can read this conversation.').waitFor();
        const reply = 'Thank you. Writing that brought a lot back. I think I just need a few quiet minutes.';
        await side.getByLabel('Your message to the facilitators').fill(reply);
        await side.getByRole('button', { name: 'Send privately' }).click();
        await side.getByText(reply).waitFor();
        await poll(() => samIn.side.received.some((m) => m.author.pseudonym === 'Willow' && m.text === reply)).toBe(true);
        await shoot(page, `participant-support-${screen}`);
        await side.getByRole('button', { name: 'Close Message the facilitators privately' }).click();

        // Stepping out hides the conversation; others see only that they stepped out.
        await page.getByRole('button', { name: 'Step out' }).click();
        const away = page.getByRole('dialog', { name: 'You’ve stepped out.' });
        await away.getByText('Others see only that you stepped out.', { exact: false }).waitFor();
        await poll(() => presenceOf(samIn.events.received, 'Willow')).toBe('stepped_out');
        await away.getByRole('button', { name: 'Come back' }).click();
        await poll(() => away.count()).toBe(0);
        await poll(() => presenceOf(samIn.events.received, 'Willow')).toBe('present');
        await composer.waitFor();

        // Leaving goes back to the group's page.
        await page.getByRole('button', { name: 'Leave', exact: true }).click();
        await page.waitForURL(`${world.node.url}/groups/${groupId}`);
        await page.getByRole('heading', { name: groupName }).waitFor();
        await poll(() => presenceOf(samIn.events.received, 'Willow')).toBe('left');
        expect(pageErrors).toEqual([]);
      });
    }
  });
});
