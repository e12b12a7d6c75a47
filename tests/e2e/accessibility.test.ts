import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserAvailable, browserWithHearth } from '../support/browser.ts';
import {
  createGroup,
  createInvite,
  createOrganiser,
  inviteParticipant,
  joinWithNewAccount,
  logIn,
  memberIdOf,
  newClientId,
  password,
  scheduleBody,
  startSession,
  updateGroup,
} from '../support/factories.ts';
import type { HttpClient } from '../support/http.ts';
import { collect, collectEvents, command, connect, enter, unwrap, type TestSocket } from '../support/socket.ts';
import { expectNoViolations } from './axe.ts';
import { collectPageErrors, desktop, enterRoom, pageAs, phone, type Viewport } from './roomPages.ts';

/** A small phone: there the facilitator console is a panel in the conversation's place. */
const narrowPhone: Viewport = { width: 360, height: 740 };

const crisisResources = [
  { name: 'Rape Crisis helpline', phone: '0808 500 2222', link: 'https://rapecrisis.org.uk', hours: 'Every day, 24 hours' },
  { name: 'Samaritans', phone: '116 123', text: 'SHOUT to 85258' },
];

/** A message in the conversation, found by its words (not by a reply's quote of them). */
const messageIn = (page: Page, words: string) =>
  page.locator('ol.msgs > li').filter({ has: page.locator('.msg-text', { hasText: words }) });
/** A message in the conversation, found by the warning it is behind. */
const warnedIn = (page: Page, warning: string) =>
  page.locator('ol.msgs > li').filter({ has: page.locator('.cw-label', { hasText: warning }) });

