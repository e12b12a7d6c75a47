import { readFileSync } from 'node:fs';
import { crisisMatcher, detectCrisis, type CrisisMatcher } from '@hearth/shared';

/**
 * The deployment's crisis phrase list: one phrase per line, `#` starts a comment. Without a
 * file, the curated default in shared/. A file that cannot be read stops start-up, since
 * running without the list a deployment chose would silently miss alerts.
 */
export function loadCrisisMatcher(file: string | undefined): CrisisMatcher {
  if (!file) return detectCrisis;
  const phrases = readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter(Boolean);
  if (phrases.length === 0) throw new Error(`CRISIS_PHRASES_FILE ${file} lists no phrases.`);
  return crisisMatcher(phrases);
}
