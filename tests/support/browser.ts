import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

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
