import { useEffect, useId, useRef, useState, type SubmitEvent } from 'react';
import {
  limits,
  repeatKinds,
  TimeZoneSchema,
  type ScheduleRequest,
  type ScheduleResult,
  type Session,
  type SessionList,
  type UpdateSessionRequest,
} from '@hearth/shared';
import { ConfirmAction } from '../../components/confirm.tsx';
import {
  DurationField,
  Field,
  FormError,
  FormSection,
  SelectField,
  SessionTitleField,
  StatusMessage,
  TextAreaField,
} from '../../components/forms.tsx';
import { LoadError, Loading } from '../../components/layout.tsx';
import { isAhead, SessionCard, sortSessions } from '../../components/sessionCard.tsx';
import { api } from '../../lib/api.ts';
import {
  durationMinutes,
  formatSessionStart,
  localDateTime,
  todayLocal,
  viewerTimeZone,
} from '../../lib/format.ts';
import { Link } from '../../lib/router.tsx';
import { useAsync, type AsyncState } from '../../lib/useAsync.ts';
import { useSubmit } from '../../lib/useSubmit.ts';

type Repeat = (typeof repeatKinds)[number];

const repeatWords: Record<Repeat, string> = {
  once: 'Once',
  weekly: 'Every week',
  fortnightly: 'Every two weeks',
};

function isRepeat(value: string): value is Repeat {
  return (repeatKinds as readonly string[]).includes(value);
}

/** Every zone this browser knows, for the time-zone suggestions. Older browsers offer none. */
function knownTimeZones(): string[] {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return [];
  }
}

export function SchedulePanel({ groupId, groupLink }: { groupId: string; groupLink: string }) {
  const sessions = useAsync(`manage-sessions:${groupId}`, () => api.sessions(groupId));

  function merge(changed: readonly Session[]) {
    sessions.update((data) => {
      const ids = new Set(changed.map((s) => s.id));
      return { sessions: [...data.sessions.filter((s) => !ids.has(s.id)), ...changed] };
    });
  }

  return (
    <>
      <ScheduleForm
        groupId={groupId}
        onScheduled={(result) => {
          merge(result.sessions);
        }}
      />
      <p className="aside">
        To open a room straight away, use “Start a session now” on the{' '}
        <Link to={groupLink}>group’s page</Link>.
      </p>
      <ComingSessions
        state={sessions.state}
        onRetry={sessions.reload}
        onChanged={(session) => {
          merge([session]);
        }}
      />
    </>
  );
}

