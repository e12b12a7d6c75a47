import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import type { Config } from '../../server/src/config.ts';
import { startNode, type Node } from './hearth.ts';
import { modes, type Provisioned } from './modes.ts';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags that keep Debian's Chromium from reaching out to the network it cannot reach. */
const args = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Browser tests need Debian's Chromium. CI installs it and must run them; elsewhere a missing
 * Chromium is said loudly and the browser tests are not run.
 */
export const browserAvailable = existsSync(chromiumPath);
if (!browserAvailable) {
  const message = `Chromium is not installed at ${chromiumPath}: the browser tests cannot run (apt-get install chromium).`;
  if (process.env.CI) throw new Error(message);
  process.stderr.write(`\n${'!'.repeat(78)}\n!! ${message}\n${'!'.repeat(78)}\n\n`);
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, headless: true, args });
}

/**
 * A browser test's world: Hearth on the embedded default and one Chromium, started before the
 * file's tests and stopped after them. The getters are read inside tests; `overrides` is read
 * when the node starts (so it may use a `neutralSite` registered before it).
 */
export function browserWithHearth(overrides: () => Partial<Config> = () => ({})) {
  let place: Provisioned | undefined;
  let node: Node | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    place = await modes.find((mode) => mode.name === 'embedded')!.provision();
    node = await startNode(place, overrides());
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await node?.close();
    await place?.dispose();
  });
  return {
    get node() {
      return node!;
    },
    get browser() {
      return browser!;
    },
  };
}

/**
 * A neutral website on loopback for quick exit to lead to, as a deployment's would (a weather or
 * recipes page). Register it before the node whose `quickExitUrl` it is.
 */
export function neutralSite(title: string, text: string) {
  const page =
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>` +
    `<body><h1>${title}</h1><p>${text}</p></body></html>`;
  let server: Server | undefined;
  let url = '';
  beforeAll(async () => {
    const listening = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(page);
    });
    server = listening;
    await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${String((listening.address() as AddressInfo).port)}/${title.toLowerCase()}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });
  return {
    get url() {
      return url;
    },
  };
}

/** When SCREENSHOT_DIR is set, saves what a page shows: the screenshots the docs use. */
export async function shoot(page: Page, name: string, options: { fullPage?: boolean } = {}) {
  const dir = process.env.SCREENSHOT_DIR;
  if (!dir) return;
  await mkdir(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), ...options });
}
