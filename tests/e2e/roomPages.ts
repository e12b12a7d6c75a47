import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll } from 'vitest';
import {
  createGroup,
  createOrganiser,
  inviteParticipant,
  memberIdOf,
  newClientId,
  startSession,
} from '../support/factories.ts';
import type { Node } from '../support/hearth.ts';
import type { HttpClient } from '../support/http.ts';
import { command, connect, unwrap, type TestSocket } from '../support/socket.ts';

/** Helpers the browser tests of rooms share. */

export type Viewport = { width: number; height: number };
export const desktop: Viewport = { width: 1280, height: 800 };
export const phone: Viewport = { width: 390, height: 760 };
/** A small phone, the narrowest screen the guides show. */
export const phoneSmall: Viewport = { width: 360, height: 740 };

/** A browser tab logged in as the account `client` logged in as (its cookie, handed over). */
export async function pageAs(
  browser: Browser,
  node: Node,
  client: HttpClient,
  viewport: Viewport,
  options: BrowserContextOptions = {},
): Promise<Page> {
  const context = await browser.newContext({ ...options, viewport });
  const cookie = client.cookie;
  await context.addCookies([
    { name: cookie.slice(0, cookie.indexOf('=')), value: cookie.slice(cookie.indexOf('=') + 1), url: node.url },
  ]);
  return context.newPage();
}

/** Through the confidentiality reminder into the room, until it can be written in. */
export async function enterRoom(page: Page) {
  await page.getByRole('button', { name: 'I understand — enter the room' }).click();
  await page.getByLabel('Message', { exact: true }).waitFor();
}

export function collectPageErrors(pages: Page[]) {
  const errors: string[] = [];
  for (const page of pages) page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

/**
 * For a browser test file: a room of its own per call, its facilitator (the file's one
 * organiser) inside on a socket, and a participant invited. The sockets close after the file.
 */
export function roomsWithFacilitator(world: { readonly node: Node }) {
  let organiser: HttpClient | undefined;
  const sockets: TestSocket[] = [];
  afterAll(() => {
    for (const socket of sockets) socket.close();
  });
  return async function room() {
    organiser ??= await createOrganiser(world.node);
    const group = await createGroup(organiser, undefined, { waitingRoom: false });
    const session = await startSession(organiser, group.id);
    const facilitator = await connect(world.node.url, organiser.cookie);
    sockets.push(facilitator);
    unwrap(await command(facilitator, 'room:join', { sessionId: session.id, afterSeq: 0, reminderAcknowledged: true }));
    const participant = await inviteParticipant(organiser, group.id);
    /** The facilitator writes in the room. */
    const say = async (text: string, warning: { categories: string[]; note: string } | null = null) =>
      unwrap(await command(facilitator, 'message:send', { sessionId: session.id, clientId: newClientId(), text, warning }));
    /** Every message's words the room has stored, as the facilitator's catch-up returns them. */
    const posted = async () => {
      const events = unwrap(await command(facilitator, 'room:catch-up', { sessionId: session.id, afterSeq: 0 })).events;
      return events.flatMap((event) => ('message' in event ? [event.message.text] : []));
    };
    /** The facilitator writes to the participant in their private conversation. */
    const writePrivately = async (text: string) => {
      const participantId = await memberIdOf(organiser!, group.id, participant.pseudonym);
      unwrap(
        await command(facilitator, 'side:send', { sessionId: session.id, participantId, clientId: newClientId(), text }),
      );
    };
    return {
      organiser,
      group,
      session,
      facilitator,
      participant,
      say,
      posted,
      writePrivately,
      url: `${world.node.url}/rooms/${session.id}`,
    };
  };
}
