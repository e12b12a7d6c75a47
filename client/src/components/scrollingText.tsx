import type { ReactNode } from 'react';

/**
 * Long text in a box of its own height, such as the group agreements. It can hold nothing else
 * that takes focus, so the box itself does: otherwise someone using a keyboard could not scroll
 * it. Its name tells a screen reader what it landed on.
 */
export function ScrollingText({
  label,
  className,
  id,
  children,
}: {
  label: string;
  className: string;
  id?: string;
  children: ReactNode;
}) {
  return (
    <div id={id} className={className} role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
