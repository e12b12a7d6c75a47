import type { CwCategory, RoomPreferences, Warning } from '@hearth/shared';

/**
 * How a warned message shows to one reader: 'ask' shows the warning and a button to reveal the
 * text; 'hide' folds it to one quiet line; 'show' shows the text under its warning. With several
 * categories the most careful choice wins: hide over ask, ask over show.
 */
export type WarningMode = 'ask' | 'hide' | 'show';

export function warningMode(warning: Warning, preferences: RoomPreferences): WarningMode {
  if (warning.categories.length === 0) return 'ask';
  const chosen = warning.categories.map((key) => preferences.contentWarnings[key]);
  if (chosen.includes('hide')) return 'hide';
  if (chosen.some((choice) => choice === undefined)) return 'ask';
  return 'show';
}

/** The group's words for the categories; a key the group no longer has is shown as it is. */
export function categoryLabels(keys: readonly string[], categories: readonly CwCategory[]): string[] {
  return keys.map((key) => categories.find((c) => c.key === key)?.label ?? key);
}

/** "Self-harm, Suicide" plus the note, as one line. */
export function warningWords(
  warning: { categories: readonly string[]; note: string },
  categories: readonly CwCategory[],
): string {
  const labels = categoryLabels(warning.categories, categories).join(', ');
  if (labels && warning.note) return `${labels} — ${warning.note}`;
  return labels || warning.note;
}

/**
 * What a reveal is tied to: if a facilitator changes the warning afterwards, the message is
 * folded again and the reader chooses anew.
 */
export function warningKey(warning: { categories: readonly string[]; note: string }): string {
  return `${[...warning.categories].sort().join(',')}|${warning.note}`;
}