function ScheduleForm({
  groupId,
  onScheduled,
}: {
  groupId: string;
  onScheduled: (result: ScheduleResult) => void;
}) {
  const listId = useId();
  const [zones] = useState(knownTimeZones);
  const [title, setTitle] = useState('');
  const [brief, setBrief] = useState('');
  const [repeat, setRepeat] = useState<Repeat>('once');
  const [date, setDate] = useState('');
  const [time, setTime] = useState('');
  const [timeZone, setTimeZone] = useState(viewerTimeZone);
  const [duration, setDuration] = useState('90');
  const [until, setUntil] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const { pending, error, run } = useSubmit();
  const series = repeat !== 'once';

  function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    setDone(null);
    const zone = TimeZoneSchema.safeParse(timeZone.trim());
    if (!zone.success) {
      setProblem(zone.error.issues[0]?.message ?? 'That time zone is not one Hearth knows.');
      return;
    }
    if (series && until !== '' && until < date) {
      setProblem('The last date of the series is before its first session.');
      return;
    }
    setProblem(null);
    const request: ScheduleRequest = {
      title: title.trim(),
      brief: brief.trim(),
      repeat,
      timeZone: zone.data,
      date,
      time,
      durationMinutes: Number(duration),
      ...(series && until !== '' ? { until } : {}),
    };
    void run(async () => {
      const result = await api.schedule(groupId, request);
      onScheduled(result);
      setTitle('');
      setBrief('');
      setDone(scheduledWords(request, result));
    });
  }

  return (
    <FormSection
      title="Schedule a session"
      intro={
        <p className="hint">
          Members see each session in their own time zone. A weekly or fortnightly series keeps
          its local start time when the clocks change.
        </p>
      }
      submitLabel="Schedule"
      onSubmit={submit}
      pending={pending}
      error={problem ?? error}
      done={done}
    >
      <SessionTitleField value={title} onValueChange={setTitle} />
      <TextAreaField
        label="Brief"
        name="brief"
        rows={3}
        maxLength={limits.sessionBriefMax}
        hint="Optional. The theme, and any content-warning categories likely to come up. Participants see it before the session."
        value={brief}
        onChange={(event) => {
          setBrief(event.target.value);
        }}
      />
      <SelectField
        label="Repeats"
        name="repeat"
        value={repeat}
        onChange={(event) => {
          if (isRepeat(event.target.value)) setRepeat(event.target.value);
        }}
      >
        {repeatKinds.map((kind) => (
          <option key={kind} value={kind}>
            {repeatWords[kind]}
          </option>
        ))}
      </SelectField>
      <div className="field-pair">
        <Field
          label="Date"
          name="date"
          type="date"
          required
          min={todayLocal()}
          hint={series ? 'The first session.' : undefined}
          value={date}
          onChange={(event) => {
            setDate(event.target.value);
          }}
        />
        <Field
          label="Start time"
          name="time"
          type="time"
          required
          value={time}
          onChange={(event) => {
            setTime(event.target.value);
          }}
        />
      </div>
      <Field
        label="Time zone"
        name="timeZone"
        required
        autoComplete="off"
        autoCapitalize="none"
        spellCheck={false}
        list={zones.length > 0 ? listId : undefined}
        hint="The date and start time are in this zone, such as Europe/London."
        value={timeZone}
        onChange={(event) => {
          setTimeZone(event.target.value);
        }}
      />
      {zones.length > 0 && (
        <datalist id={listId}>
          {zones.map((zone) => (
            <option key={zone} value={zone} />
          ))}
        </datalist>
      )}
      <DurationField value={duration} onValueChange={setDuration} />
      {series && (
        <Field
          label="Until (optional)"
          name="until"
          type="date"
          min={date || todayLocal()}
          hint="The last date the series may have a session on. Leave it empty to keep going."
          value={until}
          onChange={(event) => {
            setUntil(event.target.value);
          }}
        />
      )}
    </FormSection>
  );
}

function scheduledWords(request: ScheduleRequest, result: ScheduleResult): string {
  const first = result.sessions[0];
  const when = first ? `, starting ${formatSessionStart(first.startsAt)}` : '';
  if (request.repeat === 'once') return `“${request.title}” is scheduled${when}.`;
  const how = request.repeat === 'weekly' ? 'every week' : 'every two weeks';
  const end = request.until ? ` until ${request.until}` : '';
  return `“${request.title}” is scheduled ${how}${end}${when}.`;
}

function ComingSessions({
  state,
  onRetry,
  onChanged,
}: {
  state: AsyncState<SessionList>;
  onRetry: () => void;
  onChanged: (session: Session) => void;
}) {
  const headingId = useId();
  const idPrefix = useId();

  let body;
  if (state.status === 'loading') {
    body = <Loading label="Loading the sessions…" />;
  } else if (state.status === 'error') {
    body = <LoadError error={state.error} onRetry={onRetry} />;
  } else {
    const ahead = sortSessions(state.data.sessions.filter((s) => isAhead(s)));
    body =
      ahead.length === 0 ? (
        <p className="empty">No sessions are coming up.</p>
      ) : (
        <ul className="card-list">
          {ahead.map((session) => (
            <ComingSession
              key={session.id}
              session={session}
              titleId={`${idPrefix}-${session.id}`}
              onChanged={onChanged}
            />
          ))}
        </ul>
      );
  }

  return (
    <section className="section" aria-labelledby={headingId}>
      <h2 id={headingId}>Coming sessions</h2>
      <p className="hint">Times are shown in your own time zone.</p>
      {body}
    </section>
  );
}

