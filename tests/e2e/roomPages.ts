import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import type { Node } from '../support/hearth.ts';
import type { HttpClient } from '../support/http.ts';

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
