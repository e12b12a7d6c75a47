import { useId, type ReactNode } from 'react';

/** One part of the console: a titled region, so it can be found by name and by heading. */
export function ConsoleSection({
  title,
  count,
  className,
  children,
}: {
  title: string;
  /** Items waiting for a facilitator, shown after the title. */
  count?: number;
  className?: string;
  children: ReactNode;
}) {
  const id = useId();
  return (
    <section className={className ? `console-section ${className}` : 'console-section'} aria-labelledby={id}>
      <h3 className="console-title">
        <span id={id}>{title}</span>
        {count !== undefined && count > 0 && <span className="console-count"> ({count})</span>}
      </h3>
      {children}
    </section>
  );
}