function ComingSession({
  session,
  titleId,
  onChanged,
}: {
  session: Session;
  titleId: string;
  onChanged: (session: Session) => void;
}) {
  const [moving, setMoving] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const { pending, error, run } = useSubmit();
  const moveButton = useRef<HTMLButtonElement>(null);
  const refocus = useRef(false);

  useEffect(() => {
    // Closing the move form puts focus back where it was, on "Move".
    if (!moving && refocus.current) moveButton.current?.focus();
    refocus.current = false;
  }, [moving]);

  function cancel() {
    setDone(null);
    return run(async () => {
      onChanged(await api.cancelSession(session.id));
    });
  }

  return (
    <SessionCard session={session} titleId={titleId} showOwnZone>
      {session.seriesId && session.status === 'scheduled' && (
        <p className="hint">Part of a series. Changes here apply to this session only.</p>
      )}
      {session.status === 'scheduled' &&
        (moving ? (
          <MoveForm
            session={session}
            titleId={titleId}
            onDone={(moved) => {
              if (moved) {
                onChanged(moved);
                setDone(`Moved to ${formatSessionStart(moved.startsAt)}.`);
              }
              refocus.current = true;
              setMoving(false);
            }}
          />
        ) : (
          <div className="actions">
            <button
              ref={moveButton}
              type="button"
              className="button-secondary"
              aria-describedby={titleId}
              onClick={() => {
                setDone(null);
                setMoving(true);
              }}
            >
              Move
            </button>
            <ConfirmAction
              label="Cancel this session"
              question="Cancel this session for everyone? Other sessions in its series stay as they are."
              confirmLabel="Yes, cancel it"
              keepLabel="Keep the session"
              describedBy={titleId}
              pending={pending}
              onConfirm={cancel}
            />
          </div>
        ))}
      <FormError message={error} />
      <StatusMessage message={done} />
    </SessionCard>
  );
}

function MoveForm({
  session,
  titleId,
  onDone,
}: {
  session: Session;
  titleId: string;
  onDone: (moved: Session | null) => void;
}) {
  const headingId = useId();
  const [initial] = useState(() => ({
    ...localDateTime(session.startsAt, session.timeZone),
    duration: String(durationMinutes(session.startsAt, session.endsAt)),
  }));
  const [date, setDate] = useState(initial.date);
  const [time, setTime] = useState(initial.time);
  const [duration, setDuration] = useState(initial.duration);
  const [problem, setProblem] = useState<string | null>(null);
  const { pending, error, run } = useSubmit();

  function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const change: UpdateSessionRequest = {
      ...(date !== initial.date ? { date } : {}),
      ...(time !== initial.time ? { time } : {}),
      ...(duration !== initial.duration ? { durationMinutes: Number(duration) } : {}),
    };
    if (Object.keys(change).length === 0) {
      setProblem('Nothing has changed yet.');
      return;
    }
    setProblem(null);
    void run(async () => {
      onDone(await api.updateSession(session.id, change));
    });
  }

  return (
    <form className="stack move-form" aria-labelledby={headingId} onSubmit={submit}>
      <h4 id={headingId} className="move-title">
        Move this session
        <span className="visually-hidden">: {session.title}</span>
      </h4>
      <p className="hint">The date and start time are in the session’s time zone, {session.timeZone}.</p>
      <div className="field-pair">
        <Field
          label="Date"
          name="date"
          type="date"
          required
          autoFocus
          value={date}
          onChange={(event) => {
            setDate(event.target.value);
          }}
        />
        <Field
          label="Start time"
          name="time"
          type="time"
          required
          value={time}
          onChange={(event) => {
            setTime(event.target.value);
          }}
        />
      </div>
      <DurationField value={duration} onValueChange={setDuration} showRange={false} />
      <FormError message={problem ?? error} />
      <div className="actions">
        <button type="submit" disabled={pending} aria-describedby={titleId}>
          Save change
        </button>
        <button
          type="button"
          className="button-secondary"
          onClick={() => {
            onDone(null);
          }}
        >
          Keep as it is
        </button>
      </div>
    </form>
  );
}