describe.runIf(browserAvailable)('accessibility: axe-core finds no WCAG 2.2 AA violations', () => {
  const world = browserWithHearth();
  /** The node's one organiser: made on the set-up page by the first test, or directly when it is left out. */
  let organiser: HttpClient | undefined;
  const theOrganiser = async () => (organiser ??= await createOrganiser(world.node));

  async function anonymousPage(viewport: Viewport) {
    return (await world.browser.newContext({ viewport })).newPage();
  }

  it('first run, and the pages anyone can reach: set-up, log-in, quick-exit help, not found', async () => {
    const first = await anonymousPage(desktop);
    const visitor = await anonymousPage(phone);
    const pageErrors = collectPageErrors([first, visitor]);

    // The set-up page, then the home page of the new organiser, with no groups yet.
    const token = await world.node.services.accounts.issueSetupToken();
    await first.goto(`${world.node.url}/setup#${token}`);
    await first.getByRole('button', { name: 'Create organiser account' }).waitFor();
    await expectNoViolations(first, 'the first-run set-up page');
    const username = 'organiser_axe';
    await first.getByLabel('Username').fill(username);
    await first.getByLabel('Password').fill(password);
    await first.getByRole('button', { name: 'Create organiser account' }).click();
    await first.getByLabel('Group name').waitFor();
    await expectNoViolations(first, 'the home page of a new organiser, with no groups yet');
    organiser = await logIn(world.node.url, username);

    await visitor.goto(`${world.node.url}/login`);
    await visitor.getByRole('heading', { name: 'Log in' }).waitFor();
    await expectNoViolations(visitor, 'the log-in page');
    await visitor.getByLabel('Username').fill('nobody_here');
    await visitor.getByLabel('Password', { exact: true }).fill('not the right passphrase');
    await visitor.getByRole('button', { name: 'Log in' }).click();
    await visitor.getByRole('alert').getByText('That username and password do not match.').waitFor();
    await expectNoViolations(visitor, 'the log-in page with a wrong password');
    await visitor.goto(`${world.node.url}/quick-exit`);
    await visitor.getByRole('heading', { name: 'About quick exit' }).waitFor();
    await expectNoViolations(visitor, 'the quick-exit help page');
    await visitor.goto(`${world.node.url}/no-such-page`);
    await visitor.getByRole('heading', { name: 'We could not find that page' }).waitFor();
    await expectNoViolations(visitor, 'the not-found page');
    expect(pageErrors).toEqual([]);
  });

  it('joining through an invite: the registration form, the group and home pages, the account page and erasing it', async () => {
    const lead = await theOrganiser();
    const group = await createGroup(lead, undefined, { waitingRoom: false });
    await updateGroup(lead, group.id, { crisisResources });
    await startSession(lead, group.id);
    const invite = await createInvite(lead, group.id);
    const newcomer = await anonymousPage(phone);
    const pageErrors = collectPageErrors([newcomer]);

    await newcomer.goto(`${world.node.url}/invite#not-a-real-invite-code-at-all-not-one-bit`);
    await newcomer.getByRole('alert').waitFor();
    await expectNoViolations(newcomer, 'the invite page with a code that does not work');
    await newcomer.goto(`${world.node.url}/invite#${invite.code}`);
    await newcomer.getByRole('button', { name: 'Join the group' }).waitFor();
    await expectNoViolations(newcomer, 'the invite page and its registration form');
    await newcomer.getByLabel('Your name in this group').fill('Wren');
    await newcomer.getByLabel('Username').fill('wren_axe');
    await newcomer.getByLabel('Password').fill(password);
    await newcomer.getByRole('button', { name: 'Join the group' }).click();
    await newcomer.getByRole('button', { name: 'I accept these agreements' }).waitFor();
    await expectNoViolations(newcomer, 'the group page of someone who just joined, with the agreements to accept');
    await newcomer.getByRole('button', { name: 'I accept these agreements' }).click();
    await newcomer.getByRole('link', { name: 'Enter room' }).waitFor();
    await newcomer.getByRole('button', { name: 'Leave this group' }).click();
    await newcomer.getByRole('button', { name: 'Yes, leave' }).waitFor();
    await expectNoViolations(newcomer, 'the group page (participant view), with the leave question');
    await newcomer.goto(world.node.url);
    await newcomer.getByRole('heading', { name: 'Upcoming sessions' }).waitFor();
    await newcomer.getByRole('link', { name: group.name }).waitFor();
    await expectNoViolations(newcomer, 'the home page (your groups)');

    // The account page, the question before erasing it (with a wrong password), and after.
    await newcomer.goto(`${world.node.url}/account`);
    const erase = newcomer.getByRole('region', { name: 'Erase my account' });
    await erase.waitFor();
    await expectNoViolations(newcomer, 'the account page');
    await erase.getByLabel('I understand this cannot be undone').check();
    await erase.getByLabel('Your password').fill('not the right passphrase');
    await erase.getByRole('button', { name: 'Erase my account' }).click();
    await erase.getByRole('alert').waitFor();
    await expectNoViolations(newcomer, 'the account page, erasing the account with a wrong password');
    await erase.getByLabel('Your password').fill(password);
    await erase.getByRole('button', { name: 'Erase my account' }).click();
    await newcomer.getByRole('heading', { level: 1, name: 'Your account is erased' }).waitFor();
    await expectNoViolations(newcomer, 'the erased page');
    expect(pageErrors).toEqual([]);
  });

  it('organising a group: its page and every tab of its manage page, with their questions open', async () => {
    const lead = await theOrganiser();
    const group = await createGroup(lead, undefined, { waitingRoom: false });
    await updateGroup(lead, group.id, { crisisResources });
    // Within the weeks the pages list, on days no test's clock reaches.
    for (const days of [2, 9]) {
      const date = new Date(Date.now() + days * 24 * 3600_000).toISOString().slice(0, 10);
      const scheduled = await lead.post(`/api/groups/${group.id}/schedule`, { ...scheduleBody, timeZone: 'UTC', date });
      expect(scheduled.status, JSON.stringify(scheduled.json)).toBe(201);
    }
    const member = await joinWithNewAccount(lead, group.id);
    const banned = await joinWithNewAccount(lead, group.id);
    const sockets = await Promise.all([connect(world.node.url, lead.cookie), connect(world.node.url, member.client.cookie)]);
    try {
      // An ended session someone checked out of, and an open one where someone was banned.
      const ended = await startSession(lead, group.id);
      await enter(sockets[1], ended.id);
      expect((await lead.post(`/api/sessions/${ended.id}/end`, {})).status).toBe(200);
      const checkOut = await member.client.post(`/api/sessions/${ended.id}/check-out`, { colour: 'green', word: 'lighter' });
      expect(checkOut.status).toBe(204);
      const session = await startSession(lead, group.id);
      await enter(sockets[0], session.id);
      const memberId = await memberIdOf(lead, group.id, banned.pseudonym);
      unwrap(await command(sockets[0], 'member:ban', { sessionId: session.id, memberId, reason: 'Threats in a session' }));
    } finally {
      for (const socket of sockets) socket.close();
    }
    await updateGroup(lead, group.id, { approvalRequired: true });
    const pending = await joinWithNewAccount(lead, group.id, { acceptAgreement: false });
    expect(pending.status).toBe('pending');

    const page = await pageAs(world.browser, world.node, lead, desktop);
    const waiting = await pageAs(world.browser, world.node, pending.client, phone);
    const pageErrors = collectPageErrors([page, waiting]);

    await waiting.goto(`${world.node.url}/groups/${group.id}`);
    await waiting.getByText('Waiting for approval.').waitFor();
    await expectNoViolations(waiting, 'the group page of someone waiting for approval');

    // The organiser's group page: the invite link, and the question before ending a session.
    await page.goto(`${world.node.url}/groups/${group.id}`);
    await page.getByRole('button', { name: 'Invite someone' }).click();
    await page.getByLabel('Invite link').waitFor();
    await page.getByRole('button', { name: 'End session' }).click();
    await page.getByRole('button', { name: 'Yes, end the session' }).waitFor();
    await page.getByText('Check-out', { exact: true }).click();
    await page.getByText('1 person checked out.').waitFor();
    await expectNoViolations(page, 'the group page (organiser view), with an invite link and the end-session question');

    await page.goto(`${world.node.url}/groups/${group.id}/manage`);
    await page.getByRole('tab', { name: 'Settings' }).waitFor();
    await page.getByLabel('Group name').waitFor();
    await expectNoViolations(page, 'the manage page, Settings tab');
    await page.getByRole('tab', { name: 'Agreement' }).click();
    await page.getByLabel('Agreement text').waitFor();
    await page.getByRole('heading', { name: 'Who has accepted' }).waitFor();
    await expectNoViolations(page, 'the manage page, Agreement tab');
    await page.getByRole('tab', { name: 'Schedule' }).click();
    await page.getByRole('button', { name: 'Move' }).first().click();
    await page.getByRole('button', { name: 'Save change' }).waitFor();
    await page.getByRole('button', { name: 'Cancel this session' }).first().click();
    await page.getByRole('button', { name: 'Yes, cancel it' }).waitFor();
    await expectNoViolations(page, 'the manage page, Schedule tab, with a move form and the cancel question');
    await page.getByRole('tab', { name: 'People' }).click();
    await page.getByRole('heading', { name: 'Waiting for approval' }).waitFor();
    await page.getByRole('heading', { name: 'Banned from the group' }).waitFor();
    await page
      .getByRole('listitem')
      .filter({ has: page.getByRole('heading', { name: member.pseudonym }) })
      .getByRole('button', { name: 'Remove from group' })
      .click();
    await page.getByRole('button', { name: 'Yes, remove' }).waitFor();
    await expectNoViolations(page, 'the manage page, People tab, with the remove question');
    await page.getByRole('tab', { name: 'Invites' }).click();
    await page.getByRole('button', { name: 'Create invite' }).click();
    await page.getByLabel('Invite link').waitFor();
    await expectNoViolations(page, 'the manage page, Invites tab, with a new invite link');
    await page.getByRole('tab', { name: 'Audit log' }).click();
    await page.getByRole('region', { name: 'Audit log entries' }).locator('li').first().waitFor();
    await expectNoViolations(page, 'the manage page, Audit log tab');
    expect(pageErrors).toEqual([]);
  });

  it('the room as a participant meets it, from the reminder to the end of the session', async () => {
    const lead = await theOrganiser();
    const group = await createGroup(lead, undefined, { waitingRoom: true });
    await updateGroup(lead, group.id, { crisisResources });
    const session = await startSession(lead, group.id);
    const sessionId = session.id;
    const ash = await inviteParticipant(lead, group.id);
    const bay = await inviteParticipant(lead, group.id);
    const sockets: TestSocket[] = [];
    const page = await pageAs(world.browser, world.node, ash.client, phone);
    const pageErrors = collectPageErrors([page]);
    try {
      // The facilitator and another participant are here through their sockets.
      const facilitator = await connect(world.node.url, lead.cookie);
      sockets.push(facilitator);
      await enter(facilitator, sessionId);
      const other = await connect(world.node.url, bay.client.cookie);
      sockets.push(other);
      const admitted = collect(other, 'room:admitted');
      await enter(other, sessionId);
      const bayId = await memberIdOf(lead, group.id, bay.pseudonym);
      unwrap(await command(facilitator, 'room:admit', { sessionId, memberId: bayId }));
      await admitted.waitFor(1);
      await enter(other, sessionId);

      await page.goto(`${world.node.url}/rooms/${sessionId}`);
      await page.getByRole('button', { name: 'I understand — enter the room' }).waitFor();
      await expectNoViolations(page, 'the confidentiality reminder before entering a room');
      await page.getByRole('button', { name: 'I understand — enter the room' }).click();
      await page.getByText('A facilitator will let you in soon').waitFor();
      await expectNoViolations(page, 'the waiting room');
      const ashId = await memberIdOf(lead, group.id, ash.pseudonym);
      unwrap(await command(facilitator, 'room:admit', { sessionId, memberId: ashId }));
      const composer = page.getByLabel('Message', { exact: true });
      await composer.waitFor();

      // A conversation: an announcement, plain words, two warned messages, a reply, reactions.
      const send = async (socket: TestSocket, text: string, warning: { categories: string[]; note: string } | null = null) =>
        unwrap(await command(socket, 'message:send', { sessionId, clientId: newClientId(), text, warning }));
      unwrap(
        await command(facilitator, 'room:announce', {
          sessionId,
          clientId: newClientId(),
          text: 'Welcome, everyone. We start with a short check-in.',
        }),
      );
      const plain = 'Thank you for having me tonight.';
      await send(other, plain);
      const hidden = 'What happened that night still comes back to me.';
      await send(other, hidden, { categories: ['sexual-violence'], note: '' });
      const shown = 'The hospital visit was hard, but I went.';
      await send(other, shown, { categories: ['medical'], note: 'hospital' });
      await warnedIn(page, 'Content warning: Medical care and bodies').getByRole('button', { name: 'Show message' }).click();
      await page.getByText(shown).waitFor();
      await messageIn(page, plain).getByRole('button', { name: 'Reply' }).click();
      const own = 'I am glad to be here too.';
      await composer.fill(own);
      await composer.press('Enter');
      // Once the room has it (until then it is only on its way, with no id and nothing to act on).
      await messageIn(page, own).getByRole('button', { name: 'More' }).waitFor();
      // Found by its id from here on: while it is being edited, the form takes its words' place.
      const ownId = await messageIn(page, own).getAttribute('id');
      const ownMessage = page.locator(`[id="${String(ownId)}"]`);
      // With its quote of the message it replies to.
      await ownMessage.getByText(plain).waitFor();
      await messageIn(page, plain).getByRole('button', { name: 'React' }).click();
      await messageIn(page, plain).getByRole('button', { name: 'I hear you' }).click();
      await messageIn(page, plain).getByRole('button', { name: 'I hear you', pressed: true }).waitFor();
      // The reactions to choose from, open under one's own message.
      await ownMessage.getByRole('button', { name: 'React' }).click();
      await page.getByRole('complementary', { name: 'Announcement' }).waitFor();
      await warnedIn(page, 'Content warning: Sexual violence').getByRole('button', { name: 'Show message' }).waitFor();
      expect(await page.getByText(hidden).count()).toBe(0);
      await expectNoViolations(page, 'the room with an announcement, a reply, reactions, a warned message hidden and one revealed');

      // The "More" menu of one's own message with its delete question; the edit form.
      await ownMessage.getByRole('button', { name: 'React' }).click();
      await ownMessage.getByRole('button', { name: 'More' }).click();
      await ownMessage.getByRole('button', { name: 'Delete' }).click();
      await ownMessage.getByRole('button', { name: 'Keep it' }).waitFor();
      await expectNoViolations(page, 'the More menu of one’s own message, with the delete question');
      await ownMessage.getByRole('button', { name: 'Keep it' }).click();
      await ownMessage.getByRole('button', { name: 'Edit' }).click();
      await ownMessage.getByLabel('Edit what you wrote').fill('I am glad to be here. Last year I hurt myself; I am safer now.');
      await ownMessage.getByRole('button', { name: 'Save', exact: true }).click();
      await ownMessage.getByText('This message may touch on Self-harm. Add a content warning?').waitFor();
      await expectNoViolations(page, 'the edit form, with its suggested content warning');
      await ownMessage.getByRole('button', { name: 'Cancel' }).click();

      // The report form, from another's message.
      const theirs = messageIn(page, plain);
      await theirs.getByRole('button', { name: 'More' }).click();
      await theirs.getByRole('button', { name: 'Report' }).click();
      await theirs.getByRole('button', { name: 'Send report' }).waitFor();
      await expectNoViolations(page, 'the report form');
      await theirs.getByRole('button', { name: 'Send report' }).click();
      await theirs.getByText('Your report has reached the facilitators').waitFor();

      // The composer, with the warning picker open and the suggestion asked about.
      await page.locator('form.composer').getByRole('button', { name: 'Add a content warning' }).click();
      await page.locator('form.composer').getByLabel('Police and courts').check();
      await composer.fill('Last winter I hurt myself again. I am safer now, and I wanted to say it here.');
      await composer.press('Enter');
      await page.getByText('This message may also touch on Self-harm. Add it to the content warning?').waitFor();
      await expectNoViolations(page, 'the composer with the content-warning picker open and a suggested warning');
      await page.getByRole('button', { name: 'Add warning and send' }).click();
      // Words that may show someone in crisis bring them a gentle offer of support.
      await page.getByText('The facilitators are here for you too.').waitFor();

      // Each of the room's panels.
      const panels = [
        ['Who is here (3)', 'Who is here'],
        ['Crisis resources', 'Crisis resources'],
        ['Room settings', 'Room settings'],
      ] as const;
      for (const [button, title] of panels) {
        await page.getByRole('button', { name: button, exact: true }).click();
        await page.getByRole('region', { name: title }).waitFor();
        await expectNoViolations(page, `the room’s “${title}” panel`);
        await page.getByRole('button', { name: `Close ${title}` }).click();
      }
      await page.getByRole('button', { name: 'Message the facilitators' }).click();
      const side = page.getByRole('region', { name: 'Message the facilitators privately' });
      await side.getByLabel('Your message to the facilitators').fill('Could we talk after the session?');
      await side.getByRole('button', { name: 'Send' }).click();
      unwrap(
        await command(facilitator, 'side:send', {
          sessionId,
          participantId: ashId,
          clientId: newClientId(),
          text: 'Of course. I will stay on for a few minutes.',
        }),
      );
      await side.getByText('I will stay on for a few minutes.').waitFor();
      await expectNoViolations(page, 'the room’s private conversation with the facilitators');
      await side.getByRole('button', { name: 'Close Message the facilitators privately' }).click();

      // The agreements opened, and what "I need support" answers.
      await page.locator('.room-agreement summary').click();
      await page.getByRole('button', { name: 'I need support' }).click();
      await page.getByText('The facilitators have been told').waitFor();
      await expectNoViolations(page, 'the room with its agreements open, after “I need support”');

      // A check-in round.
      unwrap(await command(facilitator, 'checkin:open', { sessionId }));
      const card = page.getByRole('region', { name: 'The facilitator has opened a check-in. How are you arriving?' });
      await card.getByLabel('Amber: I’m finding it hard').check();
      await expectNoViolations(page, 'a check-in round');
      await card.getByRole('button', { name: 'Send my check-in' }).click();
      await page.getByText('You checked in:').waitFor();

      // The grounding pause, over the conversation.
      unwrap(await command(facilitator, 'room:pause', { sessionId, seconds: 60 }));
      await page.getByRole('region', { name: 'A moment of grounding' }).getByText('Breathe in… and out').waitFor();
      await expectNoViolations(page, 'the grounding pause');
      unwrap(await command(facilitator, 'room:resume', { sessionId }));
      await page.getByText('The grounding pause has ended.').waitFor();

      // Muted for a while: told privately, and why Send waits.
      unwrap(await command(facilitator, 'member:mute', { sessionId, memberId: ashId, minutes: 5, reason: '' }));
      await page.getByText('You can send again at').waitFor();
      await expectNoViolations(page, 'the room while muted');

      // Stepped out.
      await page.getByRole('button', { name: 'Step out' }).click();
      await page.getByRole('dialog', { name: 'You’ve stepped out.' }).waitFor();
      await expectNoViolations(page, 'the stepped-out screen');
      await page.getByRole('button', { name: 'Come back' }).click();
      await page.getByRole('dialog').waitFor({ state: 'detached' });

      // The session ends with words unsent: they are kept, and a check-out is offered.
      await composer.fill('Thank you all, see you next week');
      expect((await lead.post(`/api/sessions/${sessionId}/end`, {})).status).toBe(200);
      await page.getByText('This session has ended.').waitFor();
      await page.getByLabel('What you were writing').waitFor();
      await page.getByRole('button', { name: 'Send my check-out' }).waitFor();
      await expectNoViolations(page, 'the room after the session ended, with the kept draft and the check-out');
    } finally {
      for (const socket of sockets) socket.close();
    }
    expect(pageErrors).toEqual([]);
  });

  it('the facilitator console, beside the room at 1280×800 and as a panel at 360×740', async () => {
    const lead = await theOrganiser();
    const group = await createGroup(lead, undefined, { waitingRoom: true });
    await updateGroup(lead, group.id, { crisisResources });
    const sessionId = (await startSession(lead, group.id)).id;
    const [cal, dee, eve] = await Promise.all([
      inviteParticipant(lead, group.id),
      inviteParticipant(lead, group.id),
      inviteParticipant(lead, group.id),
    ]);
    const page = await pageAs(world.browser, world.node, lead, desktop);
    const removed = await pageAs(world.browser, world.node, cal.client, phone);
    const pageErrors = collectPageErrors([page, removed]);
    const sockets: TestSocket[] = [];
    try {
      await page.goto(`${world.node.url}/rooms/${sessionId}`);
      await enterRoom(page);
      const consolePanel = page.getByRole('complementary', { name: 'Facilitator console' });
      const waitingRoom = consolePanel.getByRole('region', { name: 'Waiting room' });

      // Two participants are let in from the waiting room; a third still waits.
      const join = async (person: typeof cal, letIn: boolean) => {
        const socket = await connect(world.node.url, person.client.cookie);
        sockets.push(socket);
        const admitted = collect(socket, 'room:admitted');
        await enter(socket, sessionId);
        if (!letIn) return socket;
        await waitingRoom.getByRole('button', { name: `Let in ${person.pseudonym}` }).click();
        await admitted.waitFor(1);
        await enter(socket, sessionId);
        return socket;
      };
      const calSocket = await join(cal, true);
      const calEvents = collectEvents(calSocket);
      const deeSocket = await join(dee, true);
      await join(eve, false);
      await waitingRoom.getByRole('button', { name: `Let in ${eve.pseudonym}` }).waitFor();

      const send = async (socket: TestSocket, text: string, warning: { categories: string[]; note: string } | null = null) =>
        unwrap(await command(socket, 'message:send', { sessionId, clientId: newClientId(), text, warning }));
      const plain = await send(deeSocket, 'Honestly some of you should just stop talking and listen for once.');
      const warned = await send(deeSocket, 'The trial starts next week and I keep going over it.', {
        categories: ['police-courts'],
        note: '',
      });
      await send(deeSocket, 'Some nights I want to die, and I do not know who to tell.');
      unwrap(await command(calSocket, 'message:report', { sessionId, messageId: plain.id, reason: 'hurtful', note: '' }));
      unwrap(await command(calSocket, 'message:report', { sessionId, messageId: warned.id, reason: 'unsafe', note: 'Worried' }));
      unwrap(await command(deeSocket, 'support:request', { sessionId }));
      unwrap(
        await command(deeSocket, 'side:send', {
          sessionId,
          participantId: null,
          clientId: newClientId(),
          text: 'Could I have a word after the session?',
        }),
      );

      // A check-in round that one participant answered.
      const round = consolePanel.getByRole('region', { name: 'Check-in round' });
      await round.getByRole('button', { name: 'Open a check-in round' }).click();
      const openRound = () => {
        const event = calEvents.received.findLast((e) => e.type === 'controls');
        return event?.type === 'controls' ? (event.controls.checkIn?.id ?? null) : null;
      };
      await expect.poll(openRound).not.toBeNull();
      const checkInId = openRound()!;
      unwrap(await command(calSocket, 'checkin:answer', { sessionId, checkInId, colour: 'green', word: 'steady' }));
      await round.getByText('Green — steady').waitFor();

      // Everything that needs the facilitator, with a person's actions, a mute form and a private
      // conversation open.
      await consolePanel.getByRole('region', { name: 'Support asked for' }).getByText(dee.pseudonym, { exact: true }).waitFor();
      await consolePanel.getByRole('region', { name: 'Crisis alerts' }).getByRole('button', { name: 'Go to the message' }).waitFor();
      const reports = consolePanel.getByRole('region', { name: 'Reports' });
      await reports.getByRole('button', { name: 'Show the reported words' }).waitFor();
      const roster = consolePanel.getByRole('region', { name: 'People in the room' });
      await roster.getByRole('button', { name: `Actions for ${cal.pseudonym}` }).click();
      await roster.getByRole('button', { name: 'Mute', exact: true }).click();
      await roster.getByLabel('Mute for').waitFor();
      await roster.getByRole('button', { name: `Actions for ${dee.pseudonym}` }).click();
      await roster.getByRole('group', { name: `Actions for ${dee.pseudonym}` }).waitFor();
      await consolePanel.getByRole('button', { name: `Conversation with ${dee.pseudonym} (1)` }).click();
      await consolePanel.getByLabel(`Reply to ${dee.pseudonym}`).waitFor();
      await consolePanel.locator('details.console-resources summary').click();
      await expectNoViolations(
        page,
        'the facilitator console at 1280×800: waiting room, support, crisis alert, reports, check-in, person actions, mute form, private conversation',
      );
      await roster.getByRole('form', { name: `Mute ${cal.pseudonym}` }).getByRole('button', { name: 'Mute' }).click();
      await roster.locator('.console-flag', { hasText: 'muted until' }).waitFor();

      // A message's "More" menu as a facilitator, and the form to add a warning.
      const theirs = messageIn(page, 'stop talking and listen');
      await theirs.getByRole('button', { name: 'More' }).click();
      await theirs.getByRole('button', { name: 'Add a content warning' }).click();
      await theirs.getByLabel('Police and courts').waitFor();
      await expectNoViolations(page, 'the form a facilitator adds a content warning with');
      await theirs.getByRole('button', { name: 'Cancel' }).click();
      await theirs.getByRole('button', { name: 'More' }).click();
      await theirs.getByRole('button', { name: 'Hide from the room' }).waitFor();
      await expectNoViolations(page, 'a message’s More menu as a facilitator');
      await theirs.getByRole('button', { name: 'Hide from the room' }).click();
      await theirs.locator('.msg-hidden-mark').waitFor();

      // On a narrow screen the console is a panel in the conversation's place.
      await page.setViewportSize(narrowPhone);
      const consoleButton = page.getByRole('button', { name: /^Facilitator console/ });
      await consoleButton.waitFor();
      await expectNoViolations(page, 'the room as a facilitator at 360×740');
      await consoleButton.click();
      await consolePanel.getByRole('button', { name: 'Close the facilitator console' }).waitFor();
      await roster.getByRole('button', { name: `Actions for ${dee.pseudonym}` }).click();
      await roster.getByRole('group', { name: `Actions for ${dee.pseudonym}` }).waitFor();
      await consolePanel.getByRole('button', { name: `Conversation with ${dee.pseudonym} (1)` }).click();
      await consolePanel.getByLabel(`Reply to ${dee.pseudonym}`).waitFor();
      await expectNoViolations(page, 'the facilitator console as a panel at 360×740, with person actions and a private conversation');
      await consolePanel.getByRole('button', { name: 'Close the facilitator console' }).click();
      await page.setViewportSize(desktop);

      // Removing someone asks first; the person removed is told so on a screen of its own.
      await removed.goto(`${world.node.url}/rooms/${sessionId}`);
      await enterRoom(removed);
      await roster.getByRole('button', { name: `Actions for ${cal.pseudonym}` }).click();
      await roster
        .getByRole('group', { name: `Actions for ${cal.pseudonym}` })
        .getByRole('button', { name: 'Remove from this session' })
        .click();
      await roster
        .getByRole('group', { name: `Remove ${cal.pseudonym} from this session` })
        .getByRole('button', { name: 'Remove from this session' })
        .click();
      await roster.getByRole('button', { name: 'Yes, remove them' }).waitFor();
      await expectNoViolations(page, 'the facilitator console with the question before removing someone');
      await roster.getByRole('button', { name: 'Yes, remove them' }).click();
      await removed.getByRole('heading', { name: 'You are no longer in this room' }).waitFor();
      await expectNoViolations(removed, 'the screen of someone removed from the session');

      // Ending the session asks first; then the room says it has ended.
      await page.getByRole('button', { name: 'End session' }).click();
      await page.getByRole('button', { name: 'Yes, end the session' }).waitFor();
      await expectNoViolations(page, 'the room with the end-session question');
      await page.getByRole('button', { name: 'Yes, end the session' }).click();
      await page.getByText('This session has ended.').waitFor();
      await expectNoViolations(page, 'the room after the session ended, as its facilitator');
    } finally {
      for (const socket of sockets) socket.close();
    }
    expect(pageErrors).toEqual([]);
  });
});
