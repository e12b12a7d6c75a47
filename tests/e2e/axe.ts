import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** WCAG 2.2 AA as axe-core tags its rules: 2.0 and 2.1 at A and AA, and what 2.2 added at AA. */
const wcagAA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** Hearth follows `prefers-color-scheme`; each theme has colours of its own to check. */
const themes = ['light', 'dark'] as const;

/**
 * Lets the page settle after the colour scheme changed: a frame for the new styles, then every
 * animation that ends (buttons and links ease their colours over 120 ms), so that axe measures
 * the colours people read rather than ones caught halfway. Endless ones, such as the grounding
 * pause's breathing circle, are left running.
 */
async function settle(page: Page) {
  await page.evaluate(async () => {
    await new Promise((resolve) => requestAnimationFrame(resolve));
    const ending = document
      .getAnimations()
      .filter((animation) => Number.isFinite(animation.effect?.getComputedTiming().endTime ?? Infinity));
    await Promise.all(ending.map((animation) => animation.finished.catch(() => undefined)));
  });
}

function describeViolations(theme: string, violations: Awaited<ReturnType<AxeBuilder['analyze']>>['violations']) {
  return violations.map((violation) => {
    const nodes = violation.nodes.map((node) => {
      const summary = (node.failureSummary ?? '').replace(/\s+/g, ' ').trim().slice(0, 300);
      return `      ${node.target.join(' ')} ${node.html.slice(0, 100)}\n        ${summary}`;
    });
    return `  [${theme}] ${violation.id} (${violation.impact ?? 'impact not given'}): ${violation.help}\n${nodes.join('\n')}`;
  });
}

/**
 * Runs axe-core on what the page shows now, in the light and then the dark theme, and fails
 * naming `what` (the page, dialog or panel on screen) with each violation: the rule, its impact,
 * the elements and what is wrong with them. The page is left in the light theme.
 */
export async function expectNoViolations(page: Page, what: string) {
  const found: string[] = [];
  for (const theme of themes) {
    await page.emulateMedia({ colorScheme: theme });
    await settle(page);
    // Hearth's pages have no frames, so axe runs in the page itself ("legacy mode") instead of
    // gathering the frames' results in a blank page opened each time: half the time, same rules.
    const results = await new AxeBuilder({ page }).withTags(wcagAA).setLegacyMode().analyze();
    found.push(...describeViolations(theme, results.violations));
  }
  await page.emulateMedia({ colorScheme: 'light' });
  expect(found.length, `axe-core found WCAG 2.2 AA violations on ${what}:\n${found.join('\n')}\n`).toBe(0);
}
