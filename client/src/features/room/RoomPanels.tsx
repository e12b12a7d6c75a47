import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import type { CrisisResource, CwCategory, Member, RoomPreferences, RosterEntry } from '@hearth/shared';
import { CrisisResourceList } from '../../components/crisisResources.tsx';
import { isFacilitator } from '../../lib/format.ts';
import type { PreferencesStatus } from './usePreferences.ts';

export type PanelName = 'people' | 'crisis' | 'settings' | 'side';

/**
 * A panel opened from the room's controls. Focus moves to its heading when it opens; Escape or
 * its Close button closes it, and the room puts focus back on the control that opened it.
 */
export function Panel({
  id,
  title,
  onClose,
  children,
}: {
  id: string;
  title: string;
  onClose: () => void;
  children: ReactNode;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
  }, []);
  return (
    <section
      id={id}
      className="room-panel"
      aria-labelledby={`${id}-title`}
      onKeyDown={(event) => {
        if (event.key === 'Escape' && !event.nativeEvent.isComposing) {
          event.stopPropagation();
          onClose();
        }
      }}
    >
      <div className="room-panel-head">
        <h2 id={`${id}-title`} ref={heading} tabIndex={-1}>
          {title}
        </h2>
        <button type="button" className="button-quiet button-small" onClick={onClose}>
          Close<span className="visually-hidden"> {title}</span>
        </button>
      </div>
      <div className="room-panel-body">{children}</div>
    </section>
  );
}

/**
 * Who is in the room and how; people who left are not listed, nor anyone whose place in the
 * group ended (they have no name any more).
 */
export function RosterList({ roster, me }: { roster: readonly RosterEntry[]; me: Member }) {
  const here = roster
    .filter((entry) => entry.state !== 'left' && entry.member.pseudonym !== '')
    .sort(
      (a, b) =>
        Number(isFacilitator(b.member)) - Number(isFacilitator(a.member)) ||
        a.member.pseudonym.localeCompare(b.member.pseudonym),
    );
  if (here.length === 0) return <p className="empty">Nobody else is here yet.</p>;
  return (
    <ul className="roster">
      {here.map(({ member, state }) => (
        <li key={member.memberId} className={state === 'stepped_out' ? 'roster-away' : undefined}>
          <span className="roster-name">{member.pseudonym}</span>
          {member.memberId === me.memberId && <span className="roster-note"> (you)</span>}
          {isFacilitator(member) && <span className="roster-tag">facilitator</span>}
          {state === 'stepped_out' && <span className="roster-state">stepped out</span>}
        </li>
      ))}
    </ul>
  );
}

export function CrisisPanelBody({ resources }: { resources: readonly CrisisResource[] }) {
  return (
    <>
      <p>
        If you need help now, these services are there for you, outside the group. You can
        contact them at any time.
      </p>
      {resources.length > 0 ? (
        <CrisisResourceList resources={resources} />
      ) : (
        <p className="meta">
          This group has not listed any services yet. If you are in danger, please call your
          local emergency number.
        </p>
      )}
    </>
  );
}

type Choice = 'ask' | 'hide' | 'show';

const choiceWords: Record<Choice, string> = {
  ask: 'Ask',
  hide: 'Always hide',
  show: 'Always show',
};

const loadWords: Record<PreferencesStatus, string> = {
  loading: 'Loading your settings…',
  failed:
    'Your settings could not be loaded, so they cannot be changed just now. Until they load, ' +
    'every message with a warning asks before it shows.',
  ready: '',
};

export function SettingsPanelBody({
  categories,
  preferences,
  status: loadStatus,
  onSave,
  onRetry,
}: {
  categories: readonly CwCategory[];
  preferences: RoomPreferences;
  /** Choices can be changed only once the saved ones have loaded. */
  status: PreferencesStatus;
  onSave: (next: RoomPreferences) => Promise<string | null>;
  onRetry: () => void;
}) {
  const id = useId();
  const locked = loadStatus !== 'ready';
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  function save(next: RoomPreferences) {
    setStatus(null);
    setError(null);
    void onSave(next).then((problem) => {
      if (problem) setError(`Not saved. ${problem}`);
      else setStatus('Saved.');
    });
  }

  function choose(key: string, choice: Choice) {
    const contentWarnings = { ...preferences.contentWarnings };
    if (choice === 'ask') delete contentWarnings[key];
    else contentWarnings[key] = choice;
    save({ ...preferences, contentWarnings });
  }

  return (
    <div className="stack">
      <p className="hint">
        These choices are yours alone and nobody else sees them. They apply in every session of
        this group.
      </p>
      <div className={locked ? 'notice' : 'visually-hidden'}>
        <p role="status">{loadWords[loadStatus]}</p>
        {loadStatus === 'failed' && (
          <p>
            <button type="button" className="button-secondary button-small" onClick={onRetry}>
              Try loading them again
            </button>
          </p>
        )}
      </div>
      <div className="check">
        <input
          id={`${id}-typing`}
          type="checkbox"
          aria-describedby={`${id}-typing-hint`}
          checked={preferences.typingIndicators}
          disabled={locked}
          onChange={(event) => {
            save({ ...preferences, typingIndicators: event.target.checked });
          }}
        />
        <div>
          <label htmlFor={`${id}-typing`}>Show typing indicators</label>
          <p id={`${id}-typing-hint`} className="hint">
            When this is off, you do not see when others are typing, and they do not see when
            you are.
          </p>
        </div>
      </div>

      <div>
        <h3 className="room-section-title">Content warnings</h3>
        <p className="hint">
          For each kind of content: <strong>Ask</strong> shows the warning with a button to read
          on. <strong>Always hide</strong> folds it away to one line.{' '}
          <strong>Always show</strong> shows it straight away, with the warning above it.
        </p>
      </div>
      {categories.length === 0 && <p className="meta">This group has no warning categories.</p>}
      <div className="cw-prefs">
        {categories.map((category) => {
          const current: Choice = preferences.contentWarnings[category.key] ?? 'ask';
          return (
            <fieldset key={category.key} className="cw-pref">
              <legend>{category.label}</legend>
              <div className="cw-pref-options">
                {(Object.keys(choiceWords) as Choice[]).map((choice) => (
                  <div className="check" key={choice}>
                    <input
                      id={`${id}-${category.key}-${choice}`}
                      type="radio"
                      name={`${id}-${category.key}`}
                      checked={current === choice}
                      disabled={locked}
                      onChange={() => {
                        choose(category.key, choice);
                      }}
                    />
                    <label htmlFor={`${id}-${category.key}-${choice}`}>{choiceWords[choice]}</label>
                  </div>
                ))}
              </div>
            </fieldset>
          );
        })}
      </div>
      <p className={status ? 'hint' : 'visually-hidden'} role="status">
        {status ?? ''}
      </p>
      {error && (
        <p className="msg-error" role="alert">
          {error}
        </p>
      )}

      <div>
        <h3 className="room-section-title">Quick exit</h3>
        <p className="hint">
          The Quick exit button in the corner, or Shift pressed three times, leaves Hearth at once
          for a weather page, logs you out and clears what Hearth kept in this browser. It
          replaces this page, so Back does not return here. Your browser’s history of earlier
          pages stays: a private window, or clearing your history, leaves fewer traces.
        </p>
      </div>
    </div>
  );
}
