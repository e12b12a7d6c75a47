import { useEffect, useId } from 'react';
import { installQuickExitShortcut, quickExit } from '../lib/quickExit.ts';

/**
 * On every page, in the top corner, above everything else (even the "stepped out" screen):
 * one tap leaves Hearth for a neutral site. Shift pressed three times does the same.
 */
export function QuickExit() {
  const hintId = useId();
  useEffect(() => installQuickExitShortcut(), []);
  return (
    <div className="quick-exit-wrap">
      <button type="button" className="quick-exit" aria-describedby={hintId} onClick={quickExit}>
        Quick exit
      </button>
      <span id={hintId} className="visually-hidden">
        Leaves Hearth at once for a neutral website and logs you out. Pressing Shift three
        times does the same.
      </span>
    </div>
  );
}
