/**
 * Keeps the room and quick exit within what a phone shows while its on-screen keyboard is open.
 *
 * Chrome on Android shrinks the page for the keyboard (index.html asks for
 * `interactive-widget=resizes-content`), so `100dvh` already fits. Safari on iOS does not: the
 * keyboard covers the bottom of the page and the visible part may be scrolled down, taking a
 * fixed quick-exit button out of sight. There the visible part is measured and given to the
 * CSS as `--visible-height` and `--visible-top`.
 *
 * Only at 100% zoom: someone who zoomed in is looking at part of the page on purpose, and the
 * room must not shrink to the zoomed area.
 */
export function followVisualViewport(): () => void {
  const viewport = window.visualViewport;
  if (!viewport) return () => {};
  const root = document.documentElement;

  function measure() {
    if (!viewport) return;
    const zoomed = Math.abs(viewport.scale - 1) > 0.01;
    const covered = window.innerHeight - viewport.height > 1;
    if (zoomed || !covered) {
      root.style.removeProperty('--visible-height');
      root.style.removeProperty('--visible-top');
      return;
    }
    root.style.setProperty('--visible-height', `${String(Math.round(viewport.height))}px`);
    root.style.setProperty('--visible-top', `${String(Math.round(viewport.offsetTop))}px`);
  }

  measure();
  viewport.addEventListener('resize', measure);
  viewport.addEventListener('scroll', measure);
  return () => {
    viewport.removeEventListener('resize', measure);
    viewport.removeEventListener('scroll', measure);
  };
}
