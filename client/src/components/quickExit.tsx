import { useEffect, useId, useState } from 'react';
import {
  installQuickExitShortcut,
  quickExit,
  SHIFT_PRESSES,
  type ShortcutProgress,
} from '../lib/quickExit.ts';

const noProgress: ShortcutProgress = { presses: 0, message: '' };

/**
 * On every page, in the top corner, above everything else (even the "stepped out" screen):
 * one tap leaves Hearth for a neutral site. Shift pressed three times does the same; the button
 * shows how many presses were counted, and screen readers hear how many are left.
 */
export function QuickExit() {
  const hintId = useId();
  const [progress, setProgress] = useState(noProgress);
  useEffect(() => installQuickExitShortcut(setProgress), []);
  return (
    <div className="quick-exit-wrap">
      <button type="button" className="quick-exit" aria-describedby={hintId} onClick={quickExit}>
        Quick exit
        {progress.presses > 0 && (
          <span className="quick-exit-presses" aria-hidden="true">
            {Array.from({ length: SHIFT_PRESSES }, (_, index) => (
              <span
                key={index}
                className={index < progress.presses ? 'quick-exit-press quick-exit-press-on' : 'quick-exit-press'}
              />
            ))}
          </span>
        )}
      </button>
      <span id={hintId} className="visually-hidden">
        Leaves Hearth at once for a neutral website and logs you out. Pressing Shift three
        times does the same.
      </span>
      <span className="visually-hidden" role="status">
        {progress.message}
      </span>
    </div>
  );
}
