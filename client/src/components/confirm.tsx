import { useEffect, useId, useRef, useState, type ReactNode } from 'react';

interface ConfirmActionProps {
  /** The first button's words; the step that asks comes after it. */
  label: string;
  question: ReactNode;
  confirmLabel: string;
  keepLabel: string;
  onConfirm: () => Promise<void>;
  pending?: boolean;
  /** Ties the button to what it acts on, for screen readers (such as a session's title). */
  describedBy?: string;
  className?: string;
}

/**
 * An action that cannot be undone asks once more, in place, before it happens. Focus moves to
 * the safe choice, so pressing Enter twice by accident changes nothing. Escape is the safe
 * choice too, and goes no further: whatever holds the question stays open.
 */
export function ConfirmAction({
  label,
  question,
  confirmLabel,
  keepLabel,
  onConfirm,
  pending = false,
  describedBy,
  className = 'button-secondary',
}: ConfirmActionProps) {
  const questionId = useId();
  const [open, setOpen] = useState(false);
  const trigger = useRef<HTMLButtonElement>(null);
  const keep = useRef<HTMLButtonElement>(null);
  const focusNext = useRef<'keep' | 'trigger' | null>(null);

  useEffect(() => {
    const target = focusNext.current === 'keep' ? keep.current : trigger.current;
    if (focusNext.current) target?.focus();
    focusNext.current = null;
  }, [open]);

  function cancel() {
    focusNext.current = 'trigger';
    setOpen(false);
  }

  if (!open) {
    return (
      <button
        ref={trigger}
        type="button"
        className={className}
        aria-describedby={describedBy}
        onClick={() => {
          focusNext.current = 'keep';
          setOpen(true);
        }}
      >
        {label}
      </button>
    );
  }

  return (
    <div
      className="confirm"
      role="group"
      aria-labelledby={questionId}
      onKeyDown={(event) => {
        if (event.key === 'Escape' && !event.nativeEvent.isComposing) {
          event.stopPropagation();
          cancel();
        }
      }}
    >
      <p id={questionId}>{question}</p>
      <div className="actions">
        <button
          type="button"
          disabled={pending}
          onClick={() => {
            void onConfirm().finally(() => {
              focusNext.current = 'trigger';
              setOpen(false);
            });
          }}
        >
          {confirmLabel}
        </button>
        <button
          ref={keep}
          type="button"
          className="button-secondary"
          onClick={cancel}
        >
          {keepLabel}
        </button>
      </div>
    </div>
  );
}
