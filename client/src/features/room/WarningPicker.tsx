/**
 * The content-warning pieces an author uses, in the composer and when editing: the picker, the
 * button that opens it, and the prompt that suggests a warning before the words go out.
 * Facilitators' warning form reuses the picker too.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { limits, suggestWarnings, type CwCategory } from '@hearth/shared';

export interface AuthorWarning {
  categories: string[];
  note: string;
}

function listInWords(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words.at(-1) ?? ''}`;
}

/**
 * What an author chose for one message, and the suggestion being asked about. `initial` is the
 * warning the message has already (when editing); categories the group no longer has are left
 * out, since they could not be seen or removed.
 */
export function useWarningChoice(
  categories: readonly CwCategory[],
  initial: { categories: readonly string[]; note: string } | null = null,
) {
  const [open, setOpen] = useState(initial !== null);
  const [chosen, setChosen] = useState<readonly string[]>(() =>
    (initial?.categories ?? []).filter((key) => categories.some((c) => c.key === key)),
  );
  const [note, setNote] = useState(initial?.note ?? '');
  /** Categories the text seems to touch, asked about before it goes out; null when not asking. */
  const [suggested, setSuggested] = useState<readonly CwCategory[] | null>(null);

  const ownCategories = open ? chosen : [];
  const ownNote = open ? note.trim() : '';

  function build(extra: readonly string[]): AuthorWarning | null {
    const all = [...new Set([...ownCategories, ...extra])].slice(0, limits.cwCategoriesMax);
    return all.length > 0 || ownNote !== '' ? { categories: all, note: ownNote } : null;
  }

  return {
    open,
    toggleOpen: () => {
      setOpen((current) => !current);
    },
    chosen,
    note,
    setNote,
    toggleCategory: (key: string, on: boolean) => {
      setChosen((current) => (on ? [...current, key] : current.filter((k) => k !== key)));
    },
    suggested,
    /** The author already gave a warning of their own (so "without" means "with only theirs"). */
    hasOwn: ownCategories.length > 0 || ownNote !== '',
    /**
     * Asks about the categories the text seems to touch, once per attempt: true when there is
     * nothing to ask and the text can go as it is. A suggestion only; the author decides.
     */
    check(text: string): boolean {
      const found = suggestWarnings(text, categories, ownCategories);
      setSuggested(found.length > 0 ? found : null);
      return found.length === 0;
    },
    dismissSuggestion: () => {
      setSuggested(null);
    },
    /** The warning to send: the author's own, plus the suggested categories if they said yes. */
    warning(addSuggested: boolean): AuthorWarning | null {
      return build(addSuggested ? (suggested ?? []).map((c) => c.key) : []);
    },
    reset() {
      setOpen(false);
      setChosen([]);
      setNote('');
      setSuggested(null);
    },
  };
}

export type WarningChoice = ReturnType<typeof useWarningChoice>;

/** The categories to pick from (up to the limit) and a short note. */
export function WarningFields({
  categories,
  chosen,
  onToggle,
  note,
  onNoteChange,
  hint,
  className,
  autoFocusFirst = false,
}: {
  categories: readonly CwCategory[];
  chosen: readonly string[];
  onToggle: (key: string, on: boolean) => void;
  note: string;
  onNoteChange: (note: string) => void;
  hint: string;
  className?: string;
  /** Opened on purpose, so the first choice is where the person starts. */
  autoFocusFirst?: boolean;
}) {
  const id = useId();
  return (
    <fieldset className={className}>
      <legend>Content warning</legend>
      <p className="hint">{hint}</p>
      <div className="cw-choices">
        {categories.map((category, index) => (
          <div className="check" key={category.key}>
            <input
              id={`${id}-cw-${category.key}`}
              type="checkbox"
              checked={chosen.includes(category.key)}
              disabled={!chosen.includes(category.key) && chosen.length >= limits.cwCategoriesMax}
              autoFocus={autoFocusFirst && index === 0}
              onChange={(event) => {
                onToggle(category.key, event.target.checked);
              }}
            />
            <label htmlFor={`${id}-cw-${category.key}`}>{category.label}</label>
          </div>
        ))}
      </div>
      <div className="field">
        <label htmlFor={`${id}-cw-note`}>Warning note (optional)</label>
        <input
          id={`${id}-cw-note`}
          maxLength={limits.cwNoteMax}
          value={note}
          onChange={(event) => {
            onNoteChange(event.target.value);
          }}
        />
      </div>
    </fieldset>
  );
}

const authorHint = (max: number) =>
  `Others will see the warning first and choose whether to read on. Pick what fits (up to ${String(max)}), or write a short note.`;

/** The author's picker, shown while their warning is open. */
export function AuthorWarningFields({ choice, categories }: { choice: WarningChoice; categories: readonly CwCategory[] }) {
  if (!choice.open) return null;
  return (
    <WarningFields
      className="composer-cw"
      categories={categories}
      chosen={choice.chosen}
      onToggle={choice.toggleCategory}
      note={choice.note}
      onNoteChange={choice.setNote}
      hint={authorHint(limits.cwCategoriesMax)}
    />
  );
}

/** Opens or removes the author's own warning. */
export function WarningToggle({ choice }: { choice: WarningChoice }) {
  return (
    <button type="button" className="button-inline" aria-expanded={choice.open} onClick={choice.toggleOpen}>
      {choice.open ? 'Remove the content warning' : 'Add a content warning'}
    </button>
  );
}

const verbs = {
  send: { add: 'Add warning and send', withoutAdding: 'Send without adding it', without: 'Send without a warning' },
  save: { add: 'Add warning and save', withoutAdding: 'Save without adding it', without: 'Save without a warning' },
} as const;

/**
 * Asks, inline, whether to add the warning the text suggests. Focus moves to the question, not
 * to a button, so someone still typing cannot send by pressing Space; the question is announced.
 * Escape goes back to the text (`onDismiss`). Always rendered, so its live region is in place
 * before the question appears.
 */
export function WarningPrompt({
  choice,
  verb,
  onAnswer,
  onDismiss,
  disabled = false,
}: {
  choice: WarningChoice;
  verb: keyof typeof verbs;
  onAnswer: (addSuggested: boolean) => void;
  onDismiss: () => void;
  /** The answer cannot go out just now (the reason is shown beside the form's main button). */
  disabled?: boolean;
}) {
  const id = useId();
  const question = useRef<HTMLParagraphElement>(null);
  const { suggested, hasOwn } = choice;
  const words = verbs[verb];

  useEffect(() => {
    if (suggested) question.current?.focus();
  }, [suggested]);

  const labels = listInWords((suggested ?? []).map((c) => c.label));
  return (
    <div aria-live="polite">
      {suggested && (
        <div
          className="cw-prompt"
          role="group"
          aria-labelledby={`${id}-question`}
          onKeyDown={(event) => {
            if (event.key === 'Escape') {
              event.stopPropagation();
              onDismiss();
            }
          }}
        >
          <p id={`${id}-question`} ref={question} tabIndex={-1}>
            {hasOwn
              ? `This message may also touch on ${labels}. Add it to the content warning?`
              : `This message may touch on ${labels}. Add a content warning?`}
          </p>
          <div className="actions">
            <button
              type="button"
              className="button-small"
              disabled={disabled}
              onClick={() => {
                onAnswer(true);
              }}
            >
              {words.add}
            </button>
            <button
              type="button"
              className="button-secondary button-small"
              disabled={disabled}
              onClick={() => {
                onAnswer(false);
              }}
            >
              {hasOwn ? words.withoutAdding : words.without}
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
